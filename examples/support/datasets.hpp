/// \file datasets.hpp
/// \brief Data for the examples: Fashion-MNIST and CIFAR-10 loaders, the synthetic spiral and
/// Gaussian blobs, and the preprocessing the notes assume (scaling, mean subtraction, the bias
/// trick, a train/validation split).
///
/// Every loader returns a Dataset whose `x` is an (N, D) matrix of doubles, one example per row,
/// and whose `y` holds the N integer labels -- the shapes the score functions and losses take.
/// Pixels are left at their raw 0..255 values; scaling them is a preprocessing step the caller
/// chooses (see scale()).
///
/// Files from outside are never trusted: every header field is checked against what the format
/// allows before anything is allocated, and a bad file raises gradlab::IoError naming the file
/// and what is wrong with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gradlab/autodiff/random.hpp>
#include <gradlab/autodiff/tensor.hpp>
#include <gradlab/losses/metrics.hpp>

namespace gradlab::data {

/// Examples and their labels: row i of `x` is example i, `y[i]` its class.
struct Dataset {
    /// The (N, D) design matrix, one example per row.
    Tensor x;
    /// N labels, each in [0, num_classes).
    losses::Labels y;
    /// The number of classes C (a score matrix for this set is (N, C)).
    std::size_t num_classes = 0;
    /// Human-readable class names, `class_names[c]` for label c; empty or of size num_classes.
    std::vector<std::string> class_names;

