#include "linear_fused.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

#include <unistd.h>

#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>

#include "validate_internal.hpp"

namespace gradlab::losses {

namespace {

// ---- SIMD building blocks -------------------------------------------------------------------
// GCC/Clang vector types: +, * act lane by lane, and with -ffp-contract=fast (set for this file in
// CMake) a*b+c becomes one fused multiply-add. One template of the kernel serves every
// instruction set; a trait struct gives the vector width and the register tiles:
//
//               vector     score tile (accumulators)    gradient tile (accumulators)
//   AVX-512  8 doubles    4 rows x 5 classes (20)      5 classes x 4 vectors (20)    of 32 registers
//   AVX2     4 doubles    2 rows x 5 classes (10)      5 classes x 2 vectors (10)    of 16 registers
//   SSE2     2 doubles    2 rows x 5 classes (10)      5 classes x 2 vectors (10)    of 16 registers
//
// Why these shapes: a core issues two FMAs and two vector loads per cycle, so an inner iteration
// must do at least as many FMAs as loads, and needs >= 8-10 independent accumulators to hide the
// FMA latency (4-5 cycles). Score tile, R rows x K classes: R loads of x and K of W feed R*K
// FMAs (2 x 5: 7 loads, 10 FMAs). Gradient tile, K classes x G vectors of dW^T: per row, G loads
// of x and K broadcasts of dL/dS feed K*G FMAs (5 x 2: 7 and 10). Both use 13 of 16 registers on
// AVX2 (10 accumulators, the row vectors, one W vector or broadcast).
using Vec8 = double __attribute__((vector_size(8 * sizeof(double))));
using Vec4 = double __attribute__((vector_size(4 * sizeof(double))));
using Vec2 = double __attribute__((vector_size(2 * sizeof(double))));

struct Avx512 {
    using Vec = Vec8;
    static constexpr std::size_t kLanes = 8, kRowTile = 4, kClassTile = 5, kGradVecs = 4;
    static constexpr bool kNative = true;  // Vec is one register of the instruction set it runs on
};
struct Avx2 {
    using Vec = Vec4;
    static constexpr std::size_t kLanes = 4, kRowTile = 2, kClassTile = 5, kGradVecs = 2;
    static constexpr bool kNative = true;
};
struct Sse2 {
    using Vec = Vec2;
    static constexpr std::size_t kLanes = 2, kRowTile = 2, kClassTile = 5, kGradVecs = 2;
    static constexpr bool kNative = true;
};
// The same tiles compiled for the baseline instruction set (GCC splits each 8- or 4-wide
// operation into 2-wide SSE2 ones): slow, but it runs on any x86-64 machine, so the tests check
// the AVX-512 tiling logic (its tails in rows, classes and columns) where there is no AVX-512.
template <class Isa>
struct Portable : Isa {
    static constexpr bool kNative = false;
};
constexpr std::size_t kMaxRowTile = 4;  // block sizes are multiples of this
constexpr std::size_t kLine = 64 / sizeof(double);  // doubles per cache line

// Everything below is inlined into one function per instruction set (run_share_avx512, ...),
// which is what makes it compile to that set's instructions. (No vector code in lambdas: a
// lambda's body would not inherit the caller's target.)
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
GRADLAB_INLINE double lane_sum(const double* v) {
    double s = 0.0;
    for (std::size_t k = 0; k < Isa::kLanes; ++k) s += v[k];
    return s;
}
// Left to itself, GCC folds a W vector's load into each of the R FMAs that use it (R loads
// instead of 1: 12 loads per 10 FMAs in the AVX2 score tile, and then loads, not FMAs, set the
// speed). This empty asm says "v may have changed", so v must sit in a register, loaded once.
template <class Isa>
GRADLAB_INLINE void keep_in_register(typename Isa::Vec& v) {
    if constexpr (Isa::kNative) asm("" : "+v"(v));
}

// ---- W and dW as panels ---------------------------------------------------------------------
// D is cut into panels of P columns (the last takes the remainder, P/2 to 3P/2 wide). W^T and
// each thread's dW^T are stored panel by panel, each panel class-major: element (k, j) of panel
// p at [(p C + k) ldp + j - p P]. One panel of W (C x P doubles, about 16 KB) then stays in the
// L1 cache while every row of a block is scored against it, and one of dW while every row adds
// to it: W and dW cross the cache hierarchy once per block, not once per row tile.
struct Panels {
    std::size_t d = 0, width = 0, count = 0, ld = 0;  // D, P, panels, stride of a class row

