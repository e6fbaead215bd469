// The gradient checker cannot be fooled (issue 16): legal settings only, a planted error always
// fails, threads that cannot start and concurrent checks are harmless.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstring>
#include <system_error>
#include <thread>
#include <vector>

#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/gradcheck.hpp>
#include "gradcheck_probe.hpp"  // internal: only autodiff's own tests see autodiff/ directly

// OpenBLAS's thread count, declared by hand (<cblas.h> cannot share a TU with xtensor-blas);
// weak, as in gradcheck.cpp.
extern "C" {
void openblas_set_num_threads(int) __attribute__((weak));
int openblas_get_num_threads(void) __attribute__((weak));
}

using gradlab::CheckOptions;
using gradlab::Tensor;
using Catch::Contains;

namespace {

// f(x) = sum 0.04 sin(x_i) at points in [-1, 1]: gradients up to 0.04, curvature up to 0.04,
// |f| < 1 -- so an error of 1e-3 is a relative error above 2 %, in the WRONG band.
double small_sine(const Tensor& x) { return xt::sum(0.04 * xt::sin(x))(); }
Tensor small_sine_grad(const Tensor& x) { return Tensor(0.04 * xt::cos(x)); }

Tensor points() {
    Tensor x = gradlab::zeros({12});
    for (std::size_t i = 0; i < x.size(); ++i) x.flat(i) = -1.0 + 2.0 * static_cast<double>(i) / 11.0;
    return x;
}

}  // namespace

TEST_CASE("check_gradient: a planted error of 1e-3 .. 1e+3 fails at every legal h and tolerance",
          "[gradcheck][reliability]") {
    const Tensor x = points();
    const Tensor right = small_sine_grad(x);
    // The extremes of every legal setting, and values in between.
    const std::vector<double> steps = {gradlab::kMinStep, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, gradlab::kMaxStep};
    const std::vector<double> max_rel = {1e-10, 1e-7, 1e-4, 1e-3, 0.999 * gradlab::kWrongBand};
    const std::vector<double> roundoff = {0.0, 100.0, gradlab::kMaxRoundoffFactor};
    const std::vector<double> floors = {0.0, 1e-10, gradlab::kMaxAbsFloor};
    const std::vector<double> gaps = {0.0, 1e-4, 1.0};
    std::size_t tried = 0, passed_wrongly = 0;
    for (double planted = 1e-3; planted <= 1e3 * 1.0001; planted *= 10.0)
        for (double sign : {1.0, -1.0})
            for (double h : steps)
                for (double r : max_rel)
                    for (double rf : roundoff)
                        for (double floor : floors)
                            for (double gap : gaps) {
                                Tensor wrong = right;
                                wrong.flat(5) += sign * planted;  // one element off
                                CheckOptions opt;
                                opt.h = h;
                                opt.tolerance.max_relative_error = r;
                                opt.tolerance.roundoff_factor = rf;
                                opt.tolerance.abs_floor = floor;
                                opt.tolerance.kink_min_gap = gap;
                                opt.keep_rows = true;
                                const auto report = gradlab::check_gradient(small_sine, wrong, x, opt);
                                ++tried;
                                // The planted element must fail (a tolerance of 1e-10 may fail
                                // correct elements too: that is strictness, not being fooled).
                                const auto& row = report.inputs[0].rows.at(5);
                                if (report.passed || row.flat != 5 || row.passed) {
                                    ++passed_wrongly;
                                    UNSCOPED_INFO("planted " << sign * planted << " h " << h << " max_rel " << r
                                                             << " roundoff " << rf << " floor " << floor << " gap "
                                                             << gap);
                                }
                            }
    CHECK(tried == 7 * 2 * steps.size() * max_rel.size() * roundoff.size() * floors.size() * gaps.size());
    CHECK(passed_wrongly == 0);
    // And the right gradient passes at the default settings (the test can tell the two apart).
    CHECK(gradlab::check_gradient(small_sine, right, x).passed);
}

TEST_CASE("check_gradient with a tiny h refuses, explaining round-off, instead of passing a gradient off by +5",
          "[gradcheck][reliability]") {
    const Tensor x = points();
    const Tensor wrong = Tensor(small_sine_grad(x) + 5.0);
    for (double h : {1e-15, 1e-16, 1e-300, 0.5 * gradlab::kMinStep}) {
        CheckOptions opt;
        opt.h = h;
        CHECK_THROWS_AS(gradlab::check_gradient(small_sine, wrong, x, opt), gradlab::ValueError);
        CHECK_THROWS_WITH(gradlab::check_gradient(small_sine, wrong, x, opt),
                          Contains("check_gradient") && Contains("round-off") && Contains("1e-08"));
        CHECK_THROWS_WITH(gradlab::numerical_gradient(small_sine, x, h),
                          Contains("numerical_gradient") && Contains("round-off"));
    }
    CheckOptions big;
    big.h = 0.1;
    CHECK_THROWS_WITH(gradlab::check_gradient(small_sine, wrong, x, big), Contains("kMaxStep") && Contains("0.1"));
}

