// Small problems with known answers, shared by the optim tests (not a test file itself).
// Everything is plain xtensor and loops, independent of gradlab's tape and losses, so the
// optimizers are tested against references that cannot share their bugs.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include <gradlab/autodiff/parameter.hpp>

namespace toy {

using gradlab::Tensor;

// Uniform in [0, 1) from the raw generator output (same numbers with every standard library).
inline double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// f(w) = 1/2 sum_i a_i (w_i - c_i)^2, minimum 0 at w = c; a = (1, 10): condition number 10.
struct Bowl {
    Tensor a{1.0, 10.0};
    Tensor c{1.0, -2.0};
    double loss(const Tensor& w) const {
        double f = 0;
        for (std::size_t i = 0; i < w.size(); ++i) f += 0.5 * a(i) * (w(i) - c(i)) * (w(i) - c(i));
        return f;
    }
    double loss_and_grad(const Tensor& w, Tensor& g) const {
        for (std::size_t i = 0; i < w.size(); ++i) g(i) += a(i) * (w(i) - c(i));
        return loss(w);
    }
};

// Rosenbrock's valley f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1).
inline double rosenbrock(const Tensor& w, Tensor& g) {
    const double x = w(0), y = w(1);
    g(0) += -2.0 * (1.0 - x) - 400.0 * x * (y - x * x);
    g(1) += 200.0 * (y - x * x);
    return (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x);
}

// Three well-separated 2-D clusters, plus a bias column of ones: X is (n, 3), labels 0..2.
// Centers about 10.4 apart, noise uniform in a box of half-width 1.5 (radius < 2.2 < 5.2), so
// the nearest-center rule -- a linear classifier -- separates them perfectly.
struct Blobs {
    Tensor X;
    std::vector<std::size_t> y;
};
inline Blobs make_blobs(std::size_t n, std::uint64_t seed) {
    const double centers[3][2] = {{0.0, 6.0}, {5.2, -3.0}, {-5.2, -3.0}};
    std::mt19937_64 rng(seed);
    Blobs b{gradlab::zeros({n, 3}), std::vector<std::size_t>(n)};
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t c = i % 3;
        b.y[i] = c;
        b.X(i, 0) = centers[c][0] + 3.0 * (uniform01(rng) - 0.5);
        b.X(i, 1) = centers[c][1] + 3.0 * (uniform01(rng) - 0.5);
        b.X(i, 2) = 1.0;
    }
    return b;
}

// Multiclass SVM (hinge, margin 1) on the rows `idx` of X with weights W (D, C), plus
// reg/2 ||W||^2: L = 1/|idx| sum_i sum_{j != y_i} max(0, s_j - s_{y_i} + 1) + reg/2 ||W||^2.
// Adds dL/dW into G.
inline double svm_loss_grad(const Tensor& W, const Blobs& data, const std::vector<std::size_t>& idx,
                            double reg, Tensor& G) {
    const std::size_t D = W.shape()[0], C = W.shape()[1];
    const double inv_n = 1.0 / static_cast<double>(idx.size());
    double loss = 0.0;
    std::vector<double> s(C);
    for (std::size_t i : idx) {
        for (std::size_t j = 0; j < C; ++j) {
            s[j] = 0.0;
            for (std::size_t d = 0; d < D; ++d) s[j] += data.X(i, d) * W(d, j);
        }
        const std::size_t yi = data.y[i];
        for (std::size_t j = 0; j < C; ++j) {
            if (j == yi) continue;
            const double margin = s[j] - s[yi] + 1.0;
            if (margin <= 0.0) continue;
            loss += margin * inv_n;
            for (std::size_t d = 0; d < D; ++d) {  // d margin / dW = x (column j) - x (column y_i)
                G(d, j) += data.X(i, d) * inv_n;
                G(d, yi) -= data.X(i, d) * inv_n;
            }
        }
    }
    for (std::size_t k = 0; k < W.size(); ++k) {
        loss += 0.5 * reg * W.flat(k) * W.flat(k);
        G.flat(k) += reg * W.flat(k);
    }
    return loss;
}

inline std::vector<std::size_t> all_rows(std::size_t n) {
    std::vector<std::size_t> idx(n);
    for (std::size_t i = 0; i < n; ++i) idx[i] = i;
    return idx;
}

// Fraction of rows whose highest score is the label.
inline double accuracy(const Tensor& W, const Blobs& data) {
    const std::size_t n = data.y.size(), D = W.shape()[0], C = W.shape()[1];
    std::size_t right = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t best = 0;
        double best_s = -INFINITY;
        for (std::size_t j = 0; j < C; ++j) {
            double s = 0.0;
            for (std::size_t d = 0; d < D; ++d) s += data.X(i, d) * W(d, j);
            if (s > best_s) best_s = s, best = j;
        }
        right += best == data.y[i];
    }
    return static_cast<double>(right) / static_cast<double>(n);
}

// Bitwise equality of two tensors (== on doubles would call -0.0 and 0.0 equal and NaN unequal).
inline bool bit_identical(const Tensor& a, const Tensor& b) {
    if (a.shape() != b.shape()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a.flat(i), &b.flat(i), sizeof(double)) != 0) return false;
    return true;
}

}  // namespace toy
