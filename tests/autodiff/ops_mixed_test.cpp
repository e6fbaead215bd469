// Tests for autodiff/ops_mixed.cpp (a Var and a Tensor in one expression), for where() called
// unqualified, and for masked_fill (ops_index.cpp), the op that leaves a class out of a max.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <xtensor/xmath.hpp>

#include <gradlab/testing/gradcheck_catch.hpp>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape_check.hpp>

using namespace gradlab;

namespace {

const double kInf = std::numeric_limits<double>::infinity();

Tensor matrix(std::initializer_list<std::initializer_list<double>> rows) { return Tensor(rows); }

bool same(const Tensor& a, const Tensor& b) { return a.shape() == b.shape() && xt::allclose(a, b, 0.0, 1e-15); }

using VarTensorOp = std::function<Var(Var, Tensor)>;
using TensorVarOp = std::function<Var(Tensor, Var)>;
using VarVarOp = std::function<Var(const Var&, const Var&)>;

struct MixedRow {
    std::string name;
    VarTensorOp var_tensor;
    TensorVarOp tensor_var;
    VarVarOp var_var;
};

// Every mixed overload, next to the Var op Var it must equal. The lambdas call the operators
// unqualified with non-const arguments, the case xtensor's templates used to capture.
const std::vector<MixedRow>& mixed_rows() {
    static const std::vector<MixedRow> rows = {
        {"+", [](Var a, Tensor b) { return a + b; }, [](Tensor a, Var b) { return a + b; },
         [](const Var& a, const Var& b) { return a + b; }},
        {"-", [](Var a, Tensor b) { return a - b; }, [](Tensor a, Var b) { return a - b; },
         [](const Var& a, const Var& b) { return a - b; }},
        {"*", [](Var a, Tensor b) { return a * b; }, [](Tensor a, Var b) { return a * b; },
         [](const Var& a, const Var& b) { return a * b; }},
        {"/", [](Var a, Tensor b) { return a / b; }, [](Tensor a, Var b) { return a / b; },
         [](const Var& a, const Var& b) { return a / b; }},
        {"maximum", [](Var a, Tensor b) { return maximum(a, b); }, [](Tensor a, Var b) { return maximum(a, b); },
         [](const Var& a, const Var& b) { return maximum(a, b); }},
        {"minimum", [](Var a, Tensor b) { return minimum(a, b); }, [](Tensor a, Var b) { return minimum(a, b); },
         [](const Var& a, const Var& b) { return minimum(a, b); }},
    };
    return rows;
}

}  // namespace

TEST_CASE("Var op Tensor equals Var op constant, in value and gradient, on both sides and broadcast",
          "[ops_mixed]") {
    const Tensor x0 = matrix({{0.5, -1.25, 2.0}, {1.5, 0.75, -0.5}});
    const Tensor t = Tensor{0.8, -0.3, 1.7};  // broadcasts along rows
    for (const MixedRow& row : mixed_rows()) {
        INFO("op " << row.name);
        for (bool tensor_first : {false, true}) {
            INFO("tensor first: " << tensor_first);
            Tape mixed_tape, ref_tape;
            Var xm = mixed_tape.variable(x0);
            Tensor named = t;  // a non-const lvalue Tensor: the case xt's operator templates won
            Var m = tensor_first ? row.tensor_var(named, xm) : row.var_tensor(xm, named);
            Var xr = ref_tape.variable(x0);
            Var c = ref_tape.constant(t);
            Var r = tensor_first ? row.var_var(c, xr) : row.var_var(xr, c);
            CHECK(same(m.value(), r.value()));
            mixed_tape.backward(sum(m * m));
            ref_tape.backward(sum(r * r));
            CHECK(same(xm.grad(), xr.grad()));
            CHECK(same(named, t));  // the caller's tensor is untouched
            // The tensor went on the tape as a constant: it takes no gradient.
            CHECK_FALSE(mixed_tape.node(mixed_tape.node(m).inputs[tensor_first ? 0 : 1]).requires_grad);
        }
    }
}

TEST_CASE("Var op Tensor throws ShapeError naming the op when the shapes do not broadcast", "[ops_mixed]") {
    Tape tape;
    Var x = tape.variable(zeros({2, 3}));
    CHECK_THROWS_AS(x + zeros({4}), ShapeError);
    CHECK_THROWS_WITH(zeros({2, 2}) * x, Catch::Contains("mul") && Catch::Contains("(2, 2)"));
}

