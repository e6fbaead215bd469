// write_file_atomic and what is not a regular file (issue 16): its rename replaces whatever sits
// at the path, so, before the check, saving a checkpoint "to /dev/null" as root turned the null
// device into a regular file (seen while cataloguing bad inputs). Only a regular file is replaced.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <string>

#include <sys/resource.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <gradlab/autodiff/atomic_file.hpp>
#include <gradlab/autodiff/error.hpp>

#include "../support/scratch_dir.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

using test_support::ScratchDir;

TEST_CASE("write_file_atomic refuses to replace a FIFO, a directory or a symbolic link, and leaves each as it was",
          "[atomic_file][reliability]") {
    ScratchDir dir("atomic-special");
    const std::string fifo = (dir.path() / "pipe").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK_THROWS_AS(gradlab::write_file_atomic(fifo, "bytes"), gradlab::IoError);
    CHECK_THROWS_WITH(gradlab::write_file_atomic(fifo, "bytes", "save_checkpoint"),
                      Contains("save_checkpoint") && Contains(fifo) && Contains("a FIFO"));
    CHECK(fs::is_fifo(fifo));

    const fs::path sub = dir.path() / "sub";
    fs::create_directory(sub);
    CHECK_THROWS_WITH(gradlab::write_file_atomic(sub.string(), "bytes"), Contains("a directory"));
    CHECK(fs::is_directory(sub));

    const fs::path link = dir.path() / "link";
    fs::create_symlink("pipe", link);
    CHECK_THROWS_WITH(gradlab::write_file_atomic(link.string(), "bytes"), Contains("a symbolic link"));
    CHECK(fs::is_symlink(link));
    CHECK(dir.entries() == 3);  // no temporary left behind
}

TEST_CASE("write_file_atomic refuses to replace a character device (a copy of /dev/null, never the real one)",
          "[atomic_file][reliability]") {
    ScratchDir dir("atomic-special");
    const std::string dev = (dir.path() / "null").string();
    if (::mknod(dev.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
        WARN("SKIPPED: cannot make a device node here (not root, or no CAP_MKNOD)");
        return;
    }
    CHECK_THROWS_WITH(gradlab::write_file_atomic(dev, "bytes"), Contains(dev) && Contains("a character device"));
    CHECK(fs::is_character_file(dev));
    CHECK(dir.entries() == 1);
}

TEST_CASE("write_file_atomic still replaces a regular file and creates a missing one", "[atomic_file][reliability]") {
    ScratchDir dir("atomic-special");
    const std::string file = (dir.path() / "f.bin").string();
    gradlab::write_file_atomic(file, "one");
    gradlab::write_file_atomic(file, "two!");
    CHECK(fs::file_size(file) == 4);
    CHECK_THROWS_WITH(gradlab::write_file_atomic("", "x"), Contains("empty"));
}

TEST_CASE("a write that fails after its temporary was made removes the temporary and keeps the old file",
          "[atomic_file][reliability]") {
    ScratchDir dir("atomic-special");
    const std::string file = (dir.path() / "keep.bin").string();
    gradlab::write_file_atomic(file, "old");
    // A file-size limit of 4 bytes makes write() fail with EFBIG part way through the new bytes
    // (SIGXFSZ ignored, so the process is not killed); restored before any CHECK.
    struct rlimit saved {};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = saved;
    small.rlim_cur = 4;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    std::string message;
    try {
        gradlab::write_file_atomic(file, "a longer new content", "save_thing");
    } catch (const gradlab::IoError& e) {
        message = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);
    CHECK_THAT(message, Contains("save_thing") && Contains("writing") && Contains(file));
    CHECK(fs::file_size(file) == 3);  // "old"
    CHECK(dir.entries() == 1);        // the temporary is gone
}
