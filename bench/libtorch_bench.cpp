// gradlab's tape next to LibTorch's autograd, the same graphs in one run (built only when CMake
// finds Debian's libtorch-dev; see bench/CMakeLists.txt).
//
//   OPENBLAS_NUM_THREADS=1 bench/libtorch_bench --benchmark_repetitions=5 \
//       --benchmark_report_aggregates_only=true
//
// Chain/<lib>: 10,000 elementwise ops on 1-element double tensors, y <- tanh(y), y <- y * w
//   alternating, then sum and backward: the per-op bookkeeping of each autograd (ns_per_op =
//   forward + backward time / 10,000). LibTorch gets the same advantages gradlab has: double
//   precision, one intra-op thread, gradients reset between iterations.
// LinearRelu/<lib>: L = mean(relu(X W + b)) + 0.5 reg sum(W * W) with X (500, 3073), W (3073, 10),
//   b (10,), then backward: two GEMMs of 500 x 3073 x 10 dominate, so this shows the overhead is
//   not paid where the arithmetic is large.
#include <random>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <gradlab/autodiff/ops.hpp>

namespace {

constexpr std::size_t kOps = 10000;

void report_per_op(benchmark::State& state) {
    state.counters["ns_per_op"] = benchmark::Counter(
        static_cast<double>(kOps) * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_Chain_gradlab(benchmark::State& state) {
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        gradlab::Var w = tape.variable(gradlab::Tensor{0.999}, "w");
        gradlab::Var y = tape.variable(gradlab::Tensor{0.5}, "y");
        for (std::size_t i = 0; i < kOps; i += 2) {
            y = tanh(y);
            y = y * w;
        }
        tape.backward(sum(y));
        benchmark::DoNotOptimize(w.grad().data());
    }
    report_per_op(state);
}
BENCHMARK(BM_Chain_gradlab)->Unit(benchmark::kMicrosecond);

void BM_Chain_libtorch(benchmark::State& state) {
    torch::set_num_threads(1);
    const auto opts = torch::TensorOptions().dtype(torch::kFloat64).requires_grad(true);
    for (auto _ : state) {
        torch::Tensor w = torch::full({1}, 0.999, opts);
        torch::Tensor y0 = torch::full({1}, 0.5, opts);
        torch::Tensor y = y0;
        for (std::size_t i = 0; i < kOps; i += 2) {
            y = torch::tanh(y);
            y = y * w;
        }
        y.sum().backward();
        benchmark::DoNotOptimize(w.grad().data_ptr());
    }
    report_per_op(state);
}
BENCHMARK(BM_Chain_libtorch)->Unit(benchmark::kMicrosecond);

// The forward halves alone (the graph is still recorded, then dropped without backward).
void BM_ChainForward_gradlab(benchmark::State& state) {
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        gradlab::Var w = tape.variable(gradlab::Tensor{0.999}, "w");
        gradlab::Var y = tape.variable(gradlab::Tensor{0.5}, "y");
        for (std::size_t i = 0; i < kOps; i += 2) {
            y = tanh(y);
            y = y * w;
        }
        benchmark::DoNotOptimize(y.value().data());
    }
    report_per_op(state);
}
BENCHMARK(BM_ChainForward_gradlab)->Unit(benchmark::kMicrosecond);

void BM_ChainForward_libtorch(benchmark::State& state) {
    torch::set_num_threads(1);
    const auto opts = torch::TensorOptions().dtype(torch::kFloat64).requires_grad(true);
    for (auto _ : state) {
        torch::Tensor w = torch::full({1}, 0.999, opts);
        torch::Tensor y = torch::full({1}, 0.5, opts);
        for (std::size_t i = 0; i < kOps; i += 2) {
            y = torch::tanh(y);
            y = y * w;
        }
        benchmark::DoNotOptimize(y.data_ptr());
    }
    report_per_op(state);
}
BENCHMARK(BM_ChainForward_libtorch)->Unit(benchmark::kMicrosecond);

gradlab::Tensor random_tensor(const gradlab::Shape& shape, std::uint64_t seed, double scale) {
    std::mt19937_64 rng(seed);
    gradlab::Tensor t = gradlab::randn(shape, rng);
    t *= scale;
    return t;
}

// The same numbers for both libraries: LibTorch tensors are copies of gradlab's.
torch::Tensor to_torch(const gradlab::Tensor& t, bool requires_grad) {
    std::vector<std::int64_t> shape(t.shape().begin(), t.shape().end());
    torch::Tensor r = torch::from_blob(const_cast<double*>(t.data()), shape, torch::kFloat64).clone();
    return r.set_requires_grad(requires_grad);
}

constexpr double kReg = 1e-3;

void BM_LinearRelu_gradlab(benchmark::State& state) {
    auto X = std::make_shared<const gradlab::Tensor>(random_tensor({500, 3073}, 1, 1.0));
    gradlab::Parameter W(random_tensor({3073, 10}, 2, 1e-4), "W");
    gradlab::Parameter b(random_tensor({10}, 3, 1e-4), "b");
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        W.zero_grad();
        b.zero_grad();
        gradlab::Var w = tape.watch(W);
        gradlab::Var scores = matmul(tape.constant(X, "X"), w) + tape.watch(b);
        gradlab::Var loss = mean(relu(scores)) + 0.5 * kReg * sum(w * w);
        tape.backward(loss);
        benchmark::DoNotOptimize(W.grad.data());
    }
}
BENCHMARK(BM_LinearRelu_gradlab)->Unit(benchmark::kMillisecond);

void BM_LinearRelu_libtorch(benchmark::State& state) {
    torch::set_num_threads(1);
    const torch::Tensor X = to_torch(random_tensor({500, 3073}, 1, 1.0), false);
    torch::Tensor W = to_torch(random_tensor({3073, 10}, 2, 1e-4), true);
    torch::Tensor b = to_torch(random_tensor({10}, 3, 1e-4), true);
    for (auto _ : state) {
        W.mutable_grad() = torch::Tensor();
        b.mutable_grad() = torch::Tensor();
        torch::Tensor loss = torch::relu(X.mm(W) + b).mean() + 0.5 * kReg * (W * W).sum();
        loss.backward();
        benchmark::DoNotOptimize(W.grad().data_ptr());
    }
}
BENCHMARK(BM_LinearRelu_libtorch)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