TEST_CASE("where() works unqualified with non-const Vars and a non-const mask", "[ops_mixed][where]") {
    Tape tape;
    Var a = tape.variable(Tensor{1.0, 2.0, 3.0});
    Var b = tape.variable(Tensor{-1.0, -2.0, -3.0});
    Tensor m = Tensor{1.0, 0.0, 1.0};
    Var w = where(m, a, b);  // ADL also finds xt::where; ours must win
    CHECK(same(w.value(), Tensor{1.0, -2.0, 3.0}));
    tape.backward(sum(w));
    CHECK(same(a.grad(), m));                    // d/da = m
    CHECK(same(b.grad(), Tensor{0.0, 1.0, 0.0}));  // d/db = 1 - m

    // A lazy mask expression is evaluated into a Tensor first.
    Tape t2;
    Var c = t2.variable(Tensor{1.0, 2.0, 3.0});
    Var d = t2.variable(Tensor{-1.0, -2.0, -3.0});
    Var e = where(xt::greater(c.value(), 1.5), c, d);
    CHECK(same(e.value(), Tensor{-1.0, 2.0, 3.0}));
}

TEST_CASE("masked_fill puts the value where the mask is 1 and sends no gradient there", "[ops_mixed][masked_fill]") {
    Tape tape;
    Var x = tape.variable(matrix({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}));
    const Tensor m = matrix({{0.0, 1.0, 0.0}, {1.0, 0.0, 0.0}});
    Var y = masked_fill(x, m, -kInf);
    CHECK(y.value()(0, 1) == -kInf);
    CHECK(y.value()(1, 0) == -kInf);
    CHECK(y.value()(0, 2) == 3.0);
    CHECK(y.value()(1, 2) == 6.0);
    tape.backward(sum(mask(y, 1.0 - m)) * 2.0);  // the finite part, so the loss is finite
    CHECK(same(x.grad(), matrix({{2.0, 0.0, 2.0}, {0.0, 2.0, 2.0}})));  // 2 (1 - m)

    // The mask broadcasts into x's shape: a row mask fills a whole column.
    Tape t2;
    Var z = t2.variable(matrix({{1.0, 2.0}, {3.0, 4.0}}));
    Var f = masked_fill(z, Tensor{1.0, 0.0}, 7.0);
    CHECK(same(f.value(), matrix({{7.0, 2.0}, {7.0, 4.0}})));
}

TEST_CASE("max over the wrong classes by masked_fill(-inf) skips the correct class even when every score is negative",
          "[ops_mixed][masked_fill]") {
    // mask() would write 0 into the correct class, and 0 beats every negative score.
    Tape tape;
    Var s = tape.variable(matrix({{-3.0, -1.0, -2.0}, {-0.5, -4.0, -0.25}}));
    const std::vector<std::size_t> y = {1, 2};
    Var best_wrong = max(masked_fill(s, one_hot(y, 3), -kInf), 1);
    CHECK(same(best_wrong.value(), Tensor{-2.0, -0.5}));
    Var with_mask = max(mask(s, 1.0 - one_hot(y, 3)), 1);  // the trap this op replaces
    CHECK(same(with_mask.value(), Tensor{0.0, 0.0}));
    tape.backward(sum(best_wrong));
    CHECK(same(s.grad(), matrix({{0.0, 0.0, 1.0}, {1.0, 0.0, 0.0}})));
}

TEST_CASE("masked_fill passes the gradient checker", "[ops_mixed][masked_fill][gradcheck]") {
    Parameter x(matrix({{0.3, -1.2, 0.7, 2.1}, {-0.4, 0.9, -1.6, 0.2}}), "x");
    const Tensor m = matrix({{0.0, 1.0, 0.0, 0.0}, {1.0, 0.0, 0.0, 1.0}});
    auto loss = [&](Tape&, const std::vector<Var>& p) { return sum(tanh(masked_fill(p[0], m, 3.0)) * p[0]); };
    REQUIRE_THAT(loss, GradientsMatch({&x}));
}

TEST_CASE("masked_fill refuses a non-0/1 mask, a NaN value and a mask that does not fit x", "[ops_mixed][masked_fill]") {
    Tape tape;
    Var x = tape.variable(zeros({2, 3}));
    CHECK_THROWS_WITH(masked_fill(x, Tensor{1.0, 0.5, 0.0}, 0.0),
                      Catch::Contains("masked_fill") && Catch::Contains("0.5"));
    CHECK_THROWS_AS(masked_fill(x, zeros({2, 3}), std::nan("")), ValueError);
    CHECK_THROWS_AS(masked_fill(x, zeros({4}), 0.0), ShapeError);
    CHECK_THROWS_WITH(masked_fill(x, zeros({3, 2, 3}), 0.0),
                      Catch::Contains("masked_fill") && Catch::Contains("(3, 2, 3)") && Catch::Contains("(2, 3)"));
}
