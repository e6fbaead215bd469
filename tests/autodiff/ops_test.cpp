// Tests for autodiff/ops*.cpp. One table drives the gradient checks of every op: a new op is
// checked by adding one row. Then identities, hand values, kink conventions and errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/autodiff/ops.hpp>

using gradlab::Shape;
using gradlab::Tape;
using gradlab::Tensor;
using gradlab::Var;

namespace {

bool all_close(const Tensor& a, const Tensor& b, double tol = 1e-12) {
    return a.shape() == b.shape() && xt::allclose(a, b, 0.0, tol);
}

// An (n, 1) column ({{1.0}, {0.0}} is ambiguous to xtensor's constructors).
Tensor column(Tensor values) {
    values.reshape({values.size(), 1});
    return values;
}

// Where an op's inputs are drawn from, so that the check stays inside the op's domain and away
// from its kinks (a kink within h of a probe makes centered differences meaningless there).
enum class Domain {
    Any,           // standard normal
    Positive,      // [0.5, 2]: log, sqrt, pow with a fractional exponent, division
    AwayFromZero,  // |x| in [0.2, 1.5]: relu, abs
    AwayFromHalf,  // |x| in [0.1, 0.4] or [0.6, 1.5]: clip(x, -0.5, 0.5)
};

Tensor draw(const Shape& shape, Domain domain, std::mt19937_64& rng) {
    Tensor t = gradlab::zeros(shape);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    for (std::size_t i = 0; i < t.size(); ++i) {
        const double sign = unit(rng) < 0.5 ? -1.0 : 1.0;
        switch (domain) {
            case Domain::Any: t.flat(i) = normal(rng); break;
            case Domain::Positive: t.flat(i) = 0.5 + 1.5 * unit(rng); break;
            case Domain::AwayFromZero: t.flat(i) = sign * (0.2 + 1.3 * unit(rng)); break;
            case Domain::AwayFromHalf: {
                const double u = unit(rng);
                t.flat(i) = sign * (u < 0.5 ? 0.1 + 0.6 * u : 0.6 + 1.8 * (u - 0.5));
                break;
            }
        }
    }
    return t;
}

using Build = std::function<Var(const std::vector<Var>&)>;

// One row of the table: an op (or a small expression) and the inputs it is checked on.
struct OpCase {
    std::string name;
    std::vector<Shape> shapes;  // one per input; {} is a 0-d scalar
    Domain domain;
    Build build;
};

const Tensor kMask43 = {{1.0, 0.0, 1.0}, {0.0, 0.0, 1.0}, {1.0, 1.0, 0.0}, {0.0, 1.0, 1.0}};
const Tensor kMask41 = column({1.0, 0.0, 0.0, 1.0});
const std::vector<std::size_t> kLabels4 = {2, 0, 1, 2};

std::vector<OpCase> op_table() {
    using V = const std::vector<Var>&;
    return {
        // arithmetic, with numpy broadcasting and scalars on either side
        {"add (4,3)+(3,)", {{4, 3}, {3}}, Domain::Any, [](V v) { return v[0] + v[1]; }},
        {"add (4,1)+(1,3)", {{4, 1}, {1, 3}}, Domain::Any, [](V v) { return v[0] + v[1]; }},
        {"add ()+(2,3)", {{}, {2, 3}}, Domain::Any, [](V v) { return v[0] + v[1]; }},
        {"sub (4,3)-(4,1)", {{4, 3}, {4, 1}}, Domain::Any, [](V v) { return v[0] - v[1]; }},
        {"sub (3,)-(2,3)", {{3}, {2, 3}}, Domain::Any, [](V v) { return v[0] - v[1]; }},
        {"mul (4,1)*(1,3)", {{4, 1}, {1, 3}}, Domain::Any, [](V v) { return v[0] * v[1]; }},
        {"mul (4,3)*(3,)", {{4, 3}, {3}}, Domain::Any, [](V v) { return v[0] * v[1]; }},
        {"mul (3,)*()", {{3}, {}}, Domain::Any, [](V v) { return v[0] * v[1]; }},
        {"div (4,3)/(3,)", {{4, 3}, {3}}, Domain::Positive, [](V v) { return v[0] / v[1]; }},
        {"div (4,1)/(1,3)", {{4, 1}, {1, 3}}, Domain::Positive, [](V v) { return v[0] / v[1]; }},
        {"neg", {{2, 3}}, Domain::Any, [](V v) { return -v[0]; }},
        {"x + 2", {{3}}, Domain::Any, [](V v) { return v[0] + 2.0; }},
        {"2 + x", {{3}}, Domain::Any, [](V v) { return 2.0 + v[0]; }},
        {"x - 2", {{3}}, Domain::Any, [](V v) { return v[0] - 2.0; }},
        {"2 - x", {{3}}, Domain::Any, [](V v) { return 2.0 - v[0]; }},
        {"x * 3", {{2, 2}}, Domain::Any, [](V v) { return v[0] * 3.0; }},
        {"3 * x", {{2, 2}}, Domain::Any, [](V v) { return 3.0 * v[0]; }},
        {"x / 4", {{2, 2}}, Domain::Any, [](V v) { return v[0] / 4.0; }},
        {"3 / x", {{2, 2}}, Domain::Positive, [](V v) { return 3.0 / v[0]; }},
        // linear algebra and shape
        {"matmul (3,4)x(4,2)", {{3, 4}, {4, 2}}, Domain::Any, [](V v) { return matmul(v[0], v[1]); }},
        {"matmul (1,5)x(5,1)", {{1, 5}, {5, 1}}, Domain::Any, [](V v) { return matmul(v[0], v[1]); }},
        {"transpose (2,3)", {{2, 3}}, Domain::Any, [](V v) { return transpose(v[0]); }},
        {"reshape (2,6)->(3,4)", {{2, 6}}, Domain::Any, [](V v) { return reshape(v[0], {3, 4}); }},
        {"reshape (1,)->()", {{1}}, Domain::Any, [](V v) { return reshape(v[0], {}); }},
        // reductions
        {"sum", {{3, 4}}, Domain::Any, [](V v) { return sum(v[0]); }},
        {"sum axis 0", {{3, 4}}, Domain::Any, [](V v) { return sum(v[0], 0); }},
        {"sum axis 1 keepdims", {{3, 4}}, Domain::Any, [](V v) { return sum(v[0], 1, true); }},
        {"sum 3-D axis 1", {{2, 3, 2}}, Domain::Any, [](V v) { return sum(v[0], 1); }},
        {"mean", {{3, 4}}, Domain::Any, [](V v) { return mean(v[0]); }},
        {"mean axis 1", {{3, 4}}, Domain::Any, [](V v) { return mean(v[0], 1); }},
        {"mean axis 0 keepdims", {{3, 4}}, Domain::Any, [](V v) { return mean(v[0], 0, true); }},
        {"max", {{3, 4}}, Domain::Any, [](V v) { return max(v[0]); }},
        {"max axis 0", {{3, 4}}, Domain::Any, [](V v) { return max(v[0], 0); }},
        {"max axis 1 keepdims", {{3, 4}}, Domain::Any, [](V v) { return max(v[0], 1, true); }},
        {"max 3-D axis 1", {{2, 3, 2}}, Domain::Any, [](V v) { return max(v[0], 1); }},
        {"logsumexp axis 1", {{4, 3}}, Domain::Any, [](V v) { return logsumexp(v[0], 1); }},
        {"logsumexp axis 0 keepdims", {{4, 3}}, Domain::Any, [](V v) { return logsumexp(v[0], 0, true); }},
        {"logsumexp 3-D axis 1", {{2, 3, 2}}, Domain::Any, [](V v) { return logsumexp(v[0], 1); }},
        {"softmax axis 1", {{4, 3}}, Domain::Any, [](V v) { return softmax(v[0], 1); }},
        {"softmax axis 0", {{4, 3}}, Domain::Any, [](V v) { return softmax(v[0], 0); }},
        {"softmax 3-D axis 1", {{2, 3, 2}}, Domain::Any, [](V v) { return softmax(v[0], 1); }},
        {"log_softmax axis 1", {{4, 3}}, Domain::Any, [](V v) { return log_softmax(v[0], 1); }},
        {"log_softmax axis 0", {{4, 3}}, Domain::Any, [](V v) { return log_softmax(v[0], 0); }},
        // elementwise functions
        {"exp", {{2, 3}}, Domain::Any, [](V v) { return exp(v[0]); }},
        {"log", {{2, 3}}, Domain::Positive, [](V v) { return log(v[0]); }},
        {"pow 2.5", {{2, 3}}, Domain::Positive, [](V v) { return pow(v[0], 2.5); }},
        {"pow 3 (negative base)", {{2, 3}}, Domain::Any, [](V v) { return pow(v[0], 3.0); }},
        {"pow -1.5", {{2, 3}}, Domain::Positive, [](V v) { return pow(v[0], -1.5); }},
        {"pow 0", {{2, 3}}, Domain::Positive, [](V v) { return pow(v[0], 0.0); }},
        {"sqrt", {{2, 3}}, Domain::Positive, [](V v) { return sqrt(v[0]); }},
        {"tanh", {{2, 3}}, Domain::Any, [](V v) { return tanh(v[0]); }},
        {"sigmoid", {{2, 3}}, Domain::Any, [](V v) { return sigmoid(v[0]); }},
        {"relu", {{3, 4}}, Domain::AwayFromZero, [](V v) { return relu(v[0]); }},
        {"abs", {{3, 4}}, Domain::AwayFromZero, [](V v) { return abs(v[0]); }},
        {"clip", {{3, 4}}, Domain::AwayFromHalf, [](V v) { return clip(v[0], -0.5, 0.5); }},
        {"maximum (4,3),(3,)", {{4, 3}, {3}}, Domain::Any, [](V v) { return maximum(v[0], v[1]); }},
        {"maximum (4,1),(1,3)", {{4, 1}, {1, 3}}, Domain::Any, [](V v) { return maximum(v[0], v[1]); }},
        {"maximum (x, 0.5)", {{3, 4}}, Domain::AwayFromHalf, [](V v) { return maximum(v[0], 0.5); }},
        {"maximum (0.5, x)", {{3, 4}}, Domain::AwayFromHalf, [](V v) { return maximum(0.5, v[0]); }},
        {"minimum (4,3),(3,)", {{4, 3}, {3}}, Domain::Any, [](V v) { return minimum(v[0], v[1]); }},
        {"minimum (x, -0.5)", {{3, 4}}, Domain::AwayFromHalf, [](V v) { return minimum(v[0], -0.5); }},
        {"minimum (-0.5, x)", {{3, 4}}, Domain::AwayFromHalf, [](V v) { return minimum(-0.5, v[0]); }},
        // constant masks and labels
        {"where (4,3) mask", {{4, 3}, {4, 3}}, Domain::Any,
         [](V v) { return gradlab::where(kMask43, v[0], v[1]); }},
        {"where (4,1) mask, (4,3), (3,)", {{4, 3}, {3}}, Domain::Any,
         [](V v) { return gradlab::where(kMask41, v[0], v[1]); }},
        {"mask (4,3)", {{4, 3}}, Domain::Any, [](V v) { return mask(v[0], kMask43); }},
        {"mask (4,1) on (4,3)", {{4, 3}}, Domain::Any, [](V v) { return mask(v[0], kMask41); }},
        {"gather", {{4, 3}}, Domain::Any, [](V v) { return gather(v[0], kLabels4); }},
        // fan-out: one value used several times, gradients must add up
        {"fan-out b = a + a, b * b", {{2, 3}}, Domain::Any,
         [](V v) { Var b = v[0] + v[0]; return b * b; }},
        {"fan-out x * softmax(x)", {{4, 3}}, Domain::Any, [](V v) { return v[0] * softmax(v[0], 1); }},
        {"fan-out gather twice", {{4, 3}}, Domain::Any,
         [](V v) { return gather(v[0], kLabels4) * gather(v[0], {0, 0, 2, 1}); }},
        {"fan-out x*x + max(x) + x", {{3, 4}}, Domain::Any, [](V v) { return v[0] * v[0] + max(v[0], 1, true) + v[0]; }},
        // the expressions the notes build losses from
        {"mean(relu(x W + b))", {{5, 4}, {4, 3}, {3}}, Domain::AwayFromZero,
         [](V v) { return mean(relu(matmul(v[0], v[1]) + v[2])); }},
        {"softmax cross-entropy", {{4, 3}}, Domain::Any,
         [](V v) { return mean(logsumexp(v[0], 1) - gather(v[0], kLabels4)); }},
        {"svm hinge", {{4, 3}}, Domain::Any, [](V v) {
             Var margins = v[0] - reshape(gather(v[0], kLabels4), {4, 1}) + 1.0;
             return sum(mask(maximum(margins, 0.0), 1.0 - gradlab::one_hot(kLabels4, 3)));
         }},
    };
}

// Forward of a row at plain tensors: sum(op(x) * upstream), recorded on constants only.
double loss_at(const OpCase& row, const std::vector<Tensor>& xs, const Tensor& upstream) {
    Tape tape;
    std::vector<Var> vs;
    for (const Tensor& x : xs) vs.push_back(tape.constant(x));
    return sum(row.build(vs) * tape.constant(upstream)).value()();
}

// Checks one row with the library's gradient checker: the tape's gradient of
// sum(op(x) * upstream) against centered differences, for every element of every input, at seeded
// random inputs and a random upstream gradient (so each output element gets its own weight).
gradlab::GradientReport check_row(const OpCase& row, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<gradlab::NamedInput> inputs;
    for (std::size_t k = 0; k < row.shapes.size(); ++k)
        inputs.push_back({"x" + std::to_string(k), draw(row.shapes[k], row.domain, rng)});

    Tape tape;
    std::vector<Var> vs;
    for (const auto& in : inputs) vs.push_back(tape.variable(in.value));
    Var out = row.build(vs);
    const Tensor upstream = draw(out.shape(), Domain::Any, rng);
    tape.backward(sum(out * tape.constant(upstream)));
    std::vector<Tensor> analytic;
    for (const Var& v : vs) analytic.push_back(v.grad());

    return gradlab::check_gradients(
        [&](const std::vector<Tensor>& xs) { return loss_at(row, xs, upstream); }, analytic, inputs);
}

}  // namespace

