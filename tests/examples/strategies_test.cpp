// The notes' three strategies on the same loss with fixed seeds: each one beats the one before.
#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

#include "example_testing.hpp"
#include "gradient_descent.hpp"
#include "random_local_search.hpp"
#include "random_search.hpp"

using namespace gradlab::examples;
using examples_testing::blobs;
using Catch::Contains;

namespace {

struct Three {
    StrategyResult random, local, gradient;
    std::string story;
};

Three run_three(const DataOptions& data, std::size_t budget, double gd_step) {
    std::ostringstream out;
    RandomSearchOptions rs;
    rs.data = data;
    rs.tries = budget;
    rs.out = &out;
    RandomLocalSearchOptions ls;
    ls.data = data;
    ls.tries = budget;
    ls.out = &out;
    GradientDescentOptions gd;
    gd.data = data;
    gd.steps = budget - 1;
    gd.step_size = gd_step;
    gd.out = &out;
    Three t{run_random_search(rs), run_random_local_search(ls), run_gradient_descent(gd), ""};
    t.story = out.str();
    return t;
}

}  // namespace

TEST_CASE("with the same budget, random local search beats random search and gradient descent beats both (blobs)") {
    const Three t = run_three(blobs(), 100, 1e-3);
    CHECK(t.random.evaluations == 100);
    CHECK(t.local.evaluations == 101);
    CHECK(t.gradient.evaluations == 100);
    CHECK(t.local.best_loss < t.random.best_loss);
    CHECK(t.gradient.best_loss < t.local.best_loss);
    CHECK(t.local.test_accuracy > t.random.test_accuracy);
    CHECK(t.gradient.test_accuracy > t.local.test_accuracy);
    CHECK(t.gradient.test_accuracy > 0.8);
}

TEST_CASE("every strategy's running best never rises and ends at its best loss") {
    const Three t = run_three(blobs(100, 50), 30, 1e-3);
    for (const StrategyResult* s : {&t.random, &t.local, &t.gradient}) {
        INFO(s->strategy);
        REQUIRE(s->best_so_far.size() == s->evaluations);
        CHECK(std::is_sorted(s->best_so_far.rbegin(), s->best_so_far.rend()));
        CHECK(s->best_so_far.back() == s->best_loss);
    }
}

TEST_CASE("random search prints the notes' attempt lines and starts near the SVM's C - 1 = 9") {
    const Three t = run_three(blobs(100, 50), 30, 1e-3);
    CHECK_THAT(t.story, Contains("attempt    0: loss"));
    CHECK_THAT(t.story, Contains(", best "));
    CHECK_THAT(t.story, Contains("on the test set"));
    // W = 1e-4 randn makes every score nearly 0, so each of the 9 wrong classes pays the margin 1.
    CHECK(t.random.initial_loss == Approx(9.0).margin(0.1));
}

TEST_CASE("the same seed gives the same search") {
    const Three a = run_three(blobs(100, 50), 20, 1e-3);
    const Three b = run_three(blobs(100, 50), 20, 1e-3);
    CHECK(a.random.best_so_far == b.random.best_so_far);
    CHECK(a.local.best_so_far == b.local.best_so_far);
    CHECK(a.gradient.best_so_far == b.gradient.best_so_far);
}

TEST_CASE("on Fashion-MNIST too, the strategies improve in order (smoke size, skipped without the data)") {
    if (!examples_testing::have_fashion_mnist()) EXAMPLES_SKIP("Fashion-MNIST is not installed");
    DataOptions d;
    d.n_train = 200;
    d.n_test = 500;
    const Three t = run_three(d, 400, 1e-6);
    CHECK(t.local.best_loss < t.random.best_loss);
    CHECK(t.gradient.best_loss < t.local.best_loss);
    CHECK(t.gradient.test_accuracy > t.random.test_accuracy);
    CHECK(t.gradient.test_accuracy > 0.5);
}
