// Minibatch training reaches a sane accuracy at smoke size, and reports what it did.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "../support/scratch_dir.hpp"
#include "example_testing.hpp"
#include "train.hpp"

using namespace gradlab::examples;
using Catch::Contains;

namespace {

// Training on blobs at test size, printing into `out`: n_train + n_test points, `validation` of
// the n_train held out; small batches and a large step, so that a few epochs are enough.
TrainOptions on_blobs(std::ostringstream& out, std::size_t n_train, std::size_t n_test, std::size_t validation) {
    TrainOptions o;
    o.data = examples_testing::blobs(n_train, n_test);
    o.validation = validation;
    o.batch_size = 32;
    o.lr = 1e-2;
    o.out = &out;
    return o;
}

}  // namespace

TEST_CASE("Adam on a linear softmax classifier separates the blobs, with one validation accuracy per epoch") {
    test_support::ScratchDir dir("train");
    std::ostringstream out;
    TrainOptions o = on_blobs(out, 1000, 300, 200);
    o.epochs = 4;
    o.csv = (dir.path() / "history.csv").string();
    const TrainResult r = run_train(o);
    CHECK(r.n_train == 800);
    REQUIRE(r.val_accuracy.size() == 4);
    REQUIRE(r.train_loss.size() == 4);
    CHECK(r.train_loss.back() < r.train_loss.front());
    CHECK(r.best_epoch >= 1);
    CHECK(r.test_accuracy > 0.8);
    CHECK_THAT(out.str(), Contains("epoch 4/4"));
    std::ifstream csv(o.csv);
    std::string header;
    std::getline(csv, header);
    CHECK(header == "epoch,train_loss,val_accuracy,lr,seconds");
}

TEST_CASE("every optimizer and both losses train (SGD, momentum, Adam with softmax and SVM)") {
    for (const char* opt : {"sgd", "momentum", "adam"})
        for (const char* loss : {"softmax", "svm"}) {
            INFO(opt << " / " << loss);
            std::ostringstream out;
            TrainOptions o = on_blobs(out, 600, 200, 100);
            o.epochs = 3;
            o.optimizer = opt;
            o.loss = loss;
            CHECK(run_train(o).test_accuracy > 0.7);
        }
}

TEST_CASE("an unknown optimizer or loss is refused by name") {
    std::ostringstream out;
    TrainOptions o = on_blobs(out, 100, 50, 10);
    o.optimizer = "rmsprop2";
    CHECK_THROWS_WITH(run_train(o), Contains("rmsprop2"));
    o.optimizer = "adam";
    o.loss = "hinge";
    CHECK_THROWS_WITH(run_train(o), Contains("hinge"));
}

TEST_CASE("Fashion-MNIST subset: a few epochs give a sane accuracy (skipped without the data)") {
    if (!examples_testing::have_fashion_mnist()) EXAMPLES_SKIP("Fashion-MNIST is not installed");
    std::ostringstream out;
    TrainOptions o;
    o.data.n_train = 3000;
    o.data.n_test = 1000;
    o.validation = 500;
    o.epochs = 3;
    o.out = &out;
    CHECK(run_train(o).test_accuracy > 0.7);
}

TEST_CASE("train --validation 0 trains on every example and says there is no validation") {
    std::ostringstream out;
    TrainOptions o = on_blobs(out, 400, 100, 0);
    o.epochs = 2;
    const TrainResult r = run_train(o);
    CHECK(r.n_train == 400);  // nothing held out
    CHECK(r.best_epoch == 2);  // the last W is kept: there is nothing to pick the best with
    CHECK(r.test_accuracy > 0.7);
    CHECK_THAT(out.str(), Contains("400 examples to train on, no validation"));
    CHECK_THAT(out.str(), !Contains("held out"));
}

TEST_CASE("a batch size above the training examples is refused, not clamped behind the banner's back") {
    std::ostringstream out;
    TrainOptions o = on_blobs(out, 300, 100, 60);
    o.batch_size = 1000;
    CHECK_THROWS_AS(run_train(o), gradlab::ValueError);
    CHECK_THROWS_WITH(run_train(o), Contains("train: batch size 1000 is larger than the 240 examples to train on"));
    o.batch_size = 240;  // exactly all of them is one full batch per epoch
    o.epochs = 1;
    CHECK_NOTHROW(run_train(o));
}

TEST_CASE("a validation split that leaves nothing to train on is refused by name") {
    std::ostringstream out;
    TrainOptions o = on_blobs(out, 300, 100, 300);
    CHECK_THROWS_WITH(run_train(o), Contains("train: validation 300 leaves none of the 300 training examples"));
}

TEST_CASE("train --data blobs with the default flags trains (validation: a tenth of the 5000 blobs)") {
    CHECK(default_validation(60000) == 5000);  // Fashion-MNIST: as before
    CHECK(default_validation(50000) == 5000);  // CIFAR-10
    CHECK(default_validation(5000) == 500);    // blobs
    std::ostringstream out;
    TrainOptions o;  // the program's defaults, as `train --data blobs` runs them
    o.data.source = DataSource::Blobs;
    o.epochs = 2;  // the default 10 would only take longer
    o.out = &out;
    const TrainResult r = run_train(o);
    CHECK(r.n_train == 4500);
    CHECK(r.test_accuracy > 0.9);
    CHECK_THAT(out.str(), Contains("4500 examples to train on, 500 held out for validation"));
}
