#include "data_loss.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include <gradlab/autodiff/ops.hpp>

#include "validate_internal.hpp"

namespace gradlab::losses {

namespace {

// log(1 + e^u) without overflow: for u > 0, e^u would overflow, so factor it out.
double softplus(double u) { return std::max(u, 0.0) + std::log1p(std::exp(-std::abs(u))); }

// 1 / (1 + e^{-u}) without overflow: only ever exponentiate a non-positive number.
double sigmoid(double u) {
    if (u >= 0.0) return 1.0 / (1.0 + std::exp(-u));
    const double e = std::exp(u);
    return e / (1.0 + e);
}

void require_targets(const char* op, const Tensor& scores, const Tensor& targets) {
    require_same_shape(op, scores.shape(), targets.shape());
    if (scores.size() == 0)
        throw ShapeError(fmt::format("{}: empty batch: scores have shape {}", op, shape_str(scores.shape())));
    require_finite(op, scores, "scores");
    require_finite(op, targets, "targets");
}

// A mean over all elements of an elementwise penalty of the residual r = s - t.
// `penalty(r)` returns {value, derivative}.
template <class Penalty>
Var residual_loss(const char* op, const Var& scores, const Tensor& targets, Penalty penalty) {
    const Tensor& s = scores.value();
    require_targets(op, s, targets);
    const double inv = 1.0 / static_cast<double>(s.size());
    Tensor grad = zeros(s.shape());
    double total = 0.0;
    for (std::size_t k = 0; k < s.size(); ++k) {
        const auto [v, d] = penalty(s.flat(k) - targets.flat(k));
        total += v;
        grad.flat(k) = d * inv;
    }
    return detail::record_fused_loss(op, scores, total * inv, std::move(grad));
}

}  // namespace

Var binary_logistic(const Var& scores, const Labels& labels) {
    constexpr const char* op = "binary_logistic";
    const Tensor& s = scores.value();
    if (s.dimension() == 2 && s.shape()[1] == 1) {
        // One classifier: labels are 0/1 outcomes, not class indices into a single column.
        if (s.shape()[0] == 0) throw ShapeError(fmt::format("{}: empty batch: scores have shape {}", op, shape_str(s.shape())));
        if (labels.size() != s.shape()[0])
            throw ShapeError(fmt::format("{}: {} labels for {} rows of scores {}", op, labels.size(),
                                         s.shape()[0], shape_str(s.shape())));
        for (std::size_t i = 0; i < labels.size(); ++i)
            if (labels[i] > 1)
                throw ValueError(fmt::format("{}: label {} of row {} must be 0 or 1 for scores of shape {}",
                                             op, labels[i], i, shape_str(s.shape())));
    } else {
        require_scores_and_labels(op, s, labels);
    }
    const std::size_t n = s.shape()[0], c = s.shape()[1];
    const double inv_n = 1.0 / static_cast<double>(n);
    Tensor grad = zeros(s.shape());
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < c; ++j) {
            detail::require_finite_score(op, s(i, j), i, j);
            const bool positive = c == 1 ? labels[i] == 1 : labels[i] == j;
            const double z = positive ? 1.0 : -1.0;
            total += softplus(-z * s(i, j));                    // -log sigma(z s)
            grad(i, j) = -z * sigmoid(-z * s(i, j)) * inv_n;    // d/ds softplus(-z s)
        }
    }
    return detail::record_fused_loss(op, scores, total * inv_n, std::move(grad));
}

Var mse(const Var& scores, const Tensor& targets) {
    return residual_loss("mse", scores, targets, [](double r) {
        return std::pair<double, double>{r * r, 2.0 * r};  // d(r^2)/dr = 2r
    });
}

Var huber(const Var& scores, const Tensor& targets, double delta) {
    if (!(delta > 0.0) || !std::isfinite(delta))
        throw ValueError(fmt::format("huber: delta must be finite and > 0, got {}", delta));
    return residual_loss("huber", scores, targets, [delta](double r) {
        if (std::abs(r) <= delta) return std::pair<double, double>{0.5 * r * r, r};
        return std::pair<double, double>{delta * (std::abs(r) - 0.5 * delta), r > 0 ? delta : -delta};
    });
}

}  // namespace gradlab::losses
