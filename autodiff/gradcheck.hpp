/// \file gradcheck.hpp
/// \brief Numerical gradients by centered differences, and checking analytic gradients with them.
///
/// The checker knows nothing of the tape: it takes any callable `double f(const Tensor&)` (or, for
/// several inputs such as W and b, `double f(const std::vector<Tensor>&)`), so it serves
/// hand-written gradients as well as the tape's (optimization notes, "Computing the gradient
/// numerically with finite differences" and "gradient check").
///
/// The pieces, from cheap to thorough:
/// - numerical_gradient(), numerical_gradient_array(): the estimates themselves;
/// - relative_error() and verdict_for(): how two numbers are compared and judged;
/// - check_gradient() / check_gradients(): full, sparse or directional checks that return a
///   GradientReport, which prints with fmt as a table a learner can act on;
/// - step_size_study(): why h = 1e-5 and not 1e-12 (truncation versus round-off).
///
/// \par Threads
/// Options with `threads != 1` probe the coordinates on several std::threads, each with its own
/// copy of the inputs. `f` is then called concurrently and must be thread-safe: it may read
/// shared data (the training set) but must not write to anything shared, including a tape or a
/// cache it captured. While the threads run, OpenBLAS (if it is the BLAS in use) is pinned to one
/// thread of its own and restored afterwards, so that N probing threads don't each start a BLAS
/// thread pool (oversubscription). That pin is process-wide; if other threads of your program run
/// BLAS at the same time, set `OPENBLAS_NUM_THREADS=1` in the environment instead. Concurrent
/// threaded checks share the pin (reference-counted under a mutex): the first one saves
/// OpenBLAS's thread count, the last one to finish restores it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tensor.hpp"

