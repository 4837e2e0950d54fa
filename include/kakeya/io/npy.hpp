// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file npy.hpp
/// Strict reader and writer of NumPy `.npy` files holding a 2-D float32 C-order array
/// [rows, cols]. Everything else (other dtypes, Fortran order, other ranks, truncated or
/// oversized data, a header that lies about the size) is refused with a kakeya::error
/// (errc::format_error) that says what was found. Format: NumPy NEP 1 ("A simple file
/// format for NumPy arrays"), versions 1.0, 2.0 and 3.0.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kakeya/core/error.hpp"
#include "kakeya/io/file.hpp"

namespace kakeya::io {

static_assert(std::endian::native == std::endian::little,
              "the .npy reader copies little-endian float32 data as is");

/// A 2-D float32 array read from or written to a `.npy` file: rows * cols values, row major.
struct npy_array {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> data; ///< rows * cols floats, C order
  [[nodiscard]] std::span<const float> row(std::size_t i) const {
    return {data.data() + i * cols, cols};
  }
};

namespace detail {

struct npy_header_parser {
  std::string_view s;
  std::size_t pos = 0;
  std::string_view what;

  [[noreturn]] void fail(const std::string& why) const {
    throw error(errc::format_error, std::string(what) + ": bad .npy header: " + why);
  }
  void skip_ws() {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r'))
      ++pos;
  }
  bool eat(char c) {
    skip_ws();
    if (pos < s.size() && s[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) fail(std::string("expected '") + c + "' at offset " + std::to_string(pos));
  }
  std::string string_literal() {
    skip_ws();
    if (pos >= s.size() || (s[pos] != '\'' && s[pos] != '"')) fail("expected a string");
    char q = s[pos++];
    std::size_t start = pos;
    while (pos < s.size() && s[pos] != q) ++pos;
    if (pos >= s.size()) fail("unterminated string");
    return std::string(s.substr(start, pos++ - start));
  }
  bool boolean() {
    skip_ws();
    if (s.substr(pos, 4) == "True") {
      pos += 4;
      return true;
    }
    if (s.substr(pos, 5) == "False") {
      pos += 5;
      return false;
    }
    fail("expected True or False");
  }
  std::vector<std::uint64_t> shape() {
    expect('(');
    std::vector<std::uint64_t> dims;
    while (!eat(')')) {
      skip_ws();
      if (pos >= s.size() || s[pos] < '0' || s[pos] > '9') fail("expected a dimension in the shape");
      std::uint64_t v = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        unsigned d = static_cast<unsigned>(s[pos++] - '0');
        if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) fail("dimension too large");
        v = v * 10 + d;
      }
      dims.push_back(v);
      if (dims.size() > 32) fail("too many dimensions");
      if (!eat(',')) {
        expect(')');
        break;
      }
    }
    return dims;
  }
};

inline std::uint32_t read_le(const std::byte* p, int n) {
  std::uint32_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<std::uint32_t>(p[i]);
  return v;
}

} // namespace detail

