// random_local_search: strategy 2 of the notes. `random_local_search --help` lists the flags.
#include "programs.hpp"

int main(int argc, char** argv) {
    using namespace gradlab::examples;
    RandomLocalSearchOptions o;
    std::string source;
    gradlab::cli::Parser cli("random_local_search",
                             "Strategy 2: from a random W, try W + step * randn and keep it only when the "
                             "SVM loss goes down; report the test accuracy of the final W.");
    add_data_flags(cli, o.data, source);
    cli.add("tries", o.tries, "number of proposals");
    cli.add("init-scale", o.init_scale, "starting point W0 = init-scale * randn");
    cli.add("step-size", o.step_size, "proposal W + step-size * randn");
    cli.add("seed", o.seed, "seed of W0 and the proposals");
    if (auto code = cli.parse(argc, argv)) return *code;
    return run_program_main("random_local_search", [&] {
        finish_data_flags(o.data, source);
        run_random_local_search(o);
        return 0;
    });
}
