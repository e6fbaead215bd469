// random_search: strategy 1 of the notes. `random_search --help` lists the flags.
#include "programs.hpp"

int main(int argc, char** argv) {
    using namespace gradlab::examples;
    RandomSearchOptions o;
    std::string source;
    gradlab::cli::Parser cli("random_search",
                             "Strategy 1: guess W = scale * randn again and again, keep the guess with "
                             "the lowest SVM loss, and report its test accuracy.");
    add_data_flags(cli, o.data, source);
    cli.add("tries", o.tries, "number of random guesses (loss evaluations)");
    cli.add("scale", o.scale, "W = scale * randn");
    cli.add("seed", o.seed, "seed of the guesses");
    if (auto code = cli.parse(argc, argv)) return *code;
    return run_program_main("random_search", [&] {
        finish_data_flags(o.data, source);
        run_random_search(o);
        return 0;
    });
}
