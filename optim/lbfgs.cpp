#include "lbfgs.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace gradlab::optim {

namespace {

// The parameters as one flat vector, and back: L-BFGS works in the concatenated space.
Tensor flatten(const std::vector<Parameter*>& params, bool grads) {
    std::size_t n = 0;
    for (const Parameter* p : params) n += p->value.size();
    Tensor flat = zeros({n});
    std::size_t k = 0;
    for (const Parameter* p : params) {
        const Tensor& t = grads ? p->grad : p->value;
        for (std::size_t i = 0; i < t.size(); ++i) flat.flat(k++) = t.flat(i);
    }
    return flat;
}

void unflatten(const Tensor& flat, const std::vector<Parameter*>& params, bool grads) {
    std::size_t k = 0;
    for (Parameter* p : params) {
        Tensor& t = grads ? p->grad : p->value;
        for (std::size_t i = 0; i < t.size(); ++i) t.flat(i) = flat.flat(k++);
    }
}

double dot(const Tensor& a, const Tensor& b) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a.flat(i) * b.flat(i);
    return s;
}

// a + alpha * b, elementwise, into a new flat vector.
Tensor axpy(const Tensor& a, double alpha, const Tensor& b) {
    Tensor r = a;
    for (std::size_t i = 0; i < r.size(); ++i) r.flat(i) += alpha * b.flat(i);
    return r;
}

}  // namespace

Lbfgs::Lbfgs(LearningRate lr, std::size_t history, double c1, std::size_t max_backtracks, double grad_tol)
    : Optimizer("Lbfgs", std::move(lr)), m_(history), c1_(c1), max_backtracks_(max_backtracks),
      grad_tol_(grad_tol) {
    if (m_ == 0) throw ValueError("Lbfgs: history must be at least 1 pair, got 0");
    require_in_range(name(), "c1", c1_, 0.0, 1.0, true, true);
    require_in_range(name(), "grad_tol", grad_tol_, 0.0, HUGE_VAL, false, true);
    declare_buffer("s", false);
    declare_buffer("y", false);
    declare_buffer("prev_w", false);
    declare_buffer("prev_g", false);
}

void Lbfgs::step(const std::vector<Parameter*>&) {
    throw ValueError(
        "Lbfgs.step: L-BFGS re-evaluates the loss in its line search; call "
        "step(params, loss_and_grad) with a closure that recomputes the loss and fills the grads");
}

double Lbfgs::evaluate(const std::vector<Parameter*>& params, const LossAndGrad& f) {
    zero_grad(params);
    ++evaluations_;
    return f();
}

double Lbfgs::step(const std::vector<Parameter*>& params, const LossAndGrad& loss_and_grad) {
    if (!loss_and_grad) throw ValueError("Lbfgs.step: loss_and_grad is empty");
    zero_grad(params);  // begin_step checks grads; the closure has not filled them yet
    const double lr = begin_step(params);
    const double f0 = evaluate(params, loss_and_grad);
    begin_step(params);  // now validate what the closure wrote (shapes, finiteness)
    if (!std::isfinite(f0))
        throw ValueError(fmt::format("Lbfgs.step: loss at the current point is {}", f0));
    const Tensor w0 = flatten(params, false);
    const Tensor g0 = flatten(params, true);
    std::vector<Tensor>& s = buffer("s");
    std::vector<Tensor>& y = buffer("y");
    std::vector<Tensor>& prev_w = buffer("prev_w");
    std::vector<Tensor>& prev_g = buffer("prev_g");
    if (!prev_w.empty() && prev_w[0].size() != w0.size())
        throw ShapeError(fmt::format("Lbfgs.step: state was made for {} numbers in all, got {}",
                                     prev_w[0].size(), w0.size()));

    // Remember the last move if it saw positive curvature along itself.
    if (!prev_w.empty()) {
        Tensor sk = axpy(w0, -1.0, prev_w[0]);
        Tensor yk = axpy(g0, -1.0, prev_g[0]);
        if (dot(sk, yk) > 1e-10) {
            s.push_back(std::move(sk));
            y.push_back(std::move(yk));
            if (s.size() > m_) {
                s.erase(s.begin());
                y.erase(y.begin());
            }
        }
    }
    prev_w.assign(1, w0);
    prev_g.assign(1, g0);

    converged_ = stalled_ = false;
    double g_inf = 0.0;
    for (std::size_t i = 0; i < g0.size(); ++i) g_inf = std::max(g_inf, std::abs(g0.flat(i)));
    if (g_inf <= grad_tol_) {
        converged_ = true;
        end_step();
        return f0;
    }

    // Two-loop recursion: q <- H g without ever forming H.
    Tensor q = g0;
    std::vector<double> alpha(s.size()), rho(s.size());
    for (std::size_t j = s.size(); j-- > 0;) {
        rho[j] = 1.0 / dot(y[j], s[j]);
        alpha[j] = rho[j] * dot(s[j], q);
        q = axpy(q, -alpha[j], y[j]);
    }
    const double gamma = s.empty() ? 1.0 / std::max(1.0, std::sqrt(dot(g0, g0)))
                                   : dot(s.back(), y.back()) / dot(y.back(), y.back());
    for (std::size_t i = 0; i < q.size(); ++i) q.flat(i) *= gamma;
    for (std::size_t j = 0; j < s.size(); ++j) {
        const double beta = rho[j] * dot(y[j], q);
        q = axpy(q, alpha[j] - beta, s[j]);
    }
    Tensor d = q;
    for (std::size_t i = 0; i < d.size(); ++i) d.flat(i) = -d.flat(i);
    double slope = dot(g0, d);
    if (!(slope < 0.0)) {  // not a descent direction (numerical trouble): forget and use -g
        s.clear();
        y.clear();
        d = g0;
        for (std::size_t i = 0; i < d.size(); ++i) d.flat(i) = -d.flat(i) / std::max(1.0, std::sqrt(dot(g0, g0)));
        slope = dot(g0, d);
    }

    // Backtracking: halve the step until the loss drops by at least c1 * alpha * slope.
    double step_len = lr;
    for (std::size_t k = 0; k <= max_backtracks_; ++k, step_len *= 0.5) {
        unflatten(axpy(w0, step_len, d), params, false);
        const double f = evaluate(params, loss_and_grad);
        if (f <= f0 + c1_ * step_len * slope) {  // false for NaN: a blown-up trial shrinks too
            end_step();
            return f;
        }
    }
    unflatten(w0, params, false);
    unflatten(g0, params, true);
    stalled_ = true;
    end_step();
    return f0;
}

Lbfgs::Result Lbfgs::minimize(const std::vector<Parameter*>& params, const LossAndGrad& loss_and_grad,
                              std::size_t max_iterations) {
    Result r;
    const std::size_t evals0 = evaluations_;
    for (; r.iterations < max_iterations; ++r.iterations) {
        r.loss = step(params, loss_and_grad);
        if (converged_ || stalled_) break;
    }
    r.converged = converged_;
    r.evaluations = evaluations_ - evals0;
    return r;
}

}  // namespace gradlab::optim
