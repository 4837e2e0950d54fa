// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file v4_cache.hpp
/// DeepSeek-V4's KV-cache format, the baseline: the 448 non-rope dims as FP8 e4m3 in 7 blocks
/// of 64, each with a one-byte ue8m0 scale 2^e (amax floored at 1e-4, e = ceil(log2(amax/448)),
/// codes = RNE(clamp(x·2^−e, ±448))), and the 64 rope dims as bf16 (RNE): 583 bytes of data
/// per token (serving engines pad it to 584). The FP8 part is the library's
/// `fp8_block<fp8_e4m3, 64, ue8m0>` (docs/components/fp8_block.md: identical to DeepSeek's
/// act_quant for amax ≥ 1e-4); the 1e-4 floor is applied here.
///
/// Byte layout of our codes: [448 FP8 codes][7 scale codes][64 bf16, little-endian] — the
/// field order of V4's serving kernels may differ; the bytes and values are the same.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "config.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/scalar/fp8_block.hpp"

namespace dsv4 {

/// Row name of the baseline in tables and JSON.
inline constexpr std::string_view v4_cache_spec = "v4-cache";
inline constexpr std::size_t v4_fp8_block = 64;
inline constexpr std::size_t v4_fp8_blocks = nope_dim / v4_fp8_block;                  // 7
inline constexpr std::size_t v4_cache_bytes = nope_dim + v4_fp8_blocks + 2 * rope_dim; // 583
inline constexpr std::size_t v4_cache_bits = 8 * v4_cache_bytes;                       // 4664
/// DeepSeek's act_quant floors the block amax here before computing the scale.
inline constexpr float v4_amax_floor = 1e-4f;

using v4_block = kakeya::fp8_block<kakeya::fp8_e4m3, v4_fp8_block, kakeya::ue8m0>;

/// One FP8 block as V4 stores it: the library's quantiser, with the scale taken from
/// max(amax, 1e-4). `x`: 64 floats; `codes`: 64 bytes.
void v4_quantise_block(std::span<const float, v4_fp8_block> x, std::uint8_t& scale,
                       std::span<std::uint8_t, v4_fp8_block> codes);

/// Encodes one 512-float vector into 583 bytes.
void v4_cache_encode(std::span<const float, head_dim> x,
                     std::span<std::uint8_t, v4_cache_bytes> out);
/// Decodes 583 bytes into 512 floats.
void v4_cache_decode(std::span<const std::uint8_t, v4_cache_bytes> in,
                     std::span<float, head_dim> out);
/// decode(encode(x)) for n vectors: `x`, `out` n·512 floats.
void v4_cache_roundtrip(std::span<const float> x, std::span<float> out);

} // namespace dsv4
