// Handles that outlive what they point at (issue 16, item 2): a Var whose Tape was destroyed or
// reset, a watched Parameter destroyed, moved or copied before backward, and the checks at the
// tape's leaves (a moved-from tensor or Parameter). Each must be a clear gradlab error, never
// undefined behaviour: run these under the asan preset (and the threaded one under tsan).
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape.hpp>

using Catch::Matchers::Contains;
using gradlab::Parameter;
using gradlab::Tape;
using gradlab::TapeError;
using gradlab::Tensor;
using gradlab::Var;

namespace {

bool same(const Tensor& a, const Tensor& b) { return a.shape() == b.shape() && xt::allclose(a, b, 0.0, 1e-14); }

// The message of the gradlab::Error that f throws ("" if it throws nothing).
template <class F>
std::string message_of(F f) {
    try {
        f();
    } catch (const gradlab::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a Var used after its Tape was destroyed throws TapeError naming the accessor and the node",
          "[tape][lifetime]") {
    Var x, y;
    {
        Tape tape;
        x = tape.variable(Tensor{1.0, 2.0}, "x");
        y = x * x;  // node #1
    }
    CHECK_THROWS_AS(y.value(), TapeError);
    CHECK_THROWS_WITH(y.value(), Contains("Var::value") && Contains("destroyed") && Contains("node #1"));
    CHECK_THROWS_WITH(y.grad(), Contains("Var::grad") && Contains("destroyed"));
    CHECK_THROWS_WITH(y.item(), Contains("Var::item") && Contains("destroyed"));
    CHECK_THROWS_WITH(y.shape(), Contains("Var::value") && Contains("destroyed"));
    CHECK_THROWS_WITH(y.requires_grad(), Contains("Var::requires_grad") && Contains("destroyed"));
    CHECK_THROWS_WITH(y.tape(), Contains("Var::tape") && Contains("destroyed") && Contains("node #1"));
    CHECK_THROWS_WITH(gradlab::relu(y), Contains("destroyed"));
    CHECK_THROWS_WITH(x + 1.0, Contains("destroyed"));
    CHECK(y.id() == 1);  // the id is the handle's own: readable, harmless
}

TEST_CASE("a Var of a destroyed Tape is refused even when a new Tape has taken over its anchor",
          "[tape][lifetime]") {
    Var old;
    {
        Tape first;
        old = first.variable(Tensor{3.0}, "x");
    }
    // Anchors are pooled and reused (last returned, first taken): these tapes very likely hold
    // the old one. Whichever they hold, the old Var is dead to all of them and theirs are alive.
    for (int k = 0; k < 4; ++k) {
        Tape next;
        Var fresh = next.variable(Tensor{5.0}, "y");
        CHECK(fresh.item() == 5.0);
        CHECK_THROWS_WITH(old.value(), Contains("Var::value") && Contains("destroyed"));
        CHECK_THROWS_WITH(next.node(old), Contains("Tape::node") && Contains("destroyed"));
        CHECK_THROWS_WITH(fresh + old, Contains("destroyed"));
        CHECK_THROWS_WITH(next.backward(old), Contains("backward") && Contains("destroyed"));
        CHECK(fresh.item() == 5.0);
    }
}

TEST_CASE("a Var from before reset() is refused as stale, not as destroyed, and the tape records afresh",
          "[tape][lifetime]") {
    Tape tape;
    Var before = tape.variable(Tensor{1.0, 2.0});
    tape.reset();
    Var after = tape.variable(Tensor{4.0});  // node #0 again, the same slot as `before`
    CHECK_THROWS_AS(before.value(), TapeError);
    const std::string msg = message_of([&] { (void)before.value(); });
    CHECK_THAT(msg, Contains("Var::value") && Contains("reset"));
    CHECK_THAT(msg, !Contains("destroyed"));
    CHECK_THROWS_WITH(before * after, Contains("reset"));
    CHECK(&before.tape() == &tape);  // the tape itself is alive
    CHECK(after.item() == 4.0);
}

TEST_CASE("a Parameter destroyed before backward: backward throws TapeError naming it and writes no gradient",
          "[tape][lifetime]") {
    Parameter W(Tensor{1.0, 2.0}, "W");
    Tape tape;
    Var w = tape.watch(W);  // node #0
    Var loss;
    {
        Parameter b(Tensor{0.5, 0.5}, "b");
        Var vb = tape.watch(b);  // node #1
        loss = gradlab::sum(w * w + vb);
    }
    CHECK_THROWS_AS(tape.backward(loss), TapeError);
    CHECK_THROWS_WITH(tape.backward(loss),
                      Contains("backward") && Contains("Parameter 'b'") && Contains("node #1") && Contains("destroyed"));
    CHECK(same(W.grad, Tensor{0.0, 0.0}));  // W, alive and reached, got nothing either
    // What the tape holds is intact: the loss and W's gradient on the tape are still there.
    CHECK(loss.item() == Approx(1.0 + 4.0 + 1.0));
}

TEST_CASE("a destroyed Parameter that backward never reaches is no error", "[tape][lifetime]") {
    Parameter W(Tensor{1.0, 2.0}, "W");
    Tape tape;
    Var w = tape.watch(W);
    {
        Parameter unused(Tensor{7.0}, "unused");
        (void)tape.watch(unused);
    }
    tape.backward(gradlab::sum(w * w));
    CHECK(same(W.grad, Tensor{2.0, 4.0}));  // d(sum w^2)/dw = 2w
}

TEST_CASE("a moved Parameter still works: the gradient goes where the value was moved", "[tape][lifetime]") {
    SECTION("move-constructed after watch") {
        Parameter W(Tensor{1.0, -3.0}, "W");
        Tape tape;
        Var w = tape.watch(W);
        Parameter moved(std::move(W));
        tape.backward(gradlab::sum(w * w));
        CHECK(same(moved.grad, Tensor{2.0, -6.0}));
        CHECK(moved.name == "W");
    }
    SECTION("a std::vector<Parameter> that reallocates after watch") {
        std::vector<Parameter> params;
        params.emplace_back(Tensor{2.0}, "p0");
        Tape tape;
        Var p0 = tape.watch(params[0]);
        const Parameter* before = params.data();
        for (int k = 1; k < 40; ++k) params.emplace_back(Tensor{1.0 * k}, "p" + std::to_string(k));
        REQUIRE(params.data() != before);  // moved (std::vector moves a nothrow-movable element)
        tape.backward(gradlab::sum(p0 * p0 * p0));
        CHECK(same(params[0].grad, Tensor{12.0}));  // d(p^3)/dp = 3p^2
    }
    SECTION("a moved-from Parameter cannot be watched until it is given a value again") {
        Parameter W(Tensor{1.0, 2.0}, "W");
        Parameter other(std::move(W));
        Tape tape;
        CHECK_THROWS_AS(tape.watch(W), gradlab::ShapeError);
        CHECK_THROWS_WITH(tape.watch(W), Contains("watch") && Contains("moved from"));
        W.value = Tensor{5.0};
        Var w = tape.watch(W);
        tape.backward(gradlab::sum(w * w));
        CHECK(same(W.grad, Tensor{10.0}));
        CHECK(same(other.grad, Tensor{0.0, 0.0}));  // the two are independent now
    }
    SECTION("move-assigned: the tape that watched the source follows it, the one that watched the target refuses") {
        Parameter a(Tensor{1.0}, "a");
        Parameter b(Tensor{4.0}, "b");
        Tape ta, tb;
        Var va = ta.watch(a);
        Var vb = tb.watch(b);
        a = std::move(b);  // a now holds b's value; what a held is gone
        CHECK_THROWS_WITH(ta.backward(gradlab::sum(va * va)), Contains("Parameter 'a'") && Contains("destroyed"));
        tb.backward(gradlab::sum(vb * vb));
        CHECK(same(a.grad, Tensor{8.0}));
    }
}

TEST_CASE("a copied Parameter is independent: the tape that watched the original writes only into it",
          "[tape][lifetime]") {
    Parameter W(Tensor{1.0, 2.0}, "W");
    Tape tape;
    Var w = tape.watch(W);
    Parameter copy = W;
    tape.backward(gradlab::sum(w * w));
    CHECK(same(W.grad, Tensor{2.0, 4.0}));
    CHECK(same(copy.grad, Tensor{0.0, 0.0}));
    Parameter assigned(Tensor{9.0, 9.0}, "A");
    Var wa = tape.watch(assigned);
    assigned = W;  // copy-assignment keeps the tapes' references: assigned is the same Parameter
    tape.backward(gradlab::sum(wa * 3.0));
    CHECK(same(assigned.grad, Tensor{2.0 + 3.0, 4.0 + 3.0}));  // W's copied grad, plus d(3 wa)/dwa
}

TEST_CASE("the tape's leaves refuse a moved-from tensor and a shape above kMaxTensorElements", "[tape][lifetime]") {
    Tape tape;
    Tensor t = Tensor{1.0, 2.0};
    Tensor taken = std::move(t);  // t now looks 0-d (a "scalar") but holds no element
    CHECK_THROWS_AS(tape.variable(t, "x"), gradlab::ShapeError);
    CHECK_THROWS_WITH(tape.variable(t, "x"), Contains("variable 'x'") && Contains("()") && Contains("holds 0"));
    CHECK_THROWS_WITH(tape.constant(t, "c"), Contains("constant 'c'") && Contains("holds 0"));
    CHECK_THROWS_WITH(tape.constant(std::make_shared<const Tensor>(t), "s"), Contains("constant 's'"));
    CHECK_THROWS_WITH(Parameter(t, "P"), Contains("Parameter 'P'") && Contains("holds 0"));
    // Empty, but its other dimension is beyond the limit (xtensor makes it without overflow).
    const Tensor wide = Tensor::from_shape({std::size_t{1} << 40, 0});
    CHECK_THROWS_WITH(tape.constant(wide, "wide"),
                      Contains("constant 'wide'") && Contains("(1099511627776, 0)") && Contains("kMaxTensorElements"));
    CHECK(tape.size() == 0);  // nothing was recorded
    // An ordinary empty tensor is a legal leaf (an empty batch).
    CHECK(tape.variable(gradlab::zeros({0, 3})).shape() == gradlab::Shape{0, 3});
    CHECK(taken.size() == 2);
}

TEST_CASE("many tapes created and destroyed on several threads: no live Var is refused, every dead one is",
          "[tape][lifetime][threads]") {
    constexpr int kThreads = 4;
    constexpr int kRounds = 2000;
    std::atomic<int> false_alarms{0}, missed{0}, wrong{0};
    std::vector<std::thread> threads;
    for (int th = 0; th < kThreads; ++th) {
        threads.emplace_back([&, th] {
            Var dead;
            for (int r = 0; r < kRounds; ++r) {
                std::optional<Tape> tape(std::in_place);
                const double v = th * 1000.0 + r;
                try {
                    Var x = tape->variable(Tensor{v}, "x");
                    Var y = x * 2.0 + 1.0;
                    tape->backward(gradlab::sum(y));
                    if (y.item() != 2.0 * v + 1.0 || x.grad()(0) != 2.0) ++wrong;
                    if (r % 3 == 0) tape->reset();  // a reset tape keeps its anchor
                    Var z = tape->variable(Tensor{v});
                    if (z.item() != v) ++wrong;
                    dead = z;
                    // A Parameter of this thread, moved after watch(): its link goes along.
                    Parameter p(Tensor{v}, "p");
                    Var vp = tape->watch(p);
                    Parameter moved(std::move(p));
                    tape->backward(gradlab::sum(vp * vp));
                    if (moved.grad(0) != 2.0 * v) ++wrong;
                } catch (const gradlab::Error&) {
                    ++false_alarms;
                }
                tape.reset();  // destroyed: its anchor goes back to the pool for any thread
                try {
                    (void)dead.value();
                    ++missed;
                } catch (const TapeError&) {
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(false_alarms == 0);
    CHECK(missed == 0);
    CHECK(wrong == 0);
}
