#include "tape.hpp"

#include <algorithm>
#include <cmath>

#include <xtensor/xmath.hpp>

namespace gradlab {

// ---------------------------------------------------------------------------------------------
// Var

const Tensor& Var::value() const { return tape().checked(*this, "Var::value").value; }

Tensor Var::grad() const {
    const Node& n = tape().checked(*this, "Var::grad");
    return n.has_grad ? n.grad : zeros(n.value.shape());
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

// dst = src. A small tensor whose shape matches the buffer left in a reused node is copied element
// by element: moving an xarray swaps or copies its three small-vector shapes, which costs more
// than the arithmetic of a tiny op (this halves the per-op cost of long scalar chains).
void store(Tensor& dst, Tensor&& src) {
    constexpr std::size_t kCopyBelow = 256;
    if (src.size() <= kCopyBelow && dst.shape() == src.shape()) {
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

// (Tensor&& all the way down: moving an xarray is not free -- it swaps three small-vector shapes --
// and the per-op cost of a long chain of tiny ops is mostly such bookkeeping.)
Node& Tape::append(std::string&& op, Tensor&& value) {
    if (size_ == nodes_.size()) nodes_.emplace_back();
    Node& n = nodes_[size_++];
    n.op = std::move(op);
    n.label.clear();
    store(n.value, std::move(value));  // n.grad keeps its old buffer: backward reuses it if it fits
    n.inputs.clear();
    n.backward = nullptr;
    n.param = nullptr;
    n.requires_grad = false;
    n.has_grad = false;
    n.branch.clear();
    if (anomaly_) {
        for (std::size_t i = 0; i < n.value.size(); ++i)
            if (!std::isfinite(n.value.flat(i)))
                throw ValueError(fmt::format(
                    "anomaly: node #{} ({}) produced a non-finite value: element {} of shape {} is {}",
                    size_ - 1, n.op, i, shape_str(n.value.shape()), n.value.flat(i)));
    }
    return n;
}

Var Tape::watch(Parameter& p) {
    if (p.grad.shape() != p.value.shape()) p.zero_grad();
    Node& n = append("param", Tensor(p.value));
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

Var Tape::scalar(double value) {
    Tensor t = zeros({});
    t() = value;
    return constant(std::move(t), fmt::format("{}", value));
}

Var Tape::record(std::string op, Tensor value, const std::vector<Var>& inputs, BackwardFn backward,
                 std::vector<std::uint8_t> branch) {
    return record_impl(std::move(op), std::move(value), inputs.data(), inputs.size(), std::move(backward),
                       std::move(branch));
}

Var Tape::record(std::string op, Tensor value, std::initializer_list<Var> inputs, BackwardFn backward,
                 std::vector<std::uint8_t> branch) {
    return record_impl(std::move(op), std::move(value), inputs.begin(), inputs.size(), std::move(backward),
                       std::move(branch));
}

Var Tape::record_impl(std::string&& op, Tensor&& value, const Var* inputs, std::size_t count,
                      BackwardFn backward, std::vector<std::uint8_t> branch) {
    bool requires = false;
    for (std::size_t k = 0; k < count; ++k) requires |= checked(inputs[k], op.c_str()).requires_grad;
    requires &= grad_enabled();
    Node& n = append(std::move(op), std::move(value));
    for (std::size_t k = 0; k < count; ++k) n.inputs.push_back(inputs[k].id_);  // reuses capacity
    n.requires_grad = requires;
    if (requires) n.backward = std::move(backward);
    n.branch = std::move(branch);
    return handle(size_ - 1);
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

void Tape::backward(const Var& loss) {
    const Node& out = checked(loss, "backward");
    if (out.value.size() != 1)
        throw TapeError(fmt::format(
            "backward: the output of node #{} ({}) has shape {}, not a scalar; pass a seed gradient "
            "of that shape: backward(out, seed)",
            loss.id_, out.op, shape_str(out.value.shape())));
    Tensor seed = out.value;
    seed.fill(1.0);
    backward(loss, seed);
}

void Tape::backward(const Var& out, const Tensor& seed) {
    const Node& root = checked(out, "backward");
    if (seed.shape() != root.value.shape())
        throw ShapeError(fmt::format("backward: seed has shape {} but node #{} ({}) has shape {}",
                                     shape_str(seed.shape()), out.id_, root.op,
                                     shape_str(root.value.shape())));
    for (std::size_t i = 0; i < size_; ++i) nodes_[i].has_grad = false;
    if (!root.requires_grad) return;  // nothing on the tape wants a gradient

    Node& r = nodes_[out.id_];
    r.grad = seed;
    r.has_grad = true;

    std::vector<const Tensor*> inputs;
    std::vector<bool> needs;
    // Invariant 2: node ids are a topological order, so one reverse sweep sees every node after
    // all of its consumers have added their share to its gradient.
    for (std::size_t i = out.id_ + 1; i-- > 0;) {
        Node& n = nodes_[i];
        if (!n.has_grad || !n.requires_grad) continue;
        if (n.param != nullptr) {
            if (n.param->grad.shape() != n.grad.shape())
                throw ShapeError(fmt::format(
                    "backward: parameter '{}' has grad of shape {} but its value on the tape has shape "
                    "{}; was it reshaped after watch()? call zero_grad()",
                    n.label, shape_str(n.param->grad.shape()), shape_str(n.grad.shape())));
            add_into(n.param->grad, n.grad);
            continue;
        }
        if (!n.backward) continue;  // a variable() leaf: its gradient stays on the node

        // The argument lists live in `inputs`/`needs` across iterations (moved in and out of
        // args), so a node's backward call allocates nothing but the gradients it returns.
        inputs.clear();
        needs.clear();
        for (std::size_t id : n.inputs) {
            inputs.push_back(&nodes_[id].value);
            needs.push_back(nodes_[id].requires_grad);
        }
        BackwardArgs args{n.grad, n.value, std::move(inputs), std::move(needs)};
        Grads grads = n.backward(args);
        inputs = std::move(args.inputs);
        needs = std::move(args.needs);
        if (grads.size() != n.inputs.size())
            throw TapeError(fmt::format("backward: op '{}' (node #{}) returned {} gradients for {} inputs",
                                        n.op, i, grads.size(), n.inputs.size()));

        for (std::size_t k = 0; k < n.inputs.size(); ++k) {
            Node& in = nodes_[n.inputs[k]];
            if (!in.requires_grad) continue;
            Tensor& g = grads[k];
            if (g.shape() != in.value.shape())  // undo broadcasting (invariant 3)
                g = sum_to_shape(g, in.value.shape(), n.op.c_str());
            if (anomaly_) {
                for (std::size_t e = 0; e < g.size(); ++e)
                    if (!std::isfinite(g.flat(e)))
                        throw ValueError(fmt::format(
                            "anomaly: backward of node #{} ({}) sent a non-finite gradient to its input "
                            "{} (node #{}, {}): element {} is {}",
                            i, n.op, k, n.inputs[k], in.op, e, g.flat(e)));
            }
            if (in.has_grad) {
                add_into(in.grad, g);
            } else {
                store(in.grad, std::move(g));
                in.has_grad = true;
            }
        }
    }
}

Var detach(const Var& v) { return v.tape().constant(v.value(), "detached"); }

// ---------------------------------------------------------------------------------------------
// Broadcasting

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
    const std::size_t n = std::max(a.size(), b.size());
    Shape out(n);
    for (std::size_t i = 0; i < n; ++i) {
        // align from the right, as numpy does
        const std::size_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
        const std::size_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
        if (da != db && da != 1 && db != 1)
            throw ShapeError(fmt::format("{}: shapes {} and {} cannot be broadcast together (axis {}: {} vs {})",
                                         op, shape_str(a), shape_str(b), i, da, db));
        out[i] = da == 1 ? db : da;
    }
    return out;
}

Tensor sum_to_shape(const Tensor& g, const Shape& shape, const char* op) {
    if (g.shape() == shape) return g;
    if (broadcast_shapes(op, g.shape(), shape) != g.shape())
        throw ShapeError(fmt::format("{}: gradient of shape {} cannot be summed down to shape {}", op,
                                     shape_str(g.shape()), shape_str(shape)));
    Tensor r = g;
    // Leading axes the operand did not have.
    while (r.dimension() > shape.size()) {
        Tensor s = xt::sum(r, {std::size_t(0)}, xt::evaluation_strategy::immediate);
        r = std::move(s);
    }
    // Axes where the operand had size 1 (evaluated immediately: see the keep_dims trap in DESIGN).
    for (std::size_t ax = 0; ax < shape.size(); ++ax) {
        if (shape[ax] == 1 && r.shape()[ax] != 1) {
            Tensor s = xt::sum(r, {ax}, xt::keep_dims | xt::evaluation_strategy::immediate);
            r = std::move(s);
        }
    }
    return r;
}

}  // namespace gradlab
