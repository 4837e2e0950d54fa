// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file file.hpp
/// Whole-file reads and atomic whole-file writes. A write goes to a temporary file in the
/// destination's folder and is renamed over the destination only once complete, so a failed
/// write never leaves a partial file and never destroys an existing one.

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kakeya/core/error.hpp"

namespace kakeya::io {

/// Reads a whole file (or a pipe, to its end). Throws kakeya::error(errc::io_error) naming the
/// path and the reason; devices (/dev/zero would never end) are refused.
inline std::vector<std::byte> read_file(const std::string& path) {
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (std::filesystem::is_directory(st))
    throw error(errc::io_error, "cannot read '" + path + "': it is a directory");
  if (std::filesystem::is_character_file(st) || std::filesystem::is_block_file(st))
    throw error(errc::io_error, "cannot read '" + path + "': it is a device, not a file");
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr)
    throw error(errc::io_error, "cannot open '" + path + "': " + std::strerror(errno));
  std::vector<std::byte> data;
  std::byte buf[1 << 16];
  for (;;) {
    std::size_t got = std::fread(buf, 1, sizeof buf, f);
    data.insert(data.end(), buf, buf + got);
    if (got < sizeof buf) break;
  }
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) throw error(errc::io_error, "error while reading '" + path + "'");
  return data;
}

namespace detail {
/// Writes every part to the open descriptor fd; returns 0 or the errno of the failure.
inline int write_all(int fd, std::span<const std::span<const std::byte>> parts) {
  for (auto part : parts) {
    const std::byte* p = part.data();
    std::size_t left = part.size();
    while (left > 0) {
      ssize_t w = ::write(fd, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      p += w;
      left -= static_cast<std::size_t>(w);
    }
  }
  return 0;
}
} // namespace detail

/// Writes `parts` one after another to `path`, atomically (temporary file + rename).
/// Throws kakeya::error(errc::io_error); on failure the destination is left untouched.
/// A destination that is a symbolic link has the file it points to replaced (the link stays).
/// An existing destination that is not a regular file — /dev/null, /dev/stdout, a FIFO — is
/// written in place instead (a stream cannot be replaced atomically, and renaming over a device
/// node would replace the node itself); a failure there is still an io_error.
inline void write_file_atomic(const std::string& path,
                              std::span<const std::span<const std::byte>> parts) {
  namespace fs = std::filesystem;
  fs::path dest(path);
  std::error_code ec;
  const fs::file_status st = fs::status(dest, ec); // follows symbolic links
  if (fs::is_directory(st))
    throw error(errc::io_error, "cannot write '" + path + "': it is a directory");
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
      throw error(errc::io_error, "cannot write '" + path + "': " + std::strerror(errno));
    int e = detail::write_all(fd, parts);
    if (::close(fd) != 0 && e == 0) e = errno;
    if (e != 0) throw error(errc::io_error, "cannot write '" + path + "': " + std::strerror(e));
    return;
  }
  if (fs::is_symlink(fs::symlink_status(dest, ec))) {
    fs::path target = fs::canonical(dest, ec);
    if (!ec) dest = target;
  }
  fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec))
    throw error(errc::io_error, "cannot write '" + path + "': folder '" + dir.string() +
                                    "' does not exist");
  std::string leaf(".");
  leaf += dest.filename().string();
  leaf += ".tmpXXXXXX";
  std::string tmpl = (dir / leaf).string();
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0)
    throw error(errc::io_error, "cannot write '" + path + "': " + std::strerror(errno));
  std::string tmp(name.data());
  auto fail = [&](const std::string& why) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw error(errc::io_error, "cannot write '" + path + "': " + why);
  };
  if (int e = detail::write_all(fd, parts); e != 0) fail(std::strerror(e));
  if (::fsync(fd) != 0 && errno != EINVAL) fail(std::strerror(errno));
  ::fchmod(fd, 0644);
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw error(errc::io_error, "cannot write '" + path + "': " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), dest.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    throw error(errc::io_error, "cannot write '" + path + "': " + std::strerror(e));
  }
}

/// Single-buffer form of write_file_atomic.
inline void write_file_atomic(const std::string& path, std::span<const std::byte> bytes) {
  std::span<const std::byte> parts[1] = {bytes};
  write_file_atomic(path, std::span<const std::span<const std::byte>>(parts));
}

} // namespace kakeya::io
