// libFuzzer target: the checkpoint reader (load_checkpoint). Any gradlab::Error is a correct
// answer to a bad file; a crash, a sanitizer report, a hang or an uncaught std:: exception is a
// finding. A checkpoint that loads must be self-consistent: shapes within the tensor limit.
//
// Input layout: byte 0 = mode. Even: the rest is the file as it is (header, checksum and all).
// Odd: the rest is a payload, wrapped in a valid header and checksum -- without this the fuzzer
// would rarely get past the CRC-32 to the payload parser, which is where the shapes are read.
#include <cmath>
#include <cstdint>
#include <string>

#include <gradlab/autodiff/error.hpp>
#include <gradlab/optim/checkpoint.hpp>

#include "fuzz_common.hpp"

namespace {

std::uint32_t crc32(const std::uint8_t* d, std::size_t n) {
    std::uint32_t c = 0xffffffffu;
    for (std::size_t i = 0; i < n; ++i) {
        c ^= d[i];
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

void put_le(std::string& s, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t* body = data + 1;
    const std::size_t n = size - 1;
    if (data[0] & 1) {
        std::string file = "GLABCKPT";
        put_le(file, 1, 4);
        put_le(file, n, 8);
        file.append(reinterpret_cast<const char*>(body), n);
        put_le(file, crc32(body, n), 4);
        fuzz::write_file("checkpoint.bin", reinterpret_cast<const std::uint8_t*>(file.data()), file.size());
    } else {
        fuzz::write_file("checkpoint.bin", body, n);
    }
    try {
        const auto c = gradlab::optim::load_checkpoint(fuzz::scratch_dir() + "/checkpoint.bin");
        for (const auto& [name, t] : c.params)
            if (t.size() > gradlab::kMaxTensorElements) std::abort();
    } catch (const gradlab::Error&) {
    }
    return 0;
}
