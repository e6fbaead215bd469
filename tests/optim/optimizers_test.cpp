// Tests of optim/optimizer, sgd, momentum, adagrad, rmsprop, adam and lbfgs, grouped in one file
// (one section per optimizer) to keep the number of heavy xtensor test programs down.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gradlab/autodiff/error.hpp>
#include <gradlab/optim/adagrad.hpp>
#include <gradlab/optim/adam.hpp>
#include <gradlab/optim/lbfgs.hpp>
#include <gradlab/optim/momentum.hpp>
#include <gradlab/optim/rmsprop.hpp>
#include <gradlab/optim/sgd.hpp>

#include "toy_problems.hpp"

namespace go = gradlab::optim;
using gradlab::Parameter;
using gradlab::Tensor;

namespace {

// One step with the given grad; returns the new value.
Tensor step_with(go::Optimizer& opt, Parameter& p, const Tensor& grad) {
    p.grad = grad;
    opt.step({&p});
    return p.value;
}

// Runs `steps` optimizer steps on the bowl from w = 0; returns the final w.
Tensor run_bowl(go::Optimizer& opt, std::size_t steps) {
    toy::Bowl bowl;
    Parameter w(gradlab::zeros({2}), "w");
    for (std::size_t t = 0; t < steps; ++t) {
        w.zero_grad();
        bowl.loss_and_grad(w.value, w.grad);
        opt.step({&w});
    }
    return w.value;
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a.flat(i) - b.flat(i)));
    return m;
}

}  // namespace

// ---------------------------------------------------------------- update rules by hand

TEST_CASE("sgd step is w - lr * g, and w - lr * (g + wd * w) with weight decay", "[sgd]") {
    Parameter p(Tensor{1.0, -2.0}, "w");
    go::Sgd sgd(0.1);
    const Tensor w1 = step_with(sgd, p, Tensor{0.5, 1.0});
    CHECK(w1(0) == Approx(0.95).epsilon(1e-15));
    CHECK(w1(1) == Approx(-2.1).epsilon(1e-15));
    CHECK(sgd.iteration() == 1);

    Parameter q(Tensor{1.0, -2.0}, "w");
    go::Sgd decayed(0.1, 0.1);  // g' = g + 0.1 w = (0.6, 0.8)
    const Tensor w2 = step_with(decayed, q, Tensor{0.5, 1.0});
    CHECK(w2(0) == Approx(0.94).epsilon(1e-15));
    CHECK(w2(1) == Approx(-2.08).epsilon(1e-15));
}

TEST_CASE("sgd follows its schedule: the step size is the schedule's value at t", "[sgd][schedule]") {
    Parameter p(Tensor{0.0}, "w");
    go::Sgd sgd(go::StepDecayLR(1.0, 0.5, 1));  // 1, 0.5, 0.25
    CHECK(sgd.learning_rate() == 1.0);
    step_with(sgd, p, Tensor{1.0});
    step_with(sgd, p, Tensor{1.0});
    step_with(sgd, p, Tensor{1.0});
    CHECK(p.value(0) == -1.75);
    CHECK(sgd.learning_rate() == 0.125);
    go::Sgd lambda_lr([](std::size_t t) { return 1.0 / static_cast<double>(t + 1); });
    Parameter q(Tensor{0.0}, "w");
    step_with(lambda_lr, q, Tensor{1.0});
    step_with(lambda_lr, q, Tensor{1.0});
    CHECK(q.value(0) == -1.5);
}

TEST_CASE("classic momentum: v = mu v - lr g; w += v (two steps by hand)", "[momentum]") {
    Parameter p(Tensor{1.0}, "w");
    go::Momentum m(0.1, 0.9);
    CHECK(step_with(m, p, Tensor{1.0})(0) == Approx(0.9).epsilon(1e-15));   // v = -0.1
    CHECK(step_with(m, p, Tensor{1.0})(0) == Approx(0.71).epsilon(1e-15));  // v = -0.19
    CHECK(m.kind() == "Momentum");
}

