/// \file process.hpp
/// \brief Finding a program on the PATH and running it without a shell: the one place the
/// examples start other programs (Graphviz's `dot` for the tape drawing, gnuplot for plots).
#pragma once

#include <string>
#include <vector>

namespace gradlab::examples {

/// The full path of an executable file called `program` in one of the PATH's directories (an
/// empty entry means the current directory), or "" if there is none.
std::string find_on_path(const std::string& program);

/// Runs `argv` (argv[0] looked up with find_on_path()) without a shell, its standard input
/// from /dev/null and, when `log_file` is given, its standard output and error into that file;
/// waits for it. Returns its exit status, or -1 if it died of a signal. Throws gradlab::IoError
/// naming the program if it is not on the PATH or cannot be started.
int run_program(const std::vector<std::string>& argv, const std::string& log_file = "");

}  // namespace gradlab::examples
