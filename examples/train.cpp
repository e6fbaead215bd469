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
#include <algorithm>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <xtensor-blas/xlinalg.hpp>

#include <gradlab/autodiff/ops.hpp>
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

// The rows `indices` of x, copied into one (B, D) batch.
Tensor gather_rows(const Tensor& x, const std::vector<std::size_t>& indices) {
    const std::size_t d = x.shape()[1];
    Tensor batch = zeros({indices.size(), d});
    for (std::size_t i = 0; i < indices.size(); ++i)
        std::memcpy(batch.data() + i * d, x.data() + indices[i] * d, d * sizeof(double));
    return batch;
}

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
    const data::TrainValidation split = data::train_validation_split(d.train, o.validation, o.seed);
    Tensor x_train = split.train.x, x_val = split.validation.x, x_test = d.test.x;

    // [preprocess]
    const double pixel_scale = o.data.source == DataSource::Blobs ? 1.0 : 1.0 / 255.0;
    for (Tensor* x : {&x_train, &x_val, &x_test}) data::scale(*x, pixel_scale);
    const Tensor mean = data::feature_mean(x_train);  // from the training examples only
    for (Tensor* x : {&x_train, &x_val, &x_test}) data::subtract_mean(*x, mean);
    // [preprocess]
    fmt::print(out, "{} examples to train on, {} held out for validation; pixels scaled by {:g}, "
                    "training mean subtracted\n",
               split.train.size(), split.validation.size(), pixel_scale);

    const std::size_t dims = x_train.shape()[1], classes = d.train.num_classes;
    Parameter w(losses::random_normal({dims, classes}, 1e-3, o.seed), "W");
    Parameter b(zeros({classes}), "b");
    const std::unique_ptr<optim::Optimizer> optimizer = make_optimizer(o.optimizer, o.lr);

    // [step]
    const losses::Labels& y_train = split.train.y;
    const optim::StepFn step = [&](const std::vector<std::size_t>& batch) {
        losses::Labels y(batch.size());
        for (std::size_t i = 0; i < batch.size(); ++i) y[i] = y_train[batch[i]];
        Tape tape;
        const Var wv = tape.watch(w);
        const Var scores = losses::linear(tape.constant(gather_rows(x_train, batch), "X"), wv, tape.watch(b));
        const Var data_loss =
            o.loss == "softmax" ? losses::softmax_cross_entropy(scores, y) : losses::svm(scores, y);
        const Var loss = losses::full_loss(data_loss, wv, o.reg);
        tape.backward(loss);  // fills w.grad and b.grad; fit() steps and zeroes them
        return loss.value()();
    };
    // [step]

    optim::FitOptions fit_options;
    fit_options.epochs = o.epochs;
    fit_options.batch_size = std::min(o.batch_size, split.train.size());
    fit_options.seed = o.seed;
    fit_options.keep_best = true;
    fit_options.csv_path = o.csv;
    fit_options.progress = o.progress_bar ? optim::ProgressMode::Auto : optim::ProgressMode::Lines;
    fit_options.out = o.out;
    const Stopwatch clock;
    const optim::FitResult fitted =
        optim::fit({&w, &b}, *optimizer, split.train.size(), step, fit_options,
                   [&] { return accuracy_of(x_val, split.validation.y, w, b); });

    TrainResult r;
    r.seconds = clock.seconds();
    for (const optim::EpochRecord& e : fitted.history) {
        r.train_loss.push_back(e.train_loss);
        r.val_accuracy.push_back(e.val_accuracy);
    }
    r.best_epoch = fitted.best_epoch;
    r.n_train = split.train.size();
    r.train_accuracy = accuracy_of(x_train, split.train.y, w, b);
    r.test_accuracy = accuracy_of(x_test, d.test.y, w, b);
    fmt::print(out, "kept the W of epoch {} (best validation accuracy); trained in {:.1f} s\n"
                    "accuracy: {} on the training examples, {} on the {} test examples\n\n",
               r.best_epoch, r.seconds, percent(r.train_accuracy), percent(r.test_accuracy), d.test.size());
    return r;
}

int train_main(int argc, char** argv) {
    TrainOptions o;
    std::string source;
    bool no_bar = false;
    cli::Parser cli("train",
                             "Trains a linear softmax (or SVM) classifier with minibatch SGD, momentum or "
                             "Adam, with per-epoch validation accuracy, then reports the test accuracy.");
    add_data_flags(cli, o.data, source);
    cli.add("validation", o.validation, "training examples held out for validation");
    cli.add_choice("loss", o.loss, {"softmax", "svm"}, "data loss");
    cli.add_choice("optimizer", o.optimizer, {"sgd", "momentum", "adam"}, "optimizer");
    cli.add("lr", o.lr, "learning rate");
    cli.add("reg", o.reg, "L2 strength alpha");
    cli.add("epochs", o.epochs, "epochs");
    cli.add("batch-size", o.batch_size, "examples per minibatch");
    cli.add("seed", o.seed, "seed of W, the split and the minibatch order");
    cli.add("csv", o.csv, "write the per-epoch history to this CSV file");
    cli.add("no-bar", no_bar, "plain lines even on a terminal");
    if (auto code = cli.parse(argc, argv)) return *code;
    o.progress_bar = !no_bar;
    return run_program_main("train", [&] {
        finish_data_flags(o.data, source);
        run_train(o);
        return 0;
    });
}

}  // namespace gradlab::examples
