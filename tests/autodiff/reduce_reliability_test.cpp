// Reductions over empty axes (issue 16): xtensor 0.24's sum reads out of bounds over an axis of
// length 0 (a segfault reached from sum(x, axis)); gradlab sums with its own loop, and the sum of
// nothing is 0, as in numpy.
#include <catch2/catch.hpp>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/parameter.hpp>
#include <gradlab/autodiff/tape.hpp>

using gradlab::Tape;
using gradlab::Tensor;

TEST_CASE("sum over an empty axis is zeros of the reduced shape, not a segfault", "[ops][reduce][reliability]") {
    Tape t;
    auto x = t.variable(gradlab::zeros({0, 3}), "x");
    auto s0 = gradlab::sum(x, 0);
    REQUIRE(s0.shape() == gradlab::Shape{3});
    for (double v : s0.value()) CHECK(v == 0.0);
    auto s0k = gradlab::sum(x, 0, true);
    CHECK(s0k.shape() == gradlab::Shape{1, 3});
    auto s1 = gradlab::sum(x, 1);  // an axis of length 3 over 0 rows: an empty result
    CHECK(s1.shape() == gradlab::Shape{0});
    // Backward through it: d(sum)/dx is an empty gradient, and nothing is read out of bounds.
    t.backward(gradlab::sum(s0));
    CHECK(x.grad().shape() == gradlab::Shape{0, 3});
}

TEST_CASE("backward through an empty batch plus a broadcast bias gives the bias a zero gradient, not a segfault",
          "[ops][reduce][reliability]") {
    Tape t;
    gradlab::Parameter b{Tensor{1.0, 2.0, 3.0}, "b"};
    auto x = t.constant(gradlab::zeros({0, 3}));  // an empty batch
    auto s = x + t.watch(b);                      // (0, 3): the bias is broadcast over 0 rows
    t.backward(gradlab::sum(s));                  // sum_to_shape sums the (0, 3) gradient to (3,)
    REQUIRE(b.grad.shape() == gradlab::Shape{3});
    for (double v : b.grad) CHECK(v == 0.0);
    gradlab::Parameter c{Tensor{{5.0, 6.0, 7.0}}, "c"};  // (1, 3): the keepdims path
    Tape t2;
    t2.backward(gradlab::sum(t2.constant(gradlab::zeros({0, 3})) * t2.watch(c)));
    REQUIRE(c.grad.shape() == gradlab::Shape{1, 3});
    for (double v : c.grad) CHECK(v == 0.0);
}

TEST_CASE("sum over an axis equals the sum of the slices, in every position of the axis", "[ops][reduce]") {
    Tape t;
    Tensor v = gradlab::zeros({2, 3, 4});
    for (std::size_t i = 0; i < v.size(); ++i) v.flat(i) = static_cast<double>(i * i % 7) - 2.5;
    auto x = t.variable(v);
    for (std::size_t axis = 0; axis < 3; ++axis) {
        const Tensor s = gradlab::sum(x, axis).value();
        const Tensor expected = xt::sum(v, {axis}, xt::evaluation_strategy::immediate);
        REQUIRE(s.shape() == expected.shape());
        for (std::size_t i = 0; i < s.size(); ++i) CHECK(s.flat(i) == expected.flat(i));  // small integers: exact
    }
}
