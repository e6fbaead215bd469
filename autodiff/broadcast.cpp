#include "broadcast.hpp"

#include <algorithm>

#include <xtensor/xmath.hpp>

#include "ops_internal.hpp"

namespace gradlab {

Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
    const std::size_t n = std::max(a.size(), b.size());
    Shape out(n);
    for (std::size_t i = 0; i < n; ++i) {
        // align from the right, as numpy does
        const std::size_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
        const std::size_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
        if (da != db && da != 1 && db != 1)
            throw ShapeError(fmt::format("{}: shapes {} and {} cannot be broadcast together (axis {}: {} vs {})",
                                         op, shape_str(a), shape_str(b), i, da, db));
        out[i] = da == 1 ? db : da;
    }
    return out;
}

Tensor sum_to_shape(const Tensor& g, const Shape& shape, const char* op) {
    if (g.shape() == shape) return g;
    if (broadcast_shapes(op, g.shape(), shape) != g.shape())
        throw ShapeError(fmt::format("{}: gradient of shape {} cannot be summed down to shape {}", op,
                                     shape_str(g.shape()), shape_str(shape)));
    Tensor r = g;
    // Leading axes the operand did not have.
    while (r.dimension() > shape.size()) {
        // gradlab's own loop, not xt::sum: xtensor 0.24 reads out of bounds over an axis of
        // length 0 (an empty batch), and the sum of nothing is 0
        Tensor s = detail::sum_axis(r, 0, false);
        r = std::move(s);
    }
    // Axes where the operand had size 1 (a plain loop: no keep_dims trap, see DESIGN).
    for (std::size_t ax = 0; ax < shape.size(); ++ax) {
        if (shape[ax] == 1 && r.shape()[ax] != 1) {
            Tensor s = detail::sum_axis(r, ax, true);
            r = std::move(s);
        }
    }
    return r;
}

}  // namespace gradlab
