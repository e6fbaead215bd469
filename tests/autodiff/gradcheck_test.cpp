#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <set>

#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/testing/gradcheck_catch.hpp>

using gradlab::CheckMethod;
using gradlab::CheckOptions;
using gradlab::NamedInput;
using gradlab::Tensor;

namespace {

Tensor random_tensor(const gradlab::Shape& shape, std::uint64_t seed, double scale = 1.0) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(-scale, scale);
    Tensor t = gradlab::zeros(shape);
    for (auto& v : t) v = u(rng);
    return t;
}

// The multiclass SVM of the notes, written out by hand in plain xtensor: scores s = W x_i + b
// (W is C x D, one row per class), loss L = (1/N) sum_i sum_{j != y_i} max(0, s_j - s_{y_i} + 1).
struct SvmProblem {
    Tensor X;                     // (N, D)
    std::vector<std::size_t> y;   // N labels in [0, C)
    static constexpr double kDelta = 1.0;

    double margin(const Tensor& W, const Tensor& b, std::size_t i, std::size_t j) const {
        double sj = b(j), sy = b(y[i]);
        for (std::size_t d = 0; d < X.shape(1); ++d) {
            sj += W(j, d) * X(i, d);
            sy += W(y[i], d) * X(i, d);
        }
        return sj - sy + kDelta;
    }

    double loss(const Tensor& W, const Tensor& b) const {
        double L = 0.0;
        for (std::size_t i = 0; i < X.shape(0); ++i)
            for (std::size_t j = 0; j < W.shape(0); ++j)
                if (j != y[i]) L += std::max(0.0, margin(W, b, i, j));
        return L / static_cast<double>(X.shape(0));
    }

    // The notes' formulas: a class j != y_i whose margin is violated gets +x_i; the correct
    // class gets -x_i once per violating class. The bias gets the same counts without x_i.
    std::vector<Tensor> gradient(const Tensor& W, const Tensor& b) const {
        Tensor dW = gradlab::zeros(W.shape()), db = gradlab::zeros(b.shape());
        const double n = static_cast<double>(X.shape(0));
        for (std::size_t i = 0; i < X.shape(0); ++i)
            for (std::size_t j = 0; j < W.shape(0); ++j) {
                if (j == y[i] || margin(W, b, i, j) <= 0.0) continue;
                for (std::size_t d = 0; d < X.shape(1); ++d) {
                    dW(j, d) += X(i, d) / n;
                    dW(y[i], d) -= X(i, d) / n;
                }
                db(j) += 1.0 / n;
                db(y[i]) -= 1.0 / n;
            }
        return {dW, db};
    }
};

SvmProblem make_svm(std::size_t n, std::size_t d, std::size_t c) {
    SvmProblem p{random_tensor({n, d}, 11), {}};
    for (std::size_t i = 0; i < n; ++i) p.y.push_back((i * 7 + 3) % c);
    return p;
}

// The kept row of element `flat` of input `k` (kink crossings and failures are always kept).
const gradlab::GradientRow& row_of(const gradlab::GradientReport& r, std::size_t flat, std::size_t k = 0) {
    for (const auto& row : r.inputs.at(k).rows)
        if (row.flat == flat) return row;
    FAIL("element " << flat << " is not among the report's rows");
    throw;  // unreachable: FAIL throws
}

}  // namespace

// --- numerical gradients ----------------------------------------------------------------------

TEST_CASE("numerical gradient of sum of squares is 2x", "[gradcheck]") {
    Tensor x = {{1.0, -2.0, 0.5}, {3.0, 0.0, -0.25}};
    auto f = [](const Tensor& t) { return xt::sum(t * t)(); };
    const Tensor g = gradlab::numerical_gradient(f, x);
    const Tensor expected = 2.0 * x;
    REQUIRE(g.shape() == x.shape());
    for (std::size_t i = 0; i < g.size(); ++i) CHECK(g.flat(i) == Approx(expected.flat(i)).margin(1e-9));
}

