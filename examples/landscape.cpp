// landscape: what a loss looks like, drawn from real data.
//
// The story (after "Visualizing the loss function" in the optimization notes,
// shared/reference/optimization-1.md, retold in our words):
//
// A linear classifier's weights W form one point in a space of thousands of dimensions -- 7,850
// for Fashion-MNIST's 784 pixels plus a bias, times 10 classes. Nobody can look at a loss over
// such a space, but we can cut through it. Choose a random direction D1 and walk along it: the
// numbers L(W + a D1) for many offsets a are an ordinary curve. Choose a second direction D2 and
// walk over a grid of (a, b): L(W + a D1 + b D2) is a picture, coloured from blue (low loss) to
// red (high).
//
// For the multiclass SVM loss of one example, L_i = sum_{j != y_i} max(0, s_j - s_{y_i} + 1), the
// slice is a sum of hinges: each score s_j moves linearly with a, each hinge is either a line or
// clamped at zero, so the curve is made of straight pieces that bend exactly where one margin
// s_j - s_{y_i} + 1 crosses zero. The 2-D slice of one example is a faceted bowl. Average over
// many examples and the facets become so many and so small that the bowl looks smooth -- but it is
// still piecewise linear, and still convex, because a sum of convex pieces is convex. The softmax
// loss, drawn beside it, is smooth from the start: log-sum-exp has no corners.
//
// The notes' smallest case makes the hinges visible one by one: three one-dimensional examples,
// three classes, so every weight is a single number. Vary w0 alone and each of the six hinge terms
// is a line clamped at zero (or a constant, if w0 is not in it); their sum is the loss.
//
// Then the optimizer's view. Gradient descent walks downhill; we draw its path (and a minibatch
// SGD path from the same start) on the plane through the path's start and end, over the loss on
// that plane. And the step size: along the first gradient step, L(W - eta g) for a range of eta,
// with the notes' sweep 1e-10 ... 1e-1 marked where each step lands -- too short does nothing,
// too long overshoots.
//
// Every slice here goes through optim/landscape.hpp's fast path for linear scores: S = X W is
// linear in W, so S(a, b) = XW + a XD1 + b XD2. Three products up front, then every grid point
// costs O(N C) instead of O(N D C).
//
// Each figure is written as DIR/NAME.dat (the numbers) and DIR/NAME.gp (a gnuplot script that
// reads them) and, when gnuplot is installed, drawn as DIR/NAME.png and DIR/NAME.svg.
//
//   landscape                                  small: 500 examples, 41 x 41 grids (seconds)
//   landscape --n-train 5000 --grid 101        bigger: the size of the speed claim
//   landscape --data blobs --n-train 200       no dataset needed
//   landscape --data cifar-10 --data-dir DIR   the notes' own data set
#include "landscape.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/parameter.hpp>
#include <gradlab/autodiff/random.hpp>
#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>
#include <gradlab/optim/landscape.hpp>
#include <gradlab/optim/progress.hpp>
#include <gradlab/optim/step_size_sweep.hpp>

#include "support/common.hpp"
#include "support/plot.hpp"
#include "support/program.hpp"

