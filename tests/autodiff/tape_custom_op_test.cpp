// What a custom op's author leans on (autodiff/tape.hpp, tensor.hpp): scalar() and Var::item(),
// the one rule for Node::branch, and errors from a wrong backward that name the op, its node and
// the input.
#include <catch2/catch.hpp>

#include <vector>

#include <gradlab/autodiff/ops.hpp>

using namespace gradlab;
using Catch::Contains;

namespace {

Tensor matrix(std::initializer_list<std::initializer_list<double>> rows) { return Tensor(rows); }

std::size_t elements(const Shape& s) {
    std::size_t n = 1;
    for (std::size_t d : s) n *= d;
    return n;
}

// x * 2 as a custom op whose backward hands back `g_shape`-shaped gradients (a planted mistake
// when g_shape is not x's shape).
Var twice(const Var& x, Shape g_shape) {
    return x.tape().record("twice", Tensor(2.0 * x.value()), {x}, [g_shape](const BackwardArgs&) {
        Tensor g = zeros(g_shape);
        g.fill(2.0);
        return Grads{std::move(g)};
    });
}

}  // namespace

TEST_CASE("scalar() makes a 0-d tensor and Var::item() reads a one-element Var back", "[tape][item]") {
    const Tensor t = scalar(2.5);
    CHECK(t.dimension() == 0);
    CHECK(t.size() == 1);
    CHECK(t() == 2.5);
    Tape tape;
    CHECK(tape.scalar(-1.5).item() == -1.5);
    Var x = tape.variable(matrix({{1.0, 2.0}, {3.0, 4.0}}));
    CHECK(sum(x * x).item() == 30.0);
    CHECK(reshape(sum(x), {1, 1}).item() == 10.0);  // one element, any rank
}

TEST_CASE("Var::item() on a Var of more or fewer than one element throws TapeError naming its shape", "[tape][item]") {
    Tape tape;
    Var x = tape.variable(zeros({2, 3}));
    CHECK_THROWS_AS(x.item(), TapeError);
    CHECK_THROWS_WITH(x.item(), Contains("Var::item") && Contains("(2, 3)") && Contains("6 elements"));
    CHECK_THROWS_AS(tape.constant(zeros({0})).item(), TapeError);
    CHECK_THROWS_AS(Var().item(), TapeError);
}

TEST_CASE("every kink op records one branch entry per element of its inputs broadcast together", "[tape][branch]") {
    Tape tape;
    Var a = tape.variable(matrix({{1.0, -2.0, 0.5}, {0.0, 3.0, -1.0}}));
    Var row = tape.variable(Tensor{0.2, -0.1, 0.7});
    const std::vector<Var> kinks = {relu(a), abs(a), clip(a, -0.5, 0.5), max(a), max(a, 0), max(a, 1, true),
                                    maximum(a, row), minimum(row, a), maximum(a, 0.0)};
    for (const Var& k : kinks) {
        const Node& n = tape.node(k);
        INFO(n.op);
        CHECK(n.branch.size() == elements(a.shape()));  // (2, 3): every input here broadcasts to it
    }
}

TEST_CASE("a custom op recording a branch of another length is refused, naming the op, and not recorded",
          "[tape][branch]") {
    Tape tape;
    Var x = tape.variable(zeros({2, 3}));
    const std::size_t before = tape.size();
    auto bad = [&] {
        return tape.record("my_kink", Tensor(x.value()), {x}, [](const BackwardArgs& args) { return Grads{args.grad}; },
                           std::vector<std::uint8_t>(2, 0));  // one per row: not the rule
    };
    CHECK_THROWS_AS(bad(), TapeError);
    CHECK_THROWS_WITH(bad(), Contains("my_kink") && Contains("2 branch entries") && Contains("(2, 3)"));
    CHECK(tape.size() == before);
    // One per input element is accepted.
    Var ok = tape.record("my_kink", Tensor(x.value()), {x}, [](const BackwardArgs& args) { return Grads{args.grad}; },
                         std::vector<std::uint8_t>(6, 1));
    CHECK(tape.node(ok).branch.size() == 6);
}

TEST_CASE("a custom backward returning a gradient of the wrong shape names the op, its node and the input",
          "[tape][backward]") {
    Tape tape;
    Var x = tape.variable(zeros({2, 3}));
    Var c = tape.constant(zeros({1}));
    Var y = twice(x, {3, 2});  // node #2
    REQUIRE(y.id() == 2);
    CHECK_THROWS_AS(tape.backward(sum(y + c)), ShapeError);
    CHECK_THROWS_WITH(tape.backward(sum(y + c)),
                      Contains("backward of 'twice' (node #2), input 0:") && Contains("(3, 2)") && Contains("(2, 3)"));
    // A broadcast-shaped gradient is still fine: it is summed back down.
    Tape ok;
    Var z = ok.variable(zeros({3}));
    ok.backward(sum(twice(z, {4, 3})));
    const bool summed_down = z.grad() == Tensor{8.0, 8.0, 8.0};
    CHECK(summed_down);
}

TEST_CASE("a custom backward that assigns or adds a wrong-shaped tensor into grad_in is named, with the input",
          "[tape][backward]") {
    Tape tape;
    Var a = tape.variable(zeros({2}));
    Var b = tape.variable(zeros({2, 3}));
    Var assigned = tape.record("assigns", Tensor(b.value()), {a, b}, [](const BackwardArgs& args) {
        args.grad_in(1) = xt::ones<double>({3});  // resizes input 1's buffer: the tape notices
    });
    CHECK_THROWS_WITH(tape.backward(sum(assigned)),
                      Contains("backward of 'assigns' (node #2), input 1:") && Contains("has shape (3,)") &&
                          Contains("grad_in(1)"));
    Var added = tape.record("adds", Tensor(b.value()), {a, b}, [](const BackwardArgs& args) {
        args.grad_in(0) += xt::ones<double>({4});  // (2,) += (4,): xtensor cannot broadcast it
    });
    CHECK_THROWS_AS(tape.backward(sum(added)), ShapeError);
    CHECK_THROWS_WITH(tape.backward(sum(added)), Contains("backward of 'adds' (node #"));
}