TEST_CASE("numerical gradient restores x bit for bit after probing", "[gradcheck]") {
    Tensor x = {0.1, 1.0 / 3.0, -7.77e-3, 12.345678};
    const Tensor before = x;
    auto f = [](const Tensor& t) { return xt::sum(xt::exp(t))(); };
    (void)gradlab::numerical_gradient(f, x, 1e-3);
    CHECK(std::memcmp(x.data(), before.data(), x.size() * sizeof(double)) == 0);
}

TEST_CASE("numerical gradient of a rank-3 tensor probes every element", "[gradcheck]") {
    const Tensor x = random_tensor({2, 3, 4}, 5);
    auto f = [](const Tensor& t) { return xt::sum(xt::sin(t))(); };
    const Tensor g = gradlab::numerical_gradient(f, x);  // const x: the copying overload
    REQUIRE(g.shape() == x.shape());
    for (std::size_t i = 0; i < g.size(); ++i) CHECK(g.flat(i) == Approx(std::cos(x.flat(i))).epsilon(1e-9));
}

TEST_CASE("parallel numerical gradient equals the serial one bit for bit", "[gradcheck][threads]") {
    const Tensor x = random_tensor({7, 9}, 6);
    auto f = [](const Tensor& t) { return xt::sum(xt::log(1.0 + xt::exp(t)) * t)(); };
    const Tensor serial = gradlab::numerical_gradient(f, x, gradlab::NumericalOptions{1e-5, 1});
    for (unsigned threads : {2u, 3u, 0u}) {
        const Tensor parallel = gradlab::numerical_gradient(f, x, gradlab::NumericalOptions{1e-5, threads});
        CHECK(std::memcmp(serial.data(), parallel.data(), x.size() * sizeof(double)) == 0);
    }
}

TEST_CASE("numerical vector-Jacobian product of y = A x is A^T u", "[gradcheck]") {
    const Tensor A = random_tensor({3, 4}, 7);
    const Tensor x = random_tensor({4}, 8);
    const Tensor u = random_tensor({3}, 9);
    auto f = [&A](const Tensor& t) {
        Tensor y = gradlab::zeros({3});
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = 0; j < 4; ++j) y(i) += A(i, j) * t(j);
        return y;
    };
    const Tensor g = gradlab::numerical_gradient_array(f, x, u);
    for (std::size_t j = 0; j < 4; ++j) {
        double expected = 0.0;
        for (std::size_t i = 0; i < 3; ++i) expected += A(i, j) * u(i);
        CHECK(g(j) == Approx(expected).epsilon(1e-9));
    }
}

TEST_CASE("numerical vector-Jacobian product of elementwise x^2 is 2 x u", "[gradcheck]") {
    const Tensor x = random_tensor({2, 3}, 10);
    const Tensor u = random_tensor({2, 3}, 12);
    const Tensor g = gradlab::numerical_gradient_array([](const Tensor& t) { return Tensor(t * t); }, x, u);
    for (std::size_t i = 0; i < x.size(); ++i) CHECK(g.flat(i) == Approx(2.0 * x.flat(i) * u.flat(i)).epsilon(1e-8));
}

// --- relative error and verdicts --------------------------------------------------------------

TEST_CASE("relative error: 0/0 is agreement, tiny values are measured against the floor", "[gradcheck]") {
    CHECK(gradlab::relative_error(0.0, 0.0) == 0.0);
    CHECK(gradlab::relative_error(2.0, 2.0) == 0.0);
    CHECK(gradlab::relative_error(1.0, 1.1) == Approx(0.1 / 1.1));
    CHECK(gradlab::relative_error(1.1, 1.0) == gradlab::relative_error(1.0, 1.1));  // symmetric
    CHECK(gradlab::relative_error(0.0, 1.0) == 1.0);
    // both below the floor (1e-10): the absolute difference over the floor, not 2/3
    CHECK(gradlab::relative_error(1e-14, 3e-14) == Approx(2e-4));
    CHECK(gradlab::relative_error(1e-14, 3e-14, 0.0) == Approx(2.0 / 3.0));
    CHECK(std::isnan(gradlab::relative_error(std::nan(""), 1.0)));
}

