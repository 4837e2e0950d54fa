// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file codec.hpp
/// A codec is a type: a dimension D, a block quantiser and a list of stages (rotations and gain
/// stages), composed at compile time.
///
/// encode(x):  v = x; for each stage in order: a rotation applies forward(v), a gain stage
///             divides v by its gain g_k; G = g_1 · g_2 · … (float products, in order);
///             with a gain refinement (refine_gain.hpp), v <- v / c_q and G <- G · c_s;
///             the code is [G, if the codec has gain stages][block 0]…[block D/B − 1], G in
///             fp32 or in the format a gain_as<F> marker names.
/// decode:     read G; decode every block into v; apply the rotations' inverses in reverse
///             order; v_i <- v_i · G.
/// The gains are scalars, so they commute with the rotations and only their product needs to
/// be stored: KakeyaLattice's pair (‖x‖, qmax) is stored as one exact fp32 product.
/// Codes are bytes_per_vector() = ceil(bits_per_vector() / 8) bytes, bits packed least
/// significant first (docs/code_layout.md); unused bits of the last byte are zero.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>

#include "kakeya/config.hpp"
#include "kakeya/core/bits.hpp"
#include "kakeya/core/concepts.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/core/reduce.hpp"

namespace kakeya {

namespace detail {
template <class S, std::size_t D>
inline constexpr bool is_gain_stage = GainStage<S, D> && !Rotation<S>;

template <class... S>
struct gain_format_of {
  using type = fp32;
};
template <class S, class... Rest>
  requires GainFormatMarker<S>
struct gain_format_of<S, Rest...> {
  using type = typename S::format;
};
template <class S, class... Rest>
  requires(!GainFormatMarker<S>)
struct gain_format_of<S, Rest...> : gain_format_of<Rest...> {};
} // namespace detail

/// The two factors a gain refinement settles on: the vector is quantised as v / quantise_at,
/// and the stored gain is multiplied by store.
struct refined_gain {
  float quantise_at = 1.0f;
  float store = 1.0f;
};

/// A codec of D-dimensional vectors (models `Codec`).
/// @tparam D      the vector dimension; a multiple of Q::block
/// @tparam Q      the block quantiser (BlockQuantiser), applied to D / Q::block blocks
/// @tparam Stages rotations (with dim D) and gain stages, applied in order before Q
template <std::size_t D, BlockQuantiser Q, CodecStage<D>... Stages>
  requires(D % Q::block == 0)
class codec {
public:
  static constexpr std::size_t dim = D;
  static constexpr std::size_t blocks = D / Q::block;
  /// Whether the code starts with the 32-bit gain field.
  static constexpr bool has_gain = (detail::is_gain_stage<Stages, D> || ...);
  /// Whether the stages include a gain refinement (it needs a gain stage before it).
  static constexpr bool has_refinement = (GainRefinement<Stages> || ...);
  static_assert(!has_refinement || has_gain, "a gain refinement needs a gain stage");
  /// The number format of the gain field: fp32 unless a gain_as<F> marker says otherwise.
  using gain_format = typename detail::gain_format_of<Stages...>::type;
  static_assert((GainFormatMarker<Stages> + ... + 0) <= 1, "at most one gain_as<> marker");
  static constexpr std::size_t gain_bits = has_gain ? static_cast<std::size_t>(gain_format::bits) : 0;
  /// An upper bound of bytes_per_vector() over every run-time parameter.
  static constexpr std::size_t max_bytes_per_vector = bytes_for_bits(gain_bits + blocks * Q::max_bits);

  using quantiser_type = Q;

  constexpr codec() = default;
  constexpr explicit codec(Q q, Stages... stages) : q_(q), stages_(stages...) {}

  [[nodiscard]] KAKEYA_HOST_DEVICE constexpr const Q& quantiser() const noexcept { return q_; }
  [[nodiscard]] KAKEYA_HOST_DEVICE constexpr const std::tuple<Stages...>& stages() const noexcept {
    return stages_;
  }
  /// Bits of one code: the gain field plus every block's bits.
  [[nodiscard]] KAKEYA_HOST_DEVICE constexpr std::size_t bits_per_vector() const noexcept {
    return gain_bits + blocks * q_.bits();
  }
  /// Bytes of one code, ceil(bits_per_vector() / 8).
  [[nodiscard]] KAKEYA_HOST_DEVICE constexpr std::size_t bytes_per_vector() const noexcept {
    return bytes_for_bits(bits_per_vector());
  }

