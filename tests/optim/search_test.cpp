#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <gradlab/autodiff/error.hpp>
#include <gradlab/optim/search.hpp>

#include "toy_problems.hpp"

namespace go = gradlab::optim;
using gradlab::Tensor;

namespace {

// The SVM loss of the blobs problem as a function of W (3 x 3), with a small L2 term.
struct SvmProblem {
    toy::Blobs data = toy::make_blobs(90, 7);
    std::vector<std::size_t> rows = toy::all_rows(90);
    double reg = 1e-3;
    double loss(const Tensor& W) const {
        Tensor g = gradlab::zeros(W.shape());
        return toy::svm_loss_grad(W, data, rows, reg, g);
    }
    double loss_and_grad(const Tensor& W, Tensor& g) const { return toy::svm_loss_grad(W, data, rows, reg, g); }
};

// The comparison problem: 5 overlapping Gaussian classes in 10 dimensions (+ bias), so no W
// reaches zero loss and the 55 weights give random guessing a real space to get lost in.
struct ClustersProblem {
    toy::Blobs data;
    std::vector<std::size_t> rows = toy::all_rows(200);
    double reg = 1e-3;
    ClustersProblem() {
        std::mt19937_64 rng(17);
        const Tensor centers = go::randn({5, 10}, rng);
        const Tensor noise = go::randn({200, 10}, rng);
        data.X = gradlab::zeros({200, 11});
        data.y.resize(200);
        for (std::size_t i = 0; i < 200; ++i) {
            data.y[i] = i % 5;
            for (std::size_t d = 0; d < 10; ++d) data.X(i, d) = centers(i % 5, d) + noise(i, d);
            data.X(i, 10) = 1.0;
        }
    }
    double loss(const Tensor& W) const {
        Tensor g = gradlab::zeros(W.shape());
        return toy::svm_loss_grad(W, data, rows, reg, g);
    }
    double loss_and_grad(const Tensor& W, Tensor& g) const { return toy::svm_loss_grad(W, data, rows, reg, g); }
};

bool non_increasing(const std::vector<double>& v) {
    return std::adjacent_find(v.begin(), v.end(), [](double a, double b) { return b > a; }) == v.end();
}

}  // namespace

TEST_CASE("randn: same seed same numbers, and roughly standard normal", "[search]") {
    std::mt19937_64 r1(3), r2(3), r3(4);
    const Tensor a = go::randn({100, 100}, r1);
    CHECK(toy::bit_identical(a, go::randn({100, 100}, r2)));
    CHECK_FALSE(toy::bit_identical(a, go::randn({100, 100}, r3)));
    double mean = 0, sq = 0;
    for (double v : a) mean += v / 1e4;
    for (double v : a) sq += (v - mean) * (v - mean) / 1e4;
    CHECK(std::abs(mean) < 0.05);         // 5 standard errors of the mean
    CHECK(std::abs(std::sqrt(sq) - 1.0) < 0.05);
}

TEST_CASE("random search returns the best W it saw, and that W has that loss", "[search]") {
    SvmProblem pb;
    const auto r = go::random_search([&](const Tensor& W) { return pb.loss(W); }, {3, 3}, 200, 11, 1.0);
    REQUIRE(r.losses.size() == 200);
    CHECK(r.best_loss == *std::min_element(r.losses.begin(), r.losses.end()));
    CHECK(pb.loss(r.best_w) == r.best_loss);
    CHECK(non_increasing(r.best_so_far));
    CHECK(r.best_so_far.back() == r.best_loss);
}

TEST_CASE("random search draws W = 1e-4 * randn by default", "[search]") {
    double biggest = 0;
    go::random_search([&](const Tensor& W) {
        for (double v : W) biggest = std::max(biggest, std::abs(v));
        return 1.0;
    }, {10, 10}, 20, 1);
    CHECK(biggest > 1e-4);  // 2000 draws: some beyond one sigma...
    CHECK(biggest < 6e-4);  // ...none beyond six
}

TEST_CASE("random local search never accepts a worse W", "[search]") {
    SvmProblem pb;
    std::mt19937_64 rng(5);
    const Tensor w0 = 0.1 * go::randn({3, 3}, rng);
    const auto r = go::random_local_search([&](const Tensor& W) { return pb.loss(W); }, w0, 300, 9, 0.05);
    REQUIRE(r.losses.size() == 301);
    CHECK(r.losses[0] == pb.loss(w0));
    CHECK(non_increasing(r.best_so_far));
    // Every acceptance is a strict drop of the running best, and every strict drop an acceptance.
    std::size_t drops = 0;
    for (std::size_t i = 1; i < r.best_so_far.size(); ++i) drops += r.best_so_far[i] < r.best_so_far[i - 1];
    CHECK(drops == r.accepted);
    CHECK(r.accepted > 0);
    CHECK(r.accepted < 300);  // some proposals were worse and were refused
    CHECK(pb.loss(r.best_w) == r.best_loss);
}

