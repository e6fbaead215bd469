#include "sgd.hpp"

#include <cmath>

namespace gradlab::optim {

Sgd::Sgd(LearningRate lr, double weight_decay) : Optimizer("Sgd", std::move(lr)), weight_decay_(weight_decay) {
    require_in_range(name(), "weight_decay", weight_decay_, 0.0, HUGE_VAL, false, true);
}

void Sgd::step(const std::vector<Parameter*>& params) {
    const double lr = begin_step(params);
    for (Parameter* p : params) {
        // w <- w - lr (g + lambda w); the decay term only when asked, so lambda = 0 is exactly SGD.
        if (weight_decay_ > 0.0)
            p->value -= lr * (p->grad + weight_decay_ * p->value);
        else
            p->value -= lr * p->grad;
    }
    end_step();
}

}  // namespace gradlab::optim
