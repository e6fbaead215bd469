/// \file experiments.hpp
/// \brief Declarations only: what the tour and the tests need to call the notes' experiments.
///
/// Each experiment is one file, examples/<name>.cpp, read top to bottom: the notes' section it
/// retells, the experiment function, and its program's main() with the flags. This header holds
/// just the types that cross files -- one options struct in, one result struct out -- and the
/// functions; the story is in the .cpp files. No xtensor here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace gradlab::examples {

// ---------------------------------------------------------------------------------------------
// Data
// ---------------------------------------------------------------------------------------------

/// Where an experiment's examples come from.
enum class DataSource {
    FashionMnist,  ///< Debian's dataset-fashion-mnist (28x28 grey images, 10 classes)
    Cifar10,       ///< CIFAR-10's binary files, for the notes' own numbers (needs `dir`)
    Blobs,         ///< Gaussian blobs: synthetic, instant, no files (tests and smoke runs)
};

/// "fashion-mnist", "cifar-10" or "blobs".
std::string to_string(DataSource source);

/// Parses the names to_string() gives; throws gradlab::ValueError for anything else.
DataSource parse_data_source(const std::string& name);

/// Which examples to load. Features are raw (pixels 0..255, as the notes' strategies use them);
/// each experiment states the preprocessing it applies on top.
struct DataOptions {
    DataSource source = DataSource::FashionMnist;
    std::string dir;             ///< dataset directory; empty: the loader's default
    std::size_t n_train = 5000;  ///< training examples (the first ones); 0 = the whole split
    std::size_t n_test = 10000;  ///< test examples; 0 = the whole split
    /// Blobs only: the generator's seed, the dimension and the spread of each blob.
    std::uint64_t blobs_seed = 7;
    std::size_t blobs_dims = 20;
    double blobs_stddev = 3.0;
};

// ---------------------------------------------------------------------------------------------
// The three strategies (random_search.cpp, random_local_search.cpp, gradient_descent.cpp)
// ---------------------------------------------------------------------------------------------

/// What one strategy reached. Accuracies are fractions in [0, 1].
struct StrategyResult {
    std::string strategy;             ///< "random search", "random local search", "gradient descent"
    double initial_loss = 0.0;        ///< the first loss evaluated
    double best_loss = 0.0;           ///< the lowest training loss reached
    double train_accuracy = 0.0;      ///< accuracy of the best W on the training examples
    double test_accuracy = 0.0;       ///< accuracy of the best W on the test examples
    std::size_t evaluations = 0;      ///< loss evaluations used (a gradient counts as one)
    std::size_t accepted = 0;         ///< candidates that improved the best
    double seconds = 0.0;             ///< wall time of the search itself
    std::vector<double> best_so_far;  ///< running best loss, one entry per evaluation
};

/// Strategy 1, random search: W = scale * randn, `tries` times, keep the best.
struct RandomSearchOptions {
    DataOptions data;
    std::size_t tries = 1000;     ///< guesses (loss evaluations), as in the notes
    double scale = 1e-4;          ///< W = scale * randn, as in the notes
    std::uint64_t seed = 1;       ///< seeds the guesses
    std::size_t print_first = 10; ///< "attempt k" lines printed in full before thinning out
    std::size_t print_every = 100;///< then one line every this many attempts
    std::ostream* out = nullptr;  ///< the story; nullptr = std::cout
};

/// Strategy 1 (random_search.cpp).
StrategyResult run_random_search(const RandomSearchOptions& options);

/// Strategy 2, random local search: from W0 = init_scale * randn, try W + step * randn and keep it
/// only if the loss went down.
struct RandomLocalSearchOptions {
    DataOptions data;
    std::size_t tries = 1000;     ///< proposals (the notes: the same 1000 evaluations)
    double init_scale = 1e-3;     ///< W0 = init_scale * randn (the notes' starting point)
    double step_size = 1e-4;      ///< perturbation scale (the notes: 0.0001)
    std::uint64_t seed = 1;
    std::size_t print_first = 10;
    std::size_t print_every = 100;
    std::ostream* out = nullptr;
};

