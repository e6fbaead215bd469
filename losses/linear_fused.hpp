/// \file linear_fused.hpp
/// \brief Linear scores and a data loss in one pass over the data: \f$ L(XW + b) \f$ and
/// \f$ \partial L / \partial W \f$ while each block of rows of X is in cache.
///
/// The composed route, `svm(matmul(x, w) + b, y)`, reads X twice from memory: once for the scores
/// \f$ S = XW \f$ (a GEMM with only C = 10 columns), and again for \f$ \partial L/\partial W = X^T
/// \,\partial L/\partial S \f$. With X of 5000 x 3073 doubles (123 MB) and only 10 classes, both
/// GEMMs do 2 flops per 8-byte element they read: memory, not arithmetic, sets their speed. The
/// fused kernel walks X once, a block of rows at a time:
///
/// 1. scores of the block, \f$ S_B = X_B W + b \f$ (X_B read from memory);
/// 2. the loss of those rows and \f$ \partial L / \partial S_B \f$ -- the hinge margins or the
///    softmax probabilities, by svm_loss_grad_rows() / softmax_loss_grad_rows();
/// 3. \f$ \partial L/\partial W \mathrel{+}= X_B^T\, \partial L/\partial S_B \f$ and
///    \f$ \partial L/\partial b \mathrel{+}= \mathbf{1}^T \partial L/\partial S_B \f$, while X_B is
///    still in the cache (a block is sized to about 256 KB).
///
/// The math is exactly that of the composed version (see svm.hpp and softmax.hpp for the
/// gradients with respect to the scores); only the order of the additions differs, so the two
/// agree to rounding (the tests hold them to 1e-12).
///
/// **SIMD.** The inner loops use GCC/Clang vector types (one AVX-512, AVX2 or SSE2 register
/// wide) with register tiles sized to each instruction set's register file: rows x classes of
/// scores accumulated at once, and classes x columns of the gradient. The kernel is compiled
/// three times in one build (`target("arch=x86-64-v4")` = AVX-512, `x86-64-v3` = AVX2 + FMA,
/// and the baseline) and kernel_isa() picks, at run time, the widest one the CPU has, so one
/// binary runs at full width on an AVX-512 Xeon or EPYC, on an AVX2 machine, and anywhere else.
/// No -march flag is needed at configure time (one would tie the build to one CPU family).
///
/// **Threads.** Rows are split into kernel_threads() contiguous ranges, one std::thread each
/// (the caller's thread does the first). Each keeps a private \f$ \partial L/\partial W \f$,
/// summed at the end. The kernel never calls OpenBLAS, so its threads do not compete with
/// OpenBLAS's own pool. Small problems (a minibatch of a few hundred short rows) stay on one
/// thread, where starting a thread would cost more than it saves.
#pragma once

#include <cstddef>
#include <vector>

#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/metrics.hpp>