    Panels(std::size_t dims, std::size_t classes) : d(dims) {
        constexpr std::size_t kPanelBytes = 16 * 1024, kAlign = 32;  // 32: a multiple of every G*L
        width = std::max(kAlign, kPanelBytes / (classes * sizeof(double)) / kAlign * kAlign);
        count = std::max<std::size_t>(1, (d + width / 2) / width);  // d / P, rounded
        ld = (std::max(width, cols(count - 1)) + kLine - 1) / kLine * kLine;
    }
    std::size_t begin(std::size_t p) const { return p * width; }
    std::size_t cols(std::size_t p) const { return p + 1 < count ? width : d - p * width; }
    std::size_t size(std::size_t classes) const { return count * classes * ld; }
    std::size_t offset(std::size_t p, std::size_t k, std::size_t classes) const { return (p * classes + k) * ld; }
};

// ---- pass 1: scores -------------------------------------------------------------------------

// One step of the score tile: columns [j, j + L) of R rows against K classes of the W panel.
template <class Isa, std::size_t R, std::size_t K>
GRADLAB_INLINE void score_step(const double* const (&x)[R], const double* wp, std::size_t ldp, std::size_t j,
                               typename Isa::Vec (&acc)[R][K]) {
    using V = typename Isa::Vec;
    V xv[R];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < R; ++r) xv[r] = load<V>(x[r] + j);
#pragma GCC unroll 8
    for (std::size_t k = 0; k < K; ++k) {
        V wv = load<V>(wp + k * ldp + j);
        keep_in_register<Isa>(wv);
#pragma GCC unroll 8
        for (std::size_t r = 0; r < R; ++r) acc[r][k] += xv[r] * wv;
    }
}

// Partial scores of R rows and K classes over one panel's `cols` columns: part(r, k) +=
// x_r[panel] . W_k[panel], accumulated in vectors (stored at part + (r c + k) L) that are summed
// across lanes only after the last panel. x[r] points at row r's first column of the panel; wp
// at class 0 of the panel. The last cols % L columns go to lane 0. If `pf` is not null, each
// step also asks for one cache line of the rows pf[r], so that they arrive from memory while
// this tile computes (see run_share).
template <class Isa, std::size_t R, std::size_t K>
GRADLAB_INLINE void score_tile(const double* const* x, std::size_t cols, const double* wp, std::size_t ldp,
                               double* part, std::size_t c, const double* const* pf) {
    using V = typename Isa::Vec;
    constexpr std::size_t L = Isa::kLanes;
    const double* xr[R];
    V acc[R][K];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < R; ++r) {
        xr[r] = x[r];
#pragma GCC unroll 8
        for (std::size_t k = 0; k < K; ++k) acc[r][k] = load<V>(part + (r * c + k) * L);
    }
    std::size_t j = 0;
    for (; j + kLine <= cols; j += kLine) {
        if (pf != nullptr)
#pragma GCC unroll 8
            for (std::size_t r = 0; r < R; ++r) __builtin_prefetch(pf[r] + j, 0, 2);
#pragma GCC unroll 8
        for (std::size_t u = 0; u < kLine; u += L) score_step<Isa, R, K>(xr, wp, ldp, j + u, acc);
    }
    for (; j + L <= cols; j += L) score_step<Isa, R, K>(xr, wp, ldp, j, acc);
    for (; j < cols; ++j)
        for (std::size_t r = 0; r < R; ++r)
            for (std::size_t k = 0; k < K; ++k) acc[r][k][0] += xr[r][j] * wp[k * ldp + j];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < R; ++r)
#pragma GCC unroll 8
        for (std::size_t k = 0; k < K; ++k) store<V>(part + (r * c + k) * L, acc[r][k]);
}

// ---- pass 3: the gradient -------------------------------------------------------------------