/// Strategy 2 (random_local_search.cpp).
StrategyResult run_random_local_search(const RandomLocalSearchOptions& options);

/// Strategy 3, following the gradient: full-batch gradient descent from the same W0 as strategy 2.
struct GradientDescentOptions {
    DataOptions data;
    std::size_t steps = 999;      ///< steps + 1 evaluations: the same budget as the other two
    double init_scale = 1e-3;
    /// On raw pixels (0..255) the SVM gradient is large; the notes' sweep also found ~1e-6 best.
    double step_size = 1e-6;
    std::uint64_t seed = 1;
    std::size_t print_every = 100;
    std::ostream* out = nullptr;
};

/// Strategy 3 (gradient_descent.cpp).
StrategyResult run_gradient_descent(const GradientDescentOptions& options);

// ---------------------------------------------------------------------------------------------
// Numerical versus analytic gradient (numerical_gradient.cpp)
// ---------------------------------------------------------------------------------------------

/// Options of run_numerical_gradient().
struct NumericalGradientOptions {
    DataOptions data{DataSource::FashionMnist, {}, 100, 1};  ///< the small batch (n_train rows)
    double init_scale = 1e-4;     ///< W = init_scale * randn
    std::uint64_t seed = 1;
    double h = 1e-5;              ///< the centered differences' step
    std::size_t timing_repeats = 20; ///< analytic gradients timed (their mean is reported)
    /// If set, the directory where the figure numerical_vs_analytic.{png,svg} (every entry of the
    /// gradient, numerical against analytic, and a derivation with a bug) is drawn.
    std::string figures_dir;
    std::ostream* out = nullptr;
};

/// What run_numerical_gradient() measured.
struct NumericalGradientResult {
    double loss0 = 0.0;                  ///< L(W) before any step
    std::vector<double> step_sizes;      ///< the sweep's step sizes, 1e-10 ... 1e-1
    std::vector<double> losses;          ///< L(W - step * numerical gradient) for each
    double best_step_size = 0.0;         ///< the step size with the lowest loss
    double best_loss = 0.0;              ///< that loss
    std::size_t parameters = 0;          ///< elements of W
    std::size_t numerical_evaluations = 0; ///< loss evaluations one numerical gradient took
    double numerical_seconds = 0.0;      ///< wall time of one numerical gradient
    double analytic_seconds = 0.0;       ///< mean wall time of one analytic gradient (tape)
    double max_relative_error = 0.0;     ///< numerical versus analytic, over all elements
};

/// The step-size sweep along the numerical gradient, and its cost (numerical_gradient.cpp).
NumericalGradientResult run_numerical_gradient(const NumericalGradientOptions& options);

/// Options of run_step_size_study(): the V of "choosing h", measured on a real loss.
struct StepSizeStudyOptions {
    /// The few images the losses average over; their pixels are scaled to [0, 1].
    DataOptions data{DataSource::FashionMnist, {}, 20, 1};
    double init_scale = 1e-3;     ///< W = init_scale * randn
    std::uint64_t seed = 1;       ///< seed of W
    std::size_t per_decade = 4;   ///< step sizes per decade, from 1e-16 to 1e-1
    /// If set, the directory where step_size_v.{png,svg} (double) and step_size_float.{png,svg}
    /// (the same loss computed in float) are drawn.
    std::string figures_dir;
    std::ostream* out = nullptr;
};

/// One curve of the study: the relative error of a difference quotient against the analytic
/// derivative, for every step size.
struct StepSizeCurve {
    std::string name;                ///< "softmax, centered", "softmax, forward", ...
    std::vector<double> h;           ///< the step sizes, largest first
    std::vector<double> rel_error;   ///< relative_error(analytic, quotient) at each
    double best_h = 0.0;             ///< the step with the smallest error
    double best_rel_error = 0.0;     ///< that error
    /// Least-squares slope of log10(error) against log10(h) right of the bottom (h >= 10 best_h,
    /// error below 0.1): 2 for centered differences (truncation ~ h^2), 1 for forward ones.
    /// NaN when fewer than three points qualify.
    double right_slope = 0.0;
    /// The same left of the bottom (h <= best_h / 100, error below 0.1): -1 (round-off ~ 1/h).
    double left_slope = 0.0;
};

