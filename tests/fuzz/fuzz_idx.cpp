// libFuzzer target: the Fashion-MNIST IDX reader (load_fashion_mnist), on an image file and a
// label file made from the input. Any gradlab::Error is a correct answer to a bad file; a crash,
// a sanitizer report, a hang or an uncaught std:: exception is a finding.
//
// Input layout: byte 0 = mode (bit 0: gzip the image file, bit 1: gzip the label file,
// bit 2: pass limit = byte 1 + 1), bytes 1..2 = label file length L (big-endian), then the L
// label-file bytes, then the image-file bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <zlib.h>

#include <gradlab/autodiff/error.hpp>

#include "fuzz_common.hpp"
#include "support/datasets.hpp"

namespace {

// The bytes as a gzip stream (a valid one: the reader's decompression path gets exercised with
// the fuzzer's content; raw gzip bytes written as a "plain" file test the corrupt-stream path).
void write_maybe_gzip(const std::string& stem, const std::uint8_t* p, std::size_t n, bool gzip) {
    fuzz::remove_file(stem);
    fuzz::remove_file(stem + ".gz");
    if (!gzip) {
        fuzz::write_file(stem, p, n);
        return;
    }
    const std::string path = fuzz::scratch_dir() + "/" + stem + ".gz";
    gzFile f = gzopen(path.c_str(), "wb1");
    if (f == nullptr) std::abort();
    if (n > 0 && gzwrite(f, p, static_cast<unsigned>(n)) != static_cast<int>(n)) std::abort();
    gzclose(f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const std::uint8_t mode = data[0];
    const std::optional<std::size_t> limit =
        (mode & 4) ? std::optional<std::size_t>(std::size_t{data[1]} + 1) : std::nullopt;
    std::size_t label_len = (std::size_t{data[1]} << 8) | data[2];
    const std::uint8_t* rest = data + 3;
    std::size_t rest_n = size - 3;
    if (label_len > rest_n) label_len = rest_n;
    write_maybe_gzip("t10k-labels-idx1-ubyte", rest, label_len, (mode & 2) != 0);
    write_maybe_gzip("t10k-images-idx3-ubyte", rest + label_len, rest_n - label_len, (mode & 1) != 0);
    try {
        const auto d = gradlab::data::load_fashion_mnist(gradlab::data::Split::test, limit, fuzz::scratch_dir());
        // What came back must be consistent: one label per row, 784 pixels per row, labels < 10.
        if (d.x.dimension() != 2 || d.x.shape()[1] != 784 || d.x.shape()[0] != d.y.size()) std::abort();
        for (auto y : d.y)
            if (y >= 10) std::abort();
    } catch (const gradlab::Error&) {
    }
    return 0;
}
