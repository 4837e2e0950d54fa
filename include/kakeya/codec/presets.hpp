// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file presets.hpp
/// The preset codecs: nothing but aliases of `codec<...>` and small factories.
///
/// | spec            | type                              | bits per vector                      |
/// |-----------------|-----------------------------------|--------------------------------------|
/// | `d4:q=Q[,passes=P]` | kakeya_d4<D>                      | 32 + (D/4) · ceil(log2 |D4 ∩ [-q,q]^4|) |
/// | `e8:q=Q`        | kakeya_e8<D>                      | 32 + (D/8) · ceil(log2 |E8 ∩ [-q,q]^8|) |
/// | `z:q=Q`         | kakeya_z<D>                       | 32 + (D/8) · ceil(8 log2(2q+1))      |
/// | `fp8:block=B`   | fp8_codec<D, e4m3, B, fp16>       | D · 8 + (D/B) · scale bits           |
/// | `lloyd-max:bits=B` | lloyd_max_codec<D>             | 32 + D · B                           |
/// | `e8v:rate=R`    | voronoi_e8<D>                     | 11 + (D/8S) · (P + 8S · R), S = min(64, D/8), P = profile bits (25 at S = 16, 107 at S = 64) |
/// | `d4v:rate=R`    | voronoi_d4<D>                     | same as e8v                          |
/// | `e8b:rate=R`    | ball_e8<D>                        | 13 + (D/8K) · round(8K · R), K = min(D, 512)/8 |
///
/// The KakeyaLattice codecs are pow2_scale → Hadamard → absmax → refine_gain → box-truncated
/// lattice: the study's unit-norm factorisation and per-vector qmax, with the two scalars
/// stored as one fp32 product (docs/components/codecs.md says why that equals ‖x‖ · qmax),
/// and that product refined by least squares (2 passes by default; spec key `passes`).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

#include "kakeya/codec/ball_block.hpp"
#include "kakeya/codec/blocks.hpp"
#include "kakeya/codec/codec.hpp"
#include "kakeya/codec/voronoi_block.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/lattice/truncated.hpp"
#include "kakeya/lattice/zn.hpp"
#include "kakeya/scalar/fp8_block.hpp"
#include "kakeya/scalar/lloyd_max.hpp"
#include "kakeya/scale/absmax.hpp"
#include "kakeya/scale/pow2_scale.hpp"
#include "kakeya/scale/gain_format.hpp"
#include "kakeya/scale/refine_gain.hpp"
#include "kakeya/scale/rms_scale.hpp"
#include "kakeya/scale/unit_norm.hpp"
#include "kakeya/transform/hadamard.hpp"

