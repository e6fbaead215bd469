// libFuzzer target: the CIFAR-10 binary-batch reader (load_cifar10). Any gradlab::Error is a
// correct answer to a bad file; a crash, a sanitizer report, a hang or an uncaught std::
// exception is a finding.
//
// Input layout: byte 0 = mode (bit 0: test split, else train; bits 1..3: how many of the five
// train batch files exist, each holding the same bytes; bit 4: pass limit = byte 1 + 1), byte 1,
// then the batch file's bytes.
#include <cstdint>
#include <optional>
#include <string>

#include <gradlab/autodiff/error.hpp>

#include "fuzz_common.hpp"
#include "support/datasets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t mode = data[0];
    const bool test = (mode & 1) != 0;
    const int train_files = (mode >> 1) & 7;
    const std::optional<std::size_t> limit =
        (mode & 16) ? std::optional<std::size_t>(std::size_t{data[1]} + 1) : std::nullopt;
    const std::uint8_t* body = data + 2;
    const std::size_t n = size - 2;
    fuzz::remove_file("test_batch.bin");
    for (int b = 1; b <= 5; ++b) fuzz::remove_file("data_batch_" + std::to_string(b) + ".bin");
    if (test)
        fuzz::write_file("test_batch.bin", body, n);
    else
        for (int b = 1; b <= train_files && b <= 5; ++b)
            fuzz::write_file("data_batch_" + std::to_string(b) + ".bin", body, n);
    try {
        const auto d = gradlab::data::load_cifar10(fuzz::scratch_dir(), test ? gradlab::data::Split::test
                                                                          : gradlab::data::Split::train,
                                                   limit);
        if (d.x.dimension() != 2 || d.x.shape()[1] != 3072 || d.x.shape()[0] != d.y.size()) std::abort();
        if (limit && d.y.size() > *limit) std::abort();
        for (auto y : d.y)
            if (y >= 10) std::abort();
    } catch (const gradlab::Error&) {
    }
    return 0;
}
