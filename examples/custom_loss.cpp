// Write your own loss, twice, and let the gradient checker judge both -- for two losses.
//
// A "smooth SVM": the multiclass hinge of the notes with its corner rounded off, log(1 + e^m) in
// place of max(0, m), so it has a gradient everywhere:
//   L = 1/N sum_i sum_{j != y_i} log(1 + exp(s_ij - s_{i,y_i} + delta)).
// The Crammer-Singer multiclass hinge, which only charges each example's best wrong class:
//   L = 1/N sum_i max(0, 1 + max_{j != y_i} s_ij - s_{i,y_i})  -- a loss with kinks.
//
// Route 1 composes tape ops: the gradient comes for free. Route 2 is a custom op: you compute the
// value and your hand-derived gradient yourself and hand both to Tape::record -- faster, and the
// route where mistakes hide. The tape-fed checker (tape_check.hpp) compares each with centered
// differences; at a kink it names the op whose branch flipped instead of calling it wrong.
#include "custom_loss.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape_check.hpp>
#include <gradlab/losses/metrics.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/svm.hpp>

#include "support/common.hpp"
#include "support/plot.hpp"
#include "support/program.hpp"

namespace gradlab::examples {

using losses::Labels;
using losses::require_scores_and_labels;  // (N, C) scores, N labels, each < C: else a clear error

// The four losses are declared in custom_loss.hpp, so that the tests check these very definitions.
// [composed]
Var smooth_svm_composed(const Var& s, const Labels& y) {
    require_scores_and_labels("smooth_svm", s.value(), y);
    const std::size_t n = s.shape()[0], c = s.shape()[1];
    Var correct = reshape(gather(s, y), {n, 1});                 // s_{i,y_i} as a column
    Var soft = log(1.0 + exp(s - correct + 1.0));                // softplus of every margin
    return sum(mask(soft, 1.0 - one_hot(y, c))) / double(n);     // skip j = y_i
}

Var crammer_singer_composed(const Var& s, const Labels& y) {
    require_scores_and_labels("crammer_singer", s.value(), y);
    const double inf = std::numeric_limits<double>::infinity();
    Var best_wrong = max(masked_fill(s, one_hot(y, s.shape()[1]), -inf), 1);  // max_{j != y_i} s_ij
    return mean(relu(1.0 + best_wrong - gather(s, y)));
}
// [composed]

// [custom-op]
Var smooth_svm_op(const Var& s, const Labels& y) {
    require_scores_and_labels("smooth_svm", s.value(), y);  // before reading v(i, y[i])
    const Tensor& v = s.value();
    const std::size_t n = v.shape()[0], c = v.shape()[1];
    Tensor grad = zeros(v.shape());  // dL/ds, filled while computing the value
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < c; ++j) {
            if (j == y[i]) continue;
            const double m = v(i, j) - v(i, y[i]) + 1.0;
            total += std::log1p(std::exp(m));
            const double g = 1.0 / (1.0 + std::exp(-m)) / n;  // d/dm log(1 + e^m) = sigmoid(m), / N
            grad(i, j) += g;
            grad(i, y[i]) -= g;  // s_{i,y_i} enters every margin of row i with a minus sign
        }
    return s.tape().record("smooth_svm", scalar(total / n), {s},
                           [grad](const BackwardArgs& args) { return Grads{grad * args.grad()}; });
}

Var crammer_singer_op(const Var& s, const Labels& y) {
    require_scores_and_labels("crammer_singer", s.value(), y);
    const Tensor& v = s.value();
    const std::size_t n = v.shape()[0], c = v.shape()[1];
    Tensor grad = zeros(v.shape());
    std::vector<std::uint8_t> branch(v.size(), 0);  // kinks: 1 marks a row's active best wrong class
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t k = c;  // the best wrong class (the first on a tie); none if c == 1
        for (std::size_t j = 0; j < c; ++j)
            if (j != y[i] && (k == c || v(i, j) > v(i, k))) k = j;
        if (k == c || 1.0 + v(i, k) - v(i, y[i]) <= 0.0) continue;  // hinge inactive: no loss, no gradient
        total += 1.0 + v(i, k) - v(i, y[i]);
        grad(i, k) += 1.0 / n;  // dL/ds_ik = 1/N, dL/ds_{i,y_i} = -1/N
        grad(i, y[i]) -= 1.0 / n;
        branch[i * c + k] = 1;
    }
    return s.tape().record("crammer_singer", scalar(total / n), {s},
                           [grad](const BackwardArgs& args) { return Grads{grad * args.grad()}; }, std::move(branch));
}
// [custom-op]