namespace kakeya {

/// The KakeyaLattice codec over lattice L: pow2_scale, Hadamard, absmax, L ∩ [-q, q]^n blocks.
/// @tparam D dimension (power of two, multiple of L::dim)
/// @tparam L a TruncatableLattice
/// @tparam Q the box half-width, or dynamic_q for a run-time q (pass `truncated<L>(q)`)
template <std::size_t D, TruncatableLattice L, int Q = dynamic_q>
using kakeya_lattice_codec =
    codec<D, lattice_block<truncated<L, Q>>, pow2_scale, hadamard<D>, absmax, refine_gain>;

/// `d4:q=Q` — KakeyaLattice with D4 blocks.
template <std::size_t D, int Q = dynamic_q> using kakeya_d4 = kakeya_lattice_codec<D, d4, Q>;
/// `e8:q=Q` — KakeyaLattice with E8 blocks.
template <std::size_t D, int Q = dynamic_q> using kakeya_e8 = kakeya_lattice_codec<D, e8, Q>;
/// `z:q=Q` — the cube-lattice ablation: per-coordinate rounding, indices packed per 8 values.
template <std::size_t D, int Q = dynamic_q> using kakeya_z = kakeya_lattice_codec<D, z8, Q>;

/// A KakeyaLattice codec with its q given at run time, e.g. make_kakeya<512, e8>(38).
/// @throws kakeya::error (errc::invalid_argument) for q outside [1, L::max_box_q]
/// @param passes gain-refinement passes (refine_gain.hpp), 0 to 8; 0 is the study's plain
/// absmax scaling
template <std::size_t D, TruncatableLattice L>
kakeya_lattice_codec<D, L> make_kakeya(int q, int passes = 2) {
  require(passes >= 0 && passes <= 8, errc::invalid_argument,
          "gain refinement passes must be in 0..8, got " + std::to_string(passes));
  return kakeya_lattice_codec<D, L>(lattice_block<truncated<L>>(truncated<L>(q)), pow2_scale{},
                                    hadamard<D>{}, absmax{}, refine_gain{passes});
}

/// `fp8:block=B[,scale=S][,format=F]` — FP8 per coordinate, one scale per block, no rotation.
template <std::size_t D, class Fp8 = fp8_e4m3, std::size_t Block = 64, class Scale = fp16>
using fp8_codec = codec<D, fp8_blocks<fp8_block<Fp8, Block, Scale>>>;

/// `lloyd-max:bits=B` — unit norm, Hadamard, the Gaussian Lloyd–Max table for N(0, 1/D).
template <std::size_t D>
using lloyd_max_codec = codec<D, scalar_block<lloyd_max>, unit_norm, hadamard<D>>;

/// The lloyd-max preset with B bits per coordinate (1..8).
/// @throws kakeya::error (errc::invalid_argument) for bits outside [1, 8]
template <std::size_t D>
lloyd_max_codec<D> make_lloyd_max(int bits) {
  const float sigma = 1.0f / std::sqrt(static_cast<float>(D));
  return lloyd_max_codec<D>(scalar_block<lloyd_max>{lloyd_max::gaussian(bits, sigma)}, unit_norm{},
                            hadamard<D>{});
}

/// The gain format of the Voronoi presets: fp32's exponent and 3 mantissa bits (11 bits).
using voronoi_gain = ue8m<3>;

/// Scale blocks per code block of a Voronoi preset: the profile of all the vector's scale
/// blocks (up to 64: 512 values) is coded jointly, so that the code block's mean square is
/// the one rms_scale fixed.
template <std::size_t D, std::size_t ScaleBlock>
inline constexpr std::size_t voronoi_scales = D / ScaleBlock < 64 ? D / ScaleBlock : 64;

/// The Voronoi (nested-lattice) codec: pow2_scale, Hadamard, rms_scale, code blocks of a
/// Voronoi code with a per-scale-block scale choice and a jointly coded, budgeted scale
/// profile (docs/components/voronoi.md).
/// @tparam D dimension (power of two, multiple of 8)
/// @tparam L a VoronoiLattice; @tparam Group lattice blocks per scale choice;
/// @tparam Scales scale blocks per code block
template <std::size_t D, VoronoiLattice L, std::size_t Group,
          std::size_t Scales = voronoi_scales<D, Group * L::dim>>
using voronoi_codec = codec<D, voronoi_block<L, Group, Scales>, pow2_scale, hadamard<D>,
                            rms_scale<voronoi_gain>, gain_as<voronoi_gain>>;
/// `e8v:rate=R` — one E8 block (8 values) per scale choice.
template <std::size_t D> using voronoi_e8 = voronoi_codec<D, e8, 1>;
/// `d4v:rate=R` — two D4 blocks (8 values) per scale choice.
template <std::size_t D> using voronoi_d4 = voronoi_codec<D, d4, 2>;

/// The default scale tables of the Voronoi presets (8 scales, geometric, ratio 1.21: e8v
/// 3.4 · 1.21^j, d4v 3.0 · 1.21^j), in units of the unit-mean-square input: the code covers
/// β · V(Λ). Chosen by sweeps on iid Gaussian data at rates 2–5, checked on Laplace data and
/// a second seed (docs/components/voronoi.md, "Defaults").
inline constexpr float voronoi_e8_default_betas[8] = {3.4000f, 4.1140f, 4.9779f, 6.0233f, 7.2882f, 8.8187f, 10.6707f, 12.9115f};
inline constexpr float voronoi_d4_default_betas[8] = {3.0000f, 3.6300f, 4.3923f, 5.3147f, 6.4308f, 7.7812f, 9.4153f, 11.3925f};
/// The default budget of the Voronoi presets: Σ j <= 12 per 16 scale blocks, i.e.
/// round(12 · S / 16) for S scale blocks per code block (48 at S = 64). Only with the default table;
/// a user table without a budget allows every profile.
inline constexpr int voronoi_default_budget_16 = 12;
/// The largest non-power-of-two q of the `q=Q` key (docs/components/voronoi.md, "Exactness").
inline constexpr int voronoi_max_odd_q = 64;

/// A Voronoi preset with nesting ratio q, e.g. make_voronoi_q<512, e8, 1>(36).
/// @throws kakeya::error (errc::invalid_argument) for q outside 2..64 that is not 2^R with
///         R in 1..8, or a bad table or budget
/// @param betas the scale table (empty: the preset's default); dither_seed 0: no dither;
/// budget the largest Σ j over a code block's scale indices (< 0: the preset's default with
/// the default table, every profile with a user table); look_ahead see voronoi_block
template <std::size_t D, VoronoiLattice L, std::size_t Group,
          std::size_t Scales = voronoi_scales<D, Group * L::dim>>
voronoi_codec<D, L, Group, Scales> make_voronoi_q(int q, std::span<const float> betas = {},
                                                  std::uint64_t dither_seed = 0, int budget = -1,
                                                  bool look_ahead = false) {
  const bool pow2 = q >= 2 && q <= 256 && (q & (q - 1)) == 0;
  require(pow2 || (q >= 2 && q <= voronoi_max_odd_q), errc::invalid_argument,
          "Voronoi q must be 2^R (R in 1..8) or in 2.." + std::to_string(voronoi_max_odd_q) + ", got " +
              std::to_string(q));
  if (betas.empty()) {
    if constexpr (std::is_same_v<L, e8>)
      betas = std::span<const float>(voronoi_e8_default_betas);
    else
      betas = std::span<const float>(voronoi_d4_default_betas);
    if (budget < 0)
      budget = static_cast<int>((voronoi_default_budget_16 * Scales + 8) / 16);
  }
  using block = voronoi_block<L, Group, Scales>;
  return voronoi_codec<D, L, Group, Scales>(block(q, betas, dither_seed, budget < 0 ? block::unconstrained : budget, look_ahead),
                                            pow2_scale{}, hadamard<D>{}, rms_scale<voronoi_gain>{},
                                            gain_as<voronoi_gain>{});
}

/// A Voronoi preset with q = 2^rate, e.g. make_voronoi<512, e8, 1>(4).
/// @throws kakeya::error (errc::invalid_argument) for rate outside [1, 8] or a bad table
template <std::size_t D, VoronoiLattice L, std::size_t Group,
          std::size_t Scales = voronoi_scales<D, Group * L::dim>>
voronoi_codec<D, L, Group, Scales> make_voronoi(int rate, std::span<const float> betas = {},
                                                std::uint64_t dither_seed = 0, int budget = -1,
                                                bool look_ahead = false) {
  require(rate >= 1 && rate <= 8, errc::invalid_argument,
          "Voronoi rate must be in 1..8 bits per dimension, got " + std::to_string(rate));
  return make_voronoi_q<D, L, Group, Scales>(1 << rate, betas, dither_seed, budget, look_ahead);
}

/// The gain format of the ball presets: fp32's exponent and 5 mantissa bits (13 bits). With the
/// ball's fixed radius the gain's rounding moves the code block off the ball's surface, so it
/// needs a finer step than the Voronoi presets' (docs/components/ball.md, "Defaults").
using ball_gain = ue8m<5>;
/// Lattice blocks per ball of the ball presets: the whole vector up to D = 512 (K = 64).
template <std::size_t D, std::size_t BlockDim>
inline constexpr std::size_t ball_blocks = (D < 512 ? D : 512) / BlockDim;
/// The lattice ball codec: pow2_scale, Hadamard, rms_scale, then the ball code of K lattice
/// blocks (docs/components/ball.md).
template <std::size_t D, BallLattice L, std::size_t K = ball_blocks<D, L::dim>>
using ball_codec = codec<D, ball_block<L, K>, pow2_scale, hadamard<D>, rms_scale<ball_gain>, gain_as<ball_gain>>;
/// `e8b:rate=R` — E8 blocks in a ball of up to 512 values.
template <std::size_t D> using ball_e8 = ball_codec<D, e8>;
/// The largest rate of the ball presets (bits per dimension of the index).
inline constexpr double ball_max_rate = 6.0;

/// A ball preset with `rate` bits per dimension for the index (any real in [1, 6]: the ball's
/// index takes round(rate · values) bits), e.g. make_ball<512, e8>(5.5).
/// @throws kakeya::error (errc::invalid_argument) for rate outside [1, 6] or radius outside [0.5, 2]
template <std::size_t D, BallLattice L, std::size_t K = ball_blocks<D, L::dim>>
ball_codec<D, L, K> make_ball(double rate, double radius = ball_block<L, K>::default_radius) {
  require(rate >= 1.0 && rate <= ball_max_rate, errc::invalid_argument,
          "ball code rate must be in 1..6 bits per dimension, got " + std::to_string(rate));
  const auto bits = static_cast<std::size_t>(std::llround(rate * static_cast<double>(K * L::dim)));
  return ball_codec<D, L, K>(ball_block<L, K>(bits, radius), pow2_scale{}, hadamard<D>{},
                             rms_scale<ball_gain>{}, gain_as<ball_gain>{});
}

} // namespace kakeya
