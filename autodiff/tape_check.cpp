// The tape-fed overloads of the gradient checker, and kink reasons read from recorded branches.
#include "tape_check.hpp"

#include <utility>

#include "gradcheck_probe.hpp"

namespace gradlab {

namespace {

constexpr const char* kOp = "check_gradients (tape)";

// Runs `loss` on `tape` with `values` as leaves (variables or constants) and checks the result.
Var build(const TapeLossFn& loss, Tape& tape, const std::vector<Tensor>& values,
          const std::vector<std::string>* names, bool variables) {
    std::vector<Var> leaves;
    leaves.reserve(values.size());
    for (std::size_t k = 0; k < values.size(); ++k) {
        std::string name = names != nullptr ? (*names)[k] : "x" + std::to_string(k);
        leaves.push_back(variables ? tape.variable(values[k], std::move(name))
                                   : tape.constant(values[k], std::move(name)));
    }
    Var out = loss(tape, leaves);
    if (out.value().size() != 1)
        throw TapeError(fmt::format("{}: the loss must be a single number, but node #{} ({}) has shape {}",
                                    kOp, out.id(), tape.node(out).op, shape_str(out.shape())));
    return out;
}

std::vector<std::string> names_of(const std::vector<NamedInput>& inputs) {
    std::vector<std::string> names;
    for (const auto& in : inputs) names.push_back(in.name);
    return names;
}

// Node by node, the kink ops whose branch differs between two tapes of the same function.
std::string compare_branches(const Tape& plus, const Tape& minus, const std::string& where) {
    if (plus.size() != minus.size())
        return fmt::format("{}: the loss builds different graphs at x + h and x - h ({} vs {} ops), "
                           "so its control flow depends on this coordinate",
                           where, plus.size(), minus.size());
    std::vector<std::string> ops;
    for (std::size_t id = 0; id < plus.size(); ++id) {
        const Node& p = plus.node(id);
        const Node& m = minus.node(id);
        if (p.op != m.op)
            return fmt::format("{}: the loss builds different graphs at x + h and x - h (op #{} is {} "
                               "vs {})", where, id, p.op, m.op);
        if (p.branch != m.branch) ops.push_back(fmt::format("op #{} ({})", id, p.op));
    }
    if (ops.empty())
        return fmt::format("{}: no recorded kink op changed branch; the one-sided slopes differ for "
                           "another reason (a kink in an op that records no branch, or strong curvature "
                           "-- try a smaller h)", where);
    std::string s = fmt::format("{} crosses the kink of {}", where, ops[0]);
    for (std::size_t i = 1; i < ops.size(); ++i) s += (i + 1 == ops.size() ? " and " : ", ") + ops[i];
    return s;
}

std::vector<Tensor> values_of(const std::vector<NamedInput>& inputs) {
    std::vector<Tensor> values;
    for (const auto& in : inputs) values.push_back(in.value);
    return values;
}

}  // namespace

double evaluate_loss(const TapeLossFn& loss, const std::vector<Tensor>& values) {
    Tape tape;  // one per call: f may be called from several threads at once
    return build(loss, tape, values, nullptr, false).value().flat(0);
}

KinkReasonFn tape_kink_reason(TapeLossFn loss, std::vector<std::string> names) {
    return [loss = std::move(loss), names = std::move(names)](const KinkProbe& probe) {
        Tape plus, minus;
        build(loss, plus, *probe.plus, &names, false);
        build(loss, minus, *probe.minus, &names, false);
        const Tensor& x = (*probe.plus)[probe.input];
        const std::string where =
            fmt::format("coordinate {} of {}", detail::index_str(detail::unravel(x.shape(), probe.flat_index)),
                        probe.input < names.size() ? names[probe.input] : "input " + std::to_string(probe.input));
        return compare_branches(plus, minus, where);
    };
}

GradientReport check_gradients(const TapeLossFn& loss, const std::vector<NamedInput>& inputs,
                               const CheckOptions& options) {
    if (!loss) throw ValueError(fmt::format("{}: the loss function is empty", kOp));
    const std::vector<std::string> names = names_of(inputs);
    const std::vector<Tensor> values = values_of(inputs);

    // Analytic: one forward pass with the inputs as variables, one backward pass.
    Tape tape;
    Var out = build(loss, tape, values, &names, true);
    tape.backward(out);
    std::vector<Tensor> analytic;
    for (std::size_t k = 0; k < values.size(); ++k) {  // the leaves are nodes 0 .. n-1 (see build)
        const Node& leaf = tape.node(k);
        analytic.push_back(leaf.has_grad ? leaf.grad : zeros(leaf.value().shape()));
    }

    CheckOptions opt = options;
    if (!opt.kink_reason) opt.kink_reason = tape_kink_reason(loss, names);
    return check_gradients([&loss](const std::vector<Tensor>& xs) { return evaluate_loss(loss, xs); },
                           analytic, inputs, opt);
}

GradientReport check_gradients(const TapeLossFn& loss, const std::vector<const Parameter*>& params,
                               const CheckOptions& options) {
    std::vector<NamedInput> inputs;
    for (std::size_t k = 0; k < params.size(); ++k) {
        if (params[k] == nullptr)
            throw ValueError(fmt::format("{}: parameter {} is a null pointer", kOp, k));
        inputs.push_back({params[k]->name.empty() ? "W" : params[k]->name, params[k]->value});
    }
    return check_gradients(loss, inputs, options);
}

GradientReport check_gradients(const TapeLossFn& loss, std::initializer_list<const Parameter*> params,
                               const CheckOptions& options) {
    return check_gradients(loss, std::vector<const Parameter*>(params), options);
}

GradientReport check_gradient(const TapeLossFn1& loss, const Tensor& x, const CheckOptions& options) {
    if (!loss) throw ValueError(fmt::format("{}: the loss function is empty", kOp));
    return check_gradients([loss](Tape& t, const std::vector<Var>& v) { return loss(t, v[0]); },
                           std::vector<NamedInput>{{"x", x}}, options);
}

}  // namespace gradlab
