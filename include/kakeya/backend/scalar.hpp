// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file scalar.hpp
/// The scalar reference backend: bulk encode / decode / roundtrip of n vectors with a typed
/// codec, one vector after another, on the calling thread:
///   kakeya::encode(kakeya::cpu, codec, x, codes);
/// Checks the buffer sizes and refuses non-finite input with the row and column.
/// Thread safety: codecs are immutable values and their encode/decode are const and keep no
/// state, so one codec object may serve bulk calls from any number of threads at once.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "kakeya/core/concepts.hpp"
#include "kakeya/core/error.hpp"

namespace kakeya {

/// Tag of the scalar CPU backend.
struct cpu_t {};
inline constexpr cpu_t cpu{};

namespace detail {
inline void check_bulk(std::size_t values, std::size_t dim, std::size_t code_bytes,
                       std::size_t bytes_per_vector, const char* who) {
  require(dim != 0 && values % dim == 0, errc::invalid_dimension,
          std::string(who) + ": " + std::to_string(values) + " values are not whole vectors of " +
              std::to_string(dim));
  require(code_bytes == values / dim * bytes_per_vector, errc::invalid_dimension,
          std::string(who) + ": " + std::to_string(values / dim) + " vectors need " +
              std::to_string(values / dim * bytes_per_vector) + " code bytes, got " +
              std::to_string(code_bytes));
}

/// Throws errc::non_finite_input naming the first NaN/Inf's row and column.
inline void require_finite_rows(std::span<const float> x, std::size_t dim) {
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]))
      throw error(errc::non_finite_input,
                  "row " + std::to_string(i / dim) + ", column " + std::to_string(i % dim) +
                      " holds " + (std::isnan(x[i]) ? "NaN" : "Inf") +
                      "; codecs accept finite values only");
}
} // namespace detail

/// Encodes n = x.size() / C::dim vectors.
/// @param x     n * C::dim finite floats, row major
/// @param codes n * c.bytes_per_vector() bytes
/// @throws kakeya::error errc::invalid_dimension (sizes), errc::non_finite_input (NaN/Inf)
template <Codec C>
void encode(cpu_t, const C& c, std::span<const float> x, std::span<std::uint8_t> codes) {
  detail::check_bulk(x.size(), C::dim, codes.size(), c.bytes_per_vector(), "encode");
  detail::require_finite_rows(x, C::dim);
  const std::size_t n = x.size() / C::dim, bpv = c.bytes_per_vector();
  for (std::size_t i = 0; i < n; ++i)
    c.encode(std::span<const float, C::dim>(x.data() + i * C::dim, C::dim), codes.data() + i * bpv);
}

/// Decodes n = codes.size() / c.bytes_per_vector() vectors.
/// @param codes n * c.bytes_per_vector() bytes
/// @param x     n * C::dim floats
template <Codec C>
void decode(cpu_t, const C& c, std::span<const std::uint8_t> codes, std::span<float> x) {
  detail::check_bulk(x.size(), C::dim, codes.size(), c.bytes_per_vector(), "decode");
  const std::size_t n = x.size() / C::dim, bpv = c.bytes_per_vector();
  for (std::size_t i = 0; i < n; ++i)
    c.decode(codes.data() + i * bpv, std::span<float, C::dim>(x.data() + i * C::dim, C::dim));
}

/// decode(encode(x)) for n vectors, bit for bit, without materialising the codes.
/// @param x, out n * C::dim floats (x finite)
template <Codec C>
void roundtrip(cpu_t, const C& c, std::span<const float> x, std::span<float> out) {
  require(x.size() == out.size() && x.size() % C::dim == 0, errc::invalid_dimension,
          "roundtrip: " + std::to_string(x.size()) + " input and " + std::to_string(out.size()) +
              " output values for dimension " + std::to_string(C::dim));
  detail::require_finite_rows(x, C::dim);
  for (std::size_t i = 0; i < x.size() / C::dim; ++i)
    c.roundtrip(std::span<const float, C::dim>(x.data() + i * C::dim, C::dim),
                std::span<float, C::dim>(out.data() + i * C::dim, C::dim));
}

} // namespace kakeya
