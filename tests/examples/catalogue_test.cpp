// The catalogue of bad inputs for the examples' data support (issue 16): the Fashion-MNIST and
// CIFAR-10 loaders on bad files, the synthetic sets, preprocessing and splitting
// (see tests/support/catalogue.hpp). The programs' flags join once they move to CLI11.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "../support/catalogue.hpp"
#include "support/datasets.hpp"

namespace fs = std::filesystem;
namespace gd = gradlab::data;
using catalogue::Case;
using catalogue::Kind;
using gradlab::Tensor;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

using Bytes = std::string;

void put_u32(Bytes& b, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<char>((v >> shift) & 0xff));
}

Bytes images(std::uint32_t count, std::size_t present, std::uint32_t rows = 28, std::uint32_t magic = 0x803) {
    Bytes b;
    put_u32(b, magic);
    put_u32(b, count);
    put_u32(b, rows);
    put_u32(b, 28);
    b.append(present * 784, '\x07');
    return b;
}

Bytes labels(std::uint32_t count, std::size_t present, char label = 1, std::uint32_t magic = 0x801) {
    Bytes b;
    put_u32(b, magic);
    put_u32(b, count);
    b.append(present, label);
    return b;
}

// One directory per case, holding a t10k split (plain files) or a CIFAR test batch.
struct Dirs {
    fs::path root = fs::temp_directory_path() / ("gradlab_catalogue_data_" + std::to_string(::getpid()));
    int next = 0;
    Dirs() { fs::create_directories(root); }
    ~Dirs() { fs::remove_all(root); }
    std::string fashion(const Bytes& img, const Bytes& lab) {
        const fs::path d = root / std::to_string(next++);
        fs::create_directories(d);
        std::ofstream(d / "t10k-images-idx3-ubyte", std::ios::binary) << img;
        std::ofstream(d / "t10k-labels-idx1-ubyte", std::ios::binary) << lab;
        return d.string();
    }
    std::string cifar(const Bytes& batch) {
        const fs::path d = root / std::to_string(next++);
        fs::create_directories(d);
        std::ofstream(d / "test_batch.bin", std::ios::binary) << batch;
        return d.string();
    }
};

Bytes cifar_record(char label) { return Bytes(1, label) + Bytes(3072, '\x05'); }

