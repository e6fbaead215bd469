#include <catch2/catch.hpp>

#include <limits>
#include <set>
#include <sstream>

#include <gradlab/autodiff/error.hpp>
#include <gradlab/optim/adam.hpp>
#include <gradlab/optim/fit.hpp>
#include <gradlab/optim/momentum.hpp>
#include <gradlab/optim/sgd.hpp>

#include "toy_problems.hpp"
#include "../support/scratch_dir.hpp"

namespace go = gradlab::optim;
using gradlab::Parameter;
using gradlab::Tensor;

namespace {

// The linear SVM on the blobs, trained through fit: step_fn computes the batch loss and grads.
struct SvmRun {
    toy::Blobs data = toy::make_blobs(150, 3);
    Parameter W{gradlab::zeros({3, 3}), "W"};
    double reg = 1e-3;
    go::StepFn step() {
        return [this](const std::vector<std::size_t>& idx) { return toy::svm_loss_grad(W.value, data, idx, reg, W.grad); };
    }
    go::ValidateFn validate() {
        return [this] { return toy::accuracy(W.value, data); };
    }
};

go::FitOptions quiet(std::size_t epochs, std::size_t batch, std::uint64_t seed) {
    go::FitOptions o;
    o.epochs = epochs;
    o.batch_size = batch;
    o.seed = seed;
    o.progress = go::ProgressMode::Off;
    o.keep_best = false;
    return o;
}

}  // namespace

TEST_CASE("minibatch SGD on the SVM loss reaches 100% train accuracy on separable blobs", "[fit]") {
    SvmRun run;
    go::Sgd sgd(0.01);
    CHECK(toy::accuracy(run.W.value, run.data) < 0.5);
    const auto r = go::fit({&run.W}, sgd, 150, run.step(), quiet(30, 16, 1), run.validate());
    CHECK(r.history.size() == 30);
    CHECK(r.history.back().val_accuracy == 1.0);
    CHECK(toy::accuracy(run.W.value, run.data) == 1.0);
    CHECK(r.history.back().train_loss < r.history.front().train_loss);
}

