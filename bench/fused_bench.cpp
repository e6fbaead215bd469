// The headline workload of issue 15 and its bounds, at the notes' CIFAR-10 shape
// (N = 5000, D = 3073, C = 10, double), each at 1 and 2 threads:
//
//   bench/compare                       (runs this next to the numpy and PyTorch peers), or
//   build/default/bench/fused_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// BM_Fused<Loss>/threads:T       linear_loss_grad(): loss + dL/dW + dL/db in one pass over X
// BM_FusedTape<Loss>/threads:T   the same through the tape op (linear_svm / linear_softmax), backward
// BM_Composed<Loss>/threads:T    matmul(X, W) + b, the composed loss, backward (two OpenBLAS GEMMs)
// BM_FusedInCache<Loss>/rows:R    the fused kernel (1 thread) on the first R rows of X, small enough to
//                                stay in cache between calls: its arithmetic rate without the stream
//                                from memory (counter GFLOPs, 4 N D C flops per call)
// BM_FusedMinibatch/threads:T   the training step's kernel: softmax loss + dL/dW + dL/db of 256 random
//                                rows of 785 doubles (Fashion-MNIST's shape, bias separate), read in
//                                place by row index from a 123 MB buffer (X's memory seen as 19,574
//                                such rows), as linear_loss_rows does inside fit
// BM_GemmScores/threads:T        bound: S = X W alone (cblas_dgemm, 10 columns)
// BM_GemmGradW/threads:T         bound: dW = X^T dS alone
// BM_SquareDgemm/threads:T       bound: a 2000 x 2000 dgemm, for the machine's FLOP rate (counter GFLOPs)
// BM_StreamX/threads:T           bound: one read of X (sum of its elements), counter GBps
// BM_GradientDescentStep/fused:F/threads:T  one step of the gradient-descent example (5000 x 785),
//                                svm(matmul(X, W)) (F = 0) against linear_svm(X, W) (F = 1)
//
// T sets both OpenBLAS's thread count (openblas_set_num_threads) and the fused kernels'
// (set_kernel_threads). The OpenBLAS kernel in use is printed in the context as openblas_corename.
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <cblas.h>

#include <gradlab/autodiff/blas_info.hpp>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/losses/linear_fused.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>

namespace {

using gradlab::Tensor;
using gradlab::Var;
namespace gl = gradlab::losses;

constexpr std::size_t kN = 5000, kD = 3073, kC = 10;

// One seeded problem shared by every benchmark (X is 123 MB: made once).
struct Problem {
    std::shared_ptr<const Tensor> x = std::make_shared<const Tensor>(gl::random_normal({kN, kD}, 1.0, 1));
    Tensor w = gl::random_normal({kD, kC}, 1e-3, 2);
    Tensor b = gl::random_normal({kC}, 1e-3, 3);
    gl::Labels y = [] {
        gl::Labels v(kN);
        for (std::size_t i = 0; i < kN; ++i) v[i] = (i * 7 + 3) % kC;
        return v;
    }();
};
Problem& problem() {
    static Problem p;
    return p;
}

void set_threads(benchmark::State& state) {
    const int t = static_cast<int>(state.range(0));
    gradlab::set_openblas_threads(t);
    gl::set_kernel_threads(static_cast<unsigned>(t));
}

// The kernel's inputs for the first `rows` rows of the problem.
gl::LinearLossInputs first_rows(Problem& p, std::size_t rows) {
    gl::LinearLossInputs in;
    in.x = p.x->data();
    in.x_rows = in.batch = rows;
    in.dims = kD;
    in.w = p.w.data();
    in.classes = kC;
    in.b = p.b.data();
    in.labels = p.y.data();
    return in;
}

void fused(benchmark::State& state, gl::LinearLoss loss) {
    set_threads(state);
    Problem& p = problem();
    Tensor dw = gradlab::zeros({kD, kC}), db = gradlab::zeros({kC});
    const gl::LinearLossInputs in = first_rows(p, kN);
    for (auto _ : state) {
        benchmark::DoNotOptimize(gl::linear_loss_grad(loss, in, {dw.data(), db.data(), nullptr}));
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kN));
}

