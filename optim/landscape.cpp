// Loss landscapes: directions, the grid engine shared by every slice (threads, progress, errors),
// the generic and the linear-scores slices, and trajectories projected onto a plane.
#include "landscape.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <memory>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "progress.hpp"

// The scores X W, X D1, X D2 go through OpenBLAS's C interface, as autodiff's matmul does
// (<cblas.h> cannot share a TU with xtensor-blas's xlinalg.hpp, which this file does not use).
#include <cblas.h>

// OpenBLAS's thread control, weak so that another BLAS still links (the pin is then skipped).
extern "C" {
void openblas_set_num_threads(int) __attribute__((weak));
int openblas_get_num_threads(void) __attribute__((weak));
}

namespace gradlab::optim {

namespace {

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

void require_points(const char* op, const std::vector<double>& values, const char* what) {
    if (values.empty()) throw ValueError(fmt::format("{}: the list of {} is empty", op, what));
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!std::isfinite(values[i]))
            throw ValueError(fmt::format("{}: {}[{}] is {}; offsets must be finite", op, what, i,
                                         values[i]));
}

// An empty std::function would throw std::bad_function_call from inside the grid's threads.
template <class Fn>
void require_callable(const char* op, const Fn& loss) {
    if (!loss) throw ValueError(fmt::format("{}: the loss function is empty (a default-constructed std::function)", op));
}

void require_matrix(const char* op, const Tensor& t, const char* what) {
    if (t.dimension() != 2)
        throw ShapeError(fmt::format("{}: {} must be a matrix, got shape {}", op, what,
                                     shape_str(t.shape())));
}

// Two columns' or two rows' norms as W's layout has them.
double norm(const Tensor& t) {
    double s = 0.0;
    for (double v : t) s += v * v;
    return std::sqrt(s);
}

double dot(const Tensor& a, const Tensor& b) {
    double s = 0.0;
    auto ia = a.begin();
    for (auto ib = b.begin(); ib != b.end(); ++ia, ++ib) s += *ia * *ib;
    return s;
}

// ---------------------------------------------------------------------------------------------
// The grid engine
// ---------------------------------------------------------------------------------------------

// While several threads evaluate points, OpenBLAS gets one thread of its own: two evaluating
// threads that each wake a two-thread BLAS pool would fight over the same cores (the gradient
// checker does the same while it probes). Restored on scope exit.
class BlasThreadPin {
public:
    explicit BlasThreadPin(bool active) {
        if (active && openblas_set_num_threads != nullptr && openblas_get_num_threads != nullptr) {
            saved_ = openblas_get_num_threads();
            openblas_set_num_threads(1);
            active_ = true;
        }
    }
    ~BlasThreadPin() {
        if (active_) openblas_set_num_threads(saved_);
    }
    BlasThreadPin(const BlasThreadPin&) = delete;
    BlasThreadPin& operator=(const BlasThreadPin&) = delete;

private:
    int saved_ = 1;
    bool active_ = false;
};

// Runs slice(t) for t = 1 .. n_threads - 1 on new threads and slice(0) on this one, with
// OpenBLAS pinned while more than one runs; then rethrows the first error a slice stored.
template <class Slice>
void run_threads(std::size_t n_threads, Slice& slice, const std::vector<std::exception_ptr>& errors) {
    {
        BlasThreadPin pin(n_threads > 1);
        std::vector<std::thread> pool;
        pool.reserve(n_threads - 1);
        for (std::size_t t = 1; t < n_threads; ++t) pool.emplace_back([&slice, t] { slice(t); });
        slice(0);
        for (std::thread& th : pool) th.join();
    }
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);
}

std::size_t resolve_threads(unsigned threads, std::size_t points) {
    const unsigned wanted = threads != 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
    return std::max<std::size_t>(1, std::min<std::size_t>(wanted, points));
}

// Evaluates `total` points into `out`. `make_worker()` is called once per thread and returns a
// callable double(std::size_t point) owning that thread's scratch buffers. Thread t takes the
// contiguous slice [total t / T, total (t+1) / T); the calling thread takes slice 0 and reports
// progress. The first exception stops every thread and is rethrown.
template <class MakeWorker>
void evaluate_grid(std::size_t total, std::vector<double>& out, const LandscapeOptions& options,
                   MakeWorker make_worker) {
    out.assign(total, 0.0);
    const std::size_t n_threads = resolve_threads(options.threads, total);
    std::atomic<std::size_t> done{0};
    std::atomic<bool> stop{false};
    std::vector<std::exception_ptr> errors(n_threads);

    auto run_slice = [&](std::size_t t) {
        try {
            auto worker = make_worker();
            const std::size_t begin = total * t / n_threads, end = total * (t + 1) / n_threads;
            for (std::size_t k = begin; k < end && !stop.load(std::memory_order_relaxed); ++k) {
                out[k] = worker(k);
                const std::size_t now = done.fetch_add(1, std::memory_order_relaxed) + 1;
                if (t == 0 && options.progress) options.progress(now, total);
            }
        } catch (...) {
            errors[t] = std::current_exception();
            stop = true;
        }
    };

    run_threads(n_threads, run_slice, errors);
    if (options.progress) options.progress(total, total);
}

