// PATH lookup and posix_spawn, written once for every program the examples start.
#include "process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <gradlab/autodiff/error.hpp>

extern char** environ;

namespace gradlab::examples {

std::string find_on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    const std::string dirs = path != nullptr ? path : "";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::filesystem::path candidate =
            std::filesystem::path(end > start ? dirs.substr(start, end - start) : ".") / program;
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
        start = end + 1;
    }
    return {};
}

int run_program(const std::vector<std::string>& argv, const std::string& log_file) {
    if (argv.empty()) throw ValueError("run_program: no program given");
    const std::string program = find_on_path(argv[0]);
    if (program.empty()) throw IoError(fmt::format("run_program: {} is not on the PATH", argv[0]));
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!log_file.empty()) {
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_file.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    }
    pid_t pid = 0;
    const int spawn_error = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawn_error != 0)
        throw IoError(fmt::format("run_program: cannot run {}: {}", program, std::strerror(spawn_error)));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw IoError(fmt::format("run_program: waiting for {}: {}", program, std::strerror(errno)));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace gradlab::examples
