// Write your own loss, twice, and let the gradient checker judge both.
//
// The loss: a "smooth SVM" -- the multiclass hinge of the notes with its corner rounded off,
// log(1 + e^m) in place of max(0, m), so it has a gradient everywhere:
//   L = 1/N sum_i sum_{j != y_i} log(1 + exp(s_ij - s_{i,y_i} + delta)).
//
// Route 1 composes tape ops: the gradient comes for free. Route 2 is a custom op: you compute the
// value and your hand-derived gradient yourself (d/dm log(1 + e^m) = sigmoid(m)) and hand both to
// Tape::record -- faster, and the route where mistakes hide. The checker compares each with
// centered differences.
#include <cmath>
#include <cstdio>
#include <utility>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/losses/metrics.hpp>
#include <gradlab/losses/scores.hpp>

#include "support/common.hpp"
#include "support/program.hpp"

namespace gradlab::examples {
namespace {

using losses::Labels;

// [composed]
Var smooth_svm_composed(const Var& s, const Labels& y, double delta = 1.0) {
    const std::size_t n = s.shape()[0], c = s.shape()[1];
    Var correct = reshape(gather(s, y), {n, 1});        // s_{i,y_i} as a column
    Var soft = log(1.0 + exp(s - correct + delta));     // softplus of every margin
    Var wrong = mask(soft, Tensor(1.0 - one_hot(y, c)));  // skip j = y_i
    return sum(wrong) / static_cast<double>(n);
}
// [composed]

// [custom-op]
Var smooth_svm_op(const Var& s, const Labels& y, double delta = 1.0) {
    const Tensor& v = s.value();
    const std::size_t n = v.shape()[0], c = v.shape()[1];
    Tensor grad = zeros(v.shape());  // dL/ds, filled while computing the value
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < c; ++j) {
            if (j == y[i]) continue;
            const double m = v(i, j) - v(i, y[i]) + delta;
            total += std::log1p(std::exp(m));
            const double g = 1.0 / (1.0 + std::exp(-m)) / n;  // sigmoid(m) / N
            grad(i, j) += g;
            grad(i, y[i]) -= g;  // s_{i,y_i} enters every margin of row i with a minus sign
        }
    Tensor value = zeros({});
    value() = total / n;
    return s.tape().record("smooth_svm", std::move(value), {s},
                           [grad](const BackwardArgs& a) { return Grads{Tensor(grad * a.grad())}; });
}
// [custom-op]

}  // namespace

CustomLossResult run_custom_loss(const CustomLossOptions& options) {
    std::ostream& out = output(options.out);
    fmt::print(out, "== Write your own loss: a smooth SVM, composed and as a custom op ==\n");
    // A small problem: 8 examples, 5 features, 3 classes.
    const Tensor x = losses::random_normal({8, 5}, 1.0, 1);
    const Labels y = {0, 1, 2, 0, 1, 2, 0, 1};
    const Tensor w0 = losses::random_normal({5, 3}, 0.5, 2);

    CustomLossResult result;
    result.all_passed = true;
    using LossFn = Var (*)(const Var&, const Labels&, double);
    for (const auto& route : {std::pair<const char*, LossFn>{"composed", smooth_svm_composed},
                              std::pair<const char*, LossFn>{"custom op", smooth_svm_op}}) {
        const LossFn loss = route.second;
        // [check]
        Parameter w(w0, "W");
        Tape tape;
        tape.backward(loss(matmul(tape.constant(x), tape.watch(w)), y, 1.0));  // w.grad = dL/dW

        auto f = [&](const std::vector<Tensor>& p) {  // the same loss as a plain function of W
            Tape t;
            return loss(matmul(t.constant(x), t.constant(p[0])), y, 1.0).value()();
        };
        const GradientReport report = check_gradients(f, {w.grad}, {{"W", w.value}});
        fmt::print(out, "smooth SVM, {}: loss {:.6f}\n{}\n", route.first, f({w.value}), report);
        // [check]
        result.routes.push_back({route.first, f({w.value}), report.max_rel_error(), report.passed});
        result.all_passed = result.all_passed && report.passed;
    }
    return result;
}

int custom_loss_main(int argc, char** argv) {
    Flags app("custom_loss",
              "A smooth SVM loss written by hand twice (see examples/custom_loss.cpp), each "
              "gradient-checked. Exits with 1 if a check fails.");
    return run_program_main(app, argc, argv, [] { return run_custom_loss({}).all_passed ? 0 : 1; });
}

}  // namespace gradlab::examples
