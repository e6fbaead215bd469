// write_figure (support/plot.hpp): data file and gnuplot script side by side, the images drawn
// from them, and the fallback without gnuplot.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "example_testing.hpp"
#include "support/plot.hpp"
#include "../support/scratch_dir.hpp"

namespace fs = std::filesystem;
namespace gp = gradlab::plot;

namespace {

// Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian), after checking the
// signature and the chunk's name.
std::pair<std::uint32_t, std::uint32_t> png_size(const fs::path& p) {
    const std::string b = test_support::read_bytes(p);
    REQUIRE(b.size() > 24);
    REQUIRE(b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    REQUIRE(b.compare(12, 4, "IHDR") == 0);
    auto be32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
        return v;
    };
    return {be32(16), be32(20)};
}

gp::HeatmapFigure bowl_figure() {
    gp::HeatmapFigure f;
    f.map.title = "bowl_test";
    f.map.x_label = "a";
    f.map.y_label = "b";
    f.map.value_label = "loss";
    f.map.rows = 11;
    f.map.cols = 15;
    f.map.x_min = -1.0;
    f.map.x_max = 1.0;
    f.map.y_min = -2.0;
    f.map.y_max = 2.0;
    for (std::size_t r = 0; r < f.map.rows; ++r)
        for (std::size_t c = 0; c < f.map.cols; ++c) {
            const double x = -1.0 + 2.0 * c / 14.0, y = -2.0 + 4.0 * r / 10.0;
            f.map.values.push_back(x * x + y * y);
        }
    f.map.width = 640;
    f.map.height = 480;
    f.overlays.push_back({"path", {-0.8, -0.3, 0.0}, {1.5, 0.4, 0.0}, {"start", "", "end"}, true});
    return f;
}

gp::LineFigure marked_line() {
    gp::LineFigure f;
    f.plot.title = "steps";
    f.plot.log_x = true;
    f.plot.series.push_back({"L", {1e-3, 1e-2, 1e-1, 1.0}, {4.0, 3.0, 2.5, 9.0}});
    f.plot.series.push_back({"sum", {1e-3, 1.0}, {5.0, 5.0}});
    f.marks.push_back({"sweep", {1e-2, 1e-1}, {3.0, 2.5}, {"1e-02", "1e-01"}, false});
    f.plot.width = 500;
    f.plot.height = 300;
    return f;
}

// Empties PATH for its lifetime, as a machine without gnuplot would have it.
class NoPath {
public:
    NoPath() : saved_(std::getenv("PATH") != nullptr ? std::getenv("PATH") : "") { ::setenv("PATH", "", 1); }
    ~NoPath() { ::setenv("PATH", saved_.c_str(), 1); }

private:
    std::string saved_;
};

}  // namespace

TEST_CASE("a heatmap figure writes its grid as rows x cols lines of (x, y, value), then each overlay",
          "[plot][figure]") {
    test_support::ScratchDir dir("figure");
    NoPath no_gnuplot;  // the data and script alone
    const gp::FigureFiles files = gp::write_figure(bowl_figure(), dir.path().string(), "bowl");
    CHECK(files.data == (dir.path() / "bowl.dat").string());
    CHECK(files.script == (dir.path() / "bowl.gp").string());
    const auto b = examples_testing::figure_blocks(test_support::read_bytes(files.data));
    REQUIRE(b.size() == 2);
    REQUIRE(b[0].size() == 11 * 15);
    for (const auto& row : b[0]) CHECK(row.size() == 3);
    CHECK(std::stod(b[0][0][0]) == -1.0);  // row 0 starts at (x_min, y_min)
    CHECK(std::stod(b[0][0][1]) == -2.0);
    CHECK(std::stod(b[0][0][2]) == Approx(5.0));
    CHECK(std::stod(b[0].back()[0]) == Approx(1.0));
    CHECK(std::stod(b[0].back()[1]) == Approx(2.0));
    REQUIRE(b[1].size() == 3);
    for (const auto& row : b[1]) CHECK(row.size() == 3);  // x, y, label
    CHECK(b[1][0][2] == "\"start\"");
}

