/// \file tape.hpp
/// \brief The reverse-mode tape: records a forward pass, then walks it backwards.
///
/// How it works, in four invariants:
/// 1. **Append-only.** Every op appends one Node holding its (concrete) value, the ids of its
///    inputs and a backward function. Inputs always exist before the op that uses them, so the
///    node list is already in topological order.
/// 2. **Backward is a reverse loop.** `backward(L)` seeds dL/dL = 1 and visits the nodes from L
///    down to the first, calling each node's backward function, which adds (`+=`) its share into
///    its inputs' gradients. No recursion, no sort. Fan-out (a value used twice) needs nothing
///    special: both uses add into the same gradient.
/// 3. **Broadcasting is undone in one place.** An op may hand back an input's gradient in the
///    shape it had in the op (possibly broadcast); BackwardArgs::accumulate sums it back down to
///    the input's own shape (sum_to_shape), so no op repeats that logic.
/// 4. **Only what needs a gradient gets one.** A node requires a gradient iff one of its inputs
///    does, or it is a watched Parameter or a variable(). Constants, and everything computed only
///    from constants, are skipped by backward and cost no gradient memory.
///
/// Backward may be called more than once on the same tape (say, for two different outputs): each
/// call recomputes the intermediate gradients from scratch and *adds* into the Parameters' grads,
/// as PyTorch does; call Parameter::zero_grad() between optimizer steps.
///
/// **Performance paths.** The four invariants are the whole algorithm; three things on top of it
/// only make it fast, and are marked "performance path" where they sit. (a) `reset()` forgets the
/// nodes but keeps their storage, so the next iteration's nodes reuse the value and gradient
/// buffers of the last one (Tape::append, the `store` copy in tape.cpp, BackwardArgs::grad_in).
/// (b) `record_into` lets an op write its value straight into its node's reused buffer instead
/// of returning a fresh Tensor (the built-in elementwise ops use it). (c) A backward function may
/// add into `grad_in(i)` instead of returning Grads, so a backward pass over a tape of the same
/// shapes as the last one allocates nothing (the built-in elementwise ops and matmul do this);
/// Grads itself keeps up to three gradients inline. None of this changes a single number: a
/// fresh tape gives bit-identical values and gradients (tests/autodiff/tape_test.cpp checks).
///
/// **Handles that outlive what they point at** (issue 16) are refused, never undefined behaviour.
/// A Var does not point at its Tape directly but at a small *anchor* the Tape borrows from a
/// process-wide pool whose anchors are never freed, stamped with a generation number that the
/// Tape bumps when it is reset() and when it is destroyed. So a Var can always read its anchor,
/// and a Var whose generation is no longer the anchor's throws TapeError ("the Tape this Var
/// belongs to was destroyed", or "... was reset") -- at the cost of one compare per access. A
/// watched Parameter is reached the same way, through a link it moves along when it is moved and
/// clears when it is destroyed (parameter.hpp): backward throws TapeError naming a Parameter that
/// died before it, and writes no gradient at all in that case.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "broadcast.hpp"
#include "grads.hpp"
#include "parameter.hpp"
#include "tensor.hpp"

namespace gradlab {

class Tape;
struct Node;

namespace detail {
/// What a Var points at instead of its Tape (see "Handles that outlive ..." above); defined in
/// tape.cpp, borrowed from a pool that is never freed.
struct TapeAnchor;
}  // namespace detail

/// A handle to one value on a tape: {tape, node id}. Cheap to copy; ops take and return Vars.
/// A Var is valid until its tape is reset or destroyed; using it afterwards throws TapeError
/// (its accessors name themselves and the node: "Var::value: the Tape this Var belongs to was
/// destroyed (node #3) ...").
class Var {
public:
    /// An empty handle that refers to no tape; every accessor throws TapeError.
    Var() = default;

