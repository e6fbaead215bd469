#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gradlab/autodiff/atomic_file.hpp>
#include <gradlab/autodiff/error.hpp>

#include "../support/scratch_dir.hpp"

namespace fs = std::filesystem;

TEST_CASE("write_file_atomic replaces the file whole, mode 0644, and leaves no temporary", "[atomic_file]") {
    test_support::ScratchDir dir("atomic-replace");
    const std::string path = (dir.path() / "out.txt").string();
    gradlab::write_file_atomic(path, "first version\n");
    CHECK(test_support::read_bytes(path) == "first version\n");
    gradlab::write_file_atomic(path, std::string(100000, 'x'));
    CHECK(test_support::read_bytes(path) == std::string(100000, 'x'));
    CHECK(dir.entries() == 1);
    const auto perms = fs::status(path).permissions();
    CHECK((perms & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                       fs::perms::others_read));
}

TEST_CASE("concurrent writers of one path never interleave: the file is one writer's bytes", "[atomic_file]") {
    test_support::ScratchDir dir("atomic-race");
    const std::string path = (dir.path() / "shared.txt").string();
    // Each writer's content is long (many write() calls' worth) and made of its own letter, so a mix
    // of two writers, or a half-written file, shows as more than one letter or a short file.
    const std::size_t size = 1 << 20;
    std::vector<std::thread> writers;
    std::atomic<int> failed_writes{0};
    for (int w = 0; w < 4; ++w)
        writers.emplace_back([&, w] {
            const std::string bytes(size, static_cast<char>('a' + w));
            for (int round = 0; round < 5; ++round) {
                try {
                    gradlab::write_file_atomic(path, bytes);
                } catch (const gradlab::IoError&) {
                    ++failed_writes;  // one writer's temporary renamed away by another: a race
                }
            }
        });
    std::vector<std::string> seen;
    std::thread reader([&] {
        for (int i = 0; i < 50; ++i)
            if (fs::exists(path)) seen.push_back(test_support::read_bytes(path));
    });
    for (auto& t : writers) t.join();
    reader.join();
    seen.push_back(test_support::read_bytes(path));
    CHECK(failed_writes == 0);
    for (const std::string& s : seen) {
        REQUIRE(s.size() == size);
        CHECK(s.find_first_not_of(s[0]) == std::string::npos);
    }
    CHECK(dir.entries() == 1);  // every writer's temporary was renamed away
}

TEST_CASE("a failed write leaves the old file intact, removes its temporary and names op and path",
          "[atomic_file][errors]") {
    test_support::ScratchDir dir("atomic-fail");
    const std::string path = (dir.path() / "keep.txt").string();
    gradlab::write_file_atomic(path, "old contents");

    // A directory is not replaced: refused before any temporary is made (atomic_file_special_test
    // shows a failure after the temporary was written).
    fs::create_directory(dir.path() / "taken");
    fs::create_directory(dir.path() / "taken" / "inside");
    const std::string taken = (dir.path() / "taken").string();
    CHECK_THROWS_AS(gradlab::write_file_atomic(taken, "new"), gradlab::IoError);
    CHECK_THROWS_WITH(gradlab::write_file_atomic(taken, "new", "save_thing"),
                      Catch::StartsWith("save_thing: '" + taken + "' is a directory"));
    CHECK(test_support::read_bytes(path) == "old contents");
    CHECK(dir.entries() == 2);  // keep.txt and taken/: no temporary left over

    const std::string missing = (dir.path() / "no" / "such" / "x.txt").string();
    CHECK_THROWS_WITH(gradlab::write_file_atomic(missing, "x"),
                      Catch::Contains("cannot create a temporary file next to '" + missing + "'"));
}