TEST_CASE("every op's backward agrees with centered differences (the op table)", "[ops][gradcheck]") {
    for (const OpCase& row : op_table()) {
        for (std::uint64_t seed : {1u, 2u}) {
            const gradlab::GradientReport report = check_row(row, seed);
            INFO("op: " << row.name << ", seed " << seed << "\n" << gradlab::format_report(report));
            CHECK(report.passed);  // every element: relative error < 1e-7 (or below round-off)
            for (const auto& in : report.inputs) CHECK(in.kinks == 0);  // the domains avoid kinks
        }
    }
}

// ---- identities ------------------------------------------------------------------------------

TEST_CASE("softmax rows sum to 1 and log_softmax = log(softmax)", "[ops][softmax]") {
    std::mt19937_64 rng(7);
    Tape tape;
    Var x = tape.variable(draw({5, 4}, Domain::Any, rng) * 10.0);
    const Tensor y = softmax(x, 1).value();
    const Tensor rows = xt::sum(y, {1}, xt::evaluation_strategy::immediate);
    CHECK(xt::allclose(rows, xt::ones<double>({5}), 0.0, 1e-15));
    const Tensor ly = log_softmax(x, 1).value();
    CHECK(all_close(ly, Tensor(xt::log(y)), 1e-13));
}

