/// \file numerical_gradient.hpp
/// \brief The numerical versus the analytic gradient: options and result, for the tour and the tests (numerical_gradient.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "support/experiment.hpp"

namespace gradlab::examples {

/// Options of run_numerical_gradient().
struct NumericalGradientOptions {
    DataOptions data{DataSource::FashionMnist, {}, 100, 1};  ///< the small batch (n_train rows)
    double init_scale = 1e-4;     ///< W = init_scale * randn
    std::uint64_t seed = 1;
    double h = 1e-5;              ///< the centered differences' step
    std::size_t timing_repeats = 20; ///< analytic gradients timed (their mean is reported)
    std::ostream* out = nullptr;
};

/// What run_numerical_gradient() measured.
struct NumericalGradientResult {
    double loss0 = 0.0;                  ///< L(W) before any step
    std::vector<double> step_sizes;      ///< the sweep's step sizes, 1e-10 ... 1e-1
    std::vector<double> losses;          ///< L(W - step * numerical gradient) for each
    double best_step_size = 0.0;         ///< the step size with the lowest loss
    double best_loss = 0.0;              ///< that loss
    std::size_t parameters = 0;          ///< elements of W
    std::size_t numerical_evaluations = 0; ///< loss evaluations one numerical gradient took
    double numerical_seconds = 0.0;      ///< wall time of one numerical gradient
    double analytic_seconds = 0.0;       ///< mean wall time of one analytic gradient (tape)
    double max_relative_error = 0.0;     ///< numerical versus analytic, over all elements
};

/// The step-size sweep along the numerical gradient, and its cost (numerical_gradient.cpp).
NumericalGradientResult run_numerical_gradient(const NumericalGradientOptions& options);

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int numerical_gradient_main(int argc, char** argv);

}  // namespace gradlab::examples