std::vector<Case> cases(Dirs& dirs) {
    std::vector<Case> c;
    auto add = [&c](std::string family, std::string what, std::function<void()> call, Kind kind,
                    std::vector<std::string> words) {
        c.push_back({std::move(family), std::move(what), std::move(call), kind, std::move(words)});
    };
    auto fashion = [](std::string dir) {
        return [dir] { gd::load_fashion_mnist(gd::Split::test, std::nullopt, dir); };
    };
    // ---- Fashion-MNIST
    add("fashion-mnist", "a missing directory", fashion((dirs.root / "absent").string()), Kind::Io,
        {"fashion-mnist", "t10k-images-idx3-ubyte", "cannot open"});
    add("fashion-mnist", "wrong image magic", fashion(dirs.fashion(images(2, 2, 28, 0x802), labels(2, 2))), Kind::Io,
        {"fashion-mnist", "magic number 0x00000802"});
    add("fashion-mnist", "wrong label magic", fashion(dirs.fashion(images(2, 2), labels(2, 2, 1, 0x803))), Kind::Io,
        {"fashion-mnist", "magic number 0x00000803"});
    add("fashion-mnist", "a count of 0", fashion(dirs.fashion(images(0, 0), labels(0, 0))), Kind::Io,
        {"fashion-mnist", "0 images"});
    add("fashion-mnist", "a count of 4e9", fashion(dirs.fashion(images(4000000000u, 1), labels(1, 1))), Kind::Io,
        {"fashion-mnist", "4000000000", "kMaxDatasetElements"});
    add("fashion-mnist", "27 rows", fashion(dirs.fashion(images(1, 1, 27), labels(1, 1))), Kind::Io,
        {"fashion-mnist", "27x28"});
    add("fashion-mnist", "3 labels for 2 images", fashion(dirs.fashion(images(2, 2), labels(3, 3))), Kind::Io,
        {"fashion-mnist", "3 labels for 2 images"});
    add("fashion-mnist", "truncated pixels", fashion(dirs.fashion(images(3, 2), labels(3, 3))), Kind::Io,
        {"fashion-mnist", "truncated", "expected 3 images"});
    add("fashion-mnist", "truncated labels", fashion(dirs.fashion(images(3, 3), labels(3, 1))), Kind::Io,
        {"fashion-mnist", "truncated", "expected 3 labels"});
    add("fashion-mnist", "label 12", fashion(dirs.fashion(images(2, 2), labels(2, 2, 12))), Kind::Io,
        {"fashion-mnist", "label out of range: 12"});
    add("fashion-mnist", "trailing pixels", fashion(dirs.fashion(images(2, 3), labels(2, 2))), Kind::Io,
        {"fashion-mnist", "trailing data"});
    add("fashion-mnist", "the header cut off", fashion(dirs.fashion(images(2, 2).substr(0, 6), labels(2, 2))), Kind::Io,
        {"fashion-mnist", "truncated header"});
    add("fashion-mnist", "limit 0", [] { gd::load_fashion_mnist(gd::Split::test, std::size_t{0}, "/nowhere"); },
        Kind::Value, {"load_fashion_mnist", "limit"});
    add("fashion-mnist", "a FIFO for the images", [&dirs] {
            const fs::path d = dirs.root / "fifo-fashion";
            fs::create_directories(d);
            ::mkfifo((d / "t10k-images-idx3-ubyte.gz").c_str(), 0600);
            gd::load_fashion_mnist(gd::Split::test, std::nullopt, d.string());
        },
        Kind::Io, {"fashion-mnist", "not a regular file"});
    // ---- CIFAR-10
    auto cifar = [](std::string dir) { return [dir] { gd::load_cifar10(dir, gd::Split::test); }; };
    add("cifar-10", "no directory", [] { gd::load_cifar10("", gd::Split::test); }, Kind::Value, {"load_cifar10", "directory"});
    add("cifar-10", "a missing batch", cifar((dirs.root / "absent").string()), Kind::Io,
        {"cifar-10", "test_batch.bin", "cannot open"});
    add("cifar-10", "an empty batch", cifar(dirs.cifar("")), Kind::Io, {"cifar-10", "empty file"});
    add("cifar-10", "a cut record", cifar(dirs.cifar(cifar_record(1) + "abc")), Kind::Io,
        {"cifar-10", "3076 bytes", "3073-byte records"});
    add("cifar-10", "label 10", cifar(dirs.cifar(cifar_record(1) + cifar_record(10))), Kind::Io,
        {"cifar-10", "record 1 has label 10"});
    add("cifar-10", "limit 0", [] { gd::load_cifar10("/nowhere", gd::Split::test, std::size_t{0}); }, Kind::Value,
        {"load_cifar10", "limit"});
    add("cifar-10", "a directory for the batch", [&dirs] {
            const fs::path d = dirs.root / "dir-cifar";
            fs::create_directories(d / "test_batch.bin");
            gd::load_cifar10(d.string(), gd::Split::test);
        },
        Kind::Io, {"cifar-10", "test_batch.bin", "not a regular file"});
    // ---- datasets, synthetic sets, preprocessing
    gd::Dataset small = gd::make_blobs(3, 2, 4, 1.0, 1);
    add("dataset", "subset past the end", [small] { small.subset(10, 5); }, Kind::Value, {"subset", "10"});
    add("dataset", "take index 99", [small] { small.take({0, 99}); }, Kind::Value, {"take", "99"});
    add("dataset", "train_validation_split taking everything", [small] { gd::train_validation_split(small, 12); },
        Kind::Value, {"validation_count", "12"});
    add("dataset", "require_valid with a label of 5 for 3 classes", [small] {
            gd::Dataset d = small;
            d.y[0] = 5;
            gd::require_valid("check_op", d);
        },
        Kind::Value, {"check_op", "5"});
    add("synthetic", "make_spiral with 0 classes", [] { gd::make_spiral(0, 10); }, Kind::Value, {"make_spiral", "0"});
    add("synthetic", "make_spiral with NaN noise", [] { gd::make_spiral(3, 10, kNaN); }, Kind::Value,
        {"make_spiral", "nan"});
    add("synthetic", "make_blobs with a negative spread", [] { gd::make_blobs(3, 2, 4, -1.0); }, Kind::Value,
        {"make_blobs", "-1"});
    add("preprocess", "scale by NaN", [] {
            Tensor x = gradlab::zeros({2, 2});
            gd::scale(x, kNaN);
        },
        Kind::Value, {"scale", "nan"});
    add("preprocess", "subtract a mean of another width", [] {
            Tensor x = gradlab::zeros({2, 3});
            gd::subtract_mean(x, gradlab::zeros({4}));
        },
        Kind::Shape, {"subtract_mean", "(4,)", "(2, 3)"});
    add("preprocess", "feature_mean of an empty set", [] { gd::feature_mean(gradlab::zeros({0, 3})); }, Kind::Shape,
        {"feature_mean", "(0, 3)"});
    add("preprocess", "append_bias_column to a 1-D tensor", [] {
            Tensor x = gradlab::zeros({3});
            gd::append_bias_column(x);
        },
        Kind::Shape, {"append_bias_column", "(3,)"});
    return c;
}

}  // namespace

TEST_CASE("catalogue: the data loaders and preprocessing refuse bad input with a gradlab error naming the op and "
          "the file, shape or value",
          "[catalogue][errors]") {
    Dirs dirs;
    const auto tally = catalogue::run("examples", cases(dirs));
    CHECK(tally.tried >= 30);
}
