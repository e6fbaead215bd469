/// \file gradient_descent.hpp
/// \brief Strategy 3, following the gradient: its options, for the tour and the tests (gradient_descent.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "support/experiment.hpp"

namespace gradlab::examples {

/// Strategy 3, following the gradient: full-batch gradient descent from the same W0 as strategy 2.
struct GradientDescentOptions {
    DataOptions data;
    std::size_t steps = 999;      ///< steps + 1 evaluations: the same budget as the other two
    double init_scale = 1e-3;
    /// On raw pixels (0..255) the SVM gradient is large; the notes' sweep also found ~1e-6 best.
    double step_size = 1e-6;
    std::uint64_t seed = 1;
    std::size_t print_every = 100;
    std::ostream* out = nullptr;
};

/// Strategy 3 (gradient_descent.cpp).
StrategyResult run_gradient_descent(const GradientDescentOptions& options);

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int gradient_descent_main(int argc, char** argv);

}  // namespace gradlab::examples
