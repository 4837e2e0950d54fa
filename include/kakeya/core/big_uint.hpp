// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file big_uint.hpp
/// What the ball codes' ranks (lattice/ball.hpp) need, host and device:
///
/// - **Rounded counts** (`fcount`): a count m · 2^e with a p-bit mantissa (p <= 32), packed
///   in 64 bits as e << 32 | m. Values below 2^p are exact (e = 0); larger ones are
///   normalised (2^(p−1) <= m < 2^p), so the packed integers order like the values.
///   `fcount_add_mul` returns a + c · b rounded **up** to p bits, exactly (integer operations
///   only, the same bits on every backend).
/// - **Word arrays**: unsigned integers of w 64-bit words, least significant first, and the
///   sparse operations on them with a term v · 2^e (v below 2^128): subtract, compare, the
///   window floor(a / 2^e); sums of many terms through `digit_sum` (32-bit digits, carries
///   settled once). None allocates; callers size the arrays.

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "kakeya/config.hpp"

namespace kakeya::detail {

using word = std::uint64_t;
__extension__ typedef unsigned __int128 dword;

/// The number of significant bits of v (0 for 0).
KAKEYA_HOST_DEVICE inline int bit_length(word v) noexcept {
#ifdef __CUDA_ARCH__
  return 64 - __clzll(static_cast<long long>(v));
#else
  return v == 0 ? 0 : 64 - __builtin_clzll(v);
#endif
}
KAKEYA_HOST_DEVICE inline int bit_length(dword v) noexcept {
  const auto hi = static_cast<word>(v >> 64);
  return hi != 0 ? 64 + bit_length(hi) : bit_length(static_cast<word>(v));
}

// ---- rounded counts ---------------------------------------------------------------------------

/// The mantissa m of a packed count.
KAKEYA_HOST_DEVICE inline std::uint32_t fcount_m(std::uint64_t c) noexcept { return static_cast<std::uint32_t>(c); }
/// The exponent e of a packed count.
KAKEYA_HOST_DEVICE inline int fcount_e(std::uint64_t c) noexcept { return static_cast<int>(c >> 32); }
/// The packed count of m · 2^e.
KAKEYA_HOST_DEVICE inline std::uint64_t fcount_pack(std::uint64_t m, int e) noexcept {
  return static_cast<std::uint64_t>(e) << 32 | m;
}
/// The count v · 2^l rounded up to p significant bits (p in 1..32; l + bit_length(v) below
/// 2^31).
KAKEYA_HOST_DEVICE inline std::uint64_t fcount_round_up(dword v, int l, int p) noexcept {
  const int n = bit_length(v);
  if (l == 0 && n <= p) return fcount_pack(static_cast<word>(v), 0);
  int shift = n - p; // n >= p here: l > 0 only for values of 126 bits and more
  dword m = (v >> shift) + ((v & ((dword{1} << shift) - 1)) != 0 ? 1 : 0);
  if (m >> p) { // rounded up to 2^p
    m >>= 1;
    ++shift;
  }
  return fcount_pack(static_cast<word>(m), shift + l);
}
/// a + c · b rounded up to p significant bits, for counts a and b (p-bit mantissas) and
/// c < 2^63. The exact sum is held in a 126-bit window at the position of its top bit; lower
/// bits that fall out count as one unit of the window each, so the result is an upper bound
/// of the exact sum (and equals its rounding up whenever nothing falls out).
KAKEYA_HOST_DEVICE inline std::uint64_t fcount_add_mul(std::uint64_t a, std::uint64_t b, std::uint64_t c, int p) noexcept {
  const dword av = fcount_m(a);
  const dword bv = static_cast<dword>(c) * fcount_m(b); // below 2^95
  const int ae = fcount_e(a), be = fcount_e(b);
  if (bv == 0) return a;
  const int at = av == 0 ? 0 : ae + bit_length(av);
  const int bt = be + bit_length(bv);
  const int top = at > bt ? at : bt;
  const int l = top > 126 ? top - 126 : 0;
  int lost = 0;
  const auto place = [&](dword v, int e) -> dword {
    if (v == 0) return 0;
    if (e >= l) return v << (e - l);
    const int s = l - e;
    if (s >= 128) {
      ++lost;
      return 0;
    }
    lost += (v & ((dword{1} << s) - 1)) != 0 ? 1 : 0;
    return v >> s;
  };
  const dword w = place(av, ae) + place(bv, be);
  return fcount_round_up(w + static_cast<dword>(lost), l, p);
}

// ---- word arrays ------------------------------------------------------------------------------

/// a = 0.
KAKEYA_HOST_DEVICE inline void big_zero(word* a, std::size_t w) noexcept {
  for (std::size_t i = 0; i < w; ++i) a[i] = 0;
}
/// a = b.
KAKEYA_HOST_DEVICE inline void big_copy(word* a, const word* b, std::size_t w) noexcept {
  for (std::size_t i = 0; i < w; ++i) a[i] = b[i];
}
/// -1, 0 or 1 as a <, ==, > b.
KAKEYA_HOST_DEVICE inline int big_compare(const word* a, const word* b, std::size_t w) noexcept {
  for (std::size_t i = w; i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
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
/// The number of words up to a's top nonzero word (0 for 0).
KAKEYA_HOST_DEVICE inline std::size_t big_used(const word* a, std::size_t w) noexcept {
  while (w > 0 && a[w - 1] == 0) --w;
  return w;
}
/// The value as a long double, from its top two nonzero words (relative error below 2^-63).
inline long double big_to_ld(const word* a, std::size_t w) noexcept {
  const std::size_t top = big_used(a, w);
  if (top == 0) return 0.0L;
  if (top == 1) return static_cast<long double>(a[0]);
  const long double v = static_cast<long double>(a[top - 1]) * 18446744073709551616.0L + static_cast<long double>(a[top - 2]);
  return std::ldexp(v, static_cast<int>(64 * (top - 2)));
}

/// v · 2^(e mod 64) as three words (v below 2^128, its top bits beyond 192 dropped).
struct shifted_term {
  word x[3];
};
KAKEYA_HOST_DEVICE inline shifted_term shift_term(dword v, int e) noexcept {
  const int o = e % 64;
  const auto lo = static_cast<word>(v), hi = static_cast<word>(v >> 64);
  if (o == 0) return {{lo, hi, 0}};
  return {{lo << o, (lo >> (64 - o)) | (hi << o), hi >> (64 - o)}};
}
/// A sum of terms v · 2^e (v below 2^96) without carries: each term adds its four 32-bit
/// digits into 64-bit slots, so terms add in any order and branch-free; `settle` propagates
/// the carries once. Up to 2^32 terms; the sum must fit the words it is settled into.
template <std::size_t Words>
struct digit_sum {
  /// An empty sum of w words (w <= Words).
  KAKEYA_HOST_DEVICE explicit digit_sum(std::size_t w) noexcept : w_(w) {
    for (std::size_t i = 0; i < 2 * w + 3; ++i) slot[i] = 0;
  }
  KAKEYA_HOST_DEVICE void add(dword v, int e) noexcept {
    const dword x = v << (e % 32); // below 2^127
    word* d = slot + e / 32;
    d[0] += static_cast<std::uint32_t>(x);
    d[1] += static_cast<std::uint32_t>(x >> 32);
    d[2] += static_cast<std::uint32_t>(x >> 64);
    d[3] += static_cast<std::uint32_t>(x >> 96);
  }
  /// The sum into a (w words).
  KAKEYA_HOST_DEVICE void settle(word* a) const noexcept {
    word carry = 0;
    for (std::size_t i = 0; i < w_; ++i) {
      const word lo = slot[2 * i] + carry;
      const word hi = slot[2 * i + 1] + (lo >> 32);
      a[i] = (hi << 32) | static_cast<std::uint32_t>(lo);
      carry = hi >> 32;
    }
  }

private:
  word slot[2 * Words + 3];
  std::size_t w_;
};
/// a −= v · 2^e (requires a >= v · 2^e).
KAKEYA_HOST_DEVICE inline void big_sub_shifted(word* a, std::size_t w, dword v, int e) noexcept {
  const shifted_term t = shift_term(v, e);
  word borrow = 0;
  for (std::size_t i = static_cast<std::size_t>(e / 64), k = 0; i < w && (k < 3 || borrow != 0); ++i, ++k) {
    const word x = k < 3 ? t.x[k] : 0;
    const word d = a[i] - x;
    const word b1 = a[i] < x ? 1 : 0;
    a[i] = d - borrow;
    borrow = b1 + (d < borrow ? 1 : 0);
  }
}
/// Whether a >= v · 2^e; `used` is big_used(a) (a's words from there on are 0).
KAKEYA_HOST_DEVICE inline bool big_at_least(const word* a, std::size_t used, dword v, int e) noexcept {
  const std::size_t j = static_cast<std::size_t>(e / 64);
  if (used > j + 3) return true;
  const shifted_term t = shift_term(v, e);
  for (std::size_t k = 3; k-- > 0;) {
    const word ak = j + k < used ? a[j + k] : 0;
    if (ak != t.x[k]) return ak > t.x[k];
  }
  return true; // equal in the words of the term; a's lower words only add
}
/// floor(a / 2^e), or ~0 when that is 2^128 or more; `used` is big_used(a).
KAKEYA_HOST_DEVICE inline dword big_window(const word* a, std::size_t used, int e) noexcept {
  const std::size_t j = static_cast<std::size_t>(e / 64);
  const int o = e % 64;
  if (used > j + 3) return ~dword{0};
  const word w0 = j < used ? a[j] : 0, w1 = j + 1 < used ? a[j + 1] : 0, w2 = j + 2 < used ? a[j + 2] : 0;
  if (o == 0) return w2 != 0 ? ~dword{0} : static_cast<dword>(w1) << 64 | w0;
  if ((w2 >> o) != 0) return ~dword{0};
  const word lo = (w0 >> o) | (w1 << (64 - o)), hi = (w1 >> o) | (w2 << (64 - o));
  return static_cast<dword>(hi) << 64 | lo;
}
/// floor(v / m) for m >= 1 below 2^32, in 32-bit digits (no 128-bit division).
KAKEYA_HOST_DEVICE inline dword div_small(dword v, std::uint32_t m) noexcept {
  dword q = 0;
  word r = 0;
  for (int d = 3; d >= 0; --d) {
    const word cur = r << 32 | static_cast<word>((v >> (32 * d)) & 0xffffffffu);
    q |= static_cast<dword>(cur / m) << (32 * d);
    r = cur % m;
  }
  return q;
}

} // namespace kakeya::detail
