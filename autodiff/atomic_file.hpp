/// \file atomic_file.hpp
/// \brief Replacing a file whole or not at all.
#pragma once

#include <string>
#include <string_view>

namespace gradlab {

/// Replaces the file at `path` with `bytes` so that a reader sees either the old file or the new
/// one, never a mix: the bytes go to a temporary file with a unique name (mkstemp) in the same
/// directory (rename is atomic only within one file system), which is written, fsync'ed, given
/// mode 0644 and renamed over `path`; then the directory is fsync'ed so the rename survives a
/// crash. Concurrent writers of one path each use their own temporary, so the file ends up as one
/// writer's bytes, whole.
///
/// Only a regular file is replaced: if `path` names a directory, a device (`/dev/null`), a FIFO,
/// a socket or a symbolic link, IoError says so and nothing is written (the rename would replace
/// it with a regular file). An empty `path` is refused the same way.
///
/// On any failure the temporary is removed, the previous file at `path` is left unchanged, and
/// IoError names `op` (the caller's operation, e.g. "save_checkpoint"), `path` and the system's
/// reason.
void write_file_atomic(const std::string& path, std::string_view bytes,
                       const char* op = "write_file_atomic");

}  // namespace gradlab
