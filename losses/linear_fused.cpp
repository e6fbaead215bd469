#include "linear_fused.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <thread>
#include <utility>

#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>

#include "validate_internal.hpp"

namespace gradlab::losses {

namespace {

// ---- SIMD building blocks -------------------------------------------------------------------
// GCC/Clang vector types: +, * act lane by lane, and with -ffp-contract=fast (set for this file in
// CMake) a*b+c becomes one fused multiply-add. Each instruction set gets the vector width and
// register tiles that fit its register file:
//   AVX-512: 32 registers of 8 doubles; scores in 4 rows x 5 classes = 20 accumulators;
//   AVX2:    16 registers of 4 doubles; 2 rows x 5 classes = 10 accumulators (+ 2 rows + 1 w;
//            3 x 4 and 4 x 3 tiles measured no different on a Zen AVX2 machine);
//   SSE2:    16 registers of 2 doubles; the same tiles as AVX2.
// The gradient tile is 5 classes x 2 vectors = 10 accumulators everywhere.
using Vec8 = double __attribute__((vector_size(8 * sizeof(double))));
using Vec4 = double __attribute__((vector_size(4 * sizeof(double))));
using Vec2 = double __attribute__((vector_size(2 * sizeof(double))));

struct Avx512 {
    using Vec = Vec8;
    static constexpr std::size_t kLanes = 8, kRowTile = 4, kClassTile = 5;
};
struct Avx2 {
    using Vec = Vec4;
    static constexpr std::size_t kLanes = 4, kRowTile = 2, kClassTile = 5;
};
struct Sse2 {
    using Vec = Vec2;
    static constexpr std::size_t kLanes = 2, kRowTile = 2, kClassTile = 5;
};
constexpr std::size_t kMaxRowTile = 4;     // block sizes are multiples of this
constexpr std::size_t kGradClassTile = 5;  // classes per gradient tile, every instruction set

// Everything below is inlined into one function per instruction set (run_share_avx512, ...),
// which is what makes it compile to that set's instructions.
#define GRADLAB_INLINE __attribute__((always_inline)) inline

template <class V>
GRADLAB_INLINE V load(const double* p) {  // unaligned: rows of X start anywhere
    V v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
template <class V>
GRADLAB_INLINE void store(double* p, V v) {
    std::memcpy(p, &v, sizeof v);
}
template <class Isa>
GRADLAB_INLINE double lane_sum(typename Isa::Vec v) {
    double s = 0.0;
    for (std::size_t k = 0; k < Isa::kLanes; ++k) s += v[k];
    return s;
}

// scores(r, k) = x_r . w_k for R rows and K classes. `wt` holds W transposed (class-major: row k
// is column k of W), so both operands are contiguous along d.
template <class Isa, std::size_t R, std::size_t K>
GRADLAB_INLINE void score_tile(const double* const* x, const double* wt, std::size_t d,
                               double* scores, std::size_t ld) {
    using V = typename Isa::Vec;
    constexpr std::size_t L = Isa::kLanes;
    V acc[R][K] = {};
    std::size_t j = 0;
    for (; j + L <= d; j += L) {
        V xv[R];
#pragma GCC unroll 8
        for (std::size_t r = 0; r < R; ++r) xv[r] = load<V>(x[r] + j);
#pragma GCC unroll 8
        for (std::size_t k = 0; k < K; ++k) {
            const V wv = load<V>(wt + k * d + j);
#pragma GCC unroll 8
            for (std::size_t r = 0; r < R; ++r) acc[r][k] += xv[r] * wv;
        }
    }
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t k = 0; k < K; ++k) {
            double s = lane_sum<Isa>(acc[r][k]);
            for (std::size_t t = j; t < d; ++t) s += x[r][t] * wt[k * d + t];  // the last d % L
            scores[r * ld + k] = s;
        }
}

// dwt(k, :) += sum_i ds(i, k) x_i for `rows` rows and K classes: each row of X, already in cache,
// is loaded once per 2 vectors of columns and used K times.
//
// This pass reads only what is in cache, so the memory bus would idle during it: it asks for the
// next block's rows (`next`, `next_rows` of them; none when next is null), one cache line per row
// per step, so that they arrive while it computes and the next score pass finds them in cache.
template <class Isa, std::size_t K>
GRADLAB_INLINE void grad_tile(const double* const* x, std::size_t rows, const double* ds,
                              std::size_t ld, double* dwt, std::size_t d, const double* const* next,
                              std::size_t next_rows) {
    using V = typename Isa::Vec;
    constexpr std::size_t L = Isa::kLanes;
    constexpr std::size_t kLine = 64 / sizeof(double);
    std::size_t j = 0;
    for (; j + 2 * L <= d; j += 2 * L) {
        if (next != nullptr)
            for (std::size_t i = 0; i < next_rows; ++i)
                for (std::size_t t = 0; t < 2 * L; t += kLine) __builtin_prefetch(next[i] + j + t, 0, 3);
        V lo[K], hi[K];
#pragma GCC unroll 8
        for (std::size_t k = 0; k < K; ++k) {
            lo[k] = load<V>(dwt + k * d + j);
            hi[k] = load<V>(dwt + k * d + j + L);
        }
        for (std::size_t i = 0; i < rows; ++i) {
            const V x_lo = load<V>(x[i] + j), x_hi = load<V>(x[i] + j + L);
#pragma GCC unroll 8
            for (std::size_t k = 0; k < K; ++k) {
                const double g = ds[i * ld + k];
                lo[k] += g * x_lo;
                hi[k] += g * x_hi;
            }
        }
#pragma GCC unroll 8
        for (std::size_t k = 0; k < K; ++k) {
            store<V>(dwt + k * d + j, lo[k]);
            store<V>(dwt + k * d + j + L, hi[k]);
        }
    }
    for (; j < d; ++j)  // the last d % 2L columns
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t k = 0; k < K; ++k) dwt[k * d + j] += ds[i * ld + k] * x[i][j];
}

// Runtime tile sizes (the last, partial tiles) -> the templates above.
template <class Isa, std::size_t R>
GRADLAB_INLINE void score_tile_k(std::size_t k, const double* const* x, const double* wt,
                                 std::size_t d, double* scores, std::size_t ld) {
    static_assert(Isa::kClassTile <= 5, "the switch below covers class tiles of up to 5");
    switch (k) {
        case 5: score_tile<Isa, R, 5>(x, wt, d, scores, ld); break;
        case 4: score_tile<Isa, R, 4>(x, wt, d, scores, ld); break;
        case 3: score_tile<Isa, R, 3>(x, wt, d, scores, ld); break;
        case 2: score_tile<Isa, R, 2>(x, wt, d, scores, ld); break;
        default: score_tile<Isa, R, 1>(x, wt, d, scores, ld); break;
    }
}
template <class Isa>
GRADLAB_INLINE void score_tile_any(std::size_t r, std::size_t k, const double* const* x,
                                   const double* wt, std::size_t d, double* scores, std::size_t ld) {
    static_assert(Isa::kRowTile <= 4, "the switch below covers row tiles of up to 4");
    switch (r) {
        case 4: if constexpr (Isa::kRowTile >= 4) score_tile_k<Isa, 4>(k, x, wt, d, scores, ld); break;
        case 3: if constexpr (Isa::kRowTile >= 3) score_tile_k<Isa, 3>(k, x, wt, d, scores, ld); break;
        case 2: if constexpr (Isa::kRowTile >= 2) score_tile_k<Isa, 2>(k, x, wt, d, scores, ld); break;
        default: score_tile_k<Isa, 1>(k, x, wt, d, scores, ld); break;
    }
}
template <class Isa>
GRADLAB_INLINE void grad_tile_any(std::size_t k, const double* const* x, std::size_t rows,
                                  const double* ds, std::size_t ld, double* dwt, std::size_t d,
                                  const double* const* next, std::size_t next_rows) {
    switch (k) {
        case 5: grad_tile<Isa, 5>(x, rows, ds, ld, dwt, d, next, next_rows); break;
        case 4: grad_tile<Isa, 4>(x, rows, ds, ld, dwt, d, next, next_rows); break;
        case 3: grad_tile<Isa, 3>(x, rows, ds, ld, dwt, d, next, next_rows); break;
        case 2: grad_tile<Isa, 2>(x, rows, ds, ld, dwt, d, next, next_rows); break;
        default: grad_tile<Isa, 1>(x, rows, ds, ld, dwt, d, next, next_rows); break;
    }
}

// ---- one thread's share ----------------------------------------------------------------------

struct Share {
    std::size_t begin = 0, end = 0;  // batch rows [begin, end)
    double loss = 0.0;               // sum of L_i over the share (not yet averaged)
    std::vector<double> dwt;         // this share's dL/dW, transposed (C x D), if wanted
    std::vector<double> db;          // this share's dL/db, if wanted
    std::exception_ptr error;
};

// Rows per block: about 256 KB of X, so a block read for the scores is still in L2 when the
// gradient pass reads it again; a multiple of every row tile.
std::size_t block_rows(std::size_t d) {
    const std::size_t rows = (256 * 1024) / (d * sizeof(double) + 1);
    return std::max(kMaxRowTile, rows / kMaxRowTile * kMaxRowTile);
}

// The fused pass over the batch rows of one share: per block, scores, loss and dL/dS, then the
// gradient while the block is in cache.
template <class Isa>
GRADLAB_INLINE void run_share(LinearLoss loss, const LinearLossInputs& in, const double* wt, bool want_dw,
                              bool want_db, double* ds_all, Share& share) {
    const std::size_t d = in.dims, c = in.classes, n = in.batch;
    const std::size_t block = block_rows(d);
    const bool want_ds = want_dw || want_db || ds_all != nullptr;
    std::vector<const double*> x(block), next(block);
    std::vector<double> scores(block * c), ds(want_ds ? block * c : 0);
    const double scale = 1.0 / static_cast<double>(n);
    auto row_pointers = [&](std::size_t r0, std::size_t rows, std::vector<const double*>& out) {
        for (std::size_t i = 0; i < rows; ++i) out[i] = in.x + (in.rows != nullptr ? in.rows[r0 + i] : r0 + i) * d;
    };
    row_pointers(share.begin, std::min(block, share.end - share.begin), x);

    for (std::size_t r0 = share.begin; r0 < share.end; r0 += block) {
        const std::size_t rows = std::min(block, share.end - r0);
        const std::size_t next_r0 = r0 + rows;
        const std::size_t next_rows = next_r0 < share.end ? std::min(block, share.end - next_r0) : 0;
        row_pointers(next_r0, next_rows, next);

        // 1. scores of the block (its rows come from memory here)
        for (std::size_t i = 0; i < rows; i += Isa::kRowTile)
            for (std::size_t k = 0; k < c; k += Isa::kClassTile)
                score_tile_any<Isa>(std::min(Isa::kRowTile, rows - i), std::min(Isa::kClassTile, c - k), &x[i],
                                    wt + k * d, d, &scores[i * c + k], c);
        if (in.b != nullptr)
            for (std::size_t i = 0; i < rows; ++i)
                for (std::size_t k = 0; k < c; ++k) scores[i * c + k] += in.b[k];

        // 2. the loss of these rows and dL/dS (scaled by 1/N): the same kernels svm() and
        //    softmax_cross_entropy() run on a whole score matrix
        double* g = want_ds ? ds.data() : nullptr;
        share.loss += loss == LinearLoss::Svm
                          ? svm_loss_grad_rows(scores.data(), c, in.labels + r0, rows, in.delta, scale, g)
                          : softmax_loss_grad_rows(scores.data(), c, in.labels + r0, rows, scale, g);
        if (ds_all != nullptr) std::copy(ds.begin(), ds.begin() + rows * c, ds_all + r0 * c);

        // 3. dL/dW += X_B^T dL/dS_B and dL/db += column sums, while X_B is in cache
        //    (the first class tile also fetches the next block's rows)
        if (want_dw)
            for (std::size_t k = 0; k < c; k += kGradClassTile)
                grad_tile_any<Isa>(std::min(kGradClassTile, c - k), x.data(), rows, &ds[k], c,
                                   &share.dwt[k * d], d, k == 0 ? next.data() : nullptr, next_rows);
        if (want_db)
            for (std::size_t i = 0; i < rows; ++i)
                for (std::size_t k = 0; k < c; ++k) share.db[k] += ds[i * c + k];
        std::swap(x, next);
    }
}

// One compiled copy of run_share per instruction set.
using ShareFn = void (*)(LinearLoss, const LinearLossInputs&, const double*, bool, bool, double*, Share&);
#if defined(__x86_64__)
__attribute__((target("arch=x86-64-v4"))) void run_share_avx512(LinearLoss loss, const LinearLossInputs& in,
                                                                const double* wt, bool dw, bool db, double* ds,
                                                                Share& share) {
    run_share<Avx512>(loss, in, wt, dw, db, ds, share);
}
__attribute__((target("arch=x86-64-v3"))) void run_share_avx2(LinearLoss loss, const LinearLossInputs& in,
                                                              const double* wt, bool dw, bool db, double* ds,
                                                              Share& share) {
    run_share<Avx2>(loss, in, wt, dw, db, ds, share);
}
#endif
void run_share_sse2(LinearLoss loss, const LinearLossInputs& in, const double* wt, bool dw, bool db, double* ds,
                    Share& share) {
    run_share<Sse2>(loss, in, wt, dw, db, ds, share);
}

bool cpu_has(KernelIsa isa) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    switch (isa) {
        case KernelIsa::Avx512:
            return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                   __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
        case KernelIsa::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        default: return true;
    }
#else
    return isa == KernelIsa::Baseline;
#endif
}

