/// \file random_search.hpp
/// \brief Strategy 1, random search: its options, for the tour and the tests (random_search.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "support/experiment.hpp"

namespace gradlab::examples {

/// Strategy 1, random search: W = scale * randn, `tries` times, keep the best.
struct RandomSearchOptions {
    DataOptions data;
    std::size_t tries = 1000;     ///< guesses (loss evaluations), as in the notes
    double scale = 1e-4;          ///< W = scale * randn, as in the notes
    std::uint64_t seed = 1;       ///< seeds the guesses
    std::size_t print_first = 10; ///< "attempt k" lines printed in full before thinning out
    std::size_t print_every = 100;///< then one line every this many attempts
    std::ostream* out = nullptr;  ///< the story; nullptr = std::cout
};

/// Strategy 1 (random_search.cpp).
StrategyResult run_random_search(const RandomSearchOptions& options);

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int random_search_main(int argc, char** argv);

}  // namespace gradlab::examples
