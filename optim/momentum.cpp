#include "momentum.hpp"

#include <cmath>

namespace gradlab::optim {

Momentum::Momentum(LearningRate lr, double momentum, bool nesterov, double weight_decay)
    : Optimizer(nesterov ? "Nesterov" : "Momentum", std::move(lr), weight_decay),
      mu_(momentum), nesterov_(nesterov) {
    require_in_range(name(), "momentum", mu_, 0.0, 1.0, false, true);
    declare_buffer("velocity");
}

void Momentum::step(const std::vector<Parameter*>& params) {
    const double lr = begin_step(params);
    std::vector<Tensor>& velocity = buffer("velocity");
    for (std::size_t i = 0; i < params.size(); ++i) {
        Parameter& p = *params[i];
        Tensor& v = velocity[i];
        const Tensor& g = decayed_grad(p);
        if (nesterov_) {
            const Tensor v_prev = v;
            v = mu_ * v - lr * g;
            p.value += -mu_ * v_prev + (1.0 + mu_) * v;
        } else {
            v = mu_ * v - lr * g;
            p.value += v;
        }
    }
    end_step();
}

}  // namespace gradlab::optim
