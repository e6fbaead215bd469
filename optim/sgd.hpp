/// \file sgd.hpp
/// \brief Plain (stochastic) gradient descent: the notes' "follow the gradient" in one line.
#pragma once

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

/// Vanilla gradient descent. With the full training set behind each gradient it is the notes'
/// full-batch gradient descent; with a minibatch gradient (fit.hpp) it is minibatch SGD.
///
/// Update, for each parameter \f$ w \f$ with gradient \f$ g \f$ at iteration t:
/// \f[ w \leftarrow w - \eta_t \, (g + \lambda w) \f]
///
/// | parameter      | meaning                                  | default  |
/// |----------------|------------------------------------------|----------|
/// | `lr`           | \f$ \eta_t \f$, constant or a Schedule    | required |
/// | `weight_decay` | \f$ \lambda \f$, L2 penalty \f$ \tfrac{\lambda}{2}\|w\|^2 \f$ added to the loss | 0 |
class Sgd : public Optimizer {
public:
    /// Throws ValueError for a non-positive or non-finite constant rate, or a negative weight_decay.
    explicit Sgd(LearningRate lr, double weight_decay = 0.0);
    /// \f$ w \leftarrow w - \eta_t (g + \lambda w) \f$ for every parameter.
    void step(const std::vector<Parameter*>& params) override;
    /// "Sgd".
    std::string kind() const override { return "Sgd"; }

private:
};

}  // namespace gradlab::optim
