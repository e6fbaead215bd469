// check_gradient(s): choosing which elements to probe (full, sparse, directional), judging each
// probed element (relative error, round-off, kinks) and collecting the report.
#include <algorithm>
#include <cmath>
#include <limits>

#include "gradcheck.hpp"
#include "gradcheck_probe.hpp"
#include "random.hpp"

namespace gradlab {

namespace {

using detail::Coordinate;
using detail::ProbeValues;

constexpr const char* kOp = "check_gradient";
constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr std::size_t kMaxKeptRows = 50;  // failures / kinks kept when keep_rows is off

// Stratified shares of k samples: every input first gets an equal share (capped at its size),
// then what the capped ones could not take is shared again among the others, until k is placed.
// A 10-element bias next to a 30730-element W thus gets min(10, k/2) samples, not k*10/30740.
std::vector<std::size_t> sample_shares(const std::vector<NamedInput>& inputs, std::size_t k) {
    std::vector<std::size_t> share(inputs.size(), 0);
    std::size_t left = k;
    while (left > 0) {
        std::size_t open = 0;
        for (std::size_t i = 0; i < inputs.size(); ++i) open += share[i] < inputs[i].value.size();
        const std::size_t each = std::max<std::size_t>(1, left / open);
        for (std::size_t i = 0; i < inputs.size() && left > 0; ++i) {
            const std::size_t give = std::min({each, inputs[i].value.size() - share[i], left});
            share[i] += give;
            left -= give;
        }
    }
    return share;
}

std::vector<Coordinate> sparse_coordinates(const std::vector<NamedInput>& inputs, std::size_t k,
                                           std::uint64_t seed) {
    RandomEngine rng(seed);
    const auto share = sample_shares(inputs, k);
    std::vector<Coordinate> coords;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        std::vector<std::size_t> idx = random::sample(rng, inputs[i].value.size(), share[i]);
        std::sort(idx.begin(), idx.end());
        for (std::size_t j : idx) coords.push_back({i, j});
    }
    return coords;
}

std::vector<Coordinate> all_coordinates(const std::vector<NamedInput>& inputs) {
    std::vector<Coordinate> coords;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        for (std::size_t j = 0; j < inputs[i].value.size(); ++j) coords.push_back({i, j});
    return coords;
}

// The round-off level of a centered difference: each f value carries an error of a few ulps of
// |f| (times the rounding accumulated inside f), and dividing by 2h magnifies it by 1/2h.
double roundoff_level(const Tolerance& tol, double f0, double plus, double minus, double h) {
    return tol.roundoff_factor * kEps * std::max({std::abs(f0), std::abs(plus), std::abs(minus)}) / h;
}

// Judges one probed element; see GradientRow for the fields.
GradientRow judge(const Tolerance& tol, double h, double f0, double a, double plus, double minus) {
    GradientRow row;
    row.analytic = a;
    row.numerical = (plus - minus) / (2.0 * h);
    row.rel_error = relative_error(a, row.numerical, tol.abs_floor);
    row.verdict = verdict_for(row.rel_error);
    row.passed = row.rel_error <= tol.max_relative_error;
    if (row.passed || !std::isfinite(a)) return row;
    const double noise = roundoff_level(tol, f0, plus, minus, h);
    if (std::abs(a - row.numerical) <= noise) {
        row.within_roundoff = row.passed = true;
        return row;
    }
    // The centered difference disagrees: look at both sides separately. If the slopes differ, a
    // kink lies within h and any value between them is a valid subgradient.
    row.slope_minus = (f0 - minus) / h;
    row.slope_plus = (plus - f0) / h;
    const double gap = std::abs(row.slope_plus - row.slope_minus);
    const double scale = std::max({std::abs(row.slope_minus), std::abs(row.slope_plus), tol.abs_floor});
    if (gap > tol.kink_min_gap * scale && gap > 4.0 * noise) {
        row.crosses_kink = true;
        const double lo = std::min(row.slope_minus, row.slope_plus);
        const double hi = std::max(row.slope_minus, row.slope_plus);
        const double slack = 2.0 * noise + tol.max_relative_error * scale;
        row.passed = a >= lo - slack && a <= hi + slack;
    }
    return row;
}

// Builds all inputs with one element moved by +-h, for the kink-reason callback.
std::string ask_kink_reason(const KinkReasonFn& why, const std::vector<NamedInput>& inputs,
                            const Coordinate& c, double h) {
    std::vector<Tensor> plus, minus;
    for (const auto& in : inputs) {
        plus.push_back(in.value);
        minus.push_back(in.value);
    }
    plus[c.input].flat(c.flat) += h;
    minus[c.input].flat(c.flat) -= h;
    return why(KinkProbe{c.input, c.flat, &plus, &minus});
}

// How much an element deserves attention: failures first, then elements judged by their
// relative error, then those accepted for another reason (a kink, round-off), whose relative error
// says little. NaN (a non-finite analytic value) ranks above everything.
std::pair<int, double> severity(const GradientRow& row) {
    const int tier = !row.passed ? 2 : (row.crosses_kink || row.within_roundoff) ? 0 : 1;
    const double r = std::isnan(row.rel_error) ? std::numeric_limits<double>::infinity() : row.rel_error;
    return {tier, r};
}

// Probes `coords` and fills one InputReport per input.
void check_coordinates(const MultiScalarFn& f, double f0, const std::vector<Tensor>& analytic,
                       const std::vector<NamedInput>& inputs, const std::vector<Coordinate>& coords,
                       const CheckOptions& opt, GradientReport& report) {
    const auto probes = detail::probe_coordinates(kOp, f, inputs, coords, opt.h, opt.threads);
    report.evaluations += 2 * coords.size();
    for (std::size_t c = 0; c < coords.size(); ++c) {
        const Coordinate& co = coords[c];
        InputReport& in = report.inputs[co.input];
        GradientRow row = judge(opt.tolerance, opt.h, f0, analytic[co.input].flat(co.flat),
                                probes[c].plus, probes[c].minus);
        row.flat = co.flat;
        row.index = detail::unravel(in.shape, co.flat);
        if (row.crosses_kink && opt.kink_reason)
            row.kink_reason = ask_kink_reason(opt.kink_reason, inputs, co, opt.h);
        ++in.checked;
        in.failures += !row.passed;
        in.kinks += row.crosses_kink;
        in.roundoff += row.within_roundoff;
        const auto sev = severity(row);
        if (sev.first > 0) in.max_rel_error = std::max(in.max_rel_error, sev.second);
        if (!in.worst || sev > severity(*in.worst)) in.worst = row;  // the element to act on
        const bool notable = !row.passed || row.crosses_kink || row.within_roundoff;
        if (opt.keep_rows || (notable && in.rows.size() < kMaxKeptRows)) in.rows.push_back(row);
    }
    for (auto& in : report.inputs) in.passed = in.failures == 0;
}

// One random direction v (unit length over all inputs together), one centered difference.
DirectionalResult check_direction(const MultiScalarFn& f, double f0, const std::vector<Tensor>& analytic,
                                  const std::vector<NamedInput>& inputs, const CheckOptions& opt) {
    RandomEngine rng(opt.seed);
    std::vector<Tensor> v;
    double norm2 = 0.0;
    for (const auto& in : inputs) {
        Tensor d = zeros(in.value.shape());
        for (std::size_t j = 0; j < d.size(); ++j) {
            // The cosine half of a Box-Muller pair (u2 in [0, 1)); the sine half is not used,
            // so a seed gives the direction it always gave.
            const double u1 = random::uniform_nonzero(rng);
            d.flat(j) = random::box_muller(u1, random::uniform(rng)).first;
            norm2 += d.flat(j) * d.flat(j);
        }
        v.push_back(std::move(d));
    }
    const double inv = 1.0 / std::sqrt(norm2);
    std::vector<Tensor> plus, minus;
    double a = 0.0;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        v[k] *= inv;
        a += xt::sum(analytic[k] * v[k])();
        plus.push_back(Tensor(inputs[k].value + opt.h * v[k]));
        minus.push_back(Tensor(inputs[k].value - opt.h * v[k]));
    }
    const double fp = f(plus);
    const double fm = f(minus);
    if (!std::isfinite(fp) || !std::isfinite(fm))
        throw ValueError(fmt::format("{}: f is not finite along the random direction (f(x+hv) = {}, "
                                     "f(x-hv) = {})", kOp, fp, fm));
    const GradientRow row = judge(opt.tolerance, opt.h, f0, a, fp, fm);
    return DirectionalResult{a, row.numerical, row.rel_error, row.crosses_kink, row.passed};
}

