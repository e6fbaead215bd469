/// \file parameter.hpp
/// \brief A trainable tensor that outlives the tapes: its value and the gradient backward left.
#pragma once

#include <string>
#include <utility>

#include "tensor.hpp"

namespace gradlab {

/// A parameter W of a model: it persists across iterations while a fresh tape records each
/// forward pass. `Tape::watch(W)` puts it on a tape; `Tape::backward` adds dL/dW into `grad`
/// (accumulates: call zero_grad() between steps); optimizers read `grad` and update `value`.
struct Parameter {
    Tensor value;      ///< the current value
    Tensor grad;       ///< dL/dvalue, same shape as value; zero until a backward pass adds to it
    std::string name;  ///< shown in reports and tape printouts ("W", "b")

    /// A parameter with initial value `v`, a zero gradient of its shape, and a name for reports.
    explicit Parameter(Tensor v, std::string n = "")
        : value(std::move(v)), grad(zeros(value.shape())), name(std::move(n)) {}

    /// Sets grad to zeros of value's shape (also after value was given a new shape).
    void zero_grad() { grad = zeros(value.shape()); }
};

}  // namespace gradlab
