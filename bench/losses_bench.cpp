// Composed versus fused SVM and softmax losses: loss + gradient, the step every iteration of
// training repeats.
//
//   OPENBLAS_NUM_THREADS=1 bench/losses_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// BM_<Loss>ThroughW/<route>/N: on a tape, scores = X W with X (N, 3073) a constant and W (3073, 10)
// a watched Parameter, then the loss, then backward down to dL/dW (the notes' CIFAR-10 shapes).
// Copying X onto the tape (and freeing it) is kept out of the timing: it is the same for both
// routes and is not loss work.
// BM_<Loss>OnScores/<route>/N: the loss alone on given (N, 10) scores, forward and backward --
// the part the fused kernels replace, without the two GEMMs that dominate the step above.
// route 0 = composed from tape ops, 1 = fused custom op.
#include <memory>

#include <benchmark/benchmark.h>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>

namespace {

using gradlab::Tensor;
using gradlab::Var;
namespace gl = gradlab::losses;

constexpr std::size_t kD = 3073, kC = 10;

gl::Labels labels(std::size_t n) {
    gl::Labels y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = (i * 7 + 3) % kC;
    return y;
}

using LossFn = Var (*)(const Var&, const gl::Labels&);
Var svm_composed(const Var& s, const gl::Labels& y) { return gl::svm_composed(s, y); }
Var svm_fused(const Var& s, const gl::Labels& y) { return gl::svm(s, y); }

LossFn pick(bool svm, bool fused) {
    if (svm) return fused ? svm_fused : svm_composed;
    return fused ? gl::softmax_cross_entropy : gl::softmax_cross_entropy_composed;
}

void through_w(benchmark::State& state, bool svm) {
    const LossFn loss = pick(svm, state.range(0) == 1);
    const auto n = static_cast<std::size_t>(state.range(1));
    const Tensor x = gl::random_normal({n, kD}, 1.0, 1);
    const gl::Labels y = labels(n);
    gradlab::Parameter w(gl::random_normal({kD, kC}, 1e-3, 2), "W");
    for (auto _ : state) {
        state.PauseTiming();
        auto tape = std::make_unique<gradlab::Tape>();
        Tensor xc = x;
        w.zero_grad();
        state.ResumeTiming();

        const Var s = matmul(tape->constant(std::move(xc)), tape->watch(w));
        const Var l = loss(s, y);
        tape->backward(l);
        benchmark::DoNotOptimize(w.grad.data());

        state.PauseTiming();
        tape.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void on_scores(benchmark::State& state, bool svm) {
    const LossFn loss = pick(svm, state.range(0) == 1);
    const auto n = static_cast<std::size_t>(state.range(1));
    const Tensor scores = gl::random_normal({n, kC}, 1.0, 3);
    const gl::Labels y = labels(n);
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        const Var s = tape.variable(scores, "s");
        tape.backward(loss(s, y));
        benchmark::DoNotOptimize(tape.node(s).grad.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void BM_SvmThroughW(benchmark::State& state) { through_w(state, true); }
void BM_SoftmaxThroughW(benchmark::State& state) { through_w(state, false); }
void BM_SvmOnScores(benchmark::State& state) { on_scores(state, true); }
void BM_SoftmaxOnScores(benchmark::State& state) { on_scores(state, false); }

}  // namespace

BENCHMARK(BM_SvmThroughW)->ArgsProduct({{0, 1}, {500, 5000}})->ArgNames({"fused", "N"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SoftmaxThroughW)->ArgsProduct({{0, 1}, {500, 5000}})->ArgNames({"fused", "N"})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SvmOnScores)->ArgsProduct({{0, 1}, {500, 5000}})->ArgNames({"fused", "N"})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SoftmaxOnScores)->ArgsProduct({{0, 1}, {500, 5000}})->ArgNames({"fused", "N"})->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
