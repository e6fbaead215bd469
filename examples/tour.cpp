// The tour of gradlab: for now, the first idea of the optimization notes -- the gradient of a
// function, estimated numerically by centered differences -- on f(x) = sum(x * x), whose exact
// gradient 2x we know. The examples issue grows this into the full tour on real data.
#include <fmt/format.h>
#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/gradcheck.hpp>

int main() {
    gradlab::Tensor x = {{1.0, -2.0, 0.5}, {3.0, 0.0, -0.25}};
    auto f = [](const gradlab::Tensor& t) { return xt::sum(t * t)(); };
    const gradlab::Tensor numerical = gradlab::numerical_gradient(f, x);
    const gradlab::Tensor exact = 2.0 * x;
    fmt::print("f(x) = sum(x*x) at\n{}\n\nnumerical gradient (h = 1e-5):\n{}\n\n", x, numerical);
    fmt::print("max |numerical - 2x| = {:.3e}\n", xt::amax(xt::abs(numerical - exact))());
    return 0;
}
