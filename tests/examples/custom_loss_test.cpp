// The write-your-own-loss example: both routes run and pass the checker.
#include <catch2/catch.hpp>

#include <sstream>

#include "example_testing.hpp"
#include "custom_loss.hpp"

using namespace gradlab::examples;
using Catch::Contains;

TEST_CASE("custom_loss: the composed and the custom-op smooth SVM give the same loss and pass the check") {
    std::ostringstream out;
    const CustomLossResult r = run_custom_loss({&out});
    REQUIRE(r.routes.size() == 2);
    CHECK(r.routes[0].route == "composed");
    CHECK(r.routes[1].route == "custom op");
    CHECK(r.routes[0].loss == Approx(r.routes[1].loss).epsilon(1e-12));
    for (const CustomLossRoute& route : r.routes) {
        INFO(route.route);
        CHECK(route.passed);
        CHECK(route.max_relative_error < 1e-7);  // a smooth loss
    }
    CHECK(r.all_passed);
    CHECK_THAT(out.str(), Contains("smooth SVM, custom op"));
}

TEST_CASE("custom_loss: Crammer-Singer, composed and as a custom op, passes the kink-aware check on its kinks") {
    std::ostringstream out;
    const CustomLossResult r = run_custom_loss({&out});
    REQUIRE(r.kink_routes.size() == 2);
    CHECK(r.kink_routes[0].loss == Approx(r.kink_routes[1].loss).epsilon(1e-12));
    for (const CustomLossRoute& route : r.kink_routes) {
        INFO(route.route);
        CHECK(route.passed);
        CHECK(route.kinks >= 3);  // the hinge of row 0, and both tied classes of row 1
    }
    // The report names the op whose recorded branch flipped, for either route.
    CHECK_THAT(out.str(), Contains("crosses the kink of op") && Contains("(max)") && Contains("(crammer_singer)"));
}
