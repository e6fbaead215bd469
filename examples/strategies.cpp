// The notes' three strategies for finding a good W, on the same data and the same loss (the
// multiclass SVM of a linear classifier on raw pixels with the bias trick), so that their
// results can be compared line by line:
//   1. random search       -- guess W blindly, keep the best guess;
//   2. random local search -- nudge W at random, keep the nudge only if the loss went down;
//   3. gradient descent    -- step W along the negative gradient, which the tape computes.
#include <cmath>
#include <limits>
#include <random>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <gradlab/optim/search.hpp>

#include "common.hpp"

namespace gradlab::examples {
namespace {

// Wraps a loss so that every evaluation prints the notes' "attempt k" line while the search runs
// (the first few in full, then one every `every`), tracking the best loss seen so far.
class AttemptPrinter {
public:
    AttemptPrinter(std::ostream& out, const char* word, std::size_t first, std::size_t every)
        : out_(out), word_(word), first_(first), every_(every) {}

    void operator()(double loss) {
        best_ = std::min(best_, loss);
        if (k_ < first_ || (every_ > 0 && k_ % every_ == 0))
            fmt::print(out_, "{} {:4}: loss {:.6f}, best {:.6f}\n", word_, k_, loss, best_);
        ++k_;
    }

private:
    std::ostream& out_;
    const char* word_;
    std::size_t first_, every_;
    std::size_t k_ = 0;
    double best_ = std::numeric_limits<double>::infinity();
};

StrategyResult finish(const char* name, const SvmProblem& problem, const optim::SearchResult& r,
                      double seconds, std::ostream& out) {
    StrategyResult s;
    s.strategy = name;
    s.initial_loss = r.losses.front();
    s.best_loss = r.best_loss;
    s.train_accuracy = problem.train_accuracy(r.best_w);
    s.test_accuracy = problem.test_accuracy(r.best_w);
    s.evaluations = r.losses.size();
    s.accepted = r.accepted;
    s.seconds = seconds;
    s.best_so_far = r.best_so_far;
    fmt::print(out,
               "{}: best loss {:.6f} (from {:.6f}) after {} loss evaluations in {:.1f} s\n"
               "accuracy of the best W: {} on the training examples, {} on the test set\n\n",
               name, s.best_loss, s.initial_loss, s.evaluations, seconds,
               percent(s.train_accuracy), percent(s.test_accuracy));
    return s;
}

}  // namespace

StrategyResult run_random_search(const RandomSearchOptions& o) {
    std::ostream& out = output(o.out);
    fmt::print(out, "== Strategy 1: random search ==\n"
                    "Guess W = {:g} * randn {} times, score each guess by the SVM loss on the "
                    "training examples, keep the best.\n",
               o.scale, o.tries);
    const TrainTest d = load_data(o.data, out);
    const SvmProblem problem(d.train, d.test);
    AttemptPrinter print(out, "attempt", o.print_first, o.print_every);
    const optim::LossFn loss = [&](const Tensor& w) {
        const double l = problem.loss(w);
        print(l);
        return l;
    };
    const Stopwatch clock;
    const optim::SearchResult r = optim::random_search(loss, problem.weight_shape(), o.tries, o.seed, o.scale);
    return finish("random search", problem, r, clock.seconds(), out);
}

StrategyResult run_random_local_search(const RandomLocalSearchOptions& o) {
    std::ostream& out = output(o.out);
    fmt::print(out, "== Strategy 2: random local search ==\n"
                    "Start from W = {:g} * randn; {} times, try W + {:g} * randn and move there "
                    "only if the loss goes down.\n",
               o.init_scale, o.tries, o.step_size);
    const TrainTest d = load_data(o.data, out);
    const SvmProblem problem(d.train, d.test);
    std::mt19937_64 rng(o.seed);
    const Tensor w0 = o.init_scale * optim::randn(problem.weight_shape(), rng);
    AttemptPrinter print(out, "step", o.print_first, o.print_every);
    const optim::LossFn loss = [&](const Tensor& w) {
        const double l = problem.loss(w);
        print(l);
        return l;
    };
    const Stopwatch clock;
    const optim::SearchResult r = optim::random_local_search(loss, w0, o.tries, o.seed + 1, o.step_size);
    return finish("random local search", problem, r, clock.seconds(), out);
}

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
    const optim::LossGradFn loss_and_grad = [&](const Tensor& w, Tensor& grad) {
        const double l = problem.loss_and_gradient(w, grad);
        print(l);
        return l;
    };
    const Stopwatch clock;
    const optim::SearchResult r = optim::gradient_descent(loss_and_grad, w0, o.steps, o.step_size);
    return finish("gradient descent", problem, r, clock.seconds(), out);
}

}  // namespace gradlab::examples
