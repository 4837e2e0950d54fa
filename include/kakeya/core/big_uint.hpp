// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file big_uint.hpp
/// Unsigned integers of W 64-bit words (least significant word first) as plain word arrays:
/// the few operations the ball codes' exact ranks need (lattice/ball.hpp), host and device; the
/// width is a run-time value. No operation allocates; callers size the arrays and keep every value
/// below 2^(64·W) (the ball code's counts are bounded by its 2^bits codebook size).

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "kakeya/config.hpp"

namespace kakeya::detail {

using word = std::uint64_t;
__extension__ typedef unsigned __int128 dword;

/// a = 0.
KAKEYA_HOST_DEVICE inline void big_zero(word* a, std::size_t w) noexcept {
  for (std::size_t i = 0; i < w; ++i) a[i] = 0;
}
/// a = b.
KAKEYA_HOST_DEVICE inline void big_copy(word* a, const word* b, std::size_t w) noexcept {
  for (std::size_t i = 0; i < w; ++i) a[i] = b[i];
}
/// a += b·m; returns the carry out of the top word (0 when the caller's bound holds).
KAKEYA_HOST_DEVICE inline word big_add_mul(word* a, const word* b, word m, std::size_t w) noexcept {
  word carry = 0;
  for (std::size_t i = 0; i < w; ++i) {
    const dword t = static_cast<dword>(b[i]) * m + a[i] + carry;
    a[i] = static_cast<word>(t);
    carry = static_cast<word>(t >> 64);
  }
  return carry;
}
/// a = a·m + c; returns the carry out of the top word.
KAKEYA_HOST_DEVICE inline word big_mul_add(word* a, word m, word c, std::size_t w) noexcept {
  word carry = c;
  for (std::size_t i = 0; i < w; ++i) {
    const dword t = static_cast<dword>(a[i]) * m + carry;
    a[i] = static_cast<word>(t);
    carry = static_cast<word>(t >> 64);
  }
  return carry;
}
/// a += Σ_{v<n} m[v] · row_v, row_v = first − v·stride (n rows of w words, n <= 2^31; the sum
/// must fit w words). Word by word, with the carries deferred to one 192-bit accumulator per
/// word: the products of one word are independent, unlike n calls of big_add_mul, whose
/// carry chain runs through memory.
KAKEYA_HOST_DEVICE inline void big_add_mul_rows(word* a, const word* first, std::size_t stride, const word* m,
                                                std::size_t n, std::size_t w) noexcept {
  dword carry = 0;
  for (std::size_t j = 0; j < w; ++j) {
    dword lo = static_cast<dword>(a[j]) + carry; // < 2^64 + 2^71: no wrap
    word hi = 0;
    const word* col = first + j;
    for (std::size_t v = 0; v < n; ++v, col -= stride) {
      const dword p = static_cast<dword>(*col) * m[v];
      lo += p;
      hi += lo < p ? 1 : 0;
    }
    a[j] = static_cast<word>(lo);
    carry = (lo >> 64) | (static_cast<dword>(hi) << 64);
  }
}
/// a -= b·m (requires a >= b·m).
KAKEYA_HOST_DEVICE inline void big_sub_mul(word* a, const word* b, word m, std::size_t w) noexcept {
  word carry = 0;
  for (std::size_t i = 0; i < w; ++i) {
    const dword t = static_cast<dword>(b[i]) * m + carry;
    const word lo = static_cast<word>(t);
    carry = static_cast<word>(t >> 64) + (a[i] < lo ? 1 : 0);
    a[i] -= lo;
  }
}
/// a -= b (requires a >= b).
KAKEYA_HOST_DEVICE inline void big_sub(word* a, const word* b, std::size_t w) noexcept {
  word borrow = 0;
  for (std::size_t i = 0; i < w; ++i) {
    const word bi = b[i] + borrow;
    const word next = (bi < borrow) || (a[i] < bi) ? 1 : 0;
    a[i] -= bi;
    borrow = next;
  }
}
/// -1, 0 or 1 as a <, ==, > b.
KAKEYA_HOST_DEVICE inline int big_compare(const word* a, const word* b, std::size_t w) noexcept {
  for (std::size_t i = w; i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
/// a = floor(a / m), returns a mod m (m > 0).
KAKEYA_HOST_DEVICE inline word big_divmod(word* a, word m, std::size_t w) noexcept {
  dword r = 0;
  for (std::size_t i = w; i-- > 0;) {
    const dword cur = (r << 64) | a[i];
    a[i] = static_cast<word>(cur / m);
    r = cur % m;
  }
  return static_cast<word>(r);
}
/// Whether a < 2^bits.
KAKEYA_HOST_DEVICE inline bool big_below_pow2(const word* a, std::size_t w, std::size_t bits) noexcept {
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

/// A value m · 2^(64·e) in double precision (m below 2^128; relative error below 2^-51), for
/// estimates whose results are then settled exactly.
struct big_estimate {
  double m = 0.0;
  int e = 0;
  /// (this value) / (o's value); 1e300 when o is 0.
  [[nodiscard]] KAKEYA_HOST_DEVICE double relative_to(const big_estimate& o) const noexcept {
    if (o.m == 0.0) return 1e300;
    const int shift = 64 * (e - o.e);
    if (shift > 960) return 1e300;
    if (shift < -960) return 0.0;
    return ::ldexp(m / o.m, shift);
  }
};
/// The estimate of a (w words) from its top three words.
KAKEYA_HOST_DEVICE inline big_estimate big_estimate_of(const word* a, std::size_t w) noexcept {
  std::size_t t = w;
  while (t > 0 && a[t - 1] == 0) --t;
  if (t == 0) return {};
  --t; // the top nonzero word
  double m = static_cast<double>(a[t]) * 18446744073709551616.0;
  if (t >= 1) m += static_cast<double>(a[t - 1]);
  if (t >= 2) m += static_cast<double>(a[t - 2]) * 5.421010862427522e-20; // 2^-64
  return {m, static_cast<int>(t) - 1};
}
/// floor(r / d) for d >= 1 (w words each), leaving r mod d in r; `scratch` holds w words.
/// Each step subtracts e·d with e = floor((r/d)·(1 − 2^-40)) from the estimates (at least 1,
/// at most 2^62): never more than the quotient, and three or four steps reach it for any
/// quotient below 2^63. The steps are bounded (8): a quotient beyond that (only from invalid
/// input) stops with r not reduced, and the quotient returned mod 2^64.
KAKEYA_HOST_DEVICE inline std::uint64_t big_div_estimated(word* r, const word* d, std::size_t w, word* scratch) noexcept {
  std::uint64_t q = 0;
  const big_estimate de = big_estimate_of(d, w);
  for (int step = 0; step < 8 && big_compare(r, d, w) >= 0; ++step) {
    const double ratio = big_estimate_of(r, w).relative_to(de) * (1.0 - 0x1p-40);
    std::uint64_t e = ratio >= 0x1p62 ? (std::uint64_t{1} << 62) : ratio < 1.0 ? 1 : static_cast<std::uint64_t>(ratio);
    big_zero(scratch, w);
    if (big_add_mul(scratch, d, e, w) != 0 || big_compare(scratch, r, w) > 0) { // not expected
      e = 1;
      big_copy(scratch, d, w);
    }
    big_sub(r, scratch, w);
    q += e;
  }
  return q;
}

} // namespace kakeya::detail
