#include "sgd.hpp"

#include <cmath>

#include <xtensor/xnoalias.hpp>

namespace gradlab::optim {

Sgd::Sgd(LearningRate lr, double weight_decay) : Optimizer("Sgd", std::move(lr), weight_decay) {
}

void Sgd::step(const std::vector<Parameter*>& params) {
    const double lr = begin_step(params);
    for (Parameter* p : params) {
        // w <- w - lr (g + lambda w), element by element into w: xt::noalias skips the temporary
        // tensor xtensor would otherwise build for the right-hand side (it cannot know that w
        // and the gradient do not overlap).
        xt::noalias(p->value) -= lr * decayed_grad(*p);
    }
    end_step();
}

}  // namespace gradlab::optim