void validate(const std::vector<Tensor>& analytic, const std::vector<NamedInput>& inputs,
              const CheckOptions& opt) {
    detail::require_step(kOp, opt.h);
    if (inputs.empty()) throw ValueError(fmt::format("{}: no inputs to check", kOp));
    if (analytic.size() != inputs.size())
        throw ShapeError(fmt::format("{}: {} analytic gradients for {} inputs", kOp, analytic.size(),
                                     inputs.size()));
    std::size_t total = 0;
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const auto& in = inputs[k];
        if (in.value.size() == 0)
            throw ShapeError(fmt::format("{}: input {} is empty, shape {}", kOp, in.name,
                                         shape_str(in.value.shape())));
        if (analytic[k].shape() != in.value.shape())
            throw ShapeError(fmt::format("{}: analytic gradient of {} has shape {} but {} has shape {}",
                                         kOp, in.name, shape_str(analytic[k].shape()), in.name,
                                         shape_str(in.value.shape())));
        require_finite(kOp, in.value, ("input " + in.name).c_str());
        total += in.value.size();
    }
    const Tolerance& t = opt.tolerance;
    if (!(t.max_relative_error > 0.0 && t.max_relative_error < kWrongBand) ||
        !(t.abs_floor >= 0.0 && t.abs_floor <= kMaxAbsFloor) ||
        !(t.roundoff_factor >= 0.0 && t.roundoff_factor <= kMaxRoundoffFactor) ||
        !(t.kink_min_gap >= 0.0 && std::isfinite(t.kink_min_gap)))
        throw ValueError(fmt::format("{}: tolerance out of range (max_relative_error = {:g} must be in (0, "
                                     "{:g}): the WRONG band cannot be tolerated; abs_floor = {:g} in [0, {:g}]; "
                                     "roundoff_factor = {:g} in [0, {:g}]: a larger round-off allowance would "
                                     "let a wrong gradient pass; kink_min_gap = {:g} finite and >= 0)",
                                     kOp, t.max_relative_error, kWrongBand, t.abs_floor, kMaxAbsFloor,
                                     t.roundoff_factor, kMaxRoundoffFactor, t.kink_min_gap));
    if (opt.method == CheckMethod::Sparse && (opt.samples == 0 || opt.samples > total))
        throw ValueError(fmt::format("{}: a sparse check needs 1 <= samples <= {} (the elements of "
                                     "all inputs), got {}; use CheckMethod::Full to check them all",
                                     kOp, total, opt.samples));
}

}  // namespace

