// What the tape records, drawn.
//
// The story (reference/optimization-1.md, "Summary", the information flow): the forward pass
// computes the scores from the data and the weights, the loss scores the scores, and the backward
// pass carries the gradient of the loss back to the weights. Here that flow is visible node by
// node: the full SVM loss of a linear classifier, L = svm(XW + b) + reg sum W^2, on a batch of
// three examples, composed from tape ops. After backward every node holds its value and its
// gradient; the table lists them in creation order (backward walks it bottom-up) and the DOT file
// draws the same graph (rendered to PNG when Graphviz is installed).
#include "tape_graph.hpp"

#include <filesystem>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <gradlab/autodiff/inspect.hpp>
#include <gradlab/autodiff/ops.hpp>
#include <gradlab/losses/regularizers.hpp>
#include <gradlab/losses/scores.hpp>
#include <gradlab/losses/svm.hpp>

#include "support/common.hpp"
#include "support/process.hpp"
#include "support/program.hpp"

namespace gradlab::examples {

TapeGraphResult run_tape_graph(const TapeGraphOptions& o) {
    std::ostream& out = output(o.out);
    require_at_least("tape_graph", "classes", o.classes, 2);  // the labels are i mod classes
    require_at_least("tape_graph", "n", o.n, 1);
    require_at_least("tape_graph", "dims", o.dims, 1);
    fmt::print(out, "== The tape: the SVM loss of a {}-example batch, node by node ==\n", o.n);
    const Tensor x = losses::random_normal({o.n, o.dims}, 1.0, o.seed);
    losses::Labels y(o.n);
    for (std::size_t i = 0; i < o.n; ++i) y[i] = i % o.classes;
    Parameter w(losses::random_normal({o.dims, o.classes}, 0.5, o.seed + 1), "W");
    Parameter b(zeros({o.classes}), "b");

    // [tape]
    Tape tape;
    const Var wv = tape.watch(w);
    const Var scores = losses::linear(tape.constant(x, "X"), wv, tape.watch(b));
    const Var loss = losses::full_loss(losses::svm_composed(scores, y), wv, o.reg);
    tape.backward(loss);
    // [tape]

    TapeGraphResult r;
    r.loss = loss.value()();
    r.nodes = tape.size();
    r.table = format_tape(tape);
    fmt::print(out, "{}\nloss {:.6f}, {} nodes\n", r.table, r.loss, r.nodes);

    std::filesystem::create_directories(o.out_dir);
    r.dot_path = (std::filesystem::path(o.out_dir) / "tape_graph.dot").string();
    write_dot(tape, r.dot_path);
    fmt::print(out, "wrote {}\n", r.dot_path);
    if (o.render) {
        if (!find_on_path("dot").empty()) {
            const std::string png = (std::filesystem::path(o.out_dir) / "tape_graph.png").string();
            if (run_program({"dot", "-Tpng", r.dot_path, "-o", png}) == 0) {
                r.png_path = png;
                fmt::print(out, "rendered {}\n", png);
            } else {
                fmt::print(out, "Graphviz's dot failed to render {}\n", r.dot_path);
            }
        } else {
            fmt::print(out, "Graphviz is not installed; render later with: dot -Tpng {} -o tape_graph.png\n",
                       r.dot_path);
        }
    }
    fmt::print(out, "\n");
    return r;
}

int tape_graph_main(int argc, char** argv) {
    TapeGraphOptions o;
    bool no_render = false;
    Flags app("tape_graph",
              "Builds the SVM loss of a tiny batch, prints every tape node with its value and "
              "gradient, and writes the graph as DOT (and PNG with Graphviz).");
    app.add_option("--n", o.n, "examples in the batch")->check(whole_number(1));
    app.add_option("--dims", o.dims, "features")->check(whole_number(1));
    app.add_option("--classes", o.classes, "classes")->check(whole_number(2));
    app.add_option("--reg", o.reg, "L2 strength")->check(decimal_number(Sign::NonNegative));
    app.add_option("--seed", o.seed, "seed of the data and weights")->check(whole_number());
    app.add_option("--out", o.out_dir, "directory for tape_graph.dot and tape_graph.png");
    app.add_flag("--no-render", no_render, "do not run Graphviz");
    return run_program_main(app, argc, argv, [&] {
        o.render = !no_render;
        run_tape_graph(o);
        return 0;
    });
}

}  // namespace gradlab::examples
