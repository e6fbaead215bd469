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
    double lr0;  ///< \f$ \eta_0 \f$
    /// Throws ValueError unless lr0 is positive and finite.
    explicit ConstantLR(double lr0);
    /// \f$ \eta_t \f$ for iteration t (from 0).
    double operator()(std::size_t t) const;
};

/// \f$ \eta_t = \eta_0 \gamma^{\lfloor t / s \rfloor} \f$: multiply by gamma every `step` iterations.
struct StepDecayLR {
    double lr0;        ///< \f$ \eta_0 \f$
    double gamma;      ///< \f$ \gamma \f$, the factor applied every `step` iterations
    std::size_t step;  ///< s, iterations between two decays
    /// Throws ValueError unless lr0 and gamma are positive and finite and step >= 1.
    StepDecayLR(double lr0, double gamma, std::size_t step);
    /// \f$ \eta_t \f$ for iteration t (from 0).
    double operator()(std::size_t t) const;
};

/// \f$ \eta_t = \eta_0 e^{-k t} \f$.
struct ExponentialLR {
    double lr0;  ///< \f$ \eta_0 \f$
    double k;    ///< decay rate per iteration, \f$ k \ge 0 \f$
    /// Throws ValueError unless lr0 is positive and finite and k >= 0 and finite.
    ExponentialLR(double lr0, double k);
    /// \f$ \eta_t \f$ for iteration t (from 0).
    double operator()(std::size_t t) const;
};

/// \f$ \eta_t = \eta_0 / (1 + k t) \f$ (the "1/t" schedule).
struct InverseTimeLR {
    double lr0;  ///< \f$ \eta_0 \f$
    double k;    ///< decay rate, \f$ k \ge 0 \f$
    /// Throws ValueError unless lr0 is positive and finite and k >= 0 and finite.
    InverseTimeLR(double lr0, double k);
    /// \f$ \eta_t \f$ for iteration t (from 0).
    double operator()(std::size_t t) const;
};

/// \f$ \eta_t = \eta_{min} + \tfrac12(\eta_0 - \eta_{min})(1 + \cos(\pi \min(t, T) / T)) \f$:
/// half a cosine from lr0 down to lr_min over T iterations, then flat.
struct CosineLR {
    double lr0;          ///< \f$ \eta_0 \f$, the rate at t = 0
    double lr_min;       ///< \f$ \eta_{min} \f$, the rate from t = T on
    std::size_t period;  ///< T, iterations of the half cosine
    /// Throws ValueError unless lr0 is positive and finite, 0 <= lr_min <= lr0 and period >= 1.
    CosineLR(double lr0, std::size_t period, double lr_min = 0.0);
    /// \f$ \eta_t \f$ for iteration t (from 0).
    double operator()(std::size_t t) const;
};

}  // namespace gradlab::optim