namespace gradlab {

/// A scalar function of one tensor: a loss as a function of the parameters.
using ScalarFn = std::function<double(const Tensor&)>;

/// A scalar function of several tensors (W and b, say), in the order of the inputs list.
using MultiScalarFn = std::function<double(const std::vector<Tensor>&)>;

/// A tensor-valued function of one tensor: a single op's forward pass.
using ArrayFn = std::function<Tensor(const Tensor&)>;

/// An analytic gradient of one input: returns df/dx, shaped like x.
using GradientFn = std::function<Tensor(const Tensor&)>;

/// Analytic gradients of several inputs: returns df/dx_k for every input k, each shaped like it.
using MultiGradientFn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

/// The default step of the centered differences: small enough that the truncation error
/// (\f$ \propto h^2 \f$) is tiny, large enough that round-off (\f$ \propto \epsilon / h \f$) is
/// too; see step_size_study().
inline constexpr double kDefaultStep = 1e-5;

/// The smallest step the numerical gradients and checks accept. Each value of f carries a
/// rounding error of about \f$ \epsilon |f| \f$ (\f$ \epsilon \approx 2.2 \cdot 10^{-16} \f$), and
/// the centered difference divides it by 2h: below \f$ h = 10^{-8} \f$ that round-off
/// (\f$ > 10^{-8} |f| \f$) drowns the digits a gradient check reads, and a round-off allowance
/// wide enough to cover it would let a wrong gradient pass. (step_size_study() accepts any
/// positive h: it exists to show this.)
inline constexpr double kMinStep = 1e-8;

/// The largest step accepted: above it the truncation error (\f$ h^2 |f^{(3)}| / 6 \f$) and the
/// curvature seen by the one-sided slopes (\f$ h |f^{(2)}| \f$, which the kink test reads) grow
/// large enough to hide a wrong gradient.
inline constexpr double kMaxStep = 1e-2;

/// The largest Tolerance::roundoff_factor accepted: with h >= kMinStep, the allowance it grants
/// stays below \f$ 2.2 \cdot 10^{-5} |f| \f$, so a gross error cannot pass as round-off.
inline constexpr double kMaxRoundoffFactor = 1e3;

/// Tolerance::max_relative_error must stay below this: the "WRONG" band (verdict_for()) can
/// never be tolerated.
inline constexpr double kWrongBand = 1e-2;

/// The largest Tolerance::abs_floor accepted: a floor is for differences between numbers that
/// are both round-off noise, not for gradients of ordinary size.
inline constexpr double kMaxAbsFloor = 1e-6;

// ---------------------------------------------------------------------------------------------
// Numerical gradients
// ---------------------------------------------------------------------------------------------

/// The gradient of `f` at `x` by centered differences:
/// \f$ \partial f / \partial x_i \approx [f(x + h e_i) - f(x - h e_i)] / 2h \f$ for every element
/// of `x`, whatever its rank. Costs 2 * x.size() evaluations of `f`. `x` is probed in place and
/// each element is restored bit for bit after its probe, so `f` may read `x` through a closure.
/// Throws ValueError if h is outside [kMinStep, kMaxStep] (the message explains round-off), or so
/// small next to an element that \f$ x_i \pm h \f$ rounds back to \f$ x_i \f$.
Tensor numerical_gradient(const ScalarFn& f, Tensor& x, double h = kDefaultStep);

/// As above for a `x` that may not be modified: probes a copy (so `f` must use its argument,
/// not a closure over `x`).
Tensor numerical_gradient(const ScalarFn& f, const Tensor& x, double h = kDefaultStep);

/// How to compute a full numerical gradient.
struct NumericalOptions {
    double h = kDefaultStep;  ///< the step of the centered differences
    /// Threads probing coordinates, each on its own copy of x: 1 = serial, 0 = one per hardware
    /// core. With more than one, `f` must be thread-safe (see the file comment).
    unsigned threads = 1;
};

/// The centered-difference gradient of `f` at `x` (a copy is probed), optionally on several
/// threads: thread t probes its own copy of `x` over a contiguous slice of the coordinates. A
/// thread that cannot be started (the system is out of threads or memory) is not an error: its
/// slice is probed on the calling thread instead, with the same result.
Tensor numerical_gradient(const ScalarFn& f, const Tensor& x, const NumericalOptions& options);

/// The vector-Jacobian product of a tensor-valued `f` by centered differences:
/// \f$ g_i = \sum_k u_k \, \partial f_k / \partial x_i
///        \approx \sum_k u_k [f_k(x + h e_i) - f_k(x - h e_i)] / 2h \f$,
/// where `upstream` (u) has the shape of f(x). This is what a single op's backward computes from
/// the gradient flowing into its output, so it checks one op in isolation. Costs 2 * x.size() + 1
/// evaluations. Throws ShapeError if `upstream` is not shaped like f(x).
Tensor numerical_gradient_array(const ArrayFn& f, const Tensor& x, const Tensor& upstream,
                                double h = kDefaultStep);

// ---------------------------------------------------------------------------------------------
// Comparing and judging
// ---------------------------------------------------------------------------------------------

/// The relative error between an analytic value `a` and a numerical value `n`:
/// \f$ |a - n| / \max(|a|, |n|, \mathrm{floor}) \f$.
/// - 0/0 rule: if `a == n` (two exact zeros included) the error is 0 -- they agree perfectly.
/// - Absolute floor: when both values are smaller than `abs_floor`, the difference is measured
///   against the floor instead, so two tiny numbers that differ only by noise (1e-14 vs 3e-14)
///   are not called 67% apart.
/// - Non-finite input gives NaN (never "agrees").
double relative_error(double a, double n, double abs_floor = 1e-10);

/// The bands of the gradient-check folklore, for a relative error r:
enum class Verdict {
    Good,                 ///< r < 1e-7: the gradient is right
    AcceptableWithKinks,  ///< 1e-7 <= r < 1e-4: fine where the function has kinks, suspect elsewhere
    Uncomfortable,        ///< 1e-4 <= r < 1e-2: usually a bug, or severe precision trouble
    ProbablyWrong,        ///< r >= 1e-2 (or NaN): the analytic gradient is wrong here
};

/// The band a relative error falls in (NaN is ProbablyWrong).
Verdict verdict_for(double relative_error);

/// "good", "ok if kinks", "uncomfortable", "WRONG".
std::string to_string(Verdict v);

// ---------------------------------------------------------------------------------------------
// Checking an analytic gradient
// ---------------------------------------------------------------------------------------------

/// One tensor the loss depends on, with the name reports use ("W", "b").
struct NamedInput {
    std::string name;  ///< shown in the report
    Tensor value;      ///< the point at which the gradient is checked
};

/// When an element passes. check_gradient() refuses settings under which a wrong gradient could
/// pass: max_relative_error must be in (0, kWrongBand), abs_floor in [0, kMaxAbsFloor],
/// roundoff_factor in [0, kMaxRoundoffFactor], kink_min_gap >= 0, all finite.
struct Tolerance {
    /// An element passes when its relative error is at most this (the "good" band by default;
    /// raise it to 1e-4 for long float-like chains, never to hide a WRONG verdict).
    double max_relative_error = 1e-7;
    /// Floor of relative_error()'s denominator (see there).
    double abs_floor = 1e-10;
    /// Round-off allowance: a difference |a - n| below
    /// \f$ \mathrm{roundoff\_factor} \cdot \epsilon \cdot \max(|f(x \pm h e_i)|) / h \f$
    /// is below what centered differences can resolve, and passes (reported as precision trouble,
    /// not as agreement). The factor covers rounding accumulated inside f.
    double roundoff_factor = 100.0;
    /// One-sided slopes count as "differing" (a kink lies within h) when they differ by more than
    /// this times the larger of them. A smooth f gives a gap of about h |f''|, so at h = 1e-5 only
    /// curvature above 10 |f'| could pass for a kink; the step-size study tells the two apart.
    double kink_min_gap = 1e-4;
};

/// Which elements a check probes.
///
/// \par Sparse
/// `CheckOptions::samples` (k) elements are drawn without repeats from a std::mt19937_64 seeded
/// with `CheckOptions::seed`, so the same seed draws the same elements (the bounded draws use the
/// generator's raw output, not std::uniform_int_distribution, whose algorithm varies between
/// standard libraries). The k samples are stratified over the inputs: each input first gets an
/// equal share k/m, capped at its size, and what capped inputs cannot take is shared again among
/// the rest -- so a bias b of 10 elements next to a W of 30730 is checked in full (k >= 20), not
/// starved as proportional sampling (k * 10 / 30740) would.
///
/// \par Directional
/// Draws one random direction v (standard normal entries, from `seed`, scaled to unit length
/// over all inputs together) and compares the analytic directional derivative
/// \f$ \langle \nabla f, v \rangle \f$ with \f$ [f(x + hv) - f(x - hv)] / 2h \f$: 3 evaluations of
/// f instead of 2 per element. Why one direction suffices: if the analytic gradient g differs from
/// the true one by an error e != 0, the check misses it only when \f$ \langle e, v \rangle = 0 \f$,
/// i.e. when v lies in the hyperplane orthogonal to e. A hyperplane has probability zero under a
/// continuous (Gaussian) distribution, so in exact arithmetic a wrong gradient is caught with
/// probability 1. (A discrete direction such as random +-1 signs would not do: e = (1, -1) is
/// missed by v = (1, 1) half the time.) In floating point the tolerance must allow for
/// - truncation and round-off of the centered difference, as for one element (h^2 |f'''| and
///   eps |f| / h), handled like an element's (Tolerance::roundoff_factor);
/// - the size of the signal: an error e_k in one element shifts the dot product by e_k v_k, with
///   |v_k| about 1/sqrt(n), while the dot product itself is about |g| / sqrt(n); the relative
///   change is therefore about e_k / |g| (the whole gradient's norm), not e_k / |g_k|. An error
///   in an element much smaller than the gradient's norm can hide below the tolerance -- the full
///   or sparse checks judge every element on its own scale;
/// - kinks: moving every coordinate at once crosses more kinks than moving one; a crossing is
///   recognised by its one-sided slopes along v, as for one element.
/// On failure every element is then checked one at a time (a Full check, with `threads`) to find
/// the wrong ones; the report keeps both results.
enum class CheckMethod {
    Full,         ///< every element of every input: 2 * size evaluations
    Sparse,       ///< `samples` random elements, shared out over the inputs (see above)
    Directional,  ///< one random direction: 3 evaluations, coordinate fallback on failure
};

/// What a kink-reason callback is told about a coordinate that crossed a kink.
struct KinkProbe {
    std::size_t input;                      ///< which input (index into the inputs list)
    std::size_t flat_index;                 ///< which element of it, row-major
    const std::vector<Tensor>* plus;        ///< all inputs, with this element at x + h
    const std::vector<Tensor>* minus;       ///< all inputs, with this element at x - h
};

/// Explains a kink crossing ("relu #3 flipped branch"); returns "" when it has nothing to say.
/// The tape's checker overload fills this from its kink ops' remembered branches.
using KinkReasonFn = std::function<std::string(const KinkProbe&)>;

/// Everything a check can be told. Defaults: full check, h = 1e-5, serial.
///
/// \par Kinks
/// Where the centered difference disagrees with the analytic value, the checker also forms the
/// one-sided slopes \f$ [f(x) - f(x - h)]/h \f$ and \f$ [f(x + h) - f(x)]/h \f$ (no extra
/// evaluations: f(x) is known). If they differ (Tolerance::kink_min_gap), a kink such as
/// max(0, .) at its margin lies within h: the centered difference then averages two different
/// slopes and is no reference, but any analytic value between the two slopes is a valid
/// subgradient, so the element passes as "crosses a kink". `kink_reason` may then say which kink
/// it was; the tape's checker fills it with the op whose branch flipped.
struct CheckOptions {
    double h = kDefaultStep;                  ///< step of the centered differences
    Tolerance tolerance{};                    ///< when an element passes
    CheckMethod method = CheckMethod::Full;   ///< which elements are probed
    std::size_t samples = 0;                  ///< Sparse: how many elements in all (k)
    std::uint64_t seed = 0x5eedULL;           ///< Sparse / Directional: the std::mt19937_64 seed
    bool keep_rows = false;                   ///< keep a row per checked element (else: failures,
                                              ///< kink crossings and the worst element only)
    unsigned threads = 1;                     ///< see NumericalOptions::threads
    KinkReasonFn kink_reason;                 ///< optional: fills GradientRow::kink_reason
};

/// One checked element.
struct GradientRow {
    std::vector<std::size_t> index;  ///< multi-index into its input
    std::size_t flat = 0;            ///< row-major flat index
    double analytic = 0.0;           ///< the analytic gradient's value
    double numerical = 0.0;          ///< the centered difference
    double rel_error = 0.0;          ///< relative_error(analytic, numerical)
    Verdict verdict = Verdict::Good; ///< band of rel_error
    bool within_roundoff = false;    ///< |a - n| is below the round-off level: passes, unresolved
    bool crosses_kink = false;       ///< the one-sided slopes differ: a kink lies within h
    double slope_minus = 0.0;        ///< [f(x) - f(x - h)] / h (filled when the centered one disagrees)
    double slope_plus = 0.0;         ///< [f(x + h) - f(x)] / h
    bool passed = true;              ///< within tolerance, round-off, or a subgradient at a kink
    std::string kink_reason;         ///< why the kink is there, when a KinkReasonFn said so
};

/// The check of one input.
struct InputReport {
    std::string name;                 ///< the input's name
    Shape shape;                      ///< its shape
    std::size_t size = 0;             ///< its number of elements
    std::size_t checked = 0;          ///< how many of them were probed
    std::size_t failures = 0;         ///< probed elements that failed
    std::size_t kinks = 0;            ///< probed elements that crossed a kink
    std::size_t roundoff = 0;         ///< probed elements judged at round-off level
    /// Largest relative error over the probed elements judged by it: elements accepted because
    /// they cross a kink or sit at round-off level are left out (their relative error is large
    /// by nature and says nothing about the gradient).
    double max_rel_error = 0.0;
    /// The element to act on: the failing one with the largest relative error; if none fails, the
    /// largest relative error among those judged by it; else any probed element.
    std::optional<GradientRow> worst;
    std::vector<GradientRow> rows;    ///< see CheckOptions::keep_rows
    bool passed = true;               ///< no failures
};

/// The directional part of a Directional check.
struct DirectionalResult {
    double analytic = 0.0;   ///< \f$ \langle \nabla f, v \rangle \f$ from the analytic gradient
    double numerical = 0.0;  ///< \f$ [f(x + hv) - f(x - hv)] / 2h \f$
    double rel_error = 0.0;  ///< relative_error(analytic, numerical)
    bool crosses_kink = false;  ///< the one-sided slopes along v differ
    bool passed = true;         ///< agrees (or lies between the one-sided slopes at a kink)
};

/// The result of check_gradient(): prints with fmt as a table and a summary.
struct GradientReport {
    std::vector<InputReport> inputs;             ///< one per input, in order
    CheckMethod method = CheckMethod::Full;      ///< how elements were chosen
    double h = kDefaultStep;                     ///< the step used
    Tolerance tolerance{};                       ///< the tolerance used
    std::uint64_t seed = 0;                      ///< Sparse / Directional seed
    std::optional<DirectionalResult> directional;///< set by a Directional check
    bool fell_back = false;                      ///< Directional failed; coordinates were checked
    std::size_t evaluations = 0;                 ///< calls of f this check made
    bool passed = true;                          ///< every input passed

