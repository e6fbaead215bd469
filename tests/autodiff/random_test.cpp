#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include <gradlab/autodiff/random.hpp>
#include <gradlab/autodiff/tensor.hpp>

namespace rnd = gradlab::random;
using gradlab::RandomEngine;

// The expected values below were printed by the implementations this source replaced (tensor.cpp's
// randn, gradcheck_check.cpp's direction and sample draws, the examples' data::Random), so a seed
// keeps giving the numbers it gave before: the tour's printed results depend on it.

TEST_CASE("randn's stream is unchanged: Box-Muller pairs of (0, 1] uniforms, an odd size drops the last sine",
          "[random]") {
    RandomEngine rng(42);
    const gradlab::Tensor a = gradlab::randn({5}, rng);
    const gradlab::Tensor b = gradlab::randn({3}, rng);
    const std::vector<double> want_a = {-0x1.ecc4552b9efe7p-2, -0x1.2629b2777a85ap-1, 0x1.fa7430bea3a42p-2,
                                        0x1.23e6f8daf36b7p-1, 0x1.7f8b277d26081p-2};
    const std::vector<double> want_b = {-0x1.780a9f15b5b24p-1, 0x1.8228712a6a502p-1, -0x1.3de739eaf02dfp+0};
    for (std::size_t i = 0; i < want_a.size(); ++i) CHECK(a.flat(i) == want_a[i]);
    for (std::size_t i = 0; i < want_b.size(); ++i) CHECK(b.flat(i) == want_b[i]);
}

TEST_CASE("the gradient checker's direction stream is unchanged: cosine of ((0, 1], [0, 1)) uniforms",
          "[random]") {
    RandomEngine rng(0x5eed);
    const std::vector<double> want = {-0x1.cc76cf4f59487p-3, -0x1.ac46244634c5fp+0, 0x1.0466d2789a428p-5,
                                      -0x1.61854c38498ecp+0};
    for (double w : want) {
        const double u1 = rnd::uniform_nonzero(rng);
        CHECK(rnd::box_muller(u1, rnd::uniform(rng)).first == w);
    }
}

TEST_CASE("below and permutation give the integers they always gave", "[random]") {
    RandomEngine rng(0x5eed);
    for (std::uint64_t w : {2, 1, 6, 9, 7, 6, 6, 7}) CHECK(rnd::below(rng, 10) == w);

    gradlab::Random r(7);
    CHECK(r.uniform() == 0x1.823eca63d6cdbp-1);
    CHECK(r.uniform() == 0x1.e60acea8f4698p-1);
    CHECK(r.uniform() == 0x1.e0edcc120696p-4);
    for (double w : {0x1.54e16e3e46edfp+0, 0x1.a2d28013e035p+0, 0x1.55b1281e3f6cdp-3, -0x1.2b6caa48eeba3p-2,
                     -0x1.8bce97b9f915bp-4})
        CHECK(r.normal() == w);
    for (std::size_t w : {0, 6, 5, 3, 4, 2, 5, 7}) CHECK(r.below(10) == w);
    CHECK(r.permutation(6) == std::vector<std::size_t>{5, 0, 1, 4, 2, 3});

    RandomEngine shuffle_rng(3);  // fit.cpp's minibatch order: Fisher-Yates from the top
    std::vector<std::size_t> order = {0, 1, 2, 3, 4, 5, 6, 7};
    rnd::shuffle(shuffle_rng, order);
    CHECK(order == std::vector<std::size_t>{0, 6, 2, 5, 4, 1, 7, 3});
}

