// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file error.hpp
/// The one exception type of the library, with a machine-readable category.

#include <ostream>
#include <stdexcept>
#include <string>

namespace kakeya {

/// What went wrong; every `kakeya::error` carries one.
enum class errc {
  invalid_argument,    ///< a parameter out of its documented range (q, bits, block size...)
  invalid_dimension,   ///< a vector length the component does not support
  non_finite_input,    ///< NaN or Inf where finite values are required
  format_error,        ///< a file or spec string that does not parse
  io_error,            ///< a file that cannot be opened, read or written
  backend_unavailable, ///< a backend that is not built or has no device
  device_error,        ///< an error reported by the CUDA runtime
};

/// Name of an error category, e.g. "invalid_dimension".
inline const char* to_string(errc e) noexcept {
  switch (e) {
  case errc::invalid_argument: return "invalid_argument";
  case errc::invalid_dimension: return "invalid_dimension";
  case errc::non_finite_input: return "non_finite_input";
  case errc::format_error: return "format_error";
  case errc::io_error: return "io_error";
  case errc::backend_unavailable: return "backend_unavailable";
  case errc::device_error: return "device_error";
  }
  return "unknown";
}

/// Prints the category name (diagnostics and test output).
inline std::ostream& operator<<(std::ostream& os, errc e) { return os << to_string(e); }

/// Thrown by every checked entry point of the library; `what()` is a sentence for a person,
/// `code()` is for programs.
class error : public std::runtime_error {
public:
  error(errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] errc code() const noexcept { return code_; }

private:
  errc code_;
};

/// Throws `kakeya::error(code, message)` unless `ok`.
inline void require(bool ok, errc code, const std::string& message) {
  if (!ok) throw error(code, message);
}

} // namespace kakeya
