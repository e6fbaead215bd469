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

namespace {

// The element count of `shape`, or false when it passes kMaxTensorElements. The product of the
// non-zero dimensions stops as soon as it passes the limit, so it never overflows (each factor
// and the running product stay <= 2^31 before multiplying).
bool element_count_within_limit(const Shape& shape, std::size_t& count) {
    std::size_t nonzero = 1;
    bool empty = false;
    for (std::size_t d : shape) {
        if (d == 0) {
            empty = true;
            continue;
        }
        if (d > kMaxTensorElements || nonzero > kMaxTensorElements / d) return false;
        nonzero *= d;
    }
    count = empty ? 0 : nonzero;
    return true;
}

std::string too_large(const std::string& who, const Shape& shape) {
    return fmt::format("{}: shape {} has more than {} elements (kMaxTensorElements, 16 GiB of doubles), "
                       "the largest tensor gradlab accepts",
                       who, shape_str(shape), kMaxTensorElements);
}

}  // namespace

std::size_t require_shape_within_limit(const char* op, const Shape& shape) {
    std::size_t count = 0;
    if (!element_count_within_limit(shape, count)) throw ShapeError(too_large(op, shape));
    return count;
}

void require_leaf_tensor(const char* op, const char* name, const Tensor& t) {
    const Shape& shape = t.shape();
    std::size_t needed = 0;
    if (!element_count_within_limit(shape, needed))
        throw ShapeError(too_large(fmt::format("{} '{}'", op, name), shape));
    if (t.size() != needed)
        throw ShapeError(fmt::format("{} '{}': shape {} needs {} element(s) but the tensor holds {}; was it "
                                     "moved from (std::move), or is it a Parameter that was moved from?",
                                     op, name, shape_str(shape), needed, t.size()));
}

Tensor zeros(const Shape& shape) {
    require_shape_within_limit("zeros", shape);
    return Tensor(xt::zeros<double>(shape));
}

Tensor randn(const Shape& shape, RandomEngine& rng) {
    require_shape_within_limit("randn", shape);
    Tensor t = zeros(shape);
    for (std::size_t i = 0; i < t.size(); i += 2) {
        const auto [z0, z1] = random::normal_pair(rng);
        t.flat(i) = z0;
        if (i + 1 < t.size()) t.flat(i + 1) = z1;  // an odd size drops the pair's last normal
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
