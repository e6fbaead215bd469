#include <catch2/catch.hpp>

#include <cstring>

#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/gradcheck.hpp>

using gradlab::Tensor;

TEST_CASE("numerical gradient of sum of squares is 2x", "[gradcheck]") {
    Tensor x = {{1.0, -2.0, 0.5}, {3.0, 0.0, -0.25}};
    auto f = [](const Tensor& t) { return xt::sum(t * t)(); };
    const Tensor g = gradlab::numerical_gradient(f, x);
    const Tensor expected = 2.0 * x;
    REQUIRE(g.shape() == x.shape());
    for (std::size_t i = 0; i < g.size(); ++i) CHECK(g.flat(i) == Approx(expected.flat(i)).margin(1e-9));
}

TEST_CASE("numerical gradient restores x bit for bit after probing", "[gradcheck]") {
    Tensor x = {0.1, 1.0 / 3.0, -7.77e-3, 12.345678};
    const Tensor before = x;
    auto f = [](const Tensor& t) { return xt::sum(xt::exp(t))(); };
    (void)gradlab::numerical_gradient(f, x, 1e-3);
    CHECK(std::memcmp(x.data(), before.data(), x.size() * sizeof(double)) == 0);
}

TEST_CASE("numerical gradient rejects bad steps, empty x and non-finite f", "[gradcheck][errors]") {
    Tensor x = {1.0, 2.0};
    auto f = [](const Tensor& t) { return xt::sum(t)(); };
    CHECK_THROWS_AS(gradlab::numerical_gradient(f, x, 0.0), gradlab::ValueError);
    CHECK_THROWS_AS(gradlab::numerical_gradient(f, x, -1e-5), gradlab::ValueError);
    Tensor empty = gradlab::zeros({0});
    CHECK_THROWS_AS(gradlab::numerical_gradient(f, empty), gradlab::ShapeError);
    auto bad = [](const Tensor& t) { return std::log(t(0) - 1.0); };
    CHECK_THROWS_WITH(gradlab::numerical_gradient(bad, x), Catch::Contains("not finite"));
}
