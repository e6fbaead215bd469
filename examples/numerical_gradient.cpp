// The gradient, two ways: numerically, and from the tape.
//
// The story (reference/optimization-1.md, "Computing the gradient numerically with finite
// differences" and "Computing the gradient analytically with Calculus"): the numerical gradient
// needs nothing but the loss -- nudge each weight by +-h and watch the loss move -- and its
// negative is the direction of steepest descent. The notes then take one step along it with step
// sizes from 1e-10 to 1e-1: too small a step barely moves, too big a step overshoots the valley
// and the loss explodes (the notes' "effect of step size"). Finally the reason nobody trains
// with it (the notes' "problem of efficiency"): one numerical gradient costs two loss
// evaluations per weight, while the tape's analytic gradient costs about one forward and one
// backward pass, whatever the number of weights. We time both and measure how far apart they are.
//
// run_step_size_study() is the notes' advice "use h around 1e-5" measured: gradlab's
// step_size_study() on the softmax and SVM losses of a few images for h from 1e-16 to 1e-1, next
// to the one-sided difference of the definition and to the same loss computed in float. Its
// curves are the V of truncation (right) against round-off (left).
#include "numerical_gradient.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <xtensor-blas/xlinalg.hpp>

#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>
#include <gradlab/optim/search.hpp>
#include <gradlab/optim/step_size_sweep.hpp>

#include "support/common.hpp"
#include "support/plot.hpp"
#include "support/program.hpp"

namespace gradlab::examples {
namespace {

// Both experiments here read only the training images: a test set of one keeps the load small.
TrainTest load_training_side(DataOptions data, std::ostream& out) {
    if (data.n_test == 0) data.n_test = 1;
    return load_data(data, out);
}

// Page 5's figure: every entry of dL/dW, numerical (x) against analytic (y). The tape's analytic
// gradient lies on the diagonal; a derivation that forgot step 3's term for the correct class
// (each violated margin also pushes s_{i,y_i} down) does not, and the gradient check says so.
std::string draw_numerical_vs_analytic(const std::string& dir, const Tensor& x_with_ones,
                                       const losses::Labels& y, const Tensor& w, const Tensor& numerical,
                                       const Tensor& analytic) {
    const Tensor scores = xt::linalg::dot(x_with_ones, w);
    const std::size_t n = scores.shape()[0], c = scores.shape()[1];
    Tensor g_wrong = zeros(scores.shape());  // dL/dS with only the wrong classes' indicators
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < c; ++j)
            if (j != y[i] && scores(i, j) - scores(i, y[i]) + 1.0 > 0.0) g_wrong(i, j) = 1.0 / double(n);
    const Tensor buggy = xt::linalg::dot(xt::transpose(x_with_ones), g_wrong);

    const std::vector<double> num(numerical.begin(), numerical.end());
    const auto [lo, hi] = std::minmax_element(num.begin(), num.end());
    plot::LineFigure fig;
    fig.plot.title = "SVM loss: every entry of dL/dW, numerical against analytic";
    fig.plot.x_label = "numerical (centered differences, h = 1e-5)";
    fig.plot.y_label = "analytic";
    fig.plot.series = {{"y = x: the two agree", {*lo, *hi}, {*lo, *hi}}};
    fig.marks = {{"forgot the correct class's term (step 3)", num, {buggy.begin(), buggy.end()}, {}, false},
                 {"the tape's analytic gradient", num, {analytic.begin(), analytic.end()}, {}, false}};
    fig.key = "bottom right";
    const plot::FigureFiles f = plot::write_figure(fig, dir, "numerical_vs_analytic");
    return f.images.empty() ? f.message : "";
}

}  // namespace

