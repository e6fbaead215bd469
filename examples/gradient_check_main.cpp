// gradient_check: the checker on the SVM and softmax losses (composed and fused) and the two-layer
// net, in its full, sparse and directional modes; then a kink crossing. `--help` lists the flags.
#include "programs.hpp"

int main(int argc, char** argv) {
    using namespace gradlab::examples;
    GradientCheckOptions o;
    gradlab::cli::Parser cli("gradient_check",
                             "Checks the tape's gradients against centered differences, and shows how "
                             "the report explains a kink crossing. Exits with 1 if a check fails.");
    cli.add("n", o.n, "examples");
    cli.add("dims", o.dims, "features");
    cli.add("classes", o.classes, "classes");
    cli.add("hidden", o.hidden, "hidden units of the two-layer net");
    cli.add("samples", o.samples, "coordinates probed by the sparse checks");
    cli.add("reg", o.reg, "L2 strength");
    cli.add("seed", o.seed, "seed of the data and weights");
    cli.add("verbose", o.verbose, "print every report in full");
    if (auto code = cli.parse(argc, argv)) return *code;
    return run_program_main("gradient_check", [&] { return run_gradient_check(o).all_passed ? 0 : 1; });
}