  /// Encodes one vector. `x`: D finite floats; `code`: bytes_per_vector() bytes (overwritten).
  KAKEYA_HOST_DEVICE void encode(std::span<const float, D> x, std::uint8_t* code) const noexcept {
    float v[D];
    for (std::size_t i = 0; i < D; ++i) v[i] = x[i];
    float gain = forward(std::span<float, D>(v));
    if constexpr (has_refinement) {
      const refined_gain r = refine(std::span<const float, D>(v));
      for (std::size_t i = 0; i < D; ++i) v[i] = v[i] / r.quantise_at;
      gain = gain * r.store;
    }
    for (std::size_t i = 0, n = bytes_per_vector(); i < n; ++i) code[i] = 0;
    bit_writer w(code);
    if constexpr (has_gain) w.put(static_cast<std::uint64_t>(gain_format::encode(gain)), gain_format::bits);
    for (std::size_t b = 0; b < blocks; ++b)
      q_.encode(std::span<const float, Q::block>(v + b * Q::block, Q::block), w);
  }

  /// Decodes one code. `code`: bytes_per_vector() bytes; `out`: D floats. Any bytes decode
  /// without undefined behaviour (see docs/code_layout.md for what garbage decodes to).
  KAKEYA_HOST_DEVICE void decode(const std::uint8_t* code, std::span<float, D> out) const noexcept {
    bit_reader r(code);
    float gain = 1.0f;
    if constexpr (has_gain)
      gain = gain_format::decode(static_cast<typename gain_format::storage>(r.get(gain_format::bits)));
    for (std::size_t b = 0; b < blocks; ++b)
      q_.decode(r, std::span<float, Q::block>(out.data() + b * Q::block, Q::block));
    inverse<sizeof...(Stages)>(out);
    if constexpr (has_gain)
      for (std::size_t i = 0; i < D; ++i) out[i] = out[i] * gain;
  }

  /// decode(encode(x)), bit for bit. `x`, `out`: D floats.
  KAKEYA_HOST_DEVICE void roundtrip(std::span<const float, D> x, std::span<float, D> out) const noexcept {
    std::uint8_t code[max_bytes_per_vector];
    encode(x, code);
    decode(code, out);
  }

  /// The gain refinement of the normalised vector `v` (D floats): see refine_gain.hpp.
  KAKEYA_HOST_DEVICE refined_gain refine(std::span<const float, D> v) const noexcept {
    refined_gain g;
    const int passes = refinement_passes();
    float w[D], r[D];
    for (int pass = 0; pass < passes; ++pass) {
      const float c = g.store;
      for (std::size_t i = 0; i < D; ++i) w[i] = v[i] / c;
      for (std::size_t b = 0; b < blocks; ++b)
        q_.reconstruct(std::span<const float, Q::block>(w + b * Q::block, Q::block),
                       std::span<float, Q::block>(r + b * Q::block, Q::block));
      const float num = detail::tree_sum(D, [&](std::size_t i) { return v[i] * r[i]; });
      const float den = detail::tree_sum(D, [&](std::size_t i) { return r[i] * r[i]; });
      if (!(num > 0.0f && den > 0.0f)) break;
      const float next = num / den;
      if (!(next > 0.0f && next < 3.0e38f)) break;
      g.quantise_at = c;
      g.store = next;
    }
    return g;
  }

  /// The passes of the gain refinement stage (0 without one).
  [[nodiscard]] KAKEYA_HOST_DEVICE int refinement_passes() const noexcept {
    int p = 0;
    std::apply(
        [&](const auto&... s) {
          (
              [&](const auto& stage) {
                if constexpr (GainRefinement<std::remove_cvref_t<decltype(stage)>>) p = stage.passes();
              }(s),
              ...);
        },
        stages_);
    return p;
  }

private:
  // Applies every stage in order; returns the product of the gains (1 without gain stages).
  KAKEYA_HOST_DEVICE float forward(std::span<float, D> v) const noexcept {
    float gain = 1.0f;
    std::apply(
        [&](const auto&... s) {
          (
              [&](const auto& stage) {
                using S = std::remove_cvref_t<decltype(stage)>;
                if constexpr (Rotation<S>)
                  stage.forward(v);
                else if constexpr (!GainRefinement<S> && !GainFormatMarker<S>)
                  gain = gain * stage.normalise(v);
              }(s),
              ...);
        },
        stages_);
    return gain;
  }
  // Applies the inverses of the rotations among the first K stages, last first.
  template <std::size_t K>
  KAKEYA_HOST_DEVICE void inverse(std::span<float, D> v) const noexcept {
    if constexpr (K > 0) {
      using S = std::tuple_element_t<K - 1, std::tuple<Stages...>>;
      if constexpr (Rotation<S>) std::get<K - 1>(stages_).inverse(v);
      inverse<K - 1>(v);
    }
  }

  Q q_{};
  std::tuple<Stages...> stages_{};
};

} // namespace kakeya
