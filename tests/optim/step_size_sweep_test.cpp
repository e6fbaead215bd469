#include <catch2/catch.hpp>

#include <cmath>

#include <fmt/format.h>

#include <gradlab/autodiff/error.hpp>
#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/optim/step_size_sweep.hpp>

namespace go = gradlab::optim;
using gradlab::Tensor;

namespace {
// f(w) = a/2 |w|^2 with a = 1e6: one step of size eta gives f(w) (1 - a eta)^2 -- best at
// eta = 1/a = 1e-6, exploding beyond, like the notes' table.
constexpr double kA = 1e6;
double steep_bowl(const Tensor& w) {
    double s = 0;
    for (double v : w) s += v * v;
    return 0.5 * kA * s;
}
}  // namespace

TEST_CASE("the sweep's losses are L(w - eta g): (1 - a eta)^2 L(w) on a bowl", "[step_size_sweep]") {
    const Tensor w{0.01, -0.02};
    const Tensor g = kA * w;
    const auto s = go::step_size_sweep(steep_bowl, w, g);
    REQUIRE(s.step_sizes.size() == 10);
    CHECK(s.step_sizes.front() == 1e-10);
    CHECK(s.step_sizes.back() == Approx(1e-1));
    CHECK(s.loss0 == Approx(250.0));
    for (std::size_t i = 0; i < 10; ++i) {
        const double f = 1.0 - kA * s.step_sizes[i];
        CHECK(s.losses[i] == Approx(f * f * s.loss0).epsilon(1e-12));
    }
    CHECK(s.step_sizes[s.best()] == Approx(1e-6));
    CHECK(s.losses[s.best() + 1] > s.loss0);  // the next size up overshoots
}

TEST_CASE("the sweep works the same with the numerical gradient", "[step_size_sweep]") {
    Tensor w{0.01, -0.02};
    const Tensor num = gradlab::numerical_gradient(steep_bowl, w);
    const auto analytic = go::step_size_sweep(steep_bowl, w, kA * w);
    const auto numerical = go::step_size_sweep(steep_bowl, w, num);
    CHECK(numerical.best() == analytic.best());
    // Relative agreement, except where the exact loss is 0 (eta = 1/a): there the numerical
    // gradient's ~1e-10 relative error leaves 250 * (1e-10)^2-sized crumbs.
    for (std::size_t i = 0; i < 10; ++i)
        CHECK(numerical.losses[i] == Approx(analytic.losses[i]).epsilon(1e-6).margin(1e-12));
}

TEST_CASE("the sweep prints as a table with the best row marked", "[step_size_sweep]") {
    const Tensor w{0.01, -0.02};
    const std::string table = fmt::format("{}", go::step_size_sweep(steep_bowl, w, kA * w));
    CHECK(table.find("original loss: 250.000000") == 0);
    CHECK(table.find("step size |") != std::string::npos);
    CHECK(table.find("1e-06 |       0.000000 |    -250.000000  <-- best") != std::string::npos);
    CHECK(table.find("<-- best") == table.rfind("<-- best"));  // exactly one
}

TEST_CASE("the sweep records an overflowing loss instead of throwing", "[step_size_sweep]") {
    auto cube = [](const Tensor& w) { return std::exp(w(0) * 1000.0); };
    const auto s = go::step_size_sweep(cube, Tensor{0.0}, Tensor{-1e3}, {1e-3, 1.0});
    CHECK(std::isinf(s.losses[1]));
    CHECK(s.best() == 0);
}

TEST_CASE("the sweep refuses mismatched shapes and bad step sizes", "[step_size_sweep][errors]") {
    CHECK_THROWS_WITH(go::step_size_sweep(steep_bowl, Tensor{1.0, 2.0}, Tensor{1.0}),
                      "step_size_sweep: shapes differ: (2,) vs (1,)");
    CHECK_THROWS_AS(go::step_size_sweep(steep_bowl, Tensor{1.0}, Tensor{1.0}, {}), gradlab::ValueError);
    CHECK_THROWS_WITH(go::step_size_sweep(steep_bowl, Tensor{1.0}, Tensor{1.0}, {1e-3, 0.0}),
                      "step_size_sweep: step sizes must be positive and finite, got 0");
    CHECK_THROWS_AS(go::step_size_sweep(steep_bowl, Tensor{1.0}, Tensor{std::nan("")}), gradlab::ValueError);
}