TEST_CASE("verdict bands are the notes' 1e-2, 1e-4 and 1e-7", "[gradcheck]") {
    using gradlab::Verdict;
    CHECK(gradlab::verdict_for(0.0) == Verdict::Good);
    CHECK(gradlab::verdict_for(9.9e-8) == Verdict::Good);
    CHECK(gradlab::verdict_for(1e-7) == Verdict::AcceptableWithKinks);
    CHECK(gradlab::verdict_for(9.9e-5) == Verdict::AcceptableWithKinks);
    CHECK(gradlab::verdict_for(1e-4) == Verdict::Uncomfortable);
    CHECK(gradlab::verdict_for(9.9e-3) == Verdict::Uncomfortable);
    CHECK(gradlab::verdict_for(1e-2) == Verdict::ProbablyWrong);
    CHECK(gradlab::verdict_for(std::nan("")) == Verdict::ProbablyWrong);
}

// --- known gradients pass ---------------------------------------------------------------------

TEST_CASE("gradient of x^T A x is (A + A^T) x", "[gradcheck]") {
    const Tensor A = random_tensor({5, 5}, 21);  // not symmetric: A^T matters
    const Tensor x = random_tensor({5}, 22);
    auto f = [&A](const Tensor& t) {
        double s = 0.0;
        for (std::size_t i = 0; i < 5; ++i)
            for (std::size_t j = 0; j < 5; ++j) s += t(i) * A(i, j) * t(j);
        return s;
    };
    auto grad = [&A](const Tensor& t) {
        Tensor g = gradlab::zeros({5});
        for (std::size_t i = 0; i < 5; ++i)
            for (std::size_t j = 0; j < 5; ++j) g(i) += (A(i, j) + A(j, i)) * t(j);
        return g;
    };
    const auto report = gradlab::check_gradient(f, gradlab::GradientFn(grad), x);
    CHECK(report.passed);
    CHECK(report.checked() == 5);
    CHECK(report.max_rel_error() < 1e-7);
    CHECK(report.evaluations == 11);  // f(x) once, then 2 per element
}

// [catch-matcher]
TEST_CASE("gradient of sum of squares is 2x (Catch matcher)", "[gradcheck][catch]") {
    const Tensor x = random_tensor({3, 4}, 23);
    auto f = [](const Tensor& t) { return xt::sum(t * t)(); };
    REQUIRE_THAT(Tensor(2.0 * x), gradlab::GradientMatches(f, x));
}
// [catch-matcher]

TEST_CASE("gradient of sum exp(x) log(1 + x^2) by the product and chain rules", "[gradcheck]") {
    const Tensor x = random_tensor({4, 3}, 24, 2.0);
    auto f = [](const Tensor& t) { return xt::sum(xt::exp(t) * xt::log(1.0 + t * t))(); };
    auto grad = [](const Tensor& t) {
        return Tensor(xt::exp(t) * xt::log(1.0 + t * t) + xt::exp(t) * 2.0 * t / (1.0 + t * t));
    };
    const auto report = gradlab::check_gradient(f, gradlab::GradientFn(grad), x);
    INFO(fmt::format("{}", report));
    CHECK(report.passed);
    CHECK(report.max_rel_error() < 1e-7);
}

TEST_CASE("multiclass SVM gradient written from the notes' formulas passes, per input W and b", "[gradcheck][svm]") {
    const SvmProblem p = make_svm(12, 6, 4);
    const Tensor W = random_tensor({4, 6}, 31, 0.5), b = random_tensor({4}, 32, 0.5);
    auto f = [&p](const std::vector<Tensor>& v) { return p.loss(v[0], v[1]); };
    auto grad = [&p](const std::vector<Tensor>& v) { return p.gradient(v[0], v[1]); };
    const auto report = gradlab::check_gradients(f, gradlab::MultiGradientFn(grad),
                                                 {NamedInput{"W", W}, NamedInput{"b", b}});
    INFO(fmt::format("{}", report));
    CHECK(report.passed);
    CHECK(report.inputs[1].roundoff <= 4);  // db entries that cancel to 0 are at round-off level
    REQUIRE(report.inputs.size() == 2);
    CHECK(report.inputs[0].name == "W");
    CHECK(report.inputs[0].checked == 24);
    CHECK(report.inputs[1].name == "b");
    CHECK(report.inputs[1].checked == 4);
    CHECK(report.max_rel_error() < 1e-7);
}

// --- wrong gradients are caught ---------------------------------------------------------------

