/// \file tape_graph.hpp
/// \brief The tape, drawn: options and result, for the tour and the tests (tape_graph.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

namespace gradlab::examples {

/// Options of run_tape_graph().
struct TapeGraphOptions {
    std::size_t n = 3;           ///< examples in the tiny batch
    std::size_t dims = 4;        ///< features
    std::size_t classes = 3;     ///< classes
    double reg = 0.1;            ///< L2 strength, so the graph shows the full loss
    std::uint64_t seed = 5;
    std::string out_dir = "tape-graph-output"; ///< where tape_graph.dot (and .png) go
    bool render = true;          ///< run Graphviz's `dot -Tpng` when it is installed
    std::ostream* out = nullptr;
};

/// What run_tape_graph() wrote.
struct TapeGraphResult {
    double loss = 0.0;           ///< the full loss's value
    std::size_t nodes = 0;       ///< nodes on the tape
    std::string table;           ///< the printed tape table
    std::string dot_path;        ///< the DOT file written
    std::string png_path;        ///< the PNG rendered, or "" if `dot` was missing or not asked
};

/// The SVM loss of a tiny batch, its tape printed and drawn (tape_graph.cpp).
TapeGraphResult run_tape_graph(const TapeGraphOptions& options);

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int tape_graph_main(int argc, char** argv);

}  // namespace gradlab::examples
