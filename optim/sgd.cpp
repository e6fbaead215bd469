#include "sgd.hpp"

#include <cmath>

namespace gradlab::optim {

Sgd::Sgd(LearningRate lr, double weight_decay) : Optimizer("Sgd", std::move(lr), weight_decay) {
}

void Sgd::step(const std::vector<Parameter*>& params) {
    const double lr = begin_step(params);
    for (Parameter* p : params) {
        p->value -= lr * decayed_grad(*p);  // w <- w - lr (g + lambda w)
    }
    end_step();
}

}  // namespace gradlab::optim
