/// \file gradcheck_probe.hpp
/// \brief Internal to the gradient checker (gradcheck*.cpp): the probing engine they share.
///
/// Not part of the public API; it is installed with the other headers only because it lives next
/// to them. Use gradcheck.hpp.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "gradcheck.hpp"

namespace gradlab::detail {

/// One element of one input: the unit of probing.
struct Coordinate {
    std::size_t input;  ///< index into the inputs list
    std::size_t flat;   ///< row-major index into that input
};

/// f with one coordinate moved up and down by h.
struct ProbeValues {
    double plus;   ///< f(x + h e_i)
    double minus;  ///< f(x - h e_i)
};

/// Evaluates `f` with each coordinate in turn moved by +h and by -h, restoring it bit for bit
/// after. With `threads` != 1 the coordinates are split in contiguous slices, one per std::thread,
/// and every thread probes its own copy of `inputs`; a slice whose thread cannot be started is
/// probed by the calling thread. Throws ValueError (naming `op`, the input's
/// name and the element's index) if f is not finite at a probe; an exception in any thread stops
/// the others and is rethrown here.
std::vector<ProbeValues> probe_coordinates(const char* op, const MultiScalarFn& f,
                                           const std::vector<NamedInput>& inputs,
                                           const std::vector<Coordinate>& coords, double h,
                                           unsigned threads);

/// Throws ValueError naming `op` unless h is finite and in [kMinStep, kMaxStep]; the message
/// explains round-off.
void require_step(const char* op, double h);

/// Throws ValueError naming `op` and `element` if x + h or x - h rounds back to x.
void require_resolvable(const char* op, const std::string& element, double x, double h);

/// How probe_coordinates starts a thread; may throw std::system_error as std::thread does.
using ThreadStarter = std::function<std::thread(std::function<void()>)>;

/// Replaces how threads are started (empty: std::thread itself). For tests, which make thread
/// creation fail on purpose; not thread-safe: set it while no check runs.
void set_thread_starter(ThreadStarter starter);

/// Starts `body` on a new thread through the current ThreadStarter.
std::thread start_thread(std::function<void()> body);

/// The row-major multi-index of `flat` in `shape`.
std::vector<std::size_t> unravel(const Shape& shape, std::size_t flat);

/// "(1, 2)" for a multi-index; "()" for a scalar.
std::string index_str(const std::vector<std::size_t>& index);

/// 0 becomes std::thread::hardware_concurrency() (at least 1).
unsigned resolve_threads(unsigned threads);

}  // namespace gradlab::detail