// C = A B for row-major A (m, k) and B (k, n), through dgemm.
Tensor product(const Tensor& a, const Tensor& b) {
    const std::size_t m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
    Tensor c = zeros({m, n});
    if (m == 0 || n == 0 || k == 0) return c;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
                static_cast<int>(k), 1.0, a.data(), static_cast<int>(k), b.data(),
                static_cast<int>(n), 0.0, c.data(), static_cast<int>(n));
    return c;
}

void require_linear_shapes(const char* op, const Tensor& x, const Tensor& w, const Tensor& d1,
                           const Tensor* d2) {
    require_matrix(op, x, "x");
    require_matrix(op, w, "w");
    if (x.shape()[1] != w.shape()[0])
        throw ShapeError(fmt::format("{}: x {} and w {} cannot be multiplied: x's columns must "
                                     "equal w's rows",
                                     op, shape_str(x.shape()), shape_str(w.shape())));
    if (x.shape()[0] == 0)
        throw ShapeError(fmt::format("{}: x {} has no examples", op, shape_str(x.shape())));
    if (w.shape()[1] == 0)  // no scores at all: every loss would be a silent 0
        throw ShapeError(fmt::format("{}: w {} has no classes (columns)", op, shape_str(w.shape())));
    require_same_shape(op, w.shape(), d1.shape());
    if (d2 != nullptr) require_same_shape(op, w.shape(), d2->shape());
    require_finite(op, x, "x");
    require_finite(op, w, "w");
    require_finite(op, d1, "d1");
    if (d2 != nullptr) require_finite(op, *d2, "d2");
}