// dW^T(k, col + [0, G L)) += sum_i dS(i, k) x_i(col + [0, G L)) for `rows` rows and K classes:
// the K x G accumulators stay in registers for the whole block; each row costs G loads of x and
// K broadcasts of dL/dS for K G FMAs.
template <class Isa, std::size_t K, std::size_t G>
GRADLAB_INLINE void grad_step(const double* const* x, std::size_t rows, std::size_t col, const double* ds,
                              std::size_t c, double* dwp, std::size_t ldp) {
    using V = typename Isa::Vec;
    constexpr std::size_t L = Isa::kLanes;
    V acc[K][G];
#pragma GCC unroll 8
    for (std::size_t k = 0; k < K; ++k)
#pragma GCC unroll 8
        for (std::size_t g = 0; g < G; ++g) acc[k][g] = load<V>(dwp + k * ldp + g * L);
    for (std::size_t i = 0; i < rows; ++i) {
        V xv[G];
#pragma GCC unroll 8
        for (std::size_t g = 0; g < G; ++g) xv[g] = load<V>(x[i] + col + g * L);
#pragma GCC unroll 8
        for (std::size_t k = 0; k < K; ++k) {
            const double s = ds[i * c + k];
#pragma GCC unroll 8
            for (std::size_t g = 0; g < G; ++g) acc[k][g] += s * xv[g];
        }
    }
#pragma GCC unroll 8
    for (std::size_t k = 0; k < K; ++k)
#pragma GCC unroll 8
        for (std::size_t g = 0; g < G; ++g) store<V>(dwp + k * ldp + g * L, acc[k][g]);
}

// One panel of dW^T for K classes: tiles of G vectors of columns, then one vector, then single
// columns for the panel's last cols % L.
template <class Isa, std::size_t K>
GRADLAB_INLINE void grad_tile(const double* const* x, std::size_t rows, std::size_t col0, std::size_t cols,
                              const double* ds, std::size_t c, double* dwp, std::size_t ldp) {
    constexpr std::size_t L = Isa::kLanes, G = Isa::kGradVecs;
    std::size_t j = 0;
    for (; j + G * L <= cols; j += G * L) grad_step<Isa, K, G>(x, rows, col0 + j, ds, c, dwp + j, ldp);
    for (; j + L <= cols; j += L) grad_step<Isa, K, 1>(x, rows, col0 + j, ds, c, dwp + j, ldp);
    for (; j < cols; ++j)
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t k = 0; k < K; ++k) dwp[k * ldp + j] += ds[i * c + k] * x[i][col0 + j];
}

// Runtime tile sizes (the last, partial tiles) -> the templates above.
template <class Isa, std::size_t R>
GRADLAB_INLINE void score_tile_k(std::size_t k, const double* const* x, std::size_t cols, const double* wp,
                                 std::size_t ldp, double* part, std::size_t c, const double* const* pf) {
    static_assert(Isa::kClassTile == 5, "the switch below covers class tiles of up to 5");
    switch (k) {
        case 5: score_tile<Isa, R, 5>(x, cols, wp, ldp, part, c, pf); break;
        case 4: score_tile<Isa, R, 4>(x, cols, wp, ldp, part, c, pf); break;
        case 3: score_tile<Isa, R, 3>(x, cols, wp, ldp, part, c, pf); break;
        case 2: score_tile<Isa, R, 2>(x, cols, wp, ldp, part, c, pf); break;
        default: score_tile<Isa, R, 1>(x, cols, wp, ldp, part, c, pf); break;
    }
}
template <class Isa>
GRADLAB_INLINE void score_tile_any(std::size_t r, std::size_t k, const double* const* x, std::size_t cols,
                                   const double* wp, std::size_t ldp, double* part, std::size_t c,
                                   const double* const* pf) {
    static_assert(Isa::kRowTile <= kMaxRowTile, "the switch below covers row tiles of up to 4");
    switch (r) {
        case 4: if constexpr (Isa::kRowTile >= 4) score_tile_k<Isa, 4>(k, x, cols, wp, ldp, part, c, pf); break;
        case 3: if constexpr (Isa::kRowTile >= 3) score_tile_k<Isa, 3>(k, x, cols, wp, ldp, part, c, pf); break;
        case 2: if constexpr (Isa::kRowTile >= 2) score_tile_k<Isa, 2>(k, x, cols, wp, ldp, part, c, pf); break;
        default: score_tile_k<Isa, 1>(k, x, cols, wp, ldp, part, c, pf); break;
    }
}
template <class Isa>
GRADLAB_INLINE void grad_tile_any(std::size_t k, const double* const* x, std::size_t rows, std::size_t col0,
                                  std::size_t cols, const double* ds, std::size_t c, double* dwp, std::size_t ldp) {
    switch (k) {
        case 5: grad_tile<Isa, 5>(x, rows, col0, cols, ds, c, dwp, ldp); break;
        case 4: grad_tile<Isa, 4>(x, rows, col0, cols, ds, c, dwp, ldp); break;
        case 3: grad_tile<Isa, 3>(x, rows, col0, cols, ds, c, dwp, ldp); break;
        case 2: grad_tile<Isa, 2>(x, rows, col0, cols, ds, c, dwp, ldp); break;
        default: grad_tile<Isa, 1>(x, rows, col0, cols, ds, c, dwp, ldp); break;
    }
}

