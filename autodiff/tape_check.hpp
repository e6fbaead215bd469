/// \file tape_check.hpp
/// \brief Checking a tape-built loss in one line: the gradient checker, fed by the tape.
///
/// \code
/// auto report = gradlab::check_gradients(
///     [&](gradlab::Tape& t, const std::vector<gradlab::Var>& p) {
///         return mean(relu(matmul(t.constant(X), p[0]) + p[1]));
///     },
///     {{"W", W0}, {"b", b0}});
/// fmt::print("{}\n", report);
/// \endcode
///
/// The loss function is run once on a tape (inputs as variables) and backpropagated for the
/// analytic gradient, and again, as a plain function of the input tensors, at every probe for
/// the numerical one. Where the checker finds that a coordinate crosses a kink, the loss is
/// rebuilt at \f$ x \pm h e_i \f$ and the two tapes' recorded branches (Node::branch) are compared
/// node by node, so the report says which op's kink it was:
/// "coordinate (0, 1) of W crosses the kink of op #5 (relu)".
///
/// The checker itself (gradcheck.hpp) knows nothing of the tape; this file joins the two.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "gradcheck.hpp"
#include "tape.hpp"

namespace gradlab {

/// Builds a scalar loss on `tape` from one Var per input, in the order of the inputs list. It is
/// called many times (once per probe), each time on a fresh tape, and must give the same graph
/// for nearby inputs. Data belongs in `tape.constant(...)`.
using TapeLossFn = std::function<Var(Tape& tape, const std::vector<Var>& inputs)>;

/// The same for a loss of a single input.
using TapeLossFn1 = std::function<Var(Tape& tape, const Var& x)>;

/// Checks the tape's gradient of `loss` at `inputs` against centered differences and returns the
/// checker's usual report (see check_gradients in gradcheck.hpp for `options`). Kink crossings
/// get a reason naming the op, unless `options.kink_reason` is already set. Throws TapeError if
/// the loss is not a one-element value, plus whatever check_gradients throws.
GradientReport check_gradients(const TapeLossFn& loss, const std::vector<NamedInput>& inputs,
                               const CheckOptions& options = {});

/// As above at the Parameters' current values, reported under their names ("W" if unnamed).
/// The Parameters' grads are left untouched.
GradientReport check_gradients(const TapeLossFn& loss, const std::vector<const Parameter*>& params,
                               const CheckOptions& options = {});

/// As above, for a braced list `{&W, &b}` (which would otherwise be ambiguous: two pointers also
/// look like an iterator range to std::vector's constructor).
GradientReport check_gradients(const TapeLossFn& loss, std::initializer_list<const Parameter*> params,
                               const CheckOptions& options = {});

/// One input, reported as "x".
GradientReport check_gradient(const TapeLossFn1& loss, const Tensor& x, const CheckOptions& options = {});

/// The kink-reason callback used above, for building your own check: at a probe, rebuilds `loss`
/// at x + h e_i and x - h e_i and names every kink op whose recorded branch differs, e.g.
/// "coordinate (0, 1) of W crosses the kink of op #5 (relu)". `names` are the inputs' names.
KinkReasonFn tape_kink_reason(TapeLossFn loss, std::vector<std::string> names);

/// The value of `loss` at `values`, on a fresh tape of constants (no gradient work).
double evaluate_loss(const TapeLossFn& loss, const std::vector<Tensor>& values);

}  // namespace gradlab