// The fast path's engine. Grid point k is (alpha k % cols, beta k / cols); its scores are
// S0 + a S1 + b S2 (S2 may be null: a line). Thread t owns the points [P t / T, P (t+1) / T) and
// walks the examples in blocks of about 1024 scores: for each block it fills the block's scores
// for each of its points and adds the block's loss to that point's running sum. The three score
// blocks (a few kB) stay in L1 across the thread's points, instead of streaming the full (N, C)
// matrices from memory at every point, and each point's sum runs in block order on any number of
// threads.
std::vector<double> score_slice(const RowsLossFn& loss, const Tensor& s0, const Tensor& s1,
                                const Tensor* s2, const std::vector<double>& alphas,
                                const std::vector<double>& betas, const LandscapeOptions& options) {
    const std::size_t n = s0.shape()[0], classes = s0.shape()[1], cols = alphas.size();
    const std::size_t points = cols * betas.size();
    const std::size_t block_rows = std::max<std::size_t>(1, 1024 / std::max<std::size_t>(1, classes));
    const std::size_t blocks = (n + block_rows - 1) / block_rows;
    const std::size_t n_threads = resolve_threads(options.threads, points);
    std::vector<double> sums(points, 0.0);
    std::atomic<std::size_t> work_done{0};  // (block, point) pairs finished, over all threads
    std::atomic<bool> stop{false};
    std::vector<std::exception_ptr> errors(n_threads);

    auto run_slice = [&](std::size_t t) {
        try {
            const std::size_t begin = points * t / n_threads, end = points * (t + 1) / n_threads;
            std::vector<double> block(block_rows * classes);
            for (std::size_t blk = 0; blk < blocks && !stop.load(std::memory_order_relaxed); ++blk) {
                const std::size_t first = blk * block_rows, rows = std::min(block_rows, n - first);
                const std::size_t len = rows * classes, offset = first * classes;
                // __restrict: the block never overlaps the score matrices, which lets the
                // compiler vectorize the fills without run-time overlap checks.
                const double* __restrict p0 = s0.data() + offset;
                const double* __restrict p1 = s1.data() + offset;
                const double* __restrict p2 = s2 != nullptr ? s2->data() + offset : nullptr;
                double* __restrict out = block.data();
                for (std::size_t k = begin; k < end; ++k) {
                    const double a = alphas[k % cols], b = betas[k / cols];
                    if (p2 != nullptr) {
                        for (std::size_t i = 0; i < len; ++i) out[i] = p0[i] + a * p1[i] + b * p2[i];
                    } else {
                        for (std::size_t i = 0; i < len; ++i) out[i] = p0[i] + a * p1[i];
                    }
                    sums[k] += loss(out, first, rows, classes);
                }
                const std::size_t now =
                    work_done.fetch_add(end - begin, std::memory_order_relaxed) + (end - begin);
                if (t == 0 && options.progress) options.progress(now / blocks, points);
            }
        } catch (...) {
            errors[t] = std::current_exception();
            stop = true;
        }
    };
    run_threads(n_threads, run_slice, errors);
    if (options.progress) options.progress(points, points);
    for (double& v : sums) v /= static_cast<double>(n);
    return sums;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Directions
// ---------------------------------------------------------------------------------------------

Tensor normalize_direction(const Tensor& d, const Tensor& w, DirectionNorm how) {
    constexpr const char* kOp = "normalize_direction";
    require_same_shape(kOp, d.shape(), w.shape());
    require_finite(kOp, d, "the direction");  // a NaN would spread over the whole slice
    require_finite(kOp, w, "w");
    Tensor out = d;
    if (how == DirectionNorm::none) return out;
    if (how == DirectionNorm::whole) {
        const double nd = norm(d);
        if (nd > 0.0) out *= norm(w) / nd;
        return out;
    }
    require_matrix(kOp, d, "a per-row or per-column normalized direction");
    const std::size_t rows = d.shape()[0], cols = d.shape()[1];
    const bool by_row = how == DirectionNorm::per_row;
    const std::size_t groups = by_row ? rows : cols, len = by_row ? cols : rows;
    // Element j of group g sits at (g, j) for rows and at (j, g) for columns.
    auto at = [&](std::size_t g, std::size_t j) { return by_row ? g * cols + j : j * cols + g; };
    for (std::size_t g = 0; g < groups; ++g) {
        double nd = 0.0, nw = 0.0;
        for (std::size_t j = 0; j < len; ++j) {
            nd += d.data()[at(g, j)] * d.data()[at(g, j)];
            nw += w.data()[at(g, j)] * w.data()[at(g, j)];
        }
        const double factor = nd > 0.0 ? std::sqrt(nw) / std::sqrt(nd) : 0.0;
        for (std::size_t j = 0; j < len; ++j) out.data()[at(g, j)] *= factor;
    }
    return out;
}

Tensor random_direction(const Tensor& w, std::uint64_t seed, DirectionNorm how) {
    RandomEngine rng(seed);
    return normalize_direction(randn(w.shape(), rng), w, how);
}

// ---------------------------------------------------------------------------------------------
// Grids
// ---------------------------------------------------------------------------------------------

namespace {

// The checks linspace and logspace share; `op` is the caller's name. A grid as long as the
// largest tensor is already far beyond any plot: a larger n is a mistake (2^62 would otherwise
// end in std::length_error).
void require_grid(const char* op, double lo, double hi, std::size_t n) {
    if (n == 0 || n > kMaxTensorElements || !std::isfinite(lo) || !std::isfinite(hi) || hi < lo)
        throw ValueError(fmt::format("{}: need 1 <= n <= {} (kMaxTensorElements) and finite lo <= hi, got n = {}, "
                                     "[{}, {}]", op, kMaxTensorElements, n, lo, hi));
}

}  // namespace

std::vector<double> linspace(double lo, double hi, std::size_t n) {
    require_grid("linspace", lo, hi, n);
    std::vector<double> v(n, lo);
    for (std::size_t i = 1; i < n; ++i)
        v[i] = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n - 1);
    if (n > 1) v.back() = hi;  // exactly, whatever the rounding of the last step
    return v;
}

std::vector<double> logspace(double lo, double hi, std::size_t n) {
    if (!(lo > 0.0) || !(hi > 0.0))
        throw ValueError(fmt::format("logspace: both ends must be positive, got [{}, {}]", lo, hi));
    require_grid("logspace", lo, hi, n);
    std::vector<double> v = linspace(std::log10(lo), std::log10(hi), n);
    for (double& e : v) e = std::pow(10.0, e);
    v.front() = lo;
    if (n > 1) v.back() = hi;
    return v;
}

// ---------------------------------------------------------------------------------------------
// The generic path
// ---------------------------------------------------------------------------------------------