/// What run_step_size_study() measured, all at one element of W: the one with the largest
/// softmax gradient.
struct StepSizeStudyResult {
    std::vector<std::size_t> element;   ///< its index in W (row, column)
    double softmax_analytic = 0.0;      ///< the softmax loss's analytic derivative there (tape)
    double svm_analytic = 0.0;          ///< the SVM loss's analytic derivative there (tape)
    /// "softmax, centered", "softmax, forward", "SVM, centered", "softmax in float, centered".
    std::vector<StepSizeCurve> curves;
    std::vector<std::string> figures;   ///< images drawn (empty without gnuplot or figures_dir)
};

/// The step-size study of gradlab::step_size_study on the softmax and SVM losses of a few images,
/// next to the forward difference and to the same loss computed in single precision
/// (numerical_gradient.cpp).
StepSizeStudyResult run_step_size_study(const StepSizeStudyOptions& options);

// ---------------------------------------------------------------------------------------------
// Gradient checks (gradient_check.cpp)
// ---------------------------------------------------------------------------------------------

/// Options of run_gradient_check(). The problems are synthetic and small, so that the full checks
/// (2 evaluations per parameter) stay instant.
struct GradientCheckOptions {
    std::size_t n = 8;        ///< examples
    std::size_t dims = 6;     ///< features
    std::size_t classes = 4;  ///< classes
    std::size_t hidden = 5;   ///< hidden units of the two-layer net
    std::size_t samples = 12; ///< coordinates probed by the sparse checks
    double reg = 1e-2;        ///< L2 strength added to every loss (alpha in L + alpha sum W^2)
    std::uint64_t seed = 3;
    bool verbose = false;     ///< print every report in full (else the kink demo's and a summary line each)
    /// If set, the directory where check_errors.{png,svg} is drawn: how the full checks' per-entry
    /// relative errors spread, against the verdict bands.
    std::string figures_dir;
    std::ostream* out = nullptr;
};

/// One check of one loss in one mode.
struct CheckSummary {
    std::string loss;                ///< "softmax (fused)", "two-layer net", ...
    std::string mode;                ///< "full", "sparse", "directional"
    bool smooth = true;              ///< false for losses with kinks (SVM, relu)
    double max_relative_error = 0.0; ///< GradientReport::max_rel_error()
    std::size_t checked = 0;         ///< elements probed
    std::size_t evaluations = 0;     ///< loss evaluations
    std::size_t kinks = 0;           ///< probed elements that crossed a kink
    bool passed = false;
};

/// What run_gradient_check() found.
struct GradientCheckResult {
    std::vector<CheckSummary> checks;  ///< every loss in every mode
    CheckSummary kink_demo;            ///< the SVM at a point one margin sits within h of its kink
    std::string kink_reason;           ///< the report's explanation of that crossing
    double max_smooth_error = 0.0;     ///< largest error over the smooth losses' checks
    bool all_passed = false;           ///< every check, the kink demo included, passed
};

/// The checker on five losses in three modes, then a kink crossing (gradient_check.cpp).
GradientCheckResult run_gradient_check(const GradientCheckOptions& options);

// ---------------------------------------------------------------------------------------------
// Training (train.cpp)
// ---------------------------------------------------------------------------------------------

/// Options of run_train(). The defaults are the measured recipe for >= 83 % test accuracy with a
/// linear softmax classifier on all of Fashion-MNIST.
struct TrainOptions {
    DataOptions data{DataSource::FashionMnist, {}, 0, 0};  ///< 0 = all 60000 / 10000
    /// Training examples held out for per-epoch validation accuracy, which picks the epoch whose W
    /// is kept; 0 = no validation (train on all, keep the last W). Unset: 5000, or a tenth of
    /// the training split if that is fewer (default_validation()).
    std::optional<std::size_t> validation;
    std::string loss = "softmax";   ///< "softmax" or "svm"
    std::string optimizer = "adam"; ///< "sgd", "momentum" or "adam"
    double lr = 1e-3;               ///< learning rate
    double reg = 1e-5;              ///< L2 strength alpha (L = data loss + alpha sum W^2)
    std::size_t epochs = 10;
    std::size_t batch_size = 128;
    std::uint64_t seed = 0;         ///< initial W and minibatch order
    bool progress_bar = false;      ///< live bar on a terminal (else one line per epoch)
    std::string csv;                ///< if set, the loss / accuracy history as CSV
    std::ostream* out = nullptr;
};

