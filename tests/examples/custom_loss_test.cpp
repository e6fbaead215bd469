// The write-your-own-loss example: both routes run and pass the checker.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "example_testing.hpp"

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

TEST_CASE("custom_loss's slice: smooth SVM >= multiclass SVM >= Crammer-Singer at every point of the line") {
    examples_testing::TempDir dir("own-loss-slice");
    std::ostringstream out;
    gradlab::examples::CustomLossOptions o;
    o.figures_dir = dir.path().string();
    o.out = &out;
    gradlab::examples::run_custom_loss(o);
    // own_loss_slice.dat: three blocks of "a loss" lines, in the legend's order.
    std::ifstream in(dir.path() / "own_loss_slice.dat");
    REQUIRE(in);
    std::vector<std::vector<double>> curves(1);
    std::string line;
    int blanks = 0;
    while (std::getline(in, line)) {
        if (line.empty()) {
            if (++blanks == 2) curves.emplace_back();
            continue;
        }
        blanks = 0;
        std::istringstream ss(line);
        double a = 0, l = 0;
        ss >> a >> l;
        curves.back().push_back(l);
    }
    REQUIRE(curves.size() >= 3);
    const auto& svm = curves[0];
    const auto& smooth = curves[1];
    const auto& crammer_singer = curves[2];
    REQUIRE(svm.size() == 201);
    REQUIRE(smooth.size() == svm.size());
    REQUIRE(crammer_singer.size() == svm.size());
    for (std::size_t k = 0; k < svm.size(); ++k) {
        INFO("point " << k);
        CHECK(smooth[k] > svm[k]);          // log(1 + e^m) > max(0, m) for every margin
        CHECK(svm[k] >= crammer_singer[k]);  // a sum of hinges >= its largest term
    }
}