namespace gradlab::examples {

namespace {


// ---------------------------------------------------------------------------------------------
// The data: raw pixels plus the bias column, as the notes' search experiments use them
// ---------------------------------------------------------------------------------------------

struct Data {
    std::shared_ptr<const Tensor> x;  // (N, D + 1)
    losses::Labels y;
    std::size_t classes = 0;
};

Data load(const LandscapeFigureOptions& o, std::ostream& out) {
    TrainTest d = load_data(o.data, out);
    d.train.x = losses::append_ones_column(d.train.x);
    return Data{std::make_shared<const Tensor>(std::move(d.train.x)), d.train.y, d.train.num_classes};
}

Data first_examples(const Data& all, std::size_t first, std::size_t count) {
    const std::size_t dims = all.x->shape()[1];
    Tensor x = zeros({count, dims});
    std::copy(all.x->data() + first * dims, all.x->data() + (first + count) * dims, x.data());
    return Data{std::make_shared<const Tensor>(std::move(x)),
                losses::Labels(all.y.begin() + first, all.y.begin() + first + count), all.classes};
}

// ---------------------------------------------------------------------------------------------
// The two losses, in the shape the fast path takes: a sum over a block of examples
// ---------------------------------------------------------------------------------------------

optim::RowsLossFn svm_rows(const losses::Labels& y) {
    return [&y](const double* s, std::size_t first, std::size_t rows, std::size_t classes) {
        return losses::svm_loss_grad_rows(s, classes, y.data() + first, rows, 1.0, 0.0, nullptr);
    };
}

optim::RowsLossFn softmax_rows(const losses::Labels& y) {
    return [&y](const double* s, std::size_t first, std::size_t rows, std::size_t classes) {
        return losses::softmax_loss_grad_rows(s, classes, y.data() + first, rows, 0.0, nullptr);
    };
}

// The mean SVM loss of W and its gradient, from the tape.
double svm_loss_and_gradient(const Data& d, const Tensor& w, Tensor& grad) {
    Parameter p(w, "W");
    Tape tape;
    const Var loss = losses::svm(matmul(tape.constant(d.x, "X"), tape.watch(p)), d.y);
    tape.backward(loss);
    grad = p.grad;
    return loss.value()();
}

double svm_loss(const Data& d, const Tensor& w) {
    Tape tape;
    return losses::svm(matmul(tape.constant(d.x, "X"), tape.constant(w)), d.y).value()();
}

// ---------------------------------------------------------------------------------------------
// Small helpers: the output, the automatic range, the heatmap from a slice
// ---------------------------------------------------------------------------------------------

struct Output {
    std::ostream& text;  // the story
    std::string dir;
    LandscapeFigureResult result;
    std::string fallback;  // the first figure's "gnuplot not found" message, if any