/// What run_train() reached.
struct TrainResult {
    std::vector<double> train_loss;   ///< mean training loss per epoch
    std::vector<double> val_accuracy; ///< validation accuracy per epoch
    std::size_t best_epoch = 0;       ///< the epoch whose W was kept
    double train_accuracy = 0.0;      ///< of the kept W on the training examples
    double test_accuracy = 0.0;       ///< of the kept W on the test split
    std::size_t n_train = 0;          ///< examples trained on
    double seconds = 0.0;             ///< wall time of training
};

/// TrainOptions::validation when it is unset: min(5000, n_train / 10) for n_train training
/// examples (5000 for Fashion-MNIST's 60000 and CIFAR-10's 50000).
std::size_t default_validation(std::size_t n_train);

/// Minibatch training of a linear classifier (train.cpp).
TrainResult run_train(const TrainOptions& options);

// ---------------------------------------------------------------------------------------------
// Write your own loss (custom_loss.cpp)
// ---------------------------------------------------------------------------------------------

/// Options of run_custom_loss().
struct CustomLossOptions {
    std::ostream* out = nullptr;  ///< the story; nullptr = std::cout
    /// If set, the directory where own_loss_slice.{png,svg} is drawn: the smooth SVM, the
    /// Crammer-Singer hinge and the multiclass SVM along one random direction through W.
    std::string figures_dir;
};

/// One route to the user's loss.
struct CustomLossRoute {
    std::string route;               ///< "composed" or "custom op"
    double loss = 0.0;               ///< its value at the check point
    double max_relative_error = 0.0; ///< the checker's verdict on its gradient
    bool passed = false;
    std::size_t kinks = 0;           ///< checked elements that crossed a kink (accepted as subgradients)
};

/// What run_custom_loss() found: both routes, checked.
struct CustomLossResult {
    std::vector<CustomLossRoute> routes;       ///< the smooth SVM, checked in dL/dW
    std::vector<CustomLossRoute> kink_routes;  ///< Crammer-Singer, checked in dL/ds on its kinks
    bool all_passed = false;
};

/// A smooth SVM and the Crammer-Singer hinge, each written twice, composed and as a custom op,
/// each checked (custom_loss.cpp).
CustomLossResult run_custom_loss(const CustomLossOptions& options);

// ---------------------------------------------------------------------------------------------
// The tape, drawn (tape_graph.cpp)
// ---------------------------------------------------------------------------------------------

/// Options of run_tape_graph().
struct TapeGraphOptions {
    std::size_t n = 3;           ///< examples in the tiny batch
    std::size_t dims = 4;        ///< features
    std::size_t classes = 3;     ///< classes
    double reg = 0.1;            ///< L2 strength, so the graph shows the full loss
    std::uint64_t seed = 5;
    std::string out_dir = "tape-graph-output"; ///< where tape_graph.dot (and .png) go
    bool render = true;          ///< run Graphviz's `dot -Tpng` when it is installed
    std::ostream* out = nullptr;
};

/// What run_tape_graph() wrote.
struct TapeGraphResult {
    double loss = 0.0;           ///< the full loss's value
    std::size_t nodes = 0;       ///< nodes on the tape
    std::string table;           ///< the printed tape table
    std::string dot_path;        ///< the DOT file written
    std::string png_path;        ///< the PNG rendered, or "" if `dot` was missing or not asked
};

/// The SVM loss of a tiny batch, its tape printed and drawn (tape_graph.cpp).
TapeGraphResult run_tape_graph(const TapeGraphOptions& options);

