/// \file svm.hpp
/// \brief The multiclass SVM (hinge) loss of the notes, and its squared-hinge variant.
///
/// For scores \f$ s \f$ of shape (N, C) and integer labels \f$ y \f$, the Weston--Watkins
/// multiclass SVM loss with margin \f$ \Delta \f$ is
/// \f[ L = \frac{1}{N} \sum_i \sum_{j \ne y_i} \max(0,\ s_{ij} - s_{i y_i} + \Delta). \f]
/// Every wrong class whose score comes within \f$ \Delta \f$ of the correct one pays by how far it
/// intrudes. Its (sub)gradient with respect to the scores, derived by hand in the notes, is
/// \f[ \frac{\partial L}{\partial s_{ij}} = \frac{1}{N}\,\mathbb{1}(m_{ij} > 0) \ (j \ne y_i),
///     \qquad \frac{\partial L}{\partial s_{i y_i}} = -\frac{1}{N} \sum_{j \ne y_i} \mathbb{1}(m_{ij} > 0), \f]
/// with \f$ m_{ij} = s_{ij} - s_{i y_i} + \Delta \f$. Through \f$ s = XW \f$ this is the notes'
/// \f$ \nabla_{w_j} L_i = \mathbb{1}(m_{ij} > 0)\, x_i \f$ and
/// \f$ \nabla_{w_{y_i}} L_i = -(\#\{j : m_{ij} > 0\})\, x_i \f$.
///
/// **Kink convention.** At a margin of exactly 0 the hinge has no derivative; gradlab takes the
/// subgradient 0 there (the indicator is strict, \f$ m > 0 \f$), the same choice as relu'(0) = 0,
/// so the fused and the composed versions agree even on the kink.
///
/// The loss exists twice, to be compared side by side:
/// - svm_composed(): five lines of tape ops, the way one writes it with autodiff;
/// - svm(): one fused custom op whose backward is the hand-derived gradient above. Its work is done
///   by svm_loss_grad_rows(), a plain function over a block of rows, so a caller can stream the
///   rows of X through it block by block (scores, loss and gradient in one pass over the data).
#pragma once

#include <cstddef>

#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/metrics.hpp>

namespace gradlab::losses {

/// The fused SVM kernel over `rows` consecutive rows of a row-major score block.
///
/// Returns \f$ \sum_i L_i \f$ over the block -- a sum, not a mean, so that blocks add up; the
/// caller divides by the full batch size. If `grad_out` is not null it is overwritten with
/// `grad_scale` times \f$ \partial L_i / \partial s_{ij} \f$ (pass \f$ 1/N \f$ for the averaged
/// loss), laid out like `scores`. `scores` and `grad_out` may not overlap.
///
/// Throws ValueError naming "svm" for a label not below `classes`, a non-finite score, or a
/// negative or non-finite `delta`; ShapeError if `classes` is 0.
double svm_loss_grad_rows(const double* scores, std::size_t classes, const std::size_t* labels,
                          std::size_t rows, double delta, double grad_scale, double* grad_out);

/// The squared-hinge kernel (L2-SVM), \f$ L_i = \sum_{j \ne y_i} \max(0, m_{ij})^2 \f$, with the
/// same contract as svm_loss_grad_rows(); its gradient is \f$ 2\max(0, m_{ij}) \f$ for
/// \f$ j \ne y_i \f$ and minus their sum for \f$ y_i \f$ (smooth: no kink convention needed).
double squared_hinge_loss_grad_rows(const double* scores, std::size_t classes,
                                    const std::size_t* labels, std::size_t rows, double delta,
                                    double grad_scale, double* grad_out);

/// The multiclass SVM loss, averaged over the batch, as one fused op (the fast path).
/// Records its branch: per score, 1 where \f$ j \ne y_i \f$ and \f$ m_{ij} > 0 \f$.
/// Throws ShapeError unless `scores` is (N, C) with N = labels.size() > 0; ValueError for a label
/// out of range, a non-finite score, or a negative or non-finite `delta`.
Var svm(const Var& scores, const Labels& labels, double delta = 1.0);

/// The same loss composed from tape ops (gather, relu, mask, sum): the readable reference the
/// fused op is tested against. Same errors as svm().
Var svm_composed(const Var& scores, const Labels& labels, double delta = 1.0);

/// The SVM loss value without a tape, e.g. for random search or a numerical gradient.
double svm_value(const Tensor& scores, const Labels& labels, double delta = 1.0);

/// The squared-hinge multiclass loss \f$ \frac{1}{N}\sum_i \sum_{j \ne y_i} \max(0, m_{ij})^2 \f$
/// as a fused op. Same errors as svm().
Var squared_hinge(const Var& scores, const Labels& labels, double delta = 1.0);

}  // namespace gradlab::losses