TEST_CASE("uniforms stay in their intervals and have mean 1/2, variance 1/12", "[random]") {
    RandomEngine rng(1);
    const int n = 200000;
    double sum = 0.0, sum2 = 0.0;
    for (int i = 0; i < n; ++i) {
        const double u = rnd::uniform(rng);
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        const double v = rnd::uniform_nonzero(rng);
        REQUIRE(v > 0.0);
        REQUIRE(v <= 1.0);
        sum += u;
        sum2 += u * u;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    // Standard error of the mean: sqrt(1/12 / n) ~ 6.5e-4; five of them.
    CHECK(std::abs(mean - 0.5) < 5 * std::sqrt(1.0 / 12 / n));
    CHECK(std::abs(var - 1.0 / 12) < 2e-3);
}

TEST_CASE("normals have mean 0, variance 1, and the pair's two halves are uncorrelated", "[random]") {
    RandomEngine rng(2);
    const int n = 100000;
    double s0 = 0, s1 = 0, s00 = 0, s11 = 0, s01 = 0, s0000 = 0;
    for (int i = 0; i < n; ++i) {
        const auto [z0, z1] = rnd::normal_pair(rng);
        s0 += z0, s1 += z1, s00 += z0 * z0, s11 += z1 * z1, s01 += z0 * z1, s0000 += z0 * z0 * z0 * z0;
    }
    const double se = 5.0 / std::sqrt(n);  // five standard errors of a mean of unit-variance draws
    CHECK(std::abs(s0 / n) < se);
    CHECK(std::abs(s1 / n) < se);
    CHECK(std::abs(s00 / n - 1.0) < 5 * std::sqrt(2.0 / n));  // Var(z^2) = 2
    CHECK(std::abs(s11 / n - 1.0) < 5 * std::sqrt(2.0 / n));
    CHECK(std::abs(s01 / n) < se);
    CHECK(std::abs(s0000 / n - 3.0) < 5 * std::sqrt(96.0 / n));  // E z^4 = 3, Var(z^4) = 96
}

TEST_CASE("below(n) hits every residue equally often (chi-square) and rejects n = 0", "[random]") {
    RandomEngine rng(3);
    const std::size_t n = 7, draws = 70000;
    std::vector<double> count(n, 0.0);
    for (std::size_t i = 0; i < draws; ++i) {
        const std::uint64_t k = rnd::below(rng, n);
        REQUIRE(k < n);
        count[k] += 1;
    }
    double chi2 = 0.0;
    const double expected = static_cast<double>(draws) / n;
    for (double c : count) chi2 += (c - expected) * (c - expected) / expected;
    CHECK(chi2 < 22.46);  // the 0.999 quantile of chi-square with 6 degrees of freedom
    CHECK_THROWS_AS(rnd::below(rng, 0), gradlab::ValueError);
}

TEST_CASE("permutation and sample give distinct indices; every position is equally likely", "[random]") {
    RandomEngine rng(4);
    std::vector<std::size_t> p = rnd::permutation(rng, 50);
    std::sort(p.begin(), p.end());
    for (std::size_t i = 0; i < p.size(); ++i) CHECK(p[i] == i);

    const std::vector<std::size_t> s = rnd::sample(rng, 30, 12);
    CHECK(s.size() == 12);
    CHECK(std::set<std::size_t>(s.begin(), s.end()).size() == 12);
    for (std::size_t i : s) CHECK(i < 30);
    CHECK(rnd::sample(rng, 5, 5).size() == 5);
    CHECK_THROWS_WITH(rnd::sample(rng, 3, 4), Catch::Contains("random::sample: cannot draw 4 distinct indices below 3"));

    // Where element 0 lands after a shuffle of 4: uniform over the 4 positions (chi-square, 3 dof).
    const int trials = 40000;
    std::vector<double> at(4, 0.0);
    for (int t = 0; t < trials; ++t) {
        const auto q = rnd::permutation(rng, 4);
        at[static_cast<std::size_t>(std::find(q.begin(), q.end(), 0) - q.begin())] += 1;
    }
    double chi2 = 0.0;
    for (double c : at) chi2 += (c - trials / 4.0) * (c - trials / 4.0) / (trials / 4.0);
    CHECK(chi2 < 16.27);  // the 0.999 quantile of chi-square with 3 degrees of freedom
}
