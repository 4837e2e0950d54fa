// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Lane groups: G lanes of a warp (G a power of two, 1..32) hold one D-vector in registers,
// lane g the E = D / G consecutive elements [g E, (g + 1) E). The codec's stages run on that
// layout with the library's arithmetic order, so the results are the scalar backend's bits:
//  - Hadamard (hadamard.hpp): butterfly stages h = 1, 2, …, D/2 in order; h < E inside a lane,
//    h >= E between lanes g and g ^ (h / E) through a shuffle (the lower lane computes
//    own + other, the upper other − own: the same a + b, a − b); then the multiply by s_D.
//  - sums (reduce.hpp): chunks of 8 left to right inside a lane, the stride-doubling tree over
//    the lane's chunks, then over the lanes (E is a multiple of 8, so chunks never straddle
//    lanes; float addition is commutative, so both partners of a shuffle get the same sum).
//  - maxima: exact in any order.
//  - gain stages: pow2_scale, absmax, unit_norm, rms_scale (the sums and maxima above).
//  - block quantisers: blocks of at most E elements stay inside one lane and run the block
//    quantiser's own encode/decode; FP8 blocks wider than E (fp8_blocks) find their amax by
//    shuffles and run fp8_block's per-element step; Voronoi code blocks (voronoi_block) run
//    its per-scale-block steps on each lane and choose the budget's moves over the lanes
//    (voronoi_group.cuh); ball codes (ball_block_ref) over the lanes of a ball (ball_group.cuh).
// Stages of other types (a user's own gain stage, say) have no lane-group form: codecs using
// them run the thread-per-vector kernel instead (codec_kernels.cuh chooses).

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>

#include "kakeya/codec/blocks.hpp"
#include "kakeya/codec/codec.hpp"
#include "kakeya/core/bits.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/scale/absmax.hpp"
#include "kakeya/scale/gain.hpp"
#include "kakeya/scale/gain_format.hpp"
#include "kakeya/scale/pow2_scale.hpp"
#include "kakeya/scale/refine_gain.hpp"
#include "kakeya/scale/rms_scale.hpp"
#include "kakeya/scale/unit_norm.hpp"
#include "kakeya/transform/hadamard.hpp"
#include "kakeya/transform/sign_flip.hpp"
#include "ball_group.cuh"
#include "group_bits.cuh"
#include "voronoi_group.cuh"

