/// \file tape.hpp
/// \brief The reverse-mode tape: records a forward pass, then walks it backwards.
///
/// How it works, in four invariants:
/// 1. **Append-only.** Every op appends one Node holding its (concrete) value, the ids of its
///    inputs and a backward function. Inputs always exist before the op that uses them, so the
///    node list is already in topological order.
/// 2. **Backward is a reverse loop.** `backward(L)` seeds dL/dL = 1 and visits the nodes from L
///    down to the first, calling each node's backward function and adding (`+=`) the results into
///    its inputs' gradients. No recursion, no sort. Fan-out (a value used twice) needs nothing
///    special: both uses add into the same gradient.
/// 3. **Broadcasting is undone in one place.** A backward function returns each input's gradient
///    in the shape it had in the op (possibly broadcast); the tape sums it back down to the input's
///    own shape (sum_to_shape), so no op repeats that logic.
/// 4. **Only what needs a gradient gets one.** A node requires a gradient iff one of its inputs
///    does, or it is a watched Parameter or a variable(). Constants, and everything computed only
///    from constants, are skipped by backward and cost no gradient memory.
///
/// A tape is meant to be cheap to reuse: `reset()` forgets the nodes (their handles become
/// invalid and say so) but keeps the node storage and gradient buffers for the next iteration.
///
/// Backward may be called more than once on the same tape (say, for two different outputs): each
/// call recomputes the intermediate gradients from scratch and *adds* into the Parameters' grads,
/// as PyTorch does; call Parameter::zero_grad() between optimizer steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "parameter.hpp"
#include "tensor.hpp"

namespace gradlab {

class Tape;

/// A handle to one value on a tape: {tape, node id}. Cheap to copy; ops take and return Vars.
/// A Var is valid until its tape is reset or destroyed; using it afterwards throws TapeError.
class Var {
public:
    /// An empty handle that refers to no tape; every accessor throws TapeError.
    Var() = default;

    /// The value this op computed in the forward pass.
    const Tensor& value() const;
    /// dL/d(this value) after backward(L); zeros if backward has not reached this node.
    Tensor grad() const;
    /// Shape of the value.
    const Shape& shape() const;
    /// The tape that holds this value (throws TapeError for an empty handle).
    Tape& tape() const;
    /// Position on the tape (creation order).
    std::size_t id() const { return id_; }
    /// True if some watched Parameter or variable() influences this value.
    bool requires_grad() const;

private:
    friend class Tape;
    Var(Tape* tape, std::size_t id, std::uint64_t generation)
        : tape_(tape), id_(id), generation_(generation) {}
    Tape* tape_ = nullptr;
    std::size_t id_ = 0;
    std::uint64_t generation_ = 0;
};

/// What a backward function is given: the gradient flowing into the op's output and the values
/// of its output and inputs (no copies: references into the tape).
struct BackwardArgs {
    const Tensor& grad;                 ///< dL/d(output), shape of the output
    const Tensor& out;                  ///< the op's forward value
    std::vector<const Tensor*> inputs;  ///< the inputs' forward values, in call order
    std::vector<bool> needs;            ///< needs[i]: does input i want a gradient?

    const Tensor& input(std::size_t i) const { return *inputs[i]; }
    bool needs_grad(std::size_t i) const { return needs[i]; }
};

/// One gradient per input, in input order. An entry may have the input's shape or the broadcast
/// shape the op computed in (the tape sums it back down). For an input with needs_grad(i) false
/// the entry is ignored, so an op may skip that work and put `Tensor()` there.
using Grads = std::vector<Tensor>;

/// Computes an op's input gradients from its output gradient.
using BackwardFn = std::function<Grads(const BackwardArgs&)>;

/// One recorded value. Public so that inspection (tables, DOT, the gradient checker's kink
/// reports) can read it; only the tape writes it.
struct Node {
    std::string op;                     ///< op name: "matmul", "relu", "param", "const", ...
    std::string label;                  ///< for leaves: the Parameter's or variable's name
    Tensor value;                       ///< forward value (always a concrete array)
    Tensor grad;                        ///< dL/dvalue, valid when has_grad
    std::vector<std::size_t> inputs;    ///< ids of the input nodes
    BackwardFn backward;                ///< empty for leaves
    Parameter* param = nullptr;         ///< set for watch(): backward adds grad into param->grad
    bool requires_grad = false;         ///< see invariant 4 in tape.hpp
    bool has_grad = false;              ///< backward reached this node during the last pass
    /// Kink ops (relu, abs, max, hinge, ...) store which branch each element of the output took
    /// (e.g. relu: 1 where the input was > 0). Two tapes of the same function at nearby points
    /// disagree here exactly where a coordinate crossed the kink. Empty for smooth ops.
    std::vector<std::uint8_t> branch;
};

/// Records ops; computes gradients by one reverse pass. Not copyable or movable: Vars point at it.
class Tape {
public:
    Tape() = default;
    Tape(const Tape&) = delete;
    Tape& operator=(const Tape&) = delete;

