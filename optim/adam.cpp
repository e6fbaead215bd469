#include "adam.hpp"

#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

namespace gradlab::optim {

Adam::Adam(LearningRate lr, double beta1, double beta2, double eps, double weight_decay)
    : Optimizer("Adam", std::move(lr), weight_decay), beta1_(beta1), beta2_(beta2), eps_(eps) {
    require_in_range(name(), "beta1", beta1_, 0.0, 1.0, false, true);
    require_in_range(name(), "beta2", beta2_, 0.0, 1.0, false, true);
    require_in_range(name(), "eps", eps_, 0.0, HUGE_VAL, true, true);
    declare_buffer("m");
    declare_buffer("v");
}

void Adam::step(const std::vector<Parameter*>& params) {
    const double lr = begin_step(params);
    std::vector<Tensor>& m = buffer("m");
    std::vector<Tensor>& v = buffer("v");
    const double k = static_cast<double>(iteration() + 1);
    const double correct1 = 1.0 - std::pow(beta1_, k);
    const double correct2 = 1.0 - std::pow(beta2_, k);
    for (std::size_t i = 0; i < params.size(); ++i) {
        Parameter& p = *params[i];
        const Tensor& g = decayed_grad(p);
        // In place, without temporary tensors (xt::noalias: element by element into the left).
        xt::noalias(m[i]) = beta1_ * m[i] + (1.0 - beta1_) * g;
        xt::noalias(v[i]) = beta2_ * v[i] + (1.0 - beta2_) * g * g;
        xt::noalias(p.value) -= lr * (m[i] / correct1) / (xt::sqrt(v[i] / correct2) + eps_);
    }
    end_step();
}

}  // namespace gradlab::optim
