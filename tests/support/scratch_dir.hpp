/// \file scratch_dir.hpp
/// \brief The tests' one temporary directory: made fresh and unique, removed with everything in
/// it when the test ends, plus reading and writing whole files in it.
///
/// Unique through mkdtemp(3), so two test programs (ctest -j) or two runs of one never share a
/// directory; not a pid-based name that a leftover from a crashed run could collide with.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace test_support {

/// The whole content of the file at `path` ("" if it cannot be opened).
inline std::string read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Writes `bytes` to the file at `path`, replacing it; throws if the write fails.
inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("write_bytes: cannot write " + path.string());
}

/// A fresh, empty directory under the system's temporary directory
/// (`<tmp>/gradlab-<tag>-XXXXXX`), removed with its contents on destruction.
class ScratchDir {
public:
    /// `tag` names the test in the directory's name, for whoever finds one left by a killed run.
    explicit ScratchDir(const std::string& tag = "test") {
        std::string tmpl = (std::filesystem::temp_directory_path() / ("gradlab-" + tag + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) == nullptr)
            throw std::runtime_error("ScratchDir: mkdtemp(" + tmpl + ") failed: " + std::strerror(errno));
        path_ = tmpl;
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    /// The directory.
    const std::filesystem::path& path() const { return path_; }
    /// The path of `name` in the directory, as a string (what the loaders and writers take).
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    /// Writes `bytes` to `name` in the directory, replacing it; returns its path.
    std::string write(const std::string& name, const std::string& bytes) const {
        const std::string p = file(name);
        write_bytes(p, bytes);
        return p;
    }
    /// The names of the files in the directory, sorted (to see that nothing stray is left).
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : std::filesystem::directory_iterator(path_)) out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }
    /// How many files the directory holds.
    std::size_t entries() const { return names().size(); }

private:
    std::filesystem::path path_;
};

}  // namespace test_support
