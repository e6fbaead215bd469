#include "checkpoint.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace gradlab::optim {

namespace {

constexpr char kMagic[8] = {'G', 'L', 'A', 'B', 'C', 'K', 'P', 'T'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderSize = 8 + 4 + 8;
constexpr std::uint64_t kMaxRank = 32;

// ---- writing: explicit little-endian, so a file means the same on every machine ----

void put_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_string(std::string& out, const std::string& s) {
    put_u64(out, s.size());
    out += s;
}
void put_tensors(std::string& out, const std::vector<std::pair<std::string, Tensor>>& ts) {
    put_u64(out, ts.size());
    for (const auto& [name, t] : ts) {
        put_string(out, name);
        put_u64(out, t.dimension());
        for (std::size_t d : t.shape()) put_u64(out, d);
        for (std::size_t i = 0; i < t.size(); ++i) {
            std::uint64_t bits;
            const double v = t.flat(i);
            std::memcpy(&bits, &v, sizeof bits);
            put_u64(out, bits);
        }
    }
}

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) -- the same value zlib's crc32() gives,
// computed bitwise here so the library needs no extra dependency; checkpoints are small.
std::uint32_t crc(const char* data, std::size_t n) {
    std::uint32_t c = 0xffffffffu;
    for (std::size_t i = 0; i < n; ++i) {
        c ^= static_cast<unsigned char>(data[i]);
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

// ---- reading: a cursor that checks every read against the bytes left ----

class Reader {
public:
    Reader(const std::string& path, const char* data, std::size_t size)
        : path_(path), data_(data), size_(size) {}

    std::uint64_t u64(const char* what) {
        need(8, what);
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
        pos_ += 8;
        return v;
    }
    std::string str(const char* what) {
        const std::uint64_t n = u64(what);
        need(n, what);
        std::string s(data_ + pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return s;
    }
    std::vector<std::pair<std::string, Tensor>> tensors(const char* what) {
        const std::uint64_t count = u64(what);
        // Each tensor needs at least 16 bytes (name length + rank): a bogus count fails here,
        // before anything is allocated for it.
        if (count > (size_ - pos_) / 16) fail(fmt::format("{} count {} is impossible for the bytes left", what, count));
        std::vector<std::pair<std::string, Tensor>> out;
        for (std::uint64_t k = 0; k < count; ++k) {
            std::string name = str(what);
            const std::uint64_t rank = u64(what);
            if (rank > kMaxRank) fail(fmt::format("{} '{}' has rank {}", what, name, rank));
            Shape shape(static_cast<std::size_t>(rank));
            std::uint64_t n = 1;
            for (std::size_t axis = 0; axis < shape.size(); ++axis) {
                auto& d = shape[axis];
                const std::uint64_t dim = u64(what);
                if (dim != 0 && n > (size_ - pos_) / 8 / dim)  // also guards against overflow
                    fail(fmt::format("{} '{}' claims dimension {} = {}: more elements than the {} bytes left "
                                     "in the payload hold",
                                     what, name, axis, dim, size_ - pos_));
                n *= dim;
                d = static_cast<std::size_t>(dim);
            }
            try {
                require_shape_within_limit("load_checkpoint", shape);
            } catch (const ShapeError& e) {
                fail(fmt::format("{} '{}': {}", what, name, e.what()));
            }
            need(n * 8, what);
            Tensor t = zeros(shape);
            for (std::size_t i = 0; i < t.size(); ++i) {
                const std::uint64_t bits = u64(what);
                double v;
                std::memcpy(&v, &bits, sizeof v);
                t.flat(i) = v;
            }
            out.emplace_back(std::move(name), std::move(t));
        }
        return out;
    }
    bool at_end() const { return pos_ == size_; }
    [[noreturn]] void fail(const std::string& why) const {
        throw IoError(fmt::format("load_checkpoint: '{}' is corrupted: {}", path_, why));
    }

private:
    void need(std::uint64_t n, const char* what) const {
        if (n > size_ - pos_) fail(fmt::format("{} runs past the end of the payload", what));
    }
    const std::string& path_;
    const char* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

std::uint64_t le64(const char* p) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
}
std::uint32_t le32(const char* p) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
}

std::string errno_text() { return std::strerror(errno); }

constexpr std::size_t kReadError = static_cast<std::size_t>(-1);

// Reads until n bytes arrived or the file ended; kReadError on an error (errno says which).
std::size_t read_up_to(int fd, char* dst, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        const ssize_t got = ::read(fd, dst + done, n - done);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return kReadError;
        if (got == 0) break;
        done += static_cast<std::size_t>(got);
    }
    return done;
}

// A parameter must be finite to be resumed from: NaN or inf means the saved run had diverged.
void require_finite_param(const char* op, const std::string& where, const std::string& name, const Tensor& value) {
    for (std::size_t i = 0; i < value.size(); ++i)
        if (!std::isfinite(value.flat(i)))
            throw ValueError(fmt::format("{}: '{}': parameter '{}' {} holds {} at flat index {}: the saved run "
                                         "had diverged, and a non-finite parameter cannot be resumed from",
                                         op, where, name, shape_str(value.shape()), value.flat(i), i));
}

}  // namespace

namespace {

// Holds an exclusive flock on the directory that will hold `path` while a checkpoint is saved:
// saves into one directory by gradlab processes take turns, so a temporary file found there while
// the lock is held belongs to a save that died (kill -9, power loss) and can be removed. flock on
// a directory descriptor needs no lock file, so nothing stray is left behind by the lock itself.
class DirectoryLock {
public:
    explicit DirectoryLock(const std::string& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
        if (fd_ >= 0)
            while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
            }
    }
    ~DirectoryLock() {
        if (fd_ >= 0) ::close(fd_);  // closing releases the lock
    }
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;
    bool locked() const { return fd_ >= 0; }

private:
    int fd_;
};

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

// Removes "<name>.tmp.XXXXXX" next to `path`: the temporaries of earlier saves that were killed
// between creating their temporary and renaming it (write_file_atomic's naming). Returns how
// many were removed.
std::size_t remove_stale_temporaries(const std::string& path) {
    const std::string dir = directory_of(path);
    const std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
    const std::string prefix = base + ".tmp.";
    std::size_t removed = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0 &&
            it->is_regular_file(ec) && ::unlink(it->path().c_str()) == 0)
            ++removed;
    }
    return removed;
}

}  // namespace