namespace kakeya::detail::group {

/// Lanes per vector: 16 elements per lane up to D = 512 (D / 16 lanes), 32 lanes beyond.
template <std::size_t D>
inline constexpr unsigned lanes_for = D >= 512 ? 32u : D >= 16 ? static_cast<unsigned>(D / 16) : 1u;
/// Lanes per vector for ball codes: 8 elements (one E8 block) per lane up to D = 256, 32 lanes
/// beyond; fewer vectors per warp wait for each other's overload searches, and each lane's
/// code holds one closest point.
template <std::size_t D>
inline constexpr unsigned ball_lanes_for = D >= 256 ? 32u : D >= 8 ? static_cast<unsigned>(D / 8) : 1u;

template <class S> struct is_hadamard : std::false_type {};
template <std::size_t D> struct is_hadamard<hadamard<D>> : std::true_type {};
template <class S> struct is_randomized : std::false_type {};
template <std::size_t D> struct is_randomized<randomized_hadamard<D>> : std::true_type {};
template <class Q> struct is_fp8_blocks : std::false_type {};
template <class B> struct is_fp8_blocks<fp8_blocks<B>> : std::true_type {};
/// Whether the refinement keeps its closest points for the encoder (refine): worth it where
/// the search is dear. Measured on an H100, D = 128, 2^20 vectors: e8 encode 2.87 -> 2.51 ms;
/// z8 (a rounding) 1.31 -> 1.51 ms and d4 1.70 -> 1.77 ms got slower from the extra registers.
template <class S> struct is_rms : std::false_type {};
template <class F> struct is_rms<rms_scale<F>> : std::true_type {};
template <class Q> struct reuses_points : std::false_type {};
template <class T>
struct reuses_points<lattice_block<T>> : std::bool_constant<std::is_same_v<typename T::lattice, e8>> {};

/// Whether stage S has a lane-group form.
template <class S>
inline constexpr bool stage_ok = is_hadamard<S>::value || is_randomized<S>::value ||
                                 std::is_same_v<S, pow2_scale> || std::is_same_v<S, absmax> ||
                                 std::is_same_v<S, unit_norm> || is_rms<S>::value || GainRefinement<S> ||
                                 GainFormatMarker<S>;

template <class C> struct codec_traits;
template <std::size_t D, class Q, class... S>
struct codec_traits<codec<D, Q, S...>> {
  // Ball codes: one lattice block (8 values) per lane up to 32 lanes (ball_lanes_for).
  static constexpr unsigned G = is_ball<Q>::value ? ball_lanes_for<D> : lanes_for<D>;
  static constexpr std::size_t E = D / G;
  // Blocks inside a lane, FP8 blocks spanning whole lanes of one group, or Voronoi code
  // blocks laid out as voronoi_group.cuh needs.
  static constexpr bool blocks_ok = is_voronoi<Q>::value ? voronoi_fits<Q, E, G>()
                                    : is_ball<Q>::value  ? ball_fits<Q, E, G>()
                                                         : E % Q::block == 0 || (is_fp8_blocks<Q>::value && Q::block % E == 0 &&
                                                                                 Q::block / E <= G);
  static constexpr bool ok = (stage_ok<S> && ...) && E % 8 == 0 && E <= 32 && blocks_ok;
};

/// Whether codec C runs on lane groups (otherwise: one thread per vector).
template <class C>
inline constexpr bool supported = codec_traits<C>::ok;

/// Position of element i in a padded shared-memory array: one pad float after every 32, so that
/// lanes holding E consecutive elements (E = 16 or 32) hit 32 different banks, and so do
/// consecutive lanes reading consecutive elements.
__host__ __device__ constexpr std::size_t pad32(std::size_t i) { return i + (i >> 5); }

// ---- reductions over the G lanes of a group -------------------------------------------------

template <unsigned G>
__device__ inline float max_over(float m) {
#pragma unroll
  for (unsigned s = 1; s < G; s *= 2) {
    const float o = __shfl_xor_sync(group_mask<G>(), m, s);
    m = o > m ? o : m;
  }
  return m;
}

template <unsigned G, unsigned Span = G>
__device__ inline std::uint32_t umax_over(std::uint32_t m) {
#pragma unroll
  for (unsigned s = 1; s < Span; s *= 2) {
    const std::uint32_t o = __shfl_xor_sync(group_mask<G>(), m, s);
    m = o > m ? o : m;
  }
  return m;
}

/// max |v_i| over the vector (exact: maxima do not depend on the order).
template <unsigned G, std::size_t E>
__device__ inline float max_abs(const float (&v)[E]) {
  return max_over<G>(detail::max_abs(v, E));
}

/// tree_sum (reduce.hpp) of term(k) over the vector, k the lane's element index 0..E-1.
template <unsigned G, std::size_t E, class Term>
__device__ inline float tree_sum(unsigned g, Term term) {
  static_assert(E % 8 == 0, "chunks of 8 must not straddle lanes");
  constexpr std::size_t C = E / 8;
  float c[C];
#pragma unroll
  for (std::size_t j = 0; j < C; ++j) {
    c[j] = term(8 * j);
#pragma unroll
    for (std::size_t i = 1; i < 8; ++i) c[j] = c[j] + term(8 * j + i);
  }
#pragma unroll
  for (std::size_t k = 1; k < C; k *= 2)
#pragma unroll
    for (std::size_t j = 0; j + k < C; j += 2 * k) c[j] = c[j] + c[j + k];
  float s = c[0];
#pragma unroll
  for (unsigned m = 1; m < G; m *= 2) {
    const float o = __shfl_xor_sync(group_mask<G>(), s, m);
    s = (g & m) ? o + s : s + o; // left + right on both partners
  }
  return s;
}

// ---- stages ----------------------------------------------------------------------------------

/// The orthonormal FWHT of hadamard.hpp on the group's vector.
template <unsigned G, std::size_t E>
__device__ inline void fwht(float (&v)[E], unsigned g) {
  constexpr std::size_t D = E * G;
#pragma unroll
  for (std::size_t h = 1; h < E; h *= 2)
#pragma unroll
    for (std::size_t k = 0; k < E; ++k)
      if ((k & h) == 0) {
        const float a = v[k], b = v[k + h];
        v[k] = a + b;
        v[k + h] = a - b;
      }
#pragma unroll
  for (std::size_t h = E; h < D; h *= 2) {
    const unsigned m = static_cast<unsigned>(h / E);
    const bool upper = (g & m) != 0;
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) {
      const float o = __shfl_xor_sync(group_mask<G>(), v[k], m);
      v[k] = upper ? o - v[k] : v[k] + o;
    }
  }
  const float s = inv_sqrt_pow2(log2_pow2(D));
#pragma unroll
  for (std::size_t k = 0; k < E; ++k) v[k] = v[k] * s;
}

