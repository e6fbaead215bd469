/// \file rmsprop.hpp
/// \brief RMSProp: AdaGrad with a leaky (exponentially decaying) sum of squared gradients.
#pragma once

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

/// RMSProp (Tieleman & Hinton, 2012). Like AdaGrad, but the squared-gradient cache forgets old
/// gradients, so the effective rate adapts instead of only decaying.
///
/// With \f$ g' = g + \lambda w \f$ and elementwise operations:
/// \f[ c \leftarrow \rho c + (1 - \rho) g'^2, \qquad w \leftarrow w - \eta_t \, \frac{g'}{\sqrt{c} + \epsilon} \f]
///
/// | parameter      | meaning                                     | default |
/// |----------------|---------------------------------------------|---------|
/// | `lr`           | \f$ \eta_t \f$, constant or a Schedule       | 1e-3    |
/// | `decay`        | \f$ \rho \in [0, 1) \f$, the cache's memory    | 0.9     |
/// | `eps`          | \f$ \epsilon > 0 \f$                           | 1e-8    |
/// | `weight_decay` | \f$ \lambda \ge 0 \f$ (L2 on the loss)       | 0       |
///
/// State: "cache/i" per parameter.
class RmsProp : public Optimizer {
public:
    /// Throws ValueError for a bad rate, decay outside [0, 1), eps <= 0, or a negative weight_decay.
    explicit RmsProp(LearningRate lr = 1e-3, double decay = 0.9, double eps = 1e-8,
                     double weight_decay = 0.0);
    /// The update above, for every parameter.
    void step(const std::vector<Parameter*>& params) override;
    /// "RmsProp".
    std::string kind() const override { return "RmsProp"; }

private:
    double rho_;
    double eps_;
};

}  // namespace gradlab::optim