NumericalGradientResult run_numerical_gradient(const NumericalGradientOptions& o) {
    std::ostream& out = output(o.out);
    require_at_least("numerical_gradient", "timing_repeats", o.timing_repeats, 1);
    fmt::print(out, "== Following the gradient: numerical gradient and step size ==\n");
    const TrainTest d = load_training_side(o.data, out);
    const SvmProblem problem(d.train, d.test);

    std::mt19937_64 rng(o.seed);
    const Tensor w = o.init_scale * optim::randn(problem.weight_shape(), rng);
    const ScalarFn loss = [&](const Tensor& v) { return problem.loss(v); };

    NumericalGradientResult r;
    r.parameters = w.size();
    r.numerical_evaluations = 2 * w.size();

    // [numerical]
    Stopwatch clock;
    const Tensor numerical = numerical_gradient(loss, w, NumericalOptions{o.h, 1});
    r.numerical_seconds = clock.seconds();
    // [numerical]
    fmt::print(out, "numerical gradient of the SVM loss on {} examples: {} weights, {} loss "
                    "evaluations, {}\n\n",
               problem.n_train(), r.parameters, r.numerical_evaluations, format_duration(r.numerical_seconds));

    // [sweep]
    const optim::StepSizeSweep sweep = optim::step_size_sweep(loss, w, numerical);
    // [sweep]
    r.loss0 = sweep.loss0;
    r.step_sizes = sweep.step_sizes;
    r.losses = sweep.losses;
    r.best_step_size = sweep.step_sizes[sweep.best()];
    r.best_loss = sweep.losses[sweep.best()];
    fmt::print(out, "original loss: {:.6f}\n", sweep.loss0);
    for (std::size_t i = 0; i < sweep.step_sizes.size(); ++i)
        fmt::print(out, "for step size {:.0e} new loss: {:.6f}\n", sweep.step_sizes[i], sweep.losses[i]);
    fmt::print(out, "\n{}\n", sweep);
    if (sweep.losses.back() > sweep.loss0)
        fmt::print(out, "Too small a step barely changes the loss; too big a step leaps past the valley "
                        "and the loss explodes. Best here: {:.0e} (loss {:.6f}).\n\n",
                   r.best_step_size, r.best_loss);
    else
        fmt::print(out, "Too small a step barely changes the loss. Here even the largest step still "
                        "helps: these examples are easy to separate, and without regularization the "
                        "SVM loss keeps falling as W grows. Best: {:.0e} (loss {:.6f}).\n\n",
                   r.best_step_size, r.best_loss);

    // The analytic gradient: one forward pass on the tape, one backward pass.
    Tensor analytic;
    const std::size_t repeats = o.timing_repeats;
    clock = Stopwatch();
    for (std::size_t k = 0; k < repeats; ++k) problem.loss_and_gradient(w, analytic);
    r.analytic_seconds = clock.seconds() / static_cast<double>(repeats);
    // A centered difference carries round-off of about eps |L| / h (~1e-10 here): where two
    // values differ by less than that, they agree as well as centered differences can tell (the
    // checker's round-off rule, Tolerance::roundoff_factor); elsewhere the relative error counts.
    const double roundoff = 100.0 * std::numeric_limits<double>::epsilon() * std::max(1.0, std::abs(r.loss0)) / o.h;
    for (std::size_t i = 0; i < w.size(); ++i) {
        const double a = analytic.flat(i), n = numerical.flat(i);
        if (std::abs(a - n) > roundoff) r.max_relative_error = std::max(r.max_relative_error, relative_error(a, n));
    }

    fmt::print(out, "cost of one gradient ({} weights):\n", r.parameters);
    fmt::print(out, "  numerical (centered differences): {:>8}  ({} loss evaluations)\n",
               format_duration(r.numerical_seconds), r.numerical_evaluations);
    fmt::print(out, "  analytic  (tape, fused SVM):      {:>8}  (mean of {})\n",
               format_duration(r.analytic_seconds), repeats);
    fmt::print(out, "  the analytic gradient is {:.0f} times faster; largest relative difference "
                    "between the two (above round-off): {:.2e}\n\n",
               r.numerical_seconds / std::max(r.analytic_seconds, 1e-12), r.max_relative_error);
    if (!o.figures_dir.empty()) {
        const std::string message = draw_numerical_vs_analytic(
            o.figures_dir, losses::append_ones_column(d.train.x), d.train.y, w, numerical, analytic);
        fmt::print(out, "{}\n\n", message.empty() ? "drew " + o.figures_dir + "/numerical_vs_analytic.png" : message);
    }
    return r;
}

