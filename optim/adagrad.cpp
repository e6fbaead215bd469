#include "adagrad.hpp"

#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

namespace gradlab::optim {

AdaGrad::AdaGrad(LearningRate lr, double eps, double weight_decay)
    : Optimizer("AdaGrad", std::move(lr), weight_decay), eps_(eps) {
    require_in_range(name(), "eps", eps_, 0.0, HUGE_VAL, true, true);
    declare_buffer("sum_sq");
}

void AdaGrad::step(const std::vector<Parameter*>& params) {
    const double lr = begin_step(params);
    std::vector<Tensor>& sum_sq = buffer("sum_sq");
    for (std::size_t i = 0; i < params.size(); ++i) {
        Parameter& p = *params[i];
        const Tensor& g = decayed_grad(p);
        // In place, without temporary tensors (xt::noalias: element by element into the left).
        xt::noalias(sum_sq[i]) += g * g;
        xt::noalias(p.value) -= lr * g / (xt::sqrt(sum_sq[i]) + eps_);
    }
    end_step();
}

}  // namespace gradlab::optim