ShareFn share_fn(KernelIsa isa) {
#if defined(__x86_64__)
    if (isa == KernelIsa::Avx512) return run_share_avx512;
    if (isa == KernelIsa::Avx2) return run_share_avx2;
#endif
    (void)isa;
    return run_share_sse2;
}

std::atomic<KernelIsa> g_isa{KernelIsa::Auto};

std::atomic<unsigned> g_threads{0};  // 0: the default

// Below this many multiply-adds per thread (N D C), starting a thread costs more than it saves.
constexpr std::size_t kMinWorkPerThread = std::size_t{1} << 20;

const char* loss_name(LinearLoss loss) { return loss == LinearLoss::Svm ? "linear_svm" : "linear_softmax"; }

}  // namespace

unsigned kernel_threads() {
    if (const unsigned t = g_threads.load(); t != 0) return t;
    if (const char* env = std::getenv("GRADLAB_NUM_THREADS")) {
        const long t = std::strtol(env, nullptr, 10);
        if (t > 0) return static_cast<unsigned>(t);
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

void set_kernel_threads(unsigned threads) { g_threads.store(threads); }

KernelIsa kernel_isa() {
    const KernelIsa chosen = g_isa.load();
    if (chosen != KernelIsa::Auto) return chosen;
    for (const KernelIsa isa : {KernelIsa::Avx512, KernelIsa::Avx2})
        if (cpu_has(isa)) return isa;
    return KernelIsa::Baseline;
}

void set_kernel_isa(KernelIsa isa) {
    if (!cpu_has(isa))
        throw ValueError(fmt::format("set_kernel_isa: this CPU cannot run the {} kernel", kernel_isa_name(isa)));
    g_isa.store(isa);
}

bool kernel_isa_supported(KernelIsa isa) { return cpu_has(isa); }

const char* kernel_isa_name(KernelIsa isa) {
    switch (isa) {
        case KernelIsa::Avx512: return "avx512";
        case KernelIsa::Avx2: return "avx2";
        case KernelIsa::Baseline: return "baseline";
        default: return "auto";
    }
}

double linear_loss_grad(LinearLoss loss, const LinearLossInputs& in, const LinearLossGrads& out,
                        unsigned threads) {
    const char* op = loss_name(loss);
    if (in.batch == 0 || in.dims == 0 || in.classes == 0)
        throw ShapeError(fmt::format("{}: empty problem: batch {}, dims {}, classes {}", op, in.batch,
                                     in.dims, in.classes));
    if (in.x == nullptr || in.w == nullptr || in.labels == nullptr)  // raw views: refuse null, never read it
        throw ValueError(fmt::format("{}: LinearLossInputs has a null pointer: x {}, w {}, labels {}", op,
                                     in.x == nullptr ? "null" : "set", in.w == nullptr ? "null" : "set",
                                     in.labels == nullptr ? "null" : "set"));
    if (in.rows == nullptr && in.batch != in.x_rows)
        throw ShapeError(fmt::format("{}: {} labels for {} rows of x", op, in.batch, in.x_rows));
    if (loss == LinearLoss::Svm) detail::require_margin(op, in.delta);
    for (std::size_t i = 0; i < in.batch; ++i) {  // before any thread starts
        detail::checked_label(op, in.labels[i], i, in.classes);
        if (in.rows != nullptr && in.rows[i] >= in.x_rows)
            throw ValueError(fmt::format("{}: batch row {} is row {} of x, which has only {} rows", op, i,
                                         in.rows[i], in.x_rows));
    }
    const std::size_t n = in.batch, d = in.dims, c = in.classes;

    // W transposed once (C x D, 240 KB for CIFAR): both tiles then run along contiguous rows.
    std::vector<double> wt(c * d);
    for (std::size_t j = 0; j < d; ++j)
        for (std::size_t k = 0; k < c; ++k) wt[k * d + j] = in.w[j * c + k];

    const std::size_t work = n * d * c;
    std::size_t t = threads != 0 ? threads : kernel_threads();
    t = std::max<std::size_t>(1, std::min({t, n, work / kMinWorkPerThread + 1}));
    const bool want_dw = out.dw != nullptr, want_db = out.db != nullptr;
    std::vector<Share> shares(t);
    for (std::size_t s = 0; s < t; ++s) {
        shares[s].begin = n * s / t;
        shares[s].end = n * (s + 1) / t;
        if (want_dw) shares[s].dwt.assign(c * d, 0.0);
        if (want_db) shares[s].db.assign(c, 0.0);
    }
    const ShareFn fn = share_fn(kernel_isa());
    auto run = [&](Share& s) {
        try {
            fn(loss, in, wt.data(), want_dw, want_db, out.ds, s);
        } catch (...) {  // a non-finite score: rethrown on the caller's thread below
            s.error = std::current_exception();
        }
    };
    std::vector<std::thread> workers;
    workers.reserve(t - 1);
    for (std::size_t s = 1; s < t; ++s) workers.emplace_back(run, std::ref(shares[s]));
    run(shares[0]);
    for (std::thread& w : workers) w.join();

    double total = 0.0;
    for (const Share& s : shares) {
        if (s.error) std::rethrow_exception(s.error);
        total += s.loss;
    }
    if (want_dw)
        for (std::size_t j = 0; j < d; ++j)
            for (std::size_t k = 0; k < c; ++k) {
                double v = 0.0;
                for (const Share& s : shares) v += s.dwt[k * d + j];
                out.dw[j * c + k] = v;
            }
    if (want_db)
        for (std::size_t k = 0; k < c; ++k) {
            double v = 0.0;
            for (const Share& s : shares) v += s.db[k];
            out.db[k] = v;
        }
    return total / static_cast<double>(n);
}

// ---- the op on the tape ----------------------------------------------------------------------

namespace {

// Checks shapes, runs the kernel for the value and every gradient the tape will ask for, and
// records one node whose backward scales those stored gradients by the incoming one.
Var record_linear_loss(LinearLoss loss, const Var& x, const std::vector<std::size_t>* rows,
                       const Var& w, const Var* b, const Labels& labels, double delta) {
    const char* op = loss_name(loss);
    const Tensor& xv = x.value();
    const Tensor& wv = w.value();
    if (xv.dimension() != 2 || wv.dimension() != 2 || xv.shape()[1] != wv.shape()[0])
        throw ShapeError(fmt::format("{}: expects x (N, D) and w (D, C), got x {} and w {}", op,
                                     shape_str(xv.shape()), shape_str(wv.shape())));
    const std::size_t d = wv.shape()[0], c = wv.shape()[1];
    if (b != nullptr) {
        const Shape& sb = b->shape();
        const bool ok = (sb.size() == 1 && sb[0] == c) || (sb.size() == 2 && sb[0] == 1 && sb[1] == c);
        if (!ok)
            throw ShapeError(fmt::format("{}: bias must be ({},) or (1, {}) for w {}, got {}", op, c, c,
                                         shape_str(wv.shape()), shape_str(sb)));
        if (&b->tape() != &x.tape()) throw TapeError(fmt::format("{}: x and b are on different tapes", op));
    }
    if (&w.tape() != &x.tape()) throw TapeError(fmt::format("{}: x and w are on different tapes", op));
    const std::size_t n = rows != nullptr ? rows->size() : xv.shape()[0];
    if (labels.size() != n || n == 0)
        throw ShapeError(fmt::format("{}: {} labels for a batch of {} rows (x {}); need one per row", op,
                                     labels.size(), n, shape_str(xv.shape())));

    Tape& tape = x.tape();
    const bool grads_on = tape.grad_enabled();
    const bool want_dw = grads_on && w.requires_grad();
    const bool want_db = grads_on && b != nullptr && b->requires_grad();
    const bool want_dx = grads_on && x.requires_grad();
    // The SVM records its active hinges for the gradient checker, read off dL/dS (> 0 exactly
    // where j != y_i and the margin is positive), so it always asks for dL/dS.
    const bool want_ds = want_dx || loss == LinearLoss::Svm;

    LinearLossInputs in;
    in.x = xv.data();
    in.x_rows = xv.shape()[0];
    in.dims = d;
    in.w = wv.data();
    in.classes = c;
    in.b = b != nullptr ? b->value().data() : nullptr;
    in.rows = rows != nullptr ? rows->data() : nullptr;
    in.batch = n;
    in.labels = labels.data();
    in.delta = delta;
    Tensor dw = want_dw ? zeros({d, c}) : Tensor();
    Tensor db = want_db ? zeros(b->shape()) : Tensor();
    Tensor ds = want_ds ? zeros({n, c}) : Tensor();
    LinearLossGrads out;
    out.dw = want_dw ? dw.data() : nullptr;
    out.db = want_db ? db.data() : nullptr;
    out.ds = want_ds ? ds.data() : nullptr;
    Tensor value = zeros({});
    value() = linear_loss_grad(loss, in, out);

    std::vector<std::uint8_t> branch;
    if (loss == LinearLoss::Svm) {
        branch.resize(n * c);
        for (std::size_t k = 0; k < n * c; ++k) branch[k] = ds.flat(k) > 0.0;
    }
    if (!want_dx) ds = Tensor();
    std::vector<std::size_t> row_ids = rows != nullptr && want_dx ? *rows : std::vector<std::size_t>();

    std::vector<Var> inputs{x, w};
    if (b != nullptr) inputs.push_back(*b);
    return tape.record(
        op, std::move(value), inputs,
        [dw = std::move(dw), db = std::move(db), ds = std::move(ds), row_ids = std::move(row_ids),
         has_b = b != nullptr](const BackwardArgs& a) {
            const double g = a.grad();  // chain rule: every stored gradient times dOut
            if (a.needs_grad(1)) {
                Tensor& gw = a.grad_in(1);
                for (std::size_t k = 0; k < gw.size(); ++k) gw.flat(k) += g * dw.flat(k);
            }
            if (has_b && a.needs_grad(2)) {
                Tensor& gb = a.grad_in(2);
                for (std::size_t k = 0; k < gb.size(); ++k) gb.flat(k) += g * db.flat(k);
            }
            if (a.needs_grad(0)) {  // dL/dx_r = dL/ds_i W^T for batch row i = row r of x
                Tensor& gx = a.grad_in(0);
                const Tensor& wv = a.input(1);
                const std::size_t dd = wv.shape()[0], cc = wv.shape()[1], nn = ds.shape()[0];
                for (std::size_t i = 0; i < nn; ++i) {
                    double* gxr = gx.data() + (row_ids.empty() ? i : row_ids[i]) * dd;
                    const double* dsi = ds.data() + i * cc;
                    for (std::size_t j = 0; j < dd; ++j) {
                        double v = 0.0;
                        for (std::size_t k = 0; k < cc; ++k) v += dsi[k] * wv.data()[j * cc + k];
                        gxr[j] += g * v;
                    }
                }
            }
        },
        std::move(branch));
}

}  // namespace

Var linear_svm(const Var& x, const Var& w, const Labels& labels, double delta) {
    return record_linear_loss(LinearLoss::Svm, x, nullptr, w, nullptr, labels, delta);
}
Var linear_svm(const Var& x, const Var& w, const Var& b, const Labels& labels, double delta) {
    return record_linear_loss(LinearLoss::Svm, x, nullptr, w, &b, labels, delta);
}
Var linear_softmax(const Var& x, const Var& w, const Labels& labels) {
    return record_linear_loss(LinearLoss::Softmax, x, nullptr, w, nullptr, labels, 0.0);
}
Var linear_softmax(const Var& x, const Var& w, const Var& b, const Labels& labels) {
    return record_linear_loss(LinearLoss::Softmax, x, nullptr, w, &b, labels, 0.0);
}
Var linear_loss_rows(LinearLoss loss, const Var& x, const std::vector<std::size_t>& rows, const Var& w,
                     const Var& b, const Labels& labels, double delta) {
    return record_linear_loss(loss, x, &rows, w, &b, labels, delta);
}
Var linear_loss_rows(LinearLoss loss, const Var& x, const std::vector<std::size_t>& rows, const Var& w,
                     const Labels& labels, double delta) {
    return record_linear_loss(loss, x, &rows, w, nullptr, labels, delta);
}

}  // namespace gradlab::losses