// ---------------------------------------------------------------------------------------------
// Choosing h: the step-size study
// ---------------------------------------------------------------------------------------------

namespace {

// The softmax loss of X W with every number in single precision, as a float32 framework stores
// and computes it: each weight is rounded to float, so a probe W_k + h smaller than half a float
// ulp of W_k does not move it at all.
// [float-loss]
double softmax_loss_float(const Tensor& x, const losses::Labels& y, const Tensor& w) {
    const std::size_t n = x.shape()[0], d = x.shape()[1], c = w.shape()[1];
    const std::vector<float> wf(w.begin(), w.end());
    std::vector<float> s(c);
    float total = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        std::fill(s.begin(), s.end(), 0.0f);
        for (std::size_t k = 0; k < d; ++k) {
            const float xk = static_cast<float>(x(i, k));
            for (std::size_t j = 0; j < c; ++j) s[j] += xk * wf[k * c + j];
        }
        const float m = *std::max_element(s.begin(), s.end());
        float z = 0.0f;
        for (float sj : s) z += std::exp(sj - m);
        total += m + std::log(z) - s[y[i]];
    }
    return static_cast<double>(total / static_cast<float>(n));
}
// [float-loss]

// The one-sided quotient of the definition, [f(x + h e_i) - f(x)] / h, for comparison: gradlab
// itself only uses centered differences.
double forward_difference(const ScalarFn& f, Tensor x, std::size_t i, double h) {
    const double f0 = f(x);
    x.flat(i) += h;
    return (f(x) - f0) / h;
}

// Least-squares slope of log10(error) against log10(h) over the points `keep` accepts.
double fitted_slope(const StepSizeCurve& c, bool right) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    std::size_t k = 0;
    for (std::size_t i = 0; i < c.h.size(); ++i) {
        const double e = c.rel_error[i];
        const bool side = right ? c.h[i] >= 10.0 * c.best_h : c.h[i] <= c.best_h / 100.0;
        if (!side || !(e > 0.0) || e >= 0.1) continue;  // saturated errors (100 % noise) say nothing
        const double lx = std::log10(c.h[i]), ly = std::log10(e);
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly, ++k;
    }
    if (k < 3) return std::numeric_limits<double>::quiet_NaN();
    return (double(k) * sxy - sx * sy) / (double(k) * sxx - sx * sx);
}

StepSizeCurve finish_curve(std::string name, std::vector<double> h, std::vector<double> rel) {
    StepSizeCurve c{std::move(name), std::move(h), std::move(rel)};
    const auto best = std::min_element(c.rel_error.begin(), c.rel_error.end()) - c.rel_error.begin();
    c.best_h = c.h[best];
    c.best_rel_error = c.rel_error[best];
    c.right_slope = fitted_slope(c, true);
    c.left_slope = fitted_slope(c, false);
    return c;
}

// A relative error as a point on a log axis: an exact 0 leaves a gap.
std::vector<double> for_log_axis(std::vector<double> v) {
    for (double& e : v)
        if (!(e > 0.0)) e = std::numeric_limits<double>::quiet_NaN();
    return v;
}

std::string slope_text(double s) { return std::isnan(s) ? "  -  " : fmt::format("{:5.2f}", s); }

}  // namespace

