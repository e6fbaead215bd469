/// \file validate_internal.hpp
/// \brief Input checks, and the recording of a fused loss, shared by the loss implementations
/// (not part of the public API).
///
/// Each check throws a gradlab error whose message starts with the loss's name and shows the
/// offending value, so a user sees "svm: label 12 of row 3 is out of range for 10 classes" and
/// not a crash three frames deeper.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <gradlab/autodiff/tape.hpp>
#include <gradlab/autodiff/tensor.hpp>
#include <gradlab/losses/metrics.hpp>

namespace gradlab::losses::detail {

/// Records a fused loss: its scalar `value` and its gradient with respect to the scores, both
/// computed in one pass over the rows. \f$ \partial L/\partial s \f$ = `grad`, so the backward
/// only scales it by the incoming gradient (the chain rule). `branch` marks the active kinks.
inline Var record_fused_loss(const char* op, const Var& scores, double value, Tensor grad,
                             std::vector<std::uint8_t> branch = {}) {
    Tensor v = zeros({});
    v() = value;
    return scores.tape().record(
        op, std::move(v), {scores},
        [grad = std::move(grad)](const BackwardArgs& args) {
            Tensor g = grad;
            g *= args.grad();
            return Grads{std::move(g)};
        },
        std::move(branch));
}

/// A margin (or Huber threshold) must be a finite number >= 0.
inline void require_margin(const char* op, double delta, const char* what = "margin delta") {
    if (!std::isfinite(delta) || delta < 0.0)
        throw ValueError(fmt::format("{}: {} must be finite and >= 0, got {}", op, what, delta));
}

/// A regularization strength (or other weight) must be a finite number >= 0.
inline void require_strength(const char* op, double alpha, const char* what = "regularization strength") {
    if (!std::isfinite(alpha) || alpha < 0.0)
        throw ValueError(fmt::format("{}: {} must be finite and >= 0, got {}", op, what, alpha));
}

/// Kernels work on raw rows and cannot ask a tensor its shape; at least one class is required.
inline void require_classes(const char* op, std::size_t classes) {
    if (classes == 0) throw ShapeError(fmt::format("{}: scores have 0 classes (columns)", op));
}

/// Returns `label` after checking it names one of `classes` columns (row `row` of the block).
inline std::size_t checked_label(const char* op, std::size_t label, std::size_t row, std::size_t classes) {
    if (label >= classes)
        throw ValueError(fmt::format("{}: label {} of row {} is out of range for {} classes", op,
                                     label, row, classes));
    return label;
}

/// A kernel's per-element finiteness check, naming the element.
inline void require_finite_score(const char* op, double v, std::size_t row, std::size_t col) {
    if (!std::isfinite(v))
        throw ValueError(fmt::format("{}: score ({}, {}) is not finite: {}", op, row, col, v));
}

/// Shape, label and finiteness checks for the composed losses, which have no kernel to do them.
inline void require_scores_labels_finite(const char* op, const Tensor& scores, const Labels& labels) {
    require_scores_and_labels(op, scores, labels);
    const std::size_t c = scores.shape()[1];
    for (std::size_t k = 0; k < scores.size(); ++k)
        require_finite_score(op, scores.flat(k), k / c, k % c);
}

}  // namespace gradlab::losses::detail
