/// \file numerical_gradient.hpp
/// \brief The numerical versus the analytic gradient: options and result, for the tour and the tests (numerical_gradient.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "support/experiment.hpp"

namespace gradlab::examples {

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

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int numerical_gradient_main(int argc, char** argv);

}  // namespace gradlab::examples
