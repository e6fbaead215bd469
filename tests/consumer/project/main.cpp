// An outside project: uses the installed headers and libraries, and checks one known value.
#include <cmath>
#include <cstdio>

#include <fmt/format.h>
#include <xtensor/xmath.hpp>

#include <gradlab/autodiff/gradcheck.hpp>
#include <gradlab/autodiff/tensor_io.hpp>

int main() {
    gradlab::Tensor x = {1.0, -2.0, 3.0};
    auto f = [](const gradlab::Tensor& t) { return xt::sum(t * t)(); };
    const gradlab::Tensor g = gradlab::numerical_gradient(f, x);
    const bool ok = std::abs(g(0) - 2.0) < 1e-8 && std::abs(g(1) + 4.0) < 1e-8 && std::abs(g(2) - 6.0) < 1e-8;
    fmt::print("consumer: d/dx sum(x*x) at {} = ({:g}, {:g}, {:g}): {}\n", x, g(0), g(1), g(2),
               ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}
