/// \file adam.hpp
/// \brief Adam: momentum on the gradient plus RMSProp's per-coordinate scaling, bias-corrected.
#pragma once

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

/// Adam (Kingma & Ba, 2015). Keeps running averages of the gradient (m, "momentum") and of its
/// square (v, "RMSProp cache"); both start at zero, so early averages are biased towards zero
/// and are divided by \f$ 1 - \beta^{t} \f$ to correct it.
///
/// With \f$ g' = g + \lambda w \f$ (L2 added to the gradient), elementwise operations, and
/// \f$ k = t + 1 \f$ the 1-based step number:
/// \f[ m \leftarrow \beta_1 m + (1 - \beta_1) g', \qquad v \leftarrow \beta_2 v + (1 - \beta_2) g'^2 \f]
/// \f[ \hat m = \frac{m}{1 - \beta_1^{k}}, \qquad \hat v = \frac{v}{1 - \beta_2^{k}}, \qquad
///     w \leftarrow w - \eta_t \, \frac{\hat m}{\sqrt{\hat v} + \epsilon} \f]
///
/// | parameter      | meaning                                  | default |
/// |----------------|------------------------------------------|---------|
/// | `lr`           | \f$ \eta_t \f$, constant or a Schedule    | 1e-3    |
/// | `beta1`        | \f$ \beta_1 \in [0, 1) \f$, memory of m     | 0.9     |
/// | `beta2`        | \f$ \beta_2 \in [0, 1) \f$, memory of v     | 0.999   |
/// | `eps`          | \f$ \epsilon > 0 \f$                        | 1e-8    |
/// | `weight_decay` | \f$ \lambda \ge 0 \f$ (L2 on the loss)    | 0       |
///
/// State: "m/i" and "v/i" per parameter; the step number is the iteration counter.
class Adam : public Optimizer {
public:
    /// Throws ValueError for a bad rate, a beta outside [0, 1), eps <= 0, or a negative weight_decay.
    explicit Adam(LearningRate lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                  double weight_decay = 0.0);
    /// The bias-corrected update above, for every parameter.
    void step(const std::vector<Parameter*>& params) override;
    /// "Adam".
    std::string kind() const override { return "Adam"; }

private:
    double beta1_, beta2_, eps_;
};

}  // namespace gradlab::optim