void save_checkpoint(const std::string& path, const Checkpoint& c) {
    // Taken before the stale temporaries are swept, held until the rename: see DirectoryLock.
    const DirectoryLock lock(directory_of(path));
    if (lock.locked()) remove_stale_temporaries(path);

    std::string payload;
    put_u64(payload, c.epoch);
    put_string(payload, c.rng_state);
    put_tensors(payload, c.params);
    put_string(payload, c.optimizer.kind);
    put_u64(payload, c.optimizer.iteration);
    put_tensors(payload, c.optimizer.tensors);
    put_tensors(payload, c.extra);

    std::string file(kMagic, sizeof kMagic);
    put_u32(file, kVersion);
    put_u64(file, payload.size());
    file += payload;
    put_u32(file, crc(payload.data(), payload.size()));
    write_file_atomic(path, file, "save_checkpoint");
}

Checkpoint load_checkpoint(const std::string& path) {
    const char* op = "load_checkpoint";
    // O_NONBLOCK: a FIFO with no writer must not block open(); the type is read from the opened
    // descriptor, so nothing but a regular file is ever read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw IoError(fmt::format("{}: cannot open '{}': {}", op, path, errno_text()));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        throw IoError(fmt::format("{}: cannot stat '{}': {}", op, path, errno_text()));
    if (!S_ISREG(st.st_mode))
        throw IoError(fmt::format("{}: '{}' is not a regular file (a {}): only regular files are read", op,
                                  path, S_ISDIR(st.st_mode) ? "directory" : "FIFO, socket or device"));
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    if (file_size > kMaxCheckpointBytes)
        throw IoError(fmt::format("{}: '{}' has {} bytes, more than the largest checkpoint gradlab reads ({} "
                                  "bytes, kMaxCheckpointBytes)",
                                  op, path, file_size, kMaxCheckpointBytes));
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);

    // The header first: magic, version and a payload size that matches the file, before the
    // body is read (a huge foreign file costs one 20-byte read).
    char header[kHeaderSize];
    const std::size_t got = read_up_to(fd, header, kHeaderSize);
    if (got == kReadError) throw IoError(fmt::format("{}: reading '{}' failed: {}", op, path, errno_text()));
    if (got < sizeof kMagic || std::memcmp(header, kMagic, sizeof kMagic) != 0)
        throw IoError(fmt::format("{}: '{}' is not a gradlab checkpoint (no GLABCKPT magic)", op, path));
    if (got < kHeaderSize)
        throw IoError(fmt::format("{}: '{}' is truncated: {} bytes, shorter than the {}-byte header", op, path,
                                  file_size, kHeaderSize));
    const std::uint32_t version = le32(header + 8);
    if (version != kVersion)
        throw IoError(fmt::format("{}: '{}' has format version {}; this gradlab reads version {}", op, path,
                                  version, kVersion));
    const std::uint64_t payload_size = le64(header + 12);
    const std::uint64_t have = file_size - kHeaderSize;
    if (have < 4 || payload_size > have - 4)
        throw IoError(fmt::format("{}: '{}' is truncated: header announces {} payload bytes + 4 "
                                  "checksum bytes, the file has {} after the header",
                                  op, path, payload_size, have));
    if (payload_size != have - 4)
        throw IoError(fmt::format("{}: '{}' is corrupted: {} unexpected bytes after the checksum", op, path,
                                  have - 4 - payload_size));

    std::string body(static_cast<std::size_t>(have), '\0');  // payload + checksum, size now trusted
    const std::size_t body_got = read_up_to(fd, body.data(), body.size());
    if (body_got == kReadError) throw IoError(fmt::format("{}: reading '{}' failed: {}", op, path, errno_text()));
    if (body_got != body.size())
        throw IoError(fmt::format("{}: '{}' is truncated: {} of {} bytes after the header could be read "
                                  "(did it change while being read?)",
                                  op, path, body_got, body.size()));
    const char* payload = body.data();
    const std::uint32_t stored = le32(payload + payload_size);
    const std::uint32_t actual = crc(payload, static_cast<std::size_t>(payload_size));
    if (stored != actual)
        throw IoError(fmt::format("{}: '{}' is corrupted: checksum {:08x} does not match the stored {:08x}", op,
                                  path, actual, stored));

    Reader r(path, payload, static_cast<std::size_t>(payload_size));
    Checkpoint c;
    c.epoch = r.u64("epoch");
    c.rng_state = r.str("rng state");
    c.params = r.tensors("parameter");
    c.optimizer.kind = r.str("optimizer kind");
    c.optimizer.iteration = r.u64("optimizer iteration");
    c.optimizer.tensors = r.tensors("optimizer state");
    c.extra = r.tensors("extra");
    if (!r.at_end()) r.fail("bytes left over after the last field");
    return c;
}

