#include "tensor.hpp"

#include <cmath>

namespace gradlab {

std::string shape_str(const Shape& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1) s += ",";  // numpy's spelling of a 1-D shape: (3,)
    return s + ")";
}

Tensor zeros(const Shape& shape) { return Tensor(xt::zeros<double>(shape)); }

Tensor randn(const Shape& shape, std::mt19937_64& rng) {
    Tensor t = zeros(shape);
    // A uniform in (0, 1] from the top 53 bits: never 0, so the log below is finite.
    auto uniform = [&rng] { return (static_cast<double>(rng() >> 11) + 1.0) * 0x1.0p-53; };
    constexpr double two_pi = 6.283185307179586476925286766559;
    for (std::size_t i = 0; i < t.size(); i += 2) {
        const double r = std::sqrt(-2.0 * std::log(uniform()));
        const double theta = two_pi * uniform();
        t.flat(i) = r * std::cos(theta);
        if (i + 1 < t.size()) t.flat(i + 1) = r * std::sin(theta);
    }
    return t;
}

void require_same_shape(const char* op, const Shape& a, const Shape& b) {
    if (!same_shape(a, b))
        throw ShapeError(fmt::format("{}: shapes differ: {} vs {}", op, shape_str(a), shape_str(b)));
}

void require_finite(const char* op, const Tensor& t, const char* what) {
    for (std::size_t i = 0; i < t.size(); ++i) {
        const double v = t.flat(i);
        if (!std::isfinite(v))
            throw ValueError(fmt::format("{}: {} is not finite: element {} (flat index) is {}", op,
                                         what, i, v));
    }
}

}  // namespace gradlab