TEST_CASE("each epoch visits every example exactly once, in a seeded order", "[fit]") {
    std::vector<std::vector<std::size_t>> seen;
    Parameter p(Tensor{0.0}, "p");
    go::Sgd sgd(0.1);
    auto step = [&](const std::vector<std::size_t>& idx) {
        seen.push_back(idx);
        return 1.0;
    };
    go::fit({&p}, sgd, 10, step, quiet(2, 4, 7));
    REQUIRE(seen.size() == 6);  // 4 + 4 + 2 per epoch
    CHECK(seen[2].size() == 2);
    std::multiset<std::size_t> epoch1, epoch2;
    for (int b = 0; b < 3; ++b) epoch1.insert(seen[b].begin(), seen[b].end());
    for (int b = 3; b < 6; ++b) epoch2.insert(seen[b].begin(), seen[b].end());
    const std::multiset<std::size_t> all{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    CHECK(epoch1 == all);
    CHECK(epoch2 == all);
    CHECK(seen[0] != seen[3]);  // reshuffled between epochs

    auto order_of = [&](std::uint64_t seed) {
        seen.clear();
        go::fit({&p}, sgd, 10, step, quiet(1, 10, seed));
        return seen.at(0);
    };
    CHECK(order_of(7) == order_of(7));
    CHECK(order_of(7) != order_of(8));
}

TEST_CASE("fit zeroes the grads after every step, so step_fn may accumulate", "[fit]") {
    Parameter p(Tensor{1.0}, "p");
    p.grad = Tensor{123.0};  // stale: fit must clear it before the first batch
    go::Sgd sgd(0.1);
    bool clean = true;
    auto step = [&](const std::vector<std::size_t>&) {
        clean = clean && p.grad(0) == 0.0;
        p.grad(0) += p.value(0);
        return 0.5 * p.value(0) * p.value(0);
    };
    go::fit({&p}, sgd, 4, step, quiet(3, 2, 0));
    CHECK(clean);
    CHECK(p.grad(0) == 0.0);
    CHECK(p.value(0) == Approx(std::pow(0.9, 6)).epsilon(1e-14));
}

TEST_CASE("same seed, same numbers: two fits give bit-identical weights", "[fit][determinism]") {
    SvmRun a, b, c;
    go::Momentum ma(0.01), mb(0.01), mc(0.01);
    go::fit({&a.W}, ma, 150, a.step(), quiet(5, 8, 11));
    go::fit({&b.W}, mb, 150, b.step(), quiet(5, 8, 11));
    go::fit({&c.W}, mc, 150, c.step(), quiet(5, 8, 12));
    CHECK(toy::bit_identical(a.W.value, b.W.value));
    CHECK_FALSE(toy::bit_identical(a.W.value, c.W.value));
}

TEST_CASE("early stopping waits `patience` epochs; keep-best restores the best epoch's weights", "[fit]") {
    Parameter p(Tensor{0.0}, "p");
    go::Sgd sgd(1.0);
    auto step = [&](const std::vector<std::size_t>&) {
        p.grad(0) = -1.0;  // w grows by 1 per batch
        return 1.0;
    };
    const std::vector<double> acc = {0.5, 0.7, 0.6, 0.7, 0.65, 0.9};
    std::size_t calls = 0;
    auto validate = [&] { return acc.at(calls++); };
    go::FitOptions o = quiet(6, 1, 0);
    o.patience = 2;
    o.keep_best = true;
    const auto r = go::fit({&p}, sgd, 1, step, o, validate);
    CHECK(r.stopped_early);
    CHECK(r.history.size() == 4);  // best at 2; 3 and 4 did not beat it (a tie is no improvement)
    CHECK(r.best_epoch == 2);
    CHECK(p.value(0) == 2.0);      // the weights after epoch 2, not after epoch 4
}

TEST_CASE("the CSV history matches the returned history and is replaced atomically", "[fit]") {
    const test_support::ScratchDir dir("fit");
    const std::string csv = dir.file("history.csv");
    SvmRun run;
    go::Sgd sgd(0.01);
    go::FitOptions o = quiet(3, 50, 0);
    o.csv_path = csv;
    std::vector<std::string> snapshots;
    o.on_epoch = [&](const go::EpochRecord&) { snapshots.push_back(test_support::read_bytes(csv)); };
    const auto r = go::fit({&run.W}, sgd, 150, run.step(), o, run.validate());
    REQUIRE(snapshots.size() == 3);
    CHECK(snapshots.back() == go::history_csv(r.history));
    CHECK(snapshots[0].rfind("epoch,train_loss,val_accuracy,lr,seconds\n1,", 0) == 0);
    CHECK(std::count(snapshots[1].begin(), snapshots[1].end(), '\n') == 3);  // header + 2 epochs, never partial
}

TEST_CASE("resuming from a checkpoint is bit-identical to an uninterrupted run", "[fit][checkpoint]") {
    const test_support::ScratchDir dir("fit");
    const std::string ckpt = dir.file("resume.ckpt");
    for (const char* kind : {"momentum", "adam"}) {
        SECTION(kind) {
            auto make = [&]() -> std::unique_ptr<go::Optimizer> {
                if (std::string(kind) == "adam") return std::make_unique<go::Adam>(0.01);
                return std::make_unique<go::Momentum>(0.005, 0.9, true);
            };
            go::FitOptions o = quiet(6, 16, 21);
            o.keep_best = true;

            SvmRun straight;
            auto opt1 = make();
            const auto r1 = go::fit({&straight.W}, *opt1, 150, straight.step(), o, straight.validate());

            SvmRun first_half;
            auto opt2 = make();
            go::FitOptions o2 = o;
            o2.epochs = 3;
            o2.checkpoint_path = ckpt;
            go::fit({&first_half.W}, *opt2, 150, first_half.step(), o2, first_half.validate());

            SvmRun second_half;  // a fresh process, in effect: new weights, new optimizer
            auto opt3 = make();
            go::FitOptions o3 = o;
            o3.resume_from = ckpt;
            const auto r3 = go::fit({&second_half.W}, *opt3, 150, second_half.step(), o3, second_half.validate());

            CHECK(toy::bit_identical(second_half.W.value, straight.W.value));
            CHECK(opt3->iteration() == opt1->iteration());
            REQUIRE(r3.history.size() == 6);
            for (std::size_t e = 0; e < 6; ++e) CHECK(r3.history[e].train_loss == r1.history[e].train_loss);
            CHECK(r3.best_epoch == r1.best_epoch);
            CHECK(r3.batch_losses.size() == 3 * 10);  // only this call's batches
        }
    }
}

TEST_CASE("fit refuses bad batch sizes, empty data, zero epochs and a diverging loss", "[fit][errors]") {
    Parameter p(Tensor{0.0}, "p");
    go::Sgd sgd(0.1);
    auto step = [](const std::vector<std::size_t>&) { return 1.0; };
    CHECK_THROWS_WITH(go::fit({&p}, sgd, 10, step, quiet(1, 0, 0)),
                      "fit: batch_size must be between 1 and n_examples = 10, got 0");
    CHECK_THROWS_WITH(go::fit({&p}, sgd, 10, step, quiet(1, 11, 0)),
                      "fit: batch_size must be between 1 and n_examples = 10, got 11");
    CHECK_THROWS_AS(go::fit({&p}, sgd, 0, step, quiet(1, 1, 0)), gradlab::ValueError);
    CHECK_THROWS_WITH(go::fit({&p}, sgd, 10, step, quiet(0, 1, 0)), "fit: epochs must be at least 1, got 0");
    CHECK_THROWS_AS(go::fit({}, sgd, 10, step, quiet(1, 1, 0)), gradlab::ValueError);
    auto nan_step = [](const std::vector<std::size_t>&) { return std::nan(""); };
    CHECK_THROWS_WITH(go::fit({&p}, sgd, 10, nan_step, quiet(1, 5, 0)),
                      "fit: loss is nan at epoch 1, batch 1 (diverging? try a smaller lr)");
    go::FitOptions o = quiet(1, 5, 0);
    const test_support::ScratchDir dir("fit");
    o.resume_from = dir.file("does_not_exist.ckpt");
    CHECK_THROWS_AS(go::fit({&p}, sgd, 10, step, o), gradlab::IoError);
}

TEST_CASE("fit's progress goes to plain lines when the stream is not a terminal", "[fit][progress]") {
    SvmRun run;
    go::Sgd sgd(0.01);
    std::ostringstream out;
    go::FitOptions o = quiet(3, 10, 0);
    o.progress = go::ProgressMode::Auto;  // a stream that is not stdout counts as not a terminal
    o.out = &out;
    go::fit({&run.W}, sgd, 150, run.step(), o, run.validate());
    const std::string s = out.str();
    CHECK(s.find('\r') == std::string::npos);
    CHECK(s.find('\033') == std::string::npos);
    CHECK(std::count(s.begin(), s.end(), '\n') == 3);
    CHECK(s.rfind("epoch 1/3 loss ", 0) == 0);
    CHECK(s.find("val_acc") != std::string::npos);
}
