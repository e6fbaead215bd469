/// \file data_loss.hpp
/// \brief The smaller data losses: binary logistic, mean squared error, Huber.
///
/// Each is one custom op (Tape::record) with a hand-derived backward, like the fused SVM and
/// softmax losses; the tests check every one of them against numerical gradients. The multiclass
/// losses live in svm.hpp (hinge, squared hinge) and softmax.hpp (cross-entropy).
///
/// Averaging conventions, chosen to match the names:
/// - binary_logistic() sums over the columns (independent classifiers) and averages over rows,
///   like the SVM: \f$ L = \frac{1}{N}\sum_i \sum_j \ell_{ij} \f$;
/// - mse() and huber() are means over *all* N x C elements, with no factor 1/2 in the MSE.
///
/// mse() and huber() take real-valued targets; to regress onto class labels, pass
/// `one_hot(labels, C)` (ops.hpp) as the targets.
#pragma once

#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/metrics.hpp>

namespace gradlab::losses {

/// Binary logistic regression (the sigmoid classifier):
/// \f$ \ell_{ij} = \log(1 + e^{-z_{ij} s_{ij}}) = -\log \sigma(z_{ij} s_{ij}) \f$ with targets
/// \f$ z_{ij} = \pm 1 \f$, averaged over the N rows;
/// \f$ \partial \ell / \partial s = -z\,\sigma(-z s) \f$. Computed without overflow for any score.
/// - scores (N, 1): one classifier; labels must be 0 (negative) or 1 (positive);
/// - scores (N, C), C >= 2: one-vs-rest, column j is a classifier for "is class j", so
///   \f$ z_{ij} = +1 \f$ if \f$ j = y_i \f$ and -1 otherwise; labels must be below C.
///
/// Throws ShapeError for scores that are not 2-D, an empty batch or a wrong label count;
/// ValueError for a label out of range or a non-finite score.
Var binary_logistic(const Var& scores, const Labels& labels);

/// Mean squared error \f$ \frac{1}{NC}\sum_{ij} (s_{ij} - t_{ij})^2 \f$;
/// \f$ \partial/\partial s_{ij} = 2(s_{ij} - t_{ij}) / (NC) \f$.
/// Throws ShapeError unless targets has the scores' shape and it is not empty; ValueError for
/// non-finite scores or targets.
Var mse(const Var& scores, const Tensor& targets);

/// The Huber loss, quadratic near the target and linear beyond `delta`, averaged over all
/// elements: with \f$ r = s - t \f$,
/// \f$ h(r) = r^2/2 \f$ for \f$ |r| \le \delta \f$ and \f$ \delta(|r| - \delta/2) \f$ beyond;
/// \f$ h'(r) = r \f$ inside, \f$ \delta\,\mathrm{sign}(r) \f$ outside (continuous: no kink).
/// Throws ValueError unless delta > 0 (finite); otherwise the errors of mse().
Var huber(const Var& scores, const Tensor& targets, double delta = 1.0);

}  // namespace gradlab::losses