    /// N, the number of examples.
    std::size_t size() const;
    /// D, the number of features per example.
    std::size_t dims() const;
    /// The examples [first, first + count) as a new Dataset (class names and count kept).
    /// Throws ValueError if the range runs past the end.
    Dataset subset(std::size_t first, std::size_t count) const;
    /// The examples at `indices`, in that order (repeats allowed), as a new Dataset.
    /// Throws ValueError naming the first index that is out of range.
    Dataset take(const std::vector<std::size_t>& indices) const;
};

/// Throws naming `op` unless `d` is consistent: `x` is 2-D, there is one label per row, every
/// label is below num_classes, and class_names is empty or has num_classes entries.
void require_valid(const char* op, const Dataset& d);

/// The largest dataset the file loaders accept, in pixels (N x D elements): 2^28, 2 GiB as
/// doubles -- room for CIFAR-10's 50000 x 3072 train split and Fashion-MNIST's 60000 x 784. A
/// header or file size that asks for more is refused before anything is allocated.
inline constexpr std::size_t kMaxDatasetElements = std::size_t{1} << 28;

/// Which part of a dataset to load.
enum class Split { train, test };

// ---------------------------------------------------------------------------------------------
// Fashion-MNIST
// ---------------------------------------------------------------------------------------------

/// Where Debian's `dataset-fashion-mnist` package puts the files.
inline constexpr const char* kFashionMnistDefaultDir = "/usr/share/datasets/fashion-mnist";

/// The environment variable that overrides kFashionMnistDefaultDir.
inline constexpr const char* kFashionMnistDirEnv = "GRADLAB_FASHION_MNIST_DIR";

/// The directory the Fashion-MNIST loader reads when given none: $GRADLAB_FASHION_MNIST_DIR if
/// set and non-empty, otherwise kFashionMnistDefaultDir.
std::string fashion_mnist_dir();

/// The ten Fashion-MNIST class names, "T-shirt/top" (label 0) to "Ankle boot" (label 9).
const std::vector<std::string>& fashion_mnist_class_names();

/// Loads Fashion-MNIST: (N, 784) pixels in 0..255 (28x28 images, row by row) and labels 0..9.
///
/// Reads `{train,t10k}-images-idx3-ubyte.gz` and `{train,t10k}-labels-idx1-ubyte.gz` from `dir`
/// (empty: fashion_mnist_dir()). The files may be gzip-compressed or plain; both are read the
/// same way. `limit` keeps only the first `limit` examples (it must be > 0); without it the whole
/// split is read (60000 train or 10000 test images).
///
/// Throws IoError ("fashion-mnist: <file>: <what is wrong>") for a missing or unreadable file, a
/// wrong magic number, image dimensions other than 28x28, a count whose pixels exceed kMaxDatasetElements, a FIFO, device or
/// directory in place of a regular file, different image
/// and label counts, a truncated file, or a label above 9.
Dataset load_fashion_mnist(Split split, std::optional<std::size_t> limit = std::nullopt,
                           const std::string& dir = {});

// ---------------------------------------------------------------------------------------------
// CIFAR-10
// ---------------------------------------------------------------------------------------------

/// The ten CIFAR-10 class names, "airplane" (label 0) to "truck" (label 9).
const std::vector<std::string>& cifar10_class_names();

/// Loads CIFAR-10 from its binary version: (N, 3072) pixels in 0..255 and labels 0..9.
///
/// The train split is `data_batch_1.bin` ... `data_batch_5.bin` in `dir`, the test split
/// `test_batch.bin`. Each file is a sequence of 3073-byte records: one label byte, then the
/// 32x32 red plane, the green plane and the blue plane, each row by row. A row of `x` keeps that
/// order. With `limit`, only the first `limit` examples are read (and only the batch files needed
/// for them are opened).
///
/// Throws IoError ("cifar-10: <file>: <what is wrong>") for a missing or empty file, something
/// other than a regular file, a size that is not a whole number of records, more records than
/// kMaxDatasetElements allows (checked from the file sizes, before allocating), or a label above 9.
Dataset load_cifar10(const std::string& dir, Split split,
                     std::optional<std::size_t> limit = std::nullopt);

// ---------------------------------------------------------------------------------------------
// Synthetic sets
// ---------------------------------------------------------------------------------------------

/// The synthetic sets draw from gradlab's one seeded random source (autodiff/random.hpp): the
/// same seed gives the same data on every platform.
using gradlab::Random;

/// The course's spiral: `classes` arms of `points_per_class` 2-D points each, winding out from
/// the origin. Point i of arm k sits at radius \f$ r = i / (n - 1) \f$ and angle
/// \f$ \theta = 4 (k + r) + \sigma z \f$ with z standard normal and \f$ \sigma \f$ = `noise`, at
/// \f$ (r \sin\theta, r \cos\theta) \f$. No linear classifier separates it; a two-layer net can.
/// Examples are grouped by class (all of class 0 first). Same seed, same set.
Dataset make_spiral(std::size_t classes, std::size_t points_per_class, double noise = 0.2,
                    std::uint64_t seed = 0);

/// Gaussian blobs: `points_per_class` points around each row of `centers` (a (K, D) matrix, one
/// centre per class), each coordinate the centre's plus `stddev` times a standard normal draw.
/// Grouped by class; same seed, same set.
Dataset make_blobs(const Tensor& centers, std::size_t points_per_class, double stddev = 1.0,
                   std::uint64_t seed = 0);

/// Gaussian blobs around `classes` centres drawn uniformly from the box
/// \f$ [-\text{box}, \text{box}]^{\text{dims}} \f$ (with the same seed).
Dataset make_blobs(std::size_t classes, std::size_t dims, std::size_t points_per_class,
                   double stddev = 1.0, std::uint64_t seed = 0, double box = 10.0);

// ---------------------------------------------------------------------------------------------
// Preprocessing
// ---------------------------------------------------------------------------------------------

/// Multiplies every entry of `x` by `factor` in place, e.g. 1/255 to bring pixels into [0, 1].
void scale(Tensor& x, double factor);

/// The mean example \f$ \mu_j = \frac{1}{N} \sum_i x_{ij} \f$ of an (N, D) matrix, shape (D,).
/// Compute it on the training split only and subtract that same mean from every split: a mean
/// that has seen the validation or test data leaks them into training. Throws ShapeError for an x
/// that is not 2-D and ValueError naming x's shape for one with no rows (nothing to average).
Tensor feature_mean(const Tensor& x);

/// Subtracts `mean` (shape (D,), from feature_mean() on the training split) from each row of the
/// (N, D) matrix `x`, in place.
void subtract_mean(Tensor& x, const Tensor& mean);

/// A dataset cut in two for model selection.
struct TrainValidation {
    /// The examples to fit on.
    Dataset train;
    /// The held-out examples for choosing hyperparameters.
    Dataset validation;
};

/// Shuffles `d` with `seed` and holds out `validation_count` examples (0 < validation_count <
/// N). Same seed, same split.
TrainValidation train_validation_split(const Dataset& d, std::size_t validation_count,
                                       std::uint64_t seed = 0);

}  // namespace gradlab::data
