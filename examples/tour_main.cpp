// tour: the optimization notes from random search to minibatch training, in a few minutes, with a
// summary table at the end. `tour --smoke` runs it at a seconds-long size on synthetic data.
#include <filesystem>
#include <system_error>

#include "programs.hpp"

namespace {

// build/<preset>/tour-output when the program runs from build/<preset>/examples/, else
// ./tour-output: the tour never writes into the source tree.
std::string default_out_dir() {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec && exe.parent_path().filename() == "examples" &&
        std::filesystem::exists(exe.parent_path().parent_path() / "CMakeCache.txt", ec))
        return (exe.parent_path().parent_path() / "tour-output").string();
    return "tour-output";
}

}  // namespace

int main(int argc, char** argv) {
    using namespace gradlab::examples;
    TourOptions o;
    o.out_dir = default_out_dir();
    std::string source;
    gradlab::cli::Parser cli("tour",
                             "The optimization notes, run in order: random search, random local search, "
                             "the numerical gradient and the step size, gradient descent, gradient checks, "
                             "your own loss, the tape drawn, minibatch training; then a summary table.");
    add_data_flags(cli, o.data, source);
    source.clear();  // to tell "--data not given" (smoke runs then use blobs) from the default
    cli.add("tries", o.tries, "loss evaluations per strategy");
    cli.add("epochs", o.epochs, "epochs of minibatch training");
    cli.add("gd-step-size", o.gd_step_size, "gradient descent's step size (0 = best of the sweep)");
    cli.add("seed", o.seed, "seed of every random choice");
    cli.add("out", o.out_dir, "directory for the files the tour writes");
    cli.add("smoke", o.smoke, "tiny sizes on synthetic data (seconds; for tests)");
    if (auto code = cli.parse(argc, argv)) return *code;
    return run_program_main("tour", [&] {
        if (source.empty()) source = o.smoke ? "blobs" : "fashion-mnist";
        finish_data_flags(o.data, source);
        const TourOptions run = o.smoke ? smoke_tour_options(o) : o;
        const TourResult r = run_tour(run);
        return r.checks.all_passed && r.custom_loss.all_passed ? 0 : 1;
    });
}
