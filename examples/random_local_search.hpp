/// \file random_local_search.hpp
/// \brief Strategy 2, random local search: its options, for the tour and the tests (random_local_search.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "support/experiment.hpp"

namespace gradlab::examples {

/// Strategy 2, random local search: from W0 = init_scale * randn, try W + step * randn and keep it
/// only if the loss went down.
struct RandomLocalSearchOptions {
    DataOptions data;
    std::size_t tries = 1000;     ///< proposals (the notes: the same 1000 evaluations)
    double init_scale = 1e-3;     ///< W0 = init_scale * randn (the notes' starting point)
    double step_size = 1e-4;      ///< perturbation scale (the notes: 0.0001)
    std::uint64_t seed = 1;
    std::size_t print_first = 10;
    std::size_t print_every = 100;
    std::ostream* out = nullptr;
};

/// Strategy 2 (random_local_search.cpp).
StrategyResult run_random_local_search(const RandomLocalSearchOptions& options);

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int random_local_search_main(int argc, char** argv);

}  // namespace gradlab::examples