// [nesterov]
TEST_CASE("nesterov momentum: w += -mu v_prev + (1 + mu) v (two steps by hand)", "[momentum]") {
    Parameter p(Tensor{1.0}, "w");
    go::Momentum m(0.1, 0.9, true);
    CHECK(step_with(m, p, Tensor{1.0})(0) == Approx(0.81).epsilon(1e-15));   // 1 - 1.9 * 0.1
    CHECK(step_with(m, p, Tensor{1.0})(0) == Approx(0.539).epsilon(1e-15));  // 0.81 + 0.09 - 1.9 * 0.19
    CHECK(m.kind() == "Nesterov");
}
// [nesterov]

TEST_CASE("adagrad divides by the root of the summed squared gradients", "[adagrad]") {
    Parameter p(Tensor{1.0}, "w");
    go::AdaGrad a(0.1);
    const double w1 = 1.0 - 0.1 * 2.0 / (2.0 + 1e-8);
    CHECK(step_with(a, p, Tensor{2.0})(0) == Approx(w1).epsilon(1e-15));
    const double w2 = w1 - 0.1 * 1.0 / (std::sqrt(5.0) + 1e-8);  // G = 4 + 1
    CHECK(step_with(a, p, Tensor{1.0})(0) == Approx(w2).epsilon(1e-15));
}

TEST_CASE("rmsprop divides by the root of a leaky average of squared gradients", "[rmsprop]") {
    Parameter p(Tensor{1.0}, "w");
    go::RmsProp r;  // lr 1e-3, decay 0.9
    const double w1 = 1.0 - 1e-3 * 2.0 / (std::sqrt(0.4) + 1e-8);        // c = 0.1 * 4
    CHECK(step_with(r, p, Tensor{2.0})(0) == Approx(w1).epsilon(1e-15));
    const double w2 = w1 - 1e-3 * 1.0 / (std::sqrt(0.36 + 0.1) + 1e-8);  // c = 0.9 * 0.4 + 0.1 * 1
    CHECK(step_with(r, p, Tensor{1.0})(0) == Approx(w2).epsilon(1e-15));
}

TEST_CASE("adam: bias-corrected first step is lr * g / (|g| + eps), second by hand", "[adam]") {
    Parameter p(Tensor{1.0, 1.0}, "w");
    go::Adam adam;  // 1e-3, 0.9, 0.999, 1e-8
    const Tensor w1 = step_with(adam, p, Tensor{2.0, -0.5});
    CHECK(w1(0) == Approx(1.0 - 1e-3 * 2.0 / (2.0 + 1e-8)).epsilon(1e-15));
    CHECK(w1(1) == Approx(1.0 + 1e-3 * 0.5 / (0.5 + 1e-8)).epsilon(1e-15));
    // Second step, g = -1 on the first coordinate.
    const double m = 0.9 * 0.2 + 0.1 * -1.0;                 // 0.08
    const double v = 0.999 * 0.004 + 0.001 * 1.0;            // 0.004996
    const double m_hat = m / (1 - 0.81), v_hat = v / (1 - 0.999 * 0.999);
    const Tensor w2 = step_with(adam, p, Tensor{-1.0, -0.5});
    CHECK(w2(0) == Approx(w1(0) - 1e-3 * m_hat / (std::sqrt(v_hat) + 1e-8)).epsilon(1e-14));
}

TEST_CASE("adam with weight decay adds lambda * w to the gradient", "[adam]") {
    Parameter p(Tensor{2.0}, "w");
    go::Adam adam(0.1, 0.9, 0.999, 1e-8, 0.5);  // g' = 0 + 0.5 * 2 = 1
    CHECK(step_with(adam, p, Tensor{0.0})(0) == Approx(2.0 - 0.1 * 1.0 / (1.0 + 1e-8)).epsilon(1e-15));
}

