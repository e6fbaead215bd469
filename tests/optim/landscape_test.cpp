#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>
#include <gradlab/optim/landscape.hpp>

using namespace gradlab;
using namespace gradlab::optim;

namespace {

Tensor seeded(const Shape& shape, std::uint64_t seed, double scale = 1.0) {
    std::mt19937_64 rng(seed);
    Tensor t = randn(shape, rng);
    t *= scale;
    return t;
}

double dot_all(const Tensor& a, const Tensor& b) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a.data()[i] * b.data()[i];
    return s;
}

// The bowl L(W) = sum_i c_i W_i^2 with positive c_i: along any line a parabola,
// L(W + a D) = L(W) + 2 a sum c W D + a^2 sum c D^2.
struct Bowl {
    Tensor c;
    double operator()(const Tensor& w) const {
        double s = 0.0;
        for (std::size_t i = 0; i < w.size(); ++i) s += c.data()[i] * w.data()[i] * w.data()[i];
        return s;
    }
    double cross(const Tensor& a, const Tensor& b) const {
        double s = 0.0;
        for (std::size_t i = 0; i < a.size(); ++i) s += c.data()[i] * a.data()[i] * b.data()[i];
        return s;
    }
};

// The notes' toy: three 1-D examples x_i of classes 0, 1, 2, scores s_ij = w_j x_i (X is (3, 1),
// W is (1, 3)), and the multiclass hinge with margin 1, averaged over the three examples.
Tensor toy_x() {
    Tensor x = zeros({3, 1});
    x(0, 0) = 1.0;
    x(1, 0) = 1.5;
    x(2, 0) = 0.5;
    return x;
}
const Tensor kToyX = toy_x();
const std::vector<std::size_t> kToyY = {0, 1, 2};

// The hinge written out for the toy, as the fast path takes it: the sum over a block of rows.
double toy_hinge(const double* s, std::size_t first, std::size_t rows, std::size_t classes) {
    double total = 0.0;
    for (std::size_t i = 0; i < rows; ++i) {
        const std::size_t y = kToyY[first + i];
        for (std::size_t j = 0; j < classes; ++j)
            if (j != y) total += std::max(0.0, s[i * classes + j] - s[i * classes + y] + 1.0);
    }
    return total;
}

}  // namespace

TEST_CASE("a quadratic bowl is a parabola along any line, with the exact coefficients",
          "[landscape]") {
    const Bowl bowl{Tensor(xt::abs(seeded({4, 3}, 1)) + 0.5)};
    const Tensor w = seeded({4, 3}, 2), d = seeded({4, 3}, 3);
    const std::vector<double> alphas = linspace(-2.0, 2.0, 9);
    for (unsigned threads : {1u, 2u}) {
        LandscapeOptions options;
        options.threads = threads;
        const Landscape1d line = landscape_1d(bowl, w, d, alphas, options);
        REQUIRE(line.loss.size() == alphas.size());
        for (std::size_t k = 0; k < alphas.size(); ++k) {
            const double a = alphas[k];
            const double expected = bowl(w) + 2.0 * a * bowl.cross(w, d) + a * a * bowl.cross(d, d);
            CHECK(line.loss[k] == Approx(expected).epsilon(1e-13));
        }
    }
}

TEST_CASE("a quadratic bowl across a plane is the quadratic form in (a, b)", "[landscape]") {
    const Bowl bowl{Tensor(xt::abs(seeded({5, 2}, 4)) + 0.5)};
    const Tensor w = seeded({5, 2}, 5), d1 = seeded({5, 2}, 6), d2 = seeded({5, 2}, 7);
    const std::vector<double> alphas = linspace(-1.0, 1.0, 7), betas = linspace(-3.0, 1.0, 5);
    const Landscape2d plane = landscape_2d(bowl, w, d1, d2, alphas, betas);
    REQUIRE(plane.loss.size() == alphas.size() * betas.size());
    for (std::size_t r = 0; r < betas.size(); ++r)
        for (std::size_t c = 0; c < alphas.size(); ++c) {
            const double a = alphas[c], b = betas[r];
            const double expected = bowl(w) + 2 * a * bowl.cross(w, d1) + 2 * b * bowl.cross(w, d2) +
                                    a * a * bowl.cross(d1, d1) + b * b * bowl.cross(d2, d2) +
                                    2 * a * b * bowl.cross(d1, d2);
            CHECK(plane.at(c, r) == Approx(expected).epsilon(1e-13));
        }
}

