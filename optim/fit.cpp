#include "fit.hpp"

#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include <gradlab/autodiff/random.hpp>
#include <gradlab/optim/checkpoint.hpp>
#include <gradlab/optim/progress.hpp>

namespace gradlab::optim {

namespace {

using Clock = std::chrono::steady_clock;

// The bookkeeping that has to survive a resume, beyond params/optimizer/rng.
struct Monitor {
    double best_score = -std::numeric_limits<double>::infinity();  // higher is better
    std::size_t best_epoch = 0;
    std::size_t since_best = 0;
    std::vector<Tensor> best_values;
};

Tensor history_tensor(const std::vector<EpochRecord>& h) {
    Tensor t = zeros({h.size(), 5});
    for (std::size_t i = 0; i < h.size(); ++i) {
        t(i, 0) = static_cast<double>(h[i].epoch);
        t(i, 1) = h[i].train_loss;
        t(i, 2) = h[i].val_accuracy;
        t(i, 3) = h[i].lr;
        t(i, 4) = h[i].seconds;
    }
    return t;
}

std::vector<EpochRecord> history_from(const Tensor& t, const std::string& path) {
    if (t.dimension() != 2 || t.shape()[1] != 5)
        throw IoError(fmt::format("fit: checkpoint '{}' has a malformed history of shape {}", path,
                                  shape_str(t.shape())));
    std::vector<EpochRecord> h(t.shape()[0]);
    for (std::size_t i = 0; i < h.size(); ++i)  // an epoch number must convert to an integer exactly
        if (!(t(i, 0) >= 0.0 && t(i, 0) <= 1e15 && t(i, 0) == std::floor(t(i, 0))))
            throw IoError(fmt::format("fit: checkpoint '{}': history row {} has epoch {}, not a whole number", path,
                                      i, t(i, 0)));
    for (std::size_t i = 0; i < h.size(); ++i)
        h[i] = {static_cast<std::size_t>(t(i, 0)), t(i, 1), t(i, 2), t(i, 3), t(i, 4)};
    return h;
}

// Everything a resume will trust, checked before anything is changed: a checksum only proves
// the file is as written, not that it was written for this model. The keep-best snapshot is put
// back into the parameters at the end of the run, so its shapes must be the parameters' own; the
// monitor's counts become epochs and indices, so they must be whole, finite numbers.
void check_resumable(const Checkpoint& c, const std::vector<Parameter*>& params, const Tensor& monitor,
                     const std::vector<Tensor>& best, const std::vector<EpochRecord>& history,
                     const std::string& path) {
    const char* op = "fit (resume)";
    for (std::size_t i = 0; i < best.size(); ++i) {
        if (!same_shape(best[i].shape(), params[i]->value.shape()))
            throw ShapeError(fmt::format("{}: checkpoint '{}': the best-epoch snapshot of parameter '{}' has shape {}, "
                                         "the model's is {}: the checkpoint was written for another model",
                                         op, path, params[i]->name, shape_str(best[i].shape()),
                                         shape_str(params[i]->value.shape())));
        require_finite(op, best[i], "the best-epoch snapshot");
    }
    if (monitor.dimension() != 1)
        throw IoError(fmt::format("{}: checkpoint '{}': fit/monitor has shape {}, expected (3,)", op, path,
                                  shape_str(monitor.shape())));
    auto whole = [](double v) { return std::isfinite(v) && v >= 0.0 && v <= 1e15 && v == std::floor(v); };
    if (std::isnan(monitor(0)) || !whole(monitor(1)) || !whole(monitor(2)))
        throw IoError(fmt::format("{}: checkpoint '{}': fit/monitor holds ({}, {}, {}); expected a score and two "
                                  "whole epoch counts",
                                  op, path, monitor(0), monitor(1), monitor(2)));
    if (c.epoch > 1e15)
        throw IoError(fmt::format("{}: checkpoint '{}': epoch {} is implausible", op, path, c.epoch));
    for (const auto& r : history)
        if (r.epoch == 0 || r.epoch > c.epoch)
            throw IoError(fmt::format("{}: checkpoint '{}': the history has an epoch {} outside 1..{}", op, path,
                                      r.epoch, c.epoch));
}

void validate_options(const std::vector<Parameter*>& params, std::size_t n, const StepFn& step_fn,
                      const FitOptions& o) {
    if (params.empty()) throw ValueError("fit: no parameters to train");
    for (std::size_t i = 0; i < params.size(); ++i)
        if (params[i] == nullptr) throw ValueError(fmt::format("fit: parameter #{} is a null pointer", i));
    if (!step_fn) throw ValueError("fit: step_fn is empty");
    if (n == 0) throw ValueError("fit: n_examples is 0; there is nothing to train on");
    if (o.epochs == 0) throw ValueError("fit: epochs must be at least 1, got 0");
    if (o.batch_size == 0 || o.batch_size > n)
        throw ValueError(fmt::format("fit: batch_size must be between 1 and n_examples = {}, got {}", n,
                                     o.batch_size));
}

}  // namespace

std::string history_csv(const std::vector<EpochRecord>& history) {
    std::string csv = "epoch,train_loss,val_accuracy,lr,seconds\n";
    for (const EpochRecord& r : history)
        csv += fmt::format("{},{:.17g},{:.17g},{:.17g},{:.17g}\n", r.epoch, r.train_loss, r.val_accuracy, r.lr,
                           r.seconds);
    return csv;
}

FitResult fit(const std::vector<Parameter*>& params, Optimizer& optimizer, std::size_t n_examples,
              const StepFn& step_fn, const FitOptions& o, const ValidateFn& validate) {
    validate_options(params, n_examples, step_fn, o);
    std::mt19937_64 rng(o.seed);
    FitResult result;
    Monitor mon;
    std::size_t first_epoch = 0;

    if (!o.resume_from.empty()) {
        const Checkpoint c = load_checkpoint(o.resume_from);
        // Check fit's own extras before restore_checkpoint changes anything.
        std::vector<EpochRecord> history;
        Tensor monitor;
        std::vector<Tensor> best;
        for (const auto& [name, t] : c.extra) {
            if (name == "fit/history") history = history_from(t, o.resume_from);
            else if (name == "fit/monitor") monitor = t;
            else if (name.rfind("fit/best/", 0) == 0) best.push_back(t);
        }
        if (monitor.size() != 3)
            throw IoError(fmt::format("fit: '{}' is a checkpoint, but not one written by fit (no fit/monitor)",
                                      o.resume_from));
        if (!best.empty() && best.size() != params.size())
            throw IoError(fmt::format("fit: checkpoint '{}' keeps {} best tensors for {} parameters", o.resume_from,
                                      best.size(), params.size()));
        check_resumable(c, params, monitor, best, history, o.resume_from);
        restore_checkpoint(c, params, optimizer, rng);
        first_epoch = static_cast<std::size_t>(c.epoch);
        result.history = std::move(history);
        mon.best_score = monitor(0);
        mon.best_epoch = static_cast<std::size_t>(monitor(1));
        mon.since_best = static_cast<std::size_t>(monitor(2));
        mon.best_values = std::move(best);
        result.best_epoch = mon.best_epoch;
    }

    std::ostream& out = o.out ? *o.out : std::cout;
    const bool terminal = o.progress == ProgressMode::Bar ||
                          (o.progress == ProgressMode::Auto && o.out == nullptr && stdout_is_terminal());
    ProgressPrinter progress(out, terminal);

    const std::size_t batches = (n_examples + o.batch_size - 1) / o.batch_size;
    std::vector<std::size_t> order(n_examples);
    std::vector<std::size_t> batch;
    const auto run_start = Clock::now();
    std::size_t batches_this_run = 0;
    zero_grad(params);

    for (std::size_t epoch = first_epoch; epoch < o.epochs; ++epoch) {
        if (o.patience > 0 && mon.since_best >= o.patience) break;  // a resumed run that had already stopped
        const auto epoch_start = Clock::now();
        std::iota(order.begin(), order.end(), std::size_t{0});
        if (o.shuffle) random::shuffle(rng, order);
        const double lr = optimizer.learning_rate();
        double loss_sum = 0.0;
        std::size_t seen = 0;
        for (std::size_t b = 0; b < batches; ++b) {
            const std::size_t lo = b * o.batch_size;
            const std::size_t hi = std::min(n_examples, lo + o.batch_size);
            batch.assign(order.begin() + static_cast<std::ptrdiff_t>(lo), order.begin() + static_cast<std::ptrdiff_t>(hi));
            const double loss = step_fn(batch);
            if (!std::isfinite(loss))
                throw ValueError(fmt::format("fit: loss is {} at epoch {}, batch {} (diverging? try a smaller lr)",
                                             loss, epoch + 1, b + 1));
            optimizer.step(params);
            zero_grad(params);
            result.batch_losses.push_back(loss);
            loss_sum += loss * static_cast<double>(hi - lo);
            seen += hi - lo;
            ++batches_this_run;
            if (o.progress != ProgressMode::Off && terminal) {
                const double elapsed = std::chrono::duration<double>(Clock::now() - epoch_start).count();
                const double run_elapsed = std::chrono::duration<double>(Clock::now() - run_start).count();
                const double left = static_cast<double>((o.epochs - epoch - 1) * batches + (batches - b - 1));
                progress.batch({epoch + 1, o.epochs, b + 1, batches, loss_sum / static_cast<double>(seen),
                                elapsed > 0 ? static_cast<double>(seen) / elapsed : 0.0,
                                run_elapsed / static_cast<double>(batches_this_run) * left});
            }
        }

        EpochRecord rec;
        rec.epoch = epoch + 1;
        rec.train_loss = loss_sum / static_cast<double>(seen);
        rec.val_accuracy = validate ? validate() : std::numeric_limits<double>::quiet_NaN();
        rec.lr = lr;
        rec.seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
        result.history.push_back(rec);

        const double score = validate ? rec.val_accuracy : -rec.train_loss;
        if (score > mon.best_score) {
            mon.best_score = score;
            mon.best_epoch = rec.epoch;
            mon.since_best = 0;
            if (o.keep_best) {
                mon.best_values.clear();
                for (const Parameter* p : params) mon.best_values.push_back(p->value);
            }
        } else {
            ++mon.since_best;
        }
        result.best_epoch = mon.best_epoch;

        if (!o.csv_path.empty()) write_file_atomic(o.csv_path, history_csv(result.history));
        if (!o.checkpoint_path.empty()) {
            Checkpoint c = capture_checkpoint(params, optimizer, rec.epoch, rng);
            c.extra.emplace_back("fit/history", history_tensor(result.history));
            Tensor monitor = zeros({3});
            monitor(0) = mon.best_score;
            monitor(1) = static_cast<double>(mon.best_epoch);
            monitor(2) = static_cast<double>(mon.since_best);
            c.extra.emplace_back("fit/monitor", monitor);
            for (std::size_t i = 0; i < mon.best_values.size(); ++i)
                c.extra.emplace_back(fmt::format("fit/best/{}", i), mon.best_values[i]);
            save_checkpoint(o.checkpoint_path, c);
        }
        if (o.progress != ProgressMode::Off)
            progress.epoch(rec.epoch, o.epochs, rec.train_loss, rec.val_accuracy,
                           rec.seconds > 0 ? static_cast<double>(seen) / rec.seconds : 0.0, rec.seconds);
        if (o.on_epoch) o.on_epoch(rec);
        if (o.patience > 0 && mon.since_best >= o.patience) {
            result.stopped_early = true;
            break;
        }
    }

    if (o.keep_best && mon.best_values.size() == params.size())
        for (std::size_t i = 0; i < params.size(); ++i) params[i]->value = mon.best_values[i];
    return result;
}

}  // namespace gradlab::optim
