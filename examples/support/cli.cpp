#include "cli.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace gradlab::cli {

Parser::Parser(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

void Parser::add_flag(Flag flag) {
    if (flag.name.empty() || flag.name[0] == '-' || find(flag.name) != nullptr)
        throw std::logic_error(fmt::format("cli: flag '{}' is empty, starts with '-' or is declared twice",
                                           flag.name));
    flags_.push_back(std::move(flag));
}

const Parser::Flag* Parser::find(const std::string& name) const {
    for (const Flag& f : flags_)
        if (f.name == name) return &f;
    return nullptr;
}

void Parser::add_unsigned(const std::string& name, const std::string& default_text,
                          const std::string& help, std::function<void(unsigned long long)> set,
                          unsigned long long max) {
    add_flag({name, help, default_text, false,
              [set = std::move(set), max](const std::string& text) -> std::string {
                  // strtoull accepts "-1" (and wraps it) and leading blanks: refuse both.
                  if (text.empty() || text[0] < '0' || text[0] > '9')
                      return "expected a non-negative integer";
                  errno = 0;
                  char* end = nullptr;
                  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
                  if (*end != '\0') return "expected a non-negative integer";
                  if (errno == ERANGE || v > max) return fmt::format("too large (at most {})", max);
                  set(v);
                  return "";
              }});
}

void Parser::add(const std::string& name, double& value, const std::string& help) {
    add_flag({name, help, fmt::format("{:g}", value), false, [&value](const std::string& text) {
                  char* end = nullptr;
                  const double v = std::strtod(text.c_str(), &end);
                  if (text.empty() || *end != '\0') return std::string("expected a number");
                  if (!std::isfinite(v)) return std::string("expected a finite number");
                  value = v;
                  return std::string();
              }});
}

void Parser::add(const std::string& name, std::string& value, const std::string& help) {
    add_flag({name, help, value.empty() ? std::string() : "\"" + value + "\"", false,
              [&value](const std::string& text) {
                  value = text;
                  return std::string();
              }});
}

void Parser::add(const std::string& name, bool& value, const std::string& help) {
    add_flag({name, help, "", true, [&value](const std::string&) {
                  value = true;
                  return std::string();
              }});
}

void Parser::add_choice(const std::string& name, std::string& value, std::vector<std::string> choices,
                        const std::string& help) {
    const std::string list = fmt::format("{}", fmt::join(choices, "|"));
    add_flag({name, fmt::format("{} ({})", help, list), value, false,
              [&value, choices = std::move(choices), list](const std::string& text) {
                  for (const std::string& c : choices)
                      if (c == text) {
                          value = text;
                          return std::string();
                      }
                  return fmt::format("expected one of {}", list);
              }});
}

std::string Parser::help() const {
    std::string text = fmt::format("usage: {} [flags]\n\n{}\n\nflags:\n", program_, summary_);
    std::size_t width = 6;  // "--help"
    for (const Flag& f : flags_) width = std::max(width, f.name.size() + 2 + (f.is_switch ? 0 : 8));
    for (const Flag& f : flags_) {
        const std::string left = f.is_switch ? "--" + f.name : "--" + f.name + " <value>";
        text += fmt::format("  {:<{}}  {}", left, width, f.help);
        if (!f.default_text.empty()) text += fmt::format(" [default: {}]", f.default_text);
        text += '\n';
    }
    text += fmt::format("  {:<{}}  {}\n", "--help", width, "print this help and exit");
    return text;
}

std::optional<int> Parser::parse(int argc, const char* const* argv, std::ostream& out,
                                 std::ostream& err) {
    auto fail = [&](const std::string& what) {
        err << program_ << ": " << what << "\n(run '" << program_ << " --help' for the flags)\n";
        return std::optional<int>(2);
    };
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            out << help();
            return 0;
        }
        if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
            return fail(fmt::format("unexpected argument '{}'", arg));
        std::string name = arg.substr(2);
        std::optional<std::string> text;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            text = name.substr(eq + 1);
            name.resize(eq);
        }
        const Flag* flag = find(name);
        if (flag == nullptr) return fail(fmt::format("unknown flag '--{}'", name));
        if (flag->is_switch) {
            if (text) return fail(fmt::format("'--{}' is a switch and takes no value", name));
            flag->set("");
            continue;
        }
        if (!text) {
            if (i + 1 >= argc) return fail(fmt::format("'--{}' needs a value", name));
            text = argv[++i];
        }
        if (const std::string problem = flag->set(*text); !problem.empty())
            return fail(fmt::format("--{} {}: {}", name, *text, problem));
    }
    return std::nullopt;
}

std::optional<int> Parser::parse(int argc, const char* const* argv) {
    return parse(argc, argv, std::cout, std::cerr);
}

}  // namespace gradlab::cli
