#include "rmsprop.hpp"

#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

namespace gradlab::optim {

RmsProp::RmsProp(LearningRate lr, double decay, double eps, double weight_decay)
    : Optimizer("RmsProp", std::move(lr), weight_decay), rho_(decay), eps_(eps) {
    require_in_range(name(), "decay", rho_, 0.0, 1.0, false, true);
    require_in_range(name(), "eps", eps_, 0.0, HUGE_VAL, true, true);
    declare_buffer("cache");
}

void RmsProp::step(const std::vector<Parameter*>& params) {
    const double lr = begin_step(params);
    std::vector<Tensor>& cache = buffer("cache");
    for (std::size_t i = 0; i < params.size(); ++i) {
        Parameter& p = *params[i];
        const Tensor& g = decayed_grad(p);
        // In place, without temporary tensors (xt::noalias: element by element into the left).
        xt::noalias(cache[i]) = rho_ * cache[i] + (1.0 - rho_) * g * g;
        xt::noalias(p.value) -= lr * g / (xt::sqrt(cache[i]) + eps_);
    }
    end_step();
}

}  // namespace gradlab::optim
