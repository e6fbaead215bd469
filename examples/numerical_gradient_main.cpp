// numerical_gradient: the step-size sweep along the numerical gradient, and what a numerical
// gradient costs next to the analytic one. `numerical_gradient --help` lists the flags.
#include "programs.hpp"

int main(int argc, char** argv) {
    using namespace gradlab::examples;
    NumericalGradientOptions o;
    std::string source;
    gradlab::cli::Parser cli("numerical_gradient",
                             "The notes' step-size table: one step along the numerical gradient of the "
                             "SVM loss on a small batch, for step sizes 1e-10 ... 1e-1; then the time of "
                             "a numerical versus an analytic gradient.");
    add_data_flags(cli, o.data, source);
    cli.add("h", o.h, "step of the centered differences");
    cli.add("init-scale", o.init_scale, "W = init-scale * randn");
    cli.add("repeats", o.timing_repeats, "analytic gradients to time");
    cli.add("seed", o.seed, "seed of W");
    if (auto code = cli.parse(argc, argv)) return *code;
    return run_program_main("numerical_gradient", [&] {
        finish_data_flags(o.data, source);
        run_numerical_gradient(o);
        return 0;
    });
}