    // Writes one figure (NAME.dat, NAME.gp, and the images if gnuplot is there) and notes its files.
    template <class Figure>
    void draw(const Figure& figure, const std::string& name) {
        const plot::FigureFiles f = plot::write_figure(figure, dir, name);
        result.figures.push_back(name);
        result.files.push_back(f.data);
        result.files.push_back(f.script);
        for (const std::string& image : f.images) result.files.push_back(image);
        if (!f.message.empty() && fallback.empty()) fallback = f.message;
    }
};

double dot(const Tensor& a, const Tensor& b) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a.data()[i] * b.data()[i];
    return s;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The automatic range: far enough along D that the scores move by about four of their own
// spreads, so margins cross zero and the kinks show. r = 4 / rms(X D).
double auto_range(const Data& d, const Tensor& direction) {
    Tape tape;
    const Tensor s = matmul(tape.constant(d.x), tape.constant(direction)).value();
    double sum = 0.0;
    for (double v : s) sum += v * v;
    const double rms = std::sqrt(sum / static_cast<double>(s.size()));
    return rms > 0.0 ? 4.0 / rms : 1.0;
}

plot::Heatmap heatmap_of(const optim::Landscape2d& slice, std::string title) {
    plot::Heatmap map;
    map.title = std::move(title);
    map.x_label = "a (along D1)";
    map.y_label = "b (along D2)";
    map.value_label = "loss";
    map.cols = slice.alphas.size();
    map.rows = slice.betas.size();
    map.values = slice.loss;
    map.x_min = slice.alphas.front();
    map.x_max = slice.alphas.back();
    map.y_min = slice.betas.front();
    map.y_max = slice.betas.back();
    map.width = 760;
    map.height = 640;
    return map;
}

optim::DirectionNorm parse_norm(const std::string& name) {
    if (name == "whole") return optim::DirectionNorm::whole;
    if (name == "per-row") return optim::DirectionNorm::per_row;
    if (name == "per-class") return optim::DirectionNorm::per_column;  // W's columns are classes
    return optim::DirectionNorm::none;
}

// ---------------------------------------------------------------------------------------------
// Figures 1-3: one example and many, SVM and softmax, along a line and across a plane
// ---------------------------------------------------------------------------------------------

void slices(const LandscapeFigureOptions& o, const Data& all, const Tensor& w, Output& out) {
    const optim::DirectionNorm norm = parse_norm(o.norm);
    const Tensor d1 = optim::random_direction(w, o.seed + 1, norm);
    const Tensor d2 = optim::random_direction(w, o.seed + 2, norm);
    const Data one = first_examples(all, o.example, 1);
    const double range = o.range > 0.0 ? o.range : auto_range(all, d1);
    const std::vector<double> line = optim::linspace(-range, range, o.line_points);
    const std::vector<double> grid = optim::linspace(-range, range, o.grid);
    optim::LandscapeOptions run;
    run.threads = o.threads;
    run.progress = optim::grid_progress(out.text, &out.text == &std::cout && optim::stdout_is_terminal());
    fmt::print(out.text, "directions: seeds {} and {}, scaling '{}'; offsets a, b in [{:.3g}, {:.3g}]\n",
               o.seed + 1, o.seed + 2, o.norm, -range, range);

    struct Loss {
        const char* name;
        const char* title;
        optim::RowsLossFn (*rows)(const losses::Labels&);
    };
    for (const Loss& loss : {Loss{"svm", "multiclass SVM", svm_rows},
                             Loss{"softmax", "softmax cross-entropy", softmax_rows}}) {
        // The 1-D slice: example `o.example` alone, and the mean over all examples.
        auto t0 = std::chrono::steady_clock::now();
        const optim::Landscape1d single = optim::linear_landscape_1d(loss.rows(one.y), *one.x, w, d1, line, run);
        const optim::Landscape1d mean = optim::linear_landscape_1d(loss.rows(all.y), *all.x, w, d1, line, run);
        plot::LineFigure f;
        f.plot.title = fmt::format("{} loss along one random direction: L(W + a D1)", loss.title);
        f.plot.x_label = "a";
        f.plot.y_label = "loss";
        f.plot.series = {{fmt::format("example {} alone", o.example), line, single.loss},
                         {fmt::format("mean over {} examples", all.y.size()), line, mean.loss}};
        f.plot.width = 800;
        f.plot.height = 560;
        if (std::string(loss.name) == "svm") {
            // Where a margin s_j - s_y + 1 of the single example is zero: the kinks.
            Tape tape;
            const Tensor s0 = matmul(tape.constant(one.x), tape.constant(w)).value();
            const Tensor s1 = matmul(tape.constant(one.x), tape.constant(d1)).value();
            const std::size_t y = one.y[0];
            plot::Overlay kinks{"a margin is zero (a kink)", {}, {}, {}, false};
            for (std::size_t j = 0; j < all.classes; ++j) {
                const double slope = s1(0, j) - s1(0, y);
                if (j == y || slope == 0.0) continue;
                const double a = -(s0(0, j) - s0(0, y) + 1.0) / slope;
                if (a >= -range && a <= range) kinks.x.push_back(a);
            }
            std::sort(kinks.x.begin(), kinks.x.end());
            if (!kinks.x.empty()) {
                kinks.y = optim::linear_landscape_1d(loss.rows(one.y), *one.x, w, d1, kinks.x).loss;
                f.marks.push_back(kinks);
            }
            out.result.kinks = kinks.x.size();
            fmt::print(out.text, "svm, example {}: {} kinks in range, where margins cross zero\n", o.example,
                       kinks.x.size());
        }
        double seconds = seconds_since(t0);
        out.draw(f, fmt::format("{}_1d", loss.name));

        // The 2-D slices: one example (angular) and the mean (a bowl).
        t0 = std::chrono::steady_clock::now();
        // [slices]
        const optim::Landscape2d plane_one =
            optim::linear_landscape_2d(loss.rows(one.y), *one.x, w, d1, d2, grid, grid, run);
        const optim::Landscape2d plane_all =
            optim::linear_landscape_2d(loss.rows(all.y), *all.x, w, d1, d2, grid, grid, run);
        // [slices]
        seconds += seconds_since(t0);
        out.result.slice_seconds += seconds;
        fmt::print(out.text, "{}: 1-D slices ({} points) and 2-D slices ({} x {}) of 1 and {} examples computed "
                   "in {:.3f} s\n", loss.name, line.size(), grid.size(), grid.size(), all.y.size(), seconds);
        plot::HeatmapFigure one_fig{heatmap_of(plane_one, fmt::format("{} loss of example {} on a random plane",
                                                                      loss.title, o.example)), 12, {}};
        plot::HeatmapFigure all_fig{heatmap_of(plane_all, fmt::format("{} loss, mean over {} examples, on a random plane",
                                                                      loss.title, all.y.size())), 12, {}};
        out.draw(one_fig, fmt::format("{}_2d_one", loss.name));
        out.draw(all_fig, fmt::format("{}_2d_mean", loss.name));
    }
}

// ---------------------------------------------------------------------------------------------
// Figure 4: the notes' toy -- three 1-D examples, three classes, the loss as a function of w0
// ---------------------------------------------------------------------------------------------

void toy(Output& out) {
    // x_i and the fixed weights w1, w2 are ours; the shape of the picture is the notes'.
    const std::vector<double> x = {1.0, 1.5, 0.5};  // example i has class i
    const double w1 = 0.5, w2 = -0.5;
    Tensor xs = zeros({3, 1});
    for (std::size_t i = 0; i < 3; ++i) xs(i, 0) = x[i];
    Tensor w = zeros({1, 3});
    w(0, 1) = w1;
    w(0, 2) = w2;
    Tensor along_w0 = zeros({1, 3});
    along_w0(0, 0) = 1.0;
    const std::vector<double> w0s = optim::linspace(-4.0, 3.0, 701);

    plot::LineFigure f;
    f.plot.title = "the notes' toy: three 1-D examples, three classes; hinge terms of L as w0 varies";
    f.plot.x_label = "w0 (w1 = 0.5, w2 = -0.5; x = 1, 1.5, 0.5 of classes 0, 1, 2)";
    f.plot.y_label = "loss";
    f.emphasize_last = true;
    f.key = "top center";
    f.plot.width = 900;
    f.plot.height = 600;
    std::vector<double> total(w0s.size(), 0.0);
    plot::Overlay kinks{"a margin is zero (a kink)", {}, {}, {}, false};
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
            if (j == i) continue;
            // One hinge term of L = (L0 + L1 + L2) / 3, as a function of the weights (generic path).
            auto term = [&](const Tensor& v) {
                return std::max(0.0, v(0, j) * x[i] - v(0, i) * x[i] + 1.0) / 3.0;
            };
            const optim::Landscape1d slice = optim::landscape_1d(term, w, along_w0, w0s);
            for (std::size_t k = 0; k < w0s.size(); ++k) total[k] += slice.loss[k];
            f.plot.series.push_back({fmt::format("max(0, w{} x{} - w{} x{} + 1) / 3", j, i, i, i), w0s, slice.loss});
            if (i == 0 || j == 0) {  // a term with w0 in it kinks where its margin is zero
                const double wj = j == 0 ? 0.0 : (j == 1 ? w1 : w2), wi = i == 0 ? 0.0 : (i == 1 ? w1 : w2);
                kinks.x.push_back(i == 0 ? wj + 1.0 / x[i] : wi - 1.0 / x[i]);
            }
        }
    // The data loss itself, from the SVM kernel through the fast path: the sum of the terms above.
    const losses::Labels y = {0, 1, 2};
    const optim::Landscape1d loss = optim::linear_landscape_1d(svm_rows(y), xs, w, along_w0, w0s);
    double worst = 0.0;
    for (std::size_t k = 0; k < w0s.size(); ++k) worst = std::max(worst, std::abs(loss.loss[k] - total[k]));
    fmt::print(out.text, "toy: the six hinge terms add up to the SVM loss (largest difference {:.1e})\n", worst);
    std::sort(kinks.x.begin(), kinks.x.end());
    kinks.y = optim::linear_landscape_1d(svm_rows(y), xs, w, along_w0, kinks.x).loss;
    f.plot.series.push_back({"L, their sum", w0s, loss.loss});
    f.marks.push_back(kinks);
    out.draw(f, "svm_toy");
}

// ---------------------------------------------------------------------------------------------
// Figure 5: the optimizer's path on the plane through its start and end, and the step size
// ---------------------------------------------------------------------------------------------

void trajectory(const LandscapeFigureOptions& o, const Data& all, const Tensor& w0, Output& out) {
    // The step-size sweep along the first gradient, and the 1-D slice through it.
    Tensor g;
    svm_loss_and_gradient(all, w0, g);
    const optim::StepSizeSweep sweep =
        optim::step_size_sweep([&](const Tensor& v) { return svm_loss(all, v); }, w0, g);
    const std::vector<double> etas = optim::logspace(1e-11, 1.0, o.line_points);
    const optim::Landscape1d along = optim::linear_landscape_1d(svm_rows(all.y), *all.x, w0, Tensor(-g), etas);
    plot::LineFigure f;
    f.plot.title = "the first gradient step: L(W - eta * dL/dW) for step sizes eta";
    f.plot.x_label = "step size eta";
    f.plot.y_label = "loss";
    f.plot.log_x = true;
    f.plot.log_y = true;
    f.plot.series = {{"L(W - eta g)", etas, along.loss}};
    plot::Overlay marks{"the notes' sweep", sweep.step_sizes, sweep.losses, {}, false};
    for (double eta : sweep.step_sizes) marks.labels.push_back(fmt::format("{:.0e}", eta));
    f.marks.push_back(marks);
    out.draw(f, "svm_step_sizes");
    const double best = sweep.step_sizes[sweep.best()];
    out.result.sweep_best_step = best;
    fmt::print(out.text, "step-size sweep from L = {:.4f}: best 1 step at {:.0e} (L = {:.4f})\n", sweep.loss0,
               best, sweep.losses[sweep.best()]);

    // Gradient descent and minibatch SGD from the same start, the same step size.
    const double eta = o.step_size > 0.0 ? o.step_size : best / 10.0;
    std::vector<Tensor> gd = {w0}, sgd = {w0};
    Tensor w = w0;
    for (std::size_t k = 0; k < o.steps; ++k) {
        svm_loss_and_gradient(all, w, g);
        w -= eta * g;
        gd.push_back(w);
    }
    Random rng(o.seed + 3);
    w = w0;
    std::vector<std::size_t> order = rng.permutation(all.y.size());
    std::size_t next = 0;
    const std::size_t batch = std::min(o.batch, all.y.size());
    for (std::size_t k = 0; k < o.steps; ++k) {
        if (next + batch > order.size()) {
            order = rng.permutation(all.y.size());
            next = 0;
        }
        const std::size_t dims = all.x->shape()[1];
        Tensor xb = zeros({batch, dims});
        losses::Labels yb(batch);
        for (std::size_t i = 0; i < batch; ++i, ++next) {
            std::copy(all.x->data() + order[next] * dims, all.x->data() + (order[next] + 1) * dims,
                      xb.data() + i * dims);
            yb[i] = all.y[order[next]];
        }
        svm_loss_and_gradient(Data{std::make_shared<const Tensor>(std::move(xb)), yb, all.classes}, w, g);
        w -= eta * g;
        sgd.push_back(w);
    }
    out.result.gd_start_loss = svm_loss(all, gd.front());
    out.result.gd_end_loss = svm_loss(all, gd.back());
    out.result.sgd_end_loss = svm_loss(all, sgd.back());
    fmt::print(out.text, "{} steps of size {:.1e}: gradient descent L {:.4f} -> {:.4f}, SGD (batch {}) -> {:.4f}\n",
               o.steps, eta, out.result.gd_start_loss, out.result.gd_end_loss, batch, out.result.sgd_end_loss);

    // The plane through gradient descent's path, the loss on it, both paths projected.
    const optim::Plane plane = optim::trajectory_plane(gd, o.seed + 4);
    const optim::PlaneCoordinates p_gd = optim::project_onto_plane(plane, gd);
    const optim::PlaneCoordinates p_sgd = optim::project_onto_plane(plane, sgd);
    double a_lo = 0.0, a_hi = 1.0, b_lo = 0.0, b_hi = 0.0;
    for (const auto* p : {&p_gd, &p_sgd}) {
        a_lo = std::min(a_lo, *std::min_element(p->a.begin(), p->a.end()));
        a_hi = std::max(a_hi, *std::max_element(p->a.begin(), p->a.end()));
        b_lo = std::min(b_lo, *std::min_element(p->b.begin(), p->b.end()));
        b_hi = std::max(b_hi, *std::max_element(p->b.begin(), p->b.end()));
    }
    const double pad = 0.3 * std::max(a_hi - a_lo, b_hi - b_lo);
    const double a_mid = (a_lo + a_hi) / 2, b_mid = (b_lo + b_hi) / 2;
    const double half = (std::max(a_hi - a_lo, b_hi - b_lo) + 2 * pad) / 2;  // a square window
    const std::vector<double> as = optim::linspace(a_mid - half, a_mid + half, o.grid);
    const std::vector<double> bs = optim::linspace(b_mid - half, b_mid + half, o.grid);
    optim::LandscapeOptions run;
    run.threads = o.threads;
    const optim::Landscape2d slice =
        optim::linear_landscape_2d(svm_rows(all.y), *all.x, plane.origin, plane.d1, plane.d2, as, bs, run);
    double off = 0.0;
    for (double d : p_sgd.off_plane) off = std::max(off, d);
    fmt::print(out.text, "trajectory plane: gradient descent runs (0, 0) -> (1, 0); SGD's path leaves the plane by "
               "up to {:.3g} (|D1| = {:.3g})\n", off, std::sqrt(dot(plane.d1, plane.d1)));

    plot::HeatmapFigure fig{heatmap_of(slice, fmt::format("SVM loss on the plane through gradient descent's "
                                                          "start and end ({} steps of {:.0e})", o.steps, eta)),
                            12, {}};
    fig.map.x_label = "a (start -> end of gradient descent)";
    fig.map.y_label = "b (the path's widest sideways excursion)";
    std::vector<std::string> labels(p_gd.a.size());
    labels.front() = "start";
    labels.back() = "end";
    fig.overlays.push_back({"gradient descent", p_gd.a, p_gd.b, labels, true});
    fig.overlays.push_back({fmt::format("SGD, batch {} (projected)", batch), p_sgd.a, p_sgd.b, {}, true});
    out.draw(fig, "svm_trajectory");
}

}  // namespace

