// Tests for testing/gradcheck_catch.hpp: the tape-aware matcher checks every Parameter of a
// tape-built loss in one statement, and a failure names them.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include <gradlab/testing/gradcheck_catch.hpp>
#include <gradlab/autodiff/ops.hpp>

using namespace gradlab;

namespace {

// tanh(x) as a custom op whose backward forgets the factor (1 - tanh^2) when `wrong` is set.
Var my_tanh(const Var& x, bool wrong) {
    Tensor v = x.value();
    for (double& e : v) e = std::tanh(e);
    return x.tape().record("my_tanh", std::move(v), {x}, [wrong](const BackwardArgs& args) {
        Tensor g = args.grad;
        if (!wrong)
            for (std::size_t i = 0; i < g.size(); ++i) g.flat(i) *= 1.0 - args.out.flat(i) * args.out.flat(i);
        return Grads{std::move(g)};
    });
}

struct Problem {
    std::mt19937_64 rng{7};
    Tensor X = randn({6, 4}, rng);
    Parameter W{0.5 * randn({4, 3}, rng), "W_hidden"};
    Parameter b{0.5 * randn({3}, rng), "b_hidden"};
};

}  // namespace

// [tape-matcher]
TEST_CASE("GradientsMatch passes a right tape gradient of every parameter in one statement", "[gradcheck_catch]") {
    Problem p;
    auto loss = [&](Tape& t, const std::vector<Var>& v) {
        return mean(my_tanh(matmul(t.constant(p.X), v[0]) + v[1], false));
    };
    REQUIRE_THAT(loss, GradientsMatch({&p.W, &p.b}));
}
// [tape-matcher]

TEST_CASE("GradientsMatch fails on a planted wrong gradient and names the parameters in its message",
          "[gradcheck_catch]") {
    Problem p;
    auto loss = [&](Tape& t, const std::vector<Var>& v) {
        return mean(my_tanh(matmul(t.constant(p.X), v[0]) + v[1], true));
    };
    const TapeGradientsMatcher matcher = GradientsMatch({&p.W, &p.b});
    CHECK_FALSE(matcher.match(loss));
    const std::string message = matcher.toString();  // what Catch prints under the failed REQUIRE_THAT
    INFO(message);
    CHECK_THAT(message, Catch::Contains("W_hidden (4, 3)") && Catch::Contains("b_hidden (3,)"));
    CHECK_THAT(message, Catch::Contains("FAILED") && Catch::Contains("WRONG"));
    // The Parameters' own grads are left alone (the check runs on its own tapes).
    const bool untouched = p.W.grad == zeros({4, 3});
    CHECK(untouched);
}
