// Strategy 1 of the notes: random search.
//
// The story (reference/optimization-1.md, "Strategy #1: Random search"): scoring a W is cheap --
// one loss evaluation -- so the first idea that comes to mind is to draw W at random many times
// and remember the draw with the lowest loss. The notes call it a very bad idea, and it is: each
// guess ignores everything the previous ones taught us. With the same 1000 guesses as the notes,
// the best W still beats chance (10 % for ten classes), which is the notes' point: the loss does
// tell good weights from bad ones. Our setting is the notes': a linear classifier scored by the
// multiclass SVM loss on raw pixels, with the bias folded into W by a column of ones.
//
// Strategies 2 and 3 (random_local_search.cpp, gradient_descent.cpp) run on the same data and
// loss, so the three results can be read side by side; the tour does exactly that.
#include "random_search.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <gradlab/optim/search.hpp>

#include "support/common.hpp"
#include "support/program.hpp"

namespace gradlab::examples {

StrategyResult run_random_search(const RandomSearchOptions& o) {
    std::ostream& out = output(o.out);
    fmt::print(out, "== Strategy 1: random search ==\n"
                    "Guess W = {:g} * randn {} times, score each guess by the SVM loss on the "
                    "training examples, keep the best.\n",
               o.scale, o.tries);
    const TrainTest d = load_data(o.data, out);
    const SvmProblem problem(d.train, d.test);
    AttemptPrinter print(out, "attempt", o.print_first, o.print_every);
    // [search]
    const optim::LossFn loss = [&](const Tensor& w) {
        const double l = problem.loss(w);
        print(l);
        return l;
    };
    const Stopwatch clock;
    const optim::SearchResult r = optim::random_search(loss, problem.weight_shape(), o.tries, o.seed, o.scale);
    // [search]
    return finish_strategy("random search", problem, r, clock.seconds(), out);
}

int random_search_main(int argc, char** argv) {
    RandomSearchOptions o;
    Flags app("random_search",
              "Strategy 1: guess W = scale * randn again and again, keep the guess with the lowest "
              "SVM loss, and report its test accuracy.");
    add_data_flags(app, o.data);
    app.add_option("--tries", o.tries, "number of random guesses (loss evaluations)")->check(whole_number(1));
    app.add_option("--scale", o.scale, "W = scale * randn")->check(decimal_number(Sign::Positive));
    app.add_option("--seed", o.seed, "seed of the guesses")->check(whole_number());
    return run_program_main(app, argc, argv, [&] {
        run_random_search(o);
        return 0;
    });
}

}  // namespace gradlab::examples
