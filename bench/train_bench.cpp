// Training throughput: a linear softmax classifier on Fashion-MNIST, the loop of issue 15 --
// SGD, lr 0.5, L2 reg 1e-4 (0.5 reg |W|^2), batch 256, 10 epochs, double, all 60,000 training
// images (scaled to [0, 1], training mean subtracted), test accuracy on the 10,000 test images.
// bench/peers/numpy_train.py runs the same loop in numpy; bench/compare runs both.
//
//   build/default/bench/train_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
//
// BM_TrainFashionMnist/fused:F/threads:T
//   F = 0: the step as examples/train writes it today: the batch gathered into a new tensor,
//          linear() through OpenBLAS, the fused loss on the scores, full_loss, backward;
//   F = 1: the batch read in place by row index from the shared training set by the one-pass
//          kernel (linear_loss_rows), full_loss, backward; the SGD update a plain loop in place.
// Counters: examples_per_s (all epochs' examples over the wall time of training, loading and
// preprocessing excluded) and test_accuracy. Skipped with a message if the data is missing.
#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include <gradlab/autodiff/blas_info.hpp>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/losses/linear_fused.hpp>
#include <gradlab/losses/regularizers.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>

#include "support/datasets.hpp"

namespace {

using gradlab::Tensor;
using gradlab::Var;
namespace gl = gradlab::losses;

constexpr double kLr = 0.5, kReg = 1e-4;
constexpr std::size_t kBatch = 256, kEpochs = 10;

struct Data {
    std::shared_ptr<const Tensor> x_train, x_test;
    gl::Labels y_train, y_test;
    std::string error;  // why the data could not be loaded, if it could not
};

const Data& data() {
    static const Data d = [] {
        Data out;
        try {
            gradlab::data::Dataset train = gradlab::data::load_fashion_mnist(gradlab::data::Split::train);
            gradlab::data::Dataset test = gradlab::data::load_fashion_mnist(gradlab::data::Split::test);
            gradlab::data::scale(train.x, 1.0 / 255.0);
            gradlab::data::scale(test.x, 1.0 / 255.0);
            const Tensor mean = gradlab::data::feature_mean(train.x);
            gradlab::data::subtract_mean(train.x, mean);
            gradlab::data::subtract_mean(test.x, mean);
            out.x_train = std::make_shared<const Tensor>(std::move(train.x));
            out.x_test = std::make_shared<const Tensor>(std::move(test.x));
            out.y_train = std::move(train.y);
            out.y_test = std::move(test.y);
        } catch (const gradlab::Error& e) {
            out.error = e.what();
        }
        return out;
    }();
    return d;
}

// Fraction of rows of x whose largest score x W + b sits at the label (plain loops: no BLAS
// needed for 10,000 x 784 x 10).
double accuracy(const Tensor& x, const gl::Labels& y, const Tensor& w, const Tensor& b) {
    const std::size_t n = x.shape()[0], d = x.shape()[1], c = w.shape()[1];
    std::size_t right = 0;
    std::vector<double> s(c);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < c; ++k) s[k] = b.data()[k];
        for (std::size_t j = 0; j < d; ++j) {
            const double xij = x.data()[i * d + j];
            for (std::size_t k = 0; k < c; ++k) s[k] += xij * w.data()[j * c + k];
        }
        right += static_cast<std::size_t>(std::max_element(s.begin(), s.end()) - s.begin()) == y[i];
    }
    return static_cast<double>(right) / static_cast<double>(n);
}

Tensor gather_rows(const Tensor& x, const std::vector<std::size_t>& rows) {
    const std::size_t d = x.shape()[1];
    Tensor batch = gradlab::zeros({rows.size(), d});
    for (std::size_t i = 0; i < rows.size(); ++i)
        std::memcpy(batch.data() + i * d, x.data() + rows[i] * d, d * sizeof(double));
    return batch;
}

void BM_TrainFashionMnist(benchmark::State& state) {
    const bool fused = state.range(0) == 1;
    const int threads = static_cast<int>(state.range(1));
    gradlab::set_openblas_threads(threads);
    gl::set_kernel_threads(static_cast<unsigned>(threads));
    const Data& d = data();
    if (!d.error.empty()) {
        state.SkipWithError(("Fashion-MNIST not available: " + d.error).c_str());
        return;
    }
    const std::size_t n = d.x_train->shape()[0], dims = d.x_train->shape()[1], classes = 10;
    double test_accuracy = 0.0;
    for (auto _ : state) {
        gradlab::Parameter w(gl::random_normal({dims, classes}, 1e-3, 7), "W");
        gradlab::Parameter b(gradlab::zeros({classes}), "b");
        std::mt19937_64 rng(11);
        std::vector<std::size_t> order(n), rows;
        gl::Labels y;
        for (std::size_t i = 0; i < n; ++i) order[i] = i;
        gradlab::Tape tape;
        for (std::size_t epoch = 0; epoch < kEpochs; ++epoch) {
            std::shuffle(order.begin(), order.end(), rng);
            for (std::size_t start = 0; start < n; start += kBatch) {
                const std::size_t m = std::min(kBatch, n - start);
                rows.assign(order.begin() + start, order.begin() + start + m);
                y.resize(m);
                for (std::size_t i = 0; i < m; ++i) y[i] = d.y_train[rows[i]];
                tape.reset();
                const Var wv = tape.watch(w), bv = tape.watch(b);
                Var data_loss;
                if (fused) {
                    data_loss = gl::linear_loss_rows(gl::LinearLoss::Softmax, tape.constant(d.x_train, "X"), rows,
                                                     wv, bv, y);
                } else {
                    data_loss = gl::softmax_cross_entropy(gl::linear(tape.constant(gather_rows(*d.x_train, rows)), wv, bv), y);
                }
                tape.backward(gl::full_loss(data_loss, wv, kReg));
                for (gradlab::Parameter* p : {&w, &b}) {  // SGD in place: no temporaries
                    double* v = p->value.data();
                    double* g = p->grad.data();
                    for (std::size_t k = 0; k < p->value.size(); ++k) {
                        v[k] -= kLr * g[k];
                        g[k] = 0.0;
                    }
                }
            }
        }
        state.PauseTiming();
        test_accuracy = accuracy(*d.x_test, d.y_test, w.value, b.value);
        state.ResumeTiming();
    }
    state.counters["examples_per_s"] = benchmark::Counter(static_cast<double>(n * kEpochs),
                                                          benchmark::Counter::kIsIterationInvariantRate);
    state.counters["test_accuracy"] = test_accuracy;
}

}  // namespace

BENCHMARK(BM_TrainFashionMnist)
    ->ArgNames({"fused", "threads"})
    ->ArgsProduct({{0, 1}, {1, 2}})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

int main(int argc, char** argv) {
    gradlab::use_best_openblas_kernel(argc, argv);
    benchmark::Initialize(&argc, argv);
    gradlab::check_openblas_kernel();
    benchmark::AddCustomContext("openblas_corename", gradlab::openblas_corename());
    benchmark::AddCustomContext("kernel_isa", gl::kernel_isa_name(gl::kernel_isa()));
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
