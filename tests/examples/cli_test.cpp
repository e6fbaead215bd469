// The example programs' flag parser.
#include <catch2/catch.hpp>

#include <optional>
#include <sstream>
#include <vector>

#include "support/cli.hpp"

using gradlab::cli::Parser;
using Catch::Contains;

namespace {

struct Run {
    std::optional<int> code;
    std::string out, err;
};

Run parse(Parser& p, std::vector<const char*> args) {
    args.insert(args.begin(), "prog");
    std::ostringstream out, err;
    Run r;
    r.code = p.parse(static_cast<int>(args.size()), args.data(), out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

struct Flags {
    std::size_t tries = 10;
    double lr = 0.5;
    std::string dir = "x";
    bool smoke = false;
    std::string opt = "adam";
    Parser parser{"prog", "Does things."};
    Flags() {
        parser.add("tries", tries, "how many");
        parser.add("lr", lr, "rate");
        parser.add("dir", dir, "where");
        parser.add("smoke", smoke, "small");
        parser.add_choice("optimizer", opt, {"sgd", "adam"}, "which");
    }
};

}  // namespace

TEST_CASE("flags take '--name value' and '--name=value', and a switch needs no value") {
    Flags f;
    const Run r = parse(f.parser, {"--tries", "250", "--lr=1e-3", "--dir", "/tmp/a b", "--smoke", "--optimizer=sgd"});
    CHECK_FALSE(r.code.has_value());
    CHECK(f.tries == 250);
    CHECK(f.lr == 1e-3);
    CHECK(f.dir == "/tmp/a b");
    CHECK(f.smoke);
    CHECK(f.opt == "sgd");
}

TEST_CASE("no flags leave the defaults") {
    Flags f;
    CHECK_FALSE(parse(f.parser, {}).code.has_value());
    CHECK(f.tries == 10);
    CHECK(f.lr == 0.5);
    CHECK_FALSE(f.smoke);
}

TEST_CASE("--help prints every flag with its default and exits 0") {
    Flags f;
    const Run r = parse(f.parser, {"--help"});
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("usage: prog"));
    CHECK_THAT(r.out, Contains("--tries <value>"));
    CHECK_THAT(r.out, Contains("[default: 10]"));
    CHECK_THAT(r.out, Contains("(sgd|adam)"));
    CHECK_THAT(r.out, Contains("--smoke"));
}

TEST_CASE("bad input exits 2 naming the flag and the problem, and the variable keeps its value") {
    struct Case {
        std::vector<const char*> args;
        const char* message;
    };
    for (const Case& c : std::vector<Case>{{{"--tries", "-3"}, "non-negative integer"},
                                           {{"--tries", "12x"}, "non-negative integer"},
                                           {{"--tries", "99999999999999999999999"}, "too large"},
                                           {{"--lr", "fast"}, "expected a number"},
                                           {{"--lr", "inf"}, "finite"},
                                           {{"--optimizer", "lbfgs"}, "expected one of sgd|adam"},
                                           {{"--frobnicate"}, "unknown flag '--frobnicate'"},
                                           {{"--tries"}, "needs a value"},
                                           {{"--smoke=yes"}, "takes no value"},
                                           {{"stray"}, "unexpected argument"}}) {
        Flags f;
        const Run r = parse(f.parser, c.args);
        INFO(c.args.front());
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Contains(c.message));
        CHECK(f.tries == 10);
        CHECK(f.lr == 0.5);
    }
}

TEST_CASE("a smaller unsigned type rejects values it cannot hold") {
    unsigned char small = 1;
    Parser p("prog", "");
    p.add("n", small, "small");
    CHECK(parse(p, {"--n", "255"}).code == std::nullopt);
    CHECK(small == 255);
    CHECK(parse(p, {"--n", "256"}).code == 2);
}
