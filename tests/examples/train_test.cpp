// Minibatch training reaches a sane accuracy at smoke size, and reports what it did.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "example_testing.hpp"

using namespace gradlab::examples;
using Catch::Contains;

TEST_CASE("Adam on a linear softmax classifier separates the blobs, with one validation accuracy per epoch") {
    examples_testing::TempDir dir("train");
    std::ostringstream out;
    TrainOptions o;
    o.data = examples_testing::blobs(1000, 300);
    o.validation = 200;
    o.epochs = 4;
    o.batch_size = 32;
    o.lr = 1e-2;
    o.csv = (dir.path() / "history.csv").string();
    o.out = &out;
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
            TrainOptions o;
            o.data = examples_testing::blobs(600, 200);
            o.validation = 100;
            o.epochs = 3;
            o.batch_size = 32;
            o.optimizer = opt;
            o.loss = loss;
            o.lr = std::string(opt) == "adam" ? 1e-2 : 1e-2;
            o.out = &out;
            CHECK(run_train(o).test_accuracy > 0.7);
        }
}

TEST_CASE("an unknown optimizer or loss is refused by name") {
    TrainOptions o;
    o.data = examples_testing::blobs(100, 50);
    o.validation = 10;
    std::ostringstream out;
    o.out = &out;
    o.optimizer = "rmsprop2";
    CHECK_THROWS_WITH(run_train(o), Contains("rmsprop2"));
    o.optimizer = "adam";
    o.loss = "hinge";
    CHECK_THROWS_WITH(run_train(o), Contains("hinge"));
}

TEST_CASE("Fashion-MNIST subset: a few epochs give a sane accuracy (skipped without the data)") {
    if (!examples_testing::have_fashion_mnist()) {
        WARN("Fashion-MNIST is not installed: skipped");
        return;
    }
    std::ostringstream out;
    TrainOptions o;
    o.data.n_train = 3000;
    o.data.n_test = 1000;
    o.validation = 500;
    o.epochs = 3;
    o.out = &out;
    CHECK(run_train(o).test_accuracy > 0.7);
}
