#include "tape.hpp"

#include <algorithm>
#include <cmath>

#include <xtensor/xexception.hpp>

namespace gradlab {

// ---------------------------------------------------------------------------------------------
// Var

const Tensor& Var::value() const { return tape().checked(*this, "Var::value").value(); }

Tensor Var::grad() const {
    const Node& n = tape().checked(*this, "Var::grad");
    return n.has_grad ? n.grad : zeros(n.value().shape());
}

double Var::item() const {
    const Node& n = tape().checked(*this, "Var::item");
    if (n.value().size() != 1)
        throw TapeError(fmt::format("Var::item: node #{} ({}) has shape {} ({} elements), not one element; "
                                    "reduce it first (sum, mean) or read value()",
                                    id_, n.op, shape_str(n.value().shape()), n.value().size()));
    return n.value().flat(0);
}

const Shape& Var::shape() const { return value().shape(); }

Tape& Var::tape() const {
    if (tape_ == nullptr) throw TapeError("Var: this handle is empty (default-constructed); it refers to no tape");
    return *tape_;
}

bool Var::requires_grad() const { return tape().checked(*this, "Var::requires_grad").requires_grad; }

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
    if (v.tape_ != this)
        throw TapeError(fmt::format("{}: the handle belongs to a different tape", what));
    if (v.generation_ != generation_ || v.id_ >= size_)
        throw TapeError(fmt::format(
            "{}: handle to node #{} is stale: its tape was reset after it was made", what, v.id_));
    return nodes_[v.id_];
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
    n.param = nullptr;
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
    if (!same_shape(p.grad.shape(), p.value.shape())) p.zero_grad();
    Node& n = append("param");
    n.stored = p.value;  // a copy (the parameter may change before backward), into the reused buffer
    check_value(n);
    n.label = p.name.empty() ? "W" : p.name;
    n.param = &p;
    n.requires_grad = grad_enabled();
    return handle(size_ - 1);
}

Var Tape::variable(Tensor value, std::string name) {
    Node& n = append("var", std::move(value));
    n.label = std::move(name);
    n.requires_grad = grad_enabled();
    return handle(size_ - 1);
}

Var Tape::constant(Tensor value, std::string name) {
    Node& n = append("const", std::move(value));
    n.label = std::move(name);
    return handle(size_ - 1);
}

Var Tape::constant(std::shared_ptr<const Tensor> value, std::string name) {
    if (!value) throw TapeError(fmt::format("constant '{}': the shared tensor is null", name));
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
    ++generation_;
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
    check_param_shapes(out.id_);
    for (std::size_t i = 0; i < size_; ++i) nodes_[i].has_grad = false;
    if (!root.requires_grad) return;  // nothing on the tape wants a gradient
    nodes_[out.id_].grad = seed;
    nodes_[out.id_].has_grad = true;

    // Invariant 2: node ids are a topological order, so one reverse sweep sees every node after
    // all of its consumers have added their share to its gradient.
    for (std::size_t i = out.id_ + 1; i-- > 0;) {
        Node& n = nodes_[i];
        if (!n.has_grad || !n.requires_grad) continue;  // no path to the output, or a constant
        if (n.param != nullptr) {
            add_into(n.param->grad, n.grad);  // a watched Parameter: dL/dW leaves the tape
        } else if (n.backward) {              // (a variable() leaf keeps its gradient on the node)
            run_backward(n, BackwardArgs(n.grad, n.value(), nodes_.data(), n.inputs.data(), n.inputs.size(),
                                         n.op.c_str(), i), i);
            if (anomaly_) check_sent_gradients(i);
        }
    }
}

// Before the sweep, so that a failing backward leaves every Parameter's grad as it was.
void Tape::check_param_shapes(std::size_t last) const {
    for (std::size_t i = 0; i <= last; ++i) {
        const Node& n = nodes_[i];
        if (n.param != nullptr && n.requires_grad && !same_shape(n.param->grad.shape(), n.value().shape()))
            throw ShapeError(fmt::format(
                "backward: parameter '{}' has grad of shape {} but its value on the tape has shape "
                "{}; was it reshaped after watch()? call zero_grad()",
                n.label, shape_str(n.param->grad.shape()), shape_str(n.value().shape())));
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
