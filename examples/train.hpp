/// \file train.hpp
/// \brief Minibatch training: options and result, for the tour and the tests (train.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "support/experiment.hpp"

namespace gradlab::examples {

/// Options of run_train(). The defaults are the measured recipe for >= 83 % test accuracy with a
/// linear softmax classifier on all of Fashion-MNIST.
struct TrainOptions {
    DataOptions data{DataSource::FashionMnist, {}, 0, 0};  ///< 0 = all 60000 / 10000
    /// Training examples held out for per-epoch validation accuracy, which picks the epoch whose W
    /// is kept; 0 = no validation (train on all, keep the last W). Unset: 5000, or a tenth of
    /// the training split if that is fewer (default_validation()).
    std::optional<std::size_t> validation;
    std::string loss = "softmax";   ///< "softmax" or "svm"
    std::string optimizer = "adam"; ///< "sgd", "momentum" or "adam"
    double lr = 1e-3;               ///< learning rate
    double reg = 1e-5;              ///< L2 strength alpha (L = data loss + alpha sum W^2)
    std::size_t epochs = 10;
    std::size_t batch_size = 128;
    std::uint64_t seed = 0;         ///< initial W and minibatch order
    bool progress_bar = false;      ///< live bar on a terminal (else one line per epoch)
    std::string csv;                ///< if set, the loss / accuracy history as CSV
    std::ostream* out = nullptr;
};

/// What run_train() reached.
struct TrainResult {
    std::vector<double> train_loss;   ///< mean training loss per epoch
    std::vector<double> val_accuracy; ///< validation accuracy per epoch
    std::size_t best_epoch = 0;       ///< the epoch whose W was kept
    double train_accuracy = 0.0;      ///< of the kept W on the training examples
    double test_accuracy = 0.0;       ///< of the kept W on the test split
    std::size_t n_train = 0;          ///< examples trained on
    double seconds = 0.0;             ///< wall time of training
};

/// TrainOptions::validation when it is unset: min(5000, n_train / 10) for n_train training
/// examples (5000 for Fashion-MNIST's 60000 and CIFAR-10's 50000).
std::size_t default_validation(std::size_t n_train);

/// Minibatch training of a linear classifier (train.cpp).
TrainResult run_train(const TrainOptions& options);

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int train_main(int argc, char** argv);

}  // namespace gradlab::examples