GradientReport check_gradients(const MultiScalarFn& f, const std::vector<Tensor>& analytic,
                               const std::vector<NamedInput>& inputs, const CheckOptions& opt) {
    validate(analytic, inputs, opt);
    GradientReport report;
    report.method = opt.method;
    report.h = opt.h;
    report.tolerance = opt.tolerance;
    report.seed = opt.seed;
    for (const auto& in : inputs) {
        InputReport r;
        r.name = in.name;
        r.shape = in.value.shape();
        r.size = in.value.size();
        report.inputs.push_back(std::move(r));
    }
    std::vector<Tensor> values;
    for (const auto& in : inputs) values.push_back(in.value);
    const double f0 = f(values);
    report.evaluations = 1;
    if (!std::isfinite(f0))
        throw ValueError(fmt::format("{}: f(x) is not finite: {}", kOp, f0));

    switch (opt.method) {
        case CheckMethod::Full:
            check_coordinates(f, f0, analytic, inputs, all_coordinates(inputs), opt, report);
            break;
        case CheckMethod::Sparse:
            check_coordinates(f, f0, analytic, inputs, sparse_coordinates(inputs, opt.samples, opt.seed),
                              opt, report);
            break;
        case CheckMethod::Directional:
            report.directional = check_direction(f, f0, analytic, inputs, opt);
            report.evaluations += 2;
            if (!report.directional->passed) {  // find the wrong elements, one coordinate at a time
                report.fell_back = true;
                check_coordinates(f, f0, analytic, inputs, all_coordinates(inputs), opt, report);
            }
            break;
    }
    // After a directional failure the coordinate check is the authority: if every element
    // agrees, the direction most likely crossed a kink, and the summary says so.
    report.passed = true;
    for (const auto& in : report.inputs) report.passed = report.passed && in.passed;
    return report;
}

GradientReport check_gradients(const MultiScalarFn& f, const MultiGradientFn& gradient,
                               const std::vector<NamedInput>& inputs, const CheckOptions& options) {
    std::vector<Tensor> values;
    for (const auto& in : inputs) values.push_back(in.value);
    return check_gradients(f, gradient(values), inputs, options);
}

GradientReport check_gradient(const ScalarFn& f, const Tensor& analytic, const Tensor& x,
                              const CheckOptions& options) {
    const MultiScalarFn g = [&f](const std::vector<Tensor>& v) { return f(v[0]); };
    return check_gradients(g, std::vector<Tensor>{analytic}, {NamedInput{"x", x}}, options);
}

GradientReport check_gradient(const ScalarFn& f, const GradientFn& gradient, const Tensor& x,
                              const CheckOptions& options) {
    return check_gradient(f, gradient(x), x, options);
}

}  // namespace gradlab