TEST_CASE("softmax gradient rows sum to zero for any upstream gradient", "[ops][softmax]") {
    std::mt19937_64 rng(8);
    Tape tape;
    Var x = tape.variable(draw({5, 4}, Domain::Any, rng));
    Var y = softmax(x, 1);
    tape.backward(y, draw({5, 4}, Domain::Any, rng));
    const Tensor rows = xt::sum(x.grad(), {1}, xt::evaluation_strategy::immediate);
    CHECK(xt::allclose(rows, xt::zeros<double>({5}), 0.0, 1e-15));
    CHECK(xt::amax(xt::abs(x.grad()))() > 1e-3);  // and the gradient itself is not just zero
}

TEST_CASE("d/dx logsumexp(x) = softmax(x)", "[ops][softmax]") {
    std::mt19937_64 rng(9);
    Tape tape;
    Var x = tape.variable(draw({3, 5}, Domain::Any, rng));
    tape.backward(sum(logsumexp(x, 1)));
    CHECK(all_close(x.grad(), softmax(x, 1).value(), 1e-15));
}

// ---- hand values (where xtensor's lazy keep_dims reducers would go wrong) --------------------

// [softmax-hand-values]
TEST_CASE("softmax and logsumexp match hand-computed values, also for huge inputs", "[ops][softmax]") {
    Tape tape;
    Var x = tape.constant(Tensor{{1.0, 2.0, 3.0}, {1000.0, 1000.0, 0.0}, {-1000.0, -1001.0, -1000.0}});
    // row 0: e^k / (e + e^2 + e^3); row 1: 1000 + ln 2; row 2: -1000 + ln(2 + 1/e)
    const double s = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
    const Tensor lse = logsumexp(x, 1).value();
    REQUIRE(lse.shape() == Shape{3});
    CHECK(lse(0) == Approx(std::log(s)).epsilon(1e-15));
    CHECK(lse(0) == Approx(3.40760596444438).epsilon(1e-14));
    CHECK(lse(1) == Approx(1000.0 + std::log(2.0)).epsilon(1e-15));
    CHECK(lse(2) == Approx(-1000.0 + std::log(2.0 + std::exp(-1.0))).epsilon(1e-15));

    const Tensor y = softmax(x, 1).value();
    CHECK(y(0, 0) == Approx(std::exp(1.0) / s).epsilon(1e-15));
    CHECK(y(0, 2) == Approx(0.6652409557748219).epsilon(1e-14));
    // 1000 + ln 2 is rounded to a multiple of ulp(1000) = 1.1e-13, so e^(x - lse) is 0.5 to ~1e-13
    CHECK(y(1, 0) == Approx(0.5).epsilon(1e-12));
    CHECK(y(1, 1) == Approx(0.5).epsilon(1e-12));
    CHECK(y(1, 2) == 0.0);  // e^-1000 underflows to 0, not NaN
    CHECK(y(2, 1) == Approx(std::exp(-1.0) / (2.0 + std::exp(-1.0))).epsilon(1e-12));

    const Tensor lk = logsumexp(x, 0, true).value();  // down the columns, keepdims
    REQUIRE(lk.shape() == Shape{1, 3});
    CHECK(lk(0, 0) == Approx(1000.0).epsilon(1e-15));
    CHECK(lk(0, 2) == Approx(3.0 + std::log(1.0 + std::exp(-3.0))).epsilon(1e-15));
    const Tensor y0 = softmax(x, 0).value();
    CHECK(y0(0, 2) == Approx(std::exp(3.0) / (std::exp(3.0) + 1.0)).epsilon(1e-15));
    CHECK(y0(1, 0) == 1.0);
}
// [softmax-hand-values]

