#include "search.hpp"

#include <cmath>

#include <fmt/format.h>

#include <gradlab/autodiff/parameter.hpp>
#include <gradlab/optim/sgd.hpp>

namespace gradlab::optim {

namespace {

void require_positive(const char* op, const char* what, double v) {
    if (!(v > 0.0) || !std::isfinite(v))
        throw ValueError(fmt::format("{}: {} must be positive and finite, got {}", op, what, v));
}

void require_tries(const char* op, std::size_t tries) {
    if (tries == 0) throw ValueError(fmt::format("{}: tries must be at least 1, got 0", op));
}

double checked_loss(const char* op, double loss, std::size_t evaluation) {
    if (!std::isfinite(loss))
        throw ValueError(fmt::format("{}: loss is {} at evaluation {}", op, loss, evaluation));
    return loss;
}

// Records one evaluation; returns true if it is a new best.
bool record(SearchResult& r, double loss) {
    const bool better = r.losses.empty() || loss < r.best_loss;
    if (better) r.best_loss = loss;
    r.losses.push_back(loss);
    r.best_so_far.push_back(r.best_loss);
    return better;
}

}  // namespace

SearchResult random_search(const LossFn& loss, const Shape& shape, std::size_t tries, std::uint64_t seed,
                           double scale) {
    const char* op = "random_search";
    require_tries(op, tries);
    require_positive(op, "scale", scale);
    if (!loss) throw ValueError("random_search: loss is empty");
    std::mt19937_64 rng(seed);
    SearchResult r;
    for (std::size_t i = 0; i < tries; ++i) {
        Tensor w = scale * randn(shape, rng);
        if (record(r, checked_loss(op, loss(w), i))) {
            r.best_w = std::move(w);
            ++r.accepted;
        }
    }
    return r;
}

SearchResult random_local_search(const LossFn& loss, const Tensor& w0, std::size_t tries, std::uint64_t seed,
                                 double step_size) {
    const char* op = "random_local_search";
    require_tries(op, tries);
    require_positive(op, "step_size", step_size);
    require_finite(op, w0, "w0");
    if (!loss) throw ValueError("random_local_search: loss is empty");
    std::mt19937_64 rng(seed);
    SearchResult r;
    r.best_w = w0;
    record(r, checked_loss(op, loss(w0), 0));
    for (std::size_t i = 1; i <= tries; ++i) {
        Tensor w_try = r.best_w + step_size * randn(w0.shape(), rng);
        // record() accepts only a strictly lower loss: a worse (or equal) W is never taken.
        if (record(r, checked_loss(op, loss(w_try), i))) {
            r.best_w = std::move(w_try);
            ++r.accepted;
        }
    }
    return r;
}

SearchResult gradient_descent(const LossGradFn& loss_and_grad, const Tensor& w0, std::size_t steps,
                              double step_size) {
    const char* op = "gradient_descent";
    require_positive(op, "step_size", step_size);
    require_finite(op, w0, "w0");
    if (!loss_and_grad) throw ValueError("gradient_descent: loss_and_grad is empty");
    Parameter w(w0, "W");
    Sgd sgd(step_size);
    SearchResult r;
    for (std::size_t i = 0; i <= steps; ++i) {
        w.zero_grad();
        const double loss = checked_loss(op, loss_and_grad(w.value, w.grad), i);
        if (record(r, loss)) {
            r.best_w = w.value;
            if (i > 0) ++r.accepted;
        }
        if (i < steps) sgd.step({&w});
    }
    return r;
}

}  // namespace gradlab::optim
