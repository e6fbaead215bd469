#include "tape.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <mutex>

#include <xtensor/xexception.hpp>

namespace gradlab {

// ---------------------------------------------------------------------------------------------
// Anchors: what a Var points at, so that it can tell a live tape from a dead one (tape.hpp).

namespace detail {

// One per live Tape; pooled and never freed, so reading one through a stale Var is always safe.
// `generation` is the stamp of the Vars the tape hands out now; it only ever grows (bumped when
// a tape takes the anchor, at each reset and when the tape is destroyed), so a stale stamp never
// matches again, whichever tape holds the anchor later. Relaxed atomics: a Var is used on its
// tape's thread; they only keep a (mis)use from another thread from being a data race.
struct TapeAnchor {
    std::atomic<Tape*> tape{nullptr};        // null while the anchor is in the pool
    std::atomic<std::uint64_t> generation{0};
    std::atomic<std::uint64_t> birth{0};     // the generation the current (or last) tape started at
};

}  // namespace detail

namespace {

// The pool: a mutex on taking and returning an anchor only (a Tape's construction and
// destruction), nothing on the per-op path. Allocated once and never destroyed, so that a Tape
// (or Var) that outlives static destruction still finds its anchor.
struct AnchorPool {
    std::mutex mutex;
    std::deque<detail::TapeAnchor> all;  // a deque never moves its elements
    std::vector<detail::TapeAnchor*> free;
};

AnchorPool& anchor_pool() {
    static AnchorPool* pool = new AnchorPool;  // reachable from here: not a leak to LeakSanitizer
    return *pool;
}

}  // namespace

Tape::Tape() {
    AnchorPool& pool = anchor_pool();
    {
        std::lock_guard<std::mutex> lock(pool.mutex);
        if (pool.free.empty()) {
            anchor_ = &pool.all.emplace_back();
        } else {
            anchor_ = pool.free.back();
            pool.free.pop_back();
        }
    }
    birth_ = generation_ = anchor_->generation.load(std::memory_order_relaxed) + 1;
    anchor_->birth.store(birth_, std::memory_order_relaxed);
    anchor_->generation.store(generation_, std::memory_order_relaxed);
    anchor_->tape.store(this, std::memory_order_relaxed);
}

Tape::~Tape() {
    anchor_->generation.store(generation_ + 1, std::memory_order_relaxed);  // every Var is stale now
    anchor_->tape.store(nullptr, std::memory_order_relaxed);
    AnchorPool& pool = anchor_pool();
    std::lock_guard<std::mutex> lock(pool.mutex);
    pool.free.push_back(anchor_);
}

// ---------------------------------------------------------------------------------------------
// Var

Tape& Var::live_tape(const char* what) const {
    // Fast path: the anchor still carries this Var's stamp, so its tape is alive and not reset.
    if (anchor_ != nullptr && anchor_->generation.load(std::memory_order_relaxed) == generation_)
        return *anchor_->tape.load(std::memory_order_relaxed);
    if (anchor_ == nullptr)
        throw TapeError(fmt::format("{}: this handle is empty (default-constructed); it refers to no tape", what));
    Tape* t = anchor_->tape.load(std::memory_order_relaxed);
    if (t == nullptr || generation_ < anchor_->birth.load(std::memory_order_relaxed))
        throw TapeError(fmt::format("{}: the Tape this Var belongs to was destroyed (node #{}); a Var is a handle "
                                    "into its Tape, valid only while that Tape lives (and until its reset())",
                                    what, id_));
    return *t;  // alive but reset since: Tape::checked says so
}

const Node& Var::node(const char* what) const {
    if (anchor_ != nullptr && anchor_->generation.load(std::memory_order_relaxed) == generation_) {
        const Tape& t = *anchor_->tape.load(std::memory_order_relaxed);
        if (id_ < t.size_) return t.nodes_[id_];
    }
    return live_tape(what).checked(*this, what);  // throws, naming what went wrong
}

const Tensor& Var::value() const { return node("Var::value").value(); }

Tensor Var::grad() const {
    const Node& n = node("Var::grad");
    return n.has_grad ? n.grad : zeros(n.value().shape());
}

double Var::item() const {
    const Node& n = node("Var::item");
    if (n.value().size() != 1)
        throw TapeError(fmt::format("Var::item: node #{} ({}) has shape {} ({} elements), not one element; "
                                    "reduce it first (sum, mean) or read value()",
                                    id_, n.op, shape_str(n.value().shape()), n.value().size()));
    return n.value().flat(0);
}

const Shape& Var::shape() const { return value().shape(); }

Tape& Var::tape() const { return live_tape("Var::tape"); }

bool Var::requires_grad() const { return node("Var::requires_grad").requires_grad; }

// ---------------------------------------------------------------------------------------------
// Tape: recording

namespace {

// dst = src. Performance path: a small tensor whose shape matches the buffer left in a reused node
// is copied element by element: moving an xarray swaps or copies its three small-vector shapes, which costs more
// than the arithmetic of a tiny op (this halves the per-op cost of long scalar chains).
void store(Tensor& dst, Tensor&& src) {
    constexpr std::size_t kCopyBelow = 256;
    if (src.size() <= kCopyBelow && same_shape(dst.shape(), src.shape())) {
        std::copy(src.data(), src.data() + src.size(), dst.data());
    } else {
        dst = std::move(src);
    }
}

}  // namespace

const Node& Tape::checked(const Var& v, const char* what) const {
    if (v.anchor_ != anchor_ || v.generation_ != generation_ || v.id_ >= size_) refuse(v, what);
    return nodes_[v.id_];
}

// Why `v` cannot be used on this tape, as a TapeError naming `what`.
void Tape::refuse(const Var& v, const char* what) const {
    if (v.anchor_ == nullptr)
        throw TapeError(fmt::format("{}: this handle is empty (default-constructed); it refers to no tape", what));
    v.live_tape(what);  // throws if v's tape was destroyed
    if (v.anchor_ != anchor_) throw TapeError(fmt::format("{}: the handle belongs to a different tape", what));
    throw TapeError(fmt::format("{}: handle to node #{} is stale: its tape was reset after it was made", what, v.id_));
}

const Node& Tape::node(std::size_t id) const {
    if (id >= size_)
        throw TapeError(fmt::format("Tape::node: no node #{} (the tape holds {})", id, size_));
    return nodes_[id];
}

const Node& Tape::node(const Var& v) const { return checked(v, "Tape::node"); }

// Appends a node with no value yet (the caller sets one), reusing the node storage a reset() left
// behind (performance path: its value and gradient buffers are kept).
Node& Tape::append(std::string&& op) {
    if (size_ == nodes_.size()) nodes_.emplace_back();
    Node& n = nodes_[size_++];
    n.op = std::move(op);
    n.label.clear();
    n.shared.reset();  // n.stored and n.grad keep their old buffers for reuse
    n.inputs.clear();
    n.backward = nullptr;
    n.param.reset();
    n.requires_grad = false;
    n.has_grad = false;
    n.branch.clear();
    return n;
}

// (Tensor&& all the way down: moving an xarray is not free -- it swaps three small-vector shapes --
// and the per-op cost of a long chain of tiny ops is mostly such bookkeeping.)
Node& Tape::append(std::string&& op, Tensor&& value) {
    Node& n = append(std::move(op));
    store(n.stored, std::move(value));
    check_value(n);
    return n;
}

void Tape::check_value(const Node& n) const {
    if (!anomaly_) return;
    const Tensor& v = n.value();
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!std::isfinite(v.flat(i)))
            throw ValueError(fmt::format(
                "anomaly: node #{} ({}) produced a non-finite value: element {} of shape {} is {}",
                size_ - 1, n.op, i, shape_str(v.shape()), v.flat(i)));
}

