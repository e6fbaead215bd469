// Minibatch training: the notes' gradient descent at scale.
//
// The story (reference/optimization-1.md, "Gradient Descent", mini-batch gradient descent): on a
// large training set, computing the full loss for every single update is wasteful; a gradient
// from a small batch of examples (128 here) points roughly the same way at a fraction of the
// cost, so many more updates fit in the same time. We train a linear softmax (or SVM) classifier
// on a whole dataset with SGD, momentum or Adam, the optimizers that improved on plain SGD.
// Preprocessing as the course does it: scale the pixels to [0, 1] and subtract the mean image of
// the *training* examples from every split (a mean that has seen the test set would leak it into
// training). A validation split, held out of training, picks the epoch whose W we keep.
#include "train.hpp"

#include <algorithm>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <xtensor-blas/xlinalg.hpp>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/losses/linear_fused.hpp>
#include <gradlab/losses/regularizers.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>
#include <gradlab/optim/adam.hpp>
#include <gradlab/optim/fit.hpp>
#include <gradlab/optim/momentum.hpp>
#include <gradlab/optim/sgd.hpp>

#include "support/common.hpp"
#include "support/program.hpp"

namespace gradlab::examples {
namespace {

double accuracy_of(const Tensor& x, const losses::Labels& y, const Parameter& w, const Parameter& b) {
    const Tensor scores = xt::linalg::dot(x, w.value) + b.value;
    return losses::accuracy(scores, y);
}

std::unique_ptr<optim::Optimizer> make_optimizer(const std::string& name, double lr) {
    if (name == "sgd") return std::make_unique<optim::Sgd>(lr);
    if (name == "momentum") return std::make_unique<optim::Momentum>(lr, 0.9);
    if (name == "adam") return std::make_unique<optim::Adam>(lr);
    throw ValueError(fmt::format("train: unknown optimizer '{}', expected sgd, momentum or adam", name));
}

}  // namespace

TrainResult run_train(const TrainOptions& o) {
    std::ostream& out = output(o.out);
    if (o.loss != "softmax" && o.loss != "svm")
        throw ValueError(fmt::format("train: unknown loss '{}', expected softmax or svm", o.loss));
    fmt::print(out, "== Minibatch training: linear {} classifier, {} (lr {:g}), batch {}, {} epochs ==\n",
               o.loss, o.optimizer, o.lr, o.batch_size, o.epochs);
    const TrainTest d = load_data(o.data, out);
    const std::size_t validation = o.validation.value_or(default_validation(d.train.size()));
    if (validation >= d.train.size())
        throw ValueError(fmt::format("train: validation {} leaves none of the {} training examples to "
                                     "train on (0 = no validation)", validation, d.train.size()));
    const data::TrainValidation split = validation > 0 ? data::train_validation_split(d.train, validation, o.seed)
                                                       : data::TrainValidation{d.train, {}};
    if (o.batch_size > split.train.size())
        throw ValueError(fmt::format("train: batch size {} is larger than the {} examples to train on",
                                     o.batch_size, split.train.size()));
    Tensor x_train = split.train.x, x_val = split.validation.x, x_test = d.test.x;

    // [preprocess]
    const double pixel_scale = o.data.source == DataSource::Blobs ? 1.0 : 1.0 / 255.0;
    std::vector<Tensor*> splits = {&x_train, &x_test};
    if (validation > 0) splits.push_back(&x_val);
    for (Tensor* x : splits) data::scale(*x, pixel_scale);
    const Tensor mean = data::feature_mean(x_train);  // from the training examples only
    for (Tensor* x : splits) data::subtract_mean(*x, mean);
    // [preprocess]
    if (validation > 0)
        fmt::print(out, "{} examples to train on, {} held out for validation; pixels scaled by {:g}, "
                        "training mean subtracted\n",
                   split.train.size(), validation, pixel_scale);
    else
        fmt::print(out, "{} examples to train on, no validation (the last epoch's W is kept); pixels "
                        "scaled by {:g}, training mean subtracted\n",
                   split.train.size(), pixel_scale);

    const std::size_t dims = x_train.shape()[1], classes = d.train.num_classes;
    Parameter w(losses::random_normal({dims, classes}, 1e-3, o.seed), "W");
    Parameter b(zeros({classes}), "b");
    const std::unique_ptr<optim::Optimizer> optimizer = make_optimizer(o.optimizer, o.lr);

    // [step]
    const losses::Labels& y_train = split.train.y;
    // The training set goes on every step's tape as one shared constant (never copied); the
    // fused op reads the batch's rows of it in place, and computes scores, loss, dL/dW and
    // dL/db in one pass over them (losses/linear_fused.hpp). It equals
    // loss(linear(gather_rows(x_train, batch), W, b), y) -- the composed route -- to 1e-12.
    const auto x_shared = std::make_shared<const Tensor>(std::move(x_train));
    const losses::LinearLoss kind = o.loss == "softmax" ? losses::LinearLoss::Softmax : losses::LinearLoss::Svm;
    const optim::StepFn step = [&](const std::vector<std::size_t>& batch) {
        losses::Labels y(batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) y[i] = y_train[batch[i]];
        Tape tape;
        const Var wv = tape.watch(w);
        const Var data_loss = losses::linear_loss_rows(kind, tape.constant(x_shared, "X"), batch, wv, tape.watch(b), y);
        const Var loss = losses::full_loss(data_loss, wv, o.reg);
        tape.backward(loss);  // fills w.grad and b.grad; fit() steps and zeroes them
        return loss.value()();
    };
    // [step]

    optim::FitOptions fit_options;
    fit_options.epochs = o.epochs;
    fit_options.batch_size = o.batch_size;
    fit_options.seed = o.seed;
    fit_options.keep_best = validation > 0;
    fit_options.csv_path = o.csv;
    fit_options.progress = o.progress_bar ? optim::ProgressMode::Auto : optim::ProgressMode::Lines;
    fit_options.out = o.out;
    const Stopwatch clock;
    optim::ValidateFn validate;
    if (validation > 0) validate = [&] { return accuracy_of(x_val, split.validation.y, w, b); };
    const optim::FitResult fitted = optim::fit({&w, &b}, *optimizer, split.train.size(), step, fit_options, validate);

    TrainResult r;
    r.seconds = clock.seconds();
    for (const optim::EpochRecord& e : fitted.history) {
        r.train_loss.push_back(e.train_loss);
        r.val_accuracy.push_back(e.val_accuracy);
    }
    r.best_epoch = validation > 0 ? fitted.best_epoch : fitted.history.size();
    r.n_train = split.train.size();
    r.train_accuracy = accuracy_of(*x_shared, split.train.y, w, b);
    r.test_accuracy = accuracy_of(x_test, d.test.y, w, b);
    fmt::print(out, "kept the W of epoch {} ({}); trained in {}\n"
                    "accuracy: {} on the training examples, {} on the {} test examples\n\n",
               r.best_epoch, validation > 0 ? "best validation accuracy" : "the last one, no validation",
               format_duration(r.seconds), percent(r.train_accuracy), percent(r.test_accuracy), d.test.size());
    return r;
}

std::size_t default_validation(std::size_t n_train) { return std::min<std::size_t>(5000, n_train / 10); }

int train_main(int argc, char** argv) {
    TrainOptions o;
    std::size_t validation = 0;
    bool no_bar = false;
    Flags app("train",
              "Trains a linear softmax (or SVM) classifier with minibatch SGD, momentum or Adam, with "
              "per-epoch validation accuracy, then reports the test accuracy.");
    add_data_flags(app, o.data);
    CLI::Option* validation_flag =
        app.add_option("--validation", validation,
                       "training examples held out for validation (0 = none: train on all of them)")
            ->check(whole_number())
            ->default_str("5000, or a tenth of the training split if fewer");
    app.add_option("--loss", o.loss, "data loss")->check(CLI::IsMember({"softmax", "svm"}));
    app.add_option("--optimizer", o.optimizer, "optimizer")->check(CLI::IsMember({"sgd", "momentum", "adam"}));
    app.add_option("--lr", o.lr, "learning rate")->check(decimal_number(Sign::Positive));
    app.add_option("--reg", o.reg, "L2 strength alpha")->check(decimal_number(Sign::NonNegative));
    app.add_option("--epochs", o.epochs, "epochs")->check(whole_number(1));
    app.add_option("--batch-size", o.batch_size, "examples per minibatch (at most the training examples)")
        ->check(whole_number(1));
    app.add_option("--seed", o.seed, "seed of W, the split and the minibatch order")->check(whole_number());
    app.add_option("--csv", o.csv, "write the per-epoch history to this CSV file");
    app.add_flag("--no-bar", no_bar, "plain lines even on a terminal");
    return run_program_main(app, argc, argv, [&] {
        if (validation_flag->count() > 0) o.validation = validation;
        o.progress_bar = !no_bar;
        run_train(o);
        return 0;
    });
}

}  // namespace gradlab::examples
