#include "softmax.hpp"

#include <cmath>
#include <utility>

#include <gradlab/autodiff/ops.hpp>

#include "validate_internal.hpp"

namespace gradlab::losses {

namespace {
constexpr const char* kOp = "softmax_cross_entropy";
}

double softmax_loss_grad_rows(const double* scores, std::size_t classes, const std::size_t* labels,
                              std::size_t rows, double grad_scale, double* grad_out) {
    detail::require_classes(kOp, classes);
    double total = 0.0;
    for (std::size_t i = 0; i < rows; ++i) {
        const double* s = scores + i * classes;
        const std::size_t y = detail::checked_label(kOp, labels[i], i, classes);
        double m = s[0];
        for (std::size_t j = 0; j < classes; ++j) {
            detail::require_finite_score(kOp, s[j], i, j);
            if (s[j] > m) m = s[j];
        }
        // Shift by the row maximum: every exponent is <= 0, so nothing overflows and the largest
        // term is exactly 1 (the sum cannot underflow to 0 either). With a gradient wanted, the
        // exponentials are parked in grad_out so that each is computed once.
        double* g = grad_out != nullptr ? grad_out + i * classes : nullptr;
        double z = 0.0;
        for (std::size_t j = 0; j < classes; ++j) {
            const double e = std::exp(s[j] - m);
            z += e;
            if (g != nullptr) g[j] = e;
        }
        total += std::log(z) + m - s[y];  // -log p_y = log sum_k e^{s_k} - s_y
        if (g != nullptr) {
            const double scale = grad_scale / z;
            for (std::size_t j = 0; j < classes; ++j) g[j] *= scale;  // grad_scale * p_j
            g[y] -= grad_scale;                                       // grad_scale * (p_y - 1)
        }
    }
    return total;
}

Var softmax_cross_entropy(const Var& scores, const Labels& labels) {
    const Tensor& s = scores.value();
    require_scores_and_labels(kOp, s, labels);
    const std::size_t n = s.shape()[0];
    const bool want_grad = scores.requires_grad() && scores.tape().grad_enabled();
    Tensor grad = want_grad ? zeros(s.shape()) : Tensor();
    const double total = softmax_loss_grad_rows(s.data(), s.shape()[1], labels.data(), n,
                                                1.0 / static_cast<double>(n),
                                                want_grad ? grad.data() : nullptr);
    return detail::record_fused_loss(kOp, scores, total / static_cast<double>(n), std::move(grad));  // (p - onehot(y)) / N
}

Var softmax_cross_entropy_composed(const Var& scores, const Labels& labels) {
    detail::require_scores_labels_finite("softmax_cross_entropy_composed", scores.value(), labels);

    Var log_norm = logsumexp(scores, 1);     // log sum_j e^{s_ij}, shifted by the row max inside
    Var correct = gather(scores, labels);    // s_{i,y_i}
    return mean(log_norm - correct);         // -log p_{i,y_i}, averaged over the batch
}

double softmax_cross_entropy_value(const Tensor& scores, const Labels& labels) {
    require_scores_and_labels(kOp, scores, labels);
    const std::size_t n = scores.shape()[0];
    return softmax_loss_grad_rows(scores.data(), scores.shape()[1], labels.data(), n, 0.0, nullptr) /
           static_cast<double>(n);
}

}  // namespace gradlab::losses