// [hinge-toy]
TEST_CASE("the hinge toy is piecewise linear with kinks exactly where margins are zero",
          "[landscape]") {
    // Vary w0 with w1 = 0.5, w2 = -0.5. The terms that contain w0 and where their margins vanish:
    //   max(0, (w1 - w0) x0 + 1)  slope -x0 = -1    while w0 < w1 + 1/x0 = 1.5
    //   max(0, (w2 - w0) x0 + 1)  slope -x0 = -1    while w0 < w2 + 1/x0 = 0.5
    //   max(0, (w0 - w1) x1 + 1)  slope +x1 = 1.5   while w0 > w1 - 1/x1 = -1/6
    //   max(0, (w0 - w2) x2 + 1)  slope +x2 = 0.5   while w0 > w2 - 1/x2 = -2.5
    // so L = (sum)/3 has slopes -2/3, -1/2, 0, 1/3, 2/3 between the kinks -2.5, -1/6, 0.5, 1.5.
    const Tensor w = {{0.0, 0.5, -0.5}};
    const Tensor d = {{1.0, 0.0, 0.0}};
    const std::vector<double> kinks = {-2.5, -1.0 / 6.0, 0.5, 1.5};
    const std::vector<double> slopes = {-2.0 / 3.0, -0.5, 0.0, 1.0 / 3.0, 2.0 / 3.0};
    const std::vector<double> alphas = linspace(-4.0, 3.0, 701);  // step 0.01
    const Landscape1d line = linear_landscape_1d(toy_hinge, kToyX, w, d, alphas);

    auto piece_of = [&](double a) {
        std::size_t p = 0;
        while (p < kinks.size() && a > kinks[p]) ++p;
        return p;
    };
    std::size_t checked = 0;
    for (std::size_t k = 0; k + 1 < alphas.size(); ++k) {
        const std::size_t p = piece_of(alphas[k]);
        if (p != piece_of(alphas[k + 1]) || std::abs(alphas[k] - kinks[std::min(p, kinks.size() - 1)]) < 1e-9)
            continue;  // this interval holds a kink
        const double slope = (line.loss[k + 1] - line.loss[k]) / (alphas[k + 1] - alphas[k]);
        CHECK(slope == Approx(slopes[p]).margin(1e-9));
        ++checked;
    }
    CHECK(checked > 690);

    // At each kink the two neighbouring lines meet: the slope changes right there, by the
    // kinking term's slope over 3, and nowhere else.
    for (std::size_t p = 0; p < kinks.size(); ++p) {
        const double h = 1e-4, kink = kinks[p];
        const Landscape1d around = linear_landscape_1d(toy_hinge, kToyX, w, d, {kink - h, kink, kink + h});
        CHECK((around.loss[1] - around.loss[0]) / h == Approx(slopes[p]).margin(1e-9));
        CHECK((around.loss[2] - around.loss[1]) / h == Approx(slopes[p + 1]).margin(1e-9));
    }
}
// [hinge-toy]