    /// The value this op computed in the forward pass.
    const Tensor& value() const;
    /// dL/d(this value) after backward(L); zeros if backward has not reached this node.
    Tensor grad() const;
    /// The value of a one-element Var (a loss) as a double: `L.item()` rather than `L.value()()`.
    /// Throws TapeError naming the node and its shape if the value has more or fewer than one
    /// element.
    double item() const;
    /// Shape of the value.
    const Shape& shape() const;
    /// The tape that holds this value (throws TapeError for an empty handle, or if the tape was
    /// destroyed).
    Tape& tape() const;
    /// Position on the tape (creation order).
    std::size_t id() const { return id_; }
    /// True if some watched Parameter or variable() influences this value.
    bool requires_grad() const;

private:
    friend class Tape;
    Var(const detail::TapeAnchor* anchor, std::size_t id, std::uint64_t generation)
        : anchor_(anchor), id_(id), generation_(generation) {}
    // The node this handle refers to, or TapeError naming `what` (empty, destroyed, reset).
    const Node& node(const char* what) const;
    // The tape, alive (possibly reset since), or TapeError naming `what` (empty, destroyed).
    Tape& live_tape(const char* what) const;
    const detail::TapeAnchor* anchor_ = nullptr;
    std::size_t id_ = 0;
    std::uint64_t generation_ = 0;
};

/// What a backward function is given (the one name for it everywhere: `args`): the gradient
/// flowing into the op's output, the values of its output and inputs (references into the tape,
/// no copies), and where to send each input's gradient. There are two ways to send input i its
/// share (Tape::record shows both):
/// 1. return it, entry i of a Grads -- the recommended way, and the simplest;
/// 2. add it into `args.grad_in(i)`, input i's own gradient buffer -- allocation-free (a
///    performance path); `args.accumulate(i, g)` adds a g that is in the op's broadcast shape.
class BackwardArgs {
public:
    const Tensor& grad;  ///< dL/d(output), shape of the output
    const Tensor& out;   ///< the op's forward value

    /// Input i's forward value, in call order (throws TapeError if the op has no input i).
    const Tensor& input(std::size_t i) const;
    /// Does input i want a gradient? (False for constants: the op may skip that work.)
    bool needs_grad(std::size_t i) const;
    /// Number of inputs.
    std::size_t size() const { return count_; }

    /// Input i's gradient for this backward pass, in input i's shape: add (+=) this op's share
    /// into it. It holds zeros before the first share arrives (so a value used twice, even by
    /// the same op, sums its shares), and its memory is reused from the last pass. Throws
    /// TapeError if input i does not need a gradient (check needs_grad(i) first).
    Tensor& grad_in(std::size_t i) const;
    /// Adds g into grad_in(i). g may have input i's shape or the broadcast shape the op computed
    /// in; broadcast axes are summed away first (numpy's rule, undone in this one place). Throws
    /// ShapeError naming the op if g's shape cannot come from input i's by broadcasting.
    void accumulate(std::size_t i, const Tensor& g) const;

private:
    friend class Tape;
    BackwardArgs(const Tensor& output_grad, const Tensor& output, Node* nodes, const std::size_t* ids,
                 std::size_t count, const char* op, std::size_t id)
        : grad(output_grad), out(output), nodes_(nodes), ids_(ids), count_(count), op_(op), id_(id) {}
    Node& node(std::size_t i) const;
    Node* nodes_;
    const std::size_t* ids_;
    std::size_t count_;
    const char* op_;  // the op's name and node id, for error messages
    std::size_t id_;
};

/// What the tape stores for an op: sends the op's input gradients back, given its output gradient
/// (see BackwardArgs for the two ways). Tape::record also takes a function that returns Grads
/// and wraps it into one of these.
using BackwardFn = std::function<void(const BackwardArgs&)>;

/// One recorded value. Public so that inspection (tables, DOT, the gradient checker's kink
/// reports) can read it; only the tape writes it.
struct Node {
    std::string op;                     ///< op name: "matmul", "relu", "param", "const", ...
    std::string label;                  ///< for leaves: the Parameter's or variable's name
    Tensor stored;                      ///< the forward value, unless shared holds it
    std::shared_ptr<const Tensor> shared;  ///< a shared constant's value (Tape::constant(shared_ptr))
    /// The forward value (always a concrete array).
    const Tensor& value() const { return shared ? *shared : stored; }
    Tensor grad;                        ///< dL/dvalue, valid when has_grad
    std::vector<std::size_t> inputs;    ///< ids of the input nodes
    BackwardFn backward;                ///< empty for leaves
    /// Set for watch(): leads to the watched Parameter (wherever it was moved since), into whose
    /// grad backward adds this node's grad; its `param` is null once that Parameter is destroyed.
    std::shared_ptr<detail::ParameterLink> param;
    bool requires_grad = false;         ///< see invariant 4 in tape.hpp
    bool has_grad = false;              ///< backward reached this node during the last pass
    /// Kink ops (relu, abs, max, hinge, ...) store which branch they took, by one rule: one code
    /// per element of the op's inputs broadcast together, row-major -- the input's shape for a
    /// unary op or a reduction (relu: 1 where x > 0; max: 1 at the picked element; svm: 1 per
    /// active margin), the broadcast shape for maximum / minimum. Two tapes of the same function
    /// at nearby points disagree here exactly where a coordinate crossed the kink. Empty for
    /// smooth ops. Tape::record throws TapeError for a branch of any other length. (A fused op
    /// of several inputs that are not elementwise, such as linear_svm(x, W, b), records one code
    /// per element of the scores it computes inside, as its own doc says.)
    std::vector<std::uint8_t> branch;
};

inline Node& BackwardArgs::node(std::size_t i) const {
    if (i >= count_)
        throw TapeError(fmt::format("backward of '{}' (node #{}): input {} requested, but the op has {} input(s)",
                                    op_, id_, i, count_));
    return nodes_[ids_[i]];
}
inline const Tensor& BackwardArgs::input(std::size_t i) const { return node(i).value(); }
inline bool BackwardArgs::needs_grad(std::size_t i) const { return node(i).requires_grad; }

/// Records ops; computes gradients by one reverse pass. Not copyable or movable: Vars point at it.
class Tape {
public:
    /// An empty tape (it borrows an anchor for its Vars from a process-wide pool).
    Tape();
    /// Makes every Var of this tape refuse to be used (TapeError) and returns the anchor.
    ~Tape();
    Tape(const Tape&) = delete;
    Tape& operator=(const Tape&) = delete;

