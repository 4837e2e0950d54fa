// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file fp8_block.hpp
/// FP8 block quantisation with one absmax scale per block: the format of DeepSeek-V3/V4's
/// activations and KV cache, and of OCP MX-style block scaling with an E4M3/E5M2 element.
/// The per-block routines are `constexpr KAKEYA_HOST_DEVICE noexcept` and fix the arithmetic
/// (a true division by the decoded scale, one rounding per step) so that the scalar
/// reference, SIMD and CUDA backends agree bit for bit. docs/components/fp8_block.md.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

#include "kakeya/config.hpp"
#include "kakeya/core/concepts.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/core/float_formats.hpp"

namespace kakeya {

// clang-format off (clang-format 14 mangles concept definitions and requires-clauses)

/// An FP8 element format for `fp8_block`: an 8-bit `ScalarFormat` with a float `max_finite`
/// and saturating overflow (`fp8_e4m3`, `fp8_e5m2`). Non-saturating variants are rejected: a
/// scale rounded to nearest can sit below amax / max_finite (by far more than an FP8 half-ulp
/// when an fp16 scale is subnormal), and ±Inf inputs must stay finite; saturation clips both
/// to ±max where the `_nosat` variants would produce NaN or Inf.
template <class F>
concept Fp8ElementFormat = ScalarFormat<F> && requires {
  requires F::bits == 8;
  requires std::same_as<std::remove_cv_t<decltype(F::max_finite)>, float>;
  requires F::overflow == fp8_overflow::saturate;
};

/// A scale format for `fp8_block`: a `ScalarFormat` with a float `max_finite` (fp32, fp16,
/// bf16, ue8m0).
template <class F>
concept BlockScaleFormat = ScalarFormat<F> && requires {
  requires std::same_as<std::remove_cv_t<decltype(F::max_finite)>, float>;
};

// clang-format on

/// Quantises blocks of `Block` floats to FP8 codes with one shared scale per block:
///   amax  = max |x_i| over the block's non-NaN entries (0 if there are none);
///   s     = amax / Fp8::max_finite (float division), clamped to ScaleFormat::max_finite;
///   s'    = ScaleFormat::encode(s), d = ScaleFormat::decode(s');
///   codes = Fp8::encode(x_i / d) (float division, saturating), or all 0x00 when amax == 0
///           or d == 0;
///   x̂_i  = Fp8::decode(code_i) * d (float multiplication).
/// With a ue8m0 scale d = 2^ceil(log2 s) >= s, so |x_i / d| <= max_finite (exact) and nothing
/// saturates when amax / max_finite is a normal float; `fp8_block<fp8_e4m3, 64, ue8m0>` is
/// DeepSeek-V4's KV-cache block (docs/components/fp8_block.md gives the comparison).
/// @tparam Fp8 element format, `fp8_e4m3` or `fp8_e5m2` (saturating)
/// @tparam Block elements per block, >= 1 (32, 64 and 128 are the usual ones)
/// @tparam ScaleFormat format of the per-block scale: `fp32`, `fp16`, `bf16` or `ue8m0`
// clang-format off
template <class Fp8, std::size_t Block, class ScaleFormat>
  requires Fp8ElementFormat<Fp8> && BlockScaleFormat<ScaleFormat> && (Block >= 1)
struct fp8_block {
  // clang-format on
  using element_format = Fp8;
  using scale_format = ScaleFormat;
  using scale_storage = typename ScaleFormat::storage;

  /// Elements per block.
  static constexpr std::size_t block = Block;
  /// Bits per block on the wire: Block FP8 codes and one scale.
  static constexpr int bits = static_cast<int>(Block) * 8 + ScaleFormat::bits;

  /// The largest |x_i| over the entries that are not NaN; 0 when there are none. An integer
  /// comparison of the magnitude bits, so it is order-independent and unaffected by
  /// flush-to-zero modes. `x`: Block floats.
  KAKEYA_HOST_DEVICE static constexpr float block_amax(std::span<const float, Block> x) noexcept {
    std::uint32_t best = 0;
    for (std::size_t i = 0; i < Block; ++i) best = amax_bits(best, x[i]);
    return detail::float_from_bits(best);
  }

  /// The stored scale for a block whose largest magnitude is `amax` (>= 0, may be +Inf):
  /// ScaleFormat::encode(min(amax / Fp8::max_finite, ScaleFormat::max_finite)).
  KAKEYA_HOST_DEVICE static constexpr scale_storage scale_for(float amax) noexcept {
    float s = amax / Fp8::max_finite;
    if (s > ScaleFormat::max_finite) s = ScaleFormat::max_finite;
    return ScaleFormat::encode(s);
  }