namespace {

using LossFn = Var (*)(const Var&, const Labels&);

struct Route {
    const char* name;
    LossFn loss;
};

// Checks `loss` of the scores X W at the Parameter given, reports, and records the outcome.
CustomLossRoute check_route(std::ostream& out, const char* title, const Route& route, const Tensor& x,
                            const Labels& y, const Parameter& p, bool scores_are_p) {
    // [check]
    auto loss = [&](Tape& t, const std::vector<Var>& v) {  // v[0] is p on a fresh tape
        return route.loss(scores_are_p ? v[0] : matmul(t.constant(x), v[0]), y);
    };
    const GradientReport report = check_gradients(loss, {&p});
    // [check]
    const double value = evaluate_loss(loss, {p.value});
    fmt::print(out, "{}, {}: loss {:.6f}\n{}\n", title, route.name, value, report);
    std::size_t kinks = 0;
    for (const InputReport& in : report.inputs) kinks += in.kinks;
    return {route.name, value, report.max_rel_error(), report.passed, kinks};
}

// Page 8's figure: the three multiclass losses of the same scores S(a) = X (W + a D) along one
// random direction D. The smooth SVM lies above the hinge it rounds off and has no corner; the
// Crammer-Singer hinge charges only each example's best wrong class, so it lies below the
// multiclass SVM, which charges them all.
std::string draw_slice(const std::string& dir, const Tensor& x, const Labels& y, const Tensor& w) {
    const Tensor d = losses::random_normal(w.shape(), 1.0, 4);
    const auto svm = [](const Var& s, const Labels& l) { return losses::svm(s, l); };
    plot::LineFigure fig;
    fig.plot.title = "Three multiclass losses of the same 8 examples, along one random direction through W";
    fig.plot.x_label = "a  (W + a D)";
    fig.plot.y_label = "loss";
    std::vector<double> as;
    for (int k = -100; k <= 100; ++k) as.push_back(k / 50.0);
    auto slice = [&](auto&& loss, const char* name) {
        plot::Series s{name, as, {}};
        for (double a : as) {
            Tape tape;
            s.y.push_back(loss(matmul(tape.constant(x), tape.constant(w + a * d)), y).value()());
        }
        return s;
    };
    fig.plot.series = {slice(svm, "multiclass SVM (the notes'): sum of hinges"),
                       slice(smooth_svm_op, "smooth SVM: sum of softplus, no corners"),
                       slice(crammer_singer_op, "Crammer-Singer: the worst wrong class only")};
    fig.key = "top center";
    const plot::FigureFiles f = plot::write_figure(fig, dir, "own_loss_slice");
    return f.images.empty() ? f.message : "drew " + dir + "/own_loss_slice.png";
}

}  // namespace

CustomLossResult run_custom_loss(const CustomLossOptions& options) {
    std::ostream& out = output(options.out);
    fmt::print(out, "== Write your own loss: a smooth SVM and the Crammer-Singer hinge, composed and as a custom op ==\n");
    // A small problem: 8 examples, 5 features, 3 classes; the smooth loss is checked in dL/dW.
    const Tensor x = losses::random_normal({8, 5}, 1.0, 1);
    const Labels y = {0, 1, 2, 0, 1, 2, 0, 1};
    const Parameter w(losses::random_normal({5, 3}, 0.5, 2), "W");

    CustomLossResult result;
    result.all_passed = true;
    for (const Route& route : {Route{"composed", smooth_svm_composed}, Route{"custom op", smooth_svm_op}}) {
        result.routes.push_back(check_route(out, "smooth SVM", route, x, y, w, false));
        result.all_passed = result.all_passed && result.routes.back().passed;
    }

    // The Crammer-Singer loss, checked in dL/ds at scores placed on its kinks: row 0 sits exactly
    // on the hinge (1 + s_01 - s_00 = 0), row 1 has a tie between its two wrong classes. Centered
    // differences there average two slopes; the checker sees the one-sided slopes differ, accepts
    // any subgradient between them, and names the op whose recorded branch flipped.
    Tensor s0 = losses::random_normal({4, 3}, 1.0, 3);
    s0(0, 1) = s0(0, 0) - 1.0;
    s0(0, 2) = s0(0, 1) - 0.5;
    s0(1, 2) = s0(1, 0);
    s0(1, 1) = s0(1, 0) - 0.25;  // label 1: classes 0 and 2 tie, within the margin
    const Labels ys = {0, 1, 2, 0};
    const Parameter s(s0, "s");
    for (const Route& route : {Route{"composed", crammer_singer_composed}, Route{"custom op", crammer_singer_op}}) {
        result.kink_routes.push_back(check_route(out, "Crammer-Singer at its kinks", route, x, ys, s, true));
        result.all_passed = result.all_passed && result.kink_routes.back().passed;
    }
    if (!options.figures_dir.empty()) fmt::print(out, "{}\n", draw_slice(options.figures_dir, x, y, w.value));
    return result;
}

int custom_loss_main(int argc, char** argv) {
    Flags app("custom_loss",
              "A smooth SVM and the Crammer-Singer hinge, each written by hand twice (see "
              "examples/custom_loss.cpp), each gradient-checked. Exits with 1 if a check fails.");
    CustomLossOptions o;
    app.add_option("--figures", o.figures_dir,
                   "draw own_loss_slice (the three losses along one direction) into this existing directory");
    return run_program_main(app, argc, argv, [&] { return run_custom_loss(o).all_passed ? 0 : 1; });
}

}  // namespace gradlab::examples
