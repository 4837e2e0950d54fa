// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Ball codes (lattice/ball.hpp, codec/ball_block.hpp) on lane groups (group.cuh): a ball of K
// lattice blocks spans P = K · dim / E lanes, each lane holding E / dim whole blocks.
//  - encode: each lane places its blocks (ball_block_ref::place_block); the bins' sum and the
//    cap are reduced over the ball's lanes, so the overload search (ball_block_ref::shrink_search, choose's
//    steps, the same k sequence) runs on all lanes at once. The rank is a sum of independent
//    block terms (ball_code_view::block_terms): an exclusive scan of the bins gives each block
//    its remaining budget, the lanes add their terms' 32-bit digits into 64-bit slots in shared
//    memory (atomicAdd: integer sums, any order), and the lanes settle the carries by
//    carry-lookahead (ballots) and write the rank's bits, a 32-bit digit each.
//  - decode: the ball's first lane walks the levels (ball_code_view::walk: bin and index per
//    block, serial) into shared memory; each lane then places its own blocks.
// Same bits as the scalar backend.

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "group_bits.cuh"
#include "kakeya/codec/ball_block.hpp"

namespace kakeya::detail::group {

template <class Q> struct is_ball : std::false_type {};
template <class L, std::size_t K> struct is_ball<ball_block_ref<L, K>> : std::true_type {};

/// Whether a ball code block of Q fits lane groups of G lanes of E elements: whole lattice
/// blocks per lane, the ball over at most G lanes.
template <class Q, std::size_t E, unsigned G>
constexpr bool ball_fits() {
  if constexpr (is_ball<Q>::value)
    return E % Q::lattice::dim == 0 && Q::block % E == 0 && Q::block / E <= G;
  else
    return false;
}

/// 64-bit digit slots of one ball's rank accumulator: a digit per 32 bits, and room for a
/// term's top digits.
__host__ __device__ inline std::size_t ball_slots(std::size_t bits) { return (bits + 31) / 32 + 4; }

/// Shared bytes per ball: the encoder's slots, or the decoder's bins and indices.
template <class Q>
__host__ __device__ inline std::size_t ball_scratch_per_ball(const Q& q, bool decode) {
  return decode ? Q::blocks * (sizeof(std::uint64_t) + 1) : ball_slots(q.bits()) * sizeof(std::uint64_t);
}

// Adds the term v · 2^e to the digit slots (32 bits of value per slot).
__device__ inline void add_digits(unsigned long long* slots, dword v, int e) {
  const dword s = v << (e % 32); // v below 2^95: below 2^127
  const int d0 = e / 32;
#pragma unroll
  for (int k = 0; k < 4; ++k) {
    const auto digit = static_cast<std::uint32_t>(s >> (32 * k));
    if (digit != 0) atomicAdd(slots + d0 + k, static_cast<unsigned long long>(digit));
  }
}

/// Encodes lane g's part of the ball codes in v (E floats, unit mean square) at bit `start`
/// (the quantiser's first bit) of the shared code region. Every lane of the group calls it.
/// `scratch`: this thread block's ball scratch (ball_scratch_per_ball each, one per P lanes).
template <unsigned G, std::size_t E, class Q>
__device__ inline void write_ball(const Q& q, const float (&v)[E], unsigned g, std::uint32_t* words, std::size_t start,
                                  bool active, std::uint8_t* scratch) {
  using L = typename Q::lattice;
  constexpr std::size_t dim = L::dim;
  constexpr std::size_t nb = E / dim;                      // blocks per lane
  constexpr unsigned P = static_cast<unsigned>(Q::block / E); // lanes per ball
  const auto& code = q.code;
  const unsigned mask = group_mask<P>();
  const unsigned h = g % P;
  const std::size_t ball = g / P;
  float t[E];
  long long lane_norm = 0;
  int ball_total = 0; // the placed point's bins' sum over the ball
  // ball_block_ref::place over the ball's lanes: whether the placed point is in the ball.
  const auto place = [&](int k) {
    const float alpha = Q::alpha_of(k);
    int total = 0;
    int over = 0;
    lane_norm = 0;
#pragma unroll
    for (std::size_t b = 0; b < nb; ++b) {
      q.place_block(v + b * dim, alpha, t + b * dim);
      const std::int64_t n = shell_view<L>::norm(t + b * dim);
      const int bin = code.bin_of_norm(n);
      over |= bin >= ball_code_view<L>::cap_bins ? 1 : 0;
      total += bin;
      lane_norm += n;
    }
#pragma unroll
    for (unsigned s = 1; s < P; s *= 2) {
      total += __shfl_xor_sync(mask, total, s);
      over |= __shfl_xor_sync(mask, over, s);
    }
    ball_total = total;
    return over == 0 && total <= code.budget;
  };
  // ball_block_ref::choose's search (shrink_search), as one loop with one place(): its
  // closest points inlined once, for the instruction cache.
  float fit[E];
  typename Q::shrink_search search;
  for (;;) {
    const bool fits = place(search.k);
    const auto norm = [&] {
      long long n = lane_norm;
#pragma unroll
      for (unsigned s = 1; s < P; s *= 2) n += __shfl_xor_sync(mask, n, s);
      return static_cast<double>(n); // a sum of integers below 2^53: exact
    };
    bool keep = false;
    const bool done = search.next(q, fits, ball_total, norm, keep);
    if (keep)
#pragma unroll
      for (std::size_t i = 0; i < E; ++i) fit[i] = t[i];
    if (done) break;
  }
  if (search.restore())
#pragma unroll
    for (std::size_t i = 0; i < E; ++i) t[i] = fit[i];
  if (search.zero)
#pragma unroll
    for (std::size_t i = 0; i < E; ++i) t[i] = 0.0f;
  // The rank: the budget left before each block from an exclusive scan of the bins.
  int bins[nb];
  std::int64_t norms[nb];
  int sum = 0;
#pragma unroll
  for (std::size_t b = 0; b < nb; ++b) {
    norms[b] = shell_view<L>::norm(t + b * dim);
    bins[b] = code.bin_of_norm(norms[b]);
    sum += bins[b];
  }
  int inclusive = sum;
#pragma unroll
  for (unsigned s = 1; s < P; s *= 2) {
    const int o = __shfl_up_sync(mask, inclusive, s, P);
    if (h >= s) inclusive += o;
  }
  int left = code.budget - (inclusive - sum);
  const std::size_t slots_n = ball_slots(q.bits());
  auto* slots = reinterpret_cast<unsigned long long*>(scratch + (threadIdx.x / P) * ball_scratch_per_ball(q, false));
  for (std::size_t i = h; i < slots_n; i += P) slots[i] = 0;
  __syncwarp(mask);
#pragma unroll
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t i = h * nb + b; // the block's index in the ball
    typename ball_code_view<L>::rank_term terms[2];
    code.block_terms(Q::blocks - 1 - i, left, bins[b], code.index_in_bin(t + b * dim, norms[b]), terms);
    add_digits(slots, terms[0].v, terms[0].e);
    add_digits(slots, terms[1].v, terms[1].e);
    left -= bins[b];
  }
  __syncwarp(mask);
  // The carries, in parallel: lane h settles digits h, h + P, …: its slot's low 32 bits plus
  // the previous slot's high part (below 2^33), then the one-bit carries by carry-lookahead
  // over the chunk's lanes (ballots: generate G, propagate P, the carries into the digits are
  // ((G | P) + G) ^ (G | P) ^ G), the chunk's carry-out going into the next chunk's first digit.
  const std::size_t bits = q.bits();
  const std::size_t digits = (bits + 31) / 32;
  const unsigned offset = threadIdx.x % 32 - h; // the ball's first lane in the warp
  const unsigned long long lanes = (1ull << P) - 1;
  unsigned long long chunk_carry = 0;
  for (std::size_t c0 = 0; c0 < digits; c0 += P) {
    const std::size_t d = c0 + h;
    unsigned long long y = 0;
    if (d < digits) y = (slots[d] & 0xffffffffull) + (d > 0 ? slots[d - 1] >> 32 : 0);
    if (h == 0) y += chunk_carry;
    const auto low = static_cast<std::uint32_t>(y);
    const unsigned long long gen = (__ballot_sync(mask, (y >> 32) != 0) >> offset) & lanes;
    const unsigned long long pro = (__ballot_sync(mask, d < digits && low == 0xffffffffu) >> offset) & lanes;
    const unsigned long long a = gen | pro, sum = a + gen;
    const unsigned long long into = sum ^ a ^ gen;
    chunk_carry = (sum >> P) & 1;
    if (d < digits && active) {
      shared_writer w{words, start + ball * bits + 32 * d, true};
      w.put(static_cast<std::uint64_t>(low + static_cast<std::uint32_t>((into >> h) & 1)),
            static_cast<int>(bits - 32 * d < 32 ? bits - 32 * d : 32));
    }
  }
  __syncwarp(mask);
}