    /// Puts a Parameter on the tape. Its value is copied in; backward adds dL/dW into p.grad
    /// (or into the Parameter p was moved into since). If p is destroyed before this tape's
    /// backward() reaches it, that backward throws TapeError naming p and adds no gradient
    /// anywhere. Throws ShapeError naming p if p.value is moved-from or above kMaxTensorElements
    /// (require_leaf_tensor).
    Var watch(Parameter& p);
    /// A leaf that wants a gradient but is not a Parameter (read it back with Var::grad()).
    /// Throws ShapeError naming it for a tensor require_leaf_tensor refuses.
    Var variable(Tensor value, std::string name = "x");
    /// A leaf that never gets a gradient: data, labels-as-masks, fixed numbers. Throws ShapeError
    /// naming it for a tensor require_leaf_tensor refuses.
    Var constant(Tensor value, std::string name = "const");
    /// A constant that shares `value` instead of copying it: for data that many tapes read (a
    /// training set, a fixed batch, the inputs of a numerical gradient's thousands of probes).
    /// The tape holds a reference, so the tensor stays alive while the tape uses it.
    Var constant(std::shared_ptr<const Tensor> value, std::string name = "const");
    /// A constant scalar (0-d tensor) on this tape. To make a 0-d Tensor (a custom op's value),
    /// use gradlab::scalar(value) (tensor.hpp); to read a one-element Var, Var::item().
    Var scalar(double value);

    /// Appends an op: its value, its inputs and how to send a gradient back to them. This is how
    /// every built-in op is written, and how you add your own (ops.hpp lists the built-in ones).
    /// The recommended way: the backward function returns one gradient per input, in a Grads.
    /// \code
    /// Var cube(const Var& x) {   // d(x^3)/dx = 3x^2
    ///     Tensor v = x.value() * x.value() * x.value();
    ///     return x.tape().record("cube", std::move(v), {x}, [](const BackwardArgs& args) {
    ///         return Grads{args.grad * 3.0 * args.input(0) * args.input(0)};
    ///     });
    /// }
    /// \endcode
    /// The allocation-free way (a performance path): the backward function returns nothing and
    /// adds into the inputs' gradient buffers itself, as the built-in elementwise ops do:
    /// \code
    ///     [](const BackwardArgs& args) {
    ///         Tensor& gx = args.grad_in(0);
    ///         for (std::size_t i = 0; i < gx.size(); ++i)
    ///             gx.flat(i) += args.grad.flat(i) * 3.0 * args.input(0).flat(i) * args.input(0).flat(i);
    ///     }
    /// \endcode
    /// Inside a NoGrad scope the op is recorded as a constant (no backward).
    template <class Backward>
    Var record(std::string op, Tensor value, const std::vector<Var>& inputs, Backward&& backward,
               std::vector<std::uint8_t> branch = {}) {
        return record_impl(std::move(op), std::move(value), inputs.data(), inputs.size(),
                           to_backward_fn(std::forward<Backward>(backward)), std::move(branch));
    }
    /// The same for a braced list of inputs, `{x}` or `{a, b}` (no vector is allocated).
    template <class Backward>
    Var record(std::string op, Tensor value, std::initializer_list<Var> inputs, Backward&& backward,
               std::vector<std::uint8_t> branch = {}) {
        return record_impl(std::move(op), std::move(value), inputs.begin(), inputs.size(),
                           to_backward_fn(std::forward<Backward>(backward)), std::move(branch));
    }