// [wrong-svm]
TEST_CASE("a deliberately wrong SVM gradient fails and the worst element is the wrong one", "[gradcheck][svm]") {
    const SvmProblem p = make_svm(12, 6, 4);
    const Tensor W = random_tensor({4, 6}, 31, 0.5), b = random_tensor({4}, 32, 0.5);
    auto f = [&p](const std::vector<Tensor>& v) { return p.loss(v[0], v[1]); };
    std::vector<Tensor> analytic = p.gradient(W, b);
    analytic[0](2, 3) *= 1.05;  // a 5% slip in one element
    const auto report = gradlab::check_gradients(f, analytic, {NamedInput{"W", W}, NamedInput{"b", b}});
    CHECK_FALSE(report.passed);
    CHECK(report.inputs[0].failures == 1);
    CHECK(report.inputs[1].passed);
    REQUIRE(report.worst_input() == &report.inputs[0]);
    CHECK(report.inputs[0].worst->index == std::vector<std::size_t>{2, 3});
    CHECK(report.inputs[0].worst->verdict == gradlab::Verdict::ProbablyWrong);
    const std::string text = fmt::format("{}", report);
    INFO(text);
    CHECK_THAT(text, Catch::Contains("index") && Catch::Contains("rel. error") && Catch::Contains("verdict"));
    CHECK_THAT(text, Catch::Contains("W(2, 3)") && Catch::Contains("WRONG") && Catch::Contains("FAILED"));
    CHECK_THAT(text, Catch::Contains("h = 1e-05"));
}
// [wrong-svm]

TEST_CASE("the Catch matcher rejects a wrong gradient and explains with the report", "[gradcheck][catch]") {
    const Tensor x = random_tensor({2, 2}, 25);
    auto f = [](const Tensor& t) { return xt::sum(t * t * t)(); };
    Tensor wrong = 3.0 * x * x;
    wrong(1, 0) += 0.1;
    const auto matcher = gradlab::GradientMatches(f, x);
    CHECK_FALSE(matcher.match(wrong));
    CHECK_THAT(matcher.describe(), Catch::Contains("(1, 0)") && Catch::Contains("WRONG"));
    CHECK(matcher.match(Tensor(3.0 * x * x)));
}

// --- sparse check -----------------------------------------------------------------------------

TEST_CASE("sparse check is reproducible from its seed and does not starve a small bias", "[gradcheck][sparse]") {
    const Tensor W = random_tensor({30, 40}, 41), b = random_tensor({5}, 42);
    auto f = [](const std::vector<Tensor>& v) { return xt::sum(v[0] * v[0])() + xt::sum(xt::exp(v[1]))(); };
    const std::vector<Tensor> analytic{Tensor(2.0 * W), Tensor(xt::exp(b))};
    const std::vector<NamedInput> inputs{{"W", W}, {"b", b}};
    CheckOptions opt;
    opt.method = CheckMethod::Sparse;
    opt.samples = 20;
    opt.keep_rows = true;
    opt.seed = 1234;
    auto picked = [&](const gradlab::GradientReport& r) {
        std::vector<std::pair<std::size_t, std::size_t>> s;
        for (std::size_t k = 0; k < r.inputs.size(); ++k)
            for (const auto& row : r.inputs[k].rows) s.emplace_back(k, row.flat);
        return s;
    };
    const auto r1 = gradlab::check_gradients(f, analytic, inputs, opt);
    const auto r2 = gradlab::check_gradients(f, analytic, inputs, opt);
    CHECK(r1.passed);
    CHECK(r1.checked() == 20);
    CHECK(r1.inputs[1].checked == 5);  // equal shares: b gets all it has, W the rest
    CHECK(r1.inputs[0].checked == 15);
    CHECK(r1.evaluations == 41);
    CHECK(picked(r1) == picked(r2));
    const auto p1 = picked(r1);
    CHECK(std::set<std::pair<std::size_t, std::size_t>>(p1.begin(), p1.end()).size() == 20);  // no repeats
    opt.seed = 4321;
    CHECK(picked(gradlab::check_gradients(f, analytic, inputs, opt)) != p1);
}

// --- kinks ------------------------------------------------------------------------------------

