/// \file metrics.hpp
/// \brief Turning class scores into predictions, and predictions into accuracy.
#pragma once

#include <cstddef>
#include <vector>

#include <gradlab/autodiff/tape.hpp>
#include <gradlab/autodiff/tensor.hpp>

namespace gradlab::losses {

/// Integer class labels, one per row of a score matrix.
using Labels = std::vector<std::size_t>;

/// The predicted class of each row of an (N, C) score matrix: the index of its largest score
/// (the first one on a tie).
Labels predict(const Tensor& scores);

/// The fraction of rows whose largest score sits at the true label, in [0, 1].
double accuracy(const Tensor& scores, const Labels& labels);

/// predict() of a score Var's value (scores straight from a tape).
Labels predict(const Var& scores);

/// accuracy() of a score Var's value.
double accuracy(const Var& scores, const Labels& labels);

/// Throws naming `op` unless `scores` is (N, C) with N = labels.size() > 0 and every label < C.
void require_scores_and_labels(const char* op, const Tensor& scores, const Labels& labels);

}  // namespace gradlab::losses