    /// Puts a Parameter on the tape. Its value is copied in; backward adds dL/dW into p.grad.
    /// The Parameter must outlive this tape's next backward().
    Var watch(Parameter& p);
    /// A leaf that wants a gradient but is not a Parameter (read it back with Var::grad()).
    Var variable(Tensor value, std::string name = "x");
    /// A leaf that never gets a gradient: data, labels-as-masks, fixed numbers.
    Var constant(Tensor value, std::string name = "const");
    /// A constant scalar (0-d tensor).
    Var scalar(double value);

    /// Appends an op: its value, its inputs and how to send a gradient back to them. This is how
    /// every built-in op is written, and how you add your own (see ops.hpp for examples):
    /// \code
    /// Var cube(const Var& x) {   // d(x^3)/dx = 3x^2
    ///     Tensor v = x.value() * x.value() * x.value();
    ///     return x.tape().record("cube", std::move(v), {x}, [](const BackwardArgs& a) {
    ///         return Grads{a.grad * 3.0 * a.input(0) * a.input(0)};
    ///     });
    /// }
    /// \endcode
    /// Inside a NoGrad scope the op is recorded as a constant (no backward).
    Var record(std::string op, Tensor value, const std::vector<Var>& inputs, BackwardFn backward,
               std::vector<std::uint8_t> branch = {});
    /// The same for a braced list of inputs, `{x}` or `{a, b}` (no vector is allocated).
    Var record(std::string op, Tensor value, std::initializer_list<Var> inputs, BackwardFn backward,
               std::vector<std::uint8_t> branch = {});

    /// Backpropagates from a scalar (one-element) loss: seeds dL/dL = 1.
    void backward(const Var& loss);
    /// Backpropagates from any output with an explicit seed gradient of the output's shape
    /// (the vector in a vector-Jacobian product).
    void backward(const Var& out, const Tensor& seed);

    /// Forgets every node (handles become invalid) but keeps the storage for reuse.
    void reset();
    /// Number of nodes recorded since the last reset.
    std::size_t size() const { return size_; }
    /// Node `id`, 0 <= id < size().
    const Node& node(std::size_t id) const;
    /// The node a handle refers to (checks that it belongs to this tape and is still valid).
    const Node& node(const Var& v) const;

    /// When on, every op's value and every gradient is checked as it is made, and the first
    /// non-finite one throws ValueError naming the op and its node id (log(0), 0/0, ...).
    void set_anomaly_mode(bool on) { anomaly_ = on; }
    bool anomaly_mode() const { return anomaly_; }
    /// False inside a NoGrad scope.
    bool grad_enabled() const { return no_grad_depth_ == 0; }

private:
    friend class Var;
    friend class NoGrad;
    Node& append(std::string&& op, Tensor&& value);
    Var record_impl(std::string&& op, Tensor&& value, const Var* inputs, std::size_t count,
                    BackwardFn backward, std::vector<std::uint8_t> branch);
    const Node& checked(const Var& v, const char* what) const;
    Var handle(std::size_t id) { return Var(this, id, generation_); }

    std::vector<Node> nodes_;  // nodes_[0, size_) are live; the rest keep buffers for reuse
    std::size_t size_ = 0;
    std::uint64_t generation_ = 1;
    int no_grad_depth_ = 0;
    bool anomaly_ = false;
};

/// RAII scope in which ops on `tape` record values but no backward (like torch.no_grad()).
class NoGrad {
public:
    explicit NoGrad(Tape& tape) : tape_(tape) { ++tape_.no_grad_depth_; }
    ~NoGrad() { --tape_.no_grad_depth_; }
    NoGrad(const NoGrad&) = delete;
    NoGrad& operator=(const NoGrad&) = delete;

private:
    Tape& tape_;
};

/// The same value, cut off from the graph: gradients do not flow through it.
Var detach(const Var& v);

/// Sums a (broadcast) gradient back down to `shape` by numpy's rules: leading axes the operand
/// lacked are summed away, and axes where the operand had size 1 are summed with keepdims.
/// Throws ShapeError naming `op` if `shape` does not broadcast to g's shape.
Tensor sum_to_shape(const Tensor& g, const Shape& shape, const char* op = "sum_to_shape");

/// The numpy broadcast of two shapes; throws ShapeError naming `op` and both shapes otherwise.
Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b);

}  // namespace gradlab
