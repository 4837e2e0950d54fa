// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file big_uint.hpp
/// Unsigned integers of W 64-bit words (least significant word first) as plain word arrays:
/// the few operations the ball codes' exact ranks need (lattice/ball.hpp). Host code; the width
/// is a run-time value. No operation allocates; callers size the arrays and keep every value
/// below 2^(64·W) (the ball code's counts are bounded by its 2^bits codebook size).

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace kakeya::detail {

using word = std::uint64_t;
__extension__ typedef unsigned __int128 dword;

/// a = 0.
inline void big_zero(word* a, std::size_t w) noexcept {
  for (std::size_t i = 0; i < w; ++i) a[i] = 0;
}
/// a = b.
inline void big_copy(word* a, const word* b, std::size_t w) noexcept {
  for (std::size_t i = 0; i < w; ++i) a[i] = b[i];
}
/// a += b·m; returns the carry out of the top word (0 when the caller's bound holds).
inline word big_add_mul(word* a, const word* b, word m, std::size_t w) noexcept {
  word carry = 0;
  for (std::size_t i = 0; i < w; ++i) {
    const dword t = static_cast<dword>(b[i]) * m + a[i] + carry;
    a[i] = static_cast<word>(t);
    carry = static_cast<word>(t >> 64);
  }
  return carry;
}
/// a = a·m + c; returns the carry out of the top word.
inline word big_mul_add(word* a, word m, word c, std::size_t w) noexcept {
  word carry = c;
  for (std::size_t i = 0; i < w; ++i) {
    const dword t = static_cast<dword>(a[i]) * m + carry;
    a[i] = static_cast<word>(t);
    carry = static_cast<word>(t >> 64);
  }
  return carry;
}
/// a -= b·m (requires a >= b·m).
inline void big_sub_mul(word* a, const word* b, word m, std::size_t w) noexcept {
  word carry = 0;
  for (std::size_t i = 0; i < w; ++i) {
    const dword t = static_cast<dword>(b[i]) * m + carry;
    const word lo = static_cast<word>(t);
    carry = static_cast<word>(t >> 64) + (a[i] < lo ? 1 : 0);
    a[i] -= lo;
  }
}
/// a -= b (requires a >= b).
inline void big_sub(word* a, const word* b, std::size_t w) noexcept {
  word borrow = 0;
  for (std::size_t i = 0; i < w; ++i) {
    const word bi = b[i] + borrow;
    const word next = (bi < borrow) || (a[i] < bi) ? 1 : 0;
    a[i] -= bi;
    borrow = next;
  }
}
/// -1, 0 or 1 as a <, ==, > b.
inline int big_compare(const word* a, const word* b, std::size_t w) noexcept {
  for (std::size_t i = w; i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
/// a = floor(a / m), returns a mod m (m > 0).
inline word big_divmod(word* a, word m, std::size_t w) noexcept {
  dword r = 0;
  for (std::size_t i = w; i-- > 0;) {
    const dword cur = (r << 64) | a[i];
    a[i] = static_cast<word>(cur / m);
    r = cur % m;
  }
  return static_cast<word>(r);
}
/// Whether a < 2^bits.
inline bool big_below_pow2(const word* a, std::size_t w, std::size_t bits) noexcept {
  for (std::size_t i = 0; i < w; ++i) {
    const std::size_t lo = 64 * i;
    if (lo >= bits) {
      if (a[i] != 0) return false;
    } else if (bits - lo < 64 && (a[i] >> (bits - lo)) != 0) {
      return false;
    }
  }
  return true;
}
/// The value as a long double, from its top two nonzero words (relative error below 2^-63).
inline long double big_to_ld(const word* a, std::size_t w) noexcept {
  std::size_t top = w;
  while (top > 0 && a[top - 1] == 0) --top;
  if (top == 0) return 0.0L;
  if (top == 1) return static_cast<long double>(a[0]);
  const long double v = static_cast<long double>(a[top - 1]) * 18446744073709551616.0L + static_cast<long double>(a[top - 2]);
  return std::ldexp(v, static_cast<int>(64 * (top - 2)));
}

} // namespace kakeya::detail
