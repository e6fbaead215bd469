#include "metrics.hpp"

namespace gradlab::losses {

void require_scores_and_labels(const char* op, const Tensor& scores, const Labels& labels) {
    if (scores.dimension() != 2)
        throw ShapeError(fmt::format("{}: scores must be 2-D (N, C), got shape {}", op,
                                     shape_str(scores.shape())));
    const std::size_t n = scores.shape()[0], c = scores.shape()[1];
    if (n == 0 || c == 0)
        throw ShapeError(fmt::format("{}: empty batch: scores have shape {}", op, shape_str(scores.shape())));
    if (labels.size() != n)
        throw ShapeError(fmt::format("{}: {} labels for {} rows of scores {}", op, labels.size(), n,
                                     shape_str(scores.shape())));
    for (std::size_t i = 0; i < n; ++i)
        if (labels[i] >= c)
            throw ValueError(fmt::format("{}: label {} of row {} is out of range for {} classes", op,
                                         labels[i], i, c));
}

Labels predict(const Tensor& scores) {
    if (scores.dimension() != 2 || scores.shape()[1] == 0)
        throw ShapeError(fmt::format("predict: scores must be 2-D (N, C) with C > 0, got shape {}",
                                     shape_str(scores.shape())));
    const std::size_t n = scores.shape()[0], c = scores.shape()[1];
    Labels out(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t best = 0;
        for (std::size_t j = 1; j < c; ++j)
            if (scores(i, j) > scores(i, best)) best = j;
        out[i] = best;
    }
    return out;
}

double accuracy(const Tensor& scores, const Labels& labels) {
    require_scores_and_labels("accuracy", scores, labels);
    const Labels pred = predict(scores);
    std::size_t right = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) right += (pred[i] == labels[i]);
    return static_cast<double>(right) / static_cast<double>(labels.size());
}

Labels predict(const Var& scores) { return predict(scores.value()); }

double accuracy(const Var& scores, const Labels& labels) { return accuracy(scores.value(), labels); }

}  // namespace gradlab::losses
