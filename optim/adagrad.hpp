/// \file adagrad.hpp
/// \brief AdaGrad: a per-coordinate step size that shrinks with the gradients seen so far.
#pragma once

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

/// AdaGrad (Duchi et al., 2011). Each coordinate keeps the running sum of its squared
/// gradients; coordinates that saw large gradients get smaller steps. The sum only grows, so the
/// effective rate decays monotonically (which is why RMSProp exists).
///
/// With \f$ g' = g + \lambda w \f$ and elementwise operations:
/// \f[ G \leftarrow G + g'^2, \qquad w \leftarrow w - \eta_t \, \frac{g'}{\sqrt{G} + \epsilon} \f]
///
/// | parameter      | meaning                                 | default |
/// |----------------|-----------------------------------------|---------|
/// | `lr`           | \f$ \eta_t \f$, constant or a Schedule   | 1e-2    |
/// | `eps`          | \f$ \epsilon > 0 \f$, avoids 0/0          | 1e-8    |
/// | `weight_decay` | \f$ \lambda \ge 0 \f$ (L2 on the loss)   | 0       |
///
/// State: "sum_sq/i" per parameter.
class AdaGrad : public Optimizer {
public:
    /// Throws ValueError for a bad rate, eps <= 0, or a negative weight_decay.
    explicit AdaGrad(LearningRate lr = 1e-2, double eps = 1e-8, double weight_decay = 0.0);
    /// The update above, for every parameter.
    void step(const std::vector<Parameter*>& params) override;
    /// "AdaGrad".
    std::string kind() const override { return "AdaGrad"; }

private:
    double eps_;
};

}  // namespace gradlab::optim
