/// \file optimizer.hpp
/// \brief The common base of the optimizers: iteration counter, learning rate, per-parameter
/// state buffers, and that state as plain named tensors for checkpoints.
///
/// Every optimizer follows the same contract (the notes' strategy 3, "follow the gradient"):
/// someone filled `Parameter::grad` (the tape, a hand-written gradient, a numerical one), then
/// `step(params)` reads each grad and updates each value in place. An optimizer never computes a
/// loss and never clears grads -- the training loop (fit.hpp) does that.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <gradlab/autodiff/parameter.hpp>
#include <gradlab/optim/schedule.hpp>

namespace gradlab::optim {

/// A learning rate: either a constant or a Schedule of the iteration number. Converts implicitly
/// from a `double` and from any schedule (`CosineLR{...}`, a lambda `double(std::size_t)`), so
/// `Sgd(0.1)` and `Sgd(CosineLR(0.1, 1000))` both read naturally.
class LearningRate {
public:
    /// A constant rate; must be positive and finite (checked by the optimizer, which names itself).
    LearningRate(double constant);  // NOLINT(google-explicit-constructor): implicit on purpose
    /// Any callable `double(std::size_t t)`; its values are checked at each step.
    template <class F, class = std::enable_if_t<!std::is_arithmetic_v<std::decay_t<F>> &&
                                                std::is_invocable_r_v<double, F&, std::size_t>>>
    LearningRate(F schedule) : schedule_(std::move(schedule)) {}  // NOLINT

    /// The rate at iteration t (from 0).
    double operator()(std::size_t t) const { return schedule_ ? schedule_(t) : constant_; }
    /// True for a constant rate (then it can be validated once, at construction).
    bool is_constant() const { return !schedule_; }

private:
    double constant_ = 0.0;
    Schedule schedule_;
};

/// An optimizer's state as plain data: what a checkpoint stores and load_state() reads back.
/// Per-parameter buffers are named "<buffer>/<index>", e.g. "m/0", "v/0", "m/1", ...
struct OptimizerState {
    std::string kind;                                     ///< "Adam", "Momentum", ...
    std::uint64_t iteration = 0;                          ///< steps taken so far
    std::vector<std::pair<std::string, Tensor>> tensors;  ///< buffers, in a fixed order
};

/// Base class of gradlab's optimizers: holds the iteration counter t, the learning rate
/// \f$ \eta_t \f$ and named state buffers, validates parameters before every step, and turns the
/// buffers into an OptimizerState (and back) for checkpoints.
class Optimizer {
public:
    virtual ~Optimizer() = default;

    /// One update of every parameter from its gradient: reads `p->grad`, writes `p->value`.
    /// Throws ShapeError if a grad's shape differs from its value's (naming the parameter), or
    /// if the parameters are not the ones the state buffers were made for.
    virtual void step(const std::vector<Parameter*>& params) = 0;

    /// The optimizer's name, as stored in checkpoints ("Sgd", "Adam", ...).
    virtual std::string kind() const = 0;

    /// Number of steps taken so far (t in the update rules; the schedule's argument).
    std::size_t iteration() const { return t_; }

    /// The learning rate the next step will use, \f$ \eta_t \f$.
    double learning_rate() const { return lr_(t_); }
    /// The weight decay \f$ \lambda \f$ (0: none).
    double weight_decay() const { return weight_decay_; }

    /// The state (iteration + every buffer) as named tensors, for a checkpoint.
    virtual OptimizerState state() const;

    /// Replaces the state with `s`. Throws ValueError if `s` was made by another kind of optimizer
    /// or names an unknown buffer; on error the current state is left untouched.
    virtual void load_state(const OptimizerState& s);

protected:
    /// `name` is used in error messages ("Adam.step: ..."). `weight_decay` \f$ \lambda \f$ must be
    /// finite and >= 0 (ValueError naming the optimizer otherwise).
    Optimizer(std::string name, LearningRate lr, double weight_decay = 0.0);

    /// Declares a named buffer. A per-parameter buffer is filled with zeros shaped like each
    /// parameter on the first step; others (L-BFGS history) are managed by the derived class.
    void declare_buffer(const std::string& name, bool per_parameter = true);

    /// The buffer called `name` (one tensor per parameter for per-parameter buffers).
    std::vector<Tensor>& buffer(const std::string& name);

    /// Call first in step(): validates params (non-null, grad shape == value shape, finite grad),
    /// creates or checks the per-parameter buffers, and returns \f$ \eta_t \f$ (checked > 0).
    double begin_step(const std::vector<Parameter*>& params);

    /// The gradient the update rule follows: with weight decay, \f$ g + \lambda w \f$ -- the
    /// gradient of the loss plus the L2 penalty \f$ \tfrac{\lambda}{2}\|w\|^2 \f$ -- else `p.grad`
    /// itself (no copy). The decayed one lives in a scratch tensor that the next call overwrites.
    const Tensor& decayed_grad(const Parameter& p);
    /// Call last in step(): advances t.
    void end_step() { ++t_; }

    /// "Adam" etc., for messages.
    const std::string& name() const { return name_; }

    /// Throws ValueError "<op>: <what> must be ..., got v" unless lo <= v (or lo < v) and v finite.
    static void require_in_range(const std::string& op, const char* what, double v, double lo,
                                 double hi, bool lo_open, bool hi_open);

private:
    std::string name_;
    LearningRate lr_;
    double weight_decay_;
    Tensor decayed_;  // decayed_grad's scratch
    std::size_t t_ = 0;
    std::map<std::string, std::vector<Tensor>> buffers_;
    std::map<std::string, bool> per_parameter_;
};

/// Sets every parameter's grad to zero (what fit does after each step).
void zero_grad(const std::vector<Parameter*>& params);

}  // namespace gradlab::optim
