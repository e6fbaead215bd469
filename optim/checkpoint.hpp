/// \file checkpoint.hpp
/// \brief Saving and restoring a training run: parameters, optimizer state, epoch, RNG state.
///
/// Files are written atomically (a temporary file in the same directory, flushed and fsynced,
/// then renamed over the target), so a crash or a full disk never leaves a half-written
/// checkpoint: the previous one stays intact. Loading validates everything before it touches
/// anything, so a bad file leaves parameters and optimizer as they were.
///
/// Format (version 1, all integers little-endian, doubles as their IEEE-754 bits):
///
/// | field        | bytes | content                                                   |
/// |--------------|-------|-----------------------------------------------------------|
/// | magic        | 8     | `GLABCKPT`                                                |
/// | version      | 4     | u32, 1                                                    |
/// | payload size | 8     | u64, n                                                    |
/// | payload      | n     | see below                                                 |
/// | checksum     | 4     | u32, CRC-32 (the value zlib computes) of the payload      |
///
/// Payload: u64 epoch; string rng state; tensor list params; string optimizer kind;
/// u64 optimizer iteration; tensor list optimizer state; tensor list extra. A string is a u64
/// length and its bytes; a tensor list is a u64 count, then per tensor its name (string),
/// u64 rank, rank u64 dimensions and the elements in row-major order.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gradlab/autodiff/atomic_file.hpp>
#include <gradlab/optim/optimizer.hpp>

namespace gradlab::optim {

/// Everything a checkpoint holds, as plain data.
struct Checkpoint {
    std::uint64_t epoch = 0;                              ///< epochs completed
    std::string rng_state;                                ///< the generator's state, as text
    std::vector<std::pair<std::string, Tensor>> params;   ///< parameter names and values
    OptimizerState optimizer;                             ///< kind, iteration, buffers
    std::vector<std::pair<std::string, Tensor>> extra;    ///< anything else (fit's bookkeeping)
};

/// Writes `c` to `path` atomically. Throws IoError naming the file if it cannot be written (the
/// file that was there before, if any, is left unchanged).
///
/// A save killed midway (kill -9, power loss) leaves its temporary `path.tmp.XXXXXX` behind; the
/// next save to `path` removes such leftovers. Saves into one directory hold an exclusive flock on
/// the directory while they write, so a temporary found under that lock cannot belong to a save
/// still running in a gradlab process.
void save_checkpoint(const std::string& path, const Checkpoint& c);

/// The largest checkpoint file load_checkpoint reads: 4 GiB. The file's size is checked before
/// anything is read, and its 20-byte header (magic, version, payload size matching the file)
/// before the body is.
inline constexpr std::uint64_t kMaxCheckpointBytes = std::uint64_t{1} << 32;

/// Reads a checkpoint. Throws IoError naming the file if it is missing, not a regular file (a
/// FIFO or device is refused without blocking), larger than kMaxCheckpointBytes, truncated,
/// corrupted (checksum mismatch, a tensor shape above kMaxTensorElements), of another format (bad
/// magic) or of an unknown version. The values are read as they were saved, NaN and inf included
/// (restore_checkpoint refuses those).
Checkpoint load_checkpoint(const std::string& path);

/// Collects parameters, optimizer state, epoch and RNG state into a Checkpoint.
Checkpoint capture_checkpoint(const std::vector<Parameter*>& params, const Optimizer& optimizer,
                              std::uint64_t epoch, const std::mt19937_64& rng);

/// Puts a checkpoint back: parameter values (grads zeroed), optimizer state and RNG state. All or
/// nothing: throws ShapeError/ValueError (names, counts or shapes differ, a non-finite parameter,
/// wrong optimizer kind, unreadable RNG state) before anything is changed.
void restore_checkpoint(const Checkpoint& c, const std::vector<Parameter*>& params, Optimizer& optimizer,
                        std::mt19937_64& rng);

/// The library's atomic file replacement (autodiff/atomic_file.hpp), also reachable from here.
using gradlab::write_file_atomic;

}  // namespace gradlab::optim
