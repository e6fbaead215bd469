/// \file tour.hpp
/// \brief The tour: options and result (tour.cpp). Every experiment's header, since the tour calls each.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "custom_loss.hpp"
#include "gradient_check.hpp"
#include "gradient_descent.hpp"
#include "landscape.hpp"
#include "numerical_gradient.hpp"
#include "random_local_search.hpp"
#include "random_search.hpp"
#include "tape_graph.hpp"
#include "train.hpp"
#include "support/experiment.hpp"

namespace gradlab::examples {

/// Options of run_tour().
struct TourOptions {
    DataOptions data;             ///< the strategies' data; the other steps derive theirs from it
    std::size_t tries = 1000;     ///< evaluations per strategy
    std::size_t epochs = 5;       ///< the training step's epochs (on all of the training split)
    /// Strategy 3's step size; 0 = the best one of the step-size sweep that runs just before it.
    double gd_step_size = 0.0;
    bool smoke = false;           ///< seconds-long sizes everywhere (tests, CI)
    std::string out_dir = "tour-output"; ///< files the tour writes (tape graph, plots, CSV)
    std::uint64_t seed = 1;
    std::ostream* out = nullptr;
};

/// One timed step of the tour.
struct TourTiming {
    std::string step;
    double seconds = 0.0;
};

/// The numbers the tour's summary shows.
struct TourResult {
    std::vector<StrategyResult> strategies;  ///< random search, random local search, gradient descent
    TrainResult train;                       ///< minibatch training on the whole training split
    NumericalGradientResult numerical;
    GradientCheckResult checks;
    CustomLossResult custom_loss;
    TapeGraphResult tape_graph;
    LandscapeFigureResult landscape;         ///< the loss-landscape figures
    std::vector<TourTiming> timings;         ///< wall time of each step
    std::vector<std::string> files;          ///< files written under out_dir
    std::string summary;                     ///< the final summary table, as printed
    double seconds = 0.0;                    ///< wall time of the whole tour
};

/// Every experiment above in the notes' order, then a summary table (tour.cpp).
TourResult run_tour(const TourOptions& options);

/// `base` shrunk to a seconds-long run (300 training and 200 test examples, 40 evaluations per
/// strategy, 2 epochs); the data source stays as given (`tour --smoke` picks blobs unless --data
/// says otherwise).
TourOptions smoke_tour_options(TourOptions base = {});

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int tour_main(int argc, char** argv);

}  // namespace gradlab::examples
