// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file e8.hpp
/// The Gosset lattice E_8 = D_8 ∪ (D_8 + ½·1) (Conway & Sloane 1982, "Fast quantizing and
/// decoding algorithms for lattice quantizers and codes", §3, Algorithm for E_8), its
/// box-truncated codebook E_8 ∩ [-q, q]^8 and the index of that codebook.
///
/// docs/components/lattices.md gives the mathematics, the tie rules and the limits.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "kakeya/config.hpp"
#include "kakeya/core/uint128.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/zn.hpp"

namespace kakeya {
namespace detail {

/// Conway & Sloane's E_8 step, optionally in the box [-q, q]^8 (Bounded):
///   a = D_8 point for y                 (in [-q, q]^8 when Bounded)
///   z_i = y_i - 0.5f, c = D_8 point for z (in [-q, q-1]^8 when Bounded), b_i = c_i + 0.5f
///   out = b if squared_distance(y, b) < squared_distance(y, a), else a (ties -> D_8 coset).
/// Reads all of y before writing out, so `out` may alias `y`.
template <bool Bounded>
KAKEYA_HOST_DEVICE inline void e8_closest(const float* y, float fq, float* out) noexcept {
  float a[8];
  float z[8];
  float b[8];
  for (std::size_t i = 0; i < 8; ++i) z[i] = y[i] - 0.5f;
  dn_round_and_fix<8, Bounded>(y, -fq, fq, a);
  dn_round_and_fix<8, Bounded>(z, -fq, fq - 1.0f, b);
  for (std::size_t i = 0; i < 8; ++i) b[i] = b[i] + 0.5f;
  const float da = squared_distance<8>(y, a);
  const float db = squared_distance<8>(y, b);
  const bool half = db < da; // a select per element, not a pointer (keeps a, b in registers)
  for (std::size_t i = 0; i < 8; ++i) out[i] = half ? b[i] : a[i];
}

/// Number of points of D_8 in [-q, q]^8: ((2q+1)^8 + 1) / 2.
KAKEYA_HOST_DEVICE constexpr uint128 e8_integer_count(int q) noexcept {
  return (upow(radix(2 * q + 1), 8) + 1) / 2;
}

/// Number of points of D_8 + ½·1 in [-q, q]^8: (2q)^8 / 2 (q even and q odd integers in the
/// 2q-point range [-q, q-1] of x - ½).
KAKEYA_HOST_DEVICE constexpr uint128 e8_half_count(int q) noexcept {
  return upow(radix(2 * q), 8) / 2;
}

} // namespace detail

/// The Gosset lattice E_8 = D_8 ∪ (D_8 + ½·1), the densest lattice packing in 8 dimensions
/// (Conway & Sloane 1982, §3): closest point, the box codebook E_8 ∩ [-q, q]^8 with
/// ((2q+1)^8 + 1)/2 + (2q)^8/2 points, and its index (integer coset first, then half coset).
///
/// Ties between the cosets go to the integer coset D_8; within a coset the D_8 rules apply
/// (round half to even, least-cost parity fix, lowest index, equal moves up). Buffers: `y`
/// and `out` hold 8 floats each; `out` may be the same array as `y`. Box functions assume
/// 1 <= q <= max_box_q (callers validate, e.g. kakeya::truncated).
struct e8 {
  static constexpr std::size_t dim = 8;
  static constexpr std::string_view name = "e8";
  /// Volume of a Voronoi cell: E_8 is unimodular.
  static constexpr double covolume = 1.0;

  /// Largest q whose box count stays below 2^127 (in the tens of thousands).
  static constexpr int max_box_q = detail::largest_q([](int q) {
    uint128 p = 0;
    uint128 h = 0;
    const auto q64 = static_cast<std::int64_t>(q);
    // (p + 1) / 2 + h / 2 <= 2^127 - 1, evaluated without overflow.
    if (!detail::upow_at_most(static_cast<uint128>(2 * q64 + 1), 8, ~uint128(0) - 1, p))
      return false;
    if (!detail::upow_at_most(static_cast<uint128>(2 * q64), 8, ~uint128(0), h)) return false;
    return (p + 1) / 2 + h / 2 <= detail::max_box_count;
  });