/// Parses the bytes of a whole `.npy` file. `what` names the source in messages (a path).
/// Throws kakeya::error(errc::format_error) on anything but a 2-D '<f4' C-order array.
inline npy_array parse_npy(std::span<const std::byte> bytes, std::string_view what) {
  auto fail = [&](const std::string& why) -> void {
    throw error(errc::format_error, std::string(what) + ": " + why);
  };
  static constexpr unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 10 || std::memcmp(bytes.data(), magic, 6) != 0)
    fail("not a .npy file (bad magic; expected \\x93NUMPY)");
  int major = static_cast<int>(bytes[6]);
  std::size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = detail::read_le(bytes.data() + 8, 2);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail("truncated .npy header");
    header_len = detail::read_le(bytes.data() + 8, 4);
    header_start = 12;
  } else {
    fail("unsupported .npy format version " + std::to_string(major) + "." +
         std::to_string(static_cast<int>(bytes[7])));
  }
  if (header_len > bytes.size() - header_start) fail("truncated .npy header");
  std::string_view header(reinterpret_cast<const char*>(bytes.data() + header_start), header_len);
  detail::npy_header_parser p{header, 0, what};
  std::string descr;
  bool fortran = false, have_descr = false, have_fortran = false, have_shape = false;
  std::vector<std::uint64_t> shape;
  p.expect('{');
  while (!p.eat('}')) {
    std::string key = p.string_literal();
    p.expect(':');
    if (key == "descr") {
      descr = p.string_literal();
      have_descr = true;
    } else if (key == "fortran_order") {
      fortran = p.boolean();
      have_fortran = true;
    } else if (key == "shape") {
      shape = p.shape();
      have_shape = true;
    } else {
      p.fail("unexpected key '" + key + "'");
    }
    if (!p.eat(',')) {
      p.expect('}');
      break;
    }
  }
  if (!have_descr || !have_fortran || !have_shape) p.fail("missing descr, fortran_order or shape");
  if (descr != "<f4")
    fail("unsupported dtype '" + descr + "': only float32 little-endian ('<f4') is accepted");
  if (fortran) fail("Fortran-order arrays are not supported: save a C-order array");
  if (shape.size() != 2) {
    std::string dims;
    for (auto d : shape) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
    fail("expected a 2-D array [N, D], found shape (" + dims + ")");
  }
  std::uint64_t rows = shape[0], cols = shape[1];
  std::size_t payload = bytes.size() - header_start - header_len;
  if (cols != 0 && rows > std::numeric_limits<std::uint64_t>::max() / 4 / cols)
    fail("shape too large");
  std::uint64_t want = rows * cols * 4;
  if (payload < want)
    fail("truncated data: the header promises " + std::to_string(want) + " bytes, the file has " +
         std::to_string(payload));
  if (payload > want)
    fail("the file holds " + std::to_string(payload - want) +
         " bytes more than its header's shape describes");
  npy_array a;
  a.rows = static_cast<std::size_t>(rows);
  a.cols = static_cast<std::size_t>(cols);
  a.data.resize(a.rows * a.cols);
  if (want != 0) std::memcpy(a.data.data(), bytes.data() + header_start + header_len, want);
  return a;
}

/// Reads a `.npy` file; see parse_npy. Throws errc::io_error when it cannot be read.
inline npy_array read_npy(const std::string& path) {
  auto bytes = read_file(path);
  return parse_npy(bytes, path);
}

/// The bytes of a version 1.0 `.npy` header for a [rows, cols] '<f4' C-order array,
/// padded so that the data starts at a multiple of 64 bytes.
inline std::vector<std::byte> npy_header(std::size_t rows, std::size_t cols) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) +
                     ", " + std::to_string(cols) + "), }";
  std::size_t total = 10 + dict.size() + 1;
  std::size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict.push_back('\n');
  std::vector<std::byte> out(10);
  const unsigned char head[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  std::memcpy(out.data(), head, 8);
  out[8] = static_cast<std::byte>(dict.size() & 0xff);
  out[9] = static_cast<std::byte>(dict.size() >> 8);
  for (char c : dict) out.push_back(static_cast<std::byte>(c));
  return out;
}

/// Writes `data` (rows * cols floats, C order) as a `.npy` file, atomically.
/// Throws errc::invalid_argument when data.size() != rows * cols, errc::io_error on failure.
inline void write_npy(const std::string& path, std::size_t rows, std::size_t cols,
                      std::span<const float> data) {
  require(data.size() == rows * cols, errc::invalid_argument,
          "write_npy: " + std::to_string(data.size()) + " values do not fill a [" +
              std::to_string(rows) + ", " + std::to_string(cols) + "] array");
  auto header = npy_header(rows, cols);
  std::span<const std::byte> parts[2] = {header, std::as_bytes(data)};
  write_file_atomic(path, std::span<const std::span<const std::byte>>(parts));
}

/// Writes an npy_array; see the overload above.
inline void write_npy(const std::string& path, const npy_array& a) {
  write_npy(path, a.rows, a.cols, a.data);
}

} // namespace kakeya::io
