// An outside project's test suite: gradlab::testing's Catch2 matcher, from the installed package.
#include <catch2/catch.hpp>

#include <xtensor/xmath.hpp>

#include <gradlab/testing/gradcheck_catch.hpp>

TEST_CASE("the installed gradient matcher accepts 2x as the gradient of sum(x^2)") {
    auto f = [](const gradlab::Tensor& t) { return xt::sum(t * t)(); };
    const gradlab::Tensor x = {1.0, -2.0, 3.0};
    REQUIRE_THAT(gradlab::Tensor(2.0 * x), gradlab::GradientMatches(f, x));
    REQUIRE_THAT(gradlab::Tensor(3.0 * x), !gradlab::GradientMatches(f, x));
}
