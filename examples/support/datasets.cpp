// The in-memory side of the data: Dataset's helpers, the seeded random source, the synthetic
// sets and preprocessing. The file loaders are in loaders.cpp.
#include "datasets.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <xtensor/xbuilder.hpp>

namespace gradlab::data {

// ---------------------------------------------------------------------------------------------
// Dataset
// ---------------------------------------------------------------------------------------------

std::size_t Dataset::size() const { return x.dimension() == 2 ? x.shape()[0] : 0; }

std::size_t Dataset::dims() const { return x.dimension() == 2 ? x.shape()[1] : 0; }

void require_valid(const char* op, const Dataset& d) {
    if (d.x.dimension() != 2)
        throw ShapeError(fmt::format("{}: x must be an (N, D) matrix, got {}", op,
                                     shape_str(d.x.shape())));
    if (d.y.size() != d.size())
        throw ShapeError(fmt::format("{}: {} labels for {} rows of x {}", op, d.y.size(), d.size(),
                                     shape_str(d.x.shape())));
    for (std::size_t i = 0; i < d.y.size(); ++i)
        if (d.y[i] >= d.num_classes)
            throw ValueError(fmt::format("{}: label {} at index {} is not below num_classes = {}",
                                         op, d.y[i], i, d.num_classes));
    if (!d.class_names.empty() && d.class_names.size() != d.num_classes)
        throw ValueError(fmt::format("{}: {} class names for {} classes", op,
                                     d.class_names.size(), d.num_classes));
}

namespace {

// An uninitialised (N, D) matrix, for callers that write every element: skipping the zero fill
// saves a pass over hundreds of megabytes when a whole image set is copied.
Tensor uninitialized(std::size_t rows, std::size_t cols) {
    return Tensor(xt::empty<double>(Shape{rows, cols}));
}

// A Dataset with the same classes as `d` and room for `rows` examples (every row to be written).
Dataset empty_like(const Dataset& d, std::size_t rows) {
    Dataset out;
    out.x = uninitialized(rows, d.dims());
    out.y.resize(rows);
    out.num_classes = d.num_classes;
    out.class_names = d.class_names;
    return out;
}

void copy_row(const Dataset& from, std::size_t i, Dataset& to, std::size_t j) {
    const std::size_t cols = from.dims();
    std::copy_n(from.x.data() + i * cols, cols, to.x.data() + j * cols);
    to.y[j] = from.y[i];
}

}  // namespace

Dataset Dataset::subset(std::size_t first, std::size_t count) const {
    require_valid("Dataset::subset", *this);
    if (first > size() || count > size() - first)
        throw ValueError(fmt::format("Dataset::subset: examples [{}, {}) run past the end of {} "
                                     "examples", first, first + count, size()));
    Dataset out = empty_like(*this, count);
    for (std::size_t j = 0; j < count; ++j) copy_row(*this, first + j, out, j);
    return out;
}

Dataset Dataset::take(const std::vector<std::size_t>& indices) const {
    require_valid("Dataset::take", *this);
    for (std::size_t j = 0; j < indices.size(); ++j)
        if (indices[j] >= size())
            throw ValueError(fmt::format("Dataset::take: index {} (position {}) is out of range "
                                         "for {} examples", indices[j], j, size()));
    Dataset out = empty_like(*this, indices.size());
    for (std::size_t j = 0; j < indices.size(); ++j) copy_row(*this, indices[j], out, j);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Synthetic sets
// ---------------------------------------------------------------------------------------------

namespace {

void require_non_negative(const char* op, const char* what, double v) {
    if (!std::isfinite(v) || v < 0.0)
        throw ValueError(fmt::format("{}: {} must be finite and >= 0, got {}", op, what, v));
}

}  // namespace

Dataset make_spiral(std::size_t classes, std::size_t points_per_class, double noise,
                    std::uint64_t seed) {
    if (classes == 0 || points_per_class == 0)
        throw ValueError(fmt::format("make_spiral: need at least one class and one point, got {} "
                                     "classes of {} points", classes, points_per_class));
    require_non_negative("make_spiral", "noise", noise);
    Random rng(seed);
    Dataset d;
    d.num_classes = classes;
    d.x = zeros({classes * points_per_class, 2});
    d.y.resize(classes * points_per_class);
    for (std::size_t k = 0; k < classes; ++k)
        for (std::size_t i = 0; i < points_per_class; ++i) {
            const std::size_t row = k * points_per_class + i;
            // Radius grows linearly along the arm; each arm turns 4 radians, offset by its class.
            const double r = points_per_class == 1
                                 ? 0.0
                                 : static_cast<double>(i) / static_cast<double>(points_per_class - 1);
            const double theta = 4.0 * (static_cast<double>(k) + r) + noise * rng.normal();
            d.x(row, 0) = r * std::sin(theta);
            d.x(row, 1) = r * std::cos(theta);
            d.y[row] = k;
        }
    return d;
}

Dataset make_blobs(const Tensor& centers, std::size_t points_per_class, double stddev,
                   std::uint64_t seed) {
    if (centers.dimension() != 2 || centers.shape()[0] == 0 || centers.shape()[1] == 0)
        throw ShapeError(fmt::format("make_blobs: centers must be a (K, D) matrix with K, D > 0, "
                                     "got {}", shape_str(centers.shape())));
    require_finite("make_blobs", centers, "centers");
    if (points_per_class == 0) throw ValueError("make_blobs: points_per_class must be > 0");
    require_non_negative("make_blobs", "stddev", stddev);
    const std::size_t classes = centers.shape()[0];
    const std::size_t dims = centers.shape()[1];
    Random rng(seed);
    Dataset d;
    d.num_classes = classes;
    d.x = zeros({classes * points_per_class, dims});
    d.y.resize(classes * points_per_class);
    for (std::size_t k = 0; k < classes; ++k)
        for (std::size_t i = 0; i < points_per_class; ++i) {
            const std::size_t row = k * points_per_class + i;
            for (std::size_t j = 0; j < dims; ++j)
                d.x(row, j) = centers(k, j) + stddev * rng.normal();
            d.y[row] = k;
        }
    return d;
}

Dataset make_blobs(std::size_t classes, std::size_t dims, std::size_t points_per_class,
                   double stddev, std::uint64_t seed, double box) {
    if (classes == 0 || dims == 0)
        throw ValueError(fmt::format("make_blobs: need classes, dims > 0, got {} and {}", classes,
                                     dims));
    require_non_negative("make_blobs", "box", box);
    Random rng(seed);
    Tensor centers = zeros({classes, dims});
    for (double& c : centers) c = box * (2.0 * rng.uniform() - 1.0);
    // A different stream for the points, so the centres do not depend on points_per_class.
    return make_blobs(centers, points_per_class, stddev, seed ^ 0x9e3779b97f4a7c15ULL);
}

// ---------------------------------------------------------------------------------------------
// Preprocessing
// ---------------------------------------------------------------------------------------------

namespace {

void require_matrix(const char* op, const Tensor& x) {
    if (x.dimension() != 2)
        throw ShapeError(fmt::format("{}: expected an (N, D) matrix, got {}", op,
                                     shape_str(x.shape())));
}

}  // namespace

void scale(Tensor& x, double factor) {
    if (!std::isfinite(factor))
        throw ValueError(fmt::format("scale: factor must be finite, got {}", factor));
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] *= factor;
}

Tensor feature_mean(const Tensor& x) {
    require_matrix("feature_mean", x);
    const std::size_t n = x.shape()[0];
    const std::size_t dims = x.shape()[1];
    if (n == 0)
        throw ValueError(fmt::format("feature_mean: x has shape {}: no rows to average (an empty set or split?)",
                                     shape_str(x.shape())));
    // Row by row over the raw buffer: x(i, j) on a dynamically shaped array costs a shape lookup
    // per element, and this runs over 47 million pixels for Fashion-MNIST.
    Tensor mean = zeros({dims});
    double* m = mean.data();
    for (std::size_t i = 0; i < n; ++i) {
        const double* row = x.data() + i * dims;
        for (std::size_t j = 0; j < dims; ++j) m[j] += row[j];
    }
    for (std::size_t j = 0; j < dims; ++j) m[j] /= static_cast<double>(n);
    return mean;
}

void subtract_mean(Tensor& x, const Tensor& mean) {
    require_matrix("subtract_mean", x);
    if (mean.dimension() != 1 || mean.shape()[0] != x.shape()[1])
        throw ShapeError(fmt::format("subtract_mean: mean {} does not fit rows of x {}; expected "
                                     "({},)", shape_str(mean.shape()), shape_str(x.shape()),
                                     x.shape()[1]));
    const std::size_t dims = x.shape()[1];
    const double* m = mean.data();
    for (std::size_t i = 0; i < x.shape()[0]; ++i) {
        double* row = x.data() + i * dims;
        for (std::size_t j = 0; j < dims; ++j) row[j] -= m[j];
    }
}

TrainValidation train_validation_split(const Dataset& d, std::size_t validation_count,
                                       std::uint64_t seed) {
    require_valid("train_validation_split", d);
    if (validation_count == 0 || validation_count >= d.size())
        throw ValueError(fmt::format("train_validation_split: validation_count must be in [1, {}) "
                                     "for {} examples, got {}", d.size(), d.size(),
                                     validation_count));
    const std::vector<std::size_t> order = Random(seed).permutation(d.size());
    const auto cut = order.begin() + static_cast<std::ptrdiff_t>(validation_count);
    return {d.take({cut, order.end()}), d.take({order.begin(), cut})};
}

}  // namespace gradlab::data