TEST_CASE("a hinge exactly at its margin is reported as a kink crossing, not a failure", "[gradcheck][kink]") {
    // f = sum max(0, x - 1): x(1) = 1 sits exactly on the margin, where the slopes are 0 and 1.
    const Tensor x = {0.25, 1.0, 2.5};
    auto f = [](const Tensor& t) { return xt::sum(xt::maximum(t - 1.0, 0.0))(); };
    const Tensor analytic = {0.0, 0.0, 1.0};  // the convention max'(0) = 0: a valid subgradient
    const auto report = gradlab::check_gradient(f, analytic, x);
    INFO(fmt::format("{}", report));
    CHECK(report.passed);
    CHECK(report.inputs[0].kinks == 1);
    const auto& row = row_of(report, 1);
    CHECK(row.crosses_kink);
    CHECK(row.passed);
    CHECK(row.slope_minus == Approx(0.0).margin(1e-9));
    CHECK(row.slope_plus == Approx(1.0).epsilon(1e-6));
    CHECK(row.numerical == Approx(0.5).epsilon(1e-6));  // the centered difference averages the two
    CHECK_THAT(fmt::format("{}", report), Catch::Contains("kink"));
}

TEST_CASE("at a kink an analytic value outside the one-sided slopes still fails", "[gradcheck][kink]") {
    const Tensor x = {1.0};
    auto f = [](const Tensor& t) { return std::max(t(0) - 1.0, 0.0); };
    const auto report = gradlab::check_gradient(f, Tensor{2.0}, x);
    CHECK_FALSE(report.passed);
    CHECK(report.inputs[0].worst->crosses_kink);
}

TEST_CASE("a kink-reason callback names the kink in the report", "[gradcheck][kink]") {
    // relu(x) = max(0, x) at x = 0: the slopes 0 and 1 differ, relu'(0) = 0 is a subgradient.
    // (|x| at 0 would not do: its centered difference is 0 = abs'(0), so nothing disagrees.)
    const Tensor x = {-3.0, 0.0};
    auto f = [](const Tensor& t) { return xt::sum(xt::maximum(t, 0.0))(); };
    CheckOptions opt;
    opt.kink_reason = [](const gradlab::KinkProbe& p) {
        const double up = p.plus->front().flat(p.flat_index), down = p.minus->front().flat(p.flat_index);
        return fmt::format("relu flips branch between {:g} and {:g}", down, up);
    };
    const auto report = gradlab::check_gradient(f, Tensor{0.0, 0.0}, x, opt);
    CHECK(report.passed);
    CHECK(row_of(report, 1).kink_reason == "relu flips branch between -1e-05 and 1e-05");
    CHECK_THAT(fmt::format("{}", report), Catch::Contains("relu flips branch"));
}

// --- directional check ------------------------------------------------------------------------

TEST_CASE("directional check passes a right gradient with 3 evaluations of f", "[gradcheck][directional]") {
    const Tensor x = random_tensor({20, 10}, 51);
    auto f = [](const Tensor& t) { return xt::sum(xt::exp(0.5 * t) + t * t)(); };
    CheckOptions opt;
    opt.method = CheckMethod::Directional;
    const auto report = gradlab::check_gradient(f, Tensor(0.5 * xt::exp(0.5 * x) + 2.0 * x), x, opt);
    INFO(fmt::format("{}", report));
    CHECK(report.passed);
    REQUIRE(report.directional);
    CHECK(report.directional->passed);
    CHECK_FALSE(report.fell_back);
    CHECK(report.evaluations == 3);
    CHECK(report.checked() == 0);
}

TEST_CASE("directional check catches a single wrong element and falls back to find it", "[gradcheck][directional]") {
    const Tensor x = random_tensor({20, 10}, 51);
    auto f = [](const Tensor& t) { return xt::sum(xt::exp(0.5 * t) + t * t)(); };
    Tensor analytic = 0.5 * xt::exp(0.5 * x) + 2.0 * x;
    analytic(13, 4) += 0.01;  // one element of 200, off by about 1% of a typical entry
    CheckOptions opt;
    opt.method = CheckMethod::Directional;
    const auto report = gradlab::check_gradient(f, analytic, x, opt);
    INFO(fmt::format("{}", report));
    CHECK_FALSE(report.passed);
    REQUIRE(report.directional);
    CHECK_FALSE(report.directional->passed);
    CHECK(report.fell_back);
    CHECK(report.inputs[0].failures == 1);
    CHECK(report.inputs[0].worst->index == std::vector<std::size_t>{13, 4});
}

