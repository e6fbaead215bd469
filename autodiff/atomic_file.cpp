#include "atomic_file.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "error.hpp"

namespace gradlab {

namespace {

const char* file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

}  // namespace

void write_file_atomic(const std::string& path, std::string_view bytes, const char* op) {
    if (op == nullptr) op = "write_file_atomic";
    if (path.empty()) throw IoError(fmt::format("{}: the path is empty", op));
    // The rename would replace whatever is at `path`: a device such as /dev/null (as root, with a
    // regular file), a FIFO, a symbolic link. Only a regular file (or nothing) is replaced.
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        throw IoError(fmt::format("{}: '{}' is {}, not a regular file; refusing to replace it (give the path "
                                  "of a regular file, or of one to create)",
                                  op, path, file_kind(st.st_mode)));
    std::string tmp = path + ".tmp.XXXXXX";
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0)
        throw IoError(fmt::format("{}: cannot create a temporary file next to '{}': {}", op, path,
                                  std::strerror(errno)));
    // Removes the temporary and reports; `fd` is closed first unless it already was.
    auto fail = [&](const char* what, bool close_fd) {
        const std::string why = std::strerror(errno);
        if (close_fd) ::close(fd);
        ::unlink(tmp.c_str());
        throw IoError(fmt::format("{}: {} '{}' failed: {} (the previous file is unchanged)", op, what,
                                  path, why));
    };
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("writing", true);
        }
        done += static_cast<std::size_t>(n);
    }
    // mkstemp makes the file 0600; give it the usual rw-r--r-- (umask cannot be read thread-safely).
    if (::fchmod(fd, 0644) != 0) fail("setting permissions of", true);
    if (::fsync(fd) != 0) fail("flushing", true);
    if (::close(fd) != 0) fail("closing", false);
    if (::rename(tmp.c_str(), path.c_str()) != 0) fail("renaming onto", false);
    // Make the rename itself durable; the new file is in place already, so this is best effort.
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace gradlab
