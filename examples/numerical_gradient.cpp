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
#include "numerical_gradient.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <xtensor-blas/xlinalg.hpp>

#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/optim/search.hpp>
#include <gradlab/optim/step_size_sweep.hpp>

#include "support/common.hpp"
#include "support/program.hpp"

namespace gradlab::examples {

NumericalGradientResult run_numerical_gradient(const NumericalGradientOptions& o) {
    std::ostream& out = output(o.out);
    require_at_least("numerical_gradient", "timing_repeats", o.timing_repeats, 1);
    fmt::print(out, "== Following the gradient: numerical gradient and step size ==\n");
    DataOptions data = o.data;
    if (data.n_test == 0) data.n_test = 1;  // no test set needed here; load as little as possible
    const TrainTest d = load_data(data, out);
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
    return run_program_main(app, argc, argv, [&] {
        run_numerical_gradient(o);
        return 0;
    });
}

}  // namespace gradlab::examples
