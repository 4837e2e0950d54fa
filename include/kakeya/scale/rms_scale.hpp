// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file rms_scale.hpp
/// RMS scaling: divides a vector by its root mean square g = sqrt(Σ v_i² / D), so that the
/// coordinates have unit mean square (what a Voronoi code's scale table is designed for),
/// instead of by max |v_i| (absmax), which depends on one outlier.
///
/// The gain is rounded to a number format F *before* the division, and the vector is divided
/// by the rounded value: stored in F (codec marker gain_as<F>), it is then exact, and the gain
/// costs F::bits bits with no error of its own (a coarse F only moves the vector's mean square
/// by F's relative step; the block quantiser's scale table absorbs that). F = ue8m<M> (below):
/// the fp32 exponent and M mantissa bits, so that the product with a power-of-two gain
/// (pow2_scale) stays exact.
///
/// Order of operations (every backend): p = 2^floor(log2 max|v_i|) (exact), v <- v / p
/// (exact), s = tree_sum(v_i²) (core/reduce.hpp), r = sqrtf(s / D), g = F(r) rounded,
/// v <- v / g (IEEE division), gain = g · p (exact).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "kakeya/config.hpp"
#include "kakeya/core/concepts.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/scale/gain.hpp"

namespace kakeya {

/// An unsigned float format for positive gains: the 8-bit fp32 exponent (bias 127, same
/// subnormals) and the top M mantissa bits, 8 + M bits (models ScalarFormat). encode rounds to
/// nearest, ties to even, on the fp32 bits (a carry moves into the exponent); values beyond
/// the largest finite code, infinities and NaN give the largest finite code; the sign is
/// dropped. Every ue8m<M> value times a power of two within fp32's range is again a ue8m<M>
/// value. ue8m<7> is bf16 without its sign.
/// @tparam M mantissa bits, 0..15
template <int M>
struct ue8m {
  static_assert(M >= 0 && M <= 15, "kakeya::ue8m<M> needs 0 <= M <= 15");
  using storage = std::uint16_t;
  static constexpr int bits = 8 + M;
  static constexpr int shift = 23 - M;
  static constexpr std::uint32_t max_code = (255u << M) - 1u;

  KAKEYA_HOST_DEVICE static constexpr storage encode(float x) noexcept {
    const std::uint32_t a = detail::float_bits(x) & 0x7fffffffu;
    if (a >= 0x7f800000u) return static_cast<storage>(max_code);
    const std::uint32_t half = (1u << (shift - 1)) - 1u;
    const std::uint32_t c = (a + half + ((a >> shift) & 1u)) >> shift;
    return static_cast<storage>(c > max_code ? max_code : c);
  }
  KAKEYA_HOST_DEVICE static constexpr float decode(storage s) noexcept {
    const std::uint32_t c = static_cast<std::uint32_t>(s) > max_code ? max_code : s;
    return detail::float_from_bits(c << shift);
  }
};

/// Gain stage (models GainStage): g = rms(v) rounded to format F, v <- v / g; g = 0 for v = 0.
/// See the file comment for the order of operations. Put gain_as<F> in the codec to store the
/// gain in F::bits bits without error.
/// @tparam F the gain's ScalarFormat (ue8m<M>, bf16, fp32, ...)
template <ScalarFormat F>
struct rms_scale {
  using format = F;
  static constexpr std::string_view name = "rms";
  /// Normalises `v` (D floats, finite) in place and returns the gain.
  template <std::size_t D>
  KAKEYA_HOST_DEVICE float normalise(std::span<float, D> v) const noexcept {
    float s = 0.0f;
    const float p = detail::pow2_divide_sum_squares(v.data(), D, s);
    if (p == 0.0f) return 0.0f;
    const float r = sqrtf(s / static_cast<float>(D));
    const float g = F::decode(F::encode(r));
    detail::divide_by(v.data(), D, g);
    return g * p;
  }
};

} // namespace kakeya
