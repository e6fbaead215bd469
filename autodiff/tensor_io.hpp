/// \file tensor_io.hpp
/// \brief Printing tensors: `std::cout << t` (xtensor's stream operator) and `fmt::print("{}", t)`.
///
/// Kept out of tensor.hpp so that only the translation units that print a tensor include
/// xtensor's printing machinery (xio.hpp and, through it, the iostreams).
#pragma once

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <xtensor/xio.hpp>

#include "tensor.hpp"

/// \cond FMT_GLUE
// Tensors print with fmt through xtensor's stream operator.
template <>
struct fmt::formatter<gradlab::Tensor> : fmt::ostream_formatter {};
/// \endcond
