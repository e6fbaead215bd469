#include <catch2/catch.hpp>

#include <gradlab/losses/metrics.hpp>

using gradlab::Tensor;
namespace gl = gradlab::losses;

TEST_CASE("predict picks the largest score, the first on a tie", "[metrics]") {
    Tensor s = {{0.1, 0.9, 0.3}, {2.0, 2.0, 1.0}, {-1.0, -3.0, -0.5}};
    CHECK(gl::predict(s) == gl::Labels{1, 0, 2});
}

TEST_CASE("accuracy is the fraction of rows predicted right", "[metrics]") {
    Tensor s = {{0.1, 0.9}, {2.0, 1.0}, {0.0, 1.0}, {5.0, 4.0}};
    CHECK(gl::accuracy(s, {1, 0, 0, 1}) == Approx(0.5));
    CHECK(gl::accuracy(s, {1, 0, 1, 0}) == Approx(1.0));
}

TEST_CASE("accuracy rejects mismatched labels", "[metrics][errors]") {
    Tensor s = {{0.1, 0.9}, {2.0, 1.0}};
    CHECK_THROWS_WITH(gl::accuracy(s, {1}), "accuracy: 1 labels for 2 rows of scores (2, 2)");
    CHECK_THROWS_AS(gl::accuracy(s, {0, 2}), gradlab::ValueError);
    CHECK_THROWS_AS(gl::accuracy(Tensor{1.0, 2.0}, {0, 1}), gradlab::ShapeError);
}