  /// Quantises one block.
  /// @param x      Block input floats
  /// @param scale  receives the block's scale code
  /// @param codes  Block FP8 codes (output)
  KAKEYA_HOST_DEVICE static constexpr void quantise(std::span<const float, Block> x,
                                                    scale_storage& scale,
                                                    std::span<std::uint8_t, Block> codes) noexcept {
    const float amax = block_amax(x);
    scale = scale_for(amax);
    const float d = ScaleFormat::decode(scale);
    for (std::size_t i = 0; i < Block; ++i) codes[i] = element_code(x[i], amax, d);
  }

  /// The per-element step of `quantise`: the code of `x` in a block whose largest magnitude
  /// is `amax` and whose decoded scale is `d`; 0x00 when amax or d is zero (bit tests, not
  /// float compares: a subnormal amax or d is not zero under any FTZ/DAZ mode). The CUDA
  /// backend, which spreads a block over several threads, calls it per element.
  KAKEYA_HOST_DEVICE static constexpr std::uint8_t element_code(float x, float amax, float d) noexcept {
    if (detail::float_bits(amax) == 0 || detail::float_bits(d) == 0) return 0;
#if KAKEYA_DEVICE_CODE
    // A power-of-two scale d = 2^k (|k| <= 127: 1 / d is exact, and not subnormal for the d
    // that scale_for gives) divides exactly by multiplying with 1 / d, one division per block
    // once the compiler hoists it. Host code keeps the division (FTZ/DAZ modes of the caller).
    if constexpr (requires { ScaleFormat::powers_of_two; }) return Fp8::encode(x * (1.0f / d));
#endif
    return Fp8::encode(x / d);
  }

  /// The running step of `block_amax`: the larger of `best` and x's magnitude bits, NaN
  /// ignored. block_amax(x) = float_from_bits(fold of amax_bits over x from 0), in any order.
  KAKEYA_HOST_DEVICE static constexpr std::uint32_t amax_bits(std::uint32_t best, float x) noexcept {
    const std::uint32_t a = detail::float_bits(x) & detail::f32_abs_mask;
    return a <= detail::f32_inf_bits && a > best ? a : best;
  }

  /// Reconstructs one block: out_i = Fp8::decode(codes_i) * ScaleFormat::decode(scale).
  /// @param scale  the block's scale code
  /// @param codes  Block FP8 codes
  /// @param out    Block floats (output)
  KAKEYA_HOST_DEVICE static constexpr void dequantise(scale_storage scale,
                                                      std::span<const std::uint8_t, Block> codes,
                                                      std::span<float, Block> out) noexcept {
    const float d = ScaleFormat::decode(scale);
    for (std::size_t i = 0; i < Block; ++i) out[i] = Fp8::decode(codes[i]) * d;
  }

  /// Quantises a row of n = x.size() floats, n a multiple of Block, block by block.
  /// @param x       n input floats
  /// @param scales  n / Block scale codes (output), one per block in order
  /// @param codes   n FP8 codes (output)
  /// @throws kakeya::error (errc::invalid_dimension) when n is not a multiple of Block or an
  ///         output has the wrong length.
  static void quantise_row(std::span<const float> x, std::span<scale_storage> scales,
                           std::span<std::uint8_t> codes) {
    check_row(x.size(), scales.size(), codes.size());
    for (std::size_t b = 0; b < scales.size(); ++b)
      quantise(x.subspan(b * Block).template first<Block>(), scales[b],
               codes.subspan(b * Block).template first<Block>());
  }

  /// Reconstructs a row quantised by `quantise_row`.
  /// @param scales  n / Block scale codes
  /// @param codes   n FP8 codes
  /// @param out     n floats (output)
  /// @throws kakeya::error (errc::invalid_dimension) on inconsistent lengths, as above.
  static void dequantise_row(std::span<const scale_storage> scales,
                             std::span<const std::uint8_t> codes, std::span<float> out) {
    check_row(out.size(), scales.size(), codes.size());
    for (std::size_t b = 0; b < scales.size(); ++b)
      dequantise(scales[b], codes.subspan(b * Block).template first<Block>(),
                 out.subspan(b * Block).template first<Block>());
  }

private:
  static void check_row(std::size_t n, std::size_t n_scales, std::size_t n_codes) {
    require(n % Block == 0, errc::invalid_dimension,
            "fp8_block: row length " + std::to_string(n) + " is not a multiple of the block size " +
                std::to_string(Block));
    require(n_scales == n / Block, errc::invalid_dimension,
            "fp8_block: " + std::to_string(n_scales) + " scales given for " +
                std::to_string(n / Block) + " blocks");
    require(n_codes == n, errc::invalid_dimension,
            "fp8_block: " + std::to_string(n_codes) + " codes given for " + std::to_string(n) +
                " values");
  }
};

} // namespace kakeya
