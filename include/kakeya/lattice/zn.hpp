// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file zn.hpp
/// The integer lattice Z^n (Conway & Sloane 1982, "Fast quantizing and decoding algorithms
/// for lattice quantizers and codes", §2), its box-truncated codebook Z^n ∩ [-q, q]^n and the
/// mixed-radix index of that codebook. Also the float and 128-bit helpers that dn.hpp and
/// e8.hpp share (kakeya::detail), so that every lattice uses one arithmetic order.
///
/// docs/components/lattices.md gives the mathematics, the tie rules and the limits.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "kakeya/config.hpp"
#include "kakeya/core/uint128.hpp"

namespace kakeya {
namespace detail {

/// Upper bound on q for every built-in lattice: below it every box point, every half-integer
/// x ± ½ and every intermediate value of the box search (b ± 1, b ± ½, y - ½ after clamping) is
/// an exact float, and 2q + 1 fits 32 bits. 2^22 = 4194304.
inline constexpr int float_exact_max_q = 1 << 22;

/// Inputs with |y_i| below this get an exact lattice point from the unbounded closest-point
/// routines (r ± 1 and half-integers are exact floats there). 2^22.
inline constexpr float float_exact_max_abs = 4194304.0f;

/// Round half to even under the default rounding mode (C `rintf`; CUDA `rintf`;
/// `_mm*_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT)` in SIMD). Every lattice rounds with it.
KAKEYA_HOST_DEVICE inline float round_even(float x) noexcept { return ::rintf(x); }

/// True when the float `r`, an integer value, is odd. Floats with |r| >= 2^24 are even;
/// NaN and infinities count as even. No conversion overflows.
KAKEYA_HOST_DEVICE inline bool is_odd_integer(float r) noexcept {
  const float a = ::fabsf(r);
  return a < 16777216.0f && (static_cast<std::int32_t>(a) & 1) != 0;
}

/// `c = v > lo ? v : lo; c < hi ? c : hi` (NaN goes to lo). The operand order matches
/// x86 `maxps(v, lo)` then `minps(c, hi)`; CUDA code must use these comparisons, not fmaxf.
KAKEYA_HOST_DEVICE inline float clamp_box(float v, float lo, float hi) noexcept {
  const float c = v > lo ? v : lo;
  return c < hi ? c : hi;
}

/// Product and sum rounded to nearest, never contracted into an FMA (nvcc `--fmad=true`
/// would contract plain `a * b + c` in device code; host builds use -ffp-contract=off).
KAKEYA_HOST_DEVICE inline float mul_rn(float a, float b) noexcept {
#if KAKEYA_DEVICE_CODE
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}
KAKEYA_HOST_DEVICE inline float add_rn(float a, float b) noexcept {
#if KAKEYA_DEVICE_CODE
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}

/// Squared distance Σ (y_i - x_i)^2 in float, summed sequentially in index order 0..N-1,
/// each term `d * d` rounded, then added (no FMA). The E8 coset choice compares these.
template <std::size_t N>
KAKEYA_HOST_DEVICE inline float squared_distance(const float* y, const float* x) noexcept {
  float acc = 0.0f;
  for (std::size_t i = 0; i < N; ++i) {
    const float d = y[i] - x[i];
    acc = add_rn(acc, mul_rn(d, d));
  }
  return acc;
}

/// Digit of one coordinate for the mixed-radix index: rint(v) clamped to [0, max_digit]
/// (NaN gives 0). For codebook points v is already an integer in range.
KAKEYA_HOST_DEVICE inline std::uint32_t to_digit(float v, float max_digit) noexcept {
  float r = ::rintf(v);
  r = r > 0.0f ? r : 0.0f;
  r = r < max_digit ? r : max_digit;
  return static_cast<std::uint32_t>(r);
}

/// A 32-bit divisor d >= 1 with its reciprocals floor((2^64 - 1) / d) and floor((2^32 - 1) / d),
/// for digit loops that divide by the same d many times: divmod(r, divider) then costs a
/// high-half product and one correction step instead of a 64-bit division (a library call of
/// about a hundred instructions on GPUs). Exact: with m = floor((2^w - 1) / d) and n < 2^w,
/// n / d - 1 < n·m / 2^w <= n / d, so floor(n·m / 2^w) is the quotient or one less.
struct divider {
  std::uint32_t d;
  std::uint64_t m64;
  std::uint32_t m32;
  KAKEYA_HOST_DEVICE constexpr explicit divider(std::uint32_t divisor) noexcept
      : d(divisor), m64(~std::uint64_t{0} / divisor), m32(0xffffffffu / divisor) {}
};

KAKEYA_HOST_DEVICE constexpr std::uint64_t mul_hi64(std::uint64_t a, std::uint64_t b) noexcept {
#if defined(__CUDA_ARCH__)
  return __umul64hi(a, b);
#else
  return static_cast<std::uint64_t>((static_cast<uint128>(a) * b) >> 64);
#endif
}
KAKEYA_HOST_DEVICE constexpr std::uint32_t mul_hi32(std::uint32_t a, std::uint32_t b) noexcept {
#if defined(__CUDA_ARCH__)
  return __umulhi(a, b);
#else
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(a) * b) >> 32);
#endif
}