namespace gradlab::losses {

/// Which data loss the fused kernel applies to the scores.
enum class LinearLoss {
    Svm,      ///< multiclass hinge, as svm() (kink convention: subgradient 0 at a margin of 0)
    Softmax,  ///< softmax cross-entropy, as softmax_cross_entropy()
};

/// The inputs of one fused call, as raw row-major views (no copies).
struct LinearLossInputs {
    const double* x = nullptr;             ///< data, (x_rows, dims)
    std::size_t x_rows = 0;                ///< rows stored in x
    std::size_t dims = 0;                  ///< D, columns of x and rows of w
    const double* w = nullptr;             ///< weights, (dims, classes)
    std::size_t classes = 0;               ///< C
    const double* b = nullptr;             ///< bias (classes), or null for none (bias trick)
    const std::size_t* rows = nullptr;     ///< the batch's rows of x, or null for all x_rows rows
    std::size_t batch = 0;                 ///< N, the number of rows the loss averages over
    const std::size_t* labels = nullptr;   ///< N labels, each < classes
    double delta = 1.0;                    ///< the SVM margin (ignored by softmax)
};

/// Where the fused call writes gradients; each pointer may be null to skip that work. Everything
/// is overwritten (not added to) and is the gradient of the *averaged* loss.
struct LinearLossGrads {
    double* dw = nullptr;  ///< \f$ \partial L/\partial W \f$, (dims, classes)
    double* db = nullptr;  ///< \f$ \partial L/\partial b \f$, (classes)
    double* ds = nullptr;  ///< \f$ \partial L/\partial S \f$, (N, classes), row i for batch row i
};

/// The fused kernel: returns \f$ L = \frac{1}{N}\sum_i L_i(x_{r_i} W + b) \f$ and fills the
/// requested gradients, reading each row of X from memory once. `threads` = 0 uses
/// kernel_threads().
///
/// Throws ShapeError if N, D or C is 0; ValueError naming the loss for a label >= C, a row index
/// >= x_rows, a non-finite score, a null x, w or labels, or (SVM) a negative or non-finite delta.
double linear_loss_grad(LinearLoss loss, const LinearLossInputs& in, const LinearLossGrads& out,
                        unsigned threads = 0);

/// How many threads the fused kernels use: set_kernel_threads() if called, else the environment
/// variable GRADLAB_NUM_THREADS, else std::thread::hardware_concurrency().
unsigned kernel_threads();

/// Sets the fused kernels' thread count (0 restores the default described at kernel_threads()).
void set_kernel_threads(unsigned threads);

/// The instruction sets the fused kernel is compiled for.
enum class KernelIsa {
    Auto,      ///< the widest this CPU runs (the default)
    Avx512,    ///< x86-64-v4: 8 doubles per register
    Avx2,      ///< x86-64-v3: 4 doubles per register, with FMA
    Baseline,  ///< x86-64 (SSE2): 2 doubles per register
};

/// The instruction set the fused kernel runs with: set_kernel_isa()'s choice, else the widest
/// this CPU supports.
KernelIsa kernel_isa();

/// Forces one instruction set (e.g. to test or time each); Auto restores the default.
/// Throws ValueError if this CPU cannot run it.
void set_kernel_isa(KernelIsa isa);

/// True if this CPU can run the kernel compiled for `isa`.
bool kernel_isa_supported(KernelIsa isa);

/// "avx512", "avx2", "baseline" or "auto".
const char* kernel_isa_name(KernelIsa isa);

/// \f$ \mathrm{svm}(xW, y) \f$ as one op on the tape: x (N, D), w (D, C) -- the notes' bias trick
/// when x ends in a column of ones. Value and gradients equal svm_composed(matmul(x, w), y).
/// Throws ShapeError for other shapes or a label count other than N, ValueError as svm().
Var linear_svm(const Var& x, const Var& w, const Labels& labels, double delta = 1.0);

/// \f$ \mathrm{svm}(xW + b, y) \f$ with the bias as its own input, b (C,) or (1, C).
Var linear_svm(const Var& x, const Var& w, const Var& b, const Labels& labels, double delta = 1.0);

/// \f$ \mathrm{softmax\_cross\_entropy}(xW, y) \f$ as one op (bias trick form).
Var linear_softmax(const Var& x, const Var& w, const Labels& labels);

/// \f$ \mathrm{softmax\_cross\_entropy}(xW + b, y) \f$ with a separate bias.
Var linear_softmax(const Var& x, const Var& w, const Var& b, const Labels& labels);

/// A minibatch without copying it: the loss of rows `rows` of x (the whole training set, e.g. a
/// shared constant), with `labels[i]` the label of row `rows[i]`. The kernel reads those rows
/// in place. Same as `loss(gather_rows(x, rows) W + b, labels)`. Throws ValueError for a row
/// index >= x's row count, otherwise as linear_svm() / linear_softmax().
Var linear_loss_rows(LinearLoss loss, const Var& x, const std::vector<std::size_t>& rows,
                     const Var& w, const Var& b, const Labels& labels, double delta = 1.0);

/// The same without a bias (the bias-trick form).
Var linear_loss_rows(LinearLoss loss, const Var& x, const std::vector<std::size_t>& rows,
                     const Var& w, const Labels& labels, double delta = 1.0);

}  // namespace gradlab::losses
