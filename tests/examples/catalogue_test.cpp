// The catalogue of bad inputs for the examples' data support (issue 16): the Fashion-MNIST and
// CIFAR-10 loaders on bad files, the synthetic sets, preprocessing and splitting
// (see tests/support/catalogue.hpp); and the example programs' flags, which must be refused
// (exit status 2, or 1 for a gradlab error) with a message naming the flag and the value.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <sstream>

#include "../support/catalogue.hpp"
#include "../support/scratch_dir.hpp"
#include "support/datasets.hpp"
#include "gradient_check.hpp"
#include "gradient_descent.hpp"
#include "landscape.hpp"
#include "numerical_gradient.hpp"
#include "random_local_search.hpp"
#include "random_search.hpp"
#include "tape_graph.hpp"
#include "tour.hpp"
#include "train.hpp"

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
    test_support::ScratchDir root{"catalogue-data"};
    int next = 0;
    std::string fashion(const Bytes& img, const Bytes& lab) {
        const fs::path d = root.path() / std::to_string(next++);
        fs::create_directories(d);
        std::ofstream(d / "t10k-images-idx3-ubyte", std::ios::binary) << img;
        std::ofstream(d / "t10k-labels-idx1-ubyte", std::ios::binary) << lab;
        return d.string();
    }
    std::string cifar(const Bytes& batch) {
        const fs::path d = root.path() / std::to_string(next++);
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
    add("fashion-mnist", "a missing directory", fashion((dirs.root.path() / "absent").string()), Kind::Io,
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
            const fs::path d = dirs.root.path() / "fifo-fashion";
            fs::create_directories(d);
            ::mkfifo((d / "t10k-images-idx3-ubyte.gz").c_str(), 0600);
            gd::load_fashion_mnist(gd::Split::test, std::nullopt, d.string());
        },
        Kind::Io, {"fashion-mnist", "not a regular file"});
    // ---- CIFAR-10
    auto cifar = [](std::string dir) { return [dir] { gd::load_cifar10(dir, gd::Split::test); }; };
    add("cifar-10", "no directory", [] { gd::load_cifar10("", gd::Split::test); }, Kind::Value, {"load_cifar10", "directory"});
    add("cifar-10", "a missing batch", cifar((dirs.root.path() / "absent").string()), Kind::Io,
        {"cifar-10", "test_batch.bin", "cannot open"});
    add("cifar-10", "an empty batch", cifar(dirs.cifar("")), Kind::Io, {"cifar-10", "empty file"});
    add("cifar-10", "a cut record", cifar(dirs.cifar(cifar_record(1) + "abc")), Kind::Io,
        {"cifar-10", "3076 bytes", "3073-byte records"});
    add("cifar-10", "label 10", cifar(dirs.cifar(cifar_record(1) + cifar_record(10))), Kind::Io,
        {"cifar-10", "record 1 has label 10"});
    add("cifar-10", "limit 0", [] { gd::load_cifar10("/nowhere", gd::Split::test, std::size_t{0}); }, Kind::Value,
        {"load_cifar10", "limit"});
    add("cifar-10", "a directory for the batch", [&dirs] {
            const fs::path d = dirs.root.path() / "dir-cifar";
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
    add("preprocess", "feature_mean of an empty set", [] { gd::feature_mean(gradlab::zeros({0, 3})); }, Kind::Value,
        {"feature_mean", "(0, 3)", "no rows"});
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

namespace {

// One bad command line: the program's main function, its arguments, and what its error must say.
struct FlagCase {
    const char* program;
    int (*main)(int, char**);
    std::vector<std::string> args;
    std::vector<std::string> must_name;
};

// Runs main(argv) with std::cerr and std::cout captured; returns the exit status and stderr.
std::pair<int, std::string> run_captured(int (*main_fn)(int, char**), const std::string& program,
                                         const std::vector<std::string>& args) {
    std::vector<std::string> words{program};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    std::ostringstream err, out;
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    int status = -1;
    try {
        status = main_fn(static_cast<int>(words.size()), argv.data());
    } catch (...) {
        status = -2;  // an exception escaping main is a crash: std::terminate in a real program
    }
    std::cerr.rdbuf(old_err);
    std::cout.rdbuf(old_out);
    return {status, err.str()};
}

}  // namespace

TEST_CASE("catalogue: the example programs refuse bad flags, naming the flag and the value", "[catalogue][errors][flags]") {
    namespace ex = gradlab::examples;
    const std::vector<FlagCase> cases = {
        {"gradient_check", ex::gradient_check_main, {"--classes", "0"}, {"--classes", "0"}},
        {"tape_graph", ex::tape_graph_main, {"--classes", "0", "--no-render"}, {"--classes", "0"}},
        {"train", ex::train_main, {"--lr", "0x10"}, {"--lr", "0x10"}},
        {"train", ex::train_main, {"--lr", "-1"}, {"--lr", "-1"}},
        {"train", ex::train_main, {"--batch-size", "0"}, {"--batch-size", "0"}},
        {"train", ex::train_main, {"--epochs", "0"}, {"--epochs", "0"}},
        {"train", ex::train_main, {"--loss", "hinge"}, {"--loss", "hinge"}},
        {"train", ex::train_main, {"--optimizer", "lbfgs2"}, {"--optimizer", "lbfgs2"}},
        {"train", ex::train_main, {"--reg", "nan"}, {"--reg", "nan"}},
        {"random_search", ex::random_search_main, {"--tries", "-1"}, {"--tries", "-1"}},
        {"random_search", ex::random_search_main, {"--scale", "-1"}, {"--scale", "-1"}},
        {"random_search", ex::random_search_main, {"--tries", "18446744073709551616"}, {"--tries", "18446744073709551616"}},
        {"random_local_search", ex::random_local_search_main, {"--init-scale", "-0.5"}, {"--init-scale", "-0.5"}},
        {"gradient_descent", ex::gradient_descent_main, {"--step-size", "inf"}, {"--step-size", "inf"}},
        {"numerical_gradient", ex::numerical_gradient_main, {"--repeats", "0"}, {"--repeats", "0"}},
        {"numerical_gradient", ex::numerical_gradient_main, {"--init-scale", "-1"}, {"--init-scale", "-1"}},
        {"numerical_gradient", ex::numerical_gradient_main, {"--h", "0"}, {"--h", "0"}},
        {"gradient_check", ex::gradient_check_main, {"--n", "0x10"}, {"--n", "0x10"}},
        {"landscape", ex::landscape_main, {"--grid", "1"}, {"--grid", "1"}},
        {"landscape", ex::landscape_main, {"--threads", "0"}, {"--threads", "0"}},
        {"tour", ex::tour_main, {"--epochs", "abc"}, {"--epochs", "abc"}},
        {"tour", ex::tour_main, {"--data", "imagenet"}, {"--data", "imagenet"}},
        {"train", ex::train_main, {"--n-train", "-5"}, {"--n-train", "-5"}},
        {"train", ex::train_main, {"--no-such-flag"}, {"--no-such-flag"}},
    };
    std::size_t clear = 0;
    for (const auto& c : cases) {
        const auto [status, err] = run_captured(c.main, c.program, c.args);
        std::string problem;
        if (status != 1 && status != 2) problem = "exit status " + std::to_string(status);
        for (const auto& word : c.must_name)
            if (err.find(word) == std::string::npos) problem += " message lacks '" + word + "';";
        INFO(c.program << " " << c.args.at(0) << " " << (c.args.size() > 1 ? c.args[1] : "") << ": " << problem
                       << " stderr: " << err);
        CHECK(problem.empty());
        if (problem.empty()) ++clear;
    }
    fmt::print("catalogue example flags: {} tried, {} clear refusals, {} unclear, 0 crashes\n", cases.size(), clear,
               cases.size() - clear);
}