TEST_CASE("the linear-scores fast path equals the generic path to 1e-12 on the same grid",
          "[landscape]") {
    // 600 examples, 4 classes: the fast path's blocks hold 1024 / 4 = 256 rows, so this crosses
    // two block boundaries and ends on a partial block.
    constexpr std::size_t n = 600;
    const Tensor x = seeded({n, 6}, 11, 3.0);
    const Tensor w = seeded({6, 4}, 12, 0.1);
    std::vector<std::size_t> y(n);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = (i * 7) % 4;
    const Tensor d1 = random_direction(w, 1), d2 = random_direction(w, 2);
    const std::vector<double> alphas = linspace(-1.0, 1.0, 11), betas = linspace(-0.5, 1.5, 9);

    // The same loss twice: of the scores (for the fast path) and of the weights (generic).
    auto check_loss = [&](const RowsLossFn& rows_loss) {
        auto on_weights = [&](const Tensor& v) {
            Tensor s = zeros({n, 4});
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < 4; ++j)
                    for (std::size_t k = 0; k < 6; ++k) s(i, j) += x(i, k) * v(k, j);
            return rows_loss(s.data(), 0, n, 4) / static_cast<double>(n);
        };
        for (unsigned threads : {1u, 2u, 7u}) {
            LandscapeOptions options;
            options.threads = threads;
            const Landscape2d fast = linear_landscape_2d(rows_loss, x, w, d1, d2, alphas, betas, options);
            const Landscape2d slow = landscape_2d(on_weights, w, d1, d2, alphas, betas, options);
            REQUIRE(fast.loss.size() == slow.loss.size());
            for (std::size_t k = 0; k < fast.loss.size(); ++k)
                CHECK(std::abs(fast.loss[k] - slow.loss[k]) <= 1e-12 * std::max(1.0, std::abs(slow.loss[k])));
            const Landscape1d fast1 = linear_landscape_1d(rows_loss, x, w, d1, alphas, options);
            const Landscape1d slow1 = landscape_1d(on_weights, w, d1, alphas, options);
            for (std::size_t k = 0; k < alphas.size(); ++k)
                CHECK(std::abs(fast1.loss[k] - slow1.loss[k]) <= 1e-12 * std::max(1.0, std::abs(slow1.loss[k])));
        }
    };
    SECTION("svm") {
        check_loss([&](const double* s, std::size_t first, std::size_t rows, std::size_t c) {
            return losses::svm_loss_grad_rows(s, c, y.data() + first, rows, 1.0, 0.0, nullptr);
        });
    }
    SECTION("softmax") {
        check_loss([&](const double* s, std::size_t first, std::size_t rows, std::size_t c) {
            return losses::softmax_loss_grad_rows(s, c, y.data() + first, rows, 0.0, nullptr);
        });
    }
}

TEST_CASE("one thread and two threads give bit-identical slices, and progress reaches the total",
          "[landscape]") {
    const Bowl bowl{Tensor(xt::abs(seeded({3, 3}, 20)) + 0.1)};
    const Tensor w = seeded({3, 3}, 21), d1 = seeded({3, 3}, 22), d2 = seeded({3, 3}, 23);
    const auto grid = linspace(-1.0, 1.0, 13);
    std::size_t last_done = 0, last_total = 0, calls = 0;
    LandscapeOptions one;
    one.threads = 1;
    LandscapeOptions two;
    two.threads = 2;
    two.progress = [&](std::size_t done, std::size_t total) {
        CHECK(done <= total);
        last_done = done;
        last_total = total;
        ++calls;
    };
    const Landscape2d a = landscape_2d(bowl, w, d1, d2, grid, grid, one);
    const Landscape2d b = landscape_2d(bowl, w, d1, d2, grid, grid, two);
    CHECK(a.loss == b.loss);
    CHECK(last_total == 13 * 13);
    CHECK(last_done == 13 * 13);
    CHECK(calls >= 2);
}

TEST_CASE("a loss that throws stops the slice and the error reaches the caller", "[landscape]") {
    const Tensor w = zeros({2, 2}), d = seeded({2, 2}, 1);
    std::atomic<int> calls{0};
    auto bad = [&](const Tensor&) -> double {
        if (++calls == 5) throw std::runtime_error("loss exploded");
        return 1.0;
    };
    LandscapeOptions options;
    options.threads = 2;
    CHECK_THROWS_WITH(landscape_1d(bad, w, d, linspace(0, 1, 50), options), "loss exploded");
}

