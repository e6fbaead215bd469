// The catalogue of bad inputs for the losses (issue 16): score functions, data losses, the fused
// kernels' values, regularizers and metrics (see tests/support/catalogue.hpp).
#include <cmath>
#include <limits>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/data_loss.hpp>
#include <gradlab/losses/linear_fused.hpp>
#include <gradlab/losses/metrics.hpp>
#include <gradlab/losses/regularizers.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>

#include "../support/catalogue.hpp"

namespace gl = gradlab::losses;
using catalogue::Case;
using catalogue::Kind;
using gradlab::Tape;
using gradlab::Tensor;
using gradlab::Var;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// Runs `f` with a fresh tape and (2, 3) scores s on it.
template <class F>
std::function<void()> on_scores(F f) {
    return [f] {
        Tape t;
        Var s = t.variable(Tensor{{1.0, -2.0, 3.0}, {0.5, 0.0, -1.0}}, "s");
        f(t, s);
    };
}

std::vector<Case> cases() {
    std::vector<Case> c;
    auto add = [&c](std::string family, std::string what, std::function<void()> call, Kind kind,
                    std::vector<std::string> words) {
        c.push_back({std::move(family), std::move(what), std::move(call), kind, std::move(words)});
    };
    // ---- data losses on tape scores
    add("svm", "3 labels for 2 rows", on_scores([](Tape&, Var s) { (void)gl::svm(s, {0, 1, 2}); }), Kind::Shape,
        {"svm", "3 labels", "2 rows"});
    add("svm", "label 3 of 3 classes", on_scores([](Tape&, Var s) { (void)gl::svm(s, {0, 3}); }), Kind::Value,
        {"svm", "label 3", "row 1"});
    add("svm", "negative margin", on_scores([](Tape&, Var s) { (void)gl::svm(s, {0, 1}, -1.0); }), Kind::Value,
        {"svm", "-1"});
    add("svm", "1-D scores", [] { Tape t; (void)gl::svm(t.variable(Tensor{1.0, 2.0}), {0}); }, Kind::Shape,
        {"svm", "(2,)"});
    add("svm", "an empty batch", [] { Tape t; (void)gl::svm(t.variable(gradlab::zeros({0, 3})), {}); }, Kind::Shape,
        {"svm", "(0, 3)"});
    add("svm", "NaN score", [] { Tape t; (void)gl::svm(t.variable(Tensor{{1.0, kNaN}}), {0}); }, Kind::Value,
        {"svm", "nan"});
    add("svm", "composed: label 5", on_scores([](Tape&, Var s) { (void)gl::svm_composed(s, {5, 0}); }), Kind::Value,
        {"label 5"});
    add("svm", "value: 1 label for 2 rows", [] { gl::svm_value(Tensor{{1.0, 2.0}, {3.0, 4.0}}, {0}); }, Kind::Shape,
        {"svm", "1 labels"});
    add("squared_hinge", "label 9", on_scores([](Tape&, Var s) { (void)gl::squared_hinge(s, {9, 0}); }), Kind::Value,
        {"squared_hinge", "label 9"});
    add("softmax", "label 4 of 3 classes", on_scores([](Tape&, Var s) { (void)gl::softmax_cross_entropy(s, {4, 0}); }),
        Kind::Value, {"softmax", "label 4", "row 0"});
    add("softmax", "1 label for 2 rows", on_scores([](Tape&, Var s) { (void)gl::softmax_cross_entropy(s, {0}); }),
        Kind::Shape, {"softmax", "1 labels"});
    add("softmax", "0 classes", [] { Tape t; (void)gl::softmax_cross_entropy(t.variable(gradlab::zeros({2, 0})), {0, 0}); },
        Kind::Shape, {"softmax", "(2, 0)"});
    add("softmax", "value of 3-D scores", [] { gl::softmax_cross_entropy_value(gradlab::zeros({1, 2, 3}), {0}); },
        Kind::Shape, {"softmax", "(1, 2, 3)"});
    add("softmax", "composed: label 3", on_scores([](Tape&, Var s) { (void)gl::softmax_cross_entropy_composed(s, {3, 3}); }),
        Kind::Value, {"label 3"});
    add("binary_logistic", "label 5 for 3 one-vs-rest columns",
        on_scores([](Tape&, Var s) { (void)gl::binary_logistic(s, {0, 5}); }), Kind::Value,
        {"binary_logistic", "label 5", "row 1"});
    add("binary_logistic", "label 2 for one (N, 1) classifier",
        [] { Tape t; (void)gl::binary_logistic(t.variable(gradlab::zeros({2, 1})), {0, 2}); }, Kind::Value,
        {"binary_logistic", "label 2", "0 or 1"});
    add("mse", "targets of another shape", on_scores([](Tape&, Var s) { (void)gl::mse(s, gradlab::zeros({3, 2})); }),
        Kind::Shape, {"mse", "(3, 2)", "(2, 3)"});
    add("huber", "delta 0", on_scores([](Tape&, Var s) { (void)gl::huber(s, gradlab::zeros({2, 3}), 0.0); }),
        Kind::Value, {"huber", "delta", "0"});
    // ---- score functions
    add("linear", "x (2, 3) times W (4, 5)", on_scores([](Tape& t, Var s) { (void)gl::linear(s, t.variable(gradlab::zeros({4, 5}))); }),
        Kind::Shape, {"linear", "(2, 3)", "(4, 5)"});
    add("linear", "W 1-D", on_scores([](Tape& t, Var s) { (void)gl::linear(s, t.variable(gradlab::zeros({3}))); }),
        Kind::Shape, {"linear", "(3,)"});
    add("linear", "bias of the wrong length",
        on_scores([](Tape& t, Var s) { (void)gl::linear(s, t.variable(gradlab::zeros({3, 4})), t.variable(gradlab::zeros({5}))); }),
        Kind::Shape, {"linear", "bias", "(5,)"});
    add("scores", "append_ones_column of 1-D x", [] { gl::append_ones_column(Tensor{1.0, 2.0}); }, Kind::Shape,
        {"append_ones_column", "(2,)"});
    add("scores", "fold_bias with b of the wrong length", [] { gl::fold_bias(gradlab::zeros({3, 4}), gradlab::zeros({3})); },
        Kind::Shape, {"fold_bias", "(3, 4)", "(3,)"});
    add("scores", "random_normal with stddev -1", [] { gl::random_normal({2, 2}, -1.0, 1); }, Kind::Value,
        {"random_normal", "-1"});
    add("scores", "random_normal of (2^40, 2^40)", [] { gl::random_normal({std::size_t{1} << 40, std::size_t{1} << 40}, 1.0, 1); },
        Kind::Shape, {"1099511627776"});
    add("scores", "TwoLayerNet with 0 hidden units", [] { gl::TwoLayerNet net(3, 0, 2); }, Kind::Value,
        {"TwoLayerNet", "hidden 0"});
    add("scores", "TwoLayerNet with a NaN weight scale", [] { gl::TwoLayerNet net(3, 4, 2, 0, kNaN); }, Kind::Value,
        {"TwoLayerNet", "nan"});
    // ---- regularizers
    add("regularizers", "elastic_net with l1_ratio 2", on_scores([](Tape&, Var s) { (void)gl::elastic_net(s, 2.0); }),
        Kind::Value, {"elastic_net", "l1_ratio", "2"});
    add("regularizers", "full_loss of a non-scalar data loss", on_scores([](Tape&, Var s) { (void)gl::full_loss(s, s, 0.1); }),
        Kind::Shape, {"full_loss", "(2, 3)"});
    add("regularizers", "full_loss with a negative strength",
        on_scores([](Tape&, Var s) { (void)gl::full_loss(gradlab::sum(s), s, -0.5); }), Kind::Value,
        {"full_loss", "-0.5"});
    add("regularizers", "full_loss with a weight on another tape",
        on_scores([](Tape&, Var s) {
            Tape other;
            (void)gl::full_loss(gradlab::sum(s), {other.variable(Tensor{1.0})}, gl::Regularization{0.1});
        }),
        Kind::Tape, {"full_loss", "different tape"});
    // ---- metrics
    add("metrics", "accuracy with 3 labels for 2 rows", [] { gl::accuracy(gradlab::zeros({2, 3}), {0, 1, 2}); },
        Kind::Shape, {"accuracy", "3 labels"});
    add("metrics", "accuracy with label 7", [] { gl::accuracy(gradlab::zeros({2, 3}), {0, 7}); }, Kind::Value,
        {"accuracy", "label 7"});
    add("metrics", "predict on 1-D scores", [] { gl::predict(Tensor{1.0, 2.0}); }, Kind::Shape, {"predict", "(2,)"});
    // ---- the fused linear kernels (linear_fused.hpp): x (4, 3), w (3, 2) unless said otherwise
    auto fused = [](auto f) {
        return [f] {
            Tape t;
            f(t, t.constant(gradlab::zeros({4, 3}), "x"), t.variable(gradlab::zeros({3, 2}), "w"));
        };
    };
    add("linear_fused", "linear_svm with inner dimensions that differ",
        fused([](Tape& t, Var x, Var) { (void)gl::linear_svm(x, t.variable(gradlab::zeros({2, 2})), {0, 1, 0, 1}); }),
        Kind::Shape, {"linear_svm", "(4, 3)", "(2, 2)"});
    add("linear_fused", "linear_svm with a 1-D x",
        fused([](Tape& t, Var, Var w) { (void)gl::linear_svm(t.constant(gradlab::zeros({3})), w, {0}); }), Kind::Shape,
        {"linear_svm", "(3,)"});
    add("linear_fused", "linear_svm with a 3-D w",
        fused([](Tape& t, Var x, Var) { (void)gl::linear_svm(x, t.variable(gradlab::zeros({3, 2, 1})), {0, 1, 0, 1}); }),
        Kind::Shape, {"linear_svm", "(3, 2, 1)"});
    add("linear_fused", "linear_svm with 3 labels for 4 rows",
        fused([](Tape&, Var x, Var w) { (void)gl::linear_svm(x, w, {0, 1, 0}); }), Kind::Shape,
        {"linear_svm", "3 labels", "4 rows"});
    add("linear_fused", "linear_svm with label 5 of 2 classes",
        fused([](Tape&, Var x, Var w) { (void)gl::linear_svm(x, w, {0, 1, 0, 5}); }), Kind::Value,
        {"linear_svm", "label 5", "row 3"});
    add("linear_fused", "linear_svm on an empty batch",
        [] {
            Tape t;
            (void)gl::linear_svm(t.constant(gradlab::zeros({0, 3})), t.variable(gradlab::zeros({3, 2})), {});
        },
        Kind::Shape, {"linear_svm", "(0, 3)"});
    add("linear_fused", "linear_svm with no classes",
        [] {
            Tape t;
            (void)gl::linear_svm(t.constant(gradlab::zeros({4, 3})), t.variable(gradlab::zeros({3, 0})), {0, 0, 0, 0});
        },
        Kind::Shape, {"linear_svm", "classes 0"});
    add("linear_fused", "linear_svm with a negative margin",
        fused([](Tape&, Var x, Var w) { (void)gl::linear_svm(x, w, {0, 1, 0, 1}, -1.0); }), Kind::Value,
        {"linear_svm", "-1"});
    add("linear_fused", "linear_svm with a NaN margin",
        fused([](Tape&, Var x, Var w) { (void)gl::linear_svm(x, w, {0, 1, 0, 1}, kNaN); }), Kind::Value,
        {"linear_svm", "nan"});
    add("linear_fused", "linear_svm with a NaN in x",
        [] {
            Tape t;
            Tensor x = gradlab::zeros({4, 3});
            x(1, 1) = kNaN;
            (void)gl::linear_svm(t.constant(x), t.variable(gradlab::zeros({3, 2})), {0, 1, 0, 1});
        },
        Kind::Value, {"svm", "(1, 0)", "nan"});
    add("linear_fused", "linear_svm with a bias of 3 for 2 classes",
        fused([](Tape& t, Var x, Var w) { (void)gl::linear_svm(x, w, t.variable(gradlab::zeros({3})), {0, 1, 0, 1}); }),
        Kind::Shape, {"linear_svm", "bias", "(3,)"});
    add("linear_fused", "linear_svm with x and w on different tapes",
        fused([](Tape&, Var x, Var) {
            Tape other;
            (void)gl::linear_svm(x, other.variable(gradlab::zeros({3, 2})), {0, 1, 0, 1});
        }),
        Kind::Tape, {"linear_svm", "different tapes"});
    add("linear_fused", "linear_softmax with inner dimensions that differ",
        fused([](Tape& t, Var x, Var) { (void)gl::linear_softmax(x, t.variable(gradlab::zeros({2, 2})), {0, 1, 0, 1}); }),
        Kind::Shape, {"linear_softmax", "(4, 3)", "(2, 2)"});
    add("linear_fused", "linear_softmax with label 2 of 2 classes",
        fused([](Tape&, Var x, Var w) { (void)gl::linear_softmax(x, w, {0, 1, 0, 2}); }), Kind::Value,
        {"linear_softmax", "label 2", "row 3"});
    add("linear_fused", "linear_softmax with a bias of 5 for 2 classes",
        fused([](Tape& t, Var x, Var w) {
            (void)gl::linear_softmax(x, w, t.variable(gradlab::zeros({5})), {0, 1, 0, 1});
        }),
        Kind::Shape, {"linear_softmax", "bias", "(5,)"});
    add("linear_fused", "linear_softmax with an infinite weight",
        [] {
            Tape t;
            Tensor w = gradlab::zeros({3, 2});
            w(0, 0) = std::numeric_limits<double>::infinity();
            Tensor x = gradlab::zeros({4, 3});
            x.fill(1.0);
            (void)gl::linear_softmax(t.constant(x), t.variable(w), {0, 1, 0, 1});
        },
        Kind::Value, {"softmax_cross_entropy", "inf"});
    add("linear_fused", "linear_loss_rows with row 9 of 4",
        fused([](Tape& t, Var x, Var w) {
            (void)gl::linear_loss_rows(gl::LinearLoss::Svm, x, {0, 9}, w, t.variable(gradlab::zeros({2})), {0, 1});
        }),
        Kind::Value, {"linear_svm", "row 9", "4 rows"});
    add("linear_fused", "linear_loss_rows with row 2^63",
        fused([](Tape& t, Var x, Var w) {
            (void)gl::linear_loss_rows(gl::LinearLoss::Svm, x, {std::size_t{1} << 63}, w,
                                       t.variable(gradlab::zeros({2})), {0});
        }),
        Kind::Value, {"linear_svm", "9223372036854775808"});
    add("linear_fused", "linear_loss_rows with 2 rows and 3 labels",
        fused([](Tape& t, Var x, Var w) {
            (void)gl::linear_loss_rows(gl::LinearLoss::Softmax, x, {0, 1}, w, t.variable(gradlab::zeros({2})),
                                       {0, 1, 1});
        }),
        Kind::Shape, {"linear_softmax", "3 labels", "2 rows"});
    add("linear_fused", "linear_loss_rows with no rows",
        fused([](Tape& t, Var x, Var w) {
            (void)gl::linear_loss_rows(gl::LinearLoss::Softmax, x, {}, w, t.variable(gradlab::zeros({2})), {});
        }),
        Kind::Shape, {"linear_softmax", "0 labels"});
    add("linear_fused", "linear_loss_grad with a null x",
        [] {
            gl::LinearLossInputs in;
            const double w[4] = {0.0, 0.0, 0.0, 0.0};
            const std::size_t labels[2] = {0, 1};
            in.x_rows = in.dims = in.classes = in.batch = 2;
            in.w = w;
            in.labels = labels;
            (void)gl::linear_loss_grad(gl::LinearLoss::Svm, in, {});
        },
        Kind::Value, {"svm", "null", "x null"});
    add("linear_fused", "set_kernel_isa with a value outside the enum",
        [] { gl::set_kernel_isa(static_cast<gl::KernelIsa>(42)); }, Kind::Value,
        {"set_kernel_isa", "42", "not a KernelIsa"});
    return c;
}

}  // namespace

TEST_CASE("catalogue: losses refuse bad inputs with a gradlab error naming the op and the shape or value",
          "[catalogue][errors]") {
    const auto tally = catalogue::run("losses", cases());
    CHECK(tally.tried >= 30);
}
