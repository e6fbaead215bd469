// Integer-label ops: gather (pick one score per row) and one_hot; masked_fill, which takes a
// one_hot mask to leave the correct class out of a max.
#include "ops.hpp"

#include <cmath>

#include <xtensor/xoperation.hpp>

#include "ops_internal.hpp"

namespace gradlab {

Var gather(const Var& s, const std::vector<std::size_t>& idx) {
    const Shape& sh = s.shape();
    if (sh.size() != 2)
        throw ShapeError(fmt::format("gather: scores must be 2-D (N, C), got shape {}", shape_str(sh)));
    const std::size_t n = sh[0], c = sh[1];
    if (idx.size() != n)
        throw ShapeError(fmt::format("gather: {} labels for scores of shape {}: need one label per row",
                                     idx.size(), shape_str(sh)));
    for (std::size_t i = 0; i < n; ++i)
        if (idx[i] >= c)
            throw ValueError(fmt::format(
                "gather: label {} at row {} is out of range for scores of shape {} (classes 0..{})",
                idx[i], i, shape_str(sh), c == 0 ? 0 : c - 1));
    Tensor v = zeros({n});
    const double* ps = s.value().data();
    for (std::size_t i = 0; i < n; ++i) v.data()[i] = ps[i * c + idx[i]];
    return s.tape().record("gather", std::move(v), {s}, [idx](const BackwardArgs& args) {
        // dy_i/ds_ij = [j = idx_i]: scatter-add the row gradients into a zero matrix
        const std::size_t cols = args.input(0).shape()[1];
        Tensor ds = zeros(args.input(0).shape());
        for (std::size_t i = 0; i < idx.size(); ++i) ds.data()[i * cols + idx[i]] += args.grad.data()[i];
        return Grads{std::move(ds)};
    });
}

Tensor one_hot(const std::vector<std::size_t>& labels, std::size_t num_classes) {
    if (num_classes == 0) throw ValueError("one_hot: num_classes must be at least 1, got 0");
    Tensor t = zeros({labels.size(), num_classes});
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] >= num_classes)
            throw ValueError(fmt::format("one_hot: label {} at row {} is out of range for {} classes (0..{})",
                                         labels[i], i, num_classes, num_classes - 1));
        t.data()[i * num_classes + labels[i]] = 1.0;
    }
    return t;
}

Var masked_fill(const Var& x, Tensor mask, double value) {
    if (std::isnan(value)) throw ValueError("masked_fill: the fill value is NaN");
    for (std::size_t i = 0; i < mask.size(); ++i)
        if (mask.flat(i) != 0.0 && mask.flat(i) != 1.0)
            throw ValueError(fmt::format("masked_fill: the mask must hold only 0 and 1, but element {} (flat "
                                         "index) of the mask of shape {} is {}",
                                         i, shape_str(mask.shape()), mask.flat(i)));
    if (!same_shape(broadcast_shapes("masked_fill", x.shape(), mask.shape()), x.shape()))
        throw ShapeError(fmt::format("masked_fill: a mask of shape {} does not broadcast into x's shape {}",
                                     shape_str(mask.shape()), shape_str(x.shape())));
    Tensor v = xt::where(mask, value, x.value());  // a choice: an infinite value is never multiplied
    return x.tape().record("masked_fill", std::move(v), {x}, [mask = std::move(mask)](const BackwardArgs& args) {
        return Grads{Tensor(xt::where(mask, 0.0, args.grad))};  // dy/dx = 1 - m
    });
}

}  // namespace gradlab
