// The main() of every example program: compiled once per program with GRADLAB_EXAMPLE naming it
// (see CMakeLists.txt); the program itself -- flags, story, experiment -- is examples/<name>.cpp,
// whose <name>_main() (declared in examples/<name>.hpp) is declared again here so that this file
// needs no header chosen by a macro.
//
// Before the program runs, use_best_openblas_kernel() (autodiff/blas_info.hpp) checks which
// OpenBLAS kernel was picked: silent when it uses the widest vectors this CPU has, else one
// warning on stderr with the fix; with GRADLAB_OPENBLAS_FIX=1 it applies the fix itself (re-runs
// the program with OPENBLAS_CORETYPE set, verified against a naive product).
#include <gradlab/autodiff/blas_info.hpp>

#define GRADLAB_EXAMPLE_ENTRY2(name) name##_main
#define GRADLAB_EXAMPLE_ENTRY(name) GRADLAB_EXAMPLE_ENTRY2(name)

namespace gradlab::examples {
int GRADLAB_EXAMPLE_ENTRY(GRADLAB_EXAMPLE)(int argc, char** argv);
}

int main(int argc, char** argv) {
    gradlab::use_best_openblas_kernel(argc, argv);
    return gradlab::examples::GRADLAB_EXAMPLE_ENTRY(GRADLAB_EXAMPLE)(argc, argv);
}