// ---- one thread's share ----------------------------------------------------------------------

struct Share {
    std::size_t begin = 0, end = 0;  // batch rows [begin, end)
    double loss = 0.0;               // sum of L_i over the share (not yet averaged)
    std::vector<double> dwt;         // this share's dL/dW, transposed in panels, if wanted
    std::vector<double> db;          // this share's dL/db, if wanted
    std::exception_ptr error;
};

// Rows per block: about kBlockBytes of X, so a block read for the scores is still in cache
// (L2, or L3 when W's and dW's panels pass through L2) when the gradient pass reads it again;
// a multiple of every row tile. W and dW cross the caches once per block, so more rows per block
// means less of that traffic per row.
constexpr std::size_t kBlockBytes = 256 * 1024;
std::size_t block_rows(std::size_t d) {
    const std::size_t rows = kBlockBytes / (d * sizeof(double) + 1);
    return std::max(kMaxRowTile, rows / kMaxRowTile * kMaxRowTile);
}

// The fused pass over the batch rows of one share. Per block of rows:
//   1. scores, panel by panel of W (each panel in L1 for all rows of the block); while scoring
//      panel p, prefetch panel p + 1 of the same rows (after the last panel: the first panel
//      of the next block), so that X streams in from memory while the FMAs run;
//   2. the loss and dL/dS of the block's rows;
//   3. dW^T += dS^T X_B panel by panel, X_B now read from cache.
template <class Isa>
GRADLAB_INLINE void run_share(LinearLoss loss, const LinearLossInputs& in, const double* wt, const Panels& pan,
                              bool want_dw, bool want_db, double* ds_all, Share& share) {
    constexpr std::size_t L = Isa::kLanes, RT = Isa::kRowTile, CT = Isa::kClassTile;
    const std::size_t d = in.dims, c = in.classes, n = in.batch;
    const std::size_t block = block_rows(d);
    const bool want_ds = want_dw || want_db || ds_all != nullptr;
    std::vector<const double*> x(block), next(block), at(block);
    std::vector<double> scores(block * c), ds(want_ds ? block * c : 0), part(block * c * L);
    const double scale = 1.0 / static_cast<double>(n);
    const auto row_pointers = [&](std::size_t r0, std::size_t rows, std::vector<const double*>& out) {
        for (std::size_t i = 0; i < rows; ++i) out[i] = in.x + (in.rows != nullptr ? in.rows[r0 + i] : r0 + i) * d;
    };
    row_pointers(share.begin, std::min(block, share.end - share.begin), x);
    // The first block's first panel has no earlier block to fetch it: ask for it now, so its
    // rows (scattered, for a minibatch read by row index) come from memory in parallel.
    for (std::size_t i = 0; i < std::min(block, share.end - share.begin); ++i)
        for (std::size_t j = 0; j < pan.cols(0); j += kLine) __builtin_prefetch(x[i] + j, 0, 2);

    for (std::size_t r0 = share.begin; r0 < share.end; r0 += block) {
        const std::size_t rows = std::min(block, share.end - r0);
        const std::size_t next_r0 = r0 + rows;
        const std::size_t next_rows = next_r0 < share.end ? std::min(block, share.end - next_r0) : 0;
        row_pointers(next_r0, next_rows, next);

        // 1. scores of the block (its rows come from memory here)
        std::fill(part.begin(), part.begin() + rows * c * L, 0.0);
        for (std::size_t p = 0; p < pan.count; ++p) {
            const std::size_t j0 = pan.begin(p), cols = pan.cols(p);
            const bool last = p + 1 == pan.count;
            for (std::size_t i = 0; i < rows; ++i) at[i] = x[i] + j0;
            for (std::size_t i = 0; i < rows; i += RT) {
                const std::size_t rt = std::min(RT, rows - i);
                const double* pf[kMaxRowTile];  // what to fetch: see the comment above run_share
                for (std::size_t r = 0; r < rt; ++r)
                    pf[r] = !last ? at[i + r] + cols : i + r < next_rows ? next[i + r] : at[i + r];
                for (std::size_t k = 0; k < c; k += CT)
                    score_tile_any<Isa>(rt, std::min(CT, c - k), &at[i], cols, wt + pan.offset(p, k, c), pan.ld,
                                        &part[(i * c + k) * L], c, k == 0 ? pf : nullptr);
            }
        }
        for (std::size_t i = 0; i < rows; ++i)
            for (std::size_t k = 0; k < c; ++k)
                scores[i * c + k] = lane_sum<Isa>(&part[(i * c + k) * L]) + (in.b != nullptr ? in.b[k] : 0.0);

        // 2. the loss of these rows and dL/dS (scaled by 1/N): the same kernels svm() and
        //    softmax_cross_entropy() run on a whole score matrix
        double* g = want_ds ? ds.data() : nullptr;
        share.loss += loss == LinearLoss::Svm
                          ? svm_loss_grad_rows(scores.data(), c, in.labels + r0, rows, in.delta, scale, g)
                          : softmax_loss_grad_rows(scores.data(), c, in.labels + r0, rows, scale, g);
        if (ds_all != nullptr) std::copy(ds.begin(), ds.begin() + rows * c, ds_all + r0 * c);

        // 3. dL/dW += X_B^T dL/dS_B and dL/db += column sums, while X_B is in cache
        if (want_dw)
            for (std::size_t p = 0; p < pan.count; ++p)
                for (std::size_t k = 0; k < c; k += CT)
                    grad_tile_any<Isa>(std::min(CT, c - k), x.data(), rows, pan.begin(p), pan.cols(p), &ds[k], c,
                                       &share.dwt[pan.offset(p, k, c)], pan.ld);
        if (want_db)
            for (std::size_t i = 0; i < rows; ++i)
                for (std::size_t k = 0; k < c; ++k) share.db[k] += ds[i * c + k];
        std::swap(x, next);
    }
}

