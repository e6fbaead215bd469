#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <limits>

#include <gradlab/autodiff/error.hpp>
#include <gradlab/optim/adam.hpp>
#include <gradlab/optim/checkpoint.hpp>
#include <gradlab/optim/momentum.hpp>

#include "toy_problems.hpp"
#include "../support/scratch_dir.hpp"

namespace fs = std::filesystem;
namespace go = gradlab::optim;
using gradlab::Parameter;
using gradlab::Tensor;
using test_support::read_bytes;
using test_support::ScratchDir;
using test_support::write_bytes;

namespace {

// A checkpoint with a bit of everything, including values == would mishandle.
go::Checkpoint sample() {
    Parameter W(Tensor{{1.5, -0.0}, {std::numeric_limits<double>::infinity(), std::nan("")}}, "W");
    Parameter b(Tensor{0.25, 1e-300, -7.0}, "b");
    go::Adam adam(0.01);
    W.grad = Tensor{{1.0, 2.0}, {3.0, 4.0}};
    W.value(1, 0) = 2.0;  // the step needs finite values...
    W.value(1, 1) = 3.0;
    b.grad = Tensor{1.0, 1.0, 1.0};
    adam.step({&W, &b});
    W.value(1, 0) = std::numeric_limits<double>::infinity();  // ...the file does not
    W.value(1, 1) = std::nan("");
    std::mt19937_64 rng(99);
    rng.discard(17);
    go::Checkpoint c = go::capture_checkpoint({&W, &b}, adam, 4, rng);
    c.extra.emplace_back("scalar", Tensor(3.0));
    return c;
}

}  // namespace

TEST_CASE("a checkpoint reads back bit for bit: values, names, shapes, state, epoch, rng", "[checkpoint]") {
    ScratchDir dir("ckpt-roundtrip");
    const go::Checkpoint c = sample();
    go::save_checkpoint(dir.file("a.ckpt"), c);
    const go::Checkpoint d = go::load_checkpoint(dir.file("a.ckpt"));
    CHECK(d.epoch == 4);
    CHECK(d.rng_state == c.rng_state);
    REQUIRE(d.params.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        CHECK(d.params[i].first == c.params[i].first);
        CHECK(toy::bit_identical(d.params[i].second, c.params[i].second));
    }
    CHECK(d.optimizer.kind == "Adam");
    CHECK(d.optimizer.iteration == 1);
    REQUIRE(d.optimizer.tensors.size() == 4);  // m/0, m/1, v/0, v/1
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(d.optimizer.tensors[i].first == c.optimizer.tensors[i].first);
        CHECK(toy::bit_identical(d.optimizer.tensors[i].second, c.optimizer.tensors[i].second));
    }
    REQUIRE(d.extra.size() == 1);
    CHECK(d.extra[0].second.dimension() == 0);  // a 0-d tensor keeps its rank
    CHECK(d.extra[0].second() == 3.0);
    CHECK(dir.entries() == 1);  // no temporary file left behind
}

TEST_CASE("capture then restore puts parameters, optimizer and rng back", "[checkpoint]") {
    Parameter W(Tensor{1.0, 2.0}, "W");
    go::Momentum m(0.1);
    W.grad = Tensor{1.0, 1.0};
    m.step({&W});
    std::mt19937_64 rng(5);
    const go::Checkpoint c = go::capture_checkpoint({&W}, m, 1, rng);
    const auto expect_next = rng();

    Parameter W2(Tensor{0.0, 0.0}, "W");
    go::Momentum m2(0.1);
    std::mt19937_64 rng2(1);
    go::restore_checkpoint(c, {&W2}, m2, rng2);
    CHECK(toy::bit_identical(W2.value, W.value));
    CHECK(rng2() == expect_next);
    CHECK(m2.iteration() == 1);
    W.grad = W2.grad = Tensor{0.5, -0.5};
    m.step({&W});
    m2.step({&W2});
    CHECK(toy::bit_identical(W2.value, W.value));
}

TEST_CASE("restore refuses a checkpoint of another model and changes nothing", "[checkpoint][errors]") {
    Parameter W(Tensor{1.0, 2.0}, "W");
    go::Momentum m(0.1);
    std::mt19937_64 rng(5);
    const go::Checkpoint c = go::capture_checkpoint({&W}, m, 0, rng);

    Parameter other(Tensor{7.0, 8.0, 9.0}, "W");
    CHECK_THROWS_WITH(go::restore_checkpoint(c, {&other}, m, rng),
                      "restore_checkpoint: parameter 'W' has shape (2,) in the checkpoint but (3,) in the model");
    Parameter renamed(Tensor{7.0, 8.0}, "V");
    CHECK_THROWS_AS(go::restore_checkpoint(c, {&renamed}, m, rng), gradlab::ValueError);
    CHECK_THROWS_AS(go::restore_checkpoint(c, {&W, &renamed}, m, rng), gradlab::ShapeError);
    Parameter same(Tensor{7.0, 8.0}, "W");
    go::Adam adam;
    CHECK_THROWS_AS(go::restore_checkpoint(c, {&same}, adam, rng), gradlab::ValueError);
    CHECK(same.value(0) == 7.0);  // untouched by the failed restore
    CHECK(other.value(0) == 7.0);
}