TEST_CASE("lbfgs on 1/2 |w|^2: first step -g/|g|, second lands on the minimum exactly", "[lbfgs]") {
    Parameter p(Tensor{3.0, 4.0}, "w");
    auto f = [&p] {
        p.grad += p.value;
        return 0.5 * (p.value(0) * p.value(0) + p.value(1) * p.value(1));
    };
    go::Lbfgs lbfgs;
    CHECK(lbfgs.step({&p}, f) == Approx(8.0).epsilon(1e-15));  // w = (3,4) - (3,4)/5
    CHECK(p.value(0) == Approx(2.4).epsilon(1e-15));
    CHECK(p.value(1) == Approx(3.2).epsilon(1e-15));
    // The pair s = y = -(0.6, 0.8) tells it the Hessian is I: the next direction is exactly -w.
    lbfgs.step({&p}, f);
    CHECK(std::abs(p.value(0)) < 1e-15);
    CHECK(std::abs(p.value(1)) < 1e-15);
    lbfgs.step({&p}, f);
    CHECK(lbfgs.converged());
    CHECK(lbfgs.evaluations() == 5);  // 1 + 1 per step, the last one stops at the start
}

// ---------------------------------------------------------------- convergence

TEST_CASE("every optimizer reaches the minimum of a quadratic bowl", "[convergence]") {
    const Tensor c{1.0, -2.0};
    struct Case {
        const char* name;
        std::function<std::unique_ptr<go::Optimizer>()> make;
        std::size_t steps;
    };
    // Adaptive methods take steps of about lr near the minimum; a cosine schedule shrinks the
    // rate to zero so they settle instead of hovering.
    const std::vector<Case> cases = {
        {"sgd", [] { return std::make_unique<go::Sgd>(0.09); }, 500},
        {"momentum", [] { return std::make_unique<go::Momentum>(0.01, 0.9); }, 1000},
        {"nesterov", [] { return std::make_unique<go::Momentum>(0.01, 0.9, true); }, 1000},
        {"adagrad", [] { return std::make_unique<go::AdaGrad>(0.5); }, 2000},
        {"rmsprop", [] { return std::make_unique<go::RmsProp>(go::CosineLR(0.05, 3000)); }, 3000},
        {"adam", [] { return std::make_unique<go::Adam>(go::CosineLR(0.05, 3000)); }, 3000},
    };
    for (const Case& k : cases) {
        SECTION(k.name) {
            auto opt = k.make();
            const Tensor w = run_bowl(*opt, k.steps);
            INFO(k.name << " ended at " << w);
            CHECK(max_abs_diff(w, c) < 1e-6);
        }
    }
    SECTION("lbfgs") {
        toy::Bowl bowl;
        Parameter w(gradlab::zeros({2}), "w");
        go::Lbfgs lbfgs;
        const auto r = lbfgs.minimize({&w}, [&] { return bowl.loss_and_grad(w.value, w.grad); }, 50);
        CHECK(r.converged);
        CHECK(max_abs_diff(w.value, c) < 1e-9);
    }
}

TEST_CASE("adam and lbfgs find the bottom of Rosenbrock's valley at (1, 1)", "[convergence]") {
    const Tensor one{1.0, 1.0};
    SECTION("adam") {
        Parameter w(Tensor{-1.2, 1.0}, "w");
        go::Adam adam(go::CosineLR(0.02, 20000));
        for (int t = 0; t < 20000; ++t) {
            w.zero_grad();
            toy::rosenbrock(w.value, w.grad);
            adam.step({&w});
        }
        INFO("adam ended at " << w.value);
        CHECK(max_abs_diff(w.value, one) < 1e-4);
    }
    SECTION("lbfgs") {
        Parameter w(Tensor{-1.2, 1.0}, "w");
        go::Lbfgs lbfgs;
        const auto r = lbfgs.minimize({&w}, [&] { return toy::rosenbrock(w.value, w.grad); }, 200);
        INFO("lbfgs: " << r.iterations << " iterations, " << r.evaluations << " evaluations, at " << w.value);
        CHECK(r.converged);
        CHECK(max_abs_diff(w.value, one) < 1e-6);
        CHECK(r.iterations < 100);
    }
}

