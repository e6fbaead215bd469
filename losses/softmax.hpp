/// \file softmax.hpp
/// \brief The softmax cross-entropy loss, composed from tape ops and as one fused op.
///
/// The softmax classifier reads the scores of a row as unnormalized log-probabilities:
/// \f$ p_{ij} = e^{s_{ij}} / \sum_k e^{s_{ik}} \f$, and pays the negative log-probability of the
/// correct class, averaged over the batch:
/// \f[ L = \frac{1}{N} \sum_i \Big( \log \sum_k e^{s_{ik}} - s_{i y_i} \Big),
///     \qquad \frac{\partial L}{\partial s_{ij}} = \frac{1}{N}\big(p_{ij} - \mathbb{1}(j = y_i)\big). \f]
/// **Stability.** \f$ e^{s} \f$ overflows for scores above ~709, so both versions shift each row
/// by its maximum first (\f$ \log\sum_k e^{s_k} = m + \log\sum_k e^{s_k - m} \f$), which changes
/// nothing mathematically. With tiny random weights every \f$ p_{ij} \approx 1/C \f$, so the
/// loss starts near \f$ \ln C \f$ (2.303 for 10 classes): a first sanity check of any classifier.
///
/// As for the SVM (svm.hpp), softmax_cross_entropy() is the fused fast path whose work happens in
/// softmax_loss_grad_rows(), a plain function over a block of rows; the composed version is the
/// three-line reference it is tested against.
#pragma once

#include <cstddef>

#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/metrics.hpp>

namespace gradlab::losses {

/// The fused softmax cross-entropy kernel over `rows` consecutive rows of a row-major score block.
///
/// Returns \f$ \sum_i L_i \f$ over the block (a sum, so blocks add up; divide by the full batch
/// size). If `grad_out` is not null it is overwritten with `grad_scale` times
/// \f$ p_{ij} - \mathbb{1}(j = y_i) \f$ (pass \f$ 1/N \f$ for the averaged loss), laid out like
/// `scores`; it may not overlap `scores`.
///
/// Throws ValueError naming "softmax_cross_entropy" for a label not below `classes` or a
/// non-finite score; ShapeError if `classes` is 0.
double softmax_loss_grad_rows(const double* scores, std::size_t classes, const std::size_t* labels,
                              std::size_t rows, double grad_scale, double* grad_out);

/// The softmax cross-entropy loss averaged over the batch, as one fused op (the fast path).
/// Throws ShapeError unless `scores` is (N, C) with N = labels.size() > 0; ValueError for a label
/// out of range or a non-finite score.
Var softmax_cross_entropy(const Var& scores, const Labels& labels);

/// The same loss composed from tape ops (logsumexp, gather, mean). Same errors.
Var softmax_cross_entropy_composed(const Var& scores, const Labels& labels);

/// The loss value without a tape, e.g. for random search or a numerical gradient.
double softmax_cross_entropy_value(const Tensor& scores, const Labels& labels);

}  // namespace gradlab::losses