TEST_CASE("a line figure writes one two-column block per curve and a labelled block per mark set",
          "[plot][figure]") {
    test_support::ScratchDir dir("figure");
    NoPath no_gnuplot;
    const gp::FigureFiles files = gp::write_figure(marked_line(), dir.path().string(), "steps");
    const auto b = examples_testing::figure_blocks(test_support::read_bytes(files.data));
    REQUIRE(b.size() == 3);
    CHECK(b[0].size() == 4);
    CHECK(b[1].size() == 2);
    for (std::size_t k = 0; k < 2; ++k)
        for (const auto& row : b[k]) CHECK(row.size() == 2);
    REQUIRE(b[2].size() == 2);
    CHECK(b[2][1] == std::vector<std::string>{"0.10000000000000001", "2.5", "\"1e-01\""});
}

TEST_CASE("with gnuplot, a figure becomes a PNG of the requested size and an SVG, and its script "
          "redraws them", "[plot][figure]") {
    REQUIRE(gp::gnuplot_available());  // gnuplot-nox is one of the project's packages
    test_support::ScratchDir dir("figure");
    const gp::FigureFiles files = gp::write_figure(bowl_figure(), dir.path().string(), "bowl");
    CHECK(files.message.empty());
    REQUIRE(files.images.size() == 2);
    CHECK(png_size(dir.path() / "bowl.png") == std::pair<std::uint32_t, std::uint32_t>{640, 480});
    CHECK(test_support::read_bytes(dir.path() / "bowl.svg").find("<svg") != std::string::npos);
    CHECK(dir.names() == std::vector<std::string>{"bowl.dat", "bowl.gp", "bowl.png", "bowl.svg"});

    const gp::FigureFiles line = gp::write_figure(marked_line(), dir.path().string(), "steps");
    CHECK(png_size(dir.path() / "steps.png") == std::pair<std::uint32_t, std::uint32_t>{500, 300});

    // The user's route: remove the images, run the script where it lies, get them back.
    fs::remove(dir.path() / "bowl.png");
    fs::remove(dir.path() / "bowl.svg");
    const std::string command = "cd '" + dir.path().string() + "' && gnuplot bowl.gp >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    CHECK(png_size(dir.path() / "bowl.png") == std::pair<std::uint32_t, std::uint32_t>{640, 480});
    CHECK(fs::file_size(dir.path() / "bowl.svg") > 0);
}

TEST_CASE("without gnuplot, the data and script are written and one line says how to render them",
          "[plot][figure][errors]") {
    test_support::ScratchDir dir("figure");
    NoPath no_gnuplot;
    const gp::FigureFiles files = gp::write_figure(bowl_figure(), dir.path().string(), "bowl");
    CHECK(files.images.empty());
    CHECK_THAT(files.message, Catch::StartsWith("gnuplot not found") &&
                                  Catch::Contains("gnuplot bowl.gp") && Catch::Contains(dir.path().string()));
    CHECK(files.message.find('\n') == std::string::npos);
    CHECK(dir.names() == std::vector<std::string>{"bowl.dat", "bowl.gp"});
    const std::string script = test_support::read_bytes(files.script);
    CHECK_THAT(script, Catch::Contains("data = 'bowl.dat'") && Catch::Contains("set output 'bowl.png'") &&
                           Catch::Contains("set output 'bowl.svg'") && Catch::Contains("pngcairo size 640,480"));
}

TEST_CASE("figures that cannot be written are refused", "[plot][figure][errors]") {
    test_support::ScratchDir dir("figure");
    CHECK_THROWS_AS(gp::write_figure(bowl_figure(), dir.path().string(), "a/b"), gradlab::ValueError);
    CHECK_THROWS_AS(gp::write_figure(bowl_figure(), (dir.path() / "missing").string(), "bowl"), gradlab::IoError);
    gp::HeatmapFigure bad = bowl_figure();
    bad.map.values.pop_back();
    CHECK_THROWS_WITH(gp::write_figure(bad, dir.path().string(), "bowl"), Catch::Contains("164 values"));
    bad = bowl_figure();
    bad.map.values[3] = NAN;
    CHECK_THROWS_AS(gp::write_figure(bad, dir.path().string(), "bowl"), gradlab::ValueError);
    bad = bowl_figure();
    bad.overlays[0].labels.pop_back();
    CHECK_THROWS_AS(gp::write_figure(bad, dir.path().string(), "bowl"), gradlab::ValueError);
    CHECK(dir.names().empty());
}
