// Integer-label ops: gather (pick one score per row) and one_hot.
#include "ops.hpp"

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
    return s.tape().record("gather", std::move(v), {s}, [idx](const BackwardArgs& g) {
        // dy_i/ds_ij = [j = idx_i]: scatter-add the row gradients into a zero matrix
        const std::size_t cols = g.input(0).shape()[1];
        Tensor ds = zeros(g.input(0).shape());
        for (std::size_t i = 0; i < idx.size(); ++i) ds.data()[i * cols + idx[i]] += g.grad.data()[i];
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

}  // namespace gradlab