TEST_CASE("the searches are deterministic: same seed, same numbers", "[search][determinism]") {
    SvmProblem pb;
    auto L = [&](const Tensor& W) { return pb.loss(W); };
    const Tensor w0 = gradlab::zeros({3, 3});
    CHECK(go::random_search(L, {3, 3}, 50, 42, 1.0).losses == go::random_search(L, {3, 3}, 50, 42, 1.0).losses);
    CHECK(go::random_search(L, {3, 3}, 50, 42, 1.0).losses != go::random_search(L, {3, 3}, 50, 43, 1.0).losses);
    CHECK(go::random_local_search(L, w0, 50, 42, 0.1).losses == go::random_local_search(L, w0, 50, 42, 0.1).losses);
}

TEST_CASE("gradient descent on the bowl: loss falls every step and w approaches the minimum", "[search]") {
    toy::Bowl bowl;
    const auto r = go::gradient_descent([&](const Tensor& w, Tensor& g) { return bowl.loss_and_grad(w, g); },
                                        gradlab::zeros({2}), 200, 0.09);
    REQUIRE(r.losses.size() == 201);
    CHECK(r.accepted == 200);
    CHECK(r.best_loss < 1e-12);
    CHECK(std::abs(r.best_w(1) + 2.0) < 1e-6);
}

TEST_CASE("with the same number of loss evaluations: gradient descent < local search < random search",
          "[search][strategies]") {
    // The notes' comparison in miniature: a 5-class linear SVM on 200 overlapping points in 10-D,
    // 100 loss evaluations per strategy (one analytic loss+gradient evaluation counts as one).
    // Random search draws W = 1e-4 randn as the notes do; local search and gradient descent start
    // from the same W0 = 1e-3 randn, with step sizes STEP.
    ClustersProblem pb;
    auto L = [&](const Tensor& W) { return pb.loss(W); };
    std::mt19937_64 rng(2024);
    const Tensor w0 = 1e-3 * go::randn({11, 5}, rng);
    const std::size_t evals = 100;
    const double step = 1e-2;  // the same for both walkers
    const auto rs = go::random_search(L, {11, 5}, evals, 1);
    const auto rls = go::random_local_search(L, w0, evals - 1, 1, step);
    const auto gd = go::gradient_descent([&](const Tensor& W, Tensor& g) { return pb.loss_and_grad(W, g); }, w0,
                                         evals - 1, step);
    REQUIRE(rs.losses.size() == evals);
    REQUIRE(rls.losses.size() == evals);
    REQUIRE(gd.losses.size() == evals);
    fmt::print("the three strategies, {} loss evaluations each (SVM loss at W0: {:.4f}):\n"
               "  1. random search, W = 1e-4 randn:       loss {:.6f}  train accuracy {:.3f}\n"
               "  2. random local search, step {:g}:    loss {:.6f}  train accuracy {:.3f}\n"
               "  3. gradient descent, step {:g}:       loss {:.6f}  train accuracy {:.3f}\n",
               evals, pb.loss(w0), rs.best_loss, toy::accuracy(rs.best_w, pb.data), step, rls.best_loss,
               toy::accuracy(rls.best_w, pb.data), step, gd.best_loss, toy::accuracy(gd.best_w, pb.data));
    CHECK(gd.best_loss < rls.best_loss);
    CHECK(rls.best_loss < rs.best_loss);
}

TEST_CASE("search strategies refuse zero tries and bad scales or step sizes", "[search][errors]") {
    auto L = [](const Tensor&) { return 1.0; };
    CHECK_THROWS_WITH(go::random_search(L, {2}, 0, 1), "random_search: tries must be at least 1, got 0");
    CHECK_THROWS_WITH(go::random_search(L, {2}, 5, 1, 0.0), "random_search: scale must be positive and finite, got 0");
    CHECK_THROWS_AS(go::random_search(L, {2}, 5, 1, std::nan("")), gradlab::ValueError);
    CHECK_THROWS_WITH(go::random_local_search(L, Tensor{1.0}, 5, 1, -1.0),
                      "random_local_search: step_size must be positive and finite, got -1");
    CHECK_THROWS_AS(go::random_search([](const Tensor&) { return std::nan(""); }, {2}, 5, 1), gradlab::ValueError);
    CHECK_THROWS_AS(go::gradient_descent([](const Tensor&, Tensor&) { return 1.0; }, Tensor{1.0}, 5, 0.0),
                    gradlab::ValueError);
}
