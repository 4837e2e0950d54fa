// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file dn.hpp
/// The checkerboard lattice D_n = {x ∈ Z^n : Σ x_i even} (Conway & Sloane 1982, "Fast
/// quantizing and decoding algorithms for lattice quantizers and codes", §3, Algorithm for
/// D_n), its box-truncated codebook D_n ∩ [-q, q]^n and the index of that codebook.
///
/// docs/components/lattices.md gives the mathematics, the tie rules and the limits.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "kakeya/config.hpp"
#include "kakeya/core/uint128.hpp"
#include "kakeya/lattice/zn.hpp"

namespace kakeya {
namespace detail {

/// Conway & Sloane's D_n step, optionally restricted to integers in [lo, hi] (lo < hi):
/// round every coordinate (b_i = rint(y_i), or rint(clamp(y_i, lo, hi)) when Bounded); if
/// Σ b_i is odd, move the one coordinate that costs least to its nearest integer of the other
/// parity. Per coordinate, in this order:
///   s_i = y_i >= b_i ? +1 : -1                    (the side of y_i; y_i == b_i goes up)
///   Bounded: if b_i + s_i leaves [lo, hi], s_i = -s_i
///   a_i = b_i + s_i,  m_i = b_i + 0.5f * s_i,  δ_i = s_i * (m_i - y_i)
/// δ_i is half the exact cost increase (y_i - a_i)^2 - (y_i - b_i)^2 = 2 s_i (m_i - y_i), with
/// a single rounding (in y_i - m_i). The coordinate changed is the first with the least δ_i
/// (ties -> lowest index; a NaN δ_0 keeps index 0). Unbounded, least δ_i is the largest
/// rounding error |y_i - b_i| of Conway & Sloane. One pass, so `out` may alias `y`.
template <std::size_t N, bool Bounded>
KAKEYA_HOST_DEVICE inline void dn_round_and_fix(const float* y, float lo, float hi,
                                                float* out) noexcept {
  bool odd = false;
  std::size_t k = 0;
  float best_delta = 0.0f;
  float best_alt = 0.0f;
  for (std::size_t i = 0; i < N; ++i) {
    const float v = y[i];
    float b;
    float s;
    if constexpr (Bounded) {
      b = round_even(clamp_box(v, lo, hi));
      s = v >= b ? (b < hi ? 1.0f : -1.0f) : (b > lo ? -1.0f : 1.0f);
    } else {
      b = round_even(v);
      s = v >= b ? 1.0f : -1.0f;
    }
    const float a = b + s;
    const float m = b + 0.5f * s;
    // s · (m − v) is never negative (m lies on the far side of v from b, or v is outside the
    // box and m inside it), so it equals |m − v| up to the sign of a zero, which no
    // comparison below sees: one multiplication fewer.
    const float delta = ::fabsf(m - v);
    if (i == 0 || delta < best_delta) {
      k = i;
      best_delta = delta;
      best_alt = a;
    }
    odd = odd != is_odd_integer(b);
    out[i] = b;
  }
  // out[k] = best_alt written as a select per coordinate: no dynamic index, so a GPU keeps
  // out in registers.
  for (std::size_t i = 0; i < N; ++i) out[i] = odd && i == k ? best_alt : out[i];
}

} // namespace detail

/// The checkerboard lattice D_N = {x ∈ Z^N : Σ x_i even} (Conway & Sloane 1982, §3): closest
/// point, the box codebook D_N ∩ [-q, q]^N with ((2q+1)^N + (-1)^{qN}) / 2 points, and its
/// index (the Z^N mixed-radix index halved).
///
/// Rounding is half to even (`rintf`); an odd coordinate sum moves the coordinate of least
/// cost (largest rounding error), ties -> lowest index; a coordinate equal to its rounding
/// moves up (+1). Buffers: `y` and `out` hold N floats each; `out` may be the same array as
/// `y`. Box functions assume 1 <= q <= max_box_q (callers validate, e.g. kakeya::truncated).
/// @tparam N the dimension, at least 2 (D_4 and D_8 are the useful ones).
template <std::size_t N> struct dn {
  static_assert(N >= 2, "kakeya::dn<N> needs N >= 2");

  static constexpr std::size_t dim = N;
  /// "d<N>", e.g. "d4".
  static constexpr std::string_view name = detail::indexed_name<'d', N>::value;
  /// Volume of a Voronoi cell: D_N has index 2 in Z^N.
  static constexpr double covolume = 2.0;

  /// Largest q whose box count stays below 2^127 (and at most 2^22, where box points stop
  /// being exact floats); 0 when even q = 1 is too many points (N > 81).
  static constexpr int max_box_q = detail::largest_q([](int q) {
    // count = (P + s) / 2 <= 2^127 - 1  <=>  P <= 2^128 - 2 - s, with P = (2q+1)^N, s = ±1.
    const bool minus = (q & 1) != 0 && (N & 1) != 0;
    uint128 p = 0;
    return detail::upow_at_most(static_cast<uint128>(2 * static_cast<std::int64_t>(q) + 1), N,
                                minus ? ~uint128(0) : ~uint128(0) - 2, p);
  });

  /// Writes the point of D_N nearest to y (Conway & Sloane's Algorithm for D_n, see
  /// detail::dn_round_and_fix for the exact operation order). A lattice point is guaranteed
  /// for |y_i| < 2^22; larger or non-finite inputs give a finite-or-NaN output, no UB.
  KAKEYA_HOST_DEVICE static void closest_point(std::span<const float, N> y,
                                               std::span<float, N> out) noexcept {
    detail::dn_round_and_fix<N, false>(y.data(), 0.0f, 0.0f, out.data());
  }

  /// Writes the point of D_N ∩ [-q, q]^N nearest to y: each coordinate at its best integer
  /// in [-q, q] (rint of the clamped value); if the parity is odd, the one coordinate whose
  /// change to its best in-box integer of the other parity costs least is changed. Exactly
  /// optimal (the cost is separable; see the docs). Any float input gives a box point.
  KAKEYA_HOST_DEVICE static void box_closest_point(std::span<const float, N> y, int q,
                                                   std::span<float, N> out) noexcept {
    const auto fq = static_cast<float>(q);
    detail::dn_round_and_fix<N, true>(y.data(), -fq, fq, out.data());
  }

  /// Number of points of D_N in [-q, q]^N: ((2q+1)^N + (N_e - N_o)^N) / 2 with N_e - N_o =
  /// (-1)^q the excess of even over odd integers in [-q, q], i.e. ((2q+1)^N + (-1)^{qN}) / 2.
  KAKEYA_HOST_DEVICE static constexpr uint128 box_count(int q) noexcept {
    const uint128 p = detail::upow(detail::radix(2 * q + 1), N);
    return ((q & 1) != 0 && (N & 1) != 0) ? (p - 1) / 2 : (p + 1) / 2;
  }

  /// Index in [0, box_count(q)): R = Σ u_i (2q+1)^i with u_i = x_i + q is the Z^N index;
  /// the base is odd, so R ≡ Σ x_i + Nq (mod 2) and D_N points are the R ≡ Nq (mod 2);
  /// index = R >> 1. A point outside the codebook gets min(R >> 1, box_count(q) - 1) with
  /// digits clamp(rint(x_i + q), 0, 2q) (NaN -> 0).
  KAKEYA_HOST_DEVICE static uint128 box_to_index(std::span<const float, N> x, int q) noexcept {
    const auto fq = static_cast<float>(q);
    const auto base = detail::radix(2 * q + 1);
    uint128 r = 0;
    for (std::size_t k = N; k-- > 0;) r = r * base + detail::to_digit(x[k] + fq, 2.0f * fq);
    uint128 index = r >> 1;
    if constexpr (N % 2 == 1) {
      // Only here can an even R (not a codebook point) reach box_count: R = (2q+1)^N - 1.
      if ((q & 1) != 0) {
        const uint128 count = box_count(q);
        if (index >= count) index = count - 1;
      }
    }
    return index;
  }

  /// The point with index i: R = 2i + (Nq mod 2), then the base-(2q+1) digits of R. An index
  /// >= box_count(q) decodes as box_count(q) - 1.
  KAKEYA_HOST_DEVICE static constexpr void box_from_index(uint128 i, int q,
                                                          std::span<float, N> out) noexcept {
    const uint128 count = box_count(q);
    const uint128 j = i < count ? i : count - 1;
    uint128 r = 2 * j + static_cast<uint128>((q & 1) != 0 && (N & 1) != 0 ? 1 : 0);
    const detail::divider base(static_cast<std::uint32_t>(2 * q + 1));
    for (std::size_t k = 0; k < N; ++k) {
      const auto u = static_cast<std::int32_t>(detail::divmod(r, base));
      out[k] = static_cast<float>(u - q);
    }
  }
};

/// D_4, the densest lattice packing in 4 dimensions.
using d4 = dn<4>;
/// D_8, the integer coset of E_8.
using d8 = dn<8>;

} // namespace kakeya