Var Tape::watch(Parameter& p) {
    const char* label = p.name.empty() ? "W" : p.name.c_str();
    require_leaf_tensor("watch", label, p.value);  // e.g. a moved-from Parameter
    if (!same_shape(p.grad.shape(), p.value.shape()) || p.grad.size() != p.value.size()) p.zero_grad();
    if (!p.link_) p.link_ = p.new_link();  // moved from, then given a value again
    Node& n = append("param");
    n.stored = p.value;  // a copy (the parameter may change before backward), into the reused buffer
    check_value(n);
    n.label = label;
    n.param = p.link_;
    n.requires_grad = grad_enabled();
    watched_.push_back(size_ - 1);
    return handle(size_ - 1);
}

Var Tape::variable(Tensor value, std::string name) {
    require_leaf_tensor("variable", name.c_str(), value);
    Node& n = append("var", std::move(value));
    n.label = std::move(name);
    n.requires_grad = grad_enabled();
    return handle(size_ - 1);
}

Var Tape::constant(Tensor value, std::string name) {
    require_leaf_tensor("constant", name.c_str(), value);
    Node& n = append("const", std::move(value));
    n.label = std::move(name);
    return handle(size_ - 1);
}

Var Tape::constant(std::shared_ptr<const Tensor> value, std::string name) {
    if (!value) throw TapeError(fmt::format("constant '{}': the shared tensor is null", name));
    require_leaf_tensor("constant", name.c_str(), *value);
    Node& n = append("const");
    n.shared = std::move(value);
    check_value(n);
    n.label = std::move(name);
    return handle(size_ - 1);
}

