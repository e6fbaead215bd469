/// \file gradient_check.hpp
/// \brief Gradient checks: options and result, for the tour and the tests (gradient_check.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace gradlab::examples {

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

/// The program's body: parses the flags, runs the experiment, returns the exit status (0; 1 if a
/// check failed or an error was reported; 2 for a bad flag). Its main() is program_main.cpp.
int gradient_check_main(int argc, char** argv);

}  // namespace gradlab::examples