/// Draws every figure into `o.out` and returns the files written.
LandscapeFigureResult run_landscape(const LandscapeFigureOptions& o) {
    std::ostream& text = output(o.out);
    if (o.grid < 2 || o.line_points < 2 || o.steps == 0 || o.batch == 0 || o.threads == 0)
        throw ValueError(fmt::format("landscape: need --grid, --line-points >= 2 and --steps, --batch, "
                                     "--threads >= 1, got {}, {}, {}, {}, {}",
                                     o.grid, o.line_points, o.steps, o.batch, o.threads));
    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    if (ec) throw IoError(fmt::format("landscape: cannot create {}: {}", o.out_dir, ec.message()));

    fmt::print(text, "== Loss landscapes: the loss along a line and across a plane through W ==\n");
    const auto t0 = std::chrono::steady_clock::now();
    const Data all = load(o, text);
    if (o.example >= all.y.size())
        throw ValueError(fmt::format("landscape: --example {} is not one of the {} examples loaded",
                                     o.example, all.y.size()));
    RandomEngine rng(o.seed);
    Tensor w = randn({all.x->shape()[1], all.classes}, rng);
    w *= o.init_scale;
    fmt::print(text, "W = {:g} * randn, shape ({}, {}) with the bias row\n", o.init_scale, w.shape()[0],
               w.shape()[1]);

    Output out{text, o.out_dir, {}, {}};
    slices(o, all, w, out);
    toy(out);
    trajectory(o, all, w, out);
    out.result.seconds = seconds_since(t0);
    out.result.drawn = out.fallback.empty();
    fmt::print(text, "wrote {} files in {} ({:.1f} s):\n", out.result.files.size(), o.out_dir,
               out.result.seconds);
    for (const std::string& f : out.result.files) fmt::print(text, "  {}\n", f);
    if (!out.fallback.empty())  // one line for all figures, not one per figure
        fmt::print(text, "gnuplot not found: the data (.dat) and gnuplot scripts (.gp) are written; to draw "
                         "them, install gnuplot-nox and run: cd {} && for f in *.gp; do gnuplot \"$f\"; done\n",
                   o.out_dir);
    return out.result;
}

