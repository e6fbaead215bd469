// The catalogue of bad inputs for optim (issue 16): optimizers, schedules, the notes' strategies,
// the step-size sweep, landscapes, fit, and the checkpoint reader (see tests/support/catalogue.hpp).
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <random>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include <gradlab/optim/adam.hpp>
#include <gradlab/optim/checkpoint.hpp>
#include <gradlab/optim/fit.hpp>
#include <gradlab/optim/landscape.hpp>
#include <gradlab/optim/momentum.hpp>
#include <gradlab/optim/schedule.hpp>
#include <gradlab/optim/search.hpp>
#include <gradlab/optim/sgd.hpp>
#include <gradlab/optim/step_size_sweep.hpp>

#include "../support/catalogue.hpp"
#include "../support/scratch_dir.hpp"

namespace fs = std::filesystem;
namespace go = gradlab::optim;
using catalogue::Case;
using catalogue::Kind;
using gradlab::Parameter;
using gradlab::Tensor;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

double bowl(const Tensor& w) {
    double s = 0.0;
    for (double v : w) s += v * v;
    return s;
}

// A valid checkpoint's bytes (one parameter W of shape (2,)), from the library itself.
std::string valid_checkpoint(const test_support::ScratchDir& f) {
    go::Checkpoint c;
    c.rng_state = "5489";
    c.optimizer.kind = "sgd";
    c.params.emplace_back("W", Tensor{1.0, 2.0});
    const std::string path = (f.path() / "valid.ckpt").string();
    go::save_checkpoint(path, c);
    return test_support::read_bytes(path);
}

