// What the tape records, drawn.
//
// The story (reference/optimization-1.md, "Summary", the information flow): the forward pass
// computes the scores from the data and the weights, the loss scores the scores, and the backward
// pass carries the gradient of the loss back to the weights. Here that flow is visible node by
// node: the full SVM loss of a linear classifier, L = svm(XW + b) + reg sum W^2, on a batch of
// three examples, composed from tape ops. After backward every node holds its value and its
// gradient; the table lists them in creation order (backward walks it bottom-up) and the DOT file
// draws the same graph (rendered to PNG when Graphviz is installed).
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
    cli::Parser cli("tape_graph",
                             "Builds the SVM loss of a tiny batch, prints every tape node with its value "
                             "and gradient, and writes the graph as DOT (and PNG with Graphviz).");
    cli.add("n", o.n, "examples in the batch");
    cli.add("dims", o.dims, "features");
    cli.add("classes", o.classes, "classes");
    cli.add("reg", o.reg, "L2 strength");
    cli.add("seed", o.seed, "seed of the data and weights");
    cli.add("out", o.out_dir, "directory for tape_graph.dot and tape_graph.png");
    cli.add("no-render", no_render, "do not run Graphviz");
    if (auto code = cli.parse(argc, argv)) return *code;
    o.render = !no_render;
    return run_program_main("tape_graph", [&] {
        run_tape_graph(o);
        return 0;
    });
}

}  // namespace gradlab::examples
