/// \file parameter.hpp
/// \brief A trainable tensor that outlives the tapes: its value and the gradient backward left.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "tensor.hpp"

namespace gradlab {

struct Parameter;

namespace detail {

/// Where a watched Parameter lives now (issue 16). A tape keeps one of these per watch() instead
/// of a bare `Parameter*`, so that backward can tell a live Parameter from a dead one: the
/// Parameter points it at itself, moves it along when the Parameter is moved (so a Parameter in
/// a growing std::vector keeps receiving its gradient) and nulls it when it is destroyed (so
/// backward throws TapeError instead of writing into freed memory). Not for users.
struct ParameterLink {
    Parameter* param = nullptr;  ///< the Parameter that holds the watched value now; null once gone
};

}  // namespace detail

/// A parameter W of a model: it persists across iterations while a fresh tape records each
/// forward pass. `Tape::watch(W)` puts it on a tape; `Tape::backward` adds dL/dW into `grad`
/// (accumulates: call zero_grad() between steps); optimizers read `grad` and update `value`.
///
/// A tape refers to the Parameters it watched until its backward pass. Moving a Parameter
/// (`Parameter b = std::move(a);`, or a std::vector<Parameter> growing) takes that along: the
/// gradient goes to the Parameter the value was moved into. A Parameter destroyed (or overwritten
/// by moving another one into it) before the backward pass of a tape that watched it makes that
/// backward throw TapeError naming it; a moved-from Parameter cannot be watched until it is given
/// a value again. Copying makes a new, independent Parameter that no tape has watched yet.
struct Parameter {
    Tensor value;      ///< the current value
    Tensor grad;       ///< dL/dvalue, same shape as value; zero until a backward pass adds to it
    std::string name;  ///< shown in reports and tape printouts ("W", "b")

    /// A parameter with initial value `v`, a zero gradient of its shape, and a name for reports.
    /// Throws ShapeError naming the Parameter if v's shape is above kMaxTensorElements or v does
    /// not hold the elements its shape needs (a moved-from Tensor).
    explicit Parameter(Tensor v, std::string n = "") : value(std::move(v)), name(std::move(n)), link_(new_link()) {
        require_leaf_tensor("Parameter", name.empty() ? "W" : name.c_str(), value);
        grad = zeros(value.shape());
    }

    /// A new Parameter with a copy of `other`'s value, gradient and name (not watched by any tape).
    Parameter(const Parameter& other)
        : value(other.value), grad(other.grad), name(other.name), link_(new_link()) {}

    /// Takes `other`'s value, gradient and name, and the tapes' references to it: their backward
    /// passes send the gradient here. `other` is left moved-from (watch() refuses it).
    Parameter(Parameter&& other) noexcept
        : value(std::move(other.value)), grad(std::move(other.grad)), name(std::move(other.name)),
          link_(std::move(other.link_)) {
        if (link_) link_->param = this;
    }

    /// Copies `other`'s value, gradient and name; tapes that watched this Parameter keep sending
    /// their gradient here.
    Parameter& operator=(const Parameter& other) {
        value = other.value;
        grad = other.grad;
        name = other.name;
        return *this;
    }

    /// Takes `other`'s contents and the tapes' references to it. What this Parameter held before
    /// is gone: a tape that watched it throws TapeError at backward, as if it had been destroyed.
    Parameter& operator=(Parameter&& other) noexcept {
        if (this == &other) return *this;
        if (link_) link_->param = nullptr;
        value = std::move(other.value);
        grad = std::move(other.grad);
        name = std::move(other.name);
        link_ = std::move(other.link_);
        if (link_) link_->param = this;
        return *this;
    }

    /// Tells the tapes that watched this Parameter that it is gone (their backward throws).
    ~Parameter() {
        if (link_) link_->param = nullptr;
    }

    /// Sets grad to zeros of value's shape (also after value was given a new shape).
    void zero_grad() { grad = zeros(value.shape()); }

private:
    friend class Tape;
    // Made with the Parameter (so that tapes on several threads may watch one Parameter: watch()
    // only reads it), shared with every tape that watches it; null once moved from, until a
    // watch() of the refilled Parameter makes a new one.
    std::shared_ptr<detail::ParameterLink> link_;
    std::shared_ptr<detail::ParameterLink> new_link() {
        auto link = std::make_shared<detail::ParameterLink>();
        link->param = this;
        return link;
    }
};

}  // namespace gradlab
