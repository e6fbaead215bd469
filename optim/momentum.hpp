/// \file momentum.hpp
/// \brief SGD with momentum, classic (Polyak) and Nesterov.
#pragma once

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

/// Gradient descent with a velocity: the gradient accelerates a ball rolling on the loss surface
/// instead of moving it directly, so consistent directions build up speed and zig-zags cancel.
///
/// Classic momentum, with \f$ g' = g + \lambda w \f$:
/// \f[ v \leftarrow \mu v - \eta_t g', \qquad w \leftarrow w + v \f]
/// Nesterov momentum (the look-ahead form rewritten in terms of the current w):
/// \f[ v_{prev} = v, \quad v \leftarrow \mu v - \eta_t g', \quad
///     w \leftarrow w - \mu v_{prev} + (1 + \mu) v \f]
/// v starts at zero, so the first classic step equals an SGD step.
///
/// | parameter      | meaning                                   | default  |
/// |----------------|-------------------------------------------|----------|
/// | `lr`           | \f$ \eta_t \f$, constant or a Schedule     | required |
/// | `momentum`     | \f$ \mu \in [0, 1) \f$                     | 0.9      |
/// | `nesterov`     | use the Nesterov update                    | false    |
/// | `weight_decay` | \f$ \lambda \ge 0 \f$ (L2 on the loss)     | 0        |
///
/// State: one velocity "velocity/i" per parameter.
class Momentum : public Optimizer {
public:
    /// Throws ValueError for a bad rate, momentum outside [0, 1), or a negative weight_decay.
    explicit Momentum(LearningRate lr, double momentum = 0.9, bool nesterov = false,
                      double weight_decay = 0.0);
    /// The classic or the Nesterov update above, for every parameter.
    void step(const std::vector<Parameter*>& params) override;
    /// "Momentum" or "Nesterov".
    std::string kind() const override { return nesterov_ ? "Nesterov" : "Momentum"; }

private:
    double mu_;
    bool nesterov_;
};

}  // namespace gradlab::optim
