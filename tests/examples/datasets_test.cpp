#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <zlib.h>

#include "example_testing.hpp"
#include "support/datasets.hpp"
#include "../support/scratch_dir.hpp"

namespace fs = std::filesystem;
namespace gd = gradlab::data;
using Catch::Contains;
using gd::Split;
using gradlab::Tensor;

namespace {

// Exact equality of shape and every element (determinism means bit for bit).
bool same(const Tensor& a, const Tensor& b) {
    return a.shape() == b.shape() && std::equal(a.begin(), a.end(), b.begin());
}

using Bytes = std::vector<unsigned char>;

void write_plain(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
}

void write_gzip(const std::string& path, const Bytes& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    if (!bytes.empty()) REQUIRE(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) ==
                                static_cast<int>(bytes.size()));
    REQUIRE(gzclose(f) == Z_OK);
}

void put_u32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<unsigned char>(v >> shift));
}

// The pixel the test files hold at image i, position p.
unsigned char pixel(std::size_t i, std::size_t p) { return static_cast<unsigned char>((i * 7 + p) % 256); }

// An IDX image file of n 28x28 images (or other header values, to make bad files).
Bytes idx_images(std::size_t n, std::uint32_t count, std::uint32_t rows = 28, std::uint32_t cols = 28,
                 std::uint32_t magic = 0x00000803) {
    Bytes b;
    put_u32(b, magic);
    put_u32(b, count);
    put_u32(b, rows);
    put_u32(b, cols);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t p = 0; p < 784; ++p) b.push_back(pixel(i, p));
    return b;
}

Bytes idx_labels(const std::vector<unsigned char>& labels, std::uint32_t count,
                 std::uint32_t magic = 0x00000801) {
    Bytes b;
    put_u32(b, magic);
    put_u32(b, count);
    b.insert(b.end(), labels.begin(), labels.end());
    return b;
}

std::vector<unsigned char> labels_mod10(std::size_t n) {
    std::vector<unsigned char> y;
    for (std::size_t i = 0; i < n; ++i) y.push_back(static_cast<unsigned char>((3 * i + 1) % 10));
    return y;
}

// A good Fashion-MNIST split of n examples in dir, gzip-compressed.
void write_fashion(const test_support::ScratchDir& dir, const std::string& prefix, std::size_t n) {
    write_gzip(dir.file(prefix + "-images-idx3-ubyte.gz"), idx_images(n, static_cast<std::uint32_t>(n)));
    write_gzip(dir.file(prefix + "-labels-idx1-ubyte.gz"),
               idx_labels(labels_mod10(n), static_cast<std::uint32_t>(n)));
}

// The message of the IoError `f` throws, or a note saying it threw something else or nothing.
std::string io_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const gradlab::IoError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("not an IoError: ") + e.what();
    }
    return "no exception";
}

void check_fashion_contents(const gd::Dataset& d, std::size_t n) {
    REQUIRE(d.x.shape() == gradlab::Shape{n, 784});
    REQUIRE(d.y.size() == n);
    for (std::size_t i = 0; i < n; ++i) {
        CHECK(d.y[i] == (3 * i + 1) % 10);
        for (std::size_t p = 0; p < 784; p += 97) CHECK(d.x(i, p) == pixel(i, p));
    }
}

