// Gradient checks: is the analytic gradient right?
//
// The story (reference/optimization-1.md, "Computing the gradient analytically with Calculus"):
// the analytic gradient is fast and exact -- when its derivation and code are right, which is
// where mistakes hide. The notes' remedy is the gradient check: compute both gradients and
// compare them. gradlab's checker does that in three modes: every coordinate (full), a random
// sample of them (sparse, for big parameters), and one random direction (directional, two loss
// evaluations). Here it checks the SVM and softmax losses (each composed from tape ops and as a
// fused op) and the two-layer net, then shows a kink crossing: the SVM's max(0, .) has a corner,
// and a centered difference straddling it sees two slopes at once; the report says why it
// accepts the tape's subgradient there.
#include "gradient_check.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape_check.hpp>
#include <gradlab/losses/regularizers.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>

#include "support/common.hpp"
#include "support/plot.hpp"
#include "support/program.hpp"

namespace gradlab::examples {
namespace {

using losses::Labels;

// One loss to check: its name, whether it is smooth, its inputs and how to build it on a tape.
struct Subject {
    std::string name;
    bool smooth;
    std::vector<NamedInput> inputs;
    TapeLossFn loss;
};

std::vector<Subject> subjects(const GradientCheckOptions& o, const Tensor& x, const Labels& y) {
    const double reg = o.reg;
    const std::vector<NamedInput> linear_inputs = {
        {"W", losses::random_normal({o.dims, o.classes}, 0.5, o.seed + 1)},
        {"b", losses::random_normal({o.classes}, 0.1, o.seed + 2)}};
    // A linear classifier's full loss, for a given data loss: L(xW + b) + reg * sum(W^2).
    using DataLoss = std::function<Var(const Var&, const Labels&)>;
    auto linear_loss = [x, y, reg](DataLoss data_loss) -> TapeLossFn {
        return [x, y, reg, data_loss](Tape& t, const std::vector<Var>& p) {
            const Var scores = losses::linear(t.constant(x, "X"), p[0], p[1]);
            return losses::full_loss(data_loss(scores, y), p[0], reg);
        };
    };
    const DataLoss svm_composed = [](const Var& s, const Labels& l) { return losses::svm_composed(s, l); };
    const DataLoss svm_fused = [](const Var& s, const Labels& l) { return losses::svm(s, l); };
    const DataLoss softmax_composed = [](const Var& s, const Labels& l) {
        return losses::softmax_cross_entropy_composed(s, l);
    };
    const DataLoss softmax_fused = [](const Var& s, const Labels& l) {
        return losses::softmax_cross_entropy(s, l);
    };

    // The two-layer net: relu(x W1 + b1) W2 + b2, softmax loss, L2 on both weight matrices.
    const losses::TwoLayerNet net(o.dims, o.hidden, o.classes, o.seed + 3, 0.5);
    const std::vector<NamedInput> net_inputs = {{"W1", net.W1.value},
                                                {"b1", losses::random_normal({o.hidden}, 0.1, o.seed + 4)},
                                                {"W2", net.W2.value},
                                                {"b2", net.b2.value}};
    const TapeLossFn net_loss = [x, y, reg](Tape& t, const std::vector<Var>& p) {
        const Var scores = losses::TwoLayerNet::forward({p[0], p[1], p[2], p[3]}, t.constant(x, "X"));
        return losses::full_loss(losses::softmax_cross_entropy(scores, y), {p[0], p[2]},
                                 losses::Regularization{reg});
    };

    return {{"SVM (composed)", false, linear_inputs, linear_loss(svm_composed)},
            {"SVM (fused)", false, linear_inputs, linear_loss(svm_fused)},
            {"softmax (composed)", true, linear_inputs, linear_loss(softmax_composed)},
            {"softmax (fused)", true, linear_inputs, linear_loss(softmax_fused)},
            {"two-layer net", false, net_inputs, net_loss}};
}

const char* mode_name(CheckMethod m) {
    switch (m) {
        case CheckMethod::Full: return "full";
        case CheckMethod::Sparse: return "sparse";
        case CheckMethod::Directional: return "directional";
    }
    return "?";
}

CheckSummary summarize(const std::string& loss, bool smooth, CheckMethod mode, const GradientReport& r) {
    CheckSummary s;
    s.loss = loss;
    s.mode = mode_name(mode);
    s.smooth = smooth;
    // A directional check's own error is the comparison along v (unless it fell back to
    // coordinates, whose rows then carry the errors).
    s.max_relative_error = (r.directional && !r.fell_back) ? r.directional->rel_error : r.max_rel_error();
    s.checked = r.checked();
    s.evaluations = r.evaluations;
    for (const InputReport& in : r.inputs) s.kinks += in.kinks;
    if (r.directional && r.directional->crosses_kink) ++s.kinks;
    s.passed = r.passed;
    return s;
}

// The figure of page 6: for each loss, how many entries of its full check fall in each
// half-decade of relative error, with the verdict bands' edges. Exact zeros (the two gradients
// agree to the last bit) have no place on a log axis and are counted in the legend instead.
std::string draw_check_errors(const std::string& dir,
                              const std::vector<std::pair<std::string, std::vector<double>>>& errors) {
    constexpr double lo = -14.0, width = 0.5;
    constexpr std::size_t bins = 28;  // 1e-14 ... 1; anything smaller lands in the first bin
    plot::LineFigure fig;
    fig.plot.title = "Full gradient checks: how the per-entry relative errors spread";
    fig.plot.x_label = "relative error |a - n| / max(|a|, |n|)";
    fig.plot.y_label = "entries per half decade";
    fig.plot.log_x = true;
    double top = 1.0;
    for (const auto& [name, errs] : errors) {
        std::vector<double> count(bins, 0.0);
        std::size_t zeros = 0;
        for (double e : errs) {
            if (!(e > 0.0)) { ++zeros; continue; }
            const double b = std::floor((std::log10(e) - lo) / width);
            count[static_cast<std::size_t>(std::clamp(b, 0.0, double(bins - 1)))] += 1.0;
        }
        plot::Series s{fmt::format("{}: {} entries, {} exactly equal", name, errs.size(), zeros), {}, {}};
        for (std::size_t b = 0; b < bins; ++b) {  // a step outline: both edges of every bin
            s.x.push_back(std::pow(10.0, lo + width * double(b)));
            s.y.push_back(count[b]);
            s.x.push_back(std::pow(10.0, lo + width * double(b + 1)));
            s.y.push_back(count[b]);
            top = std::max(top, count[b]);
        }
        fig.plot.series.push_back(s);
    }
    plot::Overlay bands{"", {}, {}, {}, false};
    for (auto [x, label] : {std::pair{1e-13, "good"}, std::pair{1.2e-7, "ok if kinks"},
                            std::pair{1.2e-4, "uncomfortable"}, std::pair{1.2e-2, "WRONG"}}) {
        bands.x.push_back(x);
        bands.y.push_back(1.08 * top);
        bands.labels.push_back(label);
    }
    plot::Series edges{"the verdict bands' edges: 1e-7, 1e-4, 1e-2", {}, {}};
    for (double edge : {1e-7, 1e-4, 1e-2}) {  // up and back down each edge, along the axis between
        edges.x.insert(edges.x.end(), {edge, edge, edge});
        edges.y.insert(edges.y.end(), {0.0, 1.15 * top, 0.0});
    }
    fig.plot.series.push_back(edges);
    fig.plot.width = 1000;
    fig.plot.height = 650;
    fig.marks = {bands};
    fig.key = "below";
    const plot::FigureFiles f = plot::write_figure(fig, dir, "check_errors");
    return f.images.empty() ? f.message : "drew " + dir + "/check_errors.png";
}

}  // namespace

GradientCheckResult run_gradient_check(const GradientCheckOptions& o) {
    std::ostream& out = output(o.out);
    const char* op = "gradient_check";
    require_at_least(op, "classes", o.classes, 2);  // the labels are (7 i + 3) mod classes
    require_at_least(op, "n", o.n, 1);
    require_at_least(op, "dims", o.dims, 1);
    require_at_least(op, "hidden", o.hidden, 1);
    require_at_least(op, "samples", o.samples, 1);
    fmt::print(out, "== Gradient check: analytic (tape) versus numerical (centered differences) ==\n"
                    "{} examples, {} features, {} classes, {} hidden units; L2 strength {:g}; h = {:g}\n\n",
               o.n, o.dims, o.classes, o.hidden, o.reg, kDefaultStep);
    const Tensor x = losses::random_normal({o.n, o.dims}, 1.0, o.seed);
    Labels y(o.n);
    for (std::size_t i = 0; i < o.n; ++i) y[i] = (i * 7 + 3) % o.classes;

    GradientCheckResult result;
    std::vector<std::pair<std::string, std::vector<double>>> full_errors;  // the figure's data
    fmt::print(out, "{:<20} {:<12} {:>8} {:>6} {:>6} {:>14}  {}\n", "loss", "mode", "checked", "evals",
               "kinks", "max rel. error", "verdict");
    for (const Subject& s : subjects(o, x, y)) {
        for (CheckMethod mode : {CheckMethod::Full, CheckMethod::Sparse, CheckMethod::Directional}) {
            CheckOptions options;
            options.method = mode;
            options.samples = o.samples;
            options.seed = o.seed + 11;
            options.keep_rows = !o.figures_dir.empty() && mode == CheckMethod::Full;
            // [check]
            const GradientReport report = check_gradients(s.loss, s.inputs, options);
            // [check]
            if (options.keep_rows && s.name.find("composed") == std::string::npos) {
                full_errors.push_back({s.name, {}});
                for (const InputReport& in : report.inputs)
                    for (const GradientRow& row : in.rows) full_errors.back().second.push_back(row.rel_error);
            }
            const CheckSummary c = summarize(s.name, s.smooth, mode, report);
            fmt::print(out, "{:<20} {:<12} {:>8} {:>6} {:>6} {:>14.2e}  {}\n", c.loss, c.mode, c.checked,
                       c.evaluations, c.kinks, c.max_relative_error,
                       c.passed ? to_string(verdict_for(c.max_relative_error)) : "FAILED");
            if (o.verbose) fmt::print(out, "{}\n", report);
            if (c.smooth) result.max_smooth_error = std::max(result.max_smooth_error, c.max_relative_error);
            result.checks.push_back(c);
        }
    }

    // A kink, on purpose: the SVM loss as a function of the scores themselves, at a point where
    // one margin sits 4e-6 above zero -- closer to its hinge than the checker's step h = 1e-5.
    const std::size_t cls = o.classes;
    Tensor scores = losses::random_normal({2, cls}, 3.0, o.seed + 5);
    const Labels y2 = {0, 1};
    scores(0, 1) = scores(0, 0) - 1.0 + 4e-6;  // margin s_01 - s_00 + 1 = 4e-6
    const TapeLossFn svm_of_scores = [y2](Tape&, const std::vector<Var>& p) {
        return losses::svm_composed(p[0], y2);
    };
    CheckOptions kink_options;
    kink_options.keep_rows = true;
    const GradientReport kink_report = check_gradients(svm_of_scores, {{"scores", scores}}, kink_options);
    result.kink_demo = summarize("SVM at a kink", false, CheckMethod::Full, kink_report);
    for (const GradientRow& row : kink_report.inputs.front().rows)
        if (row.crosses_kink && result.kink_reason.empty())
            result.kink_reason = row.kink_reason.empty() ? "(no reason given)" : row.kink_reason;
    fmt::print(out, "\nA kink crossing: the SVM loss of the scores, with the margin of class 1 for "
                    "example 0 set to 4e-6 (< h). The one-sided slopes differ there; the tape's "
                    "subgradient lies between them, so the checker accepts it and says why:\n{}\n",
               kink_report);

    result.all_passed = result.kink_demo.passed;
    for (const CheckSummary& c : result.checks) result.all_passed = result.all_passed && c.passed;
    fmt::print(out, "all checks passed: {}; largest error on the smooth losses: {:.2e}\n\n",
               result.all_passed ? "yes" : "NO", result.max_smooth_error);
    if (!o.figures_dir.empty()) fmt::print(out, "{}\n\n", draw_check_errors(o.figures_dir, full_errors));
    return result;
}

int gradient_check_main(int argc, char** argv) {
    GradientCheckOptions o;
    Flags app("gradient_check",
              "Checks the tape's gradients against centered differences, and shows how the report "
              "explains a kink crossing. Exits with 1 if a check fails.");
    app.add_option("--n", o.n, "examples")->check(whole_number(1));
    app.add_option("--dims", o.dims, "features")->check(whole_number(1));
    app.add_option("--classes", o.classes, "classes")->check(whole_number(2));
    app.add_option("--hidden", o.hidden, "hidden units of the two-layer net")->check(whole_number(1));
    app.add_option("--samples", o.samples, "coordinates probed by the sparse checks")->check(whole_number(1));
    app.add_option("--reg", o.reg, "L2 strength")->check(decimal_number(Sign::NonNegative));
    app.add_option("--seed", o.seed, "seed of the data and weights")->check(whole_number());
    app.add_flag("--verbose", o.verbose, "print every report in full");
    app.add_option("--figures", o.figures_dir,
                   "draw check_errors (the full checks' relative errors against the bands) into this "
                   "existing directory");
    return run_program_main(app, argc, argv, [&] { return run_gradient_check(o).all_passed ? 0 : 1; });
}

}  // namespace gradlab::examples
