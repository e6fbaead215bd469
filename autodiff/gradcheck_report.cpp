// Printing the checker's results: the report's table and summary, and the step-size study.
// Everything here is about being read by a learner, so the words matter as much as the numbers.
#include <algorithm>
#include <cmath>

#include "gradcheck.hpp"
#include "gradcheck_probe.hpp"

namespace gradlab {

namespace {

std::string method_name(CheckMethod m) {
    switch (m) {
        case CheckMethod::Full: return "full";
        case CheckMethod::Sparse: return "sparse";
        case CheckMethod::Directional: return "directional";
    }
    return "?";
}

// The verdict column: the band, or why an element outside the band still passes.
std::string verdict_text(const GradientRow& r) {
    if (r.within_roundoff) return "round-off level";
    if (r.crosses_kink) {
        std::string s = r.passed ? "kink: subgradient ok" : "WRONG (outside kink slopes)";
        if (!r.kink_reason.empty()) s += " -- " + r.kink_reason;
        return s;
    }
    return to_string(r.verdict);
}

void append_row(std::string& out, const GradientRow& r) {
    out += fmt::format("    {:<14} | {:>14.7e} | {:>14.7e} | {:>10.2e} | {}\n",
                       detail::index_str(r.index), r.analytic, r.numerical, r.rel_error,
                       verdict_text(r));
    if (r.crosses_kink)
        out += fmt::format("    {:<14} |   one-sided slopes: [f(x)-f(x-h)]/h = {:.7e}, "
                           "[f(x+h)-f(x)]/h = {:.7e}\n", "", r.slope_minus, r.slope_plus);
}

std::string where(const InputReport& in, const GradientRow& r) {
    return in.name + detail::index_str(r.index);
}

}  // namespace

double GradientReport::max_rel_error() const {
    double m = 0.0;
    for (const auto& in : inputs) m = std::max(m, in.max_rel_error);
    return m;
}

std::size_t GradientReport::checked() const {
    std::size_t n = 0;
    for (const auto& in : inputs) n += in.checked;
    return n;
}

const InputReport* GradientReport::worst_input() const {
    // Same ranking as within an input: a failure first, then the largest relative error.
    const InputReport* w = nullptr;
    for (const auto& in : inputs) {
        if (!in.worst) continue;
        const bool worse = !w || (!in.worst->passed && w->worst->passed) ||
                           (in.worst->passed == w->worst->passed && in.max_rel_error > w->max_rel_error);
        if (worse) w = &in;
    }
    return w;
}

std::string GradientReport::summary() const {
    std::string s;
    std::size_t failures = 0, kinks = 0, roundoff = 0;
    for (const auto& in : inputs) {
        failures += in.failures;
        kinks += in.kinks;
        roundoff += in.roundoff;
    }
    if (directional) {
        const auto& d = *directional;
        s += fmt::format("Along one random unit direction v (seed {}): <analytic grad, v> = {:.7e}, "
                         "[f(x+hv) - f(x-hv)]/2h = {:.7e}, rel. error {:.2e}{}. ",
                         seed, d.analytic, d.numerical, d.rel_error,
                         d.passed ? (d.crosses_kink ? " (a kink lies along v; inside its slopes)" : "")
                                  : " -- they disagree");
        if (d.passed) s += "That took 3 evaluations of f instead of 2 per element; a wrong gradient "
                           "would almost surely have shown up here. ";
        else s += "So every element was then checked one at a time to find the wrong ones. ";
    }
    const InputReport* wi = worst_input();
    if (checked() > 0) {
        if (method == CheckMethod::Sparse) {
            s += fmt::format("Sparse check of {} elements drawn with seed {} (", checked(), seed);
            for (std::size_t i = 0; i < inputs.size(); ++i)
                s += fmt::format("{}{} {} of {}", i ? ", " : "", inputs[i].name, inputs[i].checked,
                                 inputs[i].size);
            s += "); the same seed draws the same elements again. ";
        }
        if (failures == 0) {
            s += fmt::format("All {} checked elements agree with the numerical gradient", checked());
            if (wi && !wi->worst->crosses_kink && !wi->worst->within_roundoff)
                s += fmt::format(" (largest rel. error {:.2e}, at {})", wi->max_rel_error,
                                 where(*wi, *wi->worst));
            s += ". ";
            if (directional && !directional->passed)
                s += "The direction's disagreement is not confirmed by any element: it most likely "
                     "crossed a kink along v, where one-sided slopes differ. ";
        } else {
            const GradientRow& w = *wi->worst;
            s += fmt::format("{} of {} checked elements disagree. The worst is {}: analytic {:.7e} "
                             "versus numerical {:.7e} (rel. error {:.2e}, {}). Look at the code that "
                             "computes the gradient of {} at that index first. ",
                             failures, checked(), where(*wi, w), w.analytic, w.numerical, w.rel_error,
                             verdict_text(w), wi->name);
        }
    }
    if (kinks > 0)
        s += fmt::format("{} element(s) cross a kink within h (max(0, .), |.|, a hinge at its "
                         "margin): the two one-sided slopes differ, so the centered difference "
                         "averages two different slopes; an analytic value between them is a valid "
                         "subgradient and is accepted. ", kinks);
    if (roundoff > 0)
        s += fmt::format("{} element(s) differ by less than the round-off level of centered "
                         "differences (about eps*|f|/h): there the numerical value cannot resolve "
                         "them, so their relative error means little -- precision trouble, not a "
                         "bug. A larger h or a loss of smaller magnitude would resolve them. ", roundoff);
    const double m = max_rel_error();
    if (failures > 0 && kinks == 0 && verdict_for(m) == Verdict::AcceptableWithKinks)
        s += "Errors between 1e-7 and 1e-4 without a kink are suspicious: run step_size_study() on "
             "the worst element to see whether a better h removes them. ";
    s += fmt::format("Used h = {:g}: centered differences err by about h^2 (truncation) plus "
                     "eps/h (round-off), smallest near h = 1e-5; step_size_study() shows the trade. ",
                     h);
    s += fmt::format("{} evaluations of f.", evaluations);
    return s;
}

std::string format_report(const GradientReport& r) {
    std::string out = fmt::format("gradient check ({}, h = {:g}, tolerance {:.0e}): {}\n",
                                  method_name(r.method), r.h, r.tolerance.max_relative_error,
                                  r.passed ? "PASSED" : "FAILED");
    for (const auto& in : r.inputs) {
        out += fmt::format("  {} {}: {} of {} elements checked", in.name, shape_str(in.shape),
                           in.checked, in.size);
        if (in.checked > 0)
            out += fmt::format(", max rel. error {:.2e}, {} failure(s)", in.max_rel_error, in.failures);
        out += "\n";
        if (in.checked == 0) continue;
        out += fmt::format("    {:<14} | {:>14} | {:>14} | {:>10} | {}\n", "index", "analytic",
                           "numerical", "rel. error", "verdict");
        const bool worst_listed = std::any_of(in.rows.begin(), in.rows.end(), [&](const GradientRow& row) {
            return row.flat == in.worst->flat;
        });
        for (const auto& row : in.rows) append_row(out, row);
        if (!worst_listed) {
            if (!in.rows.empty()) out += "    (worst element)\n";
            append_row(out, *in.worst);
        }
        if (in.rows.size() < in.checked && in.rows.size() + !worst_listed < in.checked)
            out += fmt::format("    ... {} more element(s) agree (CheckOptions::keep_rows lists them)\n",
                               in.checked - in.rows.size() - !worst_listed);
    }
    out += "summary: " + r.summary() + "\n";
    return out;
}

std::string format_study(const StepSizeStudy& s) {
    std::string out = fmt::format("step-size study of element {} (analytic derivative {:.10e})\n",
                                  detail::index_str(s.index), s.analytic);
    out += fmt::format("  {:>8} | {:>17} | {:>10} | {:>10} | log10(error): longer bar = larger error\n",
                       "h", "numerical", "abs. error", "rel. error");
    for (const auto& row : s.rows) {
        // The bar spans log10(error) from -16 (no bar) up: its length draws the V.
        const double lg = row.abs_error > 0.0 ? std::log10(row.abs_error) : -16.0;
        const int len = std::clamp(static_cast<int>(std::lround(2.0 * (lg + 16.0))), 0, 60);
        out += fmt::format("  {:>8.0e} | {:>17.10e} | {:>10.2e} | {:>10.2e} | {}\n", row.h,
                           row.numerical, row.abs_error, row.rel_error, std::string(len, '#'));
    }
    if (!s.rows.empty()) {
        const auto& b = s.best();
        out += fmt::format("  smallest error at h = {:.0e}: larger steps lose to truncation "
                           "(error ~ h^2), smaller ones to round-off (error ~ eps/h).\n", b.h);
    }
    return out;
}

}  // namespace gradlab