TEST_CASE("max, sum and mean along an axis match hand values, with and without keepdims", "[ops][reduce]") {
    Tape tape;
    Var x = tape.constant(Tensor{{1.0, 7.0, 3.0}, {4.0, -5.0, 6.0}});
    CHECK(all_close(max(x, 0).value(), Tensor{4.0, 7.0, 6.0}));
    CHECK(all_close(max(x, 1, true).value(), column({7.0, 6.0})));
    CHECK(max(x).value()() == 7.0);
    CHECK(max(x).value().dimension() == 0);
    CHECK(all_close(sum(x, 1).value(), Tensor{11.0, 5.0}));
    CHECK(all_close(mean(x, 0, true).value(), Tensor{{2.5, 1.0, 4.5}}));
}

// [matmul-naive]
TEST_CASE("matmul (BLAS dgemm) agrees with a naive triple loop", "[ops][linalg]") {
    std::mt19937_64 rng(11);
    const Tensor A = draw({7, 5}, Domain::Any, rng);
    const Tensor B = draw({5, 3}, Domain::Any, rng);
    Tape tape;
    const Tensor C = matmul(tape.constant(A), tape.constant(B)).value();
    REQUIRE(C.shape() == Shape{7, 3});
    for (std::size_t i = 0; i < 7; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
            double c = 0.0;
            for (std::size_t k = 0; k < 5; ++k) c += A(i, k) * B(k, j);
            CHECK(C(i, j) == Approx(c).epsilon(1e-14));
        }
    CHECK(matmul(tape.constant(gradlab::zeros({2, 0})), tape.constant(gradlab::zeros({0, 3}))).value() ==
          gradlab::zeros({2, 3}));
}
// [matmul-naive]

