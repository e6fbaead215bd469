// The file loaders: Fashion-MNIST's IDX files and CIFAR-10's binary batches. Everything read
// from a file is checked before it is trusted (see datasets.hpp).
#include "datasets.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <xtensor/xbuilder.hpp>
#include <zlib.h>

namespace gradlab::data {

namespace fs = std::filesystem;

namespace {

// Opens `path` for reading only if it is a regular file. O_NONBLOCK makes open() itself return at
// once for a FIFO with no writer (a plain open would block forever); the type is then read from
// the descriptor that was opened (no race with a rename in between), and blocking mode restored.
// Returns the descriptor and the file's size; throws IoError naming `format` and the file.
std::pair<int, std::uint64_t> open_regular(const char* format, const std::string& path,
                                           const std::string& hint = {}) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw IoError(fmt::format("{}: {}: cannot open: {}{}", format, path, std::strerror(errno), hint));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        const bool dir = S_ISDIR(st.st_mode);
        ::close(fd);
        throw IoError(fmt::format("{}: {}: not a regular file ({}): only regular files are read", format,
                                  path, dir ? "a directory" : "a FIFO, socket or device"));
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return {fd, static_cast<std::uint64_t>(st.st_size)};
}

// n * per <= limit, without overflowing.
bool product_within(std::uint64_t n, std::uint64_t per, std::uint64_t limit) {
    return per == 0 || n <= limit / per;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Fashion-MNIST: IDX files, gzip-compressed or plain
// ---------------------------------------------------------------------------------------------

namespace {

constexpr const char* kFashion = "fashion-mnist";
constexpr std::size_t kImageSide = 28;
constexpr std::size_t kImagePixels = kImageSide * kImageSide;
// Fashion-MNIST files hold 60000 or 10000 examples; a count whose pixels would not fit in
// kMaxDatasetElements is a corrupt (or hostile) header, and must not become an allocation.
constexpr std::size_t kMaxIdxCount = kMaxDatasetElements / (28 * 28);
// IDX magic: two zero bytes, the element type (0x08 = unsigned byte), the number of dimensions.
constexpr std::uint32_t kIdxImagesMagic = 0x00000803;
constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;
constexpr std::size_t kNumClasses = 10;

[[noreturn]] void fail(const char* format, const std::string& path, const std::string& what) {
    throw IoError(fmt::format("{}: {}: {}", format, path, what));
}

// A gzFile that closes itself. zlib's gzread passes plain (uncompressed) files through as they
// are, so one reader serves both kinds.
class GzReader {
public:
    explicit GzReader(std::string path) : path_(std::move(path)) {
        const int fd = open_regular(kFashion, path_,
                                    fmt::format(" (install the Debian package dataset-fashion-mnist, "
                                                "or pass the directory, or set {})",
                                                kFashionMnistDirEnv))
                           .first;
        file_ = gzdopen(fd, "rb");  // owns fd from here; gzclose closes it
        if (file_ == nullptr) {
            ::close(fd);
            fail(kFashion, path_, "cannot open: out of memory");
        }
        gzbuffer(file_, 1u << 17);  // larger than the 8 KiB default: fewer system calls
    }
    ~GzReader() { gzclose(file_); }
    GzReader(const GzReader&) = delete;
    GzReader& operator=(const GzReader&) = delete;

    const std::string& path() const { return path_; }

    // Reads up to n bytes into dst; returns how many arrived (fewer only at the end of the data).
    std::size_t read(unsigned char* dst, std::size_t n) {
        std::size_t total = 0;
        while (total < n) {
            const auto chunk = static_cast<unsigned>(std::min<std::size_t>(n - total, 1u << 24));
            const int got = gzread(file_, dst + total, chunk);
            if (got < 0) fail(kFashion, path_, fmt::format("read error: {}", zlib_message()));
            if (got == 0) break;
            total += static_cast<std::size_t>(got);
        }
        return total;
    }

    // Reads `count` bytes, growing `out` only as data actually arrives, so a header that lies
    // about the count costs no memory. Returns the number of bytes read.
    std::size_t read_growing(std::vector<unsigned char>& out, std::size_t count) {
        constexpr std::size_t kChunk = std::size_t{1} << 20;
        out.clear();
        while (out.size() < count) {
            const std::size_t have = out.size();
            const std::size_t want = std::min(kChunk, count - have);
            out.resize(have + want);
            const std::size_t got = read(out.data() + have, want);
            out.resize(have + got);
            if (got < want) break;
        }
        return out.size();
    }

    // A big-endian 32-bit header field.
    std::uint32_t read_u32(const char* field) {
        unsigned char b[4];
        if (read(b, 4) != 4)
            fail(kFashion, path_, fmt::format("truncated header: no {}{}", field, eof_note()));
        return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
               (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
    }

    bool at_end() {
        unsigned char b;
        return read(&b, 1) == 0;
    }

    // " (unexpected end of file)" when zlib saw a cut-off gzip stream, else "".
    std::string eof_note() {
        int err = Z_OK;
        const char* msg = gzerror(file_, &err);
        return err == Z_OK ? std::string() : fmt::format(" ({})", msg);
    }

private:
    std::string zlib_message() {
        int err = Z_OK;
        const char* msg = gzerror(file_, &err);
        return err == Z_ERRNO ? std::strerror(errno) : msg;
    }

    std::string path_;
    gzFile file_ = nullptr;
};

void check_magic(GzReader& in, std::uint32_t expected, const char* what) {
    const std::uint32_t magic = in.read_u32("magic number");
    if (magic != expected)
        fail(kFashion, in.path(), fmt::format("wrong magic number 0x{:08x}, expected 0x{:08x} ({})",
                                              magic, expected, what));
}

std::size_t read_count(GzReader& in, const char* what) {
    const std::size_t count = in.read_u32("count");
    if (count == 0) fail(kFashion, in.path(), fmt::format("the header says 0 {}", what));
    if (count > kMaxIdxCount)
        fail(kFashion, in.path(),
             fmt::format("implausible count {} {}: at most {} are accepted (the dataset limit is {} "
                         "pixels, kMaxDatasetElements)",
                         count, what, kMaxIdxCount, kMaxDatasetElements));
    return count;
}

// "dir/train-images-idx3-ubyte.gz", or the same name without ".gz" if only that one exists
// (someone gunzipped the files).
std::string idx_path(const std::string& dir, const std::string& stem) {
    const fs::path gz = fs::path(dir) / (stem + ".gz");
    const fs::path plain = fs::path(dir) / stem;
    std::error_code ec;
    if (!fs::exists(gz, ec) && fs::exists(plain, ec)) return plain.string();
    return gz.string();
}

}  // namespace

std::string fashion_mnist_dir() {
    const char* env = std::getenv(kFashionMnistDirEnv);
    return env != nullptr && *env != '\0' ? std::string(env) : std::string(kFashionMnistDefaultDir);
}

const std::vector<std::string>& fashion_mnist_class_names() {
    static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress",
                                                   "Coat",        "Sandal",  "Shirt",    "Sneaker",
                                                   "Bag",         "Ankle boot"};
    return names;
}

Dataset load_fashion_mnist(Split split, std::optional<std::size_t> limit, const std::string& dir) {
    if (limit && *limit == 0)
        throw ValueError("load_fashion_mnist: limit must be > 0 (leave it out to load everything)");
    const std::string base = dir.empty() ? fashion_mnist_dir() : dir;
    const std::string prefix = split == Split::train ? "train" : "t10k";

    // Both headers first, so a mismatch is reported before any pixel is read.
    GzReader images(idx_path(base, prefix + "-images-idx3-ubyte"));
    check_magic(images, kIdxImagesMagic, "IDX images: unsigned bytes, 3 dimensions");
    const std::size_t image_count = read_count(images, "images");
    const std::size_t rows = images.read_u32("row count");
    const std::size_t cols = images.read_u32("column count");
    if (rows != kImageSide || cols != kImageSide)
        fail(kFashion, images.path(), fmt::format("wrong image dimensions {}x{}, expected {}x{}",
                                                  rows, cols, kImageSide, kImageSide));

    GzReader labels(idx_path(base, prefix + "-labels-idx1-ubyte"));
    check_magic(labels, kIdxLabelsMagic, "IDX labels: unsigned bytes, 1 dimension");
    const std::size_t label_count = read_count(labels, "labels");
    if (label_count != image_count)
        fail(kFashion, labels.path(), fmt::format("count mismatch: {} labels for {} images in {}",
                                                  label_count, image_count, images.path()));

    const std::size_t n = limit ? std::min(*limit, image_count) : image_count;
    const bool whole_file = n == image_count;

    std::vector<unsigned char> bytes;
    const std::size_t labels_read = labels.read_growing(bytes, n);
    if (labels_read < n)
        fail(kFashion, labels.path(), fmt::format("truncated: expected {} labels, read {}{}", n,
                                                  labels_read, labels.eof_note()));
    if (whole_file && !labels.at_end())
        fail(kFashion, labels.path(),
             fmt::format("trailing data after {} labels: the header's count is wrong", n));
    Dataset d;
    d.num_classes = kNumClasses;
    d.class_names = fashion_mnist_class_names();
    d.y.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (bytes[i] >= kNumClasses)
            fail(kFashion, labels.path(),
                 fmt::format("label out of range: {} at index {}, expected 0..{}", bytes[i], i,
                             kNumClasses - 1));
        d.y[i] = bytes[i];
    }

    const std::size_t pixels_read = images.read_growing(bytes, n * kImagePixels);
    if (pixels_read < n * kImagePixels)
        fail(kFashion, images.path(),
             fmt::format("truncated: expected {} images, read {} (and {} bytes of the next){}", n,
                         pixels_read / kImagePixels, pixels_read % kImagePixels,
                         images.eof_note()));
    if (whole_file && !images.at_end())
        fail(kFashion, images.path(),
             fmt::format("trailing data after {} images: the header's count is wrong", n));
    d.x = Tensor(xt::empty<double>(Shape{n, kImagePixels}));  // every element is copied in next
    std::copy(bytes.begin(), bytes.end(), d.x.data());
    return d;
}

// ---------------------------------------------------------------------------------------------
// CIFAR-10: binary batches of 3073-byte records
// ---------------------------------------------------------------------------------------------

namespace {

constexpr const char* kCifar = "cifar-10";
constexpr std::size_t kCifarPixels = 3 * 32 * 32;
constexpr std::size_t kCifarRecord = 1 + kCifarPixels;

// A CIFAR-10 batch file, open: its descriptor (closed with the object) and its whole records.
struct CifarFile {
    std::string path;
    int fd = -1;
    std::size_t records = 0;
    CifarFile() = default;
    CifarFile(CifarFile&& o) noexcept : path(std::move(o.path)), fd(o.fd), records(o.records) { o.fd = -1; }
    CifarFile(const CifarFile&) = delete;
    CifarFile& operator=(const CifarFile&) = delete;
    CifarFile& operator=(CifarFile&&) = delete;
    ~CifarFile() {
        if (fd >= 0) ::close(fd);
    }
};

// The number of whole records in a batch file of `bytes` bytes; throws for an empty or cut-off file.
std::size_t cifar_records(const std::string& path, std::uint64_t bytes) {
    if (bytes == 0) fail(kCifar, path, "empty file");
    if (bytes % kCifarRecord != 0)
        fail(kCifar, path,
             fmt::format("truncated: {} bytes is not a whole number of {}-byte records ({} "
                         "records and {} bytes)",
                         bytes, kCifarRecord, bytes / kCifarRecord, bytes % kCifarRecord));
    return static_cast<std::size_t>(bytes / kCifarRecord);
}

// Reads exactly n bytes (retrying short reads and EINTR); false at an early end or on an error.
bool read_full(int fd, unsigned char* dst, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
        const ssize_t got = ::read(fd, dst + done, n - done);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        done += static_cast<std::size_t>(got);
    }
    return true;
}

}  // namespace

