// Cost of the numerical gradient: 2 * n evaluations of f, and what threads buy when f is
// expensive.
//
//   bench/gradcheck_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// BM_NumericalGradientSoftmax/threads:T times the full numerical gradient of a linear softmax
// classifier's loss -- X (200, 100) times W (100, 10), cross-entropy averaged over the 200 rows --
// with respect to W (1000 elements, so 2000 evaluations of about 0.1 ms each), on T threads that
// each probe their own copy of W. Time is wall-clock (UseRealTime), the speedup that matters;
// CPU is the whole process's (MeasureProcessCPUTime), so threads:2 showing the same CPU as
// threads:1 means the parallel version does no extra work. On a machine busy with other jobs the
// wall-clock speedup falls short of what the CPU column promises.
// The checker pins OpenBLAS to one thread while it probes in parallel; for the serial run
// OpenBLAS keeps its default, and a GEMM this small runs on one thread anyway.
#include <cmath>
#include <random>

#include <benchmark/benchmark.h>
#include <xtensor-blas/xlinalg.hpp>
#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/gradcheck.hpp>

#include "bench_common.hpp"

namespace {

using gradlab::bench::random_tensor;

// Softmax cross-entropy of X W over n examples of d features and 10 classes.
struct SoftmaxProblem {
    gradlab::Tensor X;
    std::vector<std::size_t> y;
    SoftmaxProblem(std::size_t n = 200, std::size_t d = 100) : X(random_tensor({n, d}, 1, 1.0)) {
        for (std::size_t i = 0; i < n; ++i) y.push_back(i % 10);
    }
    // Mean cross-entropy of softmax(X W); thread-safe: reads X and y, writes only locals.
    double loss(const gradlab::Tensor& W) const {
        const gradlab::Tensor s = xt::linalg::dot(X, W);
        double total = 0.0;
        for (std::size_t i = 0; i < s.shape(0); ++i) {
            double m = s(i, 0);
            for (std::size_t j = 1; j < s.shape(1); ++j) m = std::max(m, s(i, j));
            double z = 0.0;
            for (std::size_t j = 0; j < s.shape(1); ++j) z += std::exp(s(i, j) - m);
            total += std::log(z) + m - s(i, y[i]);
        }
        return total / static_cast<double>(s.shape(0));
    }
};

}  // namespace

static void BM_NumericalGradientSumSquares(benchmark::State& state) {
    gradlab::Tensor x = gradlab::zeros({static_cast<std::size_t>(state.range(0))});
    auto f = [](const gradlab::Tensor& t) { return xt::sum(t * t)(); };
    for (auto _ : state) benchmark::DoNotOptimize(gradlab::numerical_gradient(f, x));
    state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_NumericalGradientSumSquares)->RangeMultiplier(4)->Range(16, 1024)->Complexity();

// state.range(0): threads; state.range(1), state.range(2): examples and features of X. The second
// shape makes f ~10x more expensive per evaluation, where threading should pay off fully.
static void BM_NumericalGradientSoftmax(benchmark::State& state) {
    const auto d = static_cast<std::size_t>(state.range(2));
    const SoftmaxProblem p(static_cast<std::size_t>(state.range(1)), d);
    const gradlab::Tensor W = random_tensor({d, 10}, 2, 1e-3);
    const gradlab::ScalarFn f = [&p](const gradlab::Tensor& w) { return p.loss(w); };
    const gradlab::NumericalOptions options{1e-5, static_cast<unsigned>(state.range(0))};
    for (auto _ : state) benchmark::DoNotOptimize(gradlab::numerical_gradient(f, W, options));
    state.counters["evals/s"] =
        benchmark::Counter(2.0 * static_cast<double>(W.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_NumericalGradientSoftmax)
    ->ArgNames({"threads", "n", "d"})
    ->Args({1, 200, 100})->Args({2, 200, 100})->Args({1, 2000, 100})->Args({2, 2000, 100})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime()->MinTime(2.0);

BENCHMARK_MAIN();