template <std::size_t E>
__device__ inline void flip(float (&v)[E], unsigned g, std::uint64_t seed) {
#pragma unroll
  for (std::size_t k = 0; k < E; ++k) v[k] = xor_sign_bit(v[k], sign_mask(seed, g * E + k));
}

template <std::size_t E>
__device__ inline void divide(float (&v)[E], float d) {
#pragma unroll
  for (std::size_t k = 0; k < E; ++k) v[k] = v[k] / d;
}

/// v / p for p a power of two (pow2_floor's result): the product with 1/p when 1/p is a float
/// (p >= 2^-126; 1/p is then exact), which rounds the same real value v · 2^-k as the IEEE
/// division does, so the results are the division's bits; the division itself otherwise.
template <std::size_t E>
__device__ inline void divide_pow2(float (&v)[E], float p) {
  if (p >= 0x1p-126f) {
    const float r = 1.0f / p; // exact
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) v[k] = v[k] * r;
  } else {
    divide(v, p);
  }
}

/// A rotation's forward or inverse.
template <unsigned G, std::size_t E, class S>
__device__ inline void rotate(const S& s, float (&v)[E], unsigned g, bool inverse) {
  if constexpr (is_hadamard<S>::value) {
    fwht<G>(v, g);
  } else {
    static_assert(is_randomized<S>::value);
    if (!inverse) flip(v, g, s.seed);
    fwht<G>(v, g);
    if (inverse) flip(v, g, s.seed);
  }
}

/// A gain stage's normalise (pow2_scale.hpp, absmax.hpp, unit_norm.hpp, rms_scale.hpp): same
/// operations.
template <unsigned G, std::size_t E, class S>
__device__ inline float normalise(const S&, float (&v)[E], unsigned g) {
  const float m = max_abs<G>(v);
  if constexpr (std::is_same_v<S, absmax>) {
    if (m == 0.0f) return 0.0f;
    divide(v, m);
    return m;
  } else {
    const float p = pow2_floor(m);
    if (p == 0.0f) return 0.0f;
    divide_pow2(v, p);
    if constexpr (std::is_same_v<S, pow2_scale>) {
      return p;
    } else if constexpr (is_rms<S>::value) {
      using F = typename S::format;
      const float sq = tree_sum<G, E>(g, [&](std::size_t k) { return v[k] * v[k]; });
      const float r = sqrtf(sq / static_cast<float>(E * G));
      const float gf = F::decode(F::encode(r));
      divide(v, gf);
      return gf * p;
    } else {
      static_assert(std::is_same_v<S, unit_norm>);
      const float sq = tree_sum<G, E>(g, [&](std::size_t k) { return v[k] * v[k]; });
      const float r = sqrtf(sq);
      divide(v, r);
      return r * p;
    }
  }
}

/// Every stage in order (codec::forward): rotations forward, gain stages multiplied.
template <unsigned G, std::size_t E, class Tuple>
__device__ inline float forward(const Tuple& stages, float (&v)[E], unsigned g) {
  float gain = 1.0f;
  std::apply(
      [&](const auto&... s) {
        (
            [&](const auto& stage) {
              using S = std::remove_cvref_t<decltype(stage)>;
              if constexpr (is_hadamard<S>::value || is_randomized<S>::value)
                rotate<G>(stage, v, g, false);
              else if constexpr (!GainRefinement<S> && !GainFormatMarker<S>)
                gain = gain * normalise<G>(stage, v, g);
            }(s),
            ...);
      },
      stages);
  return gain;
}

/// The rotations' inverses, last first (codec::inverse).
template <std::size_t K, unsigned G, std::size_t E, class Tuple>
__device__ inline void inverse(const Tuple& stages, float (&v)[E], unsigned g) {
  if constexpr (K > 0) {
    using S = std::tuple_element_t<K - 1, Tuple>;
    if constexpr (is_hadamard<S>::value || is_randomized<S>::value)
      rotate<G>(std::get<K - 1>(stages), v, g, true);
    inverse<K - 1, G>(stages, v, g);
  }
}

