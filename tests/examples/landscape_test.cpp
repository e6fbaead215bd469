// The landscape experiment (examples/landscape.cpp) at smoke size on blobs: every figure written,
// each data file with the rows and columns its slice has, and the numbers the story prints.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "../support/scratch_dir.hpp"
#include "example_testing.hpp"
#include "landscape.hpp"

using namespace gradlab::examples;
namespace fs = std::filesystem;

namespace {

// The number of lines and of fields per line of each data block (blocks end in two blank lines).
struct BlockShape {
    std::size_t lines = 0;
    std::size_t min_fields = 1000, max_fields = 0;
};

std::vector<BlockShape> block_shapes(const fs::path& file) {
    std::vector<BlockShape> shapes;
    for (const auto& block : examples_testing::figure_blocks(test_support::read_bytes(file))) {
        BlockShape b;
        b.lines = block.size();
        for (const auto& fields : block) {
            b.min_fields = std::min(b.min_fields, fields.size());
            b.max_fields = std::max(b.max_fields, fields.size());
        }
        shapes.push_back(b);
    }
    return shapes;
}

LandscapeFigureOptions smoke(const fs::path& dir, std::ostream& out) {
    LandscapeFigureOptions o;
    o.data = examples_testing::blobs(80, 1);
    o.grid = 7;
    o.line_points = 25;
    o.steps = 4;
    o.batch = 10;
    o.out_dir = dir.string();
    o.out = &out;
    return o;
}

}  // namespace

TEST_CASE("landscape writes every figure, each slice's data with its grid's rows and columns",
          "[landscape]") {
    test_support::ScratchDir dir("landscape");
    std::ostringstream out;
    const LandscapeFigureOptions o = smoke(dir.path(), out);
    const LandscapeFigureResult r = run_landscape(o);

    const std::vector<std::string> expected = {"svm_1d",     "svm_2d_one",     "svm_2d_mean",
                                               "softmax_1d", "softmax_2d_one", "softmax_2d_mean",
                                               "svm_toy",    "svm_step_sizes", "svm_trajectory"};
    CHECK(r.figures == expected);
    for (const std::string& f : r.files) {
        CHECK(fs::exists(f));
        CHECK(f.rfind(o.out_dir, 0) == 0);  // nothing outside the output directory
    }
    for (const std::string& name : expected) {
        CHECK(fs::exists(dir.path() / (name + ".dat")));
        CHECK(fs::exists(dir.path() / (name + ".gp")));
        CHECK(fs::exists(dir.path() / (name + ".png")) == r.drawn);
    }

    // A 2-D slice: grid x grid lines of (a, b, loss).
    for (const char* name : {"svm_2d_one", "svm_2d_mean", "softmax_2d_mean", "svm_trajectory"}) {
        const auto blocks = block_shapes(dir.path() / (std::string(name) + ".dat"));
        REQUIRE(!blocks.empty());
        CHECK(blocks[0].lines == o.grid * o.grid);
        CHECK(blocks[0].min_fields == 3);
        CHECK(blocks[0].max_fields == 3);
    }
    // The trajectory's paths: steps + 1 points each, start and end labelled on gradient descent's.
    const auto trajectory = block_shapes(dir.path() / "svm_trajectory.dat");
    REQUIRE(trajectory.size() == 3);
    CHECK(trajectory[1].lines == o.steps + 1);
    CHECK(trajectory[2].lines == o.steps + 1);
    // A 1-D slice: one curve for the example, one for the mean, then the kinks' marks.
    const auto line = block_shapes(dir.path() / "svm_1d.dat");
    REQUIRE(line.size() >= 2);
    CHECK(line[0].lines == o.line_points);
    CHECK(line[1].lines == o.line_points);
    CHECK(line[0].max_fields == 2);
    if (r.kinks > 0) CHECK(line.at(2).lines == r.kinks);
    // The toy: six hinge terms and their sum, then the four kinks.
    const auto toy = block_shapes(dir.path() / "svm_toy.dat");
    REQUIRE(toy.size() == 8);
    CHECK(toy[7].lines == 4);
    // The step sizes: the slice, then the notes' ten step sizes with their labels.
    const auto steps = block_shapes(dir.path() / "svm_step_sizes.dat");
    REQUIRE(steps.size() == 2);
    CHECK(steps[1].lines == 10);
    CHECK(steps[1].min_fields == 3);

    CHECK(r.gd_end_loss < r.gd_start_loss);
    CHECK(r.sweep_best_step > 0.0);
    CHECK_THAT(out.str(), Catch::Contains("the six hinge terms add up to the SVM loss"));
}

TEST_CASE("landscape refuses sizes it cannot draw", "[landscape]") {
    test_support::ScratchDir dir("landscape-bad");
    std::ostringstream out;
    LandscapeFigureOptions o = smoke(dir.path(), out);
    o.grid = 1;
    CHECK_THROWS_AS(run_landscape(o), gradlab::ValueError);
    o = smoke(dir.path(), out);
    o.example = o.data.n_train;
    CHECK_THROWS_WITH(run_landscape(o), Catch::Contains("--example"));
}
