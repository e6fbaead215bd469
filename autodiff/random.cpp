#include "random.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "error.hpp"

namespace gradlab {

namespace random {

double uniform(RandomEngine& engine) { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }

double uniform_nonzero(RandomEngine& engine) {
    return (static_cast<double>(engine() >> 11) + 1.0) * 0x1.0p-53;
}

std::pair<double, double> box_muller(double u1, double u2) {
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = kTwoPi * u2;
    return {r * std::cos(theta), r * std::sin(theta)};
}

std::pair<double, double> normal_pair(RandomEngine& engine) {
    const double u1 = uniform_nonzero(engine);
    const double u2 = uniform_nonzero(engine);
    return box_muller(u1, u2);
}

std::uint64_t below(RandomEngine& engine, std::uint64_t n) {
    if (n == 0) throw ValueError("random::below: n must be > 0");
    // The words at or above `bound` form a partial block of 2^64 that would favour small residues.
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t bound = kMax - kMax % n;
    std::uint64_t w = engine();
    while (w >= bound) w = engine();
    return w % n;
}

void shuffle(RandomEngine& engine, std::vector<std::size_t>& items) {
    for (std::size_t i = items.size(); i > 1; --i)
        std::swap(items[i - 1], items[static_cast<std::size_t>(below(engine, i))]);
}

std::vector<std::size_t> permutation(RandomEngine& engine, std::size_t n) {
    std::vector<std::size_t> p(n);
    for (std::size_t i = 0; i < n; ++i) p[i] = i;
    shuffle(engine, p);
    return p;
}

std::vector<std::size_t> sample(RandomEngine& engine, std::size_t n, std::size_t k) {
    if (k > n) throw ValueError(fmt::format("random::sample: cannot draw {} distinct indices below {}", k, n));
    std::vector<std::size_t> idx(n);
    for (std::size_t i = 0; i < n; ++i) idx[i] = i;
    for (std::size_t j = 0; j < k; ++j)
        std::swap(idx[j], idx[j + static_cast<std::size_t>(below(engine, n - j))]);
    idx.resize(k);
    return idx;
}

}  // namespace random

double Random::normal() {
    if (spare_normal_) {
        const double z = *spare_normal_;
        spare_normal_.reset();
        return z;
    }
    const double u1 = 1.0 - uniform();  // in (0, 1]
    const double u2 = uniform();
    const auto [first, second] = random::box_muller(u1, u2);
    spare_normal_ = second;
    return first;
}

}  // namespace gradlab
