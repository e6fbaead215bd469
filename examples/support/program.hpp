/// \file program.hpp
/// \brief What the example programs' main()s share: the data flags and error reporting.
/// No xtensor here, so the programs compile in a moment.
#pragma once

#include <exception>
#include <iostream>
#include <string>

#include <gradlab/autodiff/error.hpp>

#include "../experiments.hpp"
#include "cli.hpp"

namespace gradlab::examples {

/// The data flags every data-driven program takes. `source` receives the --data choice; apply it
/// with finish_data_flags() after parsing.
inline void add_data_flags(cli::Parser& cli, DataOptions& data, std::string& source) {
    source = to_string(data.source);
    cli.add_choice("data", source, {"fashion-mnist", "cifar-10", "blobs"},
                   "the examples: real images, or synthetic Gaussian blobs (no files needed)");
    cli.add("data-dir", data.dir, "directory of the dataset files (default: the Debian package's)");
    cli.add("n-train", data.n_train, "training examples to use (0 = all)");
    cli.add("n-test", data.n_test, "test examples to use (0 = all)");
}

/// Applies the parsed --data choice.
inline void finish_data_flags(DataOptions& data, const std::string& source) {
    data.source = parse_data_source(source);
}

/// Runs an experiment; a gradlab::Error (a missing dataset, a bad value) becomes a one-line
/// message and exit status 1 instead of an abort.
template <class F>
int run_program_main(const char* program, F&& run) {
    try {
        return run();
    } catch (const Error& e) {
        std::cerr << program << ": " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << program << ": unexpected error: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace gradlab::examples
