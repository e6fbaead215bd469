// Cost of the tape: per-op overhead on tiny tensors, and a matmul-heavy graph of CIFAR-10 shape.
//
//   bench/tape_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// BM_ChainForwardBackward/10000: a chain of 10,000 elementwise ops on 1-element tensors,
//   y <- tanh(y), y <- y * w alternating (unary and binary ops, w a variable, so every op records
//   a backward), then backward through all of them, on one tape that is reset every iteration as a
//   training loop would. Counter ns_per_op = time / 10,000: recording + backward per op. With
//   1-element tensors the arithmetic is nothing; this is the bookkeeping a tape adds per op.
// BM_ChainForwardOnly/10000: the same chain without backward, to split the cost in two.
// BM_LinearReluCifar: scores = X W + b with X (500, 3073), W (3073, 10), b (10,);
//   L = mean(relu(scores)) + 0.5 * reg * sum(W * W); backward, X a shared constant. Dominated by two GEMMs of
//   500 x 3073 x 10 (forward X W, backward X^T G). OpenBLAS may pick a slow kernel on this CPU
//   (DESIGN.md, Known traps): compare with OPENBLAS_CORETYPE=Haswell.
#include <memory>
#include <random>

#include <benchmark/benchmark.h>

#include <gradlab/autodiff/ops.hpp>

namespace {

// Seeded N(0, scale^2) entries from the library's own generator (the same numbers everywhere).
gradlab::Tensor random_tensor(const gradlab::Shape& shape, std::uint64_t seed, double scale) {
    std::mt19937_64 rng(seed);
    gradlab::Tensor t = gradlab::randn(shape, rng);
    t *= scale;
    return t;
}

gradlab::Var chain(gradlab::Tape& tape, std::size_t ops) {
    gradlab::Var w = tape.variable(gradlab::Tensor{0.999}, "w");
    gradlab::Var y = tape.variable(gradlab::Tensor{0.5}, "y");
    for (std::size_t i = 0; i < ops; i += 2) {
        y = tanh(y);
        y = y * w;
    }
    return sum(y);
}

void BM_ChainForwardBackward(benchmark::State& state) {
    const auto ops = static_cast<std::size_t>(state.range(0));
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        gradlab::Var loss = chain(tape, ops);
        tape.backward(loss);
        benchmark::DoNotOptimize(tape.node(1).grad.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ops));
    state.counters["ns_per_op"] = benchmark::Counter(
        static_cast<double>(ops) * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ChainForwardBackward)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_ChainForwardOnly(benchmark::State& state) {
    const auto ops = static_cast<std::size_t>(state.range(0));
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        benchmark::DoNotOptimize(chain(tape, ops).value().data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ops));
    state.counters["ns_per_op"] = benchmark::Counter(
        static_cast<double>(ops) * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_ChainForwardOnly)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_LinearReluCifar(benchmark::State& state) {
    // shared onto each tape, not copied (12 MB)
    const auto X = std::make_shared<const gradlab::Tensor>(random_tensor({500, 3073}, 1, 1.0));
    gradlab::Parameter W(random_tensor({3073, 10}, 2, 1e-4), "W");
    gradlab::Parameter b(random_tensor({10}, 3, 1e-4), "b");
    const double reg = 1e-3;
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        W.zero_grad();
        b.zero_grad();
        gradlab::Var w = tape.watch(W);
        gradlab::Var scores = matmul(tape.constant(X, "X"), w) + tape.watch(b);
        gradlab::Var loss = mean(relu(scores)) + 0.5 * reg * sum(w * w);
        tape.backward(loss);
        benchmark::DoNotOptimize(W.grad.data());
    }
}
BENCHMARK(BM_LinearReluCifar)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
