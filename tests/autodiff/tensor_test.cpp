#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <gradlab/autodiff/tensor.hpp>

using gradlab::Tensor;

TEST_CASE("shape_str spells shapes like numpy", "[tensor]") {
    CHECK(gradlab::shape_str({500, 3073}) == "(500, 3073)");
    CHECK(gradlab::shape_str({3}) == "(3,)");
    CHECK(gradlab::shape_str({}) == "()");
}

TEST_CASE("zeros has the requested shape and only zeros", "[tensor]") {
    Tensor z = gradlab::zeros({2, 3, 4});
    CHECK(z.shape() == gradlab::Shape{2, 3, 4});
    for (double v : z) CHECK(v == 0.0);
}

TEST_CASE("require_same_shape names the op and both shapes", "[tensor][errors]") {
    CHECK_NOTHROW(gradlab::require_same_shape("add", {2, 3}, {2, 3}));
    CHECK_THROWS_WITH(gradlab::require_same_shape("add", {2, 3}, {3, 2}),
                      "add: shapes differ: (2, 3) vs (3, 2)");
    CHECK_THROWS_AS(gradlab::require_same_shape("add", {2}, {3}), gradlab::ShapeError);
}

TEST_CASE("require_finite reports the first non-finite element", "[tensor][errors]") {
    Tensor t = {1.0, std::nan(""), std::numeric_limits<double>::infinity()};
    CHECK_THROWS_AS(gradlab::require_finite("log", t), gradlab::ValueError);
    CHECK_THROWS_WITH(gradlab::require_finite("log", t),
                      Catch::Contains("log: input is not finite: element 1"));
    CHECK_NOTHROW(gradlab::require_finite("log", Tensor{1.0, 2.0}));
}

TEST_CASE("randn is reproducible from its seed and standard normal", "[tensor][random]") {
    std::mt19937_64 r1(7), r2(7), r3(8);
    const Tensor a = gradlab::randn({200, 500}, r1);
    const Tensor b = gradlab::randn({200, 500}, r2);
    CHECK(std::equal(a.begin(), a.end(), b.begin()));
    CHECK_FALSE(std::equal(a.begin(), a.end(), gradlab::randn({200, 500}, r3).begin()));
    double mean = 0.0, var = 0.0;
    for (double v : a) mean += v;
    mean /= static_cast<double>(a.size());
    for (double v : a) var += (v - mean) * (v - mean);
    var /= static_cast<double>(a.size());
    CHECK(std::abs(mean) < 0.01);        // 5 standard errors of the mean for 1e5 draws
    CHECK(std::abs(var - 1.0) < 0.02);   // ~4.5 standard errors of the variance
    const Tensor odd = gradlab::randn({3}, r1);  // an odd count uses half of the last pair
    CHECK(odd.shape() == gradlab::Shape{3});
}