/// r / d and r % d for a 32-bit divisor d >= 1, using 64-bit divisions only (a single one
/// when r < 2^64, a 32-bit one when r < 2^32: digit loops shrink r, and 32-bit division is
/// several times cheaper on GPUs and most CPUs); r is replaced by the quotient, the remainder
/// is returned.
KAKEYA_HOST_DEVICE constexpr std::uint32_t divmod(uint128& r, std::uint32_t d) noexcept {
  const auto hi = static_cast<std::uint64_t>(r >> 64);
  const auto lo = static_cast<std::uint64_t>(r);
  if (hi == 0 && lo <= 0xffffffffu) {
    const auto l = static_cast<std::uint32_t>(lo);
    r = l / d;
    return l % d;
  }
  if (hi == 0) {
    r = lo / d;
    return static_cast<std::uint32_t>(lo % d);
  }
  const std::uint64_t q2 = hi / d;
  std::uint64_t rem = hi % d;
  std::uint64_t cur = (rem << 32) | (lo >> 32);
  const std::uint64_t q1 = cur / d;
  rem = cur % d;
  cur = (rem << 32) | (lo & 0xffffffffu);
  const std::uint64_t q0 = cur / d;
  rem = cur % d;
  r = (static_cast<uint128>(q2) << 64) | static_cast<uint128>((q1 << 32) | q0);
  return static_cast<std::uint32_t>(rem);
}

/// One reciprocal step: n / d from the estimate q = hi(n · m) (the quotient or one less) and
/// one correction; U is std::uint32_t or std::uint64_t.
template <class U>
KAKEYA_HOST_DEVICE constexpr std::uint32_t divmod_estimated(uint128& r, U n, U q, std::uint32_t d) noexcept {
  U rem = n - q * d;
  if (rem >= d) {
    ++q;
    rem -= d;
  }
  r = q;
  return static_cast<std::uint32_t>(rem);
}

/// divmod by a divider: the same quotient and remainder (exact integer arithmetic, see
/// divider), without divisions below 2^64.
KAKEYA_HOST_DEVICE constexpr std::uint32_t divmod(uint128& r, const divider& dv) noexcept {
  const auto hi = static_cast<std::uint64_t>(r >> 64);
  const auto lo = static_cast<std::uint64_t>(r);
  if (hi == 0 && lo <= 0xffffffffu) {
    const auto l = static_cast<std::uint32_t>(lo);
    return divmod_estimated<std::uint32_t>(r, l, mul_hi32(l, dv.m32), dv.d);
  }
  if (hi == 0) return divmod_estimated<std::uint64_t>(r, lo, mul_hi64(lo, dv.m64), dv.d);
  return divmod(r, dv.d);
}

/// A radix 2q + 1 or 2q as a 128-bit integer whose high half the compiler knows to be zero
/// (so r * radix is a 128 x 64-bit product). v >= 1 by the callers' precondition.
KAKEYA_HOST_DEVICE constexpr uint128 radix(int v) noexcept {
  return static_cast<uint128>(static_cast<std::uint32_t>(v));
}

/// b^n (no overflow check: callers stay within max_box_q).
KAKEYA_HOST_DEVICE constexpr uint128 upow(uint128 b, std::size_t n) noexcept {
  uint128 p = 1;
  for (std::size_t i = 0; i < n; ++i) p *= b;
  return p;
}

/// True when b^n <= limit; then `out` = b^n. Never overflows.
constexpr bool upow_at_most(uint128 b, std::size_t n, uint128 limit, uint128& out) noexcept {
  uint128 p = 1;
  for (std::size_t i = 0; i < n; ++i) {
    if (b != 0 && p > limit / b) return false;
    p *= b;
  }
  if (p > limit) return false;
  out = p;
  return true;
}

/// 2^127 - 1: the largest count a box codebook may have (its indices then fit 127 bits).
inline constexpr uint128 max_box_count = (uint128(1) << 127) - 1;

