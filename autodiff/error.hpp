/// \file error.hpp
/// \brief The gradlab exception hierarchy.
///
/// Every public entry point validates its input and throws one of these. The message names the
/// operation, the offending shapes or values, and, where it helps, what to try instead, e.g.
/// `matmul: inner dimensions differ: (500, 3073) x (3072, 10)`.
#pragma once

#include <stdexcept>
#include <string>

namespace gradlab {

/// Base of every error gradlab throws on purpose; catch this to catch them all.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Operands whose shapes do not fit the operation (broadcasting, matmul, labels per row, ...).
class ShapeError : public Error {
public:
    using Error::Error;
};

/// A value outside the operation's domain: non-finite input, h <= 0, negative margin, bad label.
class ValueError : public Error {
public:
    using Error::Error;
};

/// Misuse of the tape: a handle from another or a reset tape, backward on a non-scalar without
/// a seed, and the like.
class TapeError : public Error {
public:
    using Error::Error;
};

/// A file that is missing, truncated, of the wrong format, or could not be written.
class IoError : public Error {
public:
    using Error::Error;
};

}  // namespace gradlab
