// Built by the test suite (tests/compile): with GRADLAB_MIX_LAZY_EXPRESSION it must not compile,
// and the compiler's message must say what to do; without it, it must.
#include <gradlab/autodiff/ops.hpp>

int main() {
    gradlab::Tape tape;
    gradlab::Var s = tape.variable(gradlab::zeros({2, 3}));
    gradlab::Tensor t = gradlab::zeros({2, 3});
    gradlab::Var ok = s + t;  // a Tensor: it becomes a constant on s's tape
#ifdef GRADLAB_MIX_LAZY_EXPRESSION
    gradlab::Var refused = s + 2.0 * t;  // a lazy expression: refused
    (void)refused;
#endif
    return ok.value().size() == 6 ? 0 : 1;
}