// ---------------------------------------------------------------------------------------------
// Loss landscapes (landscape.cpp)
// ---------------------------------------------------------------------------------------------

/// Options of run_landscape(): the data, the slices' sizes, the directions, the trajectory.
struct LandscapeFigureOptions {
    /// The examples the mean loss averages over (n_train of them, raw pixels plus the bias column).
    DataOptions data{DataSource::FashionMnist, {}, 500, 1};
    std::size_t example = 0;       ///< the example of the single-example figures
    std::size_t grid = 41;         ///< grid points per side of every 2-D slice
    std::size_t line_points = 401; ///< points of every 1-D slice
    double range = 0.0;            ///< slices run over [-range, range]; 0 = automatic (4 / rms(X D1))
    std::string norm = "none";     ///< direction scaling: none, whole, per-row, per-class
    double init_scale = 1e-4;      ///< W = init_scale * randn: a random W, as in the notes
    std::size_t steps = 30;        ///< gradient descent and SGD steps of the trajectory
    double step_size = 0.0;        ///< their step size; 0 = a tenth of the sweep's best
    std::size_t batch = 50;        ///< SGD's minibatch size
    std::uint64_t seed = 1;        ///< W, the directions and SGD's batches
    unsigned threads = 2;          ///< threads evaluating each slice
    std::string out_dir = "landscape-output"; ///< where the figures go
    std::ostream* out = nullptr;   ///< the story; nullptr = std::cout
};

/// What run_landscape() wrote and the numbers it printed.
struct LandscapeFigureResult {
    std::vector<std::string> figures; ///< figure names: svm_1d, svm_2d_one, ..., svm_trajectory
    std::vector<std::string> files;   ///< every file written: NAME.dat, NAME.gp (+ .png, .svg)
    bool drawn = false;               ///< gnuplot drew the images
    std::size_t kinks = 0;            ///< kinks of the single example's SVM slice within range
    double sweep_best_step = 0.0;     ///< the step-size sweep's best step at W
    double gd_start_loss = 0.0;       ///< SVM loss at W
    double gd_end_loss = 0.0;         ///< after the gradient descent steps
    double sgd_end_loss = 0.0;        ///< after as many SGD steps
    double slice_seconds = 0.0;       ///< time in the 1-D and 2-D slices of figures 1-3
    double seconds = 0.0;             ///< wall time of the whole run
};

/// The notes' loss-landscape figures: SVM and softmax slices along a random line and across a
/// random plane (one example, and the mean), the three-example hinge toy, gradient descent's and
/// SGD's paths on the plane through their start and end, and the first gradient step's slice with
/// the step-size sweep marked. Each figure as NAME.dat + NAME.gp in out_dir, and NAME.png +
/// NAME.svg when gnuplot is installed.
LandscapeFigureResult run_landscape(const LandscapeFigureOptions& options);

// ---------------------------------------------------------------------------------------------
// The benchmark table, drawn (bench_chart.cpp)
// ---------------------------------------------------------------------------------------------

/// One row of the table `bench/compare` prints: a workload under one implementation and thread
/// count, as medians in milliseconds.
struct BenchRow {
    std::string workload;         ///< "svm loss + dL/dW, dL/db", "softmax loss + dL/dW, dL/db"
    std::string implementation;   ///< "gradlab fused", "numpy", "PyTorch autograd", ...
    unsigned threads = 0;         ///< 1 or 2
    double real_ms = 0.0;         ///< wall-clock median
    double cpu_ms = 0.0;          ///< whole-process CPU-time median
};

/// The workload rows of bench/compare's table (its lines `| svm loss ... |` and
/// `| softmax loss ... |`), and the floor (`| bound | floor: ... |`, NaN when absent).
struct BenchTable {
    std::vector<BenchRow> rows;  ///< in the table's order
    double floor_ms = 0.0;       ///< the workload's FLOPs at the square-dgemm rate
};

/// Reads bench/compare's printed output. Throws ValueError naming the line when a workload row has
/// too few cells or a cell that is not a number, and when there is no workload row at all.
BenchTable parse_compare_table(std::istream& in);

