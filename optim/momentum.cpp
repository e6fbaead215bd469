#include "momentum.hpp"

#include <cmath>

#include <xtensor/xnoalias.hpp>

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
        // In place, without temporary tensors (xt::noalias: the right-hand side is evaluated
        // element by element straight into the left).
        if (nesterov_) {  // one loop, so the previous v is a scalar, not a copied tensor
            double* w = p.value.data();
            double* vel = v.data();
            const double* gd = g.data();
            for (std::size_t k = 0; k < v.size(); ++k) {
                const double v_prev = vel[k];
                vel[k] = mu_ * v_prev - lr * gd[k];
                w[k] += -mu_ * v_prev + (1.0 + mu_) * vel[k];
            }
        } else {
            xt::noalias(v) = mu_ * v - lr * g;
            xt::noalias(p.value) += v;
        }
    }
    end_step();
}

}  // namespace gradlab::optim