/// Largest q in [1, float_exact_max_q] with fits(q), for a predicate true up to some q and
/// false after; 0 when fits(1) is false.
template <class Fits> constexpr int largest_q(Fits fits) noexcept {
  if (!fits(1)) return 0;
  int lo = 1;
  int hi = float_exact_max_q;
  if (fits(hi)) return hi;
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    if (fits(mid)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

/// Number of decimal digits of n.
constexpr std::size_t decimal_digits(std::size_t n) noexcept {
  std::size_t d = 1;
  for (; n >= 10; n /= 10) ++d;
  return d;
}

/// The text `<Prefix><N>`, e.g. "z8", "d4", held in a constexpr char array.
template <char Prefix, std::size_t N> struct indexed_name {
  static constexpr std::size_t size = 1 + decimal_digits(N);
  static constexpr std::array<char, size + 1> chars = [] {
    std::array<char, size + 1> a{};
    a[0] = Prefix;
    std::size_t v = N;
    for (std::size_t i = size; i > 1; --i) {
      a[i - 1] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    a[size] = '\0';
    return a;
  }();
  static constexpr std::string_view value{chars.data(), size};
};

} // namespace detail

/// The integer lattice Z^N: closest point by coordinate-wise rounding (Conway & Sloane 1982,
/// §2), the box codebook Z^N ∩ [-q, q]^N with (2q+1)^N points, and its mixed-radix index.
///
/// Rounding is half to even (`rintf`): 0.5 -> 0, 1.5 -> 2, -0.5 -> -0. Buffers: `y` and
/// `out` hold N floats each; `out` may be the same array as `y` (not a partial overlap).
/// Box functions assume 1 <= q <= max_box_q (callers validate, e.g. kakeya::truncated).
/// @tparam N the dimension, at least 1.
template <std::size_t N> struct zn {
  static_assert(N >= 1, "kakeya::zn<N> needs N >= 1");

  static constexpr std::size_t dim = N;
  /// "z<N>", e.g. "z8".
  static constexpr std::string_view name = detail::indexed_name<'z', N>::value;
  /// Volume of a Voronoi cell.
  static constexpr double covolume = 1.0;

  /// Largest q whose box count (2q+1)^N stays below 2^127 (and at most 2^22, where box
  /// points stop being exact floats); 0 when even q = 1 is too many points (N > 80).
  static constexpr int max_box_q = detail::largest_q([](int q) {
    uint128 p = 0;
    return detail::upow_at_most(static_cast<uint128>(2 * static_cast<std::int64_t>(q) + 1), N,
                                detail::max_box_count, p);
  });

  /// Writes the point of Z^N nearest to y: out_i = rint(y_i) (ties to even). Exact for every
  /// finite float; NaN propagates.
  KAKEYA_HOST_DEVICE static void closest_point(std::span<const float, N> y,
                                               std::span<float, N> out) noexcept {
    for (std::size_t i = 0; i < N; ++i) out[i] = detail::round_even(y[i]);
  }

  /// Writes the point of Z^N ∩ [-q, q]^N nearest to y: out_i = rint(clamp(y_i, -q, q)).
  /// Exact (the cost is separable); any float input, NaN included, gives a box point.
  KAKEYA_HOST_DEVICE static void box_closest_point(std::span<const float, N> y, int q,
                                                   std::span<float, N> out) noexcept {
    const auto fq = static_cast<float>(q);
    for (std::size_t i = 0; i < N; ++i)
      out[i] = detail::round_even(detail::clamp_box(y[i], -fq, fq));
  }

  /// (2q + 1)^N, the number of points of Z^N in [-q, q]^N.
  KAKEYA_HOST_DEVICE static constexpr uint128 box_count(int q) noexcept {
    return detail::upow(detail::radix(2 * q + 1), N);
  }

  /// Mixed-radix index Σ u_i (2q+1)^i, u_i = x_i + q, in [0, box_count(q)). A point outside
  /// the codebook gets the index of its digits clamp(rint(x_i + q), 0, 2q) (NaN -> 0).
  KAKEYA_HOST_DEVICE static uint128 box_to_index(std::span<const float, N> x, int q) noexcept {
    const auto fq = static_cast<float>(q);
    const auto base = detail::radix(2 * q + 1);
    uint128 r = 0;
    for (std::size_t k = N; k-- > 0;) r = r * base + detail::to_digit(x[k] + fq, 2.0f * fq);
    return r;
  }

  /// The point with index i; an index >= box_count(q) decodes as box_count(q) - 1.
  KAKEYA_HOST_DEVICE static constexpr void box_from_index(uint128 i, int q,
                                                          std::span<float, N> out) noexcept {
    const uint128 count = box_count(q);
    uint128 r = i < count ? i : count - 1;
    const detail::divider base(static_cast<std::uint32_t>(2 * q + 1));
    for (std::size_t k = 0; k < N; ++k) {
      const auto u = static_cast<std::int32_t>(detail::divmod(r, base));
      out[k] = static_cast<float>(u - q);
    }
  }
};

/// Z^8, the baseline the 8-dimensional lattices are measured against.
using z8 = zn<8>;

} // namespace kakeya