// --- step-size study --------------------------------------------------------------------------

// [step-size-study]
TEST_CASE("step-size study: the error falls then rises as h shrinks (the V)", "[gradcheck][steps]") {
    const Tensor x = {0.3, 1.0, -0.7};
    auto f = [](const Tensor& t) { return xt::sum(xt::exp(t))(); };
    const auto study = gradlab::step_size_study(f, x, 1, std::exp(1.0));
    REQUIRE(study.rows.size() == 12);
    CHECK(study.rows.front().h == Approx(1e-1));
    CHECK(study.rows.back().h == Approx(1e-12));
    const auto& best = study.best();
    CHECK(best.h < 1e-2);   // the bottom of the V is inside the range, not at an end
    CHECK(best.h > 1e-11);
    CHECK(study.rows.front().abs_error > 100.0 * best.abs_error);  // truncation at large h
    CHECK(study.rows.back().abs_error > 100.0 * best.abs_error);   // round-off at small h
    // falling by h^2 at large h (truncation is smooth: strictly monotone)...
    for (std::size_t i = 0; i + 1 < 4; ++i) CHECK(study.rows[i].abs_error > 50.0 * study.rows[i + 1].abs_error);
    // ...and rising at small h, where round-off (noisy, so not strictly monotone) takes over
    for (std::size_t i = 9; i < 12; ++i) CHECK(study.rows[i].abs_error > 1000.0 * best.abs_error);
    CHECK_THAT(fmt::format("{}", study), Catch::Contains("1e-12") && Catch::Contains("#"));
}
// [step-size-study]

// [step-size-slopes]
TEST_CASE("step-size study: the V's sides have slopes 2 and -1, its bottom is near cbrt(eps)", "[gradcheck][steps]") {
    // E(h) ~ h^2 |f'''| / 6 + eps |f| / h for f = sum(exp(x)) at element 1 (x = 1: f' = f''' = e).
    const Tensor x = {0.3, 1.0, -0.7};
    auto f = [](const Tensor& t) { return xt::sum(xt::exp(t))(); };
    std::vector<double> steps;
    for (int k = 0; k <= 60; ++k) steps.push_back(std::pow(10.0, -1.0 - k / 4.0));  // 1e-1 ... 1e-16
    const auto study = gradlab::step_size_study(f, x, 1, std::exp(1.0), steps);
    // Least-squares slope of log10(rel. error) against log10(h) over [lo, hi].
    auto slope = [&](double lo, double hi) {
        double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
        for (const auto& row : study.rows)
            if (row.h >= lo && row.h <= hi && row.rel_error > 0) {
                const double a = std::log10(row.h), b = std::log10(row.rel_error);
                sx += a, sy += b, sxx += a * a, sxy += a * b, n += 1;
            }
        REQUIRE(n >= 8);
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    };
    CHECK(slope(1e-3, 1e-1) == Approx(2.0).margin(0.05));  // truncation: h^2 / 6 relative
    CHECK(study.rows.front().rel_error == Approx(1e-2 / 6).epsilon(0.01));
    CHECK(slope(1e-14, 1e-8) == Approx(-1.0).margin(0.3));  // round-off: eps |f| / (|f'| h)
    // The bottom balances them: h* = (3 eps |f| / |f'''|)^(1/3), about 1e-5 here.
    const double eps = std::numeric_limits<double>::epsilon();
    const double h_star = std::cbrt(3.0 * eps * f(x) / std::exp(1.0));
    CHECK(study.best().h > h_star / 10.0);
    CHECK(study.best().h < h_star * 10.0);
}
// [step-size-slopes]

// --- bad input --------------------------------------------------------------------------------