std::vector<Case> cases(const test_support::ScratchDir& files) {
    std::vector<Case> c;
    auto add = [&c](std::string family, std::string what, std::function<void()> call, Kind kind,
                    std::vector<std::string> words) {
        c.push_back({std::move(family), std::move(what), std::move(call), kind, std::move(words)});
    };
    // ---- optimizers
    add("optimizer", "Sgd with a negative learning rate", [] { go::Sgd s(-0.1); }, Kind::Value, {"-0.1"});
    add("optimizer", "Sgd with a NaN learning rate", [] { go::Sgd s(kNaN); }, Kind::Value, {"nan"});
    add("optimizer", "Momentum with momentum 1.5", [] { go::Momentum m(0.1, 1.5); }, Kind::Value,
        {"momentum", "1.5"});
    add("optimizer", "Adam with beta1 = 1", [] { go::Adam a(1e-3, 1.0); }, Kind::Value, {"beta1", "1"});
    add("optimizer", "Adam with eps = 0", [] { go::Adam a(1e-3, 0.9, 0.999, 0.0); }, Kind::Value, {"eps", "0"});
    add("optimizer", "step with a grad of another shape", [] {
            Parameter W{gradlab::zeros({2, 2}), "W"};
            W.grad = gradlab::zeros({3});
            go::Sgd s(0.1);
            s.step({&W});
        },
        Kind::Shape, {"step", "'W'", "(3,)", "(2, 2)"});
    add("optimizer", "step with a NaN grad", [] {
            Parameter W{gradlab::zeros({2}), "W"};
            W.grad = Tensor{0.0, kNaN};
            go::Sgd s(0.1);
            s.step({&W});
        },
        Kind::Value, {"step", "'W'", "nan"});
    add("optimizer", "step with a null parameter", [] { go::Sgd s(0.1); s.step({nullptr}); }, Kind::Value,
        {"step", "null"});
    add("optimizer", "step with no parameters", [] { go::Sgd s(0.1); s.step({}); }, Kind::Value, {"step", "no parameters"});
    add("optimizer", "load_state of another optimizer's kind", [] {
            go::Sgd s(0.1);
            go::OptimizerState st;
            st.kind = "adam";
            s.load_state(st);
        },
        Kind::Value, {"load_state", "adam"});
    // ---- schedules
    add("schedule", "StepDecayLR with step 0", [] { go::StepDecayLR s(0.1, 0.5, 0); }, Kind::Value, {"step"});
    add("schedule", "ExponentialLR with k = -1", [] { go::ExponentialLR s(0.1, -1.0); }, Kind::Value, {"-1"});
    add("schedule", "CosineLR with period 0", [] { go::CosineLR s(0.1, 0); }, Kind::Value, {"period"});
    add("schedule", "ConstantLR with lr inf", [] { go::ConstantLR s(kInf); }, Kind::Value, {"inf"});
    // ---- the notes' strategies and the step-size sweep
    add("search", "random_search with 0 tries", [] { go::random_search(bowl, {2, 2}, 0, 1); }, Kind::Value,
        {"random_search", "tries"});
    add("search", "random_search with scale -1", [] { go::random_search(bowl, {2, 2}, 5, 1, -1.0); }, Kind::Value,
        {"random_search", "-1"});
    add("search", "random_search of shape (2^40, 2^40)",
        [] { go::random_search(bowl, {std::size_t{1} << 40, std::size_t{1} << 40}, 1, 1); }, Kind::Shape,
        {"1099511627776"});
    add("search", "random_local_search with a NaN step", [] { go::random_local_search(bowl, Tensor{1.0}, 3, 1, kNaN); },
        Kind::Value, {"random_local_search", "nan"});
    add("search", "gradient_descent with a step of 0", [] {
            go::gradient_descent([](const Tensor& w, Tensor& g) { g = 2.0 * w; return bowl(w); }, Tensor{1.0}, 3, 0.0);
        },
        Kind::Value, {"0"});
    add("sweep", "step_size_sweep with a grad of another shape",
        [] { go::step_size_sweep(bowl, Tensor{1.0, 2.0}, Tensor{1.0}); }, Kind::Shape,
        {"step_size_sweep", "(1,)", "(2,)"});
    add("sweep", "step_size_sweep with a negative step", [] { go::step_size_sweep(bowl, Tensor{1.0}, Tensor{2.0}, {1e-3, -1.0}); },
        Kind::Value, {"step_size_sweep", "-1"});
    add("landscape", "landscape_1d with a direction of another shape",
        [] { go::landscape_1d(bowl, Tensor{1.0, 2.0}, Tensor{1.0}, {0.0, 1.0}); }, Kind::Shape,
        {"landscape_1d", "(1,)", "(2,)"});
    add("landscape", "linspace with 0 points", [] { go::linspace(0.0, 1.0, 0); }, Kind::Value, {"linspace", "0"});
    add("landscape", "landscape_2d with a second direction of another shape",
        [] { go::landscape_2d(bowl, Tensor{1.0, 2.0}, Tensor{1.0, 0.0}, Tensor{1.0}, {0.0}, {0.0}); }, Kind::Shape,
        {"landscape_2d", "(2,)", "(1,)"});
    add("landscape", "landscape_2d with no betas",
        [] { go::landscape_2d(bowl, Tensor{1.0, 2.0}, Tensor{1.0, 0.0}, Tensor{0.0, 1.0}, {0.0}, {}); }, Kind::Value,
        {"landscape_2d", "betas", "empty"});
    add("landscape", "landscape_1d with a NaN alpha",
        [] { go::landscape_1d(bowl, Tensor{1.0, 2.0}, Tensor{1.0, 0.0}, {0.0, kNaN}); }, Kind::Value,
        {"landscape_1d", "alphas[1]", "nan"});
    add("landscape", "landscape_1d with an empty loss function",
        [] { go::landscape_1d(go::WeightLossFn(), Tensor{1.0, 2.0}, Tensor{1.0, 0.0}, {0.0, 1.0}); }, Kind::Value,
        {"landscape_1d", "loss function is empty"});
    add("landscape", "landscape_2d with an empty loss function",
        [] { go::landscape_2d(go::WeightLossFn(), Tensor{1.0}, Tensor{1.0}, Tensor{1.0}, {0.0}, {0.0}); },
        Kind::Value, {"landscape_2d", "loss function is empty"});
    const go::RowsLossFn row_sum = [](const double* s, std::size_t, std::size_t rows, std::size_t classes) {
        double t = 0.0;
        for (std::size_t i = 0; i < rows * classes; ++i) t += s[i];
        return t;
    };
    add("landscape", "linear_landscape_1d with x and w that cannot be multiplied",
        [row_sum] { go::linear_landscape_1d(row_sum, gradlab::zeros({4, 3}), gradlab::zeros({2, 2}), gradlab::zeros({2, 2}), {0.0}); },
        Kind::Shape, {"linear_landscape_1d", "(4, 3)", "(2, 2)"});
    add("landscape", "linear_landscape_1d with no examples",
        [row_sum] { go::linear_landscape_1d(row_sum, gradlab::zeros({0, 3}), gradlab::zeros({3, 2}), gradlab::zeros({3, 2}), {0.0}); },
        Kind::Shape, {"linear_landscape_1d", "(0, 3)", "no examples"});
    add("landscape", "linear_landscape_1d with no classes (every loss a silent 0)",
        [row_sum] { go::linear_landscape_1d(row_sum, gradlab::zeros({4, 3}), gradlab::zeros({3, 0}), gradlab::zeros({3, 0}), {0.0}); },
        Kind::Shape, {"linear_landscape_1d", "(3, 0)", "no classes"});
    add("landscape", "linear_landscape_1d with a 1-D x",
        [row_sum] { go::linear_landscape_1d(row_sum, gradlab::zeros({3}), gradlab::zeros({3, 2}), gradlab::zeros({3, 2}), {0.0}); },
        Kind::Shape, {"linear_landscape_1d", "(3,)"});
    add("landscape", "linear_landscape_2d with d2 of another shape",
        [row_sum] {
            go::linear_landscape_2d(row_sum, gradlab::zeros({4, 3}), gradlab::zeros({3, 2}), gradlab::zeros({3, 2}),
                                    gradlab::zeros({3, 3}), {0.0}, {0.0});
        },
        Kind::Shape, {"linear_landscape_2d", "(3, 3)"});
    add("landscape", "linear_landscape_1d with an empty loss function",
        [] { go::linear_landscape_1d(go::RowsLossFn(), gradlab::zeros({4, 3}), gradlab::zeros({3, 2}), gradlab::zeros({3, 2}), {0.0}); },
        Kind::Value, {"linear_landscape_1d", "loss function is empty"});
    add("landscape", "normalize_direction with shapes that differ",
        [] { go::normalize_direction(gradlab::zeros({2, 3}), gradlab::zeros({3, 2}), go::DirectionNorm::whole); },
        Kind::Shape, {"normalize_direction", "(2, 3)", "(3, 2)"});
    add("landscape", "normalize_direction of a NaN direction",
        [] { go::normalize_direction(Tensor{1.0, std::nan("")}, Tensor{1.0, 2.0}, go::DirectionNorm::whole); },
        Kind::Value, {"normalize_direction", "direction is not finite", "element 1"});
    add("landscape", "grid_progress with a negative quiet time",
        [] { go::grid_progress(std::cerr, false, -1.0); }, Kind::Value, {"grid_progress", "-1"});
    add("landscape", "random_direction per column of a 1-D w",
        [] { go::random_direction(gradlab::zeros({3}), 1, go::DirectionNorm::per_column); }, Kind::Shape,
        {"normalize_direction", "matrix", "(3,)"});
    add("landscape", "linspace with 2^62 points", [] { go::linspace(0.0, 1.0, std::size_t{1} << 62); }, Kind::Value,
        {"linspace", "4611686018427387904", "kMaxTensorElements"});
    add("landscape", "logspace with hi < lo names logspace", [] { go::logspace(10.0, 1.0, 3); }, Kind::Value,
        {"logspace", "[10, 1]"});
    add("landscape", "logspace with 0 points", [] { go::logspace(1.0, 10.0, 0); }, Kind::Value, {"logspace", "n = 0"});
    add("landscape", "logspace from 0", [] { go::logspace(0.0, 1.0, 3); }, Kind::Value, {"logspace", "positive"});
    add("landscape", "trajectory_plane of one point", [] { go::trajectory_plane({Tensor{1.0, 2.0}}); }, Kind::Value,
        {"trajectory_plane", "got 1"});
    add("landscape", "trajectory_plane of a path that ends where it starts",
        [] { go::trajectory_plane({Tensor{1.0, 2.0}, Tensor{3.0, 3.0}, Tensor{1.0, 2.0}}); }, Kind::Value,
        {"trajectory_plane", "ends where it starts"});
    add("landscape", "trajectory_plane of points of different shapes",
        [] { go::trajectory_plane({Tensor{1.0, 2.0}, Tensor{3.0}}); }, Kind::Shape, {"trajectory_plane", "(1,)"});
    add("landscape", "trajectory_plane of one-weight points (no plane fits; d2 was NaN)",
        [] { go::trajectory_plane({Tensor{1.0}, Tensor{2.0}}); }, Kind::Shape, {"trajectory_plane", "(1,)", "2 elements"});
    add("landscape", "project_onto_plane with parallel axes",
        [] {
            go::project_onto_plane(go::Plane{Tensor{0.0, 0.0}, Tensor{1.0, 0.0}, Tensor{2.0, 0.0}}, {Tensor{1.0, 1.0}});
        },
        Kind::Value, {"project_onto_plane", "parallel"});
    add("landscape", "project_onto_plane with a point of another shape",
        [] {
            go::project_onto_plane(go::Plane{Tensor{0.0, 0.0}, Tensor{1.0, 0.0}, Tensor{0.0, 1.0}}, {Tensor{1.0}});
        },
        Kind::Shape, {"project_onto_plane", "(1,)"});
    // ---- fit
    add("fit", "batch_size 0", [] {
            Parameter W{gradlab::zeros({2}), "W"};
            go::Sgd s(0.1);
            go::FitOptions o;
            o.batch_size = 0;
            go::fit({&W}, s, 10, [](const std::vector<std::size_t>&) { return 0.0; }, o);
        },
        Kind::Value, {"fit", "batch_size", "0"});
    add("fit", "batch_size above n", [] {
            Parameter W{gradlab::zeros({2}), "W"};
            go::Sgd s(0.1);
            go::FitOptions o;
            o.batch_size = 11;
            go::fit({&W}, s, 10, [](const std::vector<std::size_t>&) { return 0.0; }, o);
        },
        Kind::Value, {"fit", "batch_size", "11"});
    add("fit", "epochs 0", [] {
            Parameter W{gradlab::zeros({2}), "W"};
            go::Sgd s(0.1);
            go::FitOptions o;
            o.epochs = 0;
            go::fit({&W}, s, 10, [](const std::vector<std::size_t>&) { return 0.0; }, o);
        },
        Kind::Value, {"fit", "epochs"});
    add("fit", "resume from a missing file", [&files] {
            Parameter W{gradlab::zeros({2}), "W"};
            go::Sgd s(0.1);
            go::FitOptions o;
            o.batch_size = 2;
            o.resume_from = (files.path() / "nope.ckpt").string();
            go::fit({&W}, s, 10, [](const std::vector<std::size_t>&) { return 0.0; }, o);
        },
        Kind::Io, {"nope.ckpt"});
    // ---- the checkpoint reader
    const std::string good = valid_checkpoint(files);
    auto load = [](std::string path) { return [path] { go::load_checkpoint(path); }; };
    add("checkpoint", "a missing file", load((files.path() / "missing.ckpt").string()), Kind::Io,
        {"load_checkpoint", "missing.ckpt"});
    add("checkpoint", "an empty file", load(files.write("empty.ckpt", "")), Kind::Io,
        {"load_checkpoint", "empty.ckpt", "not a gradlab checkpoint"});
    add("checkpoint", "a text file", load(files.write("text.ckpt", "hello, world\n")), Kind::Io,
        {"load_checkpoint", "text.ckpt", "GLABCKPT"});
    add("checkpoint", "the magic only", load(files.write("magic.ckpt", "GLABCKPT")), Kind::Io,
        {"load_checkpoint", "magic.ckpt", "truncated"});
    add("checkpoint", "version 2", load(files.write("v2.ckpt", std::string(good).replace(8, 1, "\x02"))), Kind::Io,
        {"load_checkpoint", "version 2"});
    add("checkpoint", "cut in the payload", load(files.write("cut.ckpt", good.substr(0, good.size() - 9))), Kind::Io,
        {"load_checkpoint", "cut.ckpt", "truncated"});
    add("checkpoint", "a flipped payload byte", load(files.write("flip.ckpt", std::string(good).replace(30, 1, "\x7f"))),
        Kind::Io, {"load_checkpoint", "flip.ckpt", "checksum"});
    add("checkpoint", "trailing bytes", load(files.write("trail.ckpt", good + "xyz")), Kind::Io,
        {"load_checkpoint", "trail.ckpt", "3 unexpected bytes"});
    add("checkpoint", "a directory", load(files.path().string()), Kind::Io, {"load_checkpoint", "not a regular file"});
    add("checkpoint", "/dev/zero", load("/dev/zero"), Kind::Io, {"load_checkpoint", "/dev/zero", "not a regular file"});
    add("checkpoint", "a FIFO", [&files] {
            const std::string fifo = (files.path() / "fifo").string();
            ::mkfifo(fifo.c_str(), 0600);
            go::load_checkpoint(fifo);
        },
        Kind::Io, {"load_checkpoint", "fifo", "not a regular file"});
    add("checkpoint", "restore into a model of another shape", [] {
            go::Checkpoint ck;
            ck.rng_state = "5489";
            ck.optimizer.kind = "sgd";
            ck.params.emplace_back("W", Tensor{1.0, 2.0});
            Parameter W{gradlab::zeros({3}), "W"};
            go::Sgd s(0.1);
            std::mt19937_64 rng;
            go::restore_checkpoint(ck, {&W}, s, rng);
        },
        Kind::Shape, {"restore_checkpoint", "'W'", "(2,)", "(3,)"});
    add("checkpoint", "restore with another parameter name", [] {
            go::Checkpoint ck;
            ck.rng_state = "5489";
            ck.optimizer.kind = "sgd";
            ck.params.emplace_back("W", Tensor{1.0, 2.0});
            Parameter b{gradlab::zeros({2}), "b"};
            go::Sgd s(0.1);
            std::mt19937_64 rng;
            go::restore_checkpoint(ck, {&b}, s, rng);
        },
        Kind::Value, {"restore_checkpoint", "'W'", "'b'"});
    add("checkpoint", "restore with an unreadable RNG state", [] {
            go::Checkpoint ck;
            ck.rng_state = "not a generator";
            ck.optimizer.kind = "sgd";
            ck.params.emplace_back("W", Tensor{1.0, 2.0});
            Parameter W{gradlab::zeros({2}), "W"};
            go::Sgd s(0.1);
            std::mt19937_64 rng;
            go::restore_checkpoint(ck, {&W}, s, rng);
        },
        Kind::Value, {"restore_checkpoint", "RNG"});
    add("checkpoint", "save into a missing directory", [&files] {
            go::Checkpoint ck;
            go::save_checkpoint((files.path() / "no" / "such" / "dir.ckpt").string(), ck);
        },
        Kind::Io, {"dir.ckpt"});
    return c;
}

}  // namespace

TEST_CASE("catalogue: optim refuses bad inputs with a gradlab error naming the op and the shape or value",
          "[catalogue][errors]") {
    const test_support::ScratchDir files("catalogue");
    const auto tally = catalogue::run("optim", cases(files));
    CHECK(tally.tried >= 40);
}