  /// Writes the point of E_8 nearest to y (Conway & Sloane's Algorithm for E_8, see
  /// detail::e8_closest for the exact operation order). A lattice point is guaranteed for
  /// |y_i| < 2^22; larger or non-finite inputs give a finite-or-NaN output, no UB.
  KAKEYA_HOST_DEVICE static void closest_point(std::span<const float, 8> y,
                                               std::span<float, 8> out) noexcept {
    detail::e8_closest<false>(y.data(), 0.0f, out.data());
  }

  /// Writes the point of E_8 ∩ [-q, q]^8 nearest to y: the D_8 box point and the half-coset
  /// box point (coordinates in {-q+½, ..., q-½}, x - ½·1 ∈ D_8), whichever is closer (ties
  /// -> D_8). Both are exact box-D_8 searches, so the result is the true closest box point;
  /// any float input gives a codebook point.
  KAKEYA_HOST_DEVICE static void box_closest_point(std::span<const float, 8> y, int q,
                                                   std::span<float, 8> out) noexcept {
    detail::e8_closest<true>(y.data(), static_cast<float>(q), out.data());
  }

  /// Number of points of E_8 in [-q, q]^8: ((2q+1)^8 + 1)/2 + (2q)^8/2.
  KAKEYA_HOST_DEVICE static constexpr uint128 box_count(int q) noexcept {
    return detail::e8_integer_count(q) + detail::e8_half_count(q);
  }

  /// Index in [0, box_count(q)). Integer coset: the D_8 index (R >> 1 of the base-(2q+1)
  /// digits x_i + q). Half coset: e8_integer_count(q) + Σ_{i<7} v_i (2q)^i + w (2q)^7 with
  /// v_i = x_i - ½ + q ∈ [0, 2q-1] and w = v_7 >> 1 ∈ [0, q) (the parity of v_7 is forced).
  /// The coset is read from x_0 (half iff rint(2 x_0) is odd). A point outside the codebook
  /// gets the index of its clamped digits (NaN -> 0): always < box_count(q).
  KAKEYA_HOST_DEVICE static uint128 box_to_index(std::span<const float, 8> x, int q) noexcept {
    const auto fq = static_cast<float>(q);
    if (!detail::is_odd_integer(detail::round_even(2.0f * x[0]))) {
      const auto base = detail::radix(2 * q + 1);
      uint128 r = 0;
      for (std::size_t k = 8; k-- > 0;) r = r * base + detail::to_digit(x[k] + fq, 2.0f * fq);
      return r >> 1; // 8q is even: R >> 1 < count for every R
    }
    const float max_digit = 2.0f * fq - 1.0f;
    std::uint32_t v[8];
    for (std::size_t k = 0; k < 8; ++k) v[k] = detail::to_digit((x[k] - 0.5f) + fq, max_digit);
    const auto base = detail::radix(2 * q);
    uint128 h = v[7] >> 1;
    for (std::size_t k = 7; k-- > 0;) h = h * base + v[k];
    return detail::e8_integer_count(q) + h;
  }

  /// The point with index i (the inverse of box_to_index); an index >= box_count(q) decodes
  /// as box_count(q) - 1.
  KAKEYA_HOST_DEVICE static constexpr void box_from_index(uint128 i, int q,
                                                          std::span<float, 8> out) noexcept {
    const uint128 integer_count = detail::e8_integer_count(q);
    const uint128 count = integer_count + detail::e8_half_count(q);
    const uint128 j = i < count ? i : count - 1;
    if (j < integer_count) {
      uint128 r = 2 * j; // 8q is even
      const detail::divider base(static_cast<std::uint32_t>(2 * q + 1));
      for (std::size_t k = 0; k < 8; ++k) {
        const auto u = static_cast<std::int32_t>(detail::divmod(r, base));
        out[k] = static_cast<float>(u - q);
      }
      return;
    }
    uint128 h = j - integer_count;
    const detail::divider base(static_cast<std::uint32_t>(2 * q));
    std::uint32_t parity = 0;
    for (std::size_t k = 0; k < 7; ++k) {
      const std::uint32_t v = detail::divmod(h, base);
      parity ^= v & 1u;
      out[k] = static_cast<float>(static_cast<std::int32_t>(v) - q) + 0.5f;
    }
    const auto v7 = static_cast<std::int32_t>(2 * static_cast<std::uint32_t>(h) + parity);
    out[7] = static_cast<float>(v7 - q) + 0.5f;
  }
};

} // namespace kakeya
