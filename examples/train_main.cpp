// train: minibatch training of a linear classifier on all of Fashion-MNIST. `train --help` lists
// the flags.
#include "programs.hpp"

int main(int argc, char** argv) {
    using namespace gradlab::examples;
    TrainOptions o;
    std::string source;
    bool no_bar = false;
    gradlab::cli::Parser cli("train",
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