Checkpoint capture_checkpoint(const std::vector<Parameter*>& params, const Optimizer& optimizer,
                              std::uint64_t epoch, const std::mt19937_64& rng) {
    Checkpoint c;
    c.epoch = epoch;
    std::ostringstream os;
    os << rng;
    c.rng_state = os.str();
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i] == nullptr)
            throw ValueError(fmt::format("capture_checkpoint: parameter #{} is a null pointer", i));
        c.params.emplace_back(params[i]->name, params[i]->value);
    }
    c.optimizer = optimizer.state();
    return c;
}

void restore_checkpoint(const Checkpoint& c, const std::vector<Parameter*>& params, Optimizer& optimizer,
                        std::mt19937_64& rng) {
    const char* op = "restore_checkpoint";
    if (c.params.size() != params.size())
        throw ShapeError(fmt::format("{}: checkpoint holds {} parameters, the model has {}", op, c.params.size(),
                                     params.size()));
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i] == nullptr) throw ValueError(fmt::format("{}: parameter #{} is a null pointer", op, i));
        const auto& [name, value] = c.params[i];
        if (name != params[i]->name)
            throw ValueError(fmt::format("{}: parameter #{} is '{}' in the checkpoint but '{}' in the model", op, i,
                                         name, params[i]->name));
        require_finite_param(op, "checkpoint", name, value);
        if (value.shape() != params[i]->value.shape())
            throw ShapeError(fmt::format("{}: parameter '{}' has shape {} in the checkpoint but {} in the model", op,
                                         name, shape_str(value.shape()), shape_str(params[i]->value.shape())));
    }
    std::mt19937_64 fresh;
    std::istringstream is(c.rng_state);
    is >> fresh;
    if (!is) throw ValueError(fmt::format("{}: the checkpoint's RNG state is unreadable", op));
    optimizer.load_state(c.optimizer);  // throws before changing anything on a mismatch
    for (std::size_t i = 0; i < params.size(); ++i) {
        params[i]->value = c.params[i].second;
        params[i]->zero_grad();
    }
    rng = fresh;
}

}  // namespace gradlab::optim
