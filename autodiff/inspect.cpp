// Tape inspection: the node table and the Graphviz export.
#include "inspect.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

#include "atomic_file.hpp"

namespace gradlab {

namespace {

std::string number(double v, int precision) { return fmt::format("{:.{}g}", v, precision); }

std::string ids(const std::vector<std::size_t>& v) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", #" : "#") + std::to_string(v[i]);
    return s;
}

// "0:5 1:7": how many elements took each recorded branch (branch:count).
std::string branch_summary(const Node& n) {
    if (n.branch.empty()) return "";
    std::array<std::size_t, 256> count{};
    for (std::uint8_t b : n.branch) ++count[b];
    std::string s;
    for (std::size_t b = 0; b < count.size(); ++b)
        if (count[b] != 0) s += fmt::format("{}{}:{}", s.empty() ? "" : " ", b, count[b]);
    return s;
}

std::string grad_summary(const Node& n, const InspectOptions& o) {
    if (!n.requires_grad) return "-";
    if (!n.has_grad) return "(none)";
    return summarize(n.grad, o);
}

bool all_finite(const Tensor& t) {
    for (std::size_t i = 0; i < t.size(); ++i)
        if (!std::isfinite(t.flat(i))) return false;
    return true;
}

// Escapes a string for a double-quoted DOT label (newlines become \n line breaks).
std::string dot_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

}  // namespace

std::string summarize(const Tensor& t, const InspectOptions& o) {
    if (t.size() == 0) return "()";
    if (t.dimension() == 0) return number(t(), o.precision);
    if (t.size() <= o.max_elements) {
        std::string s = "[";
        for (std::size_t i = 0; i < t.size(); ++i) s += (i ? ", " : "") + number(t.flat(i), o.precision);
        return s + "]";
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, total = 0.0;
    std::size_t finite = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const double v = t.flat(i);
        if (!std::isfinite(v)) continue;  // summarize the finite ones; count the rest
        lo = std::min(lo, v);
        hi = std::max(hi, v);
        total += v;
        ++finite;
    }
    std::string s = finite == 0 ? std::string("no finite element")
                                : fmt::format("min {} / mean {} / max {}", number(lo, o.precision),
                                              number(total / static_cast<double>(finite), o.precision),
                                              number(hi, o.precision));
    if (finite != t.size()) s += fmt::format(" | {} non-finite", t.size() - finite);
    return s;
}

std::string format_tape(const Tape& tape, const InspectOptions& o) {
    struct Row {
        std::array<std::string, 7> cells;
    };
    std::vector<Row> rows;
    rows.push_back({{"node", "op", "label", "inputs", "shape", "value", "grad"}});
    for (std::size_t id = 0; id < tape.size(); ++id) {
        const Node& n = tape.node(id);
        std::string op = n.op;
        if (!n.branch.empty()) op += " [" + branch_summary(n) + "]";
        rows.push_back({{"#" + std::to_string(id), op, n.label, ids(n.inputs), shape_str(n.value().shape()),
                         summarize(n.value(), o), grad_summary(n, o)}});
    }
    std::array<std::size_t, 7> width{};
    for (const Row& r : rows)
        for (std::size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], r.cells[c].size());
    std::string out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string line;
        for (std::size_t c = 0; c < width.size(); ++c)
            line += fmt::format("{}{:<{}}", c ? " | " : "", rows[i].cells[c], width[c]);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
        if (i == 0) {
            std::string rule;
            for (std::size_t c = 0; c < width.size(); ++c) rule += (c ? "-+-" : "") + std::string(width[c], '-');
            out += rule + "\n";
        }
    }
    if (tape.size() == 0) out += "(the tape is empty)\n";
    return out;
}

std::string to_dot(const Tape& tape, const InspectOptions& o) {
    std::string out = "digraph tape {\n  rankdir=BT;\n  node [shape=box, style=\"rounded,filled\", fontname=\"monospace\", fontsize=10];\n";
    for (std::size_t id = 0; id < tape.size(); ++id) {
        const Node& n = tape.node(id);
        std::string title = fmt::format("#{} {}", id, n.op);
        if (!n.label.empty()) title += " " + n.label;
        std::string label = title + "\n" + shape_str(n.value().shape()) + "\nvalue: " + summarize(n.value(), o);
        if (n.requires_grad) label += "\ngrad: " + grad_summary(n, o);
        if (!n.branch.empty()) label += "\nbranch:count " + branch_summary(n);
        const char* color = !all_finite(n.value()) || (n.has_grad && !all_finite(n.grad)) ? "#f4a6a6"
                            : n.inputs.empty() && n.requires_grad                      ? "#bcd7f5"
                            : n.inputs.empty()                                         ? "#e0e0e0"
                            : !n.branch.empty()                                        ? "#f9d29d"
                                                                                       : "#ffffff";
        out += fmt::format("  n{} [label=\"{}\", fillcolor=\"{}\"];\n", id, dot_escape(label), color);
    }
    for (std::size_t id = 0; id < tape.size(); ++id)
        for (std::size_t in : tape.node(id).inputs) out += fmt::format("  n{} -> n{};\n", in, id);
    return out + "}\n";
}

void write_dot(const Tape& tape, const std::string& path, const InspectOptions& o) {
    const std::string text = to_dot(tape, o);
    write_file_atomic(path, text, "write_dot");
}

}  // namespace gradlab