Landscape1d landscape_1d(const WeightLossFn& loss, const Tensor& w, const Tensor& d1,
                         const std::vector<double>& alphas, const LandscapeOptions& options) {
    constexpr const char* kOp = "landscape_1d";
    require_callable(kOp, loss);
    require_same_shape(kOp, w.shape(), d1.shape());
    require_finite(kOp, w, "w");
    require_finite(kOp, d1, "d1");
    require_points(kOp, alphas, "alphas");
    Landscape1d out{alphas, {}};
    evaluate_grid(alphas.size(), out.loss, options, [&] {
        return [&, point = Tensor(w)](std::size_t k) mutable {
            const double a = alphas[k];
            for (std::size_t i = 0; i < point.size(); ++i)
                point.data()[i] = w.data()[i] + a * d1.data()[i];
            return loss(point);
        };
    });
    return out;
}

Landscape2d landscape_2d(const WeightLossFn& loss, const Tensor& w, const Tensor& d1,
                         const Tensor& d2, const std::vector<double>& alphas,
                         const std::vector<double>& betas, const LandscapeOptions& options) {
    constexpr const char* kOp = "landscape_2d";
    require_callable(kOp, loss);
    require_same_shape(kOp, w.shape(), d1.shape());
    require_same_shape(kOp, w.shape(), d2.shape());
    require_finite(kOp, w, "w");
    require_finite(kOp, d1, "d1");
    require_finite(kOp, d2, "d2");
    require_points(kOp, alphas, "alphas");
    require_points(kOp, betas, "betas");
    Landscape2d out{alphas, betas, {}};
    const std::size_t cols = alphas.size();
    evaluate_grid(cols * betas.size(), out.loss, options, [&] {
        return [&, point = Tensor(w)](std::size_t k) mutable {
            const double a = alphas[k % cols], b = betas[k / cols];
            for (std::size_t i = 0; i < point.size(); ++i)
                point.data()[i] = w.data()[i] + a * d1.data()[i] + b * d2.data()[i];
            return loss(point);
        };
    });
    return out;
}

// ---------------------------------------------------------------------------------------------
// The fast path: the three score matrices once, then O(N C) per point
// ---------------------------------------------------------------------------------------------

Landscape1d linear_landscape_1d(const RowsLossFn& loss, const Tensor& x, const Tensor& w,
                                const Tensor& d1, const std::vector<double>& alphas,
                                const LandscapeOptions& options) {
    constexpr const char* kOp = "linear_landscape_1d";
    require_callable(kOp, loss);
    require_linear_shapes(kOp, x, w, d1, nullptr);
    require_points(kOp, alphas, "alphas");
    const Tensor s0 = product(x, w), s1 = product(x, d1);
    Landscape1d out{alphas, {}};
    const std::vector<double> betas(1, 0.0);
    out.loss = score_slice(loss, s0, s1, nullptr, alphas, betas, options);
    return out;
}