// One compiled copy of run_share per instruction set.
using ShareFn = void (*)(LinearLoss, const LinearLossInputs&, const double*, const Panels&, bool, bool, double*,
                         Share&);
#if defined(__x86_64__)
__attribute__((target("arch=x86-64-v4"))) void run_share_avx512(LinearLoss loss, const LinearLossInputs& in,
                                                                const double* wt, const Panels& pan, bool dw,
                                                                bool db, double* ds, Share& share) {
    run_share<Avx512>(loss, in, wt, pan, dw, db, ds, share);
}
__attribute__((target("arch=x86-64-v3"))) void run_share_avx2(LinearLoss loss, const LinearLossInputs& in,
                                                              const double* wt, const Panels& pan, bool dw, bool db,
                                                              double* ds, Share& share) {
    run_share<Avx2>(loss, in, wt, pan, dw, db, ds, share);
}
#endif
void run_share_sse2(LinearLoss loss, const LinearLossInputs& in, const double* wt, const Panels& pan, bool dw,
                    bool db, double* ds, Share& share) {
    run_share<Sse2>(loss, in, wt, pan, dw, db, ds, share);
}
// The AVX-512 and AVX2 tiles, compiled for the baseline (for the tests: see Portable).
void run_share_portable512(LinearLoss loss, const LinearLossInputs& in, const double* wt, const Panels& pan,
                           bool dw, bool db, double* ds, Share& share) {
    run_share<Portable<Avx512>>(loss, in, wt, pan, dw, db, ds, share);
}
void run_share_portable256(LinearLoss loss, const LinearLossInputs& in, const double* wt, const Panels& pan,
                           bool dw, bool db, double* ds, Share& share) {
    run_share<Portable<Avx2>>(loss, in, wt, pan, dw, db, ds, share);
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
    switch (isa) {
        case KernelIsa::Auto: case KernelIsa::Avx512: case KernelIsa::Avx2: case KernelIsa::Baseline: break;
        default:
            throw ValueError(fmt::format("set_kernel_isa: {} is not a KernelIsa value", static_cast<int>(isa)));
    }
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

namespace {

// Waits until done() holds, spinning for at most `limit`. Used before blocking on a condition
// variable (which then finds done() true at once, or waits): on a virtual machine an idle vCPU
// is halted, and waking a thread blocked in the kernel costs 50-200 us -- as much as a
// minibatch's arithmetic.
template <class Done>
void spin_until(Done done, std::chrono::microseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            if (done()) return;
#if defined(__x86_64__)
            __builtin_ia32_pause();
#endif
        }
        if (std::chrono::steady_clock::now() > until) return;
    }
}

