// Checkpoints from outside and saves that die (issue 16): only regular files are read, the
// header before the body, shapes within the tensor limit, finite parameters; a killed save never
// costs the previous checkpoint and its temporary is swept by the next save; a resume refuses a
// checkpoint written for another model.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gradlab/autodiff/error.hpp>
#include <gradlab/optim/checkpoint.hpp>
#include <gradlab/optim/fit.hpp>
#include <gradlab/optim/momentum.hpp>

#include "toy_problems.hpp"
#include "../support/scratch_dir.hpp"

namespace fs = std::filesystem;
namespace go = gradlab::optim;
using Catch::Contains;
using gradlab::Parameter;
using gradlab::Tensor;
using test_support::read_bytes;
using test_support::ScratchDir;
using test_support::write_bytes;

namespace {

// Temporary files a save left in `dir` (write_file_atomic names them <file>.tmp.XXXXXX).
std::size_t temporaries(const ScratchDir& dir) {
    std::size_t n = 0;
    for (const std::string& name : dir.names())
        if (name.find(".tmp.") != std::string::npos) ++n;
    return n;
}

// The checkpoint format written out by hand (optim/checkpoint.hpp), so that a file can claim
// what no Tensor could hold.
void u64(std::string& s, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void u32(std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void str(std::string& s, const std::string& v) {
    u64(s, v.size());
    s += v;
}
std::uint32_t crc32(const std::string& d) {
    std::uint32_t c = 0xffffffffu;
    for (unsigned char b : d) {
        c ^= b;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}
// A checkpoint with one parameter "W" of the given dims and `elements` doubles of value 1.
std::string handmade(const std::vector<std::uint64_t>& dims, std::uint64_t elements) {
    std::string p;
    u64(p, 1);            // epoch
    str(p, "5489");       // rng state (never read: loading fails first, or restore is not called)
    u64(p, 1);            // one parameter
    str(p, "W");
    u64(p, dims.size());
    for (auto d : dims) u64(p, d);
    for (std::uint64_t i = 0; i < elements; ++i) u64(p, 0x3ff0000000000000ULL);
    str(p, "sgd");
    u64(p, 0);
    u64(p, 0);  // no optimizer tensors
    u64(p, 0);  // no extras
    std::string f = "GLABCKPT";
    u32(f, 1);
    u64(f, p.size());
    f += p;
    u32(f, crc32(p));
    return f;
}

struct SvmRun {
    toy::Blobs data = toy::make_blobs(120, 5);
    Parameter W{gradlab::zeros({3, 3}), "W"};
    go::StepFn step() {
        return [this](const std::vector<std::size_t>& idx) { return toy::svm_loss_grad(W.value, data, idx, 1e-3, W.grad); };
    }
};

go::FitOptions quiet(std::size_t epochs) {
    go::FitOptions o;
    o.epochs = epochs;
    o.batch_size = 16;
    o.seed = 7;
    o.progress = go::ProgressMode::Off;
    o.keep_best = true;
    return o;
}

}  // namespace

TEST_CASE("load_checkpoint refuses a FIFO without blocking, and /dev/zero without reading it", "[checkpoint][reliability]") {
    ScratchDir dir("ckrel-fifo");
    const std::string fifo = dir.file("pipe");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // Nobody writes to the FIFO: a plain open() would block here forever.
    CHECK_THROWS_AS(go::load_checkpoint(fifo), gradlab::IoError);
    CHECK_THROWS_WITH(go::load_checkpoint(fifo), Contains("load_checkpoint") && Contains(fifo) &&
                                                     Contains("not a regular file"));
    CHECK_THROWS_WITH(go::load_checkpoint("/dev/zero"), Contains("/dev/zero") && Contains("not a regular file"));
    CHECK_THROWS_WITH(go::load_checkpoint(dir.path().string()), Contains("directory"));
}

TEST_CASE("load_checkpoint checks the size and the header before reading a huge foreign file", "[checkpoint][reliability]") {
    ScratchDir dir("ckrel-huge");
    // Sparse files: they take no disk space, but reading one whole would take minutes and memory.
    const std::string beyond = dir.file("beyond.bin");
    {
        const int fd = ::open(beyond.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(::ftruncate(fd, static_cast<off_t>(go::kMaxCheckpointBytes + 1)) == 0);
        ::close(fd);
    }
    CHECK_THROWS_WITH(go::load_checkpoint(beyond), Contains(std::to_string(go::kMaxCheckpointBytes + 1)) &&
                                                       Contains("kMaxCheckpointBytes"));
    // Within the limit, but foreign: the 8-byte magic is read, not the 3 GiB.
    const std::string foreign = dir.file("foreign.bin");
    {
        const int fd = ::open(foreign.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        REQUIRE(fd >= 0);
        REQUIRE(::ftruncate(fd, off_t{3} << 30) == 0);
        ::close(fd);
    }
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(go::load_checkpoint(foreign), Contains("not a gradlab checkpoint"));
    // A valid magic whose header announces a payload the file does not have: refused from the header.
    std::string header = handmade({2}, 2).substr(0, 20);
    {
        const int fd = ::open(foreign.c_str(), O_WRONLY);
        REQUIRE(::write(fd, header.data(), header.size()) == static_cast<ssize_t>(header.size()));
        ::close(fd);
    }
    CHECK_THROWS_WITH(go::load_checkpoint(foreign), Contains("unexpected bytes after the checksum"));
    // Both refusals read 20 bytes; reading 3 GiB would take far longer than this generous bound.
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}

TEST_CASE("load_checkpoint refuses overflowing dims ({0, 2^63, 2^63}, {2^32, 2^32}) before allocating",
          "[checkpoint][reliability]") {
    ScratchDir dir("ckrel-dims");
    const std::string path = dir.file("dims.ckpt");
    write_bytes(path, handmade({0, std::uint64_t{1} << 63, std::uint64_t{1} << 63}, 0));
    CHECK_THROWS_AS(go::load_checkpoint(path), gradlab::IoError);
    CHECK_THROWS_WITH(go::load_checkpoint(path), Contains("'W'") && Contains("9223372036854775808"));
    write_bytes(path, handmade({std::uint64_t{1} << 32, std::uint64_t{1} << 32}, 0));
    CHECK_THROWS_WITH(go::load_checkpoint(path), Contains("'W'") && Contains("dimension 0 = 4294967296"));
    write_bytes(path, handmade({2, 3}, 6));  // the handmade writer itself is right
    CHECK(go::load_checkpoint(path).params.at(0).second.shape() == gradlab::Shape{2, 3});
}

TEST_CASE("a checkpoint with NaN parameters is refused by restore and by fit(resume), naming the parameter and the element",
          "[checkpoint][reliability]") {
    ScratchDir dir("ckrel-nan");
    const std::string path = dir.file("nan.ckpt");
    SvmRun run;
    go::Momentum opt(0.01, 0.9);
    go::FitOptions o = quiet(1);
    o.checkpoint_path = path;
    go::fit({&run.W}, opt, 120, run.step(), o);
    go::Checkpoint c = go::load_checkpoint(path);
    c.params.at(0).second(1, 2) = std::numeric_limits<double>::quiet_NaN();  // a diverged run's W
    go::save_checkpoint(path, c);

    // The reader reads what was saved, bit for bit; resuming from it is what must be refused.
    CHECK(std::isnan(go::load_checkpoint(path).params.at(0).second(1, 2)));
    SvmRun again;
    const Tensor before = again.W.value;
    go::Momentum opt2(0.01, 0.9);
    std::mt19937_64 rng;
    CHECK_THROWS_AS(go::restore_checkpoint(c, {&again.W}, opt2, rng), gradlab::ValueError);
    CHECK_THROWS_WITH(go::restore_checkpoint(c, {&again.W}, opt2, rng),
                      Contains("restore_checkpoint") && Contains("'W'") && Contains("nan") && Contains("flat index 5"));
    go::FitOptions o2 = quiet(3);
    o2.resume_from = path;
    CHECK_THROWS_WITH(go::fit({&again.W}, opt2, 120, again.step(), o2), Contains("'W'") && Contains("nan"));
    CHECK(toy::bit_identical(again.W.value, before));
}

TEST_CASE("fit(resume) refuses a checkpoint whose saved tensor has another shape, and changes nothing",
          "[fit][checkpoint][reliability]") {
    ScratchDir dir("ckrel-shape");
    const std::string path = dir.file("run.ckpt");
    SvmRun run;
    go::Momentum opt(0.01, 0.9);
    go::FitOptions o = quiet(2);
    o.checkpoint_path = path;
    go::fit({&run.W}, opt, 120, run.step(), o);

    // The keep-best snapshot of W, reshaped: checksum-valid, yet written for another model.
    go::Checkpoint c = go::load_checkpoint(path);
    bool reshaped = false;
    for (auto& [name, t] : c.extra)
        if (name == "fit/best/0") {
            t = gradlab::zeros({9, 1});
            reshaped = true;
        }
    REQUIRE(reshaped);
    go::save_checkpoint(path, c);

    SvmRun again;
    const Tensor before = again.W.value;
    go::Momentum opt2(0.01, 0.9);
    go::FitOptions o2 = quiet(4);
    o2.resume_from = path;
    CHECK_THROWS_AS(go::fit({&again.W}, opt2, 120, again.step(), o2), gradlab::ShapeError);
    CHECK_THROWS_WITH(go::fit({&again.W}, opt2, 120, again.step(), o2),
                      Contains("fit (resume)") && Contains("(9, 1)") && Contains("(3, 3)"));
    CHECK(toy::bit_identical(again.W.value, before));
}

TEST_CASE("a checkpoint save killed mid-write keeps the previous checkpoint, which resumes bit-identically; "
          "the next save removes the stale temporary",
          "[fit][checkpoint][reliability]") {
    ScratchDir dir("ckrel-killed");
    const std::string path = dir.file("run.ckpt");

    // The run as it should be: 4 epochs straight.
    SvmRun straight;
    go::Momentum opt1(0.01, 0.9);
    go::fit({&straight.W}, opt1, 120, straight.step(), quiet(4));

    // 2 epochs, checkpointed.
    SvmRun first;
    go::Momentum opt2(0.01, 0.9);
    go::FitOptions o2 = quiet(2);
    o2.checkpoint_path = path;
    go::fit({&first.W}, opt2, 120, first.step(), o2);
    const std::string saved = read_bytes(path);
    REQUIRE(saved.size() > 100);

    // A child process saves a bigger checkpoint over it and is killed by the kernel after a
    // partial write: RLIMIT_FSIZE makes the write that crosses 64 bytes raise SIGXFSZ, whose
    // default action kills the process -- no handler, no cleanup, like kill -9 mid-write.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        struct rlimit core {0, 0};
        ::setrlimit(RLIMIT_CORE, &core);
        struct rlimit fsize {64, 64};
        ::setrlimit(RLIMIT_FSIZE, &fsize);
        ::signal(SIGXFSZ, SIG_DFL);
        go::Checkpoint big;
        big.rng_state = "5489";
        big.optimizer.kind = "momentum";
        big.params.emplace_back("W", gradlab::zeros({300, 300}));
        go::save_checkpoint(path, big);
        ::_exit(0);  // not reached: the save must die
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGXFSZ);

    // The previous checkpoint is untouched; the dead save's partial temporary is still there.
    CHECK(read_bytes(path) == saved);
    CHECK(temporaries(dir) == 1);

    // Resuming from it gives exactly the uninterrupted run.
    SvmRun second;
    go::Momentum opt3(0.01, 0.9);
    go::FitOptions o3 = quiet(4);
    o3.resume_from = path;
    o3.checkpoint_path = path;  // ... and its saves sweep the stale temporary away
    go::fit({&second.W}, opt3, 120, second.step(), o3);
    CHECK(toy::bit_identical(second.W.value, straight.W.value));
    CHECK(temporaries(dir) == 0);
}