// The kernel on R rows that stay in the caches from one call to the next.
void fused_in_cache(benchmark::State& state, gl::LinearLoss loss) {
    gl::set_kernel_threads(1);
    Problem& p = problem();
    const auto rows = static_cast<std::size_t>(state.range(0));
    Tensor dw = gradlab::zeros({kD, kC}), db = gradlab::zeros({kC});
    const gl::LinearLossInputs in = first_rows(p, rows);
    for (auto _ : state) {
        benchmark::DoNotOptimize(gl::linear_loss_grad(loss, in, {dw.data(), db.data(), nullptr}));
        benchmark::ClobberMemory();
    }
    state.counters["GFLOPs"] =
        benchmark::Counter(4.0 * rows * kD * kC * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_FusedMinibatch(benchmark::State& state) {
    set_threads(state);
    Problem& p = problem();
    constexpr std::size_t d = 785, batch = 256, rows = kN * kD / d;
    static const std::vector<std::size_t> picks = [] {
        std::vector<std::size_t> v;
        std::uint64_t r = 12345;
        for (std::size_t k = 0; k < 64 * batch; ++k) {  // 64 batches of random rows
            r = r * 6364136223846793005ULL + 1442695040888963407ULL;
            v.push_back(static_cast<std::size_t>(r >> 33) % rows);
        }
        return v;
    }();
    const Tensor w = gl::random_normal({d, kC}, 1e-3, 10), b = gl::random_normal({kC}, 1e-3, 11);
    Tensor dw = gradlab::zeros({d, kC}), db = gradlab::zeros({kC});
    gl::LinearLossInputs in;
    in.x = p.x->data();
    in.x_rows = rows;
    in.dims = d;
    in.w = w.data();
    in.classes = kC;
    in.b = b.data();
    in.batch = batch;
    in.labels = p.y.data();
    std::size_t k = 0;
    for (auto _ : state) {
        in.rows = &picks[(k++ % 64) * batch];
        benchmark::DoNotOptimize(gl::linear_loss_grad(gl::LinearLoss::Softmax, in, {dw.data(), db.data(), nullptr}));
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch));
}

// route 0: composed (matmul + loss from tape ops), 1: the fused tape op.
void on_tape(benchmark::State& state, gl::LinearLoss loss, bool fused_op) {
    set_threads(state);
    Problem& p = problem();
    gradlab::Parameter w(p.w, "W"), b(p.b, "b");
    gradlab::Tape tape;
    for (auto _ : state) {
        tape.reset();
        w.zero_grad();
        b.zero_grad();
        const Var x = tape.constant(p.x, "X");
        const Var wv = tape.watch(w), bv = tape.watch(b);
        Var l;
        if (fused_op) {
            l = loss == gl::LinearLoss::Svm ? gl::linear_svm(x, wv, bv, p.y) : gl::linear_softmax(x, wv, bv, p.y);
        } else {
            const Var s = matmul(x, wv) + bv;
            l = loss == gl::LinearLoss::Svm ? gl::svm_composed(s, p.y) : gl::softmax_cross_entropy_composed(s, p.y);
        }
        tape.backward(l);
        benchmark::DoNotOptimize(w.grad.data());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kN));
}

// One step of the gradient-descent example (examples/gradient_descent.cpp, the tour's chapter):
// SVM loss and dL/dW of 5000 Fashion-MNIST-shaped rows (784 pixels + the bias trick's 1) on a
// fresh tape. fused 0: svm(matmul(X, W)), the route before the fused op; 1: linear_svm(X, W).
void BM_GradientDescentStep(benchmark::State& state) {
    const bool fused_op = state.range(0) == 1;
    const int t = static_cast<int>(state.range(1));
    gradlab::set_openblas_threads(t);
    gl::set_kernel_threads(static_cast<unsigned>(t));
    constexpr std::size_t n = 5000, d = 785;
    static const auto x = std::make_shared<const Tensor>(gl::random_normal({n, d}, 60.0, 8));
    const Tensor w0 = gl::random_normal({d, kC}, 1e-3, 9);
    gl::Labels y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = (i * 3 + 1) % kC;
    for (auto _ : state) {
        gradlab::Tape tape;
        const Var w = tape.variable(w0, "W");
        const Var xv = tape.constant(x, "X");
        const Var l = fused_op ? gl::linear_svm(xv, w, y) : gl::svm(matmul(xv, w), y);
        tape.backward(l);
        benchmark::DoNotOptimize(tape.node(w).grad.data());
    }
}

void BM_FusedSvm(benchmark::State& s) { fused(s, gl::LinearLoss::Svm); }
void BM_FusedSoftmax(benchmark::State& s) { fused(s, gl::LinearLoss::Softmax); }
void BM_FusedInCacheSvm(benchmark::State& s) { fused_in_cache(s, gl::LinearLoss::Svm); }
void BM_FusedInCacheSoftmax(benchmark::State& s) { fused_in_cache(s, gl::LinearLoss::Softmax); }
void BM_FusedTapeSvm(benchmark::State& s) { on_tape(s, gl::LinearLoss::Svm, true); }
void BM_FusedTapeSoftmax(benchmark::State& s) { on_tape(s, gl::LinearLoss::Softmax, true); }
void BM_ComposedSvm(benchmark::State& s) { on_tape(s, gl::LinearLoss::Svm, false); }
void BM_ComposedSoftmax(benchmark::State& s) { on_tape(s, gl::LinearLoss::Softmax, false); }

