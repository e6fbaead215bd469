/// \file ops_mixed.hpp
/// \brief A Var and a plain Tensor in one expression: `s + t`, `t * s`, `maximum(s, t)`.
///
/// The Tensor becomes a constant on the Var's tape (moved in when it is a temporary, copied when
/// it is a named tensor; to share one tensor across many tapes without copying, put it on the
/// tape yourself with `tape.constant(std::make_shared<const Tensor>(X))`), then the Var op runs,
/// so `s + t` is exactly `s + s.tape().constant(t)`, gradient and all.
///
/// \par Why the parameters are taken by value
/// xtensor declares `template <class E1, class E2> auto operator+(E1&&, E2&&)` (and `maximum`,
/// `where`, ...) in namespace xt, and argument-dependent lookup finds it through any Tensor
/// argument. For a non-const Var or Tensor, its forwarding references bind better than a
/// `const Var&` / `const Tensor&` parameter, so it would win and build a lazy expression of Var
/// "scalars" that fails pages later. A by-value parameter binds exactly as well as a forwarding
/// reference, and then the non-template function is preferred: these overloads always win.
///
/// \par Lazy xtensor expressions are refused
/// A Var mixed with a lazy expression (`s + 2.0 * t`, `s * xt::exp(t)`) does not compile: an
/// expression holds references to its operands, and evaluating it silently would hide a copy.
/// The error is one line that says what to do, e.g.
/// `gradlab: Var op xtensor expression: evaluate the expression into a gradlab::Tensor first`.
#pragma once

#include <type_traits>
#include <utility>

#include <xtensor/xexpression.hpp>

#include "tape.hpp"

namespace gradlab {

namespace detail {
/// True for lazy xtensor expressions (anything xtensor treats as an expression except a Tensor).
template <class E>
inline constexpr bool is_lazy_expression_v =
    xt::is_xexpression<std::decay_t<E>>::value && !std::is_same_v<std::decay_t<E>, Tensor>;
/// Enables the refusing overloads below only for lazy expressions.
template <class E>
using if_lazy_expression = std::enable_if_t<is_lazy_expression_v<E>, int>;
/// false, but only once E is known, so that the static_assert fires only when chosen.
template <class E>
inline constexpr bool always_false_v = false;
}  // namespace detail

/// \name Var op Tensor, Tensor op Var
/// The tensor is a constant on the Var's tape; partials as for two Vars (see ops.hpp), with
/// broadcasting. Throws what the Var op throws (ShapeError if the shapes do not broadcast).
///@{

/// \f$ a + b \f$, b a constant tensor; \f$ \partial/\partial a = 1 \f$.
Var operator+(Var a, Tensor b);
/// \f$ a + b \f$, a a constant tensor; \f$ \partial/\partial b = 1 \f$.
Var operator+(Tensor a, Var b);
/// \f$ a - b \f$, b a constant tensor; \f$ \partial/\partial a = 1 \f$.
Var operator-(Var a, Tensor b);
/// \f$ a - b \f$, a a constant tensor; \f$ \partial/\partial b = -1 \f$.
Var operator-(Tensor a, Var b);
/// \f$ a b \f$ elementwise, b a constant tensor; \f$ \partial/\partial a = b \f$.
Var operator*(Var a, Tensor b);
/// \f$ a b \f$ elementwise, a a constant tensor; \f$ \partial/\partial b = a \f$.
Var operator*(Tensor a, Var b);
/// \f$ a / b \f$ elementwise, b a constant tensor; \f$ \partial/\partial a = 1/b \f$.
Var operator/(Var a, Tensor b);
/// \f$ a / b \f$ elementwise, a a constant tensor; \f$ \partial/\partial b = -a/b^2 \f$.
Var operator/(Tensor a, Var b);
/// \f$ \max(a, b) \f$, b a constant tensor; \f$ \partial/\partial a = [a \ge b] \f$.
Var maximum(Var a, Tensor b);
/// \f$ \max(a, b) \f$, a a constant tensor; \f$ \partial/\partial b = [b > a] \f$ (a tie goes to a).
Var maximum(Tensor a, Var b);
/// \f$ \min(a, b) \f$, b a constant tensor; \f$ \partial/\partial a = [a \le b] \f$.
Var minimum(Var a, Tensor b);
/// \f$ \min(a, b) \f$, a a constant tensor; \f$ \partial/\partial b = [b < a] \f$ (a tie goes to a).
Var minimum(Tensor a, Var b);
///@}

/// \cond MIXED_GUARD
// One overload per operator and side for lazy expressions, more specialized than xtensor's
// templates (its first or second parameter is a Var), so it is chosen -- and refuses.
#define GRADLAB_REFUSE_LAZY(NAME)                                                                   \
    template <class E, detail::if_lazy_expression<E> = 0>                                          \
    Var NAME(Var, E&&) {                                                                           \
        static_assert(detail::always_false_v<E>,                                                   \
                      "gradlab: Var op xtensor expression: evaluate the expression into a "         \
                      "gradlab::Tensor first (Tensor t = expr;) or put it on the tape "             \
                      "(tape.constant(expr))");                                                    \
        return Var();                                                                              \
    }                                                                                              \
    template <class E, detail::if_lazy_expression<E> = 0>                                          \
    Var NAME(E&&, Var) {                                                                           \
        static_assert(detail::always_false_v<E>,                                                   \
                      "gradlab: xtensor expression op Var: evaluate the expression into a "         \
                      "gradlab::Tensor first (Tensor t = expr;) or put it on the tape "             \
                      "(tape.constant(expr))");                                                    \
        return Var();                                                                              \
    }
GRADLAB_REFUSE_LAZY(operator+)
GRADLAB_REFUSE_LAZY(operator-)
GRADLAB_REFUSE_LAZY(operator*)
GRADLAB_REFUSE_LAZY(operator/)
GRADLAB_REFUSE_LAZY(maximum)
GRADLAB_REFUSE_LAZY(minimum)
#undef GRADLAB_REFUSE_LAZY
/// \endcond

}  // namespace gradlab