int landscape_main(int argc, char** argv) {
    LandscapeFigureOptions o;
    Flags app("landscape",
              "Loss landscapes, the notes' figures drawn from real data: SVM and softmax loss along a "
              "random line and across a random plane, for one example and averaged; the notes' "
              "three-example toy; gradient descent's path and the step size. Each figure is written as "
              "NAME.dat + NAME.gp, and NAME.png + NAME.svg when gnuplot is installed. See "
              "examples/landscape.cpp.");
    add_data_flags(app, o.data);
    app.add_option("--example", o.example, "the example of the single-example figures")->check(whole_number());
    app.add_option("--grid", o.grid, "grid points per side of the 2-D slices (bigger: 101)")->check(whole_number(2));
    app.add_option("--line-points", o.line_points, "points of the 1-D slices")->check(whole_number(2));
    app.add_option("--range", o.range, "offsets a, b run over [-range, range] (0: automatic)")
        ->check(decimal_number(Sign::NonNegative));
    app.add_option("--norm", o.norm, "scale each direction to W: as drawn, as a whole, per row, per class "
                                     "(filter normalization)")
        ->check(CLI::IsMember({"none", "whole", "per-row", "per-class"}));
    app.add_option("--init-scale", o.init_scale, "W = init-scale * randn")->check(decimal_number(Sign::Positive));
    app.add_option("--steps", o.steps, "gradient descent and SGD steps drawn")->check(whole_number(1));
    app.add_option("--step-size", o.step_size, "their step size (0: a tenth of the sweep's best)")
        ->check(decimal_number(Sign::NonNegative));
    app.add_option("--batch", o.batch, "SGD's minibatch size")->check(whole_number(1));
    app.add_option("--seed", o.seed, "seed of W, the directions and SGD's batches")->check(whole_number());
    app.add_option("--threads", o.threads, "threads evaluating each slice")->check(whole_number(1));
    app.add_option("--out", o.out_dir, "directory for the figures");
    return run_program_main(app, argc, argv, [&] {
        run_landscape(o);
        return 0;
    });
}

}  // namespace gradlab::examples
