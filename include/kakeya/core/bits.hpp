// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file bits.hpp
/// Bit packing of codes: fields are written least-significant bit first into bytes in
/// increasing address order (little-endian bit order, the FAISS / DEFLATE convention), so a
/// field of n bits at bit offset p occupies bits p .. p+n-1 of the code, bit k of the code
/// being bit (k mod 8) of byte k / 8. Works on caller-owned buffers; no allocation.

#include <cstddef>
#include <cstdint>

#include "kakeya/config.hpp"
#include "kakeya/core/uint128.hpp"

namespace kakeya {

/// Appends bit fields to a zero-initialised byte buffer.
/// The caller guarantees the buffer holds every bit written (bytes_for_bits of the total).
class bit_writer {
public:
  /// `data`: the code's bytes, all zero on entry.
  KAKEYA_HOST_DEVICE explicit bit_writer(std::uint8_t* data) noexcept : data_(data) {}

  /// Writes the low `n` bits of `v` (0 <= n <= 64); higher bits of `v` are ignored.
  KAKEYA_HOST_DEVICE void put(std::uint64_t v, int n) noexcept {
    if (n <= 0) return;
    if (n < 64) v &= (std::uint64_t{1} << n) - 1;
    // The first byte from bit pos mod 8, then whole bytes: only the bytes the field covers.
    std::uint8_t* p = data_ + (pos_ >> 3);
    const int off = static_cast<int>(pos_ & 7);
    *p = static_cast<std::uint8_t>(*p | (v << off));
    for (int done = 8 - off; done < n; done += 8) {
      ++p;
      *p = static_cast<std::uint8_t>(*p | (v >> done));
    }
    pos_ += static_cast<std::size_t>(n);
  }
  /// Writes the low `n` bits of a 128-bit value (0 <= n <= 128).
  KAKEYA_HOST_DEVICE void put(uint128 v, int n) noexcept {
    put(static_cast<std::uint64_t>(v), n < 64 ? n : 64);
    if (n > 64) put(static_cast<std::uint64_t>(v >> 64), n - 64);
  }
  /// Bits written so far.
  [[nodiscard]] KAKEYA_HOST_DEVICE std::size_t position() const noexcept { return pos_; }

private:
  std::uint8_t* data_;
  std::size_t pos_ = 0;
};

/// Reads bit fields in the order bit_writer wrote them.
class bit_reader {
public:
  /// `data`: the code's bytes.
  KAKEYA_HOST_DEVICE explicit bit_reader(const std::uint8_t* data) noexcept : data_(data) {}

  /// Reads `n` bits (0 <= n <= 64), returned in the low bits.
  KAKEYA_HOST_DEVICE std::uint64_t get(int n) noexcept {
    if (n <= 0) return 0;
    // The first byte from bit pos mod 8, then whole bytes: only the bytes the field covers.
    const std::uint8_t* p = data_ + (pos_ >> 3);
    const int off = static_cast<int>(pos_ & 7);
    std::uint64_t v = static_cast<std::uint64_t>(*p) >> off;
    for (int got = 8 - off; got < n; got += 8) v |= static_cast<std::uint64_t>(*++p) << got;
    pos_ += static_cast<std::size_t>(n);
    return n < 64 ? v & ((std::uint64_t{1} << n) - 1) : v;
  }
  /// Reads `n` bits (0 <= n <= 128) as a 128-bit value.
  KAKEYA_HOST_DEVICE uint128 get128(int n) noexcept {
    uint128 lo = get(n < 64 ? n : 64);
    if (n > 64) lo |= static_cast<uint128>(get(n - 64)) << 64;
    return lo;
  }
  /// Bits read so far.
  [[nodiscard]] KAKEYA_HOST_DEVICE std::size_t position() const noexcept { return pos_; }

private:
  const std::uint8_t* data_;
  std::size_t pos_ = 0;
};

/// Bytes needed for `bits` bits.
KAKEYA_HOST_DEVICE constexpr std::size_t bytes_for_bits(std::size_t bits) noexcept {
  return (bits + 7) / 8;
}

} // namespace kakeya
