/// \file cli.hpp
/// \brief A very small command-line parser for the example programs.
///
/// Each example program is a few lines: declare its flags, parse, call the experiment. This header
/// deliberately includes no xtensor, so the programs' main() files compile in a fraction of a
/// second; the heavy code lives in the experiments library.
///
/// \code
/// gradlab::cli::Parser cli("random_search", "Strategy 1 of the notes: guess W, keep the best.");
/// std::size_t tries = 1000;
/// cli.add("tries", tries, "number of random guesses");
/// if (auto code = cli.parse(argc, argv)) return *code;   // --help, or a bad flag
/// \endcode
///
/// Flags are written `--name value` or `--name=value`; a switch (a bool flag) is just `--name`.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

namespace gradlab::cli {

/// Declares flags bound to variables, then parses argv into them.
class Parser {
public:
    /// `program` is the name shown in the usage line, `summary` one or two sentences under it.
    Parser(std::string program, std::string summary);

    /// An unsigned integer flag (sizes, counts, seeds). Rejects negative, fractional or
    /// out-of-range values.
    template <class T, std::enable_if_t<std::is_integral_v<T> && std::is_unsigned_v<T> &&
                                            !std::is_same_v<T, bool>, int> = 0>
    void add(const std::string& name, T& value, const std::string& help) {
        add_unsigned(name, std::to_string(value), help, [&value](unsigned long long v) {
            value = static_cast<T>(v);
        }, static_cast<unsigned long long>(std::numeric_limits<T>::max()));
    }

    /// A floating-point flag (learning rates, scales). Rejects non-numbers and non-finite values.
    void add(const std::string& name, double& value, const std::string& help);

    /// A string flag (paths).
    void add(const std::string& name, std::string& value, const std::string& help);

    /// A switch: present means true (`--smoke`).
    void add(const std::string& name, bool& value, const std::string& help);

    /// A string flag restricted to `choices` (`--optimizer adam`).
    void add_choice(const std::string& name, std::string& value, std::vector<std::string> choices,
                    const std::string& help);

    /// Parses the arguments into the bound variables. Returns std::nullopt when the program should
    /// run; otherwise the exit code to return at once: 0 after printing the help for `--help` or
    /// `-h`, 2 after printing what was wrong (unknown flag, missing or bad value) and the usage.
    /// Help goes to `out`, errors to `err`.
    std::optional<int> parse(int argc, const char* const* argv, std::ostream& out,
                             std::ostream& err);

    /// parse() with std::cout and std::cerr.
    std::optional<int> parse(int argc, const char* const* argv);

    /// The help text: usage line, summary and one line per flag with its default.
    std::string help() const;

private:
    struct Flag {
        std::string name;
        std::string help;
        std::string default_text;
        bool is_switch = false;
        // Parses the text after the flag; returns an error message, or "" on success.
        std::function<std::string(const std::string&)> set;
    };
    void add_unsigned(const std::string& name, const std::string& default_text,
                      const std::string& help, std::function<void(unsigned long long)> set,
                      unsigned long long max);
    void add_flag(Flag flag);
    const Flag* find(const std::string& name) const;

    std::string program_;
    std::string summary_;
    std::vector<Flag> flags_;
};

}  // namespace gradlab::cli