/// Options of run_bench_chart().
struct BenchChartOptions {
    std::string table;             ///< a file holding bench/compare's output
    std::string out_dir = ".";     ///< where bench_medians.{png,svg} go
    std::ostream* out = nullptr;
};

/// What run_bench_chart() read and drew.
struct BenchChartResult {
    BenchTable table;
    /// Per workload and implementation, the best real-time median over the thread counts, as
    /// drawn: best[w][i] for workload w and implementation i (NaN: not in the table).
    std::vector<std::string> workloads;
    std::vector<std::string> implementations;
    std::vector<std::vector<double>> best_ms;
    std::vector<std::string> figures;  ///< images drawn (empty without gnuplot)
};

/// Draws bench/compare's medians as grouped bars, one group per workload, with the floor
/// (bench_chart.cpp).
BenchChartResult run_bench_chart(const BenchChartOptions& options);

// ---------------------------------------------------------------------------------------------
// The tour (tour.cpp)
// ---------------------------------------------------------------------------------------------

/// Options of run_tour().
struct TourOptions {
    DataOptions data;             ///< the strategies' data; the other steps derive theirs from it
    std::size_t tries = 1000;     ///< evaluations per strategy
    std::size_t epochs = 5;       ///< the training step's epochs (on all of the training split)
    /// Strategy 3's step size; 0 = the best one of the step-size sweep that runs just before it.
    double gd_step_size = 0.0;
    bool smoke = false;           ///< seconds-long sizes everywhere (tests, CI)
    std::string out_dir = "tour-output"; ///< files the tour writes (tape graph, plots, CSV)
    std::uint64_t seed = 1;
    std::ostream* out = nullptr;
};

/// One timed step of the tour.
struct TourTiming {
    std::string step;
    double seconds = 0.0;
};

/// The numbers the tour's summary shows.
struct TourResult {
    std::vector<StrategyResult> strategies;  ///< random search, random local search, gradient descent
    TrainResult train;                       ///< minibatch training on the whole training split
    NumericalGradientResult numerical;
    GradientCheckResult checks;
    CustomLossResult custom_loss;
    TapeGraphResult tape_graph;
    LandscapeFigureResult landscape;         ///< the loss-landscape figures
    std::vector<TourTiming> timings;         ///< wall time of each step
    std::vector<std::string> files;          ///< files written under out_dir
    std::string summary;                     ///< the final summary table, as printed
    double seconds = 0.0;                    ///< wall time of the whole tour
};

/// Every experiment above in the notes' order, then a summary table (tour.cpp).
TourResult run_tour(const TourOptions& options);

/// `base` shrunk to a seconds-long run (300 training and 200 test examples, 40 evaluations per
/// strategy, 2 epochs); the data source stays as given (`tour --smoke` picks blobs unless --data
/// says otherwise).
TourOptions smoke_tour_options(TourOptions base = {});

// ---------------------------------------------------------------------------------------------
// The programs
// ---------------------------------------------------------------------------------------------

/// The programs' bodies, one at the end of each experiment's file: parse the flags, run the
/// experiment, return the exit status (0, 1 if a check failed or an error was reported, 2 for a
/// bad flag). Each program's main() is program_main.cpp, compiled with the name of one of these.
int random_search_main(int argc, char** argv);
/// \copydoc random_search_main
int random_local_search_main(int argc, char** argv);
/// \copydoc random_search_main
int gradient_descent_main(int argc, char** argv);
/// \copydoc random_search_main
int numerical_gradient_main(int argc, char** argv);
/// \copydoc random_search_main
int gradient_check_main(int argc, char** argv);
/// \copydoc random_search_main
int train_main(int argc, char** argv);
/// \copydoc random_search_main
int custom_loss_main(int argc, char** argv);
/// \copydoc random_search_main
int tape_graph_main(int argc, char** argv);
/// \copydoc random_search_main
int landscape_main(int argc, char** argv);
/// \copydoc random_search_main
int tour_main(int argc, char** argv);
/// \copydoc random_search_main
int bench_chart_main(int argc, char** argv);

}  // namespace gradlab::examples
