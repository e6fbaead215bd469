/// \file inspect.hpp
/// \brief Looking inside a tape, for learners: a table of its nodes and a Graphviz drawing.
///
/// \code
/// fmt::print("{}", gradlab::format_tape(tape));   // after backward: values and gradients
/// gradlab::write_dot(tape, "graph.dot");          // then: dot -Tsvg graph.dot -o graph.svg
/// \endcode
///
/// A table row reads: node id, op, label (a leaf's name), input ids, shape, a summary of the value
/// and one of the gradient. A summary is the value itself when it has at most `max_elements`
/// elements, else "min / mean / max" (and the count of non-finite elements, if any). The gradient
/// column says "-" for a node that needs no gradient (constants) and "(none)" for one backward did
/// not reach. A kink op's name is followed by how many elements took each recorded branch, as
/// branch:count pairs: "relu [0:5 1:7]" is a relu with 7 of its 12 elements active.
///
/// Anomaly mode (Tape::set_anomaly_mode) is the third inspection tool: it stops at the first op
/// whose value or gradient is not finite and names it.
#pragma once

#include <cstddef>
#include <string>

#include "tape.hpp"

namespace gradlab {

/// What the table and the drawing show.
struct InspectOptions {
    std::size_t max_elements = 4;  ///< show values of at most this many elements in full
    int precision = 4;             ///< significant digits of printed numbers
};

/// A one-line summary of a tensor: "[1, 2.5]" if it is small, else "min -1.2 / mean 0.3 / max 2"
/// (plus "| 2 non-finite" when some elements are inf or NaN); "()" for no elements.
std::string summarize(const Tensor& t, const InspectOptions& options = {});

/// The tape as a table, one row per node in creation order (the order backward reverses).
std::string format_tape(const Tape& tape, const InspectOptions& options = {});

/// The tape as a Graphviz digraph: one box per node with its op, label, shape, value and gradient
/// summaries; an edge from each input to the op that used it. Leaves that want a gradient are
/// blue, constants grey, kink ops orange, nodes holding a non-finite value red.
std::string to_dot(const Tape& tape, const InspectOptions& options = {});

/// Writes to_dot(tape) to `path` (through a temporary file renamed into place, so a failed write
/// leaves no half-written file). Throws IoError naming the path.
void write_dot(const Tape& tape, const std::string& path, const InspectOptions& options = {});

}  // namespace gradlab