    /// Largest InputReport::max_rel_error (0 if no element was probed).
    double max_rel_error() const;
    /// Elements probed in all.
    std::size_t checked() const;
    /// The input holding the worst element, or nullptr if no element was probed.
    const InputReport* worst_input() const;
    /// A few sentences a learner can act on: what failed, kinks, precision trouble, the h used.
    std::string summary() const;
};

/// Checks an analytic gradient of a function of several named inputs -- the core entry point.
/// `analytic[k]` must have the shape of `inputs[k].value`. `f` receives the inputs' values in
/// order, one element moved by +-h. Throws ShapeError for mismatched shapes or empty inputs,
/// ValueError for a bad h, a non-finite f, or `samples` larger than the elements available.
GradientReport check_gradients(const MultiScalarFn& f, const std::vector<Tensor>& analytic,
                               const std::vector<NamedInput>& inputs,
                               const CheckOptions& options = {});

/// As above with the analytic gradients computed by `gradient` at the inputs.
GradientReport check_gradients(const MultiScalarFn& f, const MultiGradientFn& gradient,
                               const std::vector<NamedInput>& inputs,
                               const CheckOptions& options = {});

/// Checks an analytic gradient of a function of one tensor (reported as input "x").
GradientReport check_gradient(const ScalarFn& f, const Tensor& analytic, const Tensor& x,
                              const CheckOptions& options = {});

/// As above with the analytic gradient computed by `gradient` at x.
GradientReport check_gradient(const ScalarFn& f, const GradientFn& gradient, const Tensor& x,
                              const CheckOptions& options = {});

/// The report as text: per input a table (index | analytic | numerical | rel. error | verdict)
/// of the rows kept, then the summary. This is what `fmt::format("{}", report)` prints.
std::string format_report(const GradientReport& report);

// ---------------------------------------------------------------------------------------------
// Step-size study
// ---------------------------------------------------------------------------------------------

/// One step size of a step-size study.
struct StepSizeRow {
    double h = 0.0;          ///< the step
    double numerical = 0.0;  ///< the centered difference at this h
    double abs_error = 0.0;  ///< |numerical - analytic|
    double rel_error = 0.0;  ///< relative_error(analytic, numerical)
};

/// How the centered difference for one element depends on h: the total error is truncation
/// (\f$ \approx h^2 |f'''| / 6 \f$, falls as h shrinks) plus round-off
/// (\f$ \approx \epsilon |f| / h \f$, grows as h shrinks), so on a log-log plot it draws a V
/// whose bottom is near \f$ h \approx \epsilon^{1/3} \approx 10^{-5} \f$.
struct StepSizeStudy {
    std::vector<std::size_t> index;  ///< the element studied
    double analytic = 0.0;           ///< its analytic derivative
    std::vector<StepSizeRow> rows;   ///< one per h, largest h first
    /// The row with the smallest error.
    const StepSizeRow& best() const;
};

/// Studies element `flat_index` of x (row-major) over `steps` (default 1e-1, 1e-2, ..., 1e-12).
/// Throws ValueError for a non-positive step, non-finite f or analytic value, ShapeError for an
/// empty x or an index out of range.
StepSizeStudy step_size_study(const ScalarFn& f, const Tensor& x, std::size_t flat_index,
                              double analytic, std::vector<double> steps = {});

/// The study as text: h | numerical | abs. error | rel. error | a log-scale bar drawing the V.
std::string format_study(const StepSizeStudy& study);

}  // namespace gradlab

/// \cond FMT_GLUE
// Prints a GradientReport through format_report().
template <>
struct fmt::formatter<gradlab::GradientReport> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const gradlab::GradientReport& r, FormatContext& ctx) const {
        return fmt::formatter<std::string_view>::format(gradlab::format_report(r), ctx);
    }
};
/// \endcond

/// \cond FMT_GLUE
// Prints a StepSizeStudy through format_study().
template <>
struct fmt::formatter<gradlab::StepSizeStudy> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const gradlab::StepSizeStudy& s, FormatContext& ctx) const {
        return fmt::formatter<std::string_view>::format(gradlab::format_study(s), ctx);
    }
};
/// \endcond
