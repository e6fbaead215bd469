#include "checkpoint.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

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
            for (auto& d : shape) {
                const std::uint64_t dim = u64(what);
                if (dim != 0 && n > (size_ - pos_) / 8 / dim)  // also guards against overflow
                    fail(fmt::format("{} '{}' claims more elements than the file holds", what, name));
                n *= dim;
                d = static_cast<std::size_t>(dim);
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

}  // namespace

void save_checkpoint(const std::string& path, const Checkpoint& c) {
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
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(fmt::format("load_checkpoint: cannot open '{}': {}", path, errno_text()));
    const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw IoError(fmt::format("load_checkpoint: reading '{}' failed", path));

    if (file.size() < sizeof kMagic || std::memcmp(file.data(), kMagic, sizeof kMagic) != 0)
        throw IoError(fmt::format("load_checkpoint: '{}' is not a gradlab checkpoint (no GLABCKPT magic)", path));
    if (file.size() < kHeaderSize)
        throw IoError(fmt::format("load_checkpoint: '{}' is truncated: {} bytes, shorter than the {}-byte header",
                                  path, file.size(), kHeaderSize));
    const std::uint32_t version = le32(file.data() + 8);
    if (version != kVersion)
        throw IoError(fmt::format("load_checkpoint: '{}' has format version {}; this gradlab reads version {}",
                                  path, version, kVersion));
    const std::uint64_t payload_size = le64(file.data() + 12);
    const std::uint64_t have = file.size() - kHeaderSize;
    if (have < 4 || payload_size > have - 4)
        throw IoError(fmt::format("load_checkpoint: '{}' is truncated: header announces {} payload bytes + 4 "
                                  "checksum bytes, the file has {} after the header",
                                  path, payload_size, have));
    if (payload_size != have - 4)
        throw IoError(fmt::format("load_checkpoint: '{}' is corrupted: {} unexpected bytes after the checksum",
                                  path, have - 4 - payload_size));
    const char* payload = file.data() + kHeaderSize;
    const std::uint32_t stored = le32(payload + payload_size);
    const std::uint32_t actual = crc(payload, static_cast<std::size_t>(payload_size));
    if (stored != actual)
        throw IoError(fmt::format("load_checkpoint: '{}' is corrupted: checksum {:08x} does not match the stored {:08x}",
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
