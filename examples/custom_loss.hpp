/// \file custom_loss.hpp
/// \brief Write your own loss: options and result, for the tour and the tests (custom_loss.cpp).
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace gradlab::examples {

/// Options of run_custom_loss().
struct CustomLossOptions {
    std::ostream* out = nullptr;
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

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int custom_loss_main(int argc, char** argv);

}  // namespace gradlab::examples