// ---------------------------------------------------------------- state

TEST_CASE("adam's saved state continues bit for bit in a fresh optimizer", "[optimizer][state]") {
    toy::Bowl bowl;
    auto run = [&](Parameter& w, go::Optimizer& opt, int steps) {
        for (int t = 0; t < steps; ++t) {
            w.zero_grad();
            bowl.loss_and_grad(w.value, w.grad);
            opt.step({&w});
        }
    };
    Parameter a(gradlab::zeros({2}), "w");
    go::Adam straight(0.01);
    run(a, straight, 20);

    Parameter b(gradlab::zeros({2}), "w");
    go::Adam first(0.01);
    run(b, first, 7);
    go::Adam second(0.01);
    second.load_state(first.state());
    CHECK(second.iteration() == 7);
    run(b, second, 13);
    CHECK(toy::bit_identical(a.value, b.value));
}

TEST_CASE("load_state rejects another optimizer's state and keeps its own", "[optimizer][state][errors]") {
    Parameter p(Tensor{1.0}, "w");
    go::Momentum m(0.1);
    step_with(m, p, Tensor{1.0});
    const go::OptimizerState before = m.state();
    go::Adam adam;
    CHECK_THROWS_WITH(m.load_state(adam.state()),
                      "Momentum.load_state: state was saved by a 'Adam' optimizer, not 'Momentum'");
    go::OptimizerState bad = before;
    bad.tensors.emplace_back("nonsense/0", Tensor{1.0});
    CHECK_THROWS_AS(m.load_state(bad), gradlab::ValueError);
    CHECK(m.state().iteration == before.iteration);
    CHECK(toy::bit_identical(m.state().tensors.at(0).second, before.tensors.at(0).second));
}

// ---------------------------------------------------------------- bad input

TEST_CASE("a non-positive or non-finite learning rate is refused at construction", "[errors]") {
    CHECK_THROWS_WITH(go::Sgd(0.0), "Sgd: lr must be finite and in (0, inf), got 0");
    CHECK_THROWS_WITH(go::Adam(-1e-3), "Adam: lr must be finite and in (0, inf), got -0.001");
    CHECK_THROWS_AS(go::Momentum(std::nan("")), gradlab::ValueError);
    CHECK_THROWS_AS(go::RmsProp(std::numeric_limits<double>::infinity()), gradlab::ValueError);
    CHECK_THROWS_AS(go::AdaGrad(0.0), gradlab::ValueError);
    CHECK_THROWS_AS(go::Lbfgs(-1.0), gradlab::ValueError);
    CHECK_THROWS_WITH(go::Momentum(0.1, 1.0), "Momentum: momentum must be finite and in [0, 1), got 1");
    CHECK_THROWS_WITH(go::Adam(1e-3, 0.9, 1.5), "Adam: beta2 must be finite and in [0, 1), got 1.5");
    CHECK_THROWS_AS(go::Sgd(0.1, -0.5), gradlab::ValueError);
}

TEST_CASE("a schedule that yields a bad rate fails at the step that uses it", "[errors]") {
    Parameter p(Tensor{1.0}, "w");
    go::Sgd sgd([](std::size_t t) { return t < 1 ? 0.1 : -0.1; });
    step_with(sgd, p, Tensor{1.0});
    CHECK_THROWS_WITH(step_with(sgd, p, Tensor{1.0}),
                      "Sgd.step: learning rate at iteration 1 must be positive and finite, got -0.1");
}