// Worker threads kept from call to call. Starting and joining a std::thread costs tens of
// microseconds -- as much as the arithmetic of a 256-row minibatch -- so a training loop that
// started one per step would lose what the second core gains. run(t, job) runs job(1), ...,
// job(t - 1) on pool threads and job(0) on the caller, and returns when all are done. One caller
// at a time: if another thread is using the pool, the call starts its own threads instead.
// Waiting (a worker for the next job, the caller for the workers) first spins for a short while,
// then blocks: back-to-back calls, as in a training loop, never pay for waking a sleeping thread,
// and an idle pool costs no CPU.
class WorkerPool {
public:
    void run(std::size_t t, const std::function<void(std::size_t)>& job) {
        std::unique_lock<std::mutex> use(use_, std::try_to_lock);
        // Busy, or a child process after fork() (which has none of the pool's threads): plain threads.
        if (!use.owns_lock() || ::getpid() != pid_) {
            std::vector<std::thread> threads;
            for (std::size_t s = 1; s < t; ++s) threads.emplace_back(job, s);
            job(0);
            for (std::thread& th : threads) th.join();
            return;
        }
        {
            std::lock_guard<std::mutex> lock(m_);
            while (threads_.size() + 1 < t) {
                const std::size_t index = threads_.size() + 1;
                threads_.emplace_back([this, index] { work(index); });
            }
            job_ = &job;
            active_ = t;
            pending_ = t - 1;
            ++generation_;
        }
        wake_.notify_all();
        job(0);
        spin_until([this] { return pending_.load() == 0; }, kCallerSpin);
        std::unique_lock<std::mutex> lock(m_);
        done_.wait(lock, [this] { return pending_ == 0; });
        job_ = nullptr;
    }
    ~WorkerPool() {
        {
            std::lock_guard<std::mutex> lock(m_);
            stop_ = true;
        }
        wake_.notify_all();
        for (std::thread& th : threads_) th.join();
    }

private:
    // How long a worker spins for the next job, and the caller for the workers, before blocking.
    static constexpr std::chrono::microseconds kWorkerSpin{500}, kCallerSpin{2000};

    void work(std::size_t index) {
        std::size_t seen = 0;
        std::unique_lock<std::mutex> lock(m_);
        for (;;) {
            if (!stop_ && generation_ == seen) {
                lock.unlock();
                spin_until([&] { return stop_.load() || generation_.load() != seen; }, kWorkerSpin);
                lock.lock();
                wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
            }
            if (stop_) return;
            seen = generation_;
            if (index >= active_) continue;  // this call needs fewer threads
            const std::function<void(std::size_t)>* job = job_;
            lock.unlock();
            (*job)(index);  // never throws: the kernel's job catches everything
            lock.lock();
            if (--pending_ == 0) done_.notify_one();
        }
    }

    const pid_t pid_ = ::getpid();  // the process whose threads these are
    std::mutex use_;                // held by the caller for a whole run()
    std::mutex m_;  // guards everything below; the atomics are also read without it, while spinning
    std::condition_variable wake_, done_;
    std::vector<std::thread> threads_;  // thread s - 1 runs job(s)
    const std::function<void(std::size_t)>* job_ = nullptr;
    std::size_t active_ = 0;
    std::atomic<std::size_t> generation_{0}, pending_{0};
    std::atomic<bool> stop_{false};
};

WorkerPool& worker_pool() {
    static WorkerPool pool;
    return pool;
}

struct Workspace {
    std::vector<double> wt;     // W^T in panels
    std::vector<Share> shares;  // one per thread, with its dW^T
};

