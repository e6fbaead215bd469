/// \file lbfgs.hpp
/// \brief L-BFGS with a backtracking (Armijo) line search, for full-batch problems.
#pragma once

#include <functional>

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

/// Recomputes the loss at the parameters' current values and fills their grads (the grads are
/// zeroed before each call, so the closure may accumulate into them). L-BFGS calls it several
/// times per step: once at the start and once per line-search trial.
using LossAndGrad = std::function<double()>;

/// Limited-memory BFGS (Nocedal, 1980), the quasi-Newton alternative the notes mention for
/// full-batch problems. It remembers the last m displacement pairs
/// \f$ s_k = w_{k+1} - w_k \f$, \f$ y_k = g_{k+1} - g_k \f$ and turns the gradient into a
/// direction \f$ d = -H g \f$ with the two-loop recursion, where H approximates the inverse
/// Hessian, scaled initially by \f$ \gamma = s^\top y / y^\top y \f$ (first step:
/// \f$ d = -g / \max(1, \|g\|_2) \f$). A pair is kept only if \f$ s^\top y > 10^{-10} \f$ (the
/// curvature condition), which keeps H positive definite.
///
/// The step length \f$ \alpha \f$ starts at \f$ \eta_t \f$ and halves until the Armijo condition
/// holds: \f[ f(w + \alpha d) \le f(w) + c_1 \alpha \, g^\top d \f]
/// If it never holds within `max_backtracks` halvings the step is undone (w and grads restored)
/// and stalled() becomes true. Minibatch noise breaks the curvature pairs: use full batches.
///
/// | parameter        | meaning                                            | default |
/// |------------------|----------------------------------------------------|---------|
/// | `lr`             | first trial step length \f$ \eta_t \f$              | 1       |
/// | `history`        | m, pairs remembered                                | 10      |
/// | `c1`             | Armijo constant \f$ c_1 \in (0, 1) \f$              | 1e-4    |
/// | `max_backtracks` | halvings tried before giving up                    | 40      |
/// | `grad_tol`       | converged when \f$ \|g\|_\infty \le \f$ grad_tol     | 1e-9    |
///
/// State: "s/j", "y/j" (history, oldest first), "prev_w/0", "prev_g/0" (flattened).
class Lbfgs : public Optimizer {
public:
    /// Throws ValueError for a bad rate, history 0, c1 outside (0, 1), or a negative grad_tol.
    explicit Lbfgs(LearningRate lr = 1.0, std::size_t history = 10, double c1 = 1e-4,
                   std::size_t max_backtracks = 40, double grad_tol = 1e-9);

    /// Not available: L-BFGS must re-evaluate the loss during its line search. Throws ValueError
    /// pointing at step(params, loss_and_grad).
    void step(const std::vector<Parameter*>& params) override;

    /// One L-BFGS iteration: evaluate, update the history, pick the direction, line-search along
    /// it. Returns the loss at the new point (or at the old one if converged or stalled).
    double step(const std::vector<Parameter*>& params, const LossAndGrad& loss_and_grad);

    /// What minimize() reports.
    struct Result {
        double loss = 0.0;            ///< final loss
        std::size_t iterations = 0;   ///< L-BFGS steps taken
        std::size_t evaluations = 0;  ///< calls of loss_and_grad
        bool converged = false;       ///< gradient below grad_tol
    };

    /// Repeats step() until \f$ \|g\|_\infty \le \f$ grad_tol, a stall, or `max_iterations`.
    Result minimize(const std::vector<Parameter*>& params, const LossAndGrad& loss_and_grad,
                    std::size_t max_iterations);

    std::string kind() const override { return "Lbfgs"; }

    bool converged() const { return converged_; }         ///< last step found \f$ \|g\|_\infty \le \f$ grad_tol
    bool stalled() const { return stalled_; }             ///< last line search failed
    std::size_t evaluations() const { return evaluations_; }  ///< loss_and_grad calls so far

private:
    double evaluate(const std::vector<Parameter*>& params, const LossAndGrad& f);

    std::size_t m_;
    double c1_;
    std::size_t max_backtracks_;
    double grad_tol_;
    bool converged_ = false;
    bool stalled_ = false;
    std::size_t evaluations_ = 0;
};

}  // namespace gradlab::optim
