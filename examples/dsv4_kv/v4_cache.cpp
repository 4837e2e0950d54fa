// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "v4_cache.hpp"

#include <array>
#include <stdexcept>

namespace dsv4 {

void v4_quantise_block(std::span<const float, v4_fp8_block> x, std::uint8_t& scale,
                       std::span<std::uint8_t, v4_fp8_block> codes) {
  const float amax = v4_block::block_amax(x);
  if (amax >= v4_amax_floor) {
    v4_block::quantise(x, scale, codes); // identical to DeepSeek's act_quant here
    return;
  }
  // Below the floor DeepSeek uses the scale of amax = 1e-4 (2^-22); x / 2^-22 is exact and
  // below 448, so the codes are the plain RNE conversion.
  scale = v4_block::scale_for(v4_amax_floor);
  const float d = kakeya::ue8m0::decode(scale);
  for (std::size_t i = 0; i < v4_fp8_block; ++i) codes[i] = kakeya::fp8_e4m3::encode(x[i] / d);
}

void v4_cache_encode(std::span<const float, head_dim> x,
                     std::span<std::uint8_t, v4_cache_bytes> out) {
  for (std::size_t b = 0; b < v4_fp8_blocks; ++b)
    v4_quantise_block(x.subspan(b * v4_fp8_block).first<v4_fp8_block>(), out[nope_dim + b],
                      out.subspan(b * v4_fp8_block).first<v4_fp8_block>());
  std::uint8_t* rope = out.data() + nope_dim + v4_fp8_blocks;
  for (std::size_t i = 0; i < rope_dim; ++i) {
    const std::uint16_t h = kakeya::bf16::encode(x[nope_dim + i]);
    rope[2 * i] = static_cast<std::uint8_t>(h & 0xFF);
    rope[2 * i + 1] = static_cast<std::uint8_t>(h >> 8);
  }
}

void v4_cache_decode(std::span<const std::uint8_t, v4_cache_bytes> in,
                     std::span<float, head_dim> out) {
  for (std::size_t b = 0; b < v4_fp8_blocks; ++b)
    v4_block::dequantise(in[nope_dim + b], in.subspan(b * v4_fp8_block).first<v4_fp8_block>(),
                         out.subspan(b * v4_fp8_block).first<v4_fp8_block>());
  const std::uint8_t* rope = in.data() + nope_dim + v4_fp8_blocks;
  for (std::size_t i = 0; i < rope_dim; ++i)
    out[nope_dim + i] =
        kakeya::bf16::decode(static_cast<std::uint16_t>(rope[2 * i] | (rope[2 * i + 1] << 8)));
}

void v4_cache_roundtrip(std::span<const float> x, std::span<float> out) {
  if (x.size() % head_dim != 0 || out.size() != x.size())
    throw std::invalid_argument("v4_cache_roundtrip: sizes must be equal multiples of 512");
  std::array<std::uint8_t, v4_cache_bytes> code{};
  for (std::size_t r = 0; r < x.size() / head_dim; ++r) {
    v4_cache_encode(x.subspan(r * head_dim).first<head_dim>(), code);
    v4_cache_decode(code, out.subspan(r * head_dim).first<head_dim>());
  }
}

} // namespace dsv4