// linear_loss_grad() with the compiled kernel `fn` (one of the run_share_* above).
double run_kernel(LinearLoss loss, const LinearLossInputs& in, const LinearLossGrads& out, unsigned threads,
                  ShareFn fn) {
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

    // Buffers reused from call to call by each calling thread: new ones of a few hundred KB would
    // be fresh pages from the OS on every call (glibc hands large freed blocks back), and at 1-3 us
    // per page fault that costs more than the arithmetic of a minibatch.
    thread_local Workspace ws;
    std::vector<double>& wt = ws.wt;
    std::vector<Share>& shares = ws.shares;

    // W transposed once into panels (see Panels; zero where a panel is narrower than its stride).
    const Panels pan(d, c);
    wt.resize(pan.size(c));  // the padding past a panel's columns is never read
    for (std::size_t p = 0; p < pan.count; ++p)
        for (std::size_t k = 0; k < c; ++k) {
            double* to = &wt[pan.offset(p, k, c)];
            const double* from = in.w + pan.begin(p) * c + k;
            for (std::size_t j = 0; j < pan.cols(p); ++j) to[j] = from[j * c];
        }

    const std::size_t work = n * d * c;
    std::size_t t = threads != 0 ? threads : kernel_threads();
    t = std::max<std::size_t>(1, std::min({t, n, work / kMinWorkPerThread + 1}));
    const bool want_dw = out.dw != nullptr, want_db = out.db != nullptr;
    shares.resize(t);
    for (std::size_t s = 0; s < t; ++s) {
        shares[s].loss = 0.0;
        shares[s].error = nullptr;
        shares[s].begin = n * s / t;
        shares[s].end = n * (s + 1) / t;
        if (want_db) shares[s].db.assign(c, 0.0);
    }
    const std::function<void(std::size_t)> job = [&](std::size_t s) {
        try {
            if (want_dw) shares[s].dwt.assign(pan.size(c), 0.0);  // here: each thread zeroes its own
            fn(loss, in, wt.data(), pan, want_dw, want_db, out.ds, shares[s]);
        } catch (...) {  // a non-finite score: rethrown on the caller's thread below
            shares[s].error = std::current_exception();
        }
    };
    if (t == 1) job(0);
    else worker_pool().run(t, job);

    double total = 0.0;
    for (const Share& s : shares) {
        if (s.error) std::rethrow_exception(s.error);
        total += s.loss;
    }
    if (want_dw)  // the shares' dW^T panels summed and transposed back, in one pass
        for (std::size_t p = 0; p < pan.count; ++p)
            for (std::size_t k = 0; k < c; ++k) {
                const std::size_t at = pan.offset(p, k, c);
                double* to = out.dw + pan.begin(p) * c + k;
                for (std::size_t j = 0; j < pan.cols(p); ++j) {
                    double v = shares[0].dwt[at + j];
                    for (std::size_t s = 1; s < t; ++s) v += shares[s].dwt[at + j];
                    to[j * c] = v;
                }
            }
    if (want_db)
        for (std::size_t k = 0; k < c; ++k) {
            double v = 0.0;
            for (const Share& s : shares) v += s.db[k];
            out.db[k] = v;
        }
    return total / static_cast<double>(n);
}

}  // namespace

double linear_loss_grad(LinearLoss loss, const LinearLossInputs& in, const LinearLossGrads& out,
                        unsigned threads) {
    return run_kernel(loss, in, out, threads, share_fn(kernel_isa()));
}

namespace detail {
double linear_loss_grad_portable(LinearLoss loss, const LinearLossInputs& in, const LinearLossGrads& out,
                                 unsigned threads, KernelIsa tiles) {
    if (tiles == KernelIsa::Avx512) return run_kernel(loss, in, out, threads, run_share_portable512);
    if (tiles == KernelIsa::Avx2) return run_kernel(loss, in, out, threads, run_share_portable256);
    return run_kernel(loss, in, out, threads, run_share_sse2);
}
}  // namespace detail

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
         has_b = b != nullptr](const BackwardArgs& args) {
            const double g = args.grad();  // chain rule: every stored gradient times dOut
            if (args.needs_grad(1)) {
                Tensor& gw = args.grad_in(1);
                for (std::size_t k = 0; k < gw.size(); ++k) gw.flat(k) += g * dw.flat(k);
            }
            if (has_b && args.needs_grad(2)) {
                Tensor& gb = args.grad_in(2);
                for (std::size_t k = 0; k < gb.size(); ++k) gb.flat(k) += g * db.flat(k);
            }
            if (args.needs_grad(0)) {  // dL/dx_r = dL/ds_i W^T for batch row i = row r of x
                Tensor& gx = args.grad_in(0);
                const Tensor& wv = args.input(1);
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
