/// \file fit.hpp
/// \brief The training loop: epochs of shuffled minibatches, an optimizer step per batch,
/// validation per epoch, progress, CSV history, early stopping, keep-best, checkpoints.
///
/// fit knows nothing about models or losses: the caller's `step_fn` gets the indices of one
/// minibatch, computes the loss on those examples and fills the parameters' grads (with the
/// tape, or by hand); fit then lets the optimizer step and zeroes the grads. That is minibatch
/// SGD in the notes' words -- with batch_size equal to the data size it is full-batch gradient
/// descent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

/// Computes the loss on the examples `batch_indices` (indices into the training set) and fills
/// the grads of the parameters being trained. Returns the mean loss over the batch.
using StepFn = std::function<double(const std::vector<std::size_t>& batch_indices)>;

/// Returns the validation accuracy (in [0, 1]) of the parameters as they are now.
using ValidateFn = std::function<double()>;

/// Where progress goes and how it looks.
enum class ProgressMode {
    Auto,   ///< a live bar if output is stdout and stdout is a terminal, else plain lines
    Bar,    ///< always the live bar (a carriage return redraws it)
    Lines,  ///< one plain line per epoch
    Off     ///< nothing
};

/// One row of the training history (and of the CSV file).
struct EpochRecord {
    std::size_t epoch = 0;      ///< from 1
    double train_loss = 0.0;    ///< mean of the batch losses, weighted by batch size
    double val_accuracy = 0.0;  ///< NaN when no validate callable was given
    double lr = 0.0;            ///< learning rate at the epoch's first step
    double seconds = 0.0;       ///< wall time of the epoch
};

/// Knobs of fit(); the defaults train quietly-but-visibly for 10 epochs.
struct FitOptions {
    std::size_t epochs = 10;      ///< total epochs (including those done before a resume)
    std::size_t batch_size = 32;  ///< examples per minibatch; the last batch may be smaller
    std::uint64_t seed = 0;       ///< seeds the std::mt19937_64 that shuffles
    bool shuffle = true;          ///< reshuffle the examples every epoch
    /// Early stopping: stop after this many epochs without improvement of the monitored score
    /// (validation accuracy if validate is given, else training loss); 0 never stops early.
    std::size_t patience = 0;
    bool keep_best = true;        ///< at the end, restore the parameters of the best epoch
    std::string csv_path;         ///< if set, the history as CSV, rewritten atomically each epoch
    std::string checkpoint_path;  ///< if set, a checkpoint written atomically after each epoch
    std::string resume_from;      ///< if set, continue the run saved in this checkpoint
    ProgressMode progress = ProgressMode::Auto;  ///< bar, lines, or nothing (see ProgressMode)
    std::ostream* out = nullptr;  ///< progress stream; nullptr means std::cout
    std::function<void(const EpochRecord&)> on_epoch;  ///< called after each epoch, if set
};

/// What fit() did.
struct FitResult {
    std::vector<EpochRecord> history;  ///< one record per epoch, including resumed ones
    std::vector<double> batch_losses;  ///< every batch loss of this call (not of resumed epochs)
    std::size_t best_epoch = 0;        ///< epoch with the best monitored score (0 if none)
    bool stopped_early = false;        ///< patience ran out
};

/// Trains `params` with `optimizer` on a training set of `n_examples` examples.
///
/// Per epoch: permute 0..n-1 with the seeded generator (Fisher-Yates on its raw output, the same
/// on every platform), cut into batches, and for each batch call step_fn, then
/// optimizer.step(params), then zero the grads. After the epoch: validate, record, update
/// keep-best / early stopping, write CSV and checkpoint, report progress.
///
/// Same seed and same step_fn give bit-identical parameters, and a run resumed from a checkpoint
/// continues exactly as if it had never stopped (the checkpoint holds the parameters, the
/// optimizer state, the generator state, the history and the keep-best snapshot).
///
/// Throws ValueError for no parameters, n_examples == 0, epochs == 0, batch_size 0 or larger than
/// n_examples, or a non-finite loss; IoError for an unreadable resume_from or unwritable files.
FitResult fit(const std::vector<Parameter*>& params, Optimizer& optimizer, std::size_t n_examples,
              const StepFn& step_fn, const FitOptions& options = {}, const ValidateFn& validate = {});

/// The history as CSV: header `epoch,train_loss,val_accuracy,lr,seconds`, one row per epoch,
/// numbers with 17 significant digits (they read back exactly).
std::string history_csv(const std::vector<EpochRecord>& history);

}  // namespace gradlab::optim