TEST_CASE("gather picks s[i, y_i] per row; one_hot is its indicator matrix", "[ops][labels]") {
    Tape tape;
    Var s = tape.variable(Tensor{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
    Var picked = gather(s, {2, 0});
    CHECK(all_close(picked.value(), Tensor{3.0, 4.0}));
    tape.backward(picked, Tensor{10.0, 20.0});  // scatter-add into a zero matrix
    CHECK(all_close(s.grad(), Tensor{{0.0, 0.0, 10.0}, {20.0, 0.0, 0.0}}));
    CHECK(all_close(gradlab::one_hot({2, 0, 1}, 3), Tensor{{0.0, 0.0, 1.0}, {1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}}));
    CHECK(gradlab::one_hot({}, 4).shape() == Shape{0, 4});
}

TEST_CASE("where and mask choose, rather than multiply, so inf in the unused branch is harmless", "[ops][mask]") {
    const double inf = std::numeric_limits<double>::infinity();
    Tape tape;
    Var a = tape.variable(Tensor{1.0, inf, 3.0});
    Var b = tape.variable(Tensor{-1.0, -2.0, -3.0});
    const Tensor m = {1.0, 0.0, 1.0};
    CHECK(all_close(gradlab::where(m, a, b).value(), Tensor{1.0, -2.0, 3.0}));
    CHECK(all_close(mask(a, m).value(), Tensor{1.0, 0.0, 3.0}));
    tape.backward(sum(gradlab::where(m, a, b) * 2.0));
    CHECK(all_close(a.grad(), Tensor{2.0, 0.0, 2.0}));
    CHECK(all_close(b.grad(), Tensor{0.0, 2.0, 0.0}));
}

TEST_CASE("sigmoid is 0 and 1 at -1000 and 1000 without overflow", "[ops][elementwise]") {
    Tape tape;
    Var x = tape.variable(Tensor{-1000.0, 0.0, 1000.0});
    CHECK(all_close(sigmoid(x).value(), Tensor{0.0, 0.5, 1.0}));
    tape.backward(sum(sigmoid(x)));
    CHECK(all_close(x.grad(), Tensor{0.0, 0.25, 0.0}));
}

// ---- kink conventions ------------------------------------------------------------------------

TEST_CASE("kink conventions: relu'(0) = 0, abs'(0) = 0, clip' = 0 on its bounds", "[ops][kinks]") {
    Tape tape;
    Var x = tape.variable(Tensor{-1.0, 0.0, 2.0});
    tape.backward(sum(relu(x)));
    CHECK(all_close(x.grad(), Tensor{0.0, 0.0, 1.0}));
    tape.backward(sum(abs(x)));
    CHECK(all_close(x.grad(), Tensor{-1.0, 0.0, 1.0}));
    Var c = tape.variable(Tensor{-0.5, 0.0, 0.5, 0.7});
    tape.backward(sum(clip(c, -0.5, 0.5)));
    CHECK(all_close(c.grad(), Tensor{0.0, 1.0, 0.0, 0.0}));
}

TEST_CASE("a tie in max sends the gradient to the first maximal element", "[ops][kinks]") {
    Tape tape;
    Var x = tape.variable(Tensor{{2.0, 5.0, 5.0}, {3.0, 3.0, 1.0}});
    tape.backward(max(x));
    CHECK(all_close(x.grad(), Tensor{{0.0, 1.0, 0.0}, {0.0, 0.0, 0.0}}));
    tape.backward(sum(max(x, 1)));
    CHECK(all_close(x.grad(), Tensor{{0.0, 1.0, 0.0}, {1.0, 0.0, 0.0}}));
    Var col = tape.variable(Tensor{{4.0, 1.0}, {4.0, 2.0}});
    tape.backward(sum(max(col, 0)));
    CHECK(all_close(col.grad(), Tensor{{1.0, 0.0}, {0.0, 1.0}}));
}

TEST_CASE("a tie in maximum or minimum sends the gradient to the first operand", "[ops][kinks]") {
    Tape tape;
    Var a = tape.variable(Tensor{1.0, 2.0, 3.0});
    Var b = tape.variable(Tensor{1.0, 5.0, 0.0});
    tape.backward(sum(maximum(a, b)));
    CHECK(all_close(a.grad(), Tensor{1.0, 0.0, 1.0}));
    CHECK(all_close(b.grad(), Tensor{0.0, 1.0, 0.0}));
    tape.backward(sum(minimum(a, b)));
    CHECK(all_close(a.grad(), Tensor{1.0, 1.0, 0.0}));
    CHECK(all_close(b.grad(), Tensor{0.0, 0.0, 1.0}));
}

TEST_CASE("kink ops record the branch each element took; smooth ops record none", "[ops][kinks]") {
    Tape tape;
    Var x = tape.variable(Tensor{-1.0, 0.0, 2.0});
    using B = std::vector<std::uint8_t>;
    CHECK(tape.node(relu(x)).branch == B{0, 0, 1});
    CHECK(tape.node(abs(x)).branch == B{0, 1, 2});
    CHECK(tape.node(clip(x, 0.0, 1.0)).branch == B{0, 0, 2});
    CHECK(tape.node(maximum(x, 0.0)).branch == B{0, 1, 1});
    CHECK(tape.node(minimum(x, 0.0)).branch == B{1, 1, 0});
    CHECK(tape.node(max(x)).branch == B{0, 0, 1});
    CHECK(tape.node(exp(x)).branch.empty());
}

// ---- errors ----------------------------------------------------------------------------------

TEST_CASE("every op names itself and the offending shapes or values when misused", "[ops][errors]") {
    using Catch::Contains;
    Tape tape;
    Var m23 = tape.variable(gradlab::zeros({2, 3}));
    Var m34 = tape.variable(gradlab::zeros({3, 4}));
    Var v4 = tape.variable(gradlab::zeros({4}));
    Var s0 = tape.scalar(1.0);
    Var empty = tape.variable(gradlab::zeros({0, 3}));

    CHECK_THROWS_WITH(m23 + v4, Contains("add: shapes (2, 3) and (4,) cannot be broadcast"));
    CHECK_THROWS_AS(m23 - v4, gradlab::ShapeError);
    CHECK_THROWS_AS(m23 * v4, gradlab::ShapeError);
    CHECK_THROWS_AS(m23 / v4, gradlab::ShapeError);
    CHECK_THROWS_WITH(matmul(m34, m23), "matmul: inner dimensions differ: (3, 4) x (2, 3)");
    CHECK_THROWS_WITH(matmul(v4, m23), Contains("matmul: operands must be 2-D, got (4,) x (2, 3)"));
    CHECK_THROWS_WITH(transpose(v4), Contains("transpose: expects a 2-D tensor, got shape (4,)"));
    CHECK_THROWS_WITH(reshape(m23, {4, 2}), Contains("reshape: cannot reshape (2, 3) (6 elements) into (4, 2) (8 elements)"));

    CHECK_THROWS_WITH(sum(m23, 2), "sum: axis 2 is out of range for shape (2, 3)");
    CHECK_THROWS_WITH(mean(m23, 2), Contains("mean: axis 2 is out of range"));
    CHECK_THROWS_WITH(mean(empty), Contains("mean: input is empty"));
    CHECK_THROWS_WITH(max(m23, 5), Contains("max: axis 5 is out of range for shape (2, 3)"));
    CHECK_THROWS_WITH(max(s0, 0), Contains("max: axis 0 is out of range for shape ()"));
    CHECK_THROWS_WITH(max(empty), Contains("max: input is empty, shape (0, 3)"));
    CHECK_THROWS_WITH(max(empty, 0), Contains("max: axis 0 of shape (0, 3) is empty"));
    CHECK_THROWS_WITH(logsumexp(m23, 2), Contains("logsumexp: axis 2 is out of range"));
    CHECK_THROWS_WITH(softmax(m23, 2), Contains("softmax: axis 2 is out of range"));
    CHECK_THROWS_WITH(log_softmax(m23, 2), Contains("log_softmax: axis 2 is out of range"));
    CHECK_THROWS_WITH(softmax(empty, 0), Contains("softmax: axis 0 of shape (0, 3) is empty"));

    CHECK_THROWS_AS(maximum(m23, v4), gradlab::ShapeError);
    CHECK_THROWS_WITH(minimum(m23, v4), Contains("minimum: shapes (2, 3) and (4,)"));
    CHECK_THROWS_AS(pow(m23, std::nan("")), gradlab::ValueError);
    CHECK_THROWS_WITH(clip(m23, 1.0, -1.0), "clip: needs lo <= hi, got lo = 1, hi = -1");

    CHECK_THROWS_AS(gather(m23, {0, 1, 2}), gradlab::ShapeError);
    CHECK_THROWS_WITH(gather(m23, {0, 1, 2}), "gather: 3 labels for scores of shape (2, 3): need one label per row");
    CHECK_THROWS_AS(gather(m23, {0, 3}), gradlab::ValueError);
    CHECK_THROWS_WITH(gather(m23, {0, 3}),
                      "gather: label 3 at row 1 is out of range for scores of shape (2, 3) (classes 0..2)");
    CHECK_THROWS_WITH(gather(v4, {0}), Contains("gather: scores must be 2-D (N, C), got shape (4,)"));
    CHECK_THROWS_WITH(gradlab::one_hot({1, 3}, 3), "one_hot: label 3 at row 1 is out of range for 3 classes (0..2)");
    CHECK_THROWS_AS(gradlab::one_hot({0}, 0), gradlab::ValueError);

    CHECK_THROWS_WITH(gradlab::where(Tensor{1.0, 0.5, 0.0}, m23, m23),
                      Contains("where: the mask must hold only 0 and 1, but element 1"));
    CHECK_THROWS_AS(gradlab::where(gradlab::zeros({4}), m23, m23), gradlab::ShapeError);
    CHECK_THROWS_AS(gradlab::where(gradlab::zeros({3}), m23, v4), gradlab::ShapeError);
    CHECK_THROWS_AS(mask(m23, Tensor{2.0, 0.0, 1.0}), gradlab::ValueError);
    CHECK_THROWS_WITH(mask(m23, gradlab::zeros({4})), Contains("mask: shapes (2, 3) and (4,)"));

    Tape other;
    Var foreign = other.variable(gradlab::zeros({2, 3}));
    CHECK_THROWS_AS(maximum(m23, foreign), gradlab::TapeError);
    CHECK_THROWS_AS(gradlab::where(gradlab::zeros({2, 3}), m23, foreign), gradlab::TapeError);
    CHECK_THROWS_AS(matmul(m34, foreign), gradlab::ShapeError);  // shapes are checked first
}
