/// \file step_size_sweep.hpp
/// \brief The notes' step-size experiment: from W, one step along the negative gradient for
/// step sizes 1e-10 ... 1e-1, and the loss after each.
///
/// The gradient gives the direction; how far to go is the step size (the learning rate), the
/// most important hyperparameter. Too small: the loss barely moves. Too large: the step
/// overshoots and the loss explodes. The sweep shows both ends and the sweet spot in between.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <gradlab/optim/search.hpp>

namespace gradlab::optim {

/// The sweep's table: one row per step size.
struct StepSizeSweep {
    double loss0 = 0.0;               ///< L(W) before any step
    std::vector<double> step_sizes;   ///< \f$ \eta \f$ for each row
    std::vector<double> losses;       ///< \f$ L(W - \eta \, g) \f$ for each row

    /// Row with the lowest loss (the first one on a tie).
    std::size_t best() const;
};

/// \f$ 10^{-10}, 10^{-9}, \dots, 10^{-1} \f$, as in the notes.
std::vector<double> default_step_sizes();

/// For each step size \f$ \eta \f$, the loss \f$ L(W - \eta \, g) \f$ after one step from `w`
/// along `grad` (analytic or numerical -- any tensor of w's shape). Uses 1 + step_sizes.size()
/// loss evaluations. A loss that overflows is recorded as inf/nan, not thrown: exploding is
/// what the large step sizes are there to show. Throws ShapeError if grad's shape differs from
/// w's, ValueError for an empty list, a non-positive/non-finite step size, or non-finite w/grad.
StepSizeSweep step_size_sweep(const LossFn& loss, const Tensor& w, const Tensor& grad,
                              const std::vector<double>& step_sizes = default_step_sizes());

}  // namespace gradlab::optim

/// \cond FMT_GLUE
// Prints the table: "step size | loss | change", the best row marked with '<-- best'.
template <>
struct fmt::formatter<gradlab::optim::StepSizeSweep> {
    constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
    auto format(const gradlab::optim::StepSizeSweep& s, format_context& ctx) const
        -> format_context::iterator;
};
/// \endcond
