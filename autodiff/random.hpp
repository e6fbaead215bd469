/// \file random.hpp
/// \brief gradlab's one seeded random source: uniforms, normals, integers below n, permutations.
///
/// Every seeded draw in gradlab (weight init, random search, the gradient checker's samples and
/// directions, minibatch shuffling, the examples' synthetic data) goes through these functions,
/// so a seed gives the same numbers on every platform. The generator is std::mt19937_64, whose
/// output sequence is fixed by the C++ standard; the standard *distributions*
/// (std::normal_distribution, std::uniform_int_distribution, std::shuffle) are left to each
/// standard library, so gradlab never uses them and converts the raw 64-bit words itself:
///
/// | draw | from one 64-bit word w (or more) |
/// |---|---|
/// | uniform in [0, 1) | \f$ \lfloor w / 2^{11} \rfloor \cdot 2^{-53} \f$ (53 bits fill a double's mantissa) |
/// | uniform in (0, 1] | \f$ (\lfloor w / 2^{11} \rfloor + 1) \cdot 2^{-53} \f$ (never 0, so its log is finite) |
/// | integer below n | w mod n, drawing again while w falls in the top partial block of \f$ 2^{64} \f$ (no modulo bias) |
/// | two normals | Box--Muller: \f$ r = \sqrt{-2 \ln u_1} \f$, \f$ (r \cos 2\pi u_2,\ r \sin 2\pi u_2) \f$ |
/// | permutation | Fisher--Yates, from the last position down |
///
/// The engine is the whole state (a checkpoint saves it as text), so these are free functions on
/// a `RandomEngine&`; Random bundles an engine with the spare normal for code that draws normals
/// one at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <utility>
#include <vector>

namespace gradlab {

/// The generator behind every seeded draw (its output is fixed by the C++ standard).
using RandomEngine = std::mt19937_64;

namespace random {

/// A uniform double in [0, 1) from the engine's top 53 bits.
double uniform(RandomEngine& engine);

/// A uniform double in (0, 1]: the [0, 1) draw shifted up by one step of \f$ 2^{-53} \f$, so that
/// \f$ \ln u \f$ is finite.
double uniform_nonzero(RandomEngine& engine);

/// The Box--Muller transform of two uniforms \f$ u_1 \in (0, 1] \f$, \f$ u_2 \f$: two independent
/// standard normals \f$ (\sqrt{-2 \ln u_1} \cos 2\pi u_2,\ \sqrt{-2 \ln u_1} \sin 2\pi u_2) \f$.
std::pair<double, double> box_muller(double u1, double u2);

/// Two independent standard normals: box_muller of two uniform_nonzero draws (the stream `randn`
/// fills tensors from).
std::pair<double, double> normal_pair(RandomEngine& engine);

/// A uniform integer in [0, n), without modulo bias. Throws ValueError if n is 0.
std::uint64_t below(RandomEngine& engine, std::uint64_t n);

/// Puts `items` in a uniformly random order (Fisher--Yates from the last position down).
void shuffle(RandomEngine& engine, std::vector<std::size_t>& items);

/// 0, 1, ..., n-1 in a uniformly random order.
std::vector<std::size_t> permutation(RandomEngine& engine, std::size_t n);

/// k distinct indices below n, each k-subset equally likely, in the order drawn (a partial
/// Fisher--Yates from the first position up). Throws ValueError if k > n.
std::vector<std::size_t> sample(RandomEngine& engine, std::size_t n, std::size_t k);

}  // namespace random

/// A seeded engine with the spare normal Box--Muller leaves over, for code that draws one value
/// at a time (the examples' synthetic data sets).
class Random {
public:
    /// A generator started from `seed`.
    explicit Random(std::uint64_t seed) : engine_(seed) {}
    /// A uniform double in [0, 1).
    double uniform() { return random::uniform(engine_); }
    /// A standard normal. Normals come in Box--Muller pairs from \f$ u_1 = 1 - \f$ uniform() and
    /// \f$ u_2 = \f$ uniform(); the second of a pair is kept and returned by the next call.
    double normal();
    /// A uniform integer in [0, n); n must be > 0.
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(random::below(engine_, n)); }
    /// 0, 1, ..., n-1 in a random order.
    std::vector<std::size_t> permutation(std::size_t n) { return random::permutation(engine_, n); }
    /// The engine itself, for the free functions above.
    RandomEngine& engine() { return engine_; }

private:
    RandomEngine engine_;
    std::optional<double> spare_normal_;
};

}  // namespace gradlab
