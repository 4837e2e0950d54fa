// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Voronoi codes (codec/voronoi_block.hpp) on lane groups (group.cuh). A code block of
// Scales scale blocks spans P = block / E lanes (or a lane holds E / block whole code blocks,
// P = 1); each lane runs voronoi_block's per-scale-block steps on its own scale blocks:
//  - first_choice on every scale block (in parallel over the lanes);
//  - while Σ j > budget (the sum over the P lanes): each lane's lowest lowered-error increase
//    (lowered_error, computed once per change as in choose()), then the P lanes' minimum,
//    ties to the lower scale-block index: the butterfly below keeps the lower lane's value on
//    a tie, which is choose()'s left-to-right scan; the owning lane lowers its block;
//  - the profile's rank: rank_term per scale block (its prefix Σ j from a scan over the
//    lanes), summed over the lanes (integer sums mod 2^128: exact in any order).
// Decode: first one thread per vector unranks the profiles (unrank_vector: a warp does 32
// vectors' serial steps at once) into shared memory; then each lane reads its own indices.
// The rank and unrank read the profile counts C_m(b) from a table in shared memory that each
// thread block builds once (build_table; codec_kernels.cuh loops such kernels over tiles).
// Results: voronoi_block's bits and floats exactly (codec_cuda_test).

#include <cuda_runtime.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "kakeya/codec/voronoi_block.hpp"
#include "kakeya/core/uint128.hpp"
#include "group_bits.cuh"

