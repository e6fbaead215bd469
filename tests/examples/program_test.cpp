// The programs' flags (CLI11 with strict numbers, examples/support/program.cpp): a bad value is
// refused with exit status 2 and a message naming the flag, before anything runs; --help lists
// every flag with its default.
#include <catch2/catch.hpp>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "example_testing.hpp"
#include "support/common.hpp"
#include "custom_loss.hpp"
#include "gradient_check.hpp"
#include "gradient_descent.hpp"
#include "landscape.hpp"
#include "numerical_gradient.hpp"
#include "random_local_search.hpp"
#include "random_search.hpp"
#include "tape_graph.hpp"
#include "tour.hpp"
#include "train.hpp"

using namespace gradlab::examples;
using Catch::Contains;

namespace {

using ProgramMain = int (*)(int, char**);

struct Run {
    int status = -1;
    std::string out, err;
};

// Runs a program's body with `args` (args[0] is the program's name), capturing what it prints.
Run run(ProgramMain program, std::vector<std::string> args) {
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::ostringstream out, err;
    struct Redirect {
        std::ostream& stream;
        std::streambuf* saved;
        Redirect(std::ostream& s, std::ostringstream& to) : stream(s), saved(s.rdbuf(to.rdbuf())) {}
        ~Redirect() { stream.rdbuf(saved); }
    } redirect_out(std::cout, out), redirect_err(std::cerr, err);
    Run r;
    r.status = program(static_cast<int>(args.size()), argv.data());
    r.out = out.str();
    r.err = err.str();
    return r;
}

struct Program {
    const char* name;
    ProgramMain main;
};

const std::vector<Program>& programs() {
    static const std::vector<Program> all = {
        {"random_search", random_search_main},   {"random_local_search", random_local_search_main},
        {"gradient_descent", gradient_descent_main}, {"numerical_gradient", numerical_gradient_main},
        {"gradient_check", gradient_check_main}, {"train", train_main},
        {"custom_loss", custom_loss_main},       {"tape_graph", tape_graph_main},
        {"landscape", landscape_main},           {"tour", tour_main}};
    return all;
}

// Refused before running: status 2, the flag and the value named on stderr, nothing on stdout.
void check_refused(ProgramMain program, std::vector<std::string> args, const std::string& flag,
                   const std::string& why) {
    INFO(args[0] << " " << args[1] << " " << (args.size() > 2 ? args[2] : ""));
    const Run r = run(program, std::move(args));
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Contains(flag) && Contains(why));
    CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("every program's --help lists every flag with its default, and exits 0") {
    for (const Program& p : programs()) {
        INFO(p.name);
        const Run r = run(p.main, {p.name, "--help"});
        CHECK(r.status == 0);
        CHECK_THAT(r.out, Contains(std::string("Usage: ") + p.name) && Contains("--help"));
    }
    const Run train = run(train_main, {"train", "--help"});
    CHECK_THAT(train.out, Contains("--lr FLOAT:> 0=0.001") && Contains("--batch-size UINT:>= 1=128") &&
                              Contains("{sgd,momentum,adam}=adam") && Contains("--data"));
}

TEST_CASE("an unknown flag or a stray argument is refused by name in every program") {
    for (const Program& p : programs()) {
        check_refused(p.main, {p.name, "--no-such-flag"}, "--no-such-flag", "not expected");
        check_refused(p.main, {p.name, "stray"}, "stray", "not expected");
    }
}

TEST_CASE("train --lr 0x10 is refused: numbers are decimal (no hexadecimal, inf or nan)") {
    check_refused(train_main, {"train", "--lr", "0x10"}, "--lr", "expected a decimal number, got '0x10'");
    check_refused(train_main, {"train", "--lr", "inf"}, "--lr", "'inf'");
    check_refused(train_main, {"train", "--lr", "nan"}, "--lr", "'nan'");
    check_refused(train_main, {"train", "--lr", "1e-3x"}, "--lr", "'1e-3x'");
    check_refused(train_main, {"train", "--lr", "1e999"}, "--lr", "out of range");
    check_refused(random_search_main, {"random_search", "--tries", "0x10"}, "--tries", "decimal digits");
    check_refused(random_search_main, {"random_search", "--tries", "-1"}, "--tries", "");
    check_refused(random_search_main, {"random_search", "--tries", "1e3"}, "--tries", "decimal digits");
}

TEST_CASE("sizes near 2^64 are refused or reported as given, never wrapped") {
    check_refused(random_search_main, {"random_search", "--n-train", "18446744073709551616"}, "--n-train",
                  "18446744073709551616 is too large (at most 18446744073709551615)");
    // The largest size parses, and the blobs generator refuses it with the number as given.
    const Run r = run(train_main, {"train", "--data", "blobs", "--n-train", "18446744073709551615", "--no-bar"});
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Contains("blobs: at most 10000000 training") && Contains("18446744073709551615"));
}