void BM_GemmScores(benchmark::State& state) {
    set_threads(state);
    Problem& p = problem();
    std::vector<double> s(kN * kC);
    for (auto _ : state) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kN, kC, kD, 1.0, p.x->data(), kD, p.w.data(), kC,
                    0.0, s.data(), kC);
        benchmark::ClobberMemory();
    }
}

void BM_GemmGradW(benchmark::State& state) {
    set_threads(state);
    Problem& p = problem();
    const Tensor ds = gl::random_normal({kN, kC}, 1e-4, 4);
    std::vector<double> dw(kD * kC);
    for (auto _ : state) {
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kD, kC, kN, 1.0, p.x->data(), kD, ds.data(), kC, 0.0,
                    dw.data(), kC);
        benchmark::ClobberMemory();
    }
}

void BM_SquareDgemm(benchmark::State& state) {
    set_threads(state);
    constexpr std::size_t n = 2000;
    const Tensor a = gl::random_normal({n, n}, 1.0, 5), b = gl::random_normal({n, n}, 1.0, 6);
    std::vector<double> c(n * n);
    for (auto _ : state) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0, c.data(), n);
        benchmark::ClobberMemory();
    }
    state.counters["GFLOPs"] = benchmark::Counter(2.0 * n * n * n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// One read of X, split over the threads like the fused kernel splits its rows.
void BM_StreamX(benchmark::State& state) {
    const auto t = static_cast<std::size_t>(state.range(0));
    Problem& p = problem();
    const double* x = p.x->data();
    const std::size_t total = kN * kD;
    auto sum_range = [x](std::size_t lo, std::size_t hi, double* out) {
        double a0 = 0, a1 = 0, a2 = 0, a3 = 0;  // four chains, so the adds are not the limit
        std::size_t k = lo;
        for (; k + 4 <= hi; k += 4) {
            a0 += x[k];
            a1 += x[k + 1];
            a2 += x[k + 2];
            a3 += x[k + 3];
        }
        for (; k < hi; ++k) a0 += x[k];
        *out = a0 + a1 + a2 + a3;
    };
    std::vector<double> parts(t);
    for (auto _ : state) {
        std::vector<std::thread> workers;
        for (std::size_t i = 1; i < t; ++i) workers.emplace_back(sum_range, total * i / t, total * (i + 1) / t, &parts[i]);
        sum_range(0, total / t, &parts[0]);
        for (std::thread& w : workers) w.join();
        benchmark::DoNotOptimize(parts.data());
    }
    state.counters["GBps"] = benchmark::Counter(total * sizeof(double) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

#define GRADLAB_THREADS \
    ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime()
BENCHMARK(BM_FusedSvm)->GRADLAB_THREADS;
BENCHMARK(BM_FusedSoftmax)->GRADLAB_THREADS;
BENCHMARK(BM_FusedInCacheSvm)->ArgName("rows")->Arg(64)->Arg(256)->Unit(benchmark::kMicrosecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK(BM_FusedInCacheSoftmax)->ArgName("rows")->Arg(64)->Unit(benchmark::kMicrosecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK(BM_FusedMinibatch)->ArgName("threads")->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK(BM_FusedTapeSvm)->GRADLAB_THREADS;
BENCHMARK(BM_FusedTapeSoftmax)->GRADLAB_THREADS;
BENCHMARK(BM_ComposedSvm)->GRADLAB_THREADS;
BENCHMARK(BM_ComposedSoftmax)->GRADLAB_THREADS;
BENCHMARK(BM_GradientDescentStep)
    ->ArgNames({"fused", "threads"})
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_GemmScores)->GRADLAB_THREADS;
BENCHMARK(BM_GemmGradW)->GRADLAB_THREADS;
BENCHMARK(BM_SquareDgemm)->GRADLAB_THREADS;
BENCHMARK(BM_StreamX)->GRADLAB_THREADS;

int main(int argc, char** argv) {
    gradlab::use_best_openblas_kernel(argc, argv);  // opt-in fix: GRADLAB_OPENBLAS_FIX=1
    benchmark::Initialize(&argc, argv);
    // Which OpenBLAS kernel ran (and a warning if it is a generic one on a CPU that has more).
    gradlab::check_openblas_kernel();  // silent unless the kernel is generic
    benchmark::AddCustomContext("openblas_corename", gradlab::openblas_corename());
    benchmark::AddCustomContext("cpu_simd", gradlab::cpu_simd_level());
    benchmark::AddCustomContext("kernel_isa", gl::kernel_isa_name(gl::kernel_isa()));
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