// Sets an environment variable for one scope.
struct ScopedEnv {
    std::string name;
    std::string old;
    bool had;
    ScopedEnv(const char* n, const std::string& value) : name(n) {
        const char* v = std::getenv(n);
        had = v != nullptr;
        if (had) old = v;
        ::setenv(n, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (had) ::setenv(name.c_str(), old.c_str(), 1);
        else ::unsetenv(name.c_str());
    }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Fashion-MNIST
// ---------------------------------------------------------------------------------------------

TEST_CASE("fashion-mnist loader reads gzip IDX files pixel for pixel, label for label", "[data][mnist]") {
    test_support::ScratchDir dir("data");
    write_fashion(dir, "train", 5);
    write_fashion(dir, "t10k", 3);
    const gd::Dataset train = gd::load_fashion_mnist(Split::train, std::nullopt, dir.path().string());
    check_fashion_contents(train, 5);
    CHECK(train.num_classes == 10);
    REQUIRE(train.class_names.size() == 10);
    CHECK(train.class_names[0] == "T-shirt/top");
    CHECK(train.class_names[9] == "Ankle boot");
    gd::require_valid("test", train);
    check_fashion_contents(gd::load_fashion_mnist(Split::test, std::nullopt, dir.path().string()), 3);
}

TEST_CASE("fashion-mnist plain IDX files read the same as gzip ones", "[data][mnist]") {
    test_support::ScratchDir gz("data"), plain_named_gz("data"), plain("data");
    write_fashion(gz, "t10k", 4);
    // Uncompressed bytes under the .gz name, and under the name without .gz.
    write_plain(plain_named_gz.file("t10k-images-idx3-ubyte.gz"), idx_images(4, 4));
    write_plain(plain_named_gz.file("t10k-labels-idx1-ubyte.gz"), idx_labels(labels_mod10(4), 4));
    write_plain(plain.file("t10k-images-idx3-ubyte"), idx_images(4, 4));
    write_plain(plain.file("t10k-labels-idx1-ubyte"), idx_labels(labels_mod10(4), 4));
    const auto a = gd::load_fashion_mnist(Split::test, std::nullopt, gz.path().string());
    const auto b = gd::load_fashion_mnist(Split::test, std::nullopt, plain_named_gz.path().string());
    const auto c = gd::load_fashion_mnist(Split::test, std::nullopt, plain.path().string());
    CHECK(same(a.x, b.x));
    CHECK(same(a.x, c.x));
    CHECK(a.y == b.y);
    CHECK(a.y == c.y);
}

TEST_CASE("fashion-mnist limit keeps the first examples", "[data][mnist]") {
    test_support::ScratchDir dir("data");
    write_fashion(dir, "train", 6);
    const auto d = gd::load_fashion_mnist(Split::train, 2, dir.path().string());
    check_fashion_contents(d, 2);
    check_fashion_contents(gd::load_fashion_mnist(Split::train, 100, dir.path().string()), 6);
    CHECK_THROWS_AS(gd::load_fashion_mnist(Split::train, 0, dir.path().string()), gradlab::ValueError);
}

TEST_CASE("fashion-mnist directory: argument, then GRADLAB_FASHION_MNIST_DIR, then Debian's", "[data][mnist]") {
    test_support::ScratchDir dir("data");
    write_fashion(dir, "t10k", 2);
    {
        ScopedEnv env(gd::kFashionMnistDirEnv, dir.path().string());
        CHECK(gd::fashion_mnist_dir() == dir.path().string());
        check_fashion_contents(gd::load_fashion_mnist(Split::test), 2);
        // An explicit argument wins over the variable.
        CHECK_THAT(io_error([&] { gd::load_fashion_mnist(Split::test, std::nullopt, "/nonexistent-dir"); }),
                   Contains("/nonexistent-dir/t10k-images-idx3-ubyte.gz"));
    }
    ScopedEnv empty(gd::kFashionMnistDirEnv, "");
    CHECK(gd::fashion_mnist_dir() == "/usr/share/datasets/fashion-mnist");
}

TEST_CASE("fashion-mnist bad files give an IoError naming the file and the fault", "[data][mnist][errors]") {
    test_support::ScratchDir dir("data");
    const std::string images = dir.file("train-images-idx3-ubyte.gz");
    const std::string labels = dir.file("train-labels-idx1-ubyte.gz");
    const auto load = [&] { gd::load_fashion_mnist(Split::train, std::nullopt, dir.path().string()); };
    const auto good_labels = [&] { write_gzip(labels, idx_labels(labels_mod10(5), 5)); };

    SECTION("missing file") {
        CHECK_THAT(io_error(load), Contains("fashion-mnist: " + images + ": cannot open: No such file") &&
                                       Contains("dataset-fashion-mnist"));
    }
    SECTION("wrong magic number") {
        write_gzip(images, idx_images(5, 5, 28, 28, 0x00000801));
        good_labels();
        CHECK_THAT(io_error(load), Contains(images + ": wrong magic number 0x00000801, expected 0x00000803"));
    }
    SECTION("a text file is not IDX") {
        write_plain(images, {'h', 'e', 'l', 'l', 'o', '\n'});
        CHECK_THAT(io_error(load), Contains(images + ": wrong magic number"));
    }
    SECTION("wrong image dimensions") {
        write_gzip(images, idx_images(0, 5, 32, 32));
        good_labels();
        CHECK_THAT(io_error(load), Contains(images + ": wrong image dimensions 32x32, expected 28x28"));
    }
    SECTION("a header cut short") {
        write_gzip(images, {0, 0, 8, 3, 0, 0});
        CHECK_THAT(io_error(load), Contains(images + ": truncated header: no count"));
    }
    SECTION("an implausible count is refused before anything is allocated") {
        write_gzip(images, idx_images(1, 0xffffffffu));
        good_labels();
        CHECK_THAT(io_error(load), Contains(images + ": implausible count 4294967295 images"));
    }
    SECTION("zero images") {
        write_gzip(images, idx_images(0, 0));
        CHECK_THAT(io_error(load), Contains(images + ": the header says 0 images"));
    }
    SECTION("image and label counts differ") {
        write_gzip(images, idx_images(5, 5));
        write_gzip(labels, idx_labels(labels_mod10(4), 4));
        CHECK(io_error(load) == "fashion-mnist: " + labels + ": count mismatch: 4 labels for 5 images in " +
                                    images);
    }
    SECTION("truncated labels") {
        write_gzip(images, idx_images(5, 5));
        write_gzip(labels, idx_labels(labels_mod10(3), 5));
        CHECK(io_error(load) == "fashion-mnist: " + labels + ": truncated: expected 5 labels, read 3");
    }
    SECTION("truncated images") {
        Bytes b = idx_images(5, 5);
        b.resize(b.size() - 400);  // the last image is missing 400 of its 784 bytes
        write_gzip(images, b);
        good_labels();
        CHECK_THAT(io_error(load), Contains(images + ": truncated: expected 5 images, read 4 (and 384 bytes"));
    }
    SECTION("a gzip stream cut off in the middle") {
        write_gzip(images, idx_images(5, 5));
        good_labels();
        std::ifstream in(images, std::ios::binary);
        Bytes gz((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        gz.resize(gz.size() / 2);
        write_plain(images, gz);
        CHECK_THAT(io_error(load), Contains(images + ": truncated: expected 5 images, read "));
    }
    SECTION("trailing data means the header's count is wrong") {
        write_gzip(images, idx_images(6, 5));
        good_labels();
        CHECK_THAT(io_error(load), Contains(images + ": trailing data after 5 images"));
    }
    SECTION("label out of range") {
        write_gzip(images, idx_images(5, 5));
        write_gzip(labels, idx_labels({1, 2, 10, 3, 4}, 5));
        CHECK(io_error(load) ==
              "fashion-mnist: " + labels + ": label out of range: 10 at index 2, expected 0..9");
    }
    SECTION("wrong magic in the labels file") {
        write_gzip(images, idx_images(5, 5));
        write_gzip(labels, idx_labels(labels_mod10(5), 5, 0x00000803));
        CHECK_THAT(io_error(load), Contains(labels + ": wrong magic number 0x00000803, expected 0x00000801"));
    }
}

TEST_CASE("the real Fashion-MNIST test split: 10000 images of 784 pixels in 0..255, labels < 10",
          "[data][mnist][real]") {
    const std::string dir = gd::fashion_mnist_dir();
    std::error_code ec;
    if (!fs::exists(fs::path(dir) / "t10k-images-idx3-ubyte.gz", ec))
        EXAMPLES_SKIP("no Fashion-MNIST in " << dir << " (apt install dataset-fashion-mnist)");
    const gd::Dataset d = gd::load_fashion_mnist(Split::test);
    REQUIRE(d.x.shape() == gradlab::Shape{10000, 784});
    REQUIRE(d.y.size() == 10000);
    double lo = 255.0, hi = 0.0;
    for (double v : d.x) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    CHECK(lo == 0.0);
    CHECK(hi == 255.0);
    std::vector<std::size_t> per_class(10, 0);
    for (std::size_t label : d.y) {
        REQUIRE(label < 10);
        ++per_class[label];
    }
    CHECK(per_class == std::vector<std::size_t>(10, 1000));  // the test split is balanced
}

// ---------------------------------------------------------------------------------------------
// CIFAR-10
// ---------------------------------------------------------------------------------------------

namespace {

unsigned char cifar_pixel(std::size_t example, std::size_t p) {
    return static_cast<unsigned char>((example * 31 + p * 3) % 256);
}

// `count` records starting at global example number `first`, label (first + r) % 10.
Bytes cifar_records(std::size_t first, std::size_t count) {
    Bytes b;
    for (std::size_t r = 0; r < count; ++r) {
        b.push_back(static_cast<unsigned char>((first + r) % 10));
        for (std::size_t p = 0; p < 3072; ++p) b.push_back(cifar_pixel(first + r, p));
    }
    return b;
}

// Five train batches of 2 records (examples 0..9) and a test batch of 3 (examples 100..102).
void write_cifar(const test_support::ScratchDir& dir) {
    for (std::size_t b = 1; b <= 5; ++b)
        write_plain(dir.file("data_batch_" + std::to_string(b) + ".bin"), cifar_records(2 * (b - 1), 2));
    write_plain(dir.file("test_batch.bin"), cifar_records(100, 3));
}

void check_cifar_rows(const gd::Dataset& d, std::size_t first) {
    for (std::size_t i = 0; i < d.size(); ++i) {
        CHECK(d.y[i] == (first + i) % 10);
        for (std::size_t p = 0; p < 3072; p += 101) CHECK(d.x(i, p) == cifar_pixel(first + i, p));
    }
}

}  // namespace

TEST_CASE("cifar-10 loader reads the five train batches in order and the test batch", "[data][cifar]") {
    test_support::ScratchDir dir("data");
    write_cifar(dir);
    const auto train = gd::load_cifar10(dir.path().string(), Split::train);
    REQUIRE(train.x.shape() == gradlab::Shape{10, 3072});
    check_cifar_rows(train, 0);
    CHECK(train.num_classes == 10);
    CHECK(train.class_names.at(0) == "airplane");
    CHECK(train.class_names.at(9) == "truck");
    const auto test = gd::load_cifar10(dir.path().string(), Split::test);
    REQUIRE(test.x.shape() == gradlab::Shape{3, 3072});
    check_cifar_rows(test, 100);
}

TEST_CASE("cifar-10 limit reads only the batches it needs", "[data][cifar]") {
    test_support::ScratchDir dir("data");
    write_cifar(dir);
    fs::remove(dir.file("data_batch_4.bin"));
    const auto d = gd::load_cifar10(dir.path().string(), Split::train, 5);  // batches 1-3
    REQUIRE(d.size() == 5);
    check_cifar_rows(d, 0);
    CHECK_THAT(io_error([&] { gd::load_cifar10(dir.path().string(), Split::train, 7); }),
               Contains(dir.file("data_batch_4.bin") + ": cannot open"));
    CHECK_THROWS_AS(gd::load_cifar10(dir.path().string(), Split::train, 0), gradlab::ValueError);
}

TEST_CASE("cifar-10 bad files give an IoError naming the file and the fault", "[data][cifar][errors]") {
    test_support::ScratchDir dir("data");
    const std::string test = dir.file("test_batch.bin");
    const auto load = [&] { gd::load_cifar10(dir.path().string(), Split::test); };
    SECTION("missing") { CHECK_THAT(io_error(load), Contains("cifar-10: " + test + ": cannot open")); }
    SECTION("empty") {
        write_plain(test, {});
        CHECK(io_error(load) == "cifar-10: " + test + ": empty file");
    }
    SECTION("truncated: not a whole number of records") {
        Bytes b = cifar_records(0, 2);
        b.pop_back();
        write_plain(test, b);
        CHECK(io_error(load) == "cifar-10: " + test +
                                    ": truncated: 6145 bytes is not a whole number of 3073-byte "
                                    "records (1 records and 3072 bytes)");
    }
    SECTION("label out of range") {
        Bytes b = cifar_records(0, 3);
        b[2 * 3073] = 200;
        write_plain(test, b);
        CHECK(io_error(load) == "cifar-10: " + test + ": label out of range: record 2 has label 200, expected 0..9");
    }
}

// ---------------------------------------------------------------------------------------------
// The synthetic sets (their random source is autodiff/random.hpp, tested in tests/autodiff)
// ---------------------------------------------------------------------------------------------

TEST_CASE("spiral: K arms of N 2-D points, point i of each arm at radius i/(N-1)", "[data][synthetic]") {
    const auto d = gd::make_spiral(3, 100, 0.2, 1);
    REQUIRE(d.x.shape() == gradlab::Shape{300, 2});
    CHECK(d.num_classes == 3);
    gd::require_valid("test", d);
    for (std::size_t k = 0; k < 3; ++k)
        for (std::size_t i = 0; i < 100; ++i) {
            const std::size_t row = k * 100 + i;
            REQUIRE(d.y[row] == k);
            CHECK(std::hypot(d.x(row, 0), d.x(row, 1)) == Approx(i / 99.0).margin(1e-12));
        }
    // Without noise, arm k's last point sits at angle 4(k + 1) (measured from the y axis).
    const auto clean = gd::make_spiral(3, 100, 0.0, 1);
    CHECK(clean.x(199, 0) == Approx(std::sin(8.0)).margin(1e-12));
    CHECK(clean.x(199, 1) == Approx(std::cos(8.0)).margin(1e-12));

    CHECK(same(gd::make_spiral(3, 100, 0.2, 1).x, d.x));
    CHECK_FALSE(same(gd::make_spiral(3, 100, 0.2, 2).x, d.x));
    CHECK_THROWS_AS(gd::make_spiral(0, 10), gradlab::ValueError);
    CHECK_THROWS_AS(gd::make_spiral(3, 10, -1.0), gradlab::ValueError);
}

TEST_CASE("blobs: each class scatters around its centre with the given spread", "[data][synthetic]") {
    const Tensor centers = {{0.0, 0.0, 0.0}, {5.0, -5.0, 1.0}};
    const auto d = gd::make_blobs(centers, 4000, 0.5, 3);
    REQUIRE(d.x.shape() == gradlab::Shape{8000, 3});
    CHECK(d.num_classes == 2);
    gd::require_valid("test", d);
    for (std::size_t k = 0; k < 2; ++k) {
        CHECK(std::count(d.y.begin(), d.y.end(), k) == 4000);
        const Tensor part = d.subset(k * 4000, 4000).x;
        const Tensor mean = gd::feature_mean(part);
        for (std::size_t j = 0; j < 3; ++j) {
            // Standard error of the mean: 0.5 / sqrt(4000) = 0.008.
            CHECK(mean(j) == Approx(centers(k, j)).margin(0.04));
            double var = 0.0;
            for (std::size_t i = 0; i < 4000; ++i) var += (part(i, j) - mean(j)) * (part(i, j) - mean(j));
            CHECK(std::sqrt(var / 4000) == Approx(0.5).epsilon(0.05));
        }
    }
    CHECK(same(gd::make_blobs(centers, 4000, 0.5, 3).x, d.x));
    CHECK_FALSE(same(gd::make_blobs(centers, 4000, 0.5, 4).x, d.x));

    const auto r = gd::make_blobs(4, 2, 10, 1.0, 9, 3.0);
    REQUIRE(r.x.shape() == gradlab::Shape{40, 2});
    CHECK(r.num_classes == 4);
    CHECK(same(gd::make_blobs(4, 2, 10, 1.0, 9, 3.0).x, r.x));
    CHECK_THROWS_AS(gd::make_blobs(Tensor{1.0, 2.0}, 10), gradlab::ShapeError);
    CHECK_THROWS_AS(gd::make_blobs(centers, 10, -0.1), gradlab::ValueError);
}

// ---------------------------------------------------------------------------------------------
// Dataset helpers and preprocessing
// ---------------------------------------------------------------------------------------------

namespace {

// n examples whose first feature is their index, so rows can be traced through a shuffle.
gd::Dataset numbered(std::size_t n, std::size_t dims = 3) {
    gd::Dataset d;
    d.x = gradlab::zeros({n, dims});
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < dims; ++j) d.x(i, j) = j == 0 ? double(i) : double(i * j) + 0.5;
    d.num_classes = 4;
    for (std::size_t i = 0; i < n; ++i) d.y.push_back(i % 4);
    return d;
}

}  // namespace

TEST_CASE("subset and take copy the chosen rows with their labels", "[data][dataset]") {
    const auto d = numbered(10);
    const auto s = d.subset(3, 4);
    REQUIRE(s.size() == 4);
    CHECK(s.num_classes == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(s.x(i, 0) == double(3 + i));
        CHECK(s.x(i, 2) == double((3 + i) * 2) + 0.5);
        CHECK(s.y[i] == (3 + i) % 4);
    }
    const auto t = d.take({9, 0, 9});
    REQUIRE(t.size() == 3);
    CHECK(t.x(0, 0) == 9.0);
    CHECK(t.x(1, 0) == 0.0);
    CHECK(t.y == gradlab::losses::Labels{1, 0, 1});
    CHECK(d.subset(10, 0).size() == 0);
    CHECK_THROWS_WITH(d.subset(8, 3), "Dataset::subset: examples [8, 11) run past the end of 10 examples");
    CHECK_THROWS_AS(d.take({1, 10}), gradlab::ValueError);

    auto bad = numbered(3);
    bad.y[1] = 4;
    CHECK_THROWS_AS(gd::require_valid("check", bad), gradlab::ValueError);
    bad.y.pop_back();
    CHECK_THROWS_AS(gd::require_valid("check", bad), gradlab::ShapeError);
}

TEST_CASE("scale by 1/255 maps pixels 0..255 onto 0..1", "[data][preprocess]") {
    Tensor x = {{0.0, 255.0}, {51.0, 102.0}};
    gd::scale(x, 1.0 / 255.0);
    CHECK(x(0, 0) == 0.0);
    CHECK(x(0, 1) == Approx(1.0));
    CHECK(x(1, 0) == Approx(0.2));
    CHECK_THROWS_AS(gd::scale(x, INFINITY), gradlab::ValueError);
}

TEST_CASE("mean subtraction: train mean becomes 0, other splits shift by the train mean only",
          "[data][preprocess]") {
    Tensor train = {{1.0, 10.0}, {3.0, 20.0}, {5.0, 60.0}};
    Tensor test = {{100.0, 0.0}, {102.0, 2.0}};
    const Tensor mean = gd::feature_mean(train);
    REQUIRE(mean.shape() == gradlab::Shape{2});
    CHECK(mean(0) == Approx(3.0));
    CHECK(mean(1) == Approx(30.0));
    gd::subtract_mean(train, mean);
    gd::subtract_mean(test, mean);
    const Tensor after = gd::feature_mean(train);
    CHECK(std::abs(after(0)) < 1e-12);
    CHECK(std::abs(after(1)) < 1e-12);
    // The test split moves by the training mean, not its own: its mean stays away from 0.
    CHECK(test(0, 0) == Approx(97.0));
    CHECK(test(1, 1) == Approx(-28.0));
    CHECK(gd::feature_mean(test)(0) == Approx(98.0));

    CHECK_THROWS_WITH(gd::subtract_mean(test, Tensor{1.0, 2.0, 3.0}),
                      "subtract_mean: mean (3,) does not fit rows of x (2, 2); expected (2,)");
    CHECK_THROWS_AS(gd::feature_mean(gradlab::zeros({0, 2})), gradlab::ValueError);
}

TEST_CASE("mean subtraction on a real-sized split leaves every column's mean at ~0", "[data][preprocess]") {
    auto d = gd::make_blobs(3, 20, 500, 2.0, 11, 50.0);
    const Tensor mean = gd::feature_mean(d.x);
    gd::subtract_mean(d.x, mean);
    const Tensor after = gd::feature_mean(d.x);
    for (double m : after) CHECK(std::abs(m) < 1e-12);
}

TEST_CASE("train/validation split partitions the examples, the same way for the same seed",
          "[data][preprocess]") {
    const auto d = numbered(50);
    const auto s = gd::train_validation_split(d, 10, 5);
    REQUIRE(s.train.size() == 40);
    REQUIRE(s.validation.size() == 10);
    std::multiset<double> seen;
    for (const auto* part : {&s.train, &s.validation})
        for (std::size_t i = 0; i < part->size(); ++i) {
            const auto original = static_cast<std::size_t>(part->x(i, 0));
            CHECK(part->y[i] == d.y[original]);  // labels travel with their rows
            CHECK(part->x(i, 1) == d.x(original, 1));
            seen.insert(part->x(i, 0));
        }
    CHECK(seen.size() == 50);
    CHECK(std::set<double>(seen.begin(), seen.end()).size() == 50);  // each example exactly once
    const auto again = gd::train_validation_split(d, 10, 5);
    CHECK(same(again.validation.x, s.validation.x));
    CHECK_FALSE(same(gd::train_validation_split(d, 10, 6).validation.x, s.validation.x));
    CHECK_THROWS_AS(gd::train_validation_split(d, 50, 5), gradlab::ValueError);
    CHECK_THROWS_AS(gd::train_validation_split(d, 0, 5), gradlab::ValueError);
}