/// The gain refinement (codec::refine), with the group's sums. For E8 blocks it also
/// keeps the codebook points of the last accepted pass in `points` (and sets `have_points`):
/// they are the points the encoder would find again for v / quantise_at, the same closest
/// point of the same floats, so write_blocks indexes them instead of searching a third time.
template <unsigned G, std::size_t E, class Q>
__device__ inline refined_gain refine(const Q& q, int passes, const float (&v)[E], unsigned g,
                                      float (&points)[E], bool& have_points) {
  refined_gain out;
  have_points = false;
  float w[E], r[E];
  for (int pass = 0; pass < passes; ++pass) {
    const float c = out.store;
    // v / 1 is v for every float: the first pass (c = 1) skips its divisions.
    if (c == 1.0f) {
#pragma unroll
      for (std::size_t k = 0; k < E; ++k) w[k] = v[k];
    } else {
#pragma unroll
      for (std::size_t k = 0; k < E; ++k) w[k] = v[k] / c;
    }
    if constexpr (reuses_points<Q>::value) {
      // lattice_block::reconstruct, keeping the point: z = x q, p = closest point, y = p / q
      const auto& t = q.codebook_ref();
      const auto fq = static_cast<float>(t.q());
#pragma unroll
      for (std::size_t k = 0; k < E; ++k) w[k] = w[k] * fq;
#pragma unroll
      for (std::size_t b = 0; b < E; b += Q::block)
        t.closest_point(std::span<const float, Q::block>(w + b, Q::block), std::span<float, Q::block>(w + b, Q::block));
#pragma unroll
      for (std::size_t k = 0; k < E; ++k) r[k] = w[k] / fq;
    } else {
#pragma unroll
      for (std::size_t b = 0; b < E; b += Q::block)
        q.reconstruct(std::span<const float, Q::block>(w + b, Q::block), std::span<float, Q::block>(r + b, Q::block));
    }
    const float num = tree_sum<G, E>(g, [&](std::size_t k) { return v[k] * r[k]; });
    const float den = tree_sum<G, E>(g, [&](std::size_t k) { return r[k] * r[k]; });
    if (!(num > 0.0f && den > 0.0f)) break;
    const float next = num / den;
    if (!(next > 0.0f && next < 3.0e38f)) break;
    out.quantise_at = c;
    out.store = next;
    if constexpr (reuses_points<Q>::value) {
#pragma unroll
      for (std::size_t k = 0; k < E; ++k) points[k] = w[k];
      have_points = true;
    }
  }
  return out;
}

/// Encodes the group's normalised vector: lane g's blocks (or its part of FP8 blocks or
/// Voronoi code blocks) into the code that starts at bit `base` of the shared region `words`.
/// Every lane of the group must call it (FP8 and Voronoi blocks shuffle); only `active` groups
/// write. `table`: the Voronoi count table (voronoi_group.cuh); `scratch`: the ball codes'
/// shared scratch (ball_group.cuh); else unused.
template <class C, unsigned G, std::size_t E>
__device__ inline void write_blocks(const C& c, const float (&v)[E], unsigned g, std::uint32_t* words,
                                    std::size_t base, bool active, const float (&points)[E],
                                    bool have_points, const uint128* table, std::uint8_t* scratch) {
  using Q = typename C::quantiser_type;
  const Q& q = c.quantiser();
  const std::size_t start = base + C::gain_bits;
  if constexpr (is_voronoi<Q>::value) {
    write_voronoi<G>(q, v, g, words, base, start, active, table);
  } else if constexpr (is_ball<Q>::value) {
    write_ball<G>(q, v, g, words, start, active, scratch);
  } else if constexpr (E % Q::block == 0) {
    constexpr std::size_t nb = E / Q::block;
    const std::size_t bits = q.bits();
    const std::size_t pos = start + g * nb * bits;
    if constexpr (word_io<Q>) {
      shared_writer w{words, pos, active};
      if constexpr (reuses_points<Q>::value) {
        if (have_points) { // lattice_block::encode's index of the point found by the refinement
#pragma unroll
          for (std::size_t b = 0; b < nb; ++b)
            w.put(q.codebook_ref().to_index(std::span<const float, Q::block>(points + b * Q::block, Q::block)),
                  static_cast<int>(bits));
          return;
        }
      }
      if constexpr (Q::max_bits <= 32) { // small fields: collected into 64-bit puts
        packing_writer pw{w};
#pragma unroll
        for (std::size_t b = 0; b < nb; ++b) q.encode(std::span<const float, Q::block>(v + b * Q::block, Q::block), pw);
        pw.flush();
      } else {
#pragma unroll
        for (std::size_t b = 0; b < nb; ++b) q.encode(std::span<const float, Q::block>(v + b * Q::block, Q::block), w);
      }
    } else {
      alignas(4) std::uint8_t buf[(31 + nb * Q::max_bits + 31) / 32 * 4] = {};
      bit_writer w(buf);
      w.put(std::uint64_t{0}, static_cast<int>(pos % 32));
#pragma unroll
      for (std::size_t b = 0; b < nb; ++b) q.encode(std::span<const float, Q::block>(v + b * Q::block, Q::block), w);
      if (active) or_words(words + pos / 32, buf, pos % 32 + nb * bits);
    }
  } else {
    // FP8 blocks over P = block / E lanes: [scale][codes] per block.
    using B = typename Q::format;
    constexpr unsigned P = static_cast<unsigned>(Q::block / E);
    std::uint32_t best = 0;
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) best = B::amax_bits(best, v[k]);
    const float amax = float_from_bits(umax_over<G, P>(best));
    const auto scale = B::scale_for(amax);
    const float d = B::scale_format::decode(scale);
    const std::size_t block_pos = start + (g / P) * static_cast<std::size_t>(B::bits);
    shared_writer ws{words, block_pos, active && g % P == 0};
    ws.put(static_cast<std::uint64_t>(scale), B::scale_format::bits);
    shared_writer w{words, block_pos + B::scale_format::bits + (g % P) * E * 8, active};
    static_assert(E % 4 == 0);
#pragma unroll
    for (std::size_t k = 0; k < E; k += 4) {
      std::uint32_t four = 0;
#pragma unroll
      for (std::size_t j = 0; j < 4; ++j) four |= std::uint32_t{B::element_code(v[k + j], amax, d)} << (8 * j);
      w.put(std::uint64_t{four}, 32);
    }
  }
}

