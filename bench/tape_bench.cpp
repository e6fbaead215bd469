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
#include <benchmark/benchmark.h>

#include <gradlab/autodiff/blas_info.hpp>

#include "bench_common.hpp"

namespace {

using gradlab::bench::chain;

void BM_ChainForwardBackward(benchmark::State& state) {
    const auto ops = static_cast<std::size_t>(state.range(0));
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        gradlab::Var loss = sum(chain(tape, ops));
        tape.backward(loss);
        benchmark::DoNotOptimize(tape.node(1).grad.data());
    }
    gradlab::bench::set_ns_per_op(state, ops);
}
BENCHMARK(BM_ChainForwardBackward)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_ChainForwardOnly(benchmark::State& state) {
    const auto ops = static_cast<std::size_t>(state.range(0));
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        benchmark::DoNotOptimize(chain(tape, ops).value().data());
    }
    gradlab::bench::set_ns_per_op(state, ops);
}
BENCHMARK(BM_ChainForwardOnly)->Arg(10000)->Unit(benchmark::kMicrosecond);

void BM_LinearReluCifar(benchmark::State& state) { gradlab::bench::time_linear_relu(state); }
BENCHMARK(BM_LinearReluCifar)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    // The chain never calls BLAS; LinearReluCifar does (DESIGN.md: which kernel OpenBLAS picked).
    benchmark::AddCustomContext("openblas_corename", gradlab::openblas_corename());
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
