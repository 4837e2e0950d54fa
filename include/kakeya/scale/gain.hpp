// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file gain.hpp
/// Helpers shared by the gain stages (unit_norm, pow2_scale, absmax): exact powers of two and
/// the in-place division by a gain. Every operation is a plain IEEE float operation in index
/// order, so the SIMD and CUDA backends reproduce the bits.

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "kakeya/config.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/core/reduce.hpp"

namespace kakeya::detail {

/// The largest power of two not above |a|, for finite a != 0 (exact: built from a's bits,
/// also for subnormal a); 0 for a == 0.
KAKEYA_HOST_DEVICE constexpr float pow2_floor(float a) noexcept {
  std::uint32_t b = float_bits(a) & 0x7fffffffu;
  if (b >= 0x00800000u) return float_from_bits(b & 0x7f800000u);
  // subnormal (or zero): keep only the highest set bit of the mantissa
  b |= b >> 1;
  b |= b >> 2;
  b |= b >> 4;
  b |= b >> 8;
  b |= b >> 16;
  return float_from_bits(b ^ (b >> 1));
}

/// max |v_i| over n floats, scanning in index order (exact; inputs must not be NaN).
KAKEYA_HOST_DEVICE inline float max_abs(const float* v, std::size_t n) noexcept {
  float m = 0.0f;
  for (std::size_t i = 0; i < n; ++i) {
    const float a = fabsf(v[i]);
    m = a > m ? a : m;
  }
  return m;
}

/// v_i <- v_i / g for n floats (IEEE division, correctly rounded; exact when g is a power of
/// two and the quotient is representable).
KAKEYA_HOST_DEVICE inline void divide_by(float* v, std::size_t n, float g) noexcept {
  for (std::size_t i = 0; i < n; ++i) v[i] = v[i] / g;
}

/// The common first half of the norm-based gain stages (unit_norm, rms_scale): divides the n
/// floats of v by p = pow2_floor(max |v_i|) (exact) and returns p, with the sum of squares of
/// the divided vector, in tree_sum order, in `sum_sq`. A zero vector returns 0 and is left as
/// it is (`sum_sq` untouched).
KAKEYA_HOST_DEVICE inline float pow2_divide_sum_squares(float* v, std::size_t n, float& sum_sq) noexcept {
  const float p = pow2_floor(max_abs(v, n));
  if (p == 0.0f) return 0.0f;
  divide_by(v, n, p);
  sum_sq = tree_sum(n, [&](std::size_t i) { return v[i] * v[i]; });
  return p;
}

} // namespace kakeya::detail