Var Tape::scalar(double value) {
    Tensor t = zeros({});
    t() = value;
    return constant(std::move(t), fmt::format("{}", value));
}

Node& Tape::open_record(std::string&& op, const Var* inputs, std::size_t count) {
    bool requires = false;
    for (std::size_t k = 0; k < count; ++k) requires |= checked(inputs[k], op.c_str()).requires_grad;
    Node& n = append(std::move(op));
    n.requires_grad = requires && grad_enabled();
    return n;
}

Var Tape::close_record(Node& n, const Var* inputs, std::size_t count, BackwardFn&& backward,
                       std::vector<std::uint8_t>&& branch) {
    if (!branch.empty()) {  // the rule stated at Node::branch: one entry per broadcast input element
        Shape in;
        bool broadcast = true;
        try {
            for (std::size_t k = 0; k < count; ++k) in = broadcast_shapes(n.op.c_str(), in, nodes_[inputs[k].id_].value().shape());
        } catch (const ShapeError&) {
            broadcast = false;
        }
        std::size_t elements = 1;
        for (std::size_t d : in) elements *= d;
        // Held to the rule: one-input ops and elementwise ones (inputs broadcast to the output);
        // a fused op such as linear_svm(x, W, b) records per element of its inner scores.
        const bool applies = broadcast && (count <= 1 || same_shape(in, n.value().shape()));
        if (applies && branch.size() != elements) {
            const std::string msg =
                fmt::format("record of '{}': {} branch entries, but its inputs broadcast to shape {} ({} "
                            "elements); Node::branch holds one entry per element of that shape",
                            n.op, branch.size(), shape_str(in), elements);
            --size_;  // the node is not recorded
            throw TapeError(msg);
        }
    }
    check_value(n);
    for (std::size_t k = 0; k < count; ++k) n.inputs.push_back(inputs[k].id_);  // reuses capacity
    if (n.requires_grad) n.backward = std::move(backward);
    n.branch = std::move(branch);
    return handle(size_ - 1);
}

Var Tape::record_impl(std::string&& op, Tensor&& value, const Var* inputs, std::size_t count,
                      BackwardFn backward, std::vector<std::uint8_t> branch) {
    Node& n = open_record(std::move(op), inputs, count);
    store(n.stored, std::move(value));
    return close_record(n, inputs, count, std::move(backward), std::move(branch));
}

void Tape::reset() {
    size_ = 0;
    watched_.clear();
    anchor_->generation.store(++generation_, std::memory_order_relaxed);  // every Var is stale now
}

// ---------------------------------------------------------------------------------------------
// Tape: the backward pass

namespace {

// dst += src for two row-major tensors of the same shape, in place (xtensor's += would build a
// temporary first).
void add_into(Tensor& dst, const Tensor& src) {
    double* d = dst.data();
    const double* s = src.data();
    for (std::size_t i = 0, n = dst.size(); i < n; ++i) d[i] += s[i];
}

}  // namespace