/// Decodes lane g's blocks of the ball codes at bit `start` of the shared code region into v.
template <unsigned G, std::size_t E, class Q>
__device__ inline void read_ball(const Q& q, const std::uint32_t* words, std::size_t start, unsigned g, float (&v)[E],
                                 std::uint8_t* scratch) {
  using L = typename Q::lattice;
  constexpr std::size_t dim = L::dim;
  constexpr std::size_t nb = E / dim;
  constexpr unsigned P = static_cast<unsigned>(Q::block / E);
  const auto& code = q.code;
  const unsigned mask = group_mask<P>();
  const unsigned h = g % P;
  const std::size_t ball = g / P;
  std::uint8_t* mine = scratch + (threadIdx.x / P) * ball_scratch_per_ball(q, true);
  auto* idx = reinterpret_cast<std::uint64_t*>(mine);
  std::uint8_t* bins = mine + Q::blocks * sizeof(std::uint64_t);
  if (h == 0) {
    const std::size_t bits = q.bits();
    word r[ball_code_view<L>::max_words];
    shared_reader rd{words, start + ball * bits};
    for (std::size_t i = 0; i < code.words; ++i) {
      const std::size_t take = bits > 64 * i ? (bits - 64 * i < 64 ? bits - 64 * i : 64) : 0;
      r[i] = take ? rd.get(static_cast<int>(take)) : 0;
    }
    code.walk(r, [&](std::size_t i, int bin, std::uint64_t j) {
      bins[i] = static_cast<std::uint8_t>(bin);
      idx[i] = j;
    });
  }
  __syncwarp(mask);
#pragma unroll
  for (std::size_t b = 0; b < nb; ++b) {
    const std::size_t i = h * nb + b;
    code.place_in_bin(bins[i], idx[i], v + b * dim);
  }
#pragma unroll
  for (std::size_t k = 0; k < E; ++k) v[k] = v[k] * q.step;
  __syncwarp(mask);
}

} // namespace kakeya::detail::group
