/// \file landscape.hpp
/// \brief Loss landscapes: options and result, for the tour and the tests (landscape.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "support/experiment.hpp"

namespace gradlab::examples {

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

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int landscape_main(int argc, char** argv);

}  // namespace gradlab::examples