TEST_CASE("numerical gradient rejects bad steps, empty x and non-finite f", "[gradcheck][errors]") {
    Tensor x = {1.0, 2.0};
    auto f = [](const Tensor& t) { return xt::sum(t)(); };
    CHECK_THROWS_AS(gradlab::numerical_gradient(f, x, 0.0), gradlab::ValueError);
    CHECK_THROWS_AS(gradlab::numerical_gradient(f, x, -1e-5), gradlab::ValueError);
    Tensor empty = gradlab::zeros({0});
    CHECK_THROWS_AS(gradlab::numerical_gradient(f, empty), gradlab::ShapeError);
    auto bad = [](const Tensor& t) { return std::log(t(0) - 1.0); };
    CHECK_THROWS_WITH(gradlab::numerical_gradient(bad, x), Catch::Contains("not finite"));
    CHECK_THROWS_WITH(gradlab::numerical_gradient(bad, Tensor(x), gradlab::NumericalOptions{1e-5, 2}),
                      Catch::Contains("not finite"));
}

TEST_CASE("check_gradient rejects non-finite f, shape mismatch, bad h, empty input, too many samples", "[gradcheck][errors]") {
    const Tensor x = {1.0, 2.0, 3.0};
    auto f = [](const Tensor& t) { return xt::sum(t * t)(); };
    const Tensor g = 2.0 * x;
    const double inf = std::numeric_limits<double>::infinity();

    auto log_f = [](const Tensor& t) { return std::log(t(0) - 1.0); };  // log(0) at x0 = 1
    CHECK_THROWS_AS(gradlab::check_gradient(log_f, g, x), gradlab::ValueError);
    auto nan_near = [](const Tensor& t) { return t(2) > 3.0 ? std::nan("") : t(2); };
    CHECK_THROWS_WITH(gradlab::check_gradient(nan_near, g, x), Catch::Contains("x(2)") && Catch::Contains("not finite"));

    CHECK_THROWS_WITH(gradlab::check_gradient(f, Tensor{2.0, 4.0}, x),
                      Catch::Contains("(2,)") && Catch::Contains("(3,)"));
    CHECK_THROWS_AS(gradlab::check_gradient(f, Tensor(xt::reshape_view(g, {1, 3})), x), gradlab::ShapeError);

    for (double h : {0.0, -1e-5, inf, std::nan("")}) {
        CheckOptions opt;
        opt.h = h;
        CHECK_THROWS_AS(gradlab::check_gradient(f, g, x, opt), gradlab::ValueError);
    }
    CHECK_THROWS_AS(gradlab::check_gradient(f, gradlab::zeros({0, 3}), gradlab::zeros({0, 3})), gradlab::ShapeError);

    CheckOptions sparse;
    sparse.method = CheckMethod::Sparse;
    sparse.samples = 4;
    CHECK_THROWS_WITH(gradlab::check_gradient(f, g, x, sparse), Catch::Contains("samples") && Catch::Contains("4"));
    sparse.samples = 0;
    CHECK_THROWS_AS(gradlab::check_gradient(f, g, x, sparse), gradlab::ValueError);

    auto two = [](const std::vector<Tensor>& v) { return xt::sum(v[0])(); };
    CHECK_THROWS_AS(gradlab::check_gradients(two, std::vector<Tensor>{g}, {{"a", x}, {"b", x}}), gradlab::ShapeError);
}

TEST_CASE("numerical vector-Jacobian product rejects an upstream not shaped like f(x)", "[gradcheck][errors]") {
    const Tensor x = {1.0, 2.0};
    auto f = [](const Tensor& t) { return Tensor(2.0 * t); };
    CHECK_THROWS_AS(gradlab::numerical_gradient_array(f, x, Tensor{1.0, 2.0, 3.0}), gradlab::ShapeError);
    CHECK_THROWS_AS(gradlab::numerical_gradient_array(f, x, Tensor{1.0, 2.0}, 0.0), gradlab::ValueError);
}

TEST_CASE("step-size study rejects an index out of range and a bad step", "[gradcheck][errors]") {
    const Tensor x = {1.0, 2.0};
    auto f = [](const Tensor& t) { return xt::sum(t)(); };
    CHECK_THROWS_AS(gradlab::step_size_study(f, x, 2, 1.0), gradlab::ShapeError);
    CHECK_THROWS_AS(gradlab::step_size_study(f, x, 0, 1.0, {1e-3, -1.0}), gradlab::ValueError);
}