StepSizeStudyResult run_step_size_study(const StepSizeStudyOptions& o) {
    std::ostream& out = output(o.out);
    require_at_least("step_size_study", "per_decade", o.per_decade, 1);
    fmt::print(out, "== Choosing h: the step-size study ==\n");
    const TrainTest d = load_training_side(o.data, out);
    // Features scaled to [-1, 1] by the largest |value| (pixels / 255): a loss of moderate size
    // whose third derivative is moderate too, so the V's bottom sits where the notes put it.
    const double scale = std::max(1.0, xt::amax(xt::abs(d.train.x))());
    const Tensor x = d.train.x / scale;
    const losses::Labels& y = d.train.y;
    std::mt19937_64 rng(o.seed);
    const Tensor w = o.init_scale * optim::randn({x.shape()[1], d.train.num_classes}, rng);

    const ScalarFn softmax = [&](const Tensor& v) {
        return losses::softmax_cross_entropy_value(xt::linalg::dot(x, v), y);
    };
    const ScalarFn svm = [&](const Tensor& v) { return losses::svm_value(xt::linalg::dot(x, v), y); };
    const ScalarFn softmax_float = [&](const Tensor& v) { return softmax_loss_float(x, y, v); };
    // The analytic gradients, from the tape.
    auto tape_gradient = [&](bool use_softmax) {
        Tape tape;
        const Var wv = tape.variable(w, "W");
        const Var s = matmul(tape.constant(x, "X"), wv);
        tape.backward(use_softmax ? losses::softmax_cross_entropy(s, y) : losses::svm(s, y));
        return Tensor(wv.grad());
    };
    const Tensor g_softmax = tape_gradient(true), g_svm = tape_gradient(false);
    const std::size_t k = static_cast<std::size_t>(
        std::max_element(g_softmax.begin(), g_softmax.end(),
                         [](double a, double b) { return std::abs(a) < std::abs(b); }) - g_softmax.begin());

    StepSizeStudyResult r;
    r.element = {k / w.shape()[1], k % w.shape()[1]};
    r.softmax_analytic = g_softmax.flat(k);
    r.svm_analytic = g_svm.flat(k);
    std::vector<double> steps;
    const std::size_t points = 15 * o.per_decade + 1;
    for (std::size_t i = 0; i < points; ++i)
        steps.push_back(std::pow(10.0, -1.0 - 15.0 * double(i) / double(points - 1)));

    // [study]
    const StepSizeStudy centered = step_size_study(softmax, w, k, r.softmax_analytic, steps);
    const StepSizeStudy kinked = step_size_study(svm, w, k, r.svm_analytic, steps);
    const StepSizeStudy in_float = step_size_study(softmax_float, w, k, r.softmax_analytic, steps);
    // [study]
    auto errors = [](const StepSizeStudy& s) {
        std::vector<double> e;
        for (const StepSizeRow& row : s.rows) e.push_back(row.rel_error);
        return e;
    };
    std::vector<double> forward;
    for (double h : steps) forward.push_back(relative_error(r.softmax_analytic, forward_difference(softmax, w, k, h)));
    r.curves = {finish_curve("softmax, centered", steps, errors(centered)),
                finish_curve("softmax, forward", steps, forward),
                finish_curve("SVM, centered", steps, errors(kinked)),
                finish_curve("softmax in float, centered", steps, errors(in_float))};

    fmt::print(out, "element W({}, {}), the largest entry of the softmax gradient: dL/dW = {:.6f} "
                    "(softmax), {:.6f} (SVM), from the tape\n\n",
               r.element[0], r.element[1], r.softmax_analytic, r.svm_analytic);
    fmt::print(out, "relative error of the difference quotient:\n{:>7}", "h");
    for (const StepSizeCurve& c : r.curves) fmt::print(out, "  {:>26}", c.name);
    fmt::print(out, "\n");
    for (std::size_t i = 0; i < steps.size(); i += o.per_decade) {
        fmt::print(out, "{:>7.0e}", steps[i]);
        for (const StepSizeCurve& c : r.curves) fmt::print(out, "  {:>26.1e}", c.rel_error[i]);
        fmt::print(out, "\n");
    }
    fmt::print(out, "\nthe bottom of each V, and the slopes of its sides on the log-log plot:\n");
    for (const StepSizeCurve& c : r.curves)
        fmt::print(out, "  {:<27} best h {:.0e} (error {:.1e}); slope {} right of it, {} left of it\n",
                   c.name + ":", c.best_h, c.best_rel_error, slope_text(c.right_slope), slope_text(c.left_slope));
    fmt::print(out, "(truncation error falls as h^2 for centered and as h for forward differences; round-off "
                    "grows as 1/h; a piecewise-linear loss has no truncation error until h reaches a kink)\n\n");

    if (!o.figures_dir.empty()) {
        auto curve_series = [](const StepSizeCurve& c) {
            return plot::Series{c.name, c.h, for_log_axis(c.rel_error)};
        };
        auto bottoms = [](std::vector<const StepSizeCurve*> cs) {
            plot::Overlay m{"the bottom of each V", {}, {}, {}, false};
            for (const StepSizeCurve* c : cs) {
                m.x.push_back(c->best_h);
                m.y.push_back(c->best_rel_error);
                m.labels.push_back(fmt::format("h = {:.0e}", c->best_h));
            }
            return m;
        };
        std::vector<std::string> messages;
        plot::LineFigure v;
        v.plot.title = fmt::format("Choosing h: error of the derivative of a loss of {} examples", x.shape()[0]);
        v.plot.x_label = "step h";
        v.plot.y_label = "relative error";
        v.plot.log_x = v.plot.log_y = true;
        v.plot.series = {curve_series(r.curves[0]), curve_series(r.curves[1]), curve_series(r.curves[2])};
        v.marks = {bottoms({&r.curves[0], &r.curves[1]})};
        v.key = "bottom left";
        plot::LineFigure f;
        f.plot = v.plot;
        f.plot.title = "The same softmax loss in double and in float";
        f.plot.series = {curve_series(r.curves[0]), curve_series(r.curves[3]),
                         {"1e-7: the edge of the 'good' band", {steps.back(), steps.front()}, {1e-7, 1e-7}}};
        f.plot.series[0].name = "softmax in double, centered";
        // Both curves at the checker's default step (steps[4 per_decade] is 1e-5).
        const std::size_t at_default = 4 * o.per_decade;
        plot::Overlay at{fmt::format("at gradlab's default h = {:.0e}", steps[at_default]), {}, {}, {}, false};
        for (const StepSizeCurve* c : {&r.curves[0], &r.curves[3]}) {
            at.x.push_back(c->h[at_default]);
            at.y.push_back(c->rel_error[at_default]);
            at.labels.push_back(fmt::format("{:.0e}", c->rel_error[at_default]));
        }
        f.marks = {at};
        f.key = "bottom left";
        for (auto [fig, stem] : {std::pair{&v, "step_size_v"}, std::pair{&f, "step_size_float"}}) {
            const plot::FigureFiles files = plot::write_figure(*fig, o.figures_dir, stem);
            if (files.images.empty()) messages.push_back(files.message);
            for (const std::string& image : files.images) r.figures.push_back(image);
        }
        for (const std::string& m : messages) fmt::print(out, "{}\n", m);
    }
    return r;
}

