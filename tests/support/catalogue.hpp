/// \file catalogue.hpp
/// \brief A catalogue of bad inputs (issue 16): each case calls a public function with input it
/// must refuse, and passes only if a gradlab::Error of the expected kind comes back whose message
/// names the operation and the offending shape or value. A crash ends the test program (and so
/// fails it); anything else -- no exception, a std:: exception, the wrong gradlab type, a message
/// missing a name -- is counted and reported per case.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <typeinfo>
#include <vector>

#include <fmt/format.h>

#include <gradlab/autodiff/error.hpp>

namespace catalogue {

/// Which gradlab::Error subclass a case expects.
enum class Kind { Shape, Value, Tape, Io };

inline const char* kind_name(Kind k) {
    switch (k) {
        case Kind::Shape: return "ShapeError";
        case Kind::Value: return "ValueError";
        case Kind::Tape: return "TapeError";
        case Kind::Io: return "IoError";
    }
    return "?";
}

inline bool is_kind(const gradlab::Error& e, Kind k) {
    switch (k) {
        case Kind::Shape: return dynamic_cast<const gradlab::ShapeError*>(&e) != nullptr;
        case Kind::Value: return dynamic_cast<const gradlab::ValueError*>(&e) != nullptr;
        case Kind::Tape: return dynamic_cast<const gradlab::TapeError*>(&e) != nullptr;
        case Kind::Io: return dynamic_cast<const gradlab::IoError*>(&e) != nullptr;
    }
    return false;
}

/// One bad input: the family of functions, what is wrong, the call, the expected error kind and
/// the words its message must contain (the operation, then the offending shape or value).
struct Case {
    std::string family;
    std::string what;
    std::function<void()> call;
    Kind kind;
    std::vector<std::string> must_name;
};

/// Tally of a catalogue run.
struct Tally {
    std::size_t tried = 0, clear = 0, unclear = 0;
};

/// Runs every case, CHECKs each, prints one summary line ("catalogue <name>: N tried, ...").
inline Tally run(const std::string& name, const std::vector<Case>& cases) {
    Tally t;
    for (const Case& c : cases) {
        ++t.tried;
        std::string problem;
        try {
            c.call();
            problem = "no exception";
        } catch (const gradlab::Error& e) {
            const std::string msg = e.what();
            if (!is_kind(e, c.kind)) problem = fmt::format("{} instead of {}: {}", typeid(e).name(), kind_name(c.kind), msg);
            for (const auto& word : c.must_name)
                if (msg.find(word) == std::string::npos)
                    problem += fmt::format("message lacks '{}': {}; ", word, msg);
        } catch (const std::exception& e) {
            problem = fmt::format("a generic {}: {}", typeid(e).name(), e.what());
        }
        if (problem.empty()) ++t.clear;
        else ++t.unclear;
        INFO(c.family << ": " << c.what << ": " << problem);
        CHECK(problem.empty());
    }
    fmt::print("catalogue {}: {} tried, {} clear gradlab errors, {} unclear, 0 crashes\n", name, t.tried, t.clear,
               t.unclear);
    return t;
}

}  // namespace catalogue