TEST_CASE("gradient_check --classes 0 and tape_graph --classes 0 are refused by name (no SIGFPE)") {
    check_refused(gradient_check_main, {"gradient_check", "--classes", "0"}, "--classes", "at least 2, got 0");
    check_refused(tape_graph_main, {"tape_graph", "--classes", "0"}, "--classes", "at least 2, got 0");
    // The experiments themselves refuse too, for callers that do not go through the flags.
    GradientCheckOptions gc;
    gc.classes = 0;
    CHECK_THROWS_AS(run_gradient_check(gc), gradlab::ValueError);
    CHECK_THROWS_WITH(run_gradient_check(gc), Contains("gradient_check: classes must be at least 2, got 0"));
    TapeGraphOptions tg;
    tg.classes = 0;
    CHECK_THROWS_WITH(run_tape_graph(tg), Contains("tape_graph: classes must be at least 2, got 0"));
}

TEST_CASE("numerical_gradient --repeats 0 is refused instead of silently becoming 1") {
    check_refused(numerical_gradient_main, {"numerical_gradient", "--repeats", "0"}, "--repeats", "at least 1, got 0");
    NumericalGradientOptions o;
    o.data = examples_testing::blobs(20, 1);
    o.timing_repeats = 0;
    std::ostringstream out;
    o.out = &out;
    CHECK_THROWS_WITH(run_numerical_gradient(o), Contains("numerical_gradient: timing_repeats must be at least 1, got 0"));
}

TEST_CASE("the --init-scale flag has one rule in every program that takes it: positive") {
    const std::vector<Program> takers = {{"random_local_search", random_local_search_main},
                                         {"gradient_descent", gradient_descent_main},
                                         {"numerical_gradient", numerical_gradient_main}};
    for (const Program& p : takers)
        for (const char* bad : {"-1", "0", "-0.001"})
            check_refused(p.main, {p.name, "--init-scale", bad}, "--init-scale", "must be positive");
    // Every other scale, step size and learning rate follows the same rule.
    check_refused(random_search_main, {"random_search", "--scale", "-1"}, "--scale", "must be positive");
    check_refused(random_local_search_main, {"random_local_search", "--step-size", "0"}, "--step-size", "must be positive");
    check_refused(numerical_gradient_main, {"numerical_gradient", "--h", "-1e-5"}, "--h", "must be positive");
    check_refused(train_main, {"train", "--lr", "-0.1"}, "--lr", "must be positive");
    check_refused(train_main, {"train", "--reg", "-1"}, "--reg", "must not be negative");
}

TEST_CASE("a bad choice is refused with the choices listed") {
    check_refused(train_main, {"train", "--optimizer", "rmsprop"}, "--optimizer", "{sgd,momentum,adam}");
    check_refused(train_main, {"train", "--data", "mnist"}, "--data", "{fashion-mnist,cifar-10,blobs}");
}

TEST_CASE("durations print with units that keep their digits: 0.1 ms is 100 us, not 0 ms") {
    CHECK(format_duration(1e-4) == "100 us");
    CHECK(format_duration(1.23e-4) == "123 us");
    CHECK(format_duration(4.2e-3) == "4.2 ms");
    CHECK(format_duration(0.035) == "35 ms");
    CHECK(format_duration(2.5e-6) == "2.5 us");
    CHECK(format_duration(8e-8) == "80 ns");
    CHECK(format_duration(12.34) == "12.3 s");
    CHECK(format_duration(0.0) == "0 ns");
}
