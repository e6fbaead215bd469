/// \file regularizers.hpp
/// \brief Regularization penalties R(W), and the full loss = data loss + alpha R(W).
///
/// **Convention (the notes').** The L2 penalty is \f$ R(W) = \sum_{k,l} W_{kl}^2 \f$ -- no factor
/// 1/2 -- and the full loss is \f$ L = L_\text{data} + \alpha R(W) \f$, so the gradient the
/// penalty adds is \f$ 2\alpha W \f$. (Code that writes \f$ \tfrac{1}{2}\alpha\sum W^2 \f$ gets
/// \f$ \alpha W \f$ instead; the two are the same model with alpha scaled by 2. Keep this in mind
/// when copying a regularization strength from elsewhere.)
///
/// Biases are usually not regularized: pass only the weight matrices to full_loss().
#pragma once

#include <vector>

#include <gradlab/autodiff/tape.hpp>

namespace gradlab::losses {

/// \f$ R(W) = \sum W^2 \f$, \f$ \partial R / \partial W = 2W \f$.
Var l2(const Var& w);

/// \f$ R(W) = \sum |W| \f$, \f$ \partial R / \partial W = \mathrm{sign}(W) \f$ with the
/// convention abs'(0) = 0 (so an exactly-zero weight feels no pull; the checker reports the kink).
Var l1(const Var& w);

/// Elastic net, a blend that keeps alpha the overall strength:
/// \f$ R(W) = \rho \sum |W| + (1 - \rho) \sum W^2 \f$ with \f$ \rho \f$ = `l1_ratio` in [0, 1]
/// (0 is pure L2, 1 pure L1). Throws ValueError for a ratio outside [0, 1].
Var elastic_net(const Var& w, double l1_ratio = 0.5);

/// Which penalty a Regularization applies.
enum class Penalty {
    L2,          ///< l2()
    L1,          ///< l1()
    ElasticNet,  ///< elastic_net() with Regularization::l1_ratio
};

/// \f$ \alpha R(\cdot) \f$: a strength and a penalty.
struct Regularization {
    double strength = 0.0;          ///< alpha >= 0; 0 turns regularization off
    Penalty penalty = Penalty::L2;  ///< which R
    double l1_ratio = 0.5;          ///< only for Penalty::ElasticNet
};

/// \f$ R(W) \f$ for the chosen penalty, unscaled (l1_ratio is read only for ElasticNet).
Var penalty(const Var& w, Penalty kind, double l1_ratio = 0.5);

/// The full loss \f$ L_\text{data} + \alpha \sum_k R(W_k) \f$ over the given weights.
/// Throws ShapeError if `data_loss` is not a scalar, ValueError for a negative or non-finite
/// strength or a bad l1_ratio, TapeError if a weight lives on another tape.
Var full_loss(const Var& data_loss, const std::vector<Var>& weights, const Regularization& reg);

/// The notes' case: \f$ L_\text{data} + \alpha \sum W^2 \f$ for one weight matrix.
Var full_loss(const Var& data_loss, const Var& w, double alpha);

}  // namespace gradlab::losses
