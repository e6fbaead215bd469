// gradlab's tape next to LibTorch's autograd: the same graphs (bench_common.hpp) in one run. Built
// only when CMake finds Debian's libtorch-dev; see bench/CMakeLists.txt.
//
//   OPENBLAS_NUM_THREADS=1 bench/libtorch_bench --benchmark_repetitions=5 \
//       --benchmark_report_aggregates_only=true
//
// Chain/<lib>: 10,000 elementwise ops on 1-element double tensors, y <- tanh(y), y <- y * w
//   alternating, then sum and backward: the per-op bookkeeping of each autograd (ns_per_op =
//   forward + backward time / 10,000). ChainForward/<lib>: the forward half alone (the graph is
//   recorded, then dropped). LibTorch gets what gradlab has: doubles, one intra-op thread.
// LinearRelu/<lib>: L = mean(relu(X W + b)) + 0.5 reg sum(W * W) with X (500, 3073), W (3073, 10),
//   b (10,), then backward: two GEMMs of 500 x 3073 x 10 dominate, so this shows whether either
//   library's overhead matters where the arithmetic is large.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "bench_common.hpp"

namespace {

constexpr std::size_t kOps = 10000;

// The chain of bench_common.hpp, in LibTorch.
torch::Tensor torch_chain(std::size_t ops) {
    const auto opts = torch::TensorOptions().dtype(torch::kFloat64).requires_grad(true);
    torch::Tensor w = torch::full({1}, 0.999, opts);
    torch::Tensor y = torch::full({1}, 0.5, opts);
    for (std::size_t i = 0; i < ops; i += 2) {
        y = torch::tanh(y);
        y = y * w;
    }
    return y;
}

void BM_Chain_gradlab(benchmark::State& state) {
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        tape.backward(sum(gradlab::bench::chain(tape, kOps)));
        benchmark::DoNotOptimize(tape.node(0).grad.data());
    }
    gradlab::bench::set_ns_per_op(state, kOps);
}
BENCHMARK(BM_Chain_gradlab)->Unit(benchmark::kMicrosecond);

void BM_Chain_libtorch(benchmark::State& state) {
    torch::set_num_threads(1);
    for (auto _ : state) {
        torch::Tensor y = torch_chain(kOps);
        y.sum().backward();
        benchmark::DoNotOptimize(y.data_ptr());
    }
    gradlab::bench::set_ns_per_op(state, kOps);
}
BENCHMARK(BM_Chain_libtorch)->Unit(benchmark::kMicrosecond);

void BM_ChainForward_gradlab(benchmark::State& state) {
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        benchmark::DoNotOptimize(gradlab::bench::chain(tape, kOps).value().data());
    }
    gradlab::bench::set_ns_per_op(state, kOps);
}
BENCHMARK(BM_ChainForward_gradlab)->Unit(benchmark::kMicrosecond);

void BM_ChainForward_libtorch(benchmark::State& state) {
    torch::set_num_threads(1);
    for (auto _ : state) benchmark::DoNotOptimize(torch_chain(kOps).data_ptr());
    gradlab::bench::set_ns_per_op(state, kOps);
}
BENCHMARK(BM_ChainForward_libtorch)->Unit(benchmark::kMicrosecond);

void BM_LinearRelu_gradlab(benchmark::State& state) { gradlab::bench::time_linear_relu(state); }
BENCHMARK(BM_LinearRelu_gradlab)->Unit(benchmark::kMillisecond);

// A copy of a gradlab tensor as a LibTorch one (the same numbers for both libraries).
torch::Tensor to_torch(const gradlab::Tensor& t, bool requires_grad) {
    std::vector<std::int64_t> shape(t.shape().begin(), t.shape().end());
    torch::Tensor r = torch::from_blob(const_cast<double*>(t.data()), shape, torch::kFloat64).clone();
    return r.set_requires_grad(requires_grad);
}

void BM_LinearRelu_libtorch(benchmark::State& state) {
    torch::set_num_threads(1);
    const gradlab::bench::LinearRelu graph;
    const torch::Tensor X = to_torch(*graph.X, false);
    torch::Tensor W = to_torch(graph.W.value, true);
    torch::Tensor b = to_torch(graph.b.value, true);
    for (auto _ : state) {
        W.mutable_grad() = torch::Tensor();
        b.mutable_grad() = torch::Tensor();
        torch::Tensor loss = torch::relu(X.mm(W) + b).mean() + 0.5 * graph.kReg * (W * W).sum();
        loss.backward();
        benchmark::DoNotOptimize(W.grad().data_ptr());
    }
}
BENCHMARK(BM_LinearRelu_libtorch)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
