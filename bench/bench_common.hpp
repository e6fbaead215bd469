// What the benchmarks share: seeded inputs, the ns_per_op counter, and the graphs the tape
// benchmarks time (tape_bench, and libtorch_bench, which runs the same graphs through LibTorch).
#pragma once

#include <cstdint>
#include <memory>
#include <random>

#include <benchmark/benchmark.h>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/parameter.hpp>

namespace gradlab::bench {

// Seeded N(0, scale^2) entries from the library's own generator (the same numbers everywhere).
inline Tensor random_tensor(const Shape& shape, std::uint64_t seed, double scale) {
    std::mt19937_64 rng(seed);
    Tensor t = randn(shape, rng);
    t *= scale;
    return t;
}

// Counter ns_per_op: the iteration's time divided by the `ops` ops it ran.
inline void set_ns_per_op(benchmark::State& state, std::size_t ops) {
    state.counters["ns_per_op"] = benchmark::Counter(
        static_cast<double>(ops) * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// 10,000-op style chain on 1-element tensors: y <- tanh(y), y <- y * w alternating (unary and
// binary ops; w and y are variables, so every op records a backward). Returns y (not summed).
inline Var chain(Tape& tape, std::size_t ops) {
    Var w = tape.variable(Tensor{0.999}, "w");
    Var y = tape.variable(Tensor{0.5}, "y");
    for (std::size_t i = 0; i < ops; i += 2) {
        y = tanh(y);
        y = y * w;
    }
    return y;
}

// CIFAR-10 shape: L = mean(relu(X W + b)) + 0.5 reg sum(W * W), X (500, 3073) shared onto each
// tape (not copied), W (3073, 10), b (10,).
struct LinearRelu {
    static constexpr double kReg = 1e-3;
    std::shared_ptr<const Tensor> X = std::make_shared<const Tensor>(random_tensor({500, 3073}, 1, 1.0));
    Parameter W{random_tensor({3073, 10}, 2, 1e-4), "W"};
    Parameter b{random_tensor({10}, 3, 1e-4), "b"};

    // Records the loss on a reset tape, then backward: W.grad and b.grad hold the gradient.
    void forward_backward(Tape& tape) {
        tape.reset();
        W.zero_grad();
        b.zero_grad();
        Var w = tape.watch(W);
        Var scores = matmul(tape.constant(X, "X"), w) + tape.watch(b);
        Var loss = mean(relu(scores)) + 0.5 * kReg * sum(w * w);
        tape.backward(loss);
    }
};

// Times LinearRelu::forward_backward on one reused tape (the body of both benchmarks' entry).
inline void time_linear_relu(benchmark::State& state) {
    LinearRelu graph;
    Tape tape;
    for (auto _ : state) {
        graph.forward_backward(tape);
        benchmark::DoNotOptimize(graph.W.grad.data());
    }
}

}  // namespace gradlab::bench