TEST_CASE("the same seed draws the same direction; another seed another", "[landscape]") {
    const Tensor w = seeded({7, 3}, 30);
    const Tensor a = random_direction(w, 42), b = random_direction(w, 42), c = random_direction(w, 43);
    CHECK(a == b);
    CHECK_FALSE(a == c);
    std::mt19937_64 rng(42);
    CHECK(a == randn({7, 3}, rng));  // the library's one seeded source, unscaled
}

TEST_CASE("filter normalization gives each row (column) of the direction the norm of W's",
          "[landscape]") {
    Tensor w = seeded({6, 4}, 40);
    xt::view(w, 2, xt::all()) = 0.0;  // a zero row of W makes a zero row of the direction
    auto row_norm = [](const Tensor& t, std::size_t r) {
        double s = 0.0;
        for (std::size_t j = 0; j < t.shape()[1]; ++j) s += t(r, j) * t(r, j);
        return std::sqrt(s);
    };
    auto col_norm = [](const Tensor& t, std::size_t c) {
        double s = 0.0;
        for (std::size_t i = 0; i < t.shape()[0]; ++i) s += t(i, c) * t(i, c);
        return std::sqrt(s);
    };
    const Tensor rows = random_direction(w, 1, DirectionNorm::per_row);
    for (std::size_t r = 0; r < 6; ++r) CHECK(row_norm(rows, r) == Approx(row_norm(w, r)).epsilon(1e-14));
    CHECK(row_norm(rows, 2) == 0.0);

    const Tensor cols = random_direction(w, 1, DirectionNorm::per_column);
    for (std::size_t c = 0; c < 4; ++c) CHECK(col_norm(cols, c) == Approx(col_norm(w, c)).epsilon(1e-14));

    const Tensor whole = random_direction(w, 1, DirectionNorm::whole);
    CHECK(std::sqrt(dot_all(whole, whole)) == Approx(std::sqrt(dot_all(w, w))).epsilon(1e-14));

    // Scaling only: each row keeps the direction it was drawn with.
    const Tensor raw = random_direction(w, 1);
    CHECK(rows(0, 1) / rows(0, 0) == Approx(raw(0, 1) / raw(0, 0)).epsilon(1e-13));

    CHECK_THROWS_AS(normalize_direction(zeros({3}), zeros({3}), DirectionNorm::per_row), ShapeError);
    CHECK_THROWS_AS(normalize_direction(zeros({3, 2}), zeros({2, 3}), DirectionNorm::none), ShapeError);
}

TEST_CASE("a path on a plane projects back to its own coordinates; start (0, 0), end (1, 0)",
          "[landscape]") {
    const Tensor o = seeded({4, 3}, 50), u = seeded({4, 3}, 51), v = seeded({4, 3}, 52);
    const std::vector<std::pair<double, double>> coords = {{0, 0}, {0.3, 0.8}, {0.7, -0.4}, {2, 1}};
    std::vector<Tensor> path;
    for (const auto& [a, b] : coords) path.push_back(Tensor(o + a * u + b * v));
    const Plane plane = trajectory_plane(path);
    CHECK(std::abs(dot_all(plane.d1, plane.d2)) < 1e-12 * dot_all(plane.d1, plane.d1));
    CHECK(dot_all(plane.d2, plane.d2) == Approx(dot_all(plane.d1, plane.d1)).epsilon(1e-12));
    const PlaneCoordinates pc = project_onto_plane(plane, path);
    CHECK(pc.a.front() == Approx(0.0).margin(1e-12));
    CHECK(pc.b.front() == Approx(0.0).margin(1e-12));
    CHECK(pc.a.back() == Approx(1.0).epsilon(1e-12));
    CHECK(pc.b.back() == Approx(0.0).margin(1e-12));
    for (std::size_t k = 0; k < path.size(); ++k) CHECK(pc.off_plane[k] < 1e-10);

    // Projecting onto the plane spanned by u and v itself gives the coordinates back.
    const PlaneCoordinates own = project_onto_plane(Plane{o, u, v}, path);
    for (std::size_t k = 0; k < coords.size(); ++k) {
        CHECK(own.a[k] == Approx(coords[k].first).margin(1e-12));
        CHECK(own.b[k] == Approx(coords[k].second).margin(1e-12));
    }
    // A point off the plane reports its distance.
    const PlaneCoordinates off = project_onto_plane(Plane{o, u, v}, {Tensor(o + 3.0 * plane.d1 / std::sqrt(dot_all(plane.d1, plane.d1)))});
    CHECK(off.off_plane[0] == Approx(0.0).margin(1e-9));  // d1 lies in span(u, v)

    CHECK_THROWS_AS(trajectory_plane({o}), ValueError);
    CHECK_THROWS_AS(trajectory_plane({o, o}), ValueError);
    CHECK_THROWS_AS(project_onto_plane(Plane{o, u, Tensor(2.0 * u)}, path), ValueError);
}

