// tape_graph: the SVM loss of a tiny batch on the tape, printed as a table and drawn as a graph.
#include "programs.hpp"

int main(int argc, char** argv) {
    using namespace gradlab::examples;
    TapeGraphOptions o;
    bool no_render = false;
    gradlab::cli::Parser cli("tape_graph",
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