    /// Performance path: appends an op whose value `fill` writes straight into the node's own
    /// buffer, instead of a freshly allocated Tensor handed to record(). `fill(out)`
    /// is given a Tensor of `shape` -- the buffer this node had before the last reset() when the
    /// shape is the same, so nothing is allocated -- and must overwrite every element. Otherwise
    /// as record(); the built-in elementwise ops use it. `fill` must read its inputs through their
    /// Vars (`x.value()`), not through references taken before the call: appending a node may move
    /// the others.
    template <class Fill, class Backward>
    Var record_into(std::string op, Shape shape, std::initializer_list<Var> inputs, Fill&& fill,
                    Backward&& backward, std::vector<std::uint8_t> branch = {}) {
        Node& n = open_record(std::move(op), inputs.begin(), inputs.size());
        n.stored.resize(shape);  // a no-op when the reused buffer already has this shape
        try {
            fill(n.stored);
        } catch (...) {
            --size_;  // the half-made node is forgotten
            throw;
        }
        return close_record(n, inputs.begin(), inputs.size(), to_backward_fn(std::forward<Backward>(backward)),
                            std::move(branch));
    }

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
    /// True while anomaly mode is on (see set_anomaly_mode()).
    bool anomaly_mode() const { return anomaly_; }
    /// False inside a NoGrad scope.
    bool grad_enabled() const { return no_grad_depth_ == 0; }

private:
    friend class Var;
    friend class NoGrad;
    Node& append(std::string&& op);
    Node& append(std::string&& op, Tensor&& value);
    void check_value(const Node& n) const;
    void check_params(std::size_t last, bool after_sweep) const;
    [[noreturn]] void refuse(const Var& v, const char* what) const;
    void check_sent_gradients(std::size_t id) const;
    // A backward function as the tape stores it: one returning Grads is wrapped so that its
    // entries go through BackwardArgs::accumulate.
    template <class Backward>
    static BackwardFn to_backward_fn(Backward&& backward) {
        using Result = std::invoke_result_t<std::decay_t<Backward>&, const BackwardArgs&>;
        if constexpr (std::is_void_v<Result>) {
            return BackwardFn(std::forward<Backward>(backward));
        } else {
            static_assert(std::is_same_v<Result, Grads>,
                          "a backward function returns Grads or nothing (void)");
            return [f = std::forward<Backward>(backward)](const BackwardArgs& args) { send(args, f(args)); };
        }
    }
    static void send(const BackwardArgs& args, Grads&& grads);
    void run_backward(Node& n, const BackwardArgs& args, std::size_t id);
    std::string input_shapes(const Node& n) const;
    // The two halves of recording an op (record_impl and record_into set the value in between).
    Node& open_record(std::string&& op, const Var* inputs, std::size_t count);
    Var close_record(Node& n, const Var* inputs, std::size_t count, BackwardFn&& backward,
                     std::vector<std::uint8_t>&& branch);
    Var record_impl(std::string&& op, Tensor&& value, const Var* inputs, std::size_t count,
                    BackwardFn backward, std::vector<std::uint8_t> branch);
    const Node& checked(const Var& v, const char* what) const;
    Var handle(std::size_t id) { return Var(anchor_, id, generation_); }

    std::vector<Node> nodes_;  // nodes_[0, size_) are live; the rest keep buffers for reuse
    std::size_t size_ = 0;
    std::vector<std::size_t> watched_;  // ids of the watch() nodes since the last reset
    detail::TapeAnchor* anchor_;        // what this tape's Vars point at (pooled, never freed)
    std::uint64_t generation_;          // this tape's current stamp, mirrored in anchor_
    std::uint64_t birth_;               // the stamp it started with: older ones are another tape's
    int no_grad_depth_ = 0;
    bool anomaly_ = false;
};

/// RAII scope in which ops on `tape` record values but no backward (like torch.no_grad()).
class NoGrad {
public:
    /// Until this object is destroyed, ops on `tape` record no backward (scopes nest).
    explicit NoGrad(Tape& tape) : tape_(tape) { ++tape_.no_grad_depth_; }
    ~NoGrad() { --tape_.no_grad_depth_; }
    NoGrad(const NoGrad&) = delete;
    NoGrad& operator=(const NoGrad&) = delete;

private:
    Tape& tape_;
};

/// The same value, cut off from the graph: gradients do not flow through it.
Var detach(const Var& v);

}  // namespace gradlab