TEST_CASE("check_gradient refuses a huge roundoff_factor, abs_floor or max_relative_error that would hide a gross error",
          "[gradcheck][reliability]") {
    const Tensor x = points();
    const Tensor wrong = Tensor(small_sine_grad(x) + 5.0);
    auto with = [](auto set) {
        CheckOptions o;
        set(o.tolerance);
        return o;
    };
    using T = gradlab::Tolerance;
    CHECK_THROWS_WITH(gradlab::check_gradient(small_sine, wrong, x, with([](T& t) { t.roundoff_factor = 1e12; })),
                      Contains("roundoff_factor = 1e+12") && Contains("check_gradient"));
    CHECK_THROWS_WITH(gradlab::check_gradient(small_sine, wrong, x, with([](T& t) { t.abs_floor = 1e3; })),
                      Contains("abs_floor = 1000"));
    CHECK_THROWS_WITH(gradlab::check_gradient(small_sine, wrong, x, with([](T& t) { t.max_relative_error = 0.5; })),
                      Contains("max_relative_error = 0.5") && Contains("WRONG"));
    CHECK_THROWS_AS(gradlab::check_gradient(small_sine, wrong, x,
                                            with([](T& t) { t.kink_min_gap = std::nan(""); })),
                    gradlab::ValueError);
}

TEST_CASE("numerical gradient refuses an h that vanishes next to an element (x + h == x)", "[gradcheck][reliability]") {
    const Tensor x = {1.0, 1e9};
    auto f = [](const Tensor& t) { return xt::sum(t * t)(); };
    // 1e9 + 1e-8 rounds back to 1e9: the centered difference would be 0, reported as a gradient.
    CHECK_THROWS_WITH(gradlab::numerical_gradient(f, x, gradlab::kMinStep),
                      Contains("numerical_gradient") && Contains("x(1)") && Contains("1e+09"));
    CheckOptions tiny;
    tiny.h = gradlab::kMinStep;
    CHECK_THROWS_WITH(gradlab::check_gradient(f, Tensor(2.0 * x), x, tiny), Contains("x(1)") && Contains("rounds back"));
}

TEST_CASE("numerical gradient whose threads cannot start probes on the calling thread: same result, no terminate",
          "[gradcheck][reliability][threads]") {
    const Tensor x = points();
    const Tensor serial = gradlab::numerical_gradient(small_sine, x, gradlab::NumericalOptions{1e-5, 1});
    std::atomic<int> started{0};
    for (int fail_from : {0, 1, 2}) {  // no thread starts; only the first; the first two
        started = 0;
        gradlab::detail::set_thread_starter([&](std::function<void()> body) {
            if (started.fetch_add(1) >= fail_from)
                throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again),
                                        "thread creation refused by the test");
            return std::thread(std::move(body));
        });
        Tensor parallel;
        REQUIRE_NOTHROW(parallel = gradlab::numerical_gradient(small_sine, x, gradlab::NumericalOptions{1e-5, 4}));
        CHECK(std::memcmp(serial.data(), parallel.data(), x.size() * sizeof(double)) == 0);
    }
    // An error inside f, with some threads not started, still reaches the caller's catch.
    started = 0;
    gradlab::detail::set_thread_starter([&](std::function<void()> body) {
        if (started.fetch_add(1) >= 1) throw std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again));
        return std::thread(std::move(body));
    });
    auto bad = [](const Tensor& t) { return t(11) > 1.0 ? std::nan("") : xt::sum(t)(); };
    bool caught = false;
    try {
        (void)gradlab::numerical_gradient(bad, x, gradlab::NumericalOptions{1e-5, 3});
    } catch (const gradlab::ValueError&) {
        caught = true;
    }
    gradlab::detail::set_thread_starter({});
    CHECK(caught);
}

TEST_CASE("two threads running threaded numerical gradients at once leave OpenBLAS's thread count as it was",
          "[gradcheck][reliability][threads]") {
    if (openblas_get_num_threads == nullptr || openblas_set_num_threads == nullptr) {
        WARN("the BLAS in use is not OpenBLAS: nothing is pinned");
        return;
    }
    const int before = openblas_get_num_threads();
    openblas_set_num_threads(3);
    const int original = openblas_get_num_threads();
    const Tensor x = points();
    auto run = [&x] {
        for (int round = 0; round < 100; ++round)
            (void)gradlab::numerical_gradient(small_sine, x, gradlab::NumericalOptions{1e-5, 2});
    };
    std::thread a(run), b(run);
    a.join();
    b.join();
    const int after = openblas_get_num_threads();
    openblas_set_num_threads(before);
    CHECK(after == original);
}