/// Decodes lane g's part of the code that starts at bit `base` of `bytes` into v (before the
/// inverse rotations and the gain). `js`: a Voronoi vector's scale indices (unrank_vector);
/// `scratch`: the ball codes' shared scratch; else unused.
template <class C, unsigned G, std::size_t E>
__device__ inline void read_blocks(const C& c, const std::uint8_t* bytes, std::size_t base, unsigned g,
                                   float (&v)[E], const std::uint8_t* js, std::uint8_t* scratch) {
  using Q = typename C::quantiser_type;
  const Q& q = c.quantiser();
  const std::size_t start = base + C::gain_bits;
  const auto* words = reinterpret_cast<const std::uint32_t*>(bytes);
  if constexpr (is_voronoi<Q>::value) {
    read_voronoi<G>(q, words, base, start, g, v, js);
  } else if constexpr (is_ball<Q>::value) {
    read_ball<G>(q, words, start, g, v, scratch);
  } else if constexpr (E % Q::block == 0) {
    constexpr std::size_t nb = E / Q::block;
    const std::size_t pos = start + g * nb * q.bits();
    if constexpr (word_io<Q>) {
      shared_reader r{words, pos};
#pragma unroll
      for (std::size_t b = 0; b < nb; ++b) q.decode(r, std::span<float, Q::block>(v + b * Q::block, Q::block));
    } else {
      bit_reader r = reader_at(bytes, pos);
#pragma unroll
      for (std::size_t b = 0; b < nb; ++b) q.decode(r, std::span<float, Q::block>(v + b * Q::block, Q::block));
    }
  } else {
    using B = typename Q::format;
    constexpr unsigned P = static_cast<unsigned>(Q::block / E);
    const std::size_t block_pos = start + (g / P) * static_cast<std::size_t>(B::bits);
    shared_reader rs{words, block_pos};
    const auto scale = static_cast<typename B::scale_storage>(rs.get(B::scale_format::bits));
    const float d = B::scale_format::decode(scale);
    shared_reader r{words, block_pos + B::scale_format::bits + (g % P) * E * 8};
#pragma unroll
    for (std::size_t k = 0; k < E; k += 4) {
      const auto four = static_cast<std::uint32_t>(r.get(32));
#pragma unroll
      for (std::size_t j = 0; j < 4; ++j)
        v[k + j] = B::element_format::decode(static_cast<std::uint8_t>(four >> (8 * j))) * d;
    }
  }
}

} // namespace kakeya::detail::group
