// Shared by the fuzz targets: a private directory on tmpfs for the files a reader opens.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fuzz {

/// A directory made once per process (in /dev/shm when there is one: no disk I/O per input).
inline const std::string& scratch_dir() {
    static const std::string dir = [] {
        const char* base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
        std::string tmpl = std::string(base) + "/gradlab-fuzz-XXXXXX";
        if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
        return tmpl;
    }();
    return dir;
}

/// Writes `n` bytes to `dir/name`, replacing what was there.
inline void write_file(const std::string& name, const std::uint8_t* data, std::size_t n) {
    std::ofstream out(scratch_dir() + "/" + name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n));
    if (!out) std::abort();
}

/// Removes `dir/name` if it exists.
inline void remove_file(const std::string& name) {
    std::error_code ec;
    std::filesystem::remove(scratch_dir() + "/" + name, ec);
}

}  // namespace fuzz
