#include "gradcheck.hpp"

#include <cmath>

namespace gradlab {

namespace {
void require_step(const char* op, double h) {
    if (!(h > 0.0) || !std::isfinite(h))
        throw ValueError(fmt::format("{}: step h must be positive and finite, got {}", op, h));
}
}  // namespace

Tensor numerical_gradient(const ScalarFn& f, Tensor& x, double h) {
    require_step("numerical_gradient", h);
    if (x.size() == 0)
        throw ShapeError(fmt::format("numerical_gradient: x is empty, shape {}", shape_str(x.shape())));
    Tensor grad = zeros(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double saved = x.flat(i);
        x.flat(i) = saved + h;
        const double plus = f(x);
        x.flat(i) = saved - h;
        const double minus = f(x);
        x.flat(i) = saved;  // restore exactly: we write back the saved bits, not saved+h-h
        if (!std::isfinite(plus) || !std::isfinite(minus))
            throw ValueError(fmt::format(
                "numerical_gradient: f is not finite near element {} (f(x+h) = {}, f(x-h) = {})", i,
                plus, minus));
        grad.flat(i) = (plus - minus) / (2.0 * h);
    }
    return grad;
}

}  // namespace gradlab