Landscape2d linear_landscape_2d(const RowsLossFn& loss, const Tensor& x, const Tensor& w,
                                const Tensor& d1, const Tensor& d2,
                                const std::vector<double>& alphas, const std::vector<double>& betas,
                                const LandscapeOptions& options) {
    constexpr const char* kOp = "linear_landscape_2d";
    require_callable(kOp, loss);
    require_linear_shapes(kOp, x, w, d1, &d2);
    require_points(kOp, alphas, "alphas");
    require_points(kOp, betas, "betas");
    const Tensor s0 = product(x, w), s1 = product(x, d1), s2 = product(x, d2);
    Landscape2d out{alphas, betas, {}};
    out.loss = score_slice(loss, s0, s1, &s2, alphas, betas, options);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Trajectories
// ---------------------------------------------------------------------------------------------

Plane trajectory_plane(const std::vector<Tensor>& path, std::uint64_t seed) {
    constexpr const char* kOp = "trajectory_plane";
    if (path.size() < 2)
        throw ValueError(fmt::format("{}: a path needs at least two points, got {}", kOp,
                                     path.size()));
    for (std::size_t k = 0; k < path.size(); ++k) {
        require_same_shape(kOp, path.front().shape(), path[k].shape());
        require_finite(kOp, path[k], "path point");
    }
    // A plane needs two independent directions: in a space of one weight, d2 would be 0 / 0.
    if (path.front().size() < 2)
        throw ShapeError(fmt::format("{}: a plane needs weights of at least 2 elements, got shape {}", kOp,
                                     shape_str(path.front().shape())));
    Plane plane{path.front(), Tensor(path.back() - path.front()), {}};
    const double d1_norm2 = dot(plane.d1, plane.d1);
    if (!(d1_norm2 > 0.0))
        throw ValueError(fmt::format("{}: the path ends where it starts ({} points): there is no "
                                     "direction to draw it along", kOp, path.size()));
    // The point farthest from the line through start and end, and its sideways part.
    double best = 0.0;
    Tensor side;
    for (const Tensor& p : path) {
        Tensor r = p - plane.origin;
        r -= (dot(r, plane.d1) / d1_norm2) * plane.d1;
        const double n = dot(r, r);
        if (n > best) {
            best = n;
            side = std::move(r);
        }
    }
    // Sideways parts below rounding noise of the path's own size count as a straight path.
    if (!(best > 1e-24 * d1_norm2)) {
        side = random_direction(plane.d1, seed);
        side -= (dot(side, plane.d1) / d1_norm2) * plane.d1;
        best = dot(side, side);
    }
    plane.d2 = side * std::sqrt(d1_norm2 / best);
    return plane;
}

PlaneCoordinates project_onto_plane(const Plane& plane, const std::vector<Tensor>& path) {
    constexpr const char* kOp = "project_onto_plane";
    require_same_shape(kOp, plane.origin.shape(), plane.d1.shape());
    require_same_shape(kOp, plane.origin.shape(), plane.d2.shape());
    const double g11 = dot(plane.d1, plane.d1), g12 = dot(plane.d1, plane.d2),
                 g22 = dot(plane.d2, plane.d2);
    const double det = g11 * g22 - g12 * g12;
    if (!(det > 1e-12 * g11 * g22))
        throw ValueError(fmt::format("{}: the plane's directions are zero or parallel (|d1|^2 = "
                                     "{}, |d2|^2 = {}, d1.d2 = {})", kOp, g11, g22, g12));
    PlaneCoordinates out;
    for (const Tensor& p : path) {
        require_same_shape(kOp, plane.origin.shape(), p.shape());
        Tensor r = p - plane.origin;
        const double r1 = dot(r, plane.d1), r2 = dot(r, plane.d2);
        const double a = (g22 * r1 - g12 * r2) / det, b = (g11 * r2 - g12 * r1) / det;
        r -= a * plane.d1 + b * plane.d2;
        out.a.push_back(a);
        out.b.push_back(b);
        out.off_plane.push_back(norm(r));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------------

GridProgressFn grid_progress(std::ostream& out, bool terminal, double quiet_s) {
    if (!(quiet_s >= 0.0) || !std::isfinite(quiet_s))
        throw ValueError(fmt::format("grid_progress: quiet_s must be a finite number of seconds >= 0, got {}", quiet_s));
    // One printer serves grid after grid: a call while no grid is running starts the next one.
    struct State {
        std::chrono::steady_clock::time_point start{}, last{};
        bool running = false;  // a grid has started and its final line is not out yet
        bool drawn = false;
        std::size_t next_quarter = 1;
    };
    auto state = std::make_shared<State>();
    return [&out, terminal, quiet_s, state](std::size_t done, std::size_t total) {
        using clock = std::chrono::steady_clock;
        const auto now = clock::now();
        const bool finished = done >= total;
        if (!state->running) {
            if (finished) return;  // the engine's closing call, or a grid that was over at once
            *state = State{now, now, true, false, 1};
        }
        const double elapsed = std::chrono::duration<double>(now - state->start).count();
        if (finished) state->running = false;
        if (elapsed < quiet_s && !state->drawn) return;  // short grids stay silent
        const double frac = total == 0 ? 1.0 : static_cast<double>(done) / static_cast<double>(total);
        const double eta = frac > 0.0 ? elapsed * (1.0 - frac) / frac : -1.0;
        constexpr std::size_t width = 20;
        const auto filled = static_cast<std::size_t>(frac * width);
        const std::string line = fmt::format(
            "landscape [{}{}] {}/{} points | {} | ETA {}", std::string(filled, '#'),
            std::string(width - filled, '.'), done, total, format_duration(elapsed),
            format_duration(eta));
        if (terminal) {
            if (!finished && state->drawn &&
                std::chrono::duration<double>(now - state->last).count() < 0.1)
                return;
            out << '\r' << line << (finished ? "\n" : "") << std::flush;
            state->drawn = true;
            state->last = now;
            return;
        }
        if (finished || frac * 4.0 >= static_cast<double>(state->next_quarter)) {
            out << line << '\n' << std::flush;
            state->drawn = true;
            while (frac * 4.0 >= static_cast<double>(state->next_quarter)) ++state->next_quarter;
        }
    };
}

}  // namespace gradlab::optim
