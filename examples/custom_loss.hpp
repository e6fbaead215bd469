/// \file custom_loss.hpp
/// \brief Write your own loss: options and result, for the tour and the tests, and the four
/// losses the example writes, so that the tests check the example's own code (custom_loss.cpp).
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/metrics.hpp>

namespace gradlab::examples {

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

/// The smooth SVM, composed of tape ops:
/// \f$ L = \frac{1}{N} \sum_i \sum_{j \ne y_i} \log(1 + e^{s_{ij} - s_{i y_i} + 1}) \f$.
Var smooth_svm_composed(const Var& s, const losses::Labels& y);
/// The smooth SVM as a custom op: value and hand-derived dL/ds handed to Tape::record.
Var smooth_svm_op(const Var& s, const losses::Labels& y);
/// The Crammer-Singer hinge, composed of tape ops:
/// \f$ L = \frac{1}{N} \sum_i \max(0, 1 + \max_{j \ne y_i} s_{ij} - s_{i y_i}) \f$.
Var crammer_singer_composed(const Var& s, const losses::Labels& y);
/// The Crammer-Singer hinge as a custom op, recording which class was each row's active best
/// wrong one (its kinks) for the checker.
Var crammer_singer_op(const Var& s, const losses::Labels& y);

/// A smooth SVM and the Crammer-Singer hinge, each written twice, composed and as a custom op,
/// each checked (custom_loss.cpp).
CustomLossResult run_custom_loss(const CustomLossOptions& options);

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int custom_loss_main(int argc, char** argv);

}  // namespace gradlab::examples
