// Cost of the numerical gradient: 2 * n evaluations of f.
#include <benchmark/benchmark.h>
#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/gradcheck.hpp>

static void BM_NumericalGradientSumSquares(benchmark::State& state) {
    gradlab::Tensor x = gradlab::zeros({static_cast<std::size_t>(state.range(0))});
    auto f = [](const gradlab::Tensor& t) { return xt::sum(t * t)(); };
    for (auto _ : state) benchmark::DoNotOptimize(gradlab::numerical_gradient(f, x));
    state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_NumericalGradientSumSquares)->RangeMultiplier(4)->Range(16, 1024)->Complexity();

BENCHMARK_MAIN();