Tensor& BackwardArgs::grad_in(std::size_t i) const {
    Node& in = node(i);
    if (!in.requires_grad)
        throw TapeError(fmt::format("backward of '{}' (node #{}): input {} is a constant and takes no "
                                    "gradient; check needs_grad({}) first",
                                    op_, id_, i, i));
    // First share this pass: zeros, in the buffer the last pass left if it fits (performance path).
    if (!in.has_grad) {
        if (same_shape(in.grad.shape(), in.value().shape())) {
            std::fill(in.grad.data(), in.grad.data() + in.grad.size(), 0.0);
        } else {
            in.grad = zeros(in.value().shape());
        }
        in.has_grad = true;
    }
    return in.grad;
}

namespace {

// Can a gradient of shape g come from an input of shape in by broadcasting (numpy's rules)?
bool broadcasts_from(const Shape& g, const Shape& in) {
    if (g.size() < in.size()) return false;
    for (std::size_t k = 0; k < in.size(); ++k) {
        const std::size_t gd = g[g.size() - in.size() + k];
        if (in[k] != gd && in[k] != 1) return false;
    }
    return true;
}

}  // namespace

void BackwardArgs::accumulate(std::size_t i, const Tensor& g) const {
    Tensor& dst = grad_in(i);
    if (!broadcasts_from(g.shape(), dst.shape()))
        throw ShapeError(fmt::format("backward of '{}' (node #{}), input {}: gradient of shape {} does not fit the "
                                     "input's shape {}; give it that shape (or one the input broadcasts to)",
                                     op_, id_, i, shape_str(g.shape()), shape_str(dst.shape())));
    if (same_shape(g.shape(), dst.shape())) {
        add_into(dst, g);
    } else {  // undo broadcasting (invariant 3)
        add_into(dst, sum_to_shape(g, dst.shape(), op_));
    }
}

void Tape::send(const BackwardArgs& args, Grads&& grads) {
    if (grads.size() != args.size())
        throw TapeError(fmt::format("backward of '{}' (node #{}): returned {} gradients for {} inputs",
                                    args.op_, args.id_, grads.size(), args.size()));
    for (std::size_t k = 0; k < args.size(); ++k)
        if (args.needs_grad(k)) args.accumulate(k, grads[k]);
}

// Calls a node's backward function and holds it to the contract, so that a mistake in a custom
// backward is reported as "backward of <op> (node #k), input i: ..." and not as a bare xtensor
// error or a corrupted gradient: an input's gradient buffer must keep the input's shape (add into
// grad_in(i) with +=, never assign a different shape to it).
void Tape::run_backward(Node& n, const BackwardArgs& args, std::size_t id) {
    try {
        n.backward(args);
    } catch (const xt::broadcast_error& e) {  // e.g. grad_in(i) += g for a g that does not fit
        throw ShapeError(fmt::format("backward of '{}' (node #{}): a gradient does not fit its input's shape "
                                     "(input shapes: {}): {}",
                                     n.op, id, input_shapes(n), e.what()));
    }
    for (std::size_t k = 0; k < n.inputs.size(); ++k) {
        const Node& in = nodes_[n.inputs[k]];
        if (in.has_grad && !same_shape(in.grad.shape(), in.value().shape()))
            throw ShapeError(fmt::format("backward of '{}' (node #{}), input {}: its gradient now has shape {} but the "
                                         "input has shape {}; add into grad_in({}) with +=, or return the gradient "
                                         "in Grads, rather than assigning a tensor of another shape",
                                         n.op, id, k, shape_str(in.grad.shape()), shape_str(in.value().shape()), k));
    }
}

std::string Tape::input_shapes(const Node& n) const {
    std::string s;
    for (std::size_t k = 0; k < n.inputs.size(); ++k)
        s += fmt::format("{}{} {}", k == 0 ? "" : ", ", k, shape_str(nodes_[n.inputs[k]].value().shape()));
    return s;
}

