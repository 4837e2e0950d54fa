// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file code_file.hpp
/// Code files (`.kkc`): a small header that makes the file decodable on its own, then the
/// codes. All integers little-endian:
///
/// | offset | size | field                                                  |
/// |-------:|-----:|--------------------------------------------------------|
/// | 0      | 8    | magic `89 4B 4B 43 0D 0A 1A 0A` ("\x89KKC\r\n\x1a\n")  |
/// | 8      | 2    | format version, 1                                      |
/// | 10     | 2    | length L of the codec spec, 1..255                     |
/// | 12     | 4    | dimension D                                            |
/// | 16     | 8    | number of vectors N                                    |
/// | 24     | 4    | bytes per vector B                                     |
/// | 28     | 4    | reserved, 0                                            |
/// | 32     | L    | codec spec, ASCII, canonical form (e.g. `e8:q=38`)     |
/// | 32 + L | N·B  | the codes, vector after vector                         |

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "kakeya/core/error.hpp"
#include "kakeya/io/file.hpp"

namespace kakeya::io {

inline constexpr unsigned char code_file_magic[8] = {0x89, 'K', 'K', 'C', '\r', '\n', 0x1a, '\n'};
inline constexpr std::uint16_t code_file_version = 1;

/// The contents of a code file.
struct code_file {
  std::string spec;                  ///< codec spec, canonical form
  std::size_t dim = 0;               ///< D
  std::size_t count = 0;             ///< N
  std::size_t bytes_per_vector = 0;  ///< B
  std::vector<std::uint8_t> codes;   ///< N * B bytes
};

namespace detail {
inline void put_le(std::vector<std::byte>& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
}
inline std::uint64_t get_le(const std::byte* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint64_t>(p[i]);
  return v;
}
} // namespace detail

/// Writes a code file atomically. `codes`: count * bytes_per_vector bytes.
/// @throws kakeya::error errc::invalid_argument (inconsistent sizes), errc::io_error
inline void write_code_file(const std::string& path, const std::string& spec, std::size_t dim,
                            std::size_t count, std::size_t bytes_per_vector,
                            std::span<const std::uint8_t> codes) {
  require(!spec.empty() && spec.size() <= 255, errc::invalid_argument, "code file: bad spec length");
  require(codes.size() == count * bytes_per_vector, errc::invalid_argument,
          "code file: " + std::to_string(codes.size()) + " code bytes for " + std::to_string(count) +
              " vectors of " + std::to_string(bytes_per_vector) + " bytes");
  std::vector<std::byte> head;
  for (auto c : code_file_magic) head.push_back(static_cast<std::byte>(c));
  detail::put_le(head, code_file_version, 2);
  detail::put_le(head, spec.size(), 2);
  detail::put_le(head, dim, 4);
  detail::put_le(head, count, 8);
  detail::put_le(head, bytes_per_vector, 4);
  detail::put_le(head, 0, 4);
  for (char c : spec) head.push_back(static_cast<std::byte>(c));
  std::span<const std::byte> parts[2] = {head, std::as_bytes(codes)};
  write_file_atomic(path, std::span<const std::span<const std::byte>>(parts));
}

/// Parses the bytes of a code file; `what` names the source in messages.
/// @throws kakeya::error(errc::format_error) for a bad magic, version, spec length, or a
/// payload whose size is not N * B
inline code_file parse_code_file(std::span<const std::byte> bytes, const std::string& what) {
  auto fail = [&](const std::string& why) { throw error(errc::format_error, what + ": " + why); };
  if (bytes.size() < 32 || std::memcmp(bytes.data(), code_file_magic, 8) != 0)
    fail("not a kakeya code file (bad magic)");
  auto version = detail::get_le(bytes.data() + 8, 2);
  if (version != code_file_version)
    fail("unsupported code file version " + std::to_string(version) + " (this build reads 1)");
  std::size_t len = detail::get_le(bytes.data() + 10, 2);
  code_file f;
  f.dim = detail::get_le(bytes.data() + 12, 4);
  f.count = detail::get_le(bytes.data() + 16, 8);
  f.bytes_per_vector = detail::get_le(bytes.data() + 24, 4);
  if (detail::get_le(bytes.data() + 28, 4) != 0) fail("reserved header field is not zero");
  if (len == 0 || len > 255 || 32 + len > bytes.size()) fail("bad codec spec length " + std::to_string(len));
  f.spec.assign(reinterpret_cast<const char*>(bytes.data() + 32), len);
  for (char c : f.spec)
    if (c < 0x21 || c > 0x7e) fail("the codec spec holds a non-printable character");
  if (f.dim == 0) fail("dimension 0");
  if (f.bytes_per_vector == 0) fail("0 bytes per vector");
  std::size_t payload = bytes.size() - 32 - len;
  if (f.count > payload / f.bytes_per_vector || payload != f.count * f.bytes_per_vector)
    fail("the header promises " + std::to_string(f.count) + " codes of " +
         std::to_string(f.bytes_per_vector) + " bytes, the file holds " + std::to_string(payload) +
         " bytes of codes");
  f.codes.resize(payload);
  if (payload) std::memcpy(f.codes.data(), bytes.data() + 32 + len, payload);
  return f;
}

/// Reads a code file; see parse_code_file. errc::io_error when it cannot be read.
inline code_file read_code_file(const std::string& path) {
  auto bytes = read_file(path);
  return parse_code_file(bytes, path);
}

} // namespace kakeya::io