TEST_CASE("a grad whose shape differs from its value is named in the error", "[errors]") {
    Parameter p(gradlab::zeros({2, 3}), "W");
    p.grad = gradlab::zeros({3, 2});
    go::Adam adam;
    CHECK_THROWS_WITH(adam.step({&p}),
                      "Adam.step: parameter 'W' (#0): grad shape (3, 2) differs from value shape (2, 3)");
    CHECK_THROWS_AS(adam.step({nullptr}), gradlab::ValueError);
    CHECK_THROWS_AS(adam.step({}), gradlab::ValueError);
}

TEST_CASE("a parameter list that changes between steps is refused", "[errors]") {
    Parameter a(Tensor{1.0}, "a"), b(Tensor{1.0, 2.0}, "b");
    go::Momentum m(0.1);
    m.step({&a});
    CHECK_THROWS_WITH(m.step({&a, &b}), "Momentum.step: state 'velocity' was made for 1 parameters, got 2");
    CHECK_THROWS_WITH(m.step({&b}),
                      "Momentum.step: parameter 'b' (#0) has shape (2,) but its state 'velocity' has (1,)");
}

TEST_CASE("a non-finite gradient is reported instead of poisoning the weights", "[errors]") {
    Parameter p(Tensor{1.0, 2.0}, "w");
    p.grad = Tensor{0.0, std::numeric_limits<double>::infinity()};
    go::Sgd sgd(0.1);
    CHECK_THROWS_WITH(sgd.step({&p}),
                      "Sgd.step: parameter 'w' (#0): grad element 1 is inf (exploding gradient? try a smaller lr)");
    CHECK(p.value(0) == 1.0);
}

TEST_CASE("lbfgs without a loss closure explains what it needs", "[lbfgs][errors]") {
    Parameter p(Tensor{1.0}, "w");
    go::Lbfgs lbfgs;
    CHECK_THROWS_AS(lbfgs.step({&p}), gradlab::ValueError);
    CHECK_THROWS_AS(lbfgs.step({&p}, go::LossAndGrad{}), gradlab::ValueError);
}

TEST_CASE("weight decay is the same rule in every optimizer: a step on g with decay lambda equals a "
          "step on g + lambda w without it", "[optimizer][weight_decay]") {
    const double lambda = 0.3;
    using Make = std::function<std::unique_ptr<go::Optimizer>(double)>;
    const std::vector<std::pair<const char*, Make>> makers = {
        {"Sgd", [](double wd) { return std::make_unique<go::Sgd>(0.1, wd); }},
        {"Momentum", [](double wd) { return std::make_unique<go::Momentum>(0.1, 0.9, false, wd); }},
        {"Nesterov", [](double wd) { return std::make_unique<go::Momentum>(0.1, 0.9, true, wd); }},
        {"AdaGrad", [](double wd) { return std::make_unique<go::AdaGrad>(0.1, 1e-8, wd); }},
        {"RmsProp", [](double wd) { return std::make_unique<go::RmsProp>(0.1, 0.9, 1e-8, wd); }},
        {"Adam", [](double wd) { return std::make_unique<go::Adam>(0.1, 0.9, 0.999, 1e-8, wd); }},
    };
    for (const auto& [name, make] : makers) {
        INFO(name);
        auto decayed = make(lambda);
        auto plain = make(0.0);
        CHECK(decayed->weight_decay() == lambda);
        Parameter a(Tensor{1.0, -2.0, 0.5}, "w");
        Parameter b(Tensor{1.0, -2.0, 0.5}, "w");
        for (int t = 0; t < 3; ++t) {  // several steps, so the optimizers' state sees decayed grads too
            const Tensor g = {0.3 * t - 0.2, 0.1, -0.4};
            step_with(*decayed, a, g);
            step_with(*plain, b, Tensor(g + lambda * b.value));
            CHECK(max_abs_diff(a.value, b.value) == 0.0);
        }
        CHECK_THROWS_WITH(make(-1.0), Catch::Contains(std::string(name) + ": weight_decay must be finite and in [0, inf)"));
    }
}
