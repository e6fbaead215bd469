// The tour at smoke size runs end to end and prints its summary.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>

#include "../support/scratch_dir.hpp"
#include "example_testing.hpp"
#include "tour.hpp"

using namespace gradlab::examples;
using Catch::Contains;

// [tour-guarantees]
TEST_CASE("the smoke tour runs every step in order and ends with the summary table") {
    test_support::ScratchDir dir("tour");
    std::ostringstream out;
    TourOptions base;
    base.data.source = DataSource::Blobs;
    base.out_dir = (dir.path() / "out").string();
    base.out = &out;
    const TourOptions o = smoke_tour_options(base);
    CHECK(o.smoke);
    CHECK(o.data.source == DataSource::Blobs);
    const TourResult r = run_tour(o);

    REQUIRE(r.strategies.size() == 3);
    CHECK(r.strategies[0].strategy == "random search");
    CHECK(r.strategies[1].strategy == "random local search");
    CHECK(r.strategies[2].strategy == "gradient descent");
    CHECK(r.strategies[1].best_loss < r.strategies[0].best_loss);
    CHECK(r.strategies[2].best_loss < r.strategies[1].best_loss);
    CHECK(r.checks.all_passed);
    CHECK(r.custom_loss.all_passed);
    CHECK(r.train.test_accuracy > 0.5);
    CHECK(r.timings.size() == 9);
    CHECK(r.landscape.figures.size() == 9);  // the loss-landscape chapter drew every figure
    CHECK(r.landscape.gd_end_loss < r.landscape.gd_start_loss);
    for (const std::string& f : r.files) {
        INFO(f);
        CHECK(std::filesystem::exists(f));
        CHECK(f.rfind(base.out_dir, 0) == 0);  // nothing written outside --out
    }
    CHECK_THAT(r.summary, Contains("== Summary =="));
    CHECK_THAT(r.summary, Contains("random local search"));
    CHECK_THAT(r.summary, Contains("gradient check"));
    CHECK_THAT(r.summary, Contains("numerical"));
    CHECK_THAT(out.str(), Contains(r.summary));
}
// [tour-guarantees]

TEST_CASE("tour --data blobs at full size runs through (the training step's validation fits the 5000 blobs)") {
    test_support::ScratchDir dir("tour-blobs");
    std::ostringstream out;
    TourOptions o;  // full size: all 5000 blobs for the strategies, training on the whole split
    o.data.source = DataSource::Blobs;
    o.data.n_train = 0;
    o.data.n_test = 0;
    o.tries = 200;  // fewer evaluations keep the test short; the training step is the one that failed
    o.out_dir = (dir.path() / "out").string();
    o.out = &out;
    const TourResult r = run_tour(o);
    CHECK(r.train.n_train == 4500);
    CHECK(r.train.test_accuracy > 0.9);
    CHECK(r.checks.all_passed);
}