void Tape::backward(const Var& loss) {
    const Node& out = checked(loss, "backward");
    if (out.value().size() != 1)
        throw TapeError(fmt::format(
            "backward: the output of node #{} ({}) has shape {}, not a scalar; pass a seed gradient "
            "of that shape: backward(out, seed)",
            loss.id_, out.op, shape_str(out.value().shape())));
    Tensor seed = out.value();
    seed.fill(1.0);
    backward(loss, seed);
}

void Tape::backward(const Var& out, const Tensor& seed) {
    const Node& root = checked(out, "backward");
    if (seed.shape() != root.value().shape())
        throw ShapeError(fmt::format("backward: seed has shape {} but node #{} ({}) has shape {}",
                                     shape_str(seed.shape()), out.id_, root.op,
                                     shape_str(root.value().shape())));
    check_params(out.id_, false);
    for (std::size_t i = 0; i < size_; ++i) nodes_[i].has_grad = false;
    if (!root.requires_grad) return;  // nothing on the tape wants a gradient
    nodes_[out.id_].grad = seed;
    nodes_[out.id_].has_grad = true;

    // Invariant 2: node ids are a topological order, so one reverse sweep sees every node after
    // all of its consumers have added their share to its gradient.
    for (std::size_t i = out.id_ + 1; i-- > 0;) {
        Node& n = nodes_[i];
        if (!n.has_grad || !n.requires_grad) continue;  // no path to the output, or a constant
        if (n.backward) {  // (a leaf keeps its gradient on the node: a variable(), or a watched
                           // Parameter until the sweep is over)
            run_backward(n, BackwardArgs(n.grad, n.value(), nodes_.data(), n.inputs.data(), n.inputs.size(),
                                         n.op.c_str(), i), i);
            if (anomaly_) check_sent_gradients(i);
        }
    }
    // dL/dW leaves the tape, into each watched Parameter the sweep reached -- once all of them
    // are known to be alive, so that a dead one leaves every Parameter's grad as it was.
    check_params(out.id_, true);
    for (std::size_t id : watched_) {
        const Node& n = nodes_[id];
        if (id <= out.id_ && n.has_grad && n.requires_grad) add_into(n.param->param->grad, n.grad);
    }
}

// Holds the watched Parameters up to node `last` to what backward needs: before the sweep, that
// each live one still has a grad of its watched shape (so a failing backward changes no grad);
// after it, that each one the sweep reached is still alive (not destroyed since watch()).
void Tape::check_params(std::size_t last, bool after_sweep) const {
    for (std::size_t id : watched_) {
        const Node& n = nodes_[id];
        if (id > last || !n.requires_grad) continue;
        const Parameter* p = n.param->param;
        if (after_sweep) {
            if (p == nullptr && n.has_grad)
                throw TapeError(fmt::format(
                    "backward: Parameter '{}' watched as node #{} was destroyed (or overwritten by a move) before "
                    "backward; keep a Parameter alive until the backward pass of every tape that watched it "
                    "(no gradient was written)",
                    n.label, id));
        } else if (p != nullptr &&
                   (!same_shape(p->grad.shape(), n.value().shape()) || p->grad.size() != n.value().size())) {
            throw ShapeError(fmt::format(
                "backward: parameter '{}' has grad of shape {} but its value on the tape has shape "
                "{}; was it reshaped after watch()? call zero_grad()",
                n.label, shape_str(p->grad.shape()), shape_str(n.value().shape())));
        }
    }
}

// Anomaly mode: the gradients node `id`'s backward just added into must all be finite.
void Tape::check_sent_gradients(std::size_t id) const {
    const Node& n = nodes_[id];
    for (std::size_t k = 0; k < n.inputs.size(); ++k) {
        const Node& in = nodes_[n.inputs[k]];
        if (!in.requires_grad || !in.has_grad) continue;
        for (std::size_t e = 0; e < in.grad.size(); ++e)
            if (!std::isfinite(in.grad.flat(e)))
                throw ValueError(fmt::format(
                    "anomaly: backward of node #{} ({}) sent a non-finite gradient to its input "
                    "{} (node #{}, {}): element {} is {}",
                    id, n.op, k, n.inputs[k], in.op, e, in.grad.flat(e)));
    }
}

Var detach(const Var& v) { return v.tape().constant(v.value(), "detached"); }

}  // namespace gradlab
