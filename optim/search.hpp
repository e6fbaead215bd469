/// \file search.hpp
/// \brief The notes' three strategies for minimizing a loss, side by side:
/// 1. random search (guess W blindly, keep the best guess),
/// 2. random local search (nudge W randomly, keep the nudge if the loss went down),
/// 3. following the gradient (gradient descent).
///
/// All three take the loss as a callable of W and report the same SearchResult, so a learner can
/// run them with the same budget of loss evaluations and compare.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include <gradlab/autodiff/tensor.hpp>

namespace gradlab::optim {

/// A loss as a function of the weights.
using LossFn = std::function<double(const Tensor& w)>;

/// A loss and its gradient: returns L(w) and writes dL/dw into `grad` (same shape as w).
using LossGradFn = std::function<double(const Tensor& w, Tensor& grad)>;

/// What a search strategy found and how it got there.
struct SearchResult {
    Tensor best_w;                    ///< the best weights seen
    double best_loss = 0.0;           ///< L(best_w)
    std::vector<double> losses;       ///< the loss of every candidate, in order (one per evaluation)
    std::vector<double> best_so_far;  ///< running minimum after each evaluation
    std::size_t accepted = 0;         ///< candidates that became the new best
};

/// The strategies draw from gradlab::randn (autodiff/tensor.hpp); named here too for callers
/// that think of it as part of the search.
using gradlab::randn;

/// Strategy 1, random search: `tries` independent guesses \f$ W = \sigma \cdot \mathrm{randn} \f$,
/// keeping the one with the lowest loss. Uses `tries` loss evaluations.
/// Throws ValueError for tries == 0, a non-positive or non-finite scale, or a non-finite loss.
SearchResult random_search(const LossFn& loss, const Shape& shape, std::size_t tries,
                           std::uint64_t seed, double scale = 1e-4);

/// Strategy 2, random local search: from `w0`, propose \f$ W' = W + \delta \cdot \mathrm{randn} \f$
/// and move to W' only if \f$ L(W') < L(W) \f$; never accepts a worse W. Uses `tries + 1` loss
/// evaluations (the first is L(w0), recorded as losses[0]).
SearchResult random_local_search(const LossFn& loss, const Tensor& w0, std::size_t tries,
                                 std::uint64_t seed, double step_size = 1e-4);

/// Strategy 3, full-batch gradient descent: \f$ W \leftarrow W - \eta \nabla L(W) \f$, `steps`
/// times, using Sgd. Uses `steps + 1` evaluations of loss and gradient (the last one only scores
/// the final W). `accepted` counts steps that lowered the loss; best_w is the final W if the loss
/// kept falling, else the best one visited.
SearchResult gradient_descent(const LossGradFn& loss_and_grad, const Tensor& w0, std::size_t steps,
                              double step_size);

}  // namespace gradlab::optim
