#include <catch2/catch.hpp>

#include <cmath>

#include <gradlab/autodiff/error.hpp>
#include <gradlab/optim/schedule.hpp>

namespace go = gradlab::optim;

// [formulas]
TEST_CASE("schedules start at lr0 and follow their formulas", "[schedule]") {
    CHECK(go::ConstantLR(0.1)(1000) == 0.1);
    go::StepDecayLR step(1.0, 0.5, 10);
    CHECK(step(0) == 1.0);
    CHECK(step(9) == 1.0);
    CHECK(step(10) == 0.5);
    CHECK(step(25) == 0.25);
    CHECK(go::ExponentialLR(2.0, 0.1)(10) == Approx(2.0 * std::exp(-1.0)));
    CHECK(go::InverseTimeLR(1.0, 0.5)(4) == Approx(1.0 / 3.0));
}
// [formulas]

TEST_CASE("cosine schedule goes from lr0 to lr_min over its period, half-way at the middle", "[schedule]") {
    go::CosineLR cos(1.0, 100, 0.1);
    CHECK(cos(0) == Approx(1.0));
    CHECK(cos(50) == Approx(0.55));
    CHECK(cos(100) == Approx(0.1));
    CHECK(cos(1000) == Approx(0.1));
}

TEST_CASE("schedules reject non-positive or non-finite rates", "[schedule][errors]") {
    CHECK_THROWS_AS(go::ConstantLR(0.0), gradlab::ValueError);
    CHECK_THROWS_AS(go::ConstantLR(std::nan("")), gradlab::ValueError);
    CHECK_THROWS_AS(go::StepDecayLR(0.1, 0.5, 0), gradlab::ValueError);
    CHECK_THROWS_WITH(go::CosineLR(0.1, 10, 0.5), "CosineLR: lr_min (0.5) exceeds lr0 (0.1)");
}
