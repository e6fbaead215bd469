/// \file schedule.hpp
/// \brief Learning-rate schedules: the step size as a function of the iteration number t.
///
/// Each schedule is a small value type with `double operator()(std::size_t t) const`, so an
/// optimizer or a training loop can hold any of them as a `Schedule` (std::function).
#pragma once

#include <cstddef>
#include <functional>

namespace gradlab::optim {

/// Any learning-rate schedule: iteration t (from 0) -> step size.
using Schedule = std::function<double(std::size_t)>;

/// \f$ \eta_t = \eta_0 \f$.
struct ConstantLR {
    double lr0;
    explicit ConstantLR(double lr0);
    double operator()(std::size_t t) const;
};

/// \f$ \eta_t = \eta_0 \gamma^{\lfloor t / s \rfloor} \f$: multiply by gamma every `step` iterations.
struct StepDecayLR {
    double lr0, gamma;
    std::size_t step;
    StepDecayLR(double lr0, double gamma, std::size_t step);
    double operator()(std::size_t t) const;
};

/// \f$ \eta_t = \eta_0 e^{-k t} \f$.
struct ExponentialLR {
    double lr0, k;
    ExponentialLR(double lr0, double k);
    double operator()(std::size_t t) const;
};

/// \f$ \eta_t = \eta_0 / (1 + k t) \f$ (the "1/t" schedule).
struct InverseTimeLR {
    double lr0, k;
    InverseTimeLR(double lr0, double k);
    double operator()(std::size_t t) const;
};

/// \f$ \eta_t = \eta_{min} + \tfrac12(\eta_0 - \eta_{min})(1 + \cos(\pi \min(t, T) / T)) \f$:
/// half a cosine from lr0 down to lr_min over T iterations, then flat.
struct CosineLR {
    double lr0, lr_min;
    std::size_t period;
    CosineLR(double lr0, std::size_t period, double lr_min = 0.0);
    double operator()(std::size_t t) const;
};

}  // namespace gradlab::optim
