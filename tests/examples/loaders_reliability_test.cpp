// The dataset loaders on hostile files (issue 16): only regular files are read (a FIFO would
// block open() forever), and sizes claimed by a header or implied by a file's length are checked
// against kMaxDatasetElements before anything is allocated.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "support/datasets.hpp"
#include "../support/scratch_dir.hpp"

namespace fs = std::filesystem;
namespace gd = gradlab::data;
using Catch::Contains;

namespace {

void put_u32(std::vector<unsigned char>& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<unsigned char>(v >> shift));
}

void write_gzip(const std::string& path, const std::vector<unsigned char>& head, std::size_t zeros) {
    gzFile f = gzopen(path.c_str(), "wb9");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, head.data(), static_cast<unsigned>(head.size())) == static_cast<int>(head.size()));
    const std::vector<unsigned char> block(1 << 20, 0);
    for (std::size_t left = zeros; left > 0;) {
        const std::size_t n = std::min(left, block.size());
        REQUIRE(gzwrite(f, block.data(), static_cast<unsigned>(n)) == static_cast<int>(n));
        left -= n;
    }
    REQUIRE(gzclose(f) == Z_OK);
}

void sparse_file(const std::string& path, std::uint64_t bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, static_cast<off_t>(bytes)) == 0);
    ::close(fd);
}

}  // namespace

TEST_CASE("fashion-mnist loader refuses a FIFO without blocking", "[data][mnist][reliability]") {
    test_support::ScratchDir dir("loaders");
    REQUIRE(::mkfifo(dir.file("t10k-images-idx3-ubyte.gz").c_str(), 0600) == 0);
    CHECK_THROWS_AS(gd::load_fashion_mnist(gd::Split::test, std::nullopt, dir.path().string()), gradlab::IoError);
    CHECK_THROWS_WITH(gd::load_fashion_mnist(gd::Split::test, std::nullopt, dir.path().string()),
                      Contains("fashion-mnist") && Contains("t10k-images-idx3-ubyte.gz") &&
                          Contains("not a regular file"));
}

TEST_CASE("cifar-10 loader refuses a FIFO or a directory without blocking", "[data][cifar][reliability]") {
    test_support::ScratchDir dir("loaders");
    REQUIRE(::mkfifo(dir.file("test_batch.bin").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(gd::load_cifar10(dir.path().string(), gd::Split::test),
                      Contains("cifar-10") && Contains("test_batch.bin") && Contains("not a regular file"));
    fs::create_directory(dir.file("data_batch_1.bin"));
    CHECK_THROWS_WITH(gd::load_cifar10(dir.path().string(), gd::Split::train), Contains("a directory"));
}

TEST_CASE("fashion-mnist: a small gzip that claims 1e6 images is refused from its header, before allocating",
          "[data][mnist][reliability]") {
    test_support::ScratchDir dir("loaders");
    std::vector<unsigned char> images, labels;
    put_u32(images, 0x00000803);
    put_u32(images, 1000000);
    put_u32(images, 28);
    put_u32(images, 28);
    put_u32(labels, 0x00000801);
    put_u32(labels, 1000000);
    // 64 MB of zero pixels compress to ~64 KB: the file is small, its claim is 6.3 GB of doubles.
    write_gzip(dir.file("t10k-images-idx3-ubyte.gz"), images, std::size_t{64} << 20);
    write_gzip(dir.file("t10k-labels-idx1-ubyte.gz"), labels, 1000000);
    CHECK(fs::file_size(dir.file("t10k-images-idx3-ubyte.gz")) < (std::size_t{1} << 20));
    CHECK_THROWS_AS(gd::load_fashion_mnist(gd::Split::test, std::nullopt, dir.path().string()), gradlab::IoError);
    CHECK_THROWS_WITH(gd::load_fashion_mnist(gd::Split::test, std::nullopt, dir.path().string()),
                      Contains("implausible count 1000000 images") && Contains("kMaxDatasetElements"));
}

TEST_CASE("cifar-10: a batch file larger than the dataset limit is refused from its size, before allocating",
          "[data][cifar][reliability]") {
    test_support::ScratchDir dir("loaders");
    // A sparse 30 GB file of whole records: it would ask for 245 GB of doubles.
    const std::uint64_t records = 30'000'000'000ULL / 3073;
    sparse_file(dir.file("test_batch.bin"), records * 3073);
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(gd::load_cifar10(dir.path().string(), gd::Split::test), gradlab::IoError);
    CHECK_THROWS_WITH(gd::load_cifar10(dir.path().string(), gd::Split::test),
                      Contains("test_batch.bin") && Contains("too large") && Contains(std::to_string(records)) &&
                          Contains("kMaxDatasetElements"));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));  // nothing was read
    // With a limit the same file is fine: only the first record is read (a zero label, zero pixels).
    const auto d = gd::load_cifar10(dir.path().string(), gd::Split::test, 1);
    CHECK(d.size() == 1);
    CHECK(d.y[0] == 0);
}
