// Independent training on several threads (issue 16): a tape, its parameters and its optimizer
// belong to one thread, and nothing in gradlab is shared behind their back -- so two threads
// training at once give bit for bit what each gives alone. Run under the tsan preset too.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include <gradlab/autodiff/ops.hpp>
#include <gradlab/autodiff/tape.hpp>
#include <gradlab/losses/regularizers.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/softmax.hpp>
#include <gradlab/losses/svm.hpp>
#include <gradlab/optim/adam.hpp>
#include <gradlab/optim/momentum.hpp>

#include "toy_problems.hpp"

namespace go = gradlab::optim;
namespace gl = gradlab::losses;
using gradlab::Parameter;
using gradlab::Tape;
using gradlab::Tensor;

namespace {

struct Trained {
    Tensor W, b;
    std::vector<double> losses;
};

// 60 steps of minibatch training on the blobs, on one reused tape: softmax with Adam or SVM with
// Nesterov momentum, plus L2. Everything it touches is its own.
Trained train(bool softmax, std::uint64_t seed) {
    const toy::Blobs data = toy::make_blobs(90, seed);
    Parameter W{gl::random_normal({3, 3}, 0.01, seed), "W"};
    Parameter b{gradlab::zeros({3}), "b"};
    go::Adam adam(0.05);
    go::Momentum momentum(0.01, 0.9, true);
    go::Optimizer& opt = softmax ? static_cast<go::Optimizer&>(adam) : momentum;
    Tape tape;
    Trained out;
    for (std::size_t step = 0; step < 60; ++step) {
        tape.reset();
        const std::size_t first = (step * 30) % 90;
        Tensor xb = gradlab::zeros({30, 3});
        std::vector<std::size_t> yb(30);
        for (std::size_t i = 0; i < 30; ++i) {
            for (std::size_t d = 0; d < 3; ++d) xb(i, d) = data.X(first + i, d);
            yb[i] = data.y[first + i];
        }
        auto x = tape.constant(xb);
        auto w = tape.watch(W);
        auto s = gl::linear(x, w, tape.watch(b));
        auto data_loss = softmax ? gl::softmax_cross_entropy(s, yb) : gl::svm(s, yb);
        auto loss = gl::full_loss(data_loss, w, 1e-3);
        W.zero_grad();
        b.zero_grad();
        tape.backward(loss);
        opt.step({&W, &b});
        out.losses.push_back(loss.value()());
    }
    out.W = W.value;
    out.b = b.value;
    return out;
}

bool same(const Trained& a, const Trained& b) {
    return toy::bit_identical(a.W, b.W) && toy::bit_identical(a.b, b.b) && a.losses == b.losses;
}

}  // namespace

TEST_CASE("two threads, each with its own tape, train independently: bit-identical to serial runs",
          "[threads][reliability]") {
    const Trained serial_softmax = train(true, 3);
    const Trained serial_svm = train(false, 4);
    for (int round = 0; round < 3; ++round) {
        Trained a, b;
        std::thread ta([&a] { a = train(true, 3); });
        std::thread tb([&b] { b = train(false, 4); });
        ta.join();
        tb.join();
        CHECK(same(a, serial_softmax));
        CHECK(same(b, serial_svm));
    }
    // The runs are not trivially equal: different losses, different seeds, different weights.
    CHECK_FALSE(toy::bit_identical(serial_softmax.W, serial_svm.W));
    CHECK(serial_softmax.losses.back() < serial_softmax.losses.front());
}
