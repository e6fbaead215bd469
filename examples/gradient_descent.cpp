// Strategy 3 of the notes: following the gradient.
//
// The story (reference/optimization-1.md, "Strategy #3: Following the Gradient" and "Gradient
// Descent"): there is no need to search for a downhill direction at random. The gradient -- the
// vector of the loss's partial derivatives with respect to every weight -- points uphill most
// steeply, so its negative is the best direction for a small enough step. Gradient descent
// repeats: evaluate the loss and its gradient, step W -= step_size * dL/dW. The gradient comes
// from the tape (svm(matmul(X, W)), then backward), at about the cost of one more pass over the
// data; numerical_gradient.cpp shows what it would cost without the tape. Same data, loss, start
// W0 and budget as strategy 2 (random_local_search.cpp), so the three strategies compare fairly.
#include "gradient_descent.hpp"

#include <random>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <gradlab/optim/search.hpp>

#include "support/common.hpp"
#include "support/program.hpp"

namespace gradlab::examples {

StrategyResult run_gradient_descent(const GradientDescentOptions& o) {
    std::ostream& out = output(o.out);
    fmt::print(out, "== Strategy 3: following the gradient ==\n"
                    "Start from the same W = {:g} * randn; {} times, step W -= {:g} * dL/dW, the "
                    "gradient from the tape (svm(matmul(X, W)), then backward).\n",
               o.init_scale, o.steps, o.step_size);
    const TrainTest d = load_data(o.data, out);
    const SvmProblem problem(d.train, d.test);
    std::mt19937_64 rng(o.seed);  // the same seed as strategy 2 gives the same starting W
    const Tensor w0 = o.init_scale * optim::randn(problem.weight_shape(), rng);
    AttemptPrinter print(out, "step", 10, o.print_every);
    // [loop]
    const optim::LossGradFn loss_and_grad = [&](const Tensor& w, Tensor& grad) {
        const double l = problem.loss_and_gradient(w, grad);
        print(l);
        return l;
    };
    const Stopwatch clock;
    const optim::SearchResult r = optim::gradient_descent(loss_and_grad, w0, o.steps, o.step_size);
    // [loop]
    return finish_strategy("gradient descent", problem, r, clock.seconds(), out);
}

int gradient_descent_main(int argc, char** argv) {
    GradientDescentOptions o;
    Flags app("gradient_descent",
              "Strategy 3: from a random W, step W -= step-size * dL/dW with the SVM loss's gradient "
              "from the tape; report the test accuracy of the best W.");
    add_data_flags(app, o.data);
    app.add_option("--steps", o.steps, "gradient steps (steps + 1 loss evaluations)")->check(whole_number());
    app.add_option("--init-scale", o.init_scale, "starting point W0 = init-scale * randn")
        ->check(decimal_number(Sign::Positive));
    app.add_option("--step-size", o.step_size, "W -= step-size * dL/dW (raw pixels: about 1e-6)")
        ->check(decimal_number(Sign::Positive));
    app.add_option("--seed", o.seed, "seed of W0")->check(whole_number());
    return run_program_main(app, argc, argv, [&] {
        run_gradient_descent(o);
        return 0;
    });
}

}  // namespace gradlab::examples
