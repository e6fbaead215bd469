#include "step_size_sweep.hpp"

#include <cmath>

namespace gradlab::optim {

std::size_t StepSizeSweep::best() const {
    std::size_t b = 0;
    for (std::size_t i = 1; i < losses.size(); ++i)
        if (losses[i] < losses[b] || (std::isnan(losses[b]) && !std::isnan(losses[i]))) b = i;
    return b;
}

std::vector<double> default_step_sizes() {
    std::vector<double> sizes;
    for (int e = -10; e <= -1; ++e) sizes.push_back(std::pow(10.0, e));
    return sizes;
}

StepSizeSweep step_size_sweep(const LossFn& loss, const Tensor& w, const Tensor& grad,
                              const std::vector<double>& step_sizes) {
    const char* op = "step_size_sweep";
    if (!loss) throw ValueError("step_size_sweep: loss is empty");
    require_same_shape(op, w.shape(), grad.shape());
    require_finite(op, w, "w");
    require_finite(op, grad, "grad");
    if (step_sizes.empty()) throw ValueError("step_size_sweep: no step sizes given");
    for (double eta : step_sizes)
        if (!(eta > 0.0) || !std::isfinite(eta))
            throw ValueError(fmt::format("step_size_sweep: step sizes must be positive and finite, got {}", eta));
    StepSizeSweep s;
    s.loss0 = loss(w);
    s.step_sizes = step_sizes;
    for (double eta : step_sizes) {
        const Tensor w_new = w - eta * grad;
        s.losses.push_back(loss(w_new));
    }
    return s;
}

}  // namespace gradlab::optim

auto fmt::formatter<gradlab::optim::StepSizeSweep>::format(const gradlab::optim::StepSizeSweep& s,
                                                           format_context& ctx) const
    -> format_context::iterator {
    auto out = fmt::format_to(ctx.out(), "original loss: {:.6f}\n{:>10} | {:>14} | {:>14}\n", s.loss0,
                              "step size", "loss", "change");
    const std::size_t best = s.losses.empty() ? 0 : s.best();
    for (std::size_t i = 0; i < s.losses.size(); ++i)
        out = fmt::format_to(out, "{:>10.0e} | {:>14.6f} | {:>+14.6f}{}\n", s.step_sizes[i], s.losses[i],
                             s.losses[i] - s.loss0, i == best ? "  <-- best" : "");
    return out;
}
