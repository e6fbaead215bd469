#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "example_testing.hpp"
#include "support/plot.hpp"
#include "../support/scratch_dir.hpp"

namespace fs = std::filesystem;
namespace gp = gradlab::plot;
using Catch::Contains;

namespace {

gp::LinePlot loss_curves() {
    gp::LinePlot plot;
    plot.title = "loss's curve: svm_loss vs softmax";  // a quote and underscores, printed as written
    plot.x_label = "iteration";
    plot.y_label = "loss";
    plot.log_y = true;
    gp::Series svm{"svm", {}, {}}, softmax{"softmax", {}, {}};
    for (int i = 0; i < 50; ++i) {
        svm.x.push_back(i);
        svm.y.push_back(9.0 * std::exp(-0.05 * i) + 0.1);
        softmax.x.push_back(i);
        softmax.y.push_back(i == 25 ? NAN : 2.3 * std::exp(-0.03 * i) + 0.1);  // a gap
    }
    plot.series = {svm, softmax};
    return plot;
}

gp::Heatmap bowl() {
    gp::Heatmap map;
    map.title = "loss landscape";
    map.rows = 21;
    map.cols = 31;
    map.x_min = -1.0;
    map.x_max = 1.0;
    map.y_min = -2.0;
    map.y_max = 2.0;
    for (std::size_t r = 0; r < map.rows; ++r)
        for (std::size_t c = 0; c < map.cols; ++c) {
            const double x = -1.0 + 2.0 * c / 30.0, y = -2.0 + 4.0 * r / 20.0;
            map.values.push_back(x * x + 0.5 * y * y);
        }
    return map;
}


}  // namespace

TEST_CASE("a line plot appears as a complete PNG, with no temporary file left behind", "[plot]") {
    if (!gp::gnuplot_available()) EXAMPLES_SKIP("gnuplot is not installed (apt install gnuplot-nox)");
    test_support::ScratchDir dir("plot");
    const fs::path out = dir.path() / "loss.png";
    gp::draw(loss_curves(), out.string());
    const std::string png = test_support::read_bytes(out);
    REQUIRE(png.size() > 1000);
    CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(png.find("IEND") != std::string::npos);  // the last chunk: the image is whole
    CHECK(dir.names() == std::vector<std::string>{"loss.png"});
}

TEST_CASE("a heatmap appears as an SVG, replacing an older file whole", "[plot]") {
    if (!gp::gnuplot_available()) EXAMPLES_SKIP("gnuplot is not installed (apt install gnuplot-nox)");
    test_support::ScratchDir dir("plot");
    const fs::path out = dir.path() / "landscape.svg";
    std::ofstream(out) << "an older figure";
    gp::draw(bowl(), out.string());
    const std::string svg = test_support::read_bytes(out);
    CHECK_THAT(svg, Contains("<svg") && Contains("</svg>") && Contains("loss landscape"));
    CHECK(dir.names() == std::vector<std::string>{"landscape.svg"});
}

TEST_CASE("when gnuplot fails, the user's file is untouched and no partial file remains", "[plot][errors]") {
    if (!gp::gnuplot_available()) EXAMPLES_SKIP("gnuplot is not installed (apt install gnuplot-nox)");
    test_support::ScratchDir dir("plot");
    const fs::path out = dir.path() / "figure.png";
    std::ofstream(out) << "keep me";
    gp::LinePlot plot;
    plot.log_y = true;  // every y <= 0 on a log axis: gnuplot stops with an error
    plot.series = {{"negative", {1.0, 2.0}, {-1.0, -2.0}}};
    try {
        gp::draw(plot, out.string());
        FAIL("no exception");
    } catch (const gradlab::IoError& e) {
        CHECK_THAT(e.what(), Contains("plot: gnuplot failed to draw " + out.string()) &&
                                 Contains("all points y value undefined"));
    }
    CHECK(test_support::read_bytes(out) == "keep me");
    CHECK(dir.names() == std::vector<std::string>{"figure.png"});
}

TEST_CASE("without gnuplot on the PATH, draw says so and writes nothing", "[plot][errors]") {
    test_support::ScratchDir dir("plot");
    const char* old = std::getenv("PATH");
    const std::string saved = old != nullptr ? old : "";
    ::setenv("PATH", dir.path().c_str(), 1);  // an empty directory: no gnuplot there
    const bool available = gp::gnuplot_available();
    std::string message = "no exception";
    try {
        gp::draw(loss_curves(), (dir.path() / "x.png").string());
    } catch (const gradlab::IoError& e) {
        message = e.what();
    }
    ::setenv("PATH", saved.c_str(), 1);
    CHECK_FALSE(available);
    CHECK_THAT(message, Contains("gnuplot is not installed"));
    CHECK(dir.names().empty());
}

TEST_CASE("plots that cannot be drawn are rejected before gnuplot runs", "[plot][errors]") {
    test_support::ScratchDir dir("plot");
    const std::string png = (dir.path() / "p.png").string();
    CHECK_THROWS_WITH(gp::draw(loss_curves(), (dir.path() / "p.jpg").string()),
                      Contains("unknown image format '.jpg'; use .png or .svg"));
    gp::LinePlot empty;
    CHECK_THROWS_AS(gp::draw(empty, png), gradlab::ValueError);
    gp::LinePlot ragged;
    ragged.series = {{"a", {1.0, 2.0}, {1.0}}};
    CHECK_THROWS_WITH(gp::draw(ragged, png), Contains("series 'a' has 2 x and 1 y values"));
    gp::Heatmap map = bowl();
    map.values.pop_back();
    CHECK_THROWS_AS(gp::draw(map, png), gradlab::ValueError);
    map = bowl();
    map.values[5] = NAN;
    CHECK_THROWS_WITH(gp::draw(map, png), Contains("heatmap value 5 (row 0, col 5) is nan"));
    CHECK_THROWS_WITH(gp::draw(bowl(), (dir.path() / "no-such-dir" / "p.png").string()),
                      Contains("does not exist"));
    CHECK(dir.names().empty());
}
