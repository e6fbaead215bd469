#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include <gradlab/autodiff/inspect.hpp>
#include <gradlab/autodiff/ops.hpp>

#include "../support/scratch_dir.hpp"

using Catch::Contains;
using gradlab::Tape;
using gradlab::Tensor;
using gradlab::Var;

TEST_CASE("summaries show small tensors whole and large ones as min / mean / max", "[inspect]") {
    Tensor scalar = gradlab::zeros({});
    scalar() = 2.5;
    CHECK(gradlab::summarize(scalar) == "2.5");
    CHECK(gradlab::summarize(Tensor{1.0, -2.0, 0.125}) == "[1, -2, 0.125]");
    CHECK(gradlab::summarize(Tensor{1.0, 2.0, 3.0, 4.0, 5.0}) == "min 1 / mean 3 / max 5");
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(gradlab::summarize(Tensor{1.0, inf, 3.0, std::nan(""), 5.0}) == "min 1 / mean 3 / max 5 | 2 non-finite");
    CHECK(gradlab::summarize(gradlab::zeros({0, 3})) == "()");
    CHECK(gradlab::summarize(Tensor{1.0 / 3.0}, {4, 3}) == "[0.333]");
}

TEST_CASE("the tape prints as a table: id, op, label, inputs, shape, value, grad", "[inspect]") {
    gradlab::Parameter W(Tensor{{1.0, -2.0}, {3.0, 0.5}}, "W");
    Tape tape;
    Var w = tape.watch(W);
    Var x = tape.constant(Tensor{{1.0, 1.0}}, "x");
    Var L = sum(relu(matmul(x, w)));
    const std::string before = gradlab::format_tape(tape);
    tape.backward(L);
    const std::string table = gradlab::format_tape(tape);
    INFO(table);
    std::istringstream lines(table);
    std::string header, rule, row;
    std::getline(lines, header);
    std::getline(lines, rule);
    CHECK(header == "node | op             | label | inputs | shape  | value           | grad");
    CHECK(rule == "-----+----------------+-------+--------+--------+-----------------+-------------");
    // x W = [1 + 3, -2 + 0.5]; relu passes element 0 only; dL/dW = x^T [1, 0]
    std::getline(lines, row);
    CHECK(row == "#0   | param          | W     |        | (2, 2) | [1, -2, 3, 0.5] | [1, 0, 1, 0]");
    std::getline(lines, row);
    CHECK(row == "#1   | const          | x     |        | (1, 2) | [1, 1]          | -");
    std::getline(lines, row);
    CHECK(row == "#2   | matmul         |       | #1, #0 | (1, 2) | [4, -1.5]       | [1, 0]");
    std::getline(lines, row);
    CHECK(row == "#3   | relu [0:1 1:1] |       | #2     | (1, 2) | [4, 0]          | [1, 1]");
    std::getline(lines, row);
    CHECK(row == "#4   | sum            |       | #3     | ()     | 4               | 1");
    CHECK_THAT(before, Contains("(none)"));  // before backward no gradient has arrived
    CHECK(gradlab::format_tape(Tape{}) == "node | op | label | inputs | shape | value | grad\n-----+----+-------+--------+-------+-------+-----\n(the tape is empty)\n");
}

TEST_CASE("the DOT export has a box per node with value and gradient, and an edge per input", "[inspect]") {
    Tape tape;
    Var a = tape.variable(Tensor{1.0, 2.0}, "a \"quoted\"");
    Var b = tape.constant(Tensor{3.0, 0.0}, "b");
    Var L = sum(log(b) * a);  // log(0) = -inf: that node, and a (its gradient is -inf), are red
    tape.backward(L);
    const std::string dot = gradlab::to_dot(tape);
    INFO(dot);
    CHECK_THAT(dot, Contains("digraph tape {"));
    CHECK_THAT(dot, Contains("n0 [label=\"#0 var a \\\"quoted\\\"\\n(2,)\\nvalue: [1, 2]\\ngrad: [1.099, -inf]\", fillcolor=\"#f4a6a6\"]"));
    CHECK_THAT(dot, Contains("n1 [label=\"#1 const b\\n(2,)\\nvalue: [3, 0]\", fillcolor=\"#e0e0e0\"]"));
    CHECK_THAT(dot, Contains("n2 [label=\"#2 log\\n(2,)\\nvalue: [1.099, -inf]\", fillcolor=\"#f4a6a6\"]"));
    CHECK_THAT(dot, Contains("n1 -> n2;"));
    CHECK_THAT(dot, Contains("n2 -> n3;"));
    CHECK_THAT(dot, Contains("n0 -> n3;"));
    CHECK_THAT(dot, Contains("n3 -> n4;"));
    CHECK(dot.back() == '\n');
}

TEST_CASE("write_dot writes the file whole or throws IoError naming the path", "[inspect]") {
    Tape tape;
    Var a = tape.variable(Tensor{1.0, 2.0});
    tape.backward(sum(relu(a) * a));
    CHECK_THAT(gradlab::to_dot(tape), Contains("n0 [label=\"#0 var x\\n(2,)\\nvalue: [1, 2]\\ngrad: [2, 4]\", fillcolor=\"#bcd7f5\"]"));
    CHECK_THAT(gradlab::to_dot(tape), Contains("n1 [label=\"#1 relu\\n(2,)\\nvalue: [1, 2]\\ngrad: [1, 2]\\nbranch:count 1:2\", fillcolor=\"#f9d29d\"]"));
    const test_support::ScratchDir dir("inspect");
    const std::string path = dir.file("graph.dot");
    gradlab::write_dot(tape, path);
    CHECK(test_support::read_bytes(path) == gradlab::to_dot(tape));
    CHECK_THROWS_AS(gradlab::write_dot(tape, "/nonexistent-dir/graph.dot"), gradlab::IoError);
    CHECK_THROWS_WITH(gradlab::write_dot(tape, "/nonexistent-dir/graph.dot"), Contains("/nonexistent-dir/graph.dot"));
}