TEST_CASE("loading a missing file names it", "[checkpoint][errors]") {
    ScratchDir dir("ckpt-missing");
    const std::string p = dir.file("nope.ckpt");
    CHECK_THROWS_WITH(go::load_checkpoint(p), "load_checkpoint: cannot open '" + p + "': No such file or directory");
}

TEST_CASE("loading a foreign file says it is not a checkpoint", "[checkpoint][errors]") {
    ScratchDir dir("ckpt-foreign");
    write_bytes(dir.file("notes.txt"), "epoch,train_loss\n1,0.5\n");
    CHECK_THROWS_WITH(go::load_checkpoint(dir.file("notes.txt")),
                      "load_checkpoint: '" + dir.file("notes.txt") + "' is not a gradlab checkpoint (no GLABCKPT magic)");
    write_bytes(dir.file("empty"), "");
    CHECK_THROWS_AS(go::load_checkpoint(dir.file("empty")), gradlab::IoError);
}

TEST_CASE("every truncation of a checkpoint is detected", "[checkpoint][errors]") {
    ScratchDir dir("ckpt-truncated");
    go::save_checkpoint(dir.file("good.ckpt"), sample());
    const std::string bytes = read_bytes(dir.file("good.ckpt"));
    // Every cut inside the header and near the end, every 7th in between (the file is ~7 KB, most
    // of it the generator's state).
    for (std::size_t n = 0; n < bytes.size(); n += (n < 24 || n + 16 > bytes.size()) ? 1 : 7) {
        write_bytes(dir.file("cut.ckpt"), bytes.substr(0, n));
        INFO("truncated to " << n << " of " << bytes.size() << " bytes");
        CHECK_THROWS_AS(go::load_checkpoint(dir.file("cut.ckpt")), gradlab::IoError);
    }
    CHECK_NOTHROW(go::load_checkpoint(dir.file("good.ckpt")));
}

TEST_CASE("a flipped byte is detected anywhere: header, payload, checksum", "[checkpoint][errors]") {
    ScratchDir dir("ckpt-corrupt");
    go::save_checkpoint(dir.file("good.ckpt"), sample());
    const std::string bytes = read_bytes(dir.file("good.ckpt"));
    // Every header and checksum byte, every 7th payload byte (CRC-32 catches any single-byte
    // error; the stride only keeps the file writes down).
    for (std::size_t i = 0; i < bytes.size(); i += (i < 20 || i + 8 > bytes.size()) ? 1 : 7) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ 0x20);
        write_bytes(dir.file("bad.ckpt"), bad);
        INFO("byte " << i << " flipped");
        CHECK_THROWS_AS(go::load_checkpoint(dir.file("bad.ckpt")), gradlab::IoError);
    }
    std::string bad = bytes;
    bad[40] = static_cast<char>(bad[40] ^ 1);
    write_bytes(dir.file("bad.ckpt"), bad);
    CHECK_THROWS_WITH(go::load_checkpoint(dir.file("bad.ckpt")), Catch::Contains("is corrupted: checksum"));
}

TEST_CASE("a newer format version is refused by name", "[checkpoint][errors]") {
    ScratchDir dir("ckpt-version");
    go::save_checkpoint(dir.file("good.ckpt"), sample());
    std::string bytes = read_bytes(dir.file("good.ckpt"));
    bytes[8] = 2;
    write_bytes(dir.file("v2.ckpt"), bytes);
    CHECK_THROWS_WITH(go::load_checkpoint(dir.file("v2.ckpt")), Catch::Contains("has format version 2"));
}

TEST_CASE("saving over a checkpoint replaces it whole; a failed save leaves it intact", "[checkpoint]") {
    ScratchDir dir("ckpt-atomic");
    go::Checkpoint c = sample();
    go::save_checkpoint(dir.file("run.ckpt"), c);
    c.epoch = 5;
    go::save_checkpoint(dir.file("run.ckpt"), c);
    CHECK(go::load_checkpoint(dir.file("run.ckpt")).epoch == 5);
    const std::string before = read_bytes(dir.file("run.ckpt"));

    // A directory cannot be renamed over: the save fails after writing its temp file.
    fs::create_directory(dir.path() / "taken");
    CHECK_THROWS_WITH(go::save_checkpoint(dir.file("taken"), c), Catch::Contains("'" + dir.file("taken") + "'"));
    CHECK_THROWS_AS(go::save_checkpoint(dir.file("no/such/dir/x.ckpt"), c), gradlab::IoError);
    CHECK(read_bytes(dir.file("run.ckpt")) == before);
    CHECK(dir.entries() == 2);  // run.ckpt and taken/: no temporary left over
}
