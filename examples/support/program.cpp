// CLI11 conventions of the example programs: strict decimal numbers, the data flags, one-line
// errors. No xtensor here.
#include "program.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

namespace gradlab::examples {

Flags::Flags(const std::string& program, const std::string& summary) : CLI::App(summary, program) {
    option_defaults()->always_capture_default();
    set_help_flag("-h,--help", "print this help and exit");
    failure_message([](const CLI::App* app, const CLI::Error& e) {
        return fmt::format("{}: {}\n(run '{} --help' for the flags)\n", app->get_name(), e.what(), app->get_name());
    });
}

CLI::Validator whole_number(std::uint64_t min) {
    return CLI::Validator(
        [min](std::string& text) -> std::string {
            if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
                return fmt::format("expected a whole number in decimal digits, got '{}'", text);
            errno = 0;
            const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
            if (errno == ERANGE || v > std::numeric_limits<std::uint64_t>::max())
                return fmt::format("{} is too large (at most {})", text, std::numeric_limits<std::uint64_t>::max());
            if (v < min) return fmt::format("must be at least {}, got {}", min, text);
            return {};
        },
        min > 0 ? fmt::format(">= {}", min) : std::string());
}

CLI::Validator decimal_number(Sign sign) {
    return CLI::Validator(
        [sign](std::string& text) -> std::string {
            // Digits, at most one point, an optional exponent: what strtod reads in decimal, minus
            // its hexadecimal, infinity and NaN spellings and leading blanks.
            std::size_t i = 0, digits = 0;
            if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
            for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) ++digits;
            if (i < text.size() && text[i] == '.')
                for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) ++digits;
            bool ok = digits > 0;
            if (ok && i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
                ++i;
                if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
                const std::size_t start = i;
                for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
                }
                ok = i > start;
            }
            if (!ok || i != text.size()) return fmt::format("expected a decimal number, got '{}'", text);
            const double v = std::strtod(text.c_str(), nullptr);
            if (!std::isfinite(v)) return fmt::format("{} is out of range for a double", text);
            if (sign == Sign::Positive && !(v > 0.0)) return fmt::format("must be positive, got {}", text);
            if (sign == Sign::NonNegative && v < 0.0) return fmt::format("must not be negative, got {}", text);
            return {};
        },
        sign == Sign::Positive ? "> 0" : sign == Sign::NonNegative ? ">= 0" : "");
}

void add_data_flags(CLI::App& app, DataOptions& data) {
    app.add_option_function<std::string>(
           "--data", [&data](const std::string& name) { data.source = parse_data_source(name); },
           "the examples: real images, or synthetic Gaussian blobs (no files needed)")
        ->check(CLI::IsMember({"fashion-mnist", "cifar-10", "blobs"}))
        ->default_str(to_string(data.source));
    app.add_option("--data-dir", data.dir, "directory of the dataset files (default: the Debian package's)");
    app.add_option("--n-train", data.n_train, "training examples to use (0 = all)")->check(whole_number());
    app.add_option("--n-test", data.n_test, "test examples to use (0 = all)")->check(whole_number());
}

int run_program_main(CLI::App& app, int argc, char** argv, const std::function<int()>& run) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;  // help goes to stdout; errors name the flag on stderr
    }
    try {
        return run();
    } catch (const Error& e) {
        std::cerr << app.get_name() << ": " << e.what() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << app.get_name() << ": unexpected error: " << e.what() << '\n';
        return 1;
    }
}

}  // namespace gradlab::examples