namespace kakeya::detail::group {

template <class Q> struct is_voronoi : std::false_type {};
template <class L, std::size_t Gr, std::size_t S>
struct is_voronoi<voronoi_block<L, Gr, S>> : std::true_type {};

/// Whether Q is a Voronoi block quantiser that fits lanes of E elements in groups of G: whole
/// scale blocks per lane, and code blocks over a power-of-two number of lanes of one group (or
/// whole code blocks per lane).
template <class Q, std::size_t E, unsigned G>
constexpr bool voronoi_fits() {
  if constexpr (!is_voronoi<Q>::value) {
    return false;
  } else if constexpr (Q::block >= E) {
    return E % Q::scale_block == 0 && Q::block % E == 0 && Q::block / E <= G && std::has_single_bit(Q::block / E);
  } else {
    return E % Q::scale_block == 0 && E % Q::block == 0;
  }
}

/// Bytes of the count table in shared memory.
template <class Q>
__host__ __device__ inline std::size_t voronoi_table_bytes(const Q& q) {
  return q.table_entries() * sizeof(uint128);
}

/// Builds the table (rows C_0 … C_{Scales−1}) with the whole thread block; ends synchronised.
template <class Q>
__device__ inline void build_table(const Q& q, uint128* t) {
  const int b1 = q.budget() + 1;
  for (int b = static_cast<int>(threadIdx.x); b < b1; b += static_cast<int>(blockDim.x)) t[b] = 1;
  __syncthreads();
  for (std::size_t m = 1; m < Q::scales; ++m) {
    for (int b = static_cast<int>(threadIdx.x); b < b1; b += static_cast<int>(blockDim.x))
      t[m * b1 + b] = q.table_count(t + (m - 1) * b1, b);
    __syncthreads();
  }
}

template <unsigned P>
__device__ inline uint128 sum128_over(uint128 r) {
#pragma unroll
  for (unsigned m = 1; m < P; m *= 2) {
    const auto lo = __shfl_xor_sync(group_mask<P>(), static_cast<unsigned long long>(r), m);
    const auto hi = __shfl_xor_sync(group_mask<P>(), static_cast<unsigned long long>(r >> 64), m);
    r += static_cast<uint128>(hi) << 64 | lo;
  }
  return r;
}

template <unsigned P>
__device__ inline int sum_over(int s) {
#pragma unroll
  for (unsigned m = 1; m < P; m *= 2) s += __shfl_xor_sync(group_mask<P>(), s, m);
  return s;
}

/// voronoi_block::lowered for scale block `who` (a scale-block index of the code block, owned
/// by lane who / NS of the P lanes), computed by the P lanes together: each lattice block's
/// shrink steps are tried P at a time, one per lane, and the first step that fits wins, which
/// is the step the serial scan stops at. Writes the points into the owner's cp and returns the
/// error (on the owner; the other lanes' return value is not used).
template <unsigned P, std::size_t NS, class Q>
__device__ inline float lowered_together(const Q& q, const float* x, const float* d,
                                         const typename Q::scale_state (&st)[NS], unsigned lane, int who,
                                         float* cp) {
  constexpr std::size_t SB = Q::scale_block, n = Q::lattice::dim;
  const unsigned mask = group_mask<P>();
  const unsigned owner = static_cast<unsigned>(who) / NS;
  const std::size_t own = static_cast<std::size_t>(who) % NS;
  typename Q::scale_state mine = st[0];
#pragma unroll
  for (std::size_t s = 1; s < NS; ++s)
    if (own == s) mine = st[s];
  const int k = __shfl_sync(mask, mine.j, owner, P) - 1;
  const int j_fit = __shfl_sync(mask, mine.j_fit, owner, P);
  float e = 0.0f;
  if (k == j_fit) { // after the look-ahead: the owner measures its first fit again, alone
    if (lane == owner)
#pragma unroll
      for (std::size_t s = 0; s < NS; ++s)
        if (own == s) e = q.lowered(x + s * SB, d + s * SB, st[s], cp + s * SB);
    return e;
  }
  const unsigned shift = (threadIdx.x % 32) & ~(P - 1u);
  const int last = q.last_shrink();
#pragma unroll
  for (std::size_t b = 0; b < Q::group; ++b) {
    float xb[n], db[n], pt[n];
#pragma unroll
    for (std::size_t i = 0; i < n; ++i) {
      float xv = 0.0f, dv = 0.0f;
#pragma unroll
      for (std::size_t s = 0; s < NS; ++s)
        if (own == s) xv = x[s * SB + b * n + i], dv = d[s * SB + b * n + i];
      xb[i] = __shfl_sync(mask, xv, owner, P);
      db[i] = __shfl_sync(mask, dv, owner, P);
    }
    int winner = -1;
    for (int base = Q::group == 1 ? 1 : 0; base <= last && winner < 0; base += static_cast<int>(P)) {
      const int m = base + static_cast<int>(lane);
      const bool fits = m <= last && q.try_point(xb, db, k, m, pt);
      const unsigned hits = (__ballot_sync(mask, fits) >> shift) & (P == 32 ? ~0u : (1u << P) - 1u);
      if (hits != 0) winner = __ffs(static_cast<int>(hits)) - 1;
    }
    if (winner < 0) {
      q.zero_point(pt);
      winner = static_cast<int>(lane);
    }
#pragma unroll
    for (std::size_t i = 0; i < n; ++i) {
      const float v = __shfl_sync(mask, pt[i], static_cast<unsigned>(winner), P);
#pragma unroll
      for (std::size_t s = 0; s < NS; ++s)
        if (lane == owner && own == s) cp[s * SB + b * n + i] = v;
    }
  }
  if (lane == owner)
#pragma unroll
    for (std::size_t s = 0; s < NS; ++s)
      if (own == s) e = q.error(x + s * SB, d + s * SB, k, cp + s * SB);
  return e;
}

/// Encodes one code block: this lane's NS scale blocks at x (lane position `lane` of the
/// block's P lanes). pos: the block's bit position in `words`; offset: its bit offset in the
/// vector's code (the dither's key).
template <unsigned P, std::size_t NS, class Q>
__device__ inline void encode_code_block(const Q& q, const float* x, unsigned lane, std::uint32_t* words,
                                         std::size_t pos, std::size_t offset, bool active, const uint128* table) {
  constexpr std::size_t SB = Q::scale_block, N = NS * SB, n = Q::lattice::dim;
  float d[N], p[N];
  if (q.dither_seed() != 0) {
    const std::uint64_t base = q.dither_base(offset);
#pragma unroll
    for (std::size_t k = 0; k < N; ++k) d[k] = Q::dither_value(base, lane * N + k);
  } else {
#pragma unroll
    for (std::size_t k = 0; k < N; ++k) d[k] = 0.0f;
  }
  typename Q::scale_state st[NS];
  int local = 0;
#pragma unroll
  for (std::size_t s = 0; s < NS; ++s) {
    st[s] = q.first_choice(x + s * SB, d + s * SB, p + s * SB);
    local += st[s].j;
  }
  int total = sum_over<P>(local);
  if (total > q.budget()) { // the same on the P lanes
    float cand[NS], cp[N];
    const int first = static_cast<int>(lane * NS);
    // The first round: every lane measures its own blocks (in parallel over the lanes).
#pragma unroll
    for (std::size_t s = 0; s < NS; ++s)
      if (st[s].j > 0) cand[s] = q.lowered(x + s * SB, d + s * SB, st[s], cp + s * SB);
    while (true) {
      int who = -1; // the scale block (index in the code block) to lower
      float inc = 0.0f;
#pragma unroll
      for (std::size_t s = 0; s < NS; ++s) {
        if (st[s].j == 0) continue;
        const float delta = cand[s] - st[s].e;
        if (who < 0 || delta < inc) who = first + static_cast<int>(s), inc = delta;
      }
#pragma unroll
      for (unsigned m = 1; m < P; m *= 2) {
        const float oi = __shfl_xor_sync(group_mask<P>(), inc, m);
        const int ow = __shfl_xor_sync(group_mask<P>(), who, m);
        const bool upper = (lane & m) != 0; // the partner's blocks come first
        const float li = upper ? oi : inc, ri = upper ? inc : oi;
        const int lw = upper ? ow : who, rw = upper ? who : ow;
        const bool right = lw < 0 || (rw >= 0 && ri < li);
        inc = right ? ri : li;
        who = right ? rw : lw;
      }
#pragma unroll
      for (std::size_t s = 0; s < NS; ++s)
        if (who == first + static_cast<int>(s)) Q::lower(st[s], cand[s], cp + s * SB, p + s * SB);
      if (--total <= q.budget()) break;
      // The lowered block's next candidate, if it can go lower (the same on the P lanes).
      int owner_j = 0;
#pragma unroll
      for (std::size_t s = 0; s < NS; ++s)
        if (who == first + static_cast<int>(s)) owner_j = st[s].j;
      if (__shfl_sync(group_mask<P>(), owner_j, static_cast<unsigned>(who) / NS, P) > 0) {
        const float e = lowered_together<P>(q, x, d, st, lane, who, cp);
#pragma unroll
        for (std::size_t s = 0; s < NS; ++s)
          if (who == first + static_cast<int>(s)) cand[s] = e;
      }
    }
    local = 0;
#pragma unroll
    for (std::size_t s = 0; s < NS; ++s) local += st[s].j;
  }
  // Σ j of the scale blocks before this lane's: an inclusive scan over the P lanes, minus own.
  int incl = local;
#pragma unroll
  for (unsigned m = 1; m < P; m *= 2) {
    const int o = __shfl_up_sync(group_mask<P>(), incl, m, P);
    if (lane >= m) incl += o;
  }
  int left = q.budget() - (incl - local);
  const int b1 = q.budget() + 1;
  uint128 r = 0;
#pragma unroll
  for (std::size_t s = 0; s < NS; ++s) {
    const std::size_t i = lane * NS + s;
    r += Q::rank_term(table + (Q::scales - 1 - i) * b1, left, st[s].j);
    left -= st[s].j;
  }
  r = sum128_over<P>(r);
  const int pb = q.profile_bits(), ib = q.codebook_ref().index_bits();
  shared_writer wr{words, pos, active && lane == 0};
  wr.put(r, pb);
  shared_writer w{words, pos + static_cast<std::size_t>(pb) + lane * NS * Q::group * static_cast<std::size_t>(ib), active};
#pragma unroll
  for (std::size_t b = 0; b < NS * Q::group; ++b)
    w.put(q.codebook_ref().to_index(std::span<const float, n>(p + b * n, n)), ib);
}

/// Unranks the scale profiles of one vector's code (`code`: its bytes in global memory, `gain_bits`
/// before the first code block) into js (D / scale_block indices, one byte each): run by one
/// thread per vector, so that a warp unranks 32 vectors at once instead of every lane of a group
/// repeating one vector's serial steps.
template <std::size_t D, class Q>
__device__ inline void unrank_vector(const Q& q, const std::uint8_t* code, std::size_t gain_bits,
                                     std::uint8_t* js, const uint128* table) {
  const int b1 = q.budget() + 1;
  for (std::size_t cb = 0; cb < D / Q::block; ++cb) {
    bit_reader r = reader_at(code, gain_bits + cb * q.bits());
    uint128 rank = r.get128(q.profile_bits());
    int left = q.budget();
    for (std::size_t i = 0; i < Q::scales; ++i)
      js[cb * Q::scales + i] = static_cast<std::uint8_t>(q.unrank_step(table + (Q::scales - 1 - i) * b1, rank, left));
  }
}

/// Decodes one code block: this lane's NS scale blocks into y (see encode_code_block), with
/// the code block's scale indices `js` (unrank_vector).
template <std::size_t NS, class Q>
__device__ inline void decode_code_block(const Q& q, float* y, unsigned lane, const std::uint32_t* words,
                                         std::size_t pos, std::size_t offset, const std::uint8_t* js) {
  constexpr std::size_t SB = Q::scale_block, N = NS * SB, n = Q::lattice::dim;
  const int pb = q.profile_bits(), ib = q.codebook_ref().index_bits();
  shared_reader r{words, pos + static_cast<std::size_t>(pb) + lane * NS * Q::group * static_cast<std::size_t>(ib)};
  float pt[N];
#pragma unroll
  for (std::size_t b = 0; b < NS * Q::group; ++b)
    q.codebook_ref().from_index(r.get128(ib), std::span<float, n>(pt + b * n, n));
  const std::uint64_t base = q.dither_seed() != 0 ? q.dither_base(offset) : 0;
#pragma unroll
  for (std::size_t s = 0; s < NS; ++s) {
    const float f = q.scale_back_factor(js[lane * NS + s]);
#pragma unroll
    for (std::size_t k = s * SB; k < (s + 1) * SB; ++k) {
      const float dk = q.dither_seed() != 0 ? Q::dither_value(base, lane * N + k) : 0.0f;
      y[k] = (pt[k] - dk) * f;
    }
  }
}

/// The code blocks of lane g (group of G lanes, E elements per lane), encode.
/// start: the bit position of the vector's first code block; base: of the vector's code.
template <unsigned G, std::size_t E, class Q>
__device__ inline void write_voronoi(const Q& q, const float (&v)[E], unsigned g, std::uint32_t* words,
                                     std::size_t base, std::size_t start, bool active, const uint128* table) {
  const std::size_t bits = q.bits();
  if constexpr (Q::block >= E) {
    constexpr unsigned P = static_cast<unsigned>(Q::block / E);
    const std::size_t pos = start + (g / P) * bits;
    encode_code_block<P, E / Q::scale_block>(q, v, g % P, words, pos, pos - base, active, table);
  } else {
    constexpr std::size_t K = E / Q::block;
#pragma unroll
    for (std::size_t k = 0; k < K; ++k) {
      const std::size_t pos = start + (g * K + k) * bits;
      encode_code_block<1, Q::scales>(q, v + k * Q::block, 0, words, pos, pos - base, active, table);
    }
  }
}

/// The code blocks of lane g, decode (see write_voronoi); js: the vector's scale indices.
template <unsigned G, std::size_t E, class Q>
__device__ inline void read_voronoi(const Q& q, const std::uint32_t* words, std::size_t base, std::size_t start,
                                    unsigned g, float (&v)[E], const std::uint8_t* js) {
  const std::size_t bits = q.bits();
  if constexpr (Q::block >= E) {
    constexpr unsigned P = static_cast<unsigned>(Q::block / E);
    const std::size_t pos = start + (g / P) * bits;
    decode_code_block<E / Q::scale_block>(q, v, g % P, words, pos, pos - base, js + (g / P) * Q::scales);
  } else {
    constexpr std::size_t K = E / Q::block;
#pragma unroll
    for (std::size_t k = 0; k < K; ++k) {
      const std::size_t pos = start + (g * K + k) * bits;
      decode_code_block<Q::scales>(q, v + k * Q::block, 0, words, pos, pos - base, js + (g * K + k) * Q::scales);
    }
  }
}

} // namespace kakeya::detail::group
