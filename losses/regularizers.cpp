#include "regularizers.hpp"

#include <cmath>

#include <gradlab/autodiff/ops.hpp>

#include "validate_internal.hpp"

namespace gradlab::losses {

namespace {
void require_ratio(const char* op, double l1_ratio) {
    if (!(l1_ratio >= 0.0 && l1_ratio <= 1.0))
        throw ValueError(fmt::format("{}: l1_ratio must lie in [0, 1], got {}", op, l1_ratio));
}
}  // namespace

Var l2(const Var& w) { return sum(w * w); }

Var l1(const Var& w) { return sum(abs(w)); }

Var elastic_net(const Var& w, double l1_ratio) {
    require_ratio("elastic_net", l1_ratio);
    return l1_ratio * l1(w) + (1.0 - l1_ratio) * l2(w);
}

Var penalty(const Var& w, Penalty kind, double l1_ratio) {
    switch (kind) {
        case Penalty::L2: return l2(w);
        case Penalty::L1: return l1(w);
        case Penalty::ElasticNet: return elastic_net(w, l1_ratio);
    }
    throw ValueError(fmt::format("penalty: unknown penalty kind {}", static_cast<int>(kind)));
}

Var full_loss(const Var& data_loss, const std::vector<Var>& weights, const Regularization& reg) {
    if (data_loss.value().size() != 1)
        throw ShapeError(fmt::format("full_loss: the data loss must be a scalar, got shape {}",
                                     shape_str(data_loss.shape())));
    detail::require_strength("full_loss", reg.strength);
    if (reg.penalty == Penalty::ElasticNet) require_ratio("full_loss", reg.l1_ratio);
    for (const Var& w : weights)
        if (&w.tape() != &data_loss.tape())
            throw TapeError("full_loss: a weight lives on a different tape than the data loss");
    if (reg.strength == 0.0 || weights.empty()) return data_loss;  // nothing to add
    Var r = penalty(weights[0], reg.penalty, reg.l1_ratio);
    for (std::size_t k = 1; k < weights.size(); ++k) r = r + penalty(weights[k], reg.penalty, reg.l1_ratio);
    return data_loss + reg.strength * r;
}

Var full_loss(const Var& data_loss, const Var& w, double alpha) {
    return full_loss(data_loss, {w}, Regularization{alpha, Penalty::L2, 0.5});
}

}  // namespace gradlab::losses
