/// \file program.hpp
/// \brief What the example programs' bodies share: CLI11 with strict numbers, the data flags
/// (declared once here), and error reporting.
///
/// CLI11 alone reads `--tries -1` as 18446744073709551615, `--lr 0x10` as 16 and `--n 010` as 8;
/// the validators below accept plain decimal numbers only and check their range, so a bad value
/// is refused with a message naming the flag (`--lr: expected a decimal number, got '0x10'`).
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include <gradlab/autodiff/error.hpp>

#include "experiment.hpp"

namespace gradlab::examples {

/// A program's flags: a CLI::App that shows every flag's default in `--help`.
class Flags : public CLI::App {
public:
    /// `program` is the name in the usage line, `summary` one or two sentences above the flags.
    Flags(const std::string& program, const std::string& summary);
};

/// A whole number written in decimal digits only, at least `min` (sizes, counts, seeds).
CLI::Validator whole_number(std::uint64_t min = 0);

/// What a real-valued flag may be, besides finite and decimal.
enum class Sign {
    Any,         ///< any finite number
    NonNegative, ///< >= 0 (L2 strengths)
    Positive,    ///< > 0 (learning rates, step sizes, scales)
};

/// A finite number in decimal notation (`1e-3`, `0.5`; not `0x10`, `inf` or `nan`) of the sign asked.
CLI::Validator decimal_number(Sign sign = Sign::Any);

/// The data flags every data-driven program takes: --data, --data-dir, --n-train, --n-test.
void add_data_flags(CLI::App& app, DataOptions& data);

/// Parses the flags, then runs `run`. Returns 0 after `--help`; 2 after printing what was wrong
/// with a flag; otherwise run()'s status, or 1 after printing a gradlab::Error (a missing
/// dataset, a bad combination of values) as one line instead of aborting.
int run_program_main(CLI::App& app, int argc, char** argv, const std::function<int()>& run);

}  // namespace gradlab::examples
