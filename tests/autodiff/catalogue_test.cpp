// The catalogue of bad inputs for autodiff's public functions (issue 16): tensor makers, the
// tape, elementwise ops, matmul, reductions, the softmax family, index and shape ops, and the
// gradient checker. Each must refuse with the right gradlab error naming the operation and the
// offending shape or value (see tests/support/catalogue.hpp).
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>

#include <sys/stat.h>
#include <unistd.h>

#include <gradlab/autodiff/atomic_file.hpp>
#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/ops_mixed.hpp>
#include <gradlab/autodiff/tape.hpp>

#include "../support/catalogue.hpp"
#include "../support/scratch_dir.hpp"

using catalogue::Case;
using catalogue::Kind;
using gradlab::Shape;
using gradlab::Tape;
using gradlab::Tensor;
using gradlab::Var;

namespace {

constexpr std::size_t k63 = std::size_t{1} << 63;
constexpr std::size_t k32 = std::size_t{1} << 32;
const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// Runs `f` with a fresh tape and a (2, 3) variable x on it.
template <class F>
std::function<void()> on_x(F f) {
    return [f] {
        Tape t;
        Var x = t.variable(Tensor{{1.0, -2.0, 3.0}, {0.5, 0.0, -1.0}}, "x");
        f(t, x);
    };
}

double square_sum(const Tensor& x) {
    double s = 0.0;
    for (double v : x) s += v * v;
    return s;
}

std::vector<Case> cases() {
    std::vector<Case> c;
    auto add = [&c](std::string family, std::string what, std::function<void()> call, Kind kind,
                    std::vector<std::string> words) {
        c.push_back({std::move(family), std::move(what), std::move(call), kind, std::move(words)});
    };
    // ---- tensor makers
    add("tensor", "zeros({2, 2^63}) overflows the size", [] { gradlab::zeros({2, k63}); }, Kind::Shape,
        {"zeros", "9223372036854775808"});
    add("tensor", "zeros({2^32, 2^32}) wraps to size 0 in xtensor", [] { gradlab::zeros({k32, k32}); }, Kind::Shape,
        {"zeros", "(4294967296, 4294967296)"});
    add("tensor", "zeros({0, 2^63, 2^63}): empty, but the strides overflow", [] { gradlab::zeros({0, k63, k63}); },
        Kind::Shape, {"zeros", "9223372036854775808"});
    add("tensor", "zeros above kMaxTensorElements", [] { gradlab::zeros({gradlab::kMaxTensorElements + 1}); },
        Kind::Shape, {"zeros", "2147483649", "kMaxTensorElements"});
    add("tensor", "randn({2^40, 2^40})",
        [] {
            std::mt19937_64 rng(1);
            gradlab::randn({std::size_t{1} << 40, std::size_t{1} << 40}, rng);
        },
        Kind::Shape, {"randn", "1099511627776"});
    add("tensor", "require_finite on a NaN", [] { gradlab::require_finite("op_x", Tensor{1.0, kNaN}); }, Kind::Value,
        {"op_x", "element 1", "nan"});
    add("tensor", "require_same_shape", [] { gradlab::require_same_shape("op_y", {2, 3}, {3, 2}); }, Kind::Shape,
        {"op_y", "(2, 3)", "(3, 2)"});
    // ---- the tape
    add("tape", "a default (empty) Var", [] { Var v; (void)v.value(); }, Kind::Tape, {"tape"});
    add("tape", "a Var after its tape was reset",
        [] {
            Tape t;
            Var x = t.variable(Tensor{1.0});
            t.reset();
            (void)x.value();
        },
        Kind::Tape, {"reset"});
    add("tape", "Vars of two tapes in one op",
        [] {
            Tape a, b;
            Var x = a.variable(Tensor{1.0}), y = b.variable(Tensor{2.0});
            (void)(x + y);
        },
        Kind::Tape, {"different tape"});
    add("tape", "backward on a non-scalar without a seed", on_x([](Tape& t, Var x) { t.backward(x * 2.0); }),
        Kind::Tape, {"backward", "(2, 3)", "not a scalar"});
    add("tape", "backward with a seed of the wrong shape",
        on_x([](Tape& t, Var x) { t.backward(x * 2.0, gradlab::zeros({3, 2})); }), Kind::Shape,
        {"backward", "(3, 2)", "(2, 3)"});
    add("tape", "node id out of range", [] { Tape t; (void)t.node(std::size_t{7}); }, Kind::Tape, {"node", "7"});
    add("tape", "a null shared constant", [] { Tape t; t.constant(std::shared_ptr<const Tensor>()); }, Kind::Tape,
        {"constant", "null"});
    // ---- elementwise and broadcasting
    add("elementwise", "add (2, 3) + (4,)",
        on_x([](Tape& t, Var x) { (void)(x + t.constant(gradlab::zeros({4}))); }), Kind::Shape, {"(2, 3)", "(4,)"});
    add("elementwise", "mul (2, 3) * (3, 2)",
        on_x([](Tape& t, Var x) { (void)(x * t.constant(gradlab::zeros({3, 2}))); }), Kind::Shape,
        {"(2, 3)", "(3, 2)"});
    add("elementwise", "div (2, 3) / (2, 2)",
        on_x([](Tape& t, Var x) { (void)(x / t.constant(gradlab::zeros({2, 2}))); }), Kind::Shape,
        {"(2, 3)", "(2, 2)"});
    add("elementwise", "maximum (2, 3) vs (5,)",
        on_x([](Tape& t, Var x) { (void)gradlab::maximum(x, t.constant(gradlab::zeros({5}))); }), Kind::Shape,
        {"maximum", "(5,)"});
    add("elementwise", "minimum (2, 3) vs (5,)",
        on_x([](Tape& t, Var x) { (void)gradlab::minimum(x, t.constant(gradlab::zeros({5}))); }), Kind::Shape,
        {"minimum", "(5,)"});
    add("elementwise", "pow with a NaN exponent", on_x([](Tape&, Var x) { (void)gradlab::pow(x, kNaN); }), Kind::Value,
        {"pow", "nan"});
    add("elementwise", "pow with an infinite exponent", on_x([](Tape&, Var x) { (void)gradlab::pow(x, kInf); }),
        Kind::Value, {"pow", "inf"});
    add("elementwise", "clip with lo > hi", on_x([](Tape&, Var x) { (void)gradlab::clip(x, 2.0, -1.0); }), Kind::Value,
        {"clip", "lo = 2", "hi = -1"});
    add("elementwise", "where with a mask of another shape",
        on_x([](Tape&, Var x) { (void)gradlab::where(gradlab::zeros({4, 4}), x, x); }), Kind::Shape,
        {"where", "(4, 4)"});
    add("elementwise", "where with a mask holding 2",
        on_x([](Tape&, Var x) { (void)gradlab::where(Tensor{{0.0, 2.0, 1.0}, {1.0, 1.0, 1.0}}, x, x); }),
        Kind::Value, {"where", "mask", "2"});
    add("elementwise", "mask of another shape", on_x([](Tape&, Var x) { (void)gradlab::mask(x, gradlab::zeros({3, 3})); }),
        Kind::Shape, {"mask", "(3, 3)"});
    add("elementwise", "masked_fill with a mask that does not broadcast",
        on_x([](Tape&, Var x) { (void)gradlab::masked_fill(x, gradlab::zeros({4}), 0.0); }), Kind::Shape,
        {"masked_fill", "(4,)", "(2, 3)"});
    add("elementwise", "masked_fill with a NaN fill value",
        on_x([](Tape&, Var x) { (void)gradlab::masked_fill(x, gradlab::zeros({2, 3}), kNaN); }), Kind::Value,
        {"masked_fill", "NaN"});
    // ---- matmul, transpose, reshape
    add("matmul", "inner dimensions differ", on_x([](Tape& t, Var x) { (void)gradlab::matmul(x, t.constant(gradlab::zeros({2, 4}))); }),
        Kind::Shape, {"matmul", "(2, 3)", "(2, 4)"});
    add("matmul", "a 1-D operand", on_x([](Tape& t, Var x) { (void)gradlab::matmul(x, t.constant(gradlab::zeros({3}))); }),
        Kind::Shape, {"matmul", "2-D", "(3,)"});
    add("matmul", "a 3-D operand",
        on_x([](Tape& t, Var x) { (void)gradlab::matmul(t.constant(gradlab::zeros({1, 2, 2})), x); }), Kind::Shape,
        {"matmul", "(1, 2, 2)"});
    add("shape", "transpose of a 1-D tensor", [] { Tape t; (void)gradlab::transpose(t.variable(gradlab::zeros({3}))); },
        Kind::Shape, {"transpose", "(3,)"});
    add("shape", "reshape (2, 3) into (4, 2)", on_x([](Tape&, Var x) { (void)gradlab::reshape(x, {4, 2}); }), Kind::Shape,
        {"reshape", "(2, 3)", "(4, 2)"});
    add("shape", "reshape (2, 3) into (2^32, 2^32): the products wrap", on_x([](Tape&, Var x) { (void)gradlab::reshape(x, {k32, k32}); }),
        Kind::Shape, {"reshape", "4294967296"});
    // ---- reductions and the softmax family
    add("reduce", "sum over axis 2 of a 2-D tensor", on_x([](Tape&, Var x) { (void)gradlab::sum(x, 2); }), Kind::Shape,
        {"sum", "axis 2", "(2, 3)"});
    add("reduce", "mean over axis 9", on_x([](Tape&, Var x) { (void)gradlab::mean(x, 9); }), Kind::Shape,
        {"mean", "axis 9"});
    add("reduce", "mean of an empty tensor", [] { Tape t; (void)gradlab::mean(t.variable(gradlab::zeros({0, 3}))); },
        Kind::Shape, {"mean", "(0, 3)"});
    add("reduce", "mean over an empty axis", [] { Tape t; (void)gradlab::mean(t.variable(gradlab::zeros({0, 3})), 0); },
        Kind::Shape, {"mean", "axis 0", "(0, 3)"});
    add("reduce", "max of an empty tensor", [] { Tape t; (void)gradlab::max(t.variable(gradlab::zeros({0}))); },
        Kind::Shape, {"max", "(0,)"});
    add("reduce", "max over axis 3", on_x([](Tape&, Var x) { (void)gradlab::max(x, 3); }), Kind::Shape,
        {"max", "axis 3"});
    add("reduce", "max over an empty axis", [] { Tape t; (void)gradlab::max(t.variable(gradlab::zeros({2, 0})), 1); },
        Kind::Shape, {"max", "axis 1", "(2, 0)"});
    add("softmax", "logsumexp over axis 2", on_x([](Tape&, Var x) { (void)gradlab::logsumexp(x, 2); }), Kind::Shape,
        {"logsumexp", "axis 2"});
    add("softmax", "logsumexp over an empty axis",
        [] { Tape t; (void)gradlab::logsumexp(t.variable(gradlab::zeros({3, 0})), 1); }, Kind::Shape,
        {"logsumexp", "(3, 0)"});
    add("softmax", "softmax over axis 5", on_x([](Tape&, Var x) { (void)gradlab::softmax(x, 5); }), Kind::Shape,
        {"softmax", "axis 5"});
    add("softmax", "log_softmax over axis 4", on_x([](Tape&, Var x) { (void)gradlab::log_softmax(x, 4); }),
        Kind::Shape, {"log_softmax", "axis 4"});
    // ---- index ops
    add("index", "gather on 1-D scores", [] { Tape t; (void)gradlab::gather(t.variable(gradlab::zeros({3})), {0}); },
        Kind::Shape, {"gather", "(3,)"});
    add("index", "gather with 3 labels for 2 rows", on_x([](Tape&, Var x) { (void)gradlab::gather(x, {0, 1, 2}); }),
        Kind::Shape, {"gather", "3 labels", "(2, 3)"});
    add("index", "gather with label 7 of 3 classes", on_x([](Tape&, Var x) { (void)gradlab::gather(x, {0, 7}); }),
        Kind::Value, {"gather", "label 7", "row 1"});
    add("index", "one_hot with 0 classes", [] { gradlab::one_hot({0}, 0); }, Kind::Value, {"one_hot", "0"});
    add("index", "one_hot with label 10 of 10", [] { gradlab::one_hot({1, 10}, 10); }, Kind::Value,
        {"one_hot", "label 10", "row 1"});
    add("index", "one_hot with 2^63 classes", [] { gradlab::one_hot({1}, k63); }, Kind::Shape,
        {"9223372036854775808"});
    // ---- the gradient checker and numerical gradients
    const Tensor x3 = {1.0, 2.0, 3.0};
    add("gradcheck", "numerical_gradient with h = 0", [x3] { gradlab::numerical_gradient(square_sum, x3, 0.0); },
        Kind::Value, {"numerical_gradient", "h"});
    add("gradcheck", "numerical_gradient with h = 1e-16", [x3] { gradlab::numerical_gradient(square_sum, x3, 1e-16); },
        Kind::Value, {"numerical_gradient", "1e-16", "round-off"});
    add("gradcheck", "numerical_gradient of an empty x",
        [] { gradlab::numerical_gradient(square_sum, gradlab::zeros({0, 2})); }, Kind::Shape,
        {"numerical_gradient", "(0, 2)"});
    add("gradcheck", "numerical_gradient with f non-finite",
        [x3] { gradlab::numerical_gradient([](const Tensor& t) { return std::log(t(0) - 1.0); }, x3); }, Kind::Value,
        {"numerical_gradient", "not finite"});
    add("gradcheck", "numerical_gradient_array with a mis-shaped upstream",
        [x3] { gradlab::numerical_gradient_array([](const Tensor& t) { return Tensor(2.0 * t); }, x3, gradlab::zeros({2})); },
        Kind::Shape, {"numerical_gradient_array", "(3,)", "(2,)"});
    add("gradcheck", "check_gradient with an analytic gradient of another shape",
        [x3] { gradlab::check_gradient(square_sum, gradlab::zeros({2}), x3); }, Kind::Shape,
        {"check_gradient", "(2,)", "(3,)"});
    add("gradcheck", "check_gradient with h = 1", [x3] {
            gradlab::CheckOptions o;
            o.h = 1.0;
            gradlab::check_gradient(square_sum, Tensor(2.0 * x3), x3, o);
        },
        Kind::Value, {"check_gradient", "h = 1"});
    add("gradcheck", "check_gradient with roundoff_factor 1e9", [x3] {
            gradlab::CheckOptions o;
            o.tolerance.roundoff_factor = 1e9;
            gradlab::check_gradient(square_sum, Tensor(2.0 * x3), x3, o);
        },
        Kind::Value, {"check_gradient", "roundoff_factor = 1e+09"});
    add("gradcheck", "check_gradient with max_relative_error 1", [x3] {
            gradlab::CheckOptions o;
            o.tolerance.max_relative_error = 1.0;
            gradlab::check_gradient(square_sum, Tensor(2.0 * x3), x3, o);
        },
        Kind::Value, {"check_gradient", "max_relative_error = 1"});
    add("gradcheck", "check_gradient sparse with 9 samples of 3", [x3] {
            gradlab::CheckOptions o;
            o.method = gradlab::CheckMethod::Sparse;
            o.samples = 9;
            gradlab::check_gradient(square_sum, Tensor(2.0 * x3), x3, o);
        },
        Kind::Value, {"check_gradient", "samples", "9"});
    add("gradcheck", "check_gradient at a NaN point", [] {
            gradlab::check_gradient(square_sum, Tensor{0.0, 0.0}, Tensor{1.0, kNaN});
        },
        Kind::Value, {"check_gradient", "nan"});
    add("gradcheck", "check_gradients with 1 gradient for 2 inputs", [x3] {
            gradlab::check_gradients([](const std::vector<Tensor>& v) { return square_sum(v[0]); },
                                     std::vector<Tensor>{x3}, {{"W", x3}, {"b", x3}});
        },
        Kind::Shape, {"check_gradient", "1 analytic", "2 inputs"});
    add("gradcheck", "step_size_study at element 5 of 3", [x3] { gradlab::step_size_study(square_sum, x3, 5, 1.0); },
        Kind::Shape, {"step_size_study", "element 5", "(3,)"});
    add("gradcheck", "step_size_study with a NaN analytic value",
        [x3] { gradlab::step_size_study(square_sum, x3, 0, kNaN); }, Kind::Value, {"step_size_study", "nan"});
    add("gradcheck", "step_size_study with a negative step",
        [x3] { gradlab::step_size_study(square_sum, x3, 0, 2.0, {1e-3, -1e-4}); }, Kind::Value,
        {"step_size_study", "-0.0001"});
    // ---- handles that outlive what they point at (issue 16, item 2)
    add("lifetime", "a Var after its Tape was destroyed",
        [] {
            Var x;
            { Tape t; x = t.variable(Tensor{1.0}); }
            (void)x.value();
        },
        Kind::Tape, {"Var::value", "destroyed", "node #0"});
    add("lifetime", "an op on a Var whose Tape was destroyed",
        [] {
            Var x;
            { Tape t; (void)t.constant(Tensor{0.0}); x = t.variable(Tensor{1.0}); }
            (void)gradlab::relu(x);
        },
        Kind::Tape, {"Var::", "destroyed", "node #1"});
    add("lifetime", "a dead tape's Var given to a new tape's node()",
        [] {
            Var x;
            { Tape t; x = t.variable(Tensor{1.0}); }
            Tape u;
            (void)u.node(x);
        },
        Kind::Tape, {"Tape::node", "destroyed"});
    add("lifetime", "backward after a watched Parameter was destroyed",
        [] {
            Tape t;
            gradlab::Parameter W(Tensor{1.0, 2.0}, "W");
            Var loss;
            {
                gradlab::Parameter b(Tensor{3.0, 4.0}, "b");
                Var w = t.watch(W);
                loss = gradlab::sum(w * t.watch(b));
            }
            t.backward(loss);
        },
        Kind::Tape, {"backward", "Parameter 'b'", "node #1", "destroyed"});
    add("lifetime", "backward after the watched Parameter was overwritten by a move",
        [] {
            Tape t;
            gradlab::Parameter W(Tensor{1.0}, "W"), V(Tensor{2.0}, "V");
            Var loss = gradlab::sum(t.watch(W) * 2.0);
            W = std::move(V);
            t.backward(loss);
        },
        Kind::Tape, {"backward", "Parameter 'W'", "node #0"});
    // ---- what the tape's leaves accept (issue 16): shapes within the limit, storage that fits
    add("leaves", "watch of a moved-from Parameter",
        [] {
            gradlab::Parameter W(Tensor{1.0, 2.0}, "W");
            gradlab::Parameter taken(std::move(W));
            Tape t;
            (void)t.watch(W);
        },
        Kind::Shape, {"watch", "moved from", "holds 0"});
    add("leaves", "variable of a moved-from tensor (0-d, but no element)",
        [] {
            Tensor a{1.0, 2.0};
            Tensor b = std::move(a);
            Tape t;
            (void)t.variable(a, "x");
        },
        Kind::Shape, {"variable 'x'", "()", "holds 0"});
    add("leaves", "constant of an empty tensor with a 2^40 dimension",
        [] { Tape t; (void)t.constant(Tensor::from_shape({std::size_t{1} << 40, 0}), "wide"); }, Kind::Shape,
        {"constant 'wide'", "(1099511627776, 0)", "kMaxTensorElements"});
    add("leaves", "shared constant of a moved-from tensor",
        [] {
            Tensor a{1.0};
            Tensor b = std::move(a);
            Tape t;
            (void)t.constant(std::make_shared<const Tensor>(a), "data");
        },
        Kind::Shape, {"constant 'data'", "holds 0"});
    add("leaves", "Parameter made from a moved-from tensor",
        [] {
            Tensor a{1.0};
            Tensor b = std::move(a);
            gradlab::Parameter P(a, "P");
        },
        Kind::Shape, {"Parameter 'P'", "holds 0"});
    add("leaves", "Parameter of an empty tensor with a 2^40 dimension",
        [] { gradlab::Parameter P(Tensor::from_shape({0, std::size_t{1} << 40}), "P"); }, Kind::Shape,
        {"Parameter 'P'", "(0, 1099511627776)"});
    // ---- Var op Tensor (ops_mixed.hpp)
    add("mixed", "Var + Tensor that does not broadcast",
        on_x([](Tape&, Var x) { (void)(x + gradlab::zeros({4})); }), Kind::Shape, {"add", "(2, 3)", "(4,)"});
    add("mixed", "Tensor - Var that does not broadcast",
        on_x([](Tape&, Var x) { (void)(gradlab::zeros({3, 2}) - x); }), Kind::Shape, {"sub", "(3, 2)", "(2, 3)"});
    add("mixed", "Var * Tensor that does not broadcast",
        on_x([](Tape&, Var x) { (void)(x * gradlab::zeros({2, 2})); }), Kind::Shape, {"mul", "(2, 2)"});
    add("mixed", "Tensor / Var that does not broadcast",
        on_x([](Tape&, Var x) { (void)(gradlab::zeros({5}) / x); }), Kind::Shape, {"div", "(5,)"});
    add("mixed", "maximum(Var, Tensor) that does not broadcast",
        on_x([](Tape&, Var x) { (void)gradlab::maximum(x, gradlab::zeros({5})); }), Kind::Shape,
        {"maximum", "(5,)"});
    add("mixed", "minimum(Tensor, Var) that does not broadcast",
        on_x([](Tape&, Var x) { (void)gradlab::minimum(gradlab::zeros({5}), x); }), Kind::Shape,
        {"minimum", "(5,)"});
    add("mixed", "Tensor * an empty Var", [] { (void)(gradlab::zeros({2}) * Var()); }, Kind::Tape,
        {"Var::tape", "empty"});
    add("mixed", "Var + a moved-from Tensor",
        on_x([](Tape&, Var x) {
            Tensor a{1.0};
            Tensor b = std::move(a);
            (void)(x + a);
        }),
        Kind::Shape, {"constant", "holds 0"});
    // ---- write_file_atomic: only a regular file is ever replaced
    add("atomic_file", "an empty path", [] { gradlab::write_file_atomic("", "x"); }, Kind::Io,
        {"write_file_atomic", "empty"});
    add("atomic_file", "a directory of which the parent is missing",
        [] { gradlab::write_file_atomic("/nonexistent-gradlab-dir/f.bin", "x", "save_x"); }, Kind::Io,
        {"save_x", "/nonexistent-gradlab-dir/f.bin"});
    add("atomic_file", "a path that is a directory",
        [] {
            test_support::ScratchDir dir("catalogue");
            gradlab::write_file_atomic(dir.path().string(), "x");
        },
        Kind::Io, {"write_file_atomic", "gradlab-catalogue-", "a directory"});
    add("atomic_file", "a path that is a FIFO",
        [] {
            test_support::ScratchDir dir("catalogue");
            const std::string fifo = dir.file("pipe");
            REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
            gradlab::write_file_atomic(fifo, "x", "save_checkpoint");
        },
        Kind::Io, {"save_checkpoint", "/pipe", "a FIFO"});
    add("atomic_file", "a path that is a symbolic link",
        [] {
            test_support::ScratchDir dir("catalogue");
            const std::string link = dir.file("link");
            REQUIRE(::symlink("target", link.c_str()) == 0);
            gradlab::write_file_atomic(link, "x");
        },
        Kind::Io, {"write_file_atomic", "/link", "symbolic link"});
    return c;
}

}  // namespace

TEST_CASE("catalogue: autodiff refuses bad inputs with a gradlab error naming the op and the shape or value",
          "[catalogue][errors]") {
    const auto tally = catalogue::run("autodiff", cases());
    CHECK(tally.tried >= 60);
}