TEST_CASE("a straight path still gets a plane: a random second axis orthogonal to the first",
          "[landscape]") {
    const Tensor o = seeded({3, 2}, 60), u = seeded({3, 2}, 61);
    const std::vector<Tensor> path = {o, Tensor(o + 0.5 * u), Tensor(o + u)};
    const Plane plane = trajectory_plane(path, 9);
    CHECK(std::abs(dot_all(plane.d1, plane.d2)) < 1e-12 * dot_all(plane.d1, plane.d1));
    const PlaneCoordinates pc = project_onto_plane(plane, path);
    CHECK(pc.a[1] == Approx(0.5).epsilon(1e-12));
    CHECK(pc.b[1] == Approx(0.0).margin(1e-12));
}

TEST_CASE("bad slices are refused with the operation and the shapes named", "[landscape]") {
    const Tensor w = zeros({3, 2}), d = zeros({3, 2}), x = zeros({5, 3});
    auto f = [](const Tensor&) { return 0.0; };
    auto rows = [](const double*, std::size_t, std::size_t, std::size_t) { return 0.0; };
    CHECK_THROWS_WITH(landscape_1d(f, w, zeros({2, 3}), {0.0}),
                      Catch::Contains("landscape_1d") && Catch::Contains("(3, 2)") && Catch::Contains("(2, 3)"));
    CHECK_THROWS_AS(landscape_1d(f, w, d, {}), ValueError);
    CHECK_THROWS_AS(landscape_2d(f, w, d, d, {0.0}, {NAN}), ValueError);
    CHECK_THROWS_WITH(linear_landscape_2d(rows, zeros({5, 4}), w, d, d, {0.0}, {0.0}),
                      Catch::Contains("linear_landscape_2d") && Catch::Contains("(5, 4)"));
    CHECK_THROWS_AS(linear_landscape_1d(rows, x, w, zeros({3, 3}), {0.0}), ShapeError);
    CHECK_THROWS_AS(linspace(1.0, 0.0, 3), ValueError);
    CHECK_THROWS_AS(logspace(0.0, 1.0, 3), ValueError);
    CHECK(logspace(1e-10, 1e-1, 10).front() == 1e-10);
    CHECK(logspace(1e-10, 1e-1, 10)[4] == Approx(1e-6).epsilon(1e-12));
}

TEST_CASE("grid progress stays silent for quick grids and ends long ones with the total",
          "[landscape]") {
    std::ostringstream quiet, loud;
    GridProgressFn q = grid_progress(quiet, false, 60.0);
    for (std::size_t k = 1; k <= 10; ++k) q(k, 10);
    CHECK(quiet.str().empty());
    GridProgressFn l = grid_progress(loud, false, 0.0);
    for (std::size_t k = 1; k <= 8; ++k) l(k, 8);
    l(8, 8);  // the engine's closing call repeats the total: printed once
    const std::string s = loud.str();
    CHECK(s.find('\r') == std::string::npos);
    CHECK(s.find("8/8 points") != std::string::npos);
    CHECK(s.find("8/8 points") == s.rfind("8/8 points"));
    CHECK(s.find("2/8 points") != std::string::npos);  // a line at 25 %
    // The same printer, a second grid: its own lines, its own clock.
    for (std::size_t k = 1; k <= 4; ++k) l(k, 4);
    CHECK(loud.str().find("4/4 points") != std::string::npos);
}