int numerical_gradient_main(int argc, char** argv) {
    NumericalGradientOptions o;
    Flags app("numerical_gradient",
              "The notes' step-size table: one step along the numerical gradient of the SVM loss on "
              "a small batch, for step sizes 1e-10 ... 1e-1; then the time of a numerical versus an "
              "analytic gradient.");
    add_data_flags(app, o.data);
    app.add_option("--h", o.h, "step of the centered differences")->check(decimal_number(Sign::Positive));
    app.add_option("--init-scale", o.init_scale, "W = init-scale * randn")->check(decimal_number(Sign::Positive));
    app.add_option("--repeats", o.timing_repeats, "analytic gradients to time")->check(whole_number(1));
    app.add_option("--seed", o.seed, "seed of W")->check(whole_number());
    bool study = false;
    app.add_flag("--study", study,
                 "then the step-size study: the error of the difference quotient for h from 1e-16 "
                 "to 1e-1 (the V), on the softmax and SVM losses of --n-train examples scaled by their largest |value| (pixels / 255)");
    app.add_option("--figures", o.figures_dir,
                   "draw the figures (numerical_vs_analytic; with --study also step_size_v and "
                   "step_size_float) into this existing directory");
    return run_program_main(app, argc, argv, [&] {
        run_numerical_gradient(o);
        if (study) {
            StepSizeStudyOptions s;
            s.data = o.data;
            s.seed = o.seed;
            s.figures_dir = o.figures_dir;
            s.out = o.out;
            run_step_size_study(s);
        }
        return 0;
    });
}

}  // namespace gradlab::examples
