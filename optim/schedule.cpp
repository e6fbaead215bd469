#include "schedule.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <gradlab/autodiff/error.hpp>

namespace gradlab::optim {

namespace {
void require_rate(const char* op, const char* name, double v) {
    if (!(v > 0.0) || !std::isfinite(v))
        throw ValueError(fmt::format("{}: {} must be positive and finite, got {}", op, name, v));
}
void require_nonnegative(const char* op, const char* name, double v) {
    if (!(v >= 0.0) || !std::isfinite(v))
        throw ValueError(fmt::format("{}: {} must be >= 0 and finite, got {}", op, name, v));
}
}  // namespace

ConstantLR::ConstantLR(double lr0_) : lr0(lr0_) { require_rate("ConstantLR", "lr0", lr0); }
double ConstantLR::operator()(std::size_t) const { return lr0; }

StepDecayLR::StepDecayLR(double lr0_, double gamma_, std::size_t step_)
    : lr0(lr0_), gamma(gamma_), step(step_) {
    require_rate("StepDecayLR", "lr0", lr0);
    require_rate("StepDecayLR", "gamma", gamma);
    if (step == 0) throw ValueError("StepDecayLR: step must be at least 1 iteration, got 0");
}
double StepDecayLR::operator()(std::size_t t) const {
    return lr0 * std::pow(gamma, static_cast<double>(t / step));
}

ExponentialLR::ExponentialLR(double lr0_, double k_) : lr0(lr0_), k(k_) {
    require_rate("ExponentialLR", "lr0", lr0);
    require_nonnegative("ExponentialLR", "k", k);
}
double ExponentialLR::operator()(std::size_t t) const { return lr0 * std::exp(-k * static_cast<double>(t)); }

InverseTimeLR::InverseTimeLR(double lr0_, double k_) : lr0(lr0_), k(k_) {
    require_rate("InverseTimeLR", "lr0", lr0);
    require_nonnegative("InverseTimeLR", "k", k);
}
double InverseTimeLR::operator()(std::size_t t) const { return lr0 / (1.0 + k * static_cast<double>(t)); }

CosineLR::CosineLR(double lr0_, std::size_t period_, double lr_min_)
    : lr0(lr0_), lr_min(lr_min_), period(period_) {
    require_rate("CosineLR", "lr0", lr0);
    require_nonnegative("CosineLR", "lr_min", lr_min);
    if (period == 0) throw ValueError("CosineLR: period must be at least 1 iteration, got 0");
    if (lr_min > lr0)
        throw ValueError(fmt::format("CosineLR: lr_min ({}) exceeds lr0 ({})", lr_min, lr0));
}
double CosineLR::operator()(std::size_t t) const {
    const double pi = 3.14159265358979323846;
    const double frac = static_cast<double>(std::min(t, period)) / static_cast<double>(period);
    return lr_min + 0.5 * (lr0 - lr_min) * (1.0 + std::cos(pi * frac));
}

}  // namespace gradlab::optim
