// Numerical gradients, the probing engine they share with the checker, relative error and
// verdicts, and the step-size study. The checks themselves live in gradcheck_check.cpp, the
// printing in gradcheck_report.cpp.
#include "gradcheck.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>

#include "gradcheck_probe.hpp"

// OpenBLAS's thread control, declared by hand because <cblas.h> cannot share a TU with
// xtensor-blas (DESIGN, known traps). Weak, so that a build whose BLAS is not OpenBLAS still links
// and simply skips the pinning (the pointers are then null).
extern "C" {
void openblas_set_num_threads(int) __attribute__((weak));
int openblas_get_num_threads(void) __attribute__((weak));
}

namespace gradlab {

namespace detail {

void require_step(const char* op, double h) {
    if (!(h > 0.0) || !std::isfinite(h))
        throw ValueError(fmt::format("{}: step h must be positive and finite, got {}", op, h));
    if (h < kMinStep)
        throw ValueError(fmt::format(
            "{}: step h = {:g} is below {:g} (kMinStep): f(x+h) and f(x-h) each carry a rounding "
            "error of about eps*|f| = 2.2e-16*|f|, and the centered difference divides it by 2h, so "
            "round-off would swamp the gradient (at h = 1e-16, x+h even rounds back to x); use h "
            "between 1e-8 and 1e-2 (default 1e-5), and step_size_study() to see the trade-off",
            op, h, kMinStep));
    if (h > kMaxStep)
        throw ValueError(fmt::format("{}: step h = {:g} is above {:g} (kMaxStep): the truncation error "
                                     "(~h^2) and the curvature between the one-sided slopes (~h) would "
                                     "hide a wrong gradient; use h between 1e-8 and 1e-2 (default 1e-5)",
                                     op, h, kMaxStep));
}

void require_resolvable(const char* op, const std::string& element, double x, double h) {
    if (x + h == x || x - h == x)
        throw ValueError(fmt::format("{}: step h = {:g} is below the spacing of doubles at {} = {:g}: "
                                     "x + h rounds back to x, so the difference would be 0; rescale the "
                                     "input or use a larger h",
                                     op, h, element, x));
}

std::vector<std::size_t> unravel(const Shape& shape, std::size_t flat) {
    std::vector<std::size_t> index(shape.size(), 0);
    for (std::size_t d = shape.size(); d-- > 0;) {
        index[d] = flat % shape[d];
        flat /= shape[d];
    }
    return index;
}

std::string index_str(const std::vector<std::size_t>& index) {
    std::string s = "(";
    for (std::size_t i = 0; i < index.size(); ++i) s += (i ? ", " : "") + std::to_string(index[i]);
    return s + ")";
}

namespace {
ThreadStarter& thread_starter() {
    static ThreadStarter starter;  // empty: std::thread's own constructor
    return starter;
}
}  // namespace

void set_thread_starter(ThreadStarter starter) { thread_starter() = std::move(starter); }

std::thread start_thread(std::function<void()> body) {
    if (thread_starter()) return thread_starter()(std::move(body));
    return std::thread(std::move(body));
}

unsigned resolve_threads(unsigned threads) {
    if (threads != 0) return threads;
    return std::max(1u, std::thread::hardware_concurrency());
}

namespace {

// While probing threads run, OpenBLAS gets one thread of its own: N probing threads that each
// wake an N-thread BLAS pool would fight over the same cores. The setting is process-wide, so
// concurrent checks share one pin: a count under a mutex, the first pin saves OpenBLAS's thread
// count and the last unpin restores it. (Each pin saving and restoring on its own loses the
// original count when two overlap: the second saves the first's 1.)
class BlasThreadPin {
public:
    explicit BlasThreadPin(bool active) {
        if (!active || openblas_set_num_threads == nullptr || openblas_get_num_threads == nullptr) return;
        std::lock_guard<std::mutex> lock(mutex());
        if (state().pins++ == 0) {
            state().saved = openblas_get_num_threads();
            openblas_set_num_threads(1);
        }
        active_ = true;
    }
    ~BlasThreadPin() {
        if (!active_) return;
        std::lock_guard<std::mutex> lock(mutex());
        if (--state().pins == 0) openblas_set_num_threads(state().saved);
    }
    BlasThreadPin(const BlasThreadPin&) = delete;
    BlasThreadPin& operator=(const BlasThreadPin&) = delete;

private:
    struct Shared {
        int pins = 0;   // live pins
        int saved = 1;  // OpenBLAS's thread count before the first of them
    };
    static std::mutex& mutex() {
        static std::mutex m;
        return m;
    }
    static Shared& state() {
        static Shared s;
        return s;
    }
    bool active_ = false;
};

// Probes coords[begin, end) on `values` (this thread's own copy), restoring each element.
void probe_slice(const char* op, const MultiScalarFn& f, const std::vector<NamedInput>& inputs,
                 std::vector<Tensor>& values, const std::vector<Coordinate>& coords,
                 std::size_t begin, std::size_t end, double h, std::vector<ProbeValues>& out,
                 const std::atomic<bool>& stop) {
    for (std::size_t c = begin; c < end && !stop.load(std::memory_order_relaxed); ++c) {
        const Coordinate& co = coords[c];
        double& element = values[co.input].flat(co.flat);
        const double saved = element;
        if (saved + h == saved || saved - h == saved)
            require_resolvable(op, inputs[co.input].name + index_str(unravel(values[co.input].shape(), co.flat)),
                               saved, h);
        element = saved + h;
        const double plus = f(values);
        element = saved - h;
        const double minus = f(values);
        element = saved;  // write back the saved bits, not saved + h - h
        if (!std::isfinite(plus) || !std::isfinite(minus))
            throw ValueError(fmt::format(
                "{}: f is not finite near {}{} (f(x+h) = {}, f(x-h) = {}); check the loss for "
                "log(0), overflow in exp, or division by zero at this point",
                op, inputs[co.input].name, index_str(unravel(values[co.input].shape(), co.flat)),
                plus, minus));
        out[c] = {plus, minus};
    }
}

}  // namespace

std::vector<ProbeValues> probe_coordinates(const char* op, const MultiScalarFn& f,
                                           const std::vector<NamedInput>& inputs,
                                           const std::vector<Coordinate>& coords, double h,
                                           unsigned threads) {
    std::vector<ProbeValues> out(coords.size(), ProbeValues{0.0, 0.0});
    const std::size_t n_threads =
        std::min<std::size_t>(resolve_threads(threads), std::max<std::size_t>(1, coords.size()));
    auto copy_values = [&inputs] {
        std::vector<Tensor> v;
        v.reserve(inputs.size());
        for (const auto& in : inputs) v.push_back(in.value);
        return v;
    };
    std::atomic<bool> stop{false};
    if (n_threads == 1) {
        std::vector<Tensor> values = copy_values();
        probe_slice(op, f, inputs, values, coords, 0, coords.size(), h, out, stop);
        return out;
    }
    BlasThreadPin pin(true);
    std::vector<std::exception_ptr> errors(n_threads);
    auto slice = [&](std::size_t t) {
        try {
            std::vector<Tensor> values = copy_values();  // each thread probes its own copy
            probe_slice(op, f, inputs, values, coords, coords.size() * t / n_threads,
                        coords.size() * (t + 1) / n_threads, h, out, stop);
        } catch (...) {
            errors[t] = std::current_exception();
            stop.store(true, std::memory_order_relaxed);
        }
    };
    // Joins every started thread however this scope is left: a joinable std::thread destroyed
    // during unwinding would call std::terminate, and the caller's catch would never run.
    struct Pool {
        std::vector<std::thread> threads;
        ~Pool() {
            for (auto& th : threads)
                if (th.joinable()) th.join();
        }
    } pool;
    pool.threads.reserve(n_threads);
    std::vector<std::size_t> not_started;
    for (std::size_t t = 0; t < n_threads; ++t) {
        try {
            pool.threads.push_back(start_thread([&slice, t] { slice(t); }));
        } catch (const std::system_error&) {  // out of threads, or of memory for a stack
            not_started.push_back(t);
        }
    }
    for (std::size_t t : not_started) slice(t);  // the calling thread takes them over
    for (auto& th : pool.threads) th.join();
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    return out;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------

Tensor numerical_gradient(const ScalarFn& f, Tensor& x, double h) {
    detail::require_step("numerical_gradient", h);
    if (x.size() == 0)
        throw ShapeError(fmt::format("numerical_gradient: x is empty, shape {}", shape_str(x.shape())));
    Tensor grad = zeros(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double saved = x.flat(i);
        if (saved + h == saved || saved - h == saved)
            detail::require_resolvable("numerical_gradient", "x" + detail::index_str(detail::unravel(x.shape(), i)),
                                       saved, h);
        x.flat(i) = saved + h;
        const double plus = f(x);
        x.flat(i) = saved - h;
        const double minus = f(x);
        x.flat(i) = saved;  // restore exactly: we write back the saved bits, not saved+h-h
        if (!std::isfinite(plus) || !std::isfinite(minus))
            throw ValueError(fmt::format(
                "numerical_gradient: f is not finite near element {} (f(x+h) = {}, f(x-h) = {})", i,
                plus, minus));
        grad.flat(i) = (plus - minus) / (2.0 * h);
    }
    return grad;
}

Tensor numerical_gradient(const ScalarFn& f, const Tensor& x, double h) {
    return numerical_gradient(f, x, NumericalOptions{h, 1});
}

Tensor numerical_gradient(const ScalarFn& f, const Tensor& x, const NumericalOptions& options) {
    detail::require_step("numerical_gradient", options.h);
    if (x.size() == 0)
        throw ShapeError(fmt::format("numerical_gradient: x is empty, shape {}", shape_str(x.shape())));
    const std::vector<NamedInput> inputs{{"x", x}};
    std::vector<detail::Coordinate> coords(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) coords[i] = {0, i};
    const MultiScalarFn g = [&f](const std::vector<Tensor>& v) { return f(v[0]); };
    const auto probes =
        detail::probe_coordinates("numerical_gradient", g, inputs, coords, options.h, options.threads);
    Tensor grad = zeros(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i)
        grad.flat(i) = (probes[i].plus - probes[i].minus) / (2.0 * options.h);
    return grad;
}

Tensor numerical_gradient_array(const ArrayFn& f, const Tensor& x, const Tensor& upstream, double h) {
    const char* op = "numerical_gradient_array";
    detail::require_step(op, h);
    if (x.size() == 0)
        throw ShapeError(fmt::format("{}: x is empty, shape {}", op, shape_str(x.shape())));
    Tensor probe = x;
    const Tensor y = f(probe);
    if (y.shape() != upstream.shape())
        throw ShapeError(fmt::format("{}: upstream must be shaped like f(x): f(x) is {}, upstream is {}",
                                     op, shape_str(y.shape()), shape_str(upstream.shape())));
    require_finite(op, upstream, "upstream");
    // <u, f(x +- h e_i)> is all we need of each probe: the VJP's i-th entry is their difference
    // over 2h, so a probe never has to keep a whole output tensor.
    auto dot_upstream = [&](const Tensor& out, std::size_t i, const char* side) {
        if (out.shape() != upstream.shape())
            throw ShapeError(fmt::format("{}: f changed its output shape at element {} (x{}h): {} vs {}",
                                         op, i, side, shape_str(out.shape()), shape_str(upstream.shape())));
        double s = 0.0;
        for (std::size_t k = 0; k < out.size(); ++k) {
            if (!std::isfinite(out.flat(k)))
                throw ValueError(fmt::format("{}: f(x{}h) is not finite at output element {} when "
                                             "probing element {}", op, side, k, i));
            s += upstream.flat(k) * out.flat(k);
        }
        return s;
    };
    Tensor grad = zeros(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double saved = probe.flat(i);
        if (saved + h == saved || saved - h == saved)
            detail::require_resolvable(op, "x" + detail::index_str(detail::unravel(x.shape(), i)), saved, h);
        probe.flat(i) = saved + h;
        const double plus = dot_upstream(f(probe), i, "+");
        probe.flat(i) = saved - h;
        const double minus = dot_upstream(f(probe), i, "-");
        probe.flat(i) = saved;
        grad.flat(i) = (plus - minus) / (2.0 * h);
    }
    return grad;
}

// ---------------------------------------------------------------------------------------------

double relative_error(double a, double n, double abs_floor) {
    if (!std::isfinite(a) || !std::isfinite(n)) return std::numeric_limits<double>::quiet_NaN();
    if (a == n) return 0.0;  // 0/0 and every exact agreement
    const double denom = std::max({std::abs(a), std::abs(n), abs_floor});
    return std::abs(a - n) / denom;
}

Verdict verdict_for(double r) {
    if (!(r < 1e-2)) return Verdict::ProbablyWrong;  // NaN lands here too
    if (r >= 1e-4) return Verdict::Uncomfortable;
    if (r >= 1e-7) return Verdict::AcceptableWithKinks;
    return Verdict::Good;
}

std::string to_string(Verdict v) {
    switch (v) {
        case Verdict::Good: return "good";
        case Verdict::AcceptableWithKinks: return "ok if kinks";
        case Verdict::Uncomfortable: return "uncomfortable";
        case Verdict::ProbablyWrong: return "WRONG";
    }
    return "?";
}

// ---------------------------------------------------------------------------------------------

const StepSizeRow& StepSizeStudy::best() const {
    if (rows.empty()) throw ValueError("StepSizeStudy::best: the study has no rows");
    return *std::min_element(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return a.abs_error < b.abs_error;
    });
}

StepSizeStudy step_size_study(const ScalarFn& f, const Tensor& x, std::size_t flat_index,
                              double analytic, std::vector<double> steps) {
    const char* op = "step_size_study";
    if (x.size() == 0)
        throw ShapeError(fmt::format("{}: x is empty, shape {}", op, shape_str(x.shape())));
    if (flat_index >= x.size())
        throw ShapeError(fmt::format("{}: element {} is out of range for x of shape {} ({} elements)",
                                     op, flat_index, shape_str(x.shape()), x.size()));
    if (!std::isfinite(analytic))
        throw ValueError(fmt::format("{}: the analytic value is not finite: {}", op, analytic));
    if (steps.empty())
        for (int e = -1; e >= -12; --e) steps.push_back(std::pow(10.0, e));
    for (double h : steps)  // any positive h: showing where round-off takes over is the point
        if (!(h > 0.0) || !std::isfinite(h))
            throw ValueError(fmt::format("{}: step h must be positive and finite, got {}", op, h));

    StepSizeStudy study;
    study.index = detail::unravel(x.shape(), flat_index);
    study.analytic = analytic;
    Tensor probe = x;
    const double saved = probe.flat(flat_index);
    for (double h : steps) {
        probe.flat(flat_index) = saved + h;
        const double plus = f(probe);
        probe.flat(flat_index) = saved - h;
        const double minus = f(probe);
        probe.flat(flat_index) = saved;
        if (!std::isfinite(plus) || !std::isfinite(minus))
            throw ValueError(fmt::format("{}: f is not finite at h = {} (f(x+h) = {}, f(x-h) = {})",
                                         op, h, plus, minus));
        const double numerical = (plus - minus) / (2.0 * h);
        study.rows.push_back({h, numerical, std::abs(numerical - analytic),
                              relative_error(analytic, numerical)});
    }
    return study;
}

}  // namespace gradlab
