#include "optimizer.hpp"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>
#include <xtensor/xnoalias.hpp>

namespace gradlab::optim {

LearningRate::LearningRate(double constant) : constant_(constant) {}

Optimizer::Optimizer(std::string name, LearningRate lr, double weight_decay)
    : name_(std::move(name)), lr_(std::move(lr)), weight_decay_(weight_decay) {
    // A constant rate is checked now, so a typo fails at construction, not 1000 steps later.
    if (lr_.is_constant()) require_in_range(name_, "lr", lr_(0), 0.0, HUGE_VAL, true, true);
    require_in_range(name_, "weight_decay", weight_decay_, 0.0, HUGE_VAL, false, true);
}

const Tensor& Optimizer::decayed_grad(const Parameter& p) {
    if (weight_decay_ == 0.0) return p.grad;  // exactly the plain update when lambda = 0
    xt::noalias(decayed_) = p.grad + weight_decay_ * p.value;  // reuses decayed_'s memory (resized if needed)
    return decayed_;
}

void Optimizer::require_in_range(const std::string& op, const char* what, double v, double lo,
                                 double hi, bool lo_open, bool hi_open) {
    const bool ok = std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
    if (ok) return;
    std::string range = fmt::format("{}{}, {}{}", lo_open ? "(" : "[", lo,
                                    std::isinf(hi) ? "inf" : fmt::format("{}", hi), hi_open ? ")" : "]");
    throw ValueError(fmt::format("{}: {} must be finite and in {}, got {}", op, what, range, v));
}

void Optimizer::declare_buffer(const std::string& name, bool per_parameter) {
    buffers_[name];
    per_parameter_[name] = per_parameter;
}

std::vector<Tensor>& Optimizer::buffer(const std::string& name) {
    auto it = buffers_.find(name);
    if (it == buffers_.end())  // a programming error in a derived class, reported all the same
        throw ValueError(fmt::format("{}: no state buffer called '{}'", name_, name));
    return it->second;
}

double Optimizer::begin_step(const std::vector<Parameter*>& params) {
    const std::string op = name_ + ".step";
    if (params.empty()) throw ValueError(op + ": no parameters given");
    for (std::size_t i = 0; i < params.size(); ++i) {
        const Parameter* p = params[i];
        if (p == nullptr) throw ValueError(fmt::format("{}: parameter #{} is a null pointer", op, i));
        if (p->grad.shape() != p->value.shape())
            throw ShapeError(fmt::format("{}: parameter '{}' (#{}): grad shape {} differs from value shape {}",
                                         op, p->name, i, shape_str(p->grad.shape()),
                                         shape_str(p->value.shape())));
        for (std::size_t k = 0; k < p->grad.size(); ++k)
            if (!std::isfinite(p->grad.flat(k)))
                throw ValueError(fmt::format(
                    "{}: parameter '{}' (#{}): grad element {} is {} (exploding gradient? try a smaller lr)",
                    op, p->name, i, k, p->grad.flat(k)));
    }
    // Per-parameter buffers: zeros on the first step, afterwards they must still fit the params.
    for (auto& [bname, buf] : buffers_) {
        if (!per_parameter_[bname]) continue;
        if (buf.empty()) {
            for (const Parameter* p : params) buf.push_back(zeros(p->value.shape()));
            continue;
        }
        if (buf.size() != params.size())
            throw ShapeError(fmt::format("{}: state '{}' was made for {} parameters, got {}", op, bname,
                                         buf.size(), params.size()));
        for (std::size_t i = 0; i < params.size(); ++i)
            if (buf[i].shape() != params[i]->value.shape())
                throw ShapeError(fmt::format("{}: parameter '{}' (#{}) has shape {} but its state '{}' has {}",
                                             op, params[i]->name, i, shape_str(params[i]->value.shape()),
                                             bname, shape_str(buf[i].shape())));
    }
    const double lr = lr_(t_);
    if (!(lr > 0.0) || !std::isfinite(lr))
        throw ValueError(fmt::format("{}: learning rate at iteration {} must be positive and finite, got {}",
                                     op, t_, lr));
    return lr;
}

OptimizerState Optimizer::state() const {
    OptimizerState s;
    s.kind = kind();
    s.iteration = t_;
    for (const auto& [bname, buf] : buffers_)
        for (std::size_t i = 0; i < buf.size(); ++i) s.tensors.emplace_back(fmt::format("{}/{}", bname, i), buf[i]);
    return s;
}

void Optimizer::load_state(const OptimizerState& s) {
    const std::string op = name_ + ".load_state";
    if (s.kind != kind())
        throw ValueError(fmt::format("{}: state was saved by a '{}' optimizer, not '{}'", op, s.kind, kind()));
    // Build the new buffers aside and swap at the end, so a bad state changes nothing.
    std::map<std::string, std::vector<Tensor>> fresh;
    for (const auto& [bname, buf] : buffers_) fresh[bname];
    for (const auto& [tname, tensor] : s.tensors) {
        const auto slash = tname.rfind('/');
        const std::string bname = slash == std::string::npos ? tname : tname.substr(0, slash);
        auto it = fresh.find(bname);
        if (it == fresh.end() || slash == std::string::npos)
            throw ValueError(fmt::format("{}: unknown state tensor '{}'", op, tname));
        const std::string index = tname.substr(slash + 1);
        if (index != std::to_string(it->second.size()))
            throw ValueError(fmt::format("{}: state tensor '{}' is out of order (expected index {})", op,
                                         tname, it->second.size()));
        it->second.push_back(tensor);
    }
    buffers_.swap(fresh);
    t_ = static_cast<std::size_t>(s.iteration);
}

void zero_grad(const std::vector<Parameter*>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i] == nullptr) throw ValueError(fmt::format("zero_grad: parameter #{} is a null pointer", i));
        params[i]->zero_grad();
    }
}

}  // namespace gradlab::optim
