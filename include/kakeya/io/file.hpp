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

#include <sys/stat.h>
#include <unistd.h>

#include "kakeya/core/error.hpp"

namespace kakeya::io {

/// Reads a whole file. Throws kakeya::error(errc::io_error) naming the path and the reason.
inline std::vector<std::byte> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw error(errc::io_error, "cannot read '" + path + "': it is a directory");
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

/// Writes `parts` one after another to `path`, atomically (temporary file + rename).
/// Throws kakeya::error(errc::io_error); on failure the destination is left untouched.
inline void write_file_atomic(const std::string& path,
                              std::span<const std::span<const std::byte>> parts) {
  namespace fs = std::filesystem;
  fs::path dest(path);
  fs::path dir = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw error(errc::io_error, "cannot write '" + path + "': folder '" + dir.string() +
                                    "' does not exist");
  if (fs::is_directory(dest, ec))
    throw error(errc::io_error, "cannot write '" + path + "': it is a directory");
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
  for (auto part : parts) {
    const std::byte* p = part.data();
    std::size_t left = part.size();
    while (left > 0) {
      ssize_t w = ::write(fd, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        fail(std::strerror(errno));
      }
      p += w;
      left -= static_cast<std::size_t>(w);
    }
  }
  if (::fsync(fd) != 0 && errno != EINVAL) fail(std::strerror(errno));
  ::fchmod(fd, 0644);
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw error(errc::io_error, "cannot write '" + path + "': " + std::strerror(errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
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
