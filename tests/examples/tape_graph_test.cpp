// tape_graph writes a valid DOT file of the tape it printed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "../support/scratch_dir.hpp"
#include "example_testing.hpp"
#include "tape_graph.hpp"

using namespace gradlab::examples;
using Catch::Contains;

TEST_CASE("tape_graph prints the tape and writes a DOT digraph with one box per node") {
    test_support::ScratchDir dir("tape-graph");
    std::ostringstream out;
    TapeGraphOptions o;
    o.out_dir = (dir.path() / "nested").string();  // created if missing
    o.render = false;
    o.out = &out;
    const TapeGraphResult r = run_tape_graph(o);
    CHECK(r.loss > 0.0);
    CHECK(r.nodes >= 8);  // X, W, b, matmul, add, the SVM's ops, the penalty, the sum
    CHECK(r.png_path.empty());
    CHECK_THAT(r.table, Contains("matmul"));
    CHECK_THAT(out.str(), Contains("wrote"));

    std::ifstream in(r.dot_path);
    REQUIRE(in.good());
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string dot = buf.str();
    CHECK(dot.rfind("digraph", 0) == 0);
    CHECK(std::count(dot.begin(), dot.end(), '{') == std::count(dot.begin(), dot.end(), '}'));
    CHECK_THAT(dot, Contains("->"));
    // Every node id appears as a declared node: n0 ... n(nodes-1).
    for (std::size_t i = 0; i < r.nodes; ++i) CHECK_THAT(dot, Contains("n" + std::to_string(i)));
}

TEST_CASE("with Graphviz installed, tape_graph renders a PNG") {
    test_support::ScratchDir dir("tape-graph-png");
    std::ostringstream out;
    TapeGraphOptions o;
    o.out_dir = dir.path().string();
    o.out = &out;
    const TapeGraphResult r = run_tape_graph(o);
    if (r.png_path.empty()) EXAMPLES_SKIP("Graphviz's dot is not installed: no PNG to check");
    std::ifstream png(r.png_path, std::ios::binary);
    char magic[4] = {};
    png.read(magic, 4);
    CHECK(std::string(magic + 1, 3) == "PNG");
}
