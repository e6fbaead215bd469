#include "svm.hpp"

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <gradlab/autodiff/ops.hpp>

#include "validate_internal.hpp"

namespace gradlab::losses {

namespace {

// Both hinge kernels in one loop; `Squared` picks the penalty max(0, m) or max(0, m)^2.
template <bool Squared>
double hinge_rows(const char* op, const double* scores, std::size_t classes,
                  const std::size_t* labels, std::size_t rows, double delta, double grad_scale,
                  double* grad_out) {
    detail::require_classes(op, classes);
    detail::require_margin(op, delta);
    double total = 0.0;
    for (std::size_t i = 0; i < rows; ++i) {
        const double* s = scores + i * classes;
        const std::size_t y = detail::checked_label(op, labels[i], i, classes);
        const double sy = s[y];
        double row_loss = 0.0;
        double grad_y = 0.0;  // the correct class collects minus every other class's gradient
        for (std::size_t j = 0; j < classes; ++j) {
            detail::require_finite_score(op, s[j], i, j);
            if (j == y) continue;
            const double m = s[j] - sy + delta;
            double g = 0.0;  // strict m > 0: the subgradient at the kink m = 0 is 0
            if (m > 0.0) {
                row_loss += Squared ? m * m : m;
                g = Squared ? 2.0 * m * grad_scale : grad_scale;
            }
            if (grad_out != nullptr) grad_out[i * classes + j] = g;
            grad_y -= g;
        }
        if (grad_out != nullptr) grad_out[i * classes + y] = grad_y;
        total += row_loss;
    }
    return total;
}

// Shared by svm() and squared_hinge(): validates, runs the kernel once for value and gradient,
// and records one node whose backward only scales the stored gradient by the incoming one.
template <bool Squared>
Var fused_hinge(const char* op, const Var& scores, const Labels& labels, double delta) {
    const Tensor& s = scores.value();
    require_scores_and_labels(op, s, labels);
    detail::require_margin(op, delta);
    const std::size_t n = s.shape()[0], c = s.shape()[1];

    // Only pay for the gradient when the tape will ask for it.
    const bool want_grad = scores.requires_grad() && scores.tape().grad_enabled();
    Tensor grad = want_grad ? zeros(s.shape()) : Tensor();
    const double total = hinge_rows<Squared>(op, s.data(), c, labels.data(), n, delta,
                                             1.0 / static_cast<double>(n),
                                             want_grad ? grad.data() : nullptr);
    // Kink bookkeeping for the gradient checker: which hinge terms were active.
    std::vector<std::uint8_t> branch;
    if (!Squared) {
        branch.assign(n * c, 0);
        const double* sp = s.data();
        for (std::size_t i = 0; i < n; ++i) {
            const double* row = sp + i * c;
            const double sy = row[labels[i]];
            for (std::size_t j = 0; j < c; ++j)
                branch[i * c + j] = j != labels[i] && row[j] - sy + delta > 0.0;
        }
    }
    return detail::record_fused_loss(op, scores, total / static_cast<double>(n), std::move(grad), std::move(branch));
}

}  // namespace

double svm_loss_grad_rows(const double* scores, std::size_t classes, const std::size_t* labels,
                          std::size_t rows, double delta, double grad_scale, double* grad_out) {
    return hinge_rows<false>("svm", scores, classes, labels, rows, delta, grad_scale, grad_out);
}

double squared_hinge_loss_grad_rows(const double* scores, std::size_t classes,
                                    const std::size_t* labels, std::size_t rows, double delta,
                                    double grad_scale, double* grad_out) {
    return hinge_rows<true>("squared_hinge", scores, classes, labels, rows, delta, grad_scale,
                            grad_out);
}

Var svm(const Var& scores, const Labels& labels, double delta) {
    return fused_hinge<false>("svm", scores, labels, delta);
}

Var squared_hinge(const Var& scores, const Labels& labels, double delta) {
    return fused_hinge<true>("squared_hinge", scores, labels, delta);
}

Var svm_composed(const Var& scores, const Labels& labels, double delta) {
    detail::require_scores_labels_finite("svm_composed", scores.value(), labels);
    detail::require_margin("svm_composed", delta);
    const std::size_t n = scores.shape()[0], c = scores.shape()[1];

    Var correct = reshape(gather(scores, labels), {n, 1});   // s_{i,y_i}, as a column
    Var margins = relu(scores - correct + delta);             // max(0, s_ij - s_{i,y_i} + delta)
    Var wrong = mask(margins, Tensor(1.0 - one_hot(labels, c)));  // the sum skips j = y_i
    return sum(wrong) / static_cast<double>(n);
}

double svm_value(const Tensor& scores, const Labels& labels, double delta) {
    require_scores_and_labels("svm", scores, labels);
    const std::size_t n = scores.shape()[0];
    return svm_loss_grad_rows(scores.data(), scores.shape()[1], labels.data(), n, delta, 0.0,
                              nullptr) /
           static_cast<double>(n);
}

}  // namespace gradlab::losses
