// Var op Tensor and Tensor op Var: the tensor goes on the Var's tape as a constant (moved in, as
// every parameter here is a by-value copy or a moved temporary), then the Var op runs.
#include "ops_mixed.hpp"

#include "ops.hpp"

namespace gradlab {

namespace {
Var on_tape_of(const Var& v, Tensor t) { return v.tape().constant(std::move(t), "tensor"); }
}  // namespace

Var operator+(Var a, Tensor b) { return a + on_tape_of(a, std::move(b)); }
Var operator+(Tensor a, Var b) { return on_tape_of(b, std::move(a)) + b; }
Var operator-(Var a, Tensor b) { return a - on_tape_of(a, std::move(b)); }
Var operator-(Tensor a, Var b) { return on_tape_of(b, std::move(a)) - b; }
Var operator*(Var a, Tensor b) { return a * on_tape_of(a, std::move(b)); }
Var operator*(Tensor a, Var b) { return on_tape_of(b, std::move(a)) * b; }
Var operator/(Var a, Tensor b) { return a / on_tape_of(a, std::move(b)); }
Var operator/(Tensor a, Var b) { return on_tape_of(b, std::move(a)) / b; }
Var maximum(Var a, Tensor b) { return maximum(a, on_tape_of(a, std::move(b))); }
Var maximum(Tensor a, Var b) { return maximum(on_tape_of(b, std::move(a)), b); }
Var minimum(Var a, Tensor b) { return minimum(a, on_tape_of(a, std::move(b))); }
Var minimum(Tensor a, Var b) { return minimum(on_tape_of(b, std::move(a)), b); }

}  // namespace gradlab