const std::vector<std::string>& cifar10_class_names() {
    static const std::vector<std::string> names = {"airplane", "automobile", "bird",  "cat",
                                                   "deer",     "dog",        "frog",  "horse",
                                                   "ship",     "truck"};
    return names;
}

Dataset load_cifar10(const std::string& dir, Split split, std::optional<std::size_t> limit) {
    if (dir.empty()) throw ValueError("load_cifar10: no directory given");
    if (limit && *limit == 0)
        throw ValueError("load_cifar10: limit must be > 0 (leave it out to load everything)");
    std::vector<std::string> names;
    if (split == Split::train)
        for (int b = 1; b <= 5; ++b) names.push_back(fmt::format("data_batch_{}.bin", b));
    else
        names.push_back("test_batch.bin");

    // Sizes first (from the open files' metadata, never from the data), checked against the
    // dataset limit with overflow-safe arithmetic, then one allocation.
    std::vector<CifarFile> files;  // records = how many to read from each
    std::size_t total = 0;
    for (const auto& name : names) {
        if (limit && total >= *limit) break;
        CifarFile f;
        f.path = (fs::path(dir) / name).string();
        std::uint64_t bytes = 0;
        std::tie(f.fd, bytes) = open_regular(kCifar, f.path);
        const std::size_t records = cifar_records(f.path, bytes);
        f.records = limit ? std::min(records, *limit - total) : records;
        total += f.records;
        if (!product_within(total, kCifarPixels, kMaxDatasetElements))
            fail(kCifar, f.path,
                 fmt::format("too large: {} records so far ({} bytes in this file) exceed the dataset "
                             "limit of {} pixels (kMaxDatasetElements, {} records); pass a limit",
                             total, bytes, kMaxDatasetElements, kMaxDatasetElements / kCifarPixels));
        files.push_back(std::move(f));
    }

    Dataset d;
    d.num_classes = kNumClasses;
    d.class_names = cifar10_class_names();
    d.x = Tensor(xt::empty<double>(Shape{total, kCifarPixels}));  // each row is filled below
    d.y.resize(total);
    std::vector<unsigned char> record(kCifarRecord);
    std::size_t row = 0;
    for (const auto& f : files) {
        const std::string& path = f.path;
        const std::size_t count = f.records;
        for (std::size_t r = 0; r < count; ++r, ++row) {
            if (!read_full(f.fd, record.data(), kCifarRecord))
                fail(kCifar, path, fmt::format("truncated: expected {} records, read {}", count, r));
            if (record[0] >= kNumClasses)
                fail(kCifar, path, fmt::format("label out of range: record {} has label {}, "
                                               "expected 0..{}", r, record[0], kNumClasses - 1));
            d.y[row] = record[0];
            std::copy(record.begin() + 1, record.end(), d.x.data() + row * kCifarPixels);
        }
    }
    return d;
}

}  // namespace gradlab::data
