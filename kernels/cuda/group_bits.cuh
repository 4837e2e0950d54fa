// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Lane masks and bit fields in shared memory for the lane-group kernels (group.cuh,
// voronoi_group.cuh).

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <span>

#include "kakeya/core/bits.hpp"
#include "kakeya/core/uint128.hpp"

namespace kakeya::detail::group {

inline constexpr unsigned full_mask = 0xffffffffu;

/// The lanes of this thread's group, for the shuffles: groups of one warp may take different
/// branches (a zero vector leaves the gain refinement early), so no shuffle waits for the
/// whole warp.
template <unsigned G>
__device__ inline unsigned group_mask() {
  if constexpr (G >= 32) {
    return full_mask;
  } else {
    const unsigned lane = threadIdx.x % 32;
    return ((1u << G) - 1u) << (lane & ~(G - 1u));
  }
}

// ---- bits in shared memory -------------------------------------------------------------------

/// Writes bit fields into the shared code region (32-bit words, least-significant bit first:
/// the layout of core/bits.hpp's bit_writer) straight from registers: a put of n <= 64 bits
/// ORs the at most three words it touches with atomicOr (neighbouring lanes share boundary
/// words; the region starts zeroed). Groups past the last row advance without writing.
/// Block quantisers whose encode is a template on the writer (blocks.hpp) use it directly.
struct shared_writer {
  std::uint32_t* words;
  std::size_t pos;
  bool active;

  __device__ void put(std::uint64_t v, int n) {
    if (n <= 0) return;
    if (n < 64) v &= (std::uint64_t{1} << n) - 1;
    if (active && v != 0) {
      const unsigned s = static_cast<unsigned>(pos % 32);
      std::uint32_t* w = words + pos / 32;
      const auto lo = static_cast<std::uint32_t>(v), hi = static_cast<std::uint32_t>(v >> 32);
      const std::uint32_t w0 = lo << s, w1 = __funnelshift_l(lo, hi, s), w2 = __funnelshift_l(hi, 0u, s);
      if (w0 != 0) atomicOr(w, w0);
      if (w1 != 0) atomicOr(w + 1, w1);
      if (w2 != 0) atomicOr(w + 2, w2);
    }
    pos += static_cast<std::size_t>(n);
  }
  __device__ void put(uint128 v, int n) {
    put(static_cast<std::uint64_t>(v), n < 64 ? n : 64);
    if (n > 64) put(static_cast<std::uint64_t>(v >> 64), n - 64);
  }
};

/// Collects consecutive fields of at most 32 bits into 64-bit puts of a shared_writer: the same
/// bits with fewer shared-memory atomics (a Lloyd-Max lane's sixteen 4-bit codes: one put).
struct packing_writer {
  shared_writer& w;
  std::uint64_t acc = 0;
  int n = 0;

  __device__ void put(std::uint64_t v, int k) {
    if (k <= 0) return;
    if (k < 64) v &= (std::uint64_t{1} << k) - 1;
    if (n + k > 64) flush();
    acc |= v << n;
    n += k;
  }
  __device__ void flush() {
    w.put(acc, n);
    acc = 0;
    n = 0;
  }
};

/// Reads bit fields from the shared code region word-wise (funnel shifts), in bit_reader's
/// order. Reads up to two words past the field: the region carries 16 bytes of zero padding.
struct shared_reader {
  const std::uint32_t* words;
  std::size_t pos;

  __device__ std::uint64_t get(int n) {
    if (n <= 0) return 0;
    const unsigned s = static_cast<unsigned>(pos % 32);
    const std::uint32_t* w = words + pos / 32;
    const std::uint32_t b = w[1];
    std::uint64_t v = __funnelshift_r(w[0], b, s);
    if (n > 32) v |= static_cast<std::uint64_t>(__funnelshift_r(b, w[2], s)) << 32;
    if (n < 64) v &= (std::uint64_t{1} << n) - 1;
    pos += static_cast<std::size_t>(n);
    return v;
  }
  __device__ uint128 get128(int n) {
    uint128 lo = get(n < 64 ? n : 64);
    if (n > 64) lo |= static_cast<uint128>(get(n - 64)) << 64;
    return lo;
  }
};

/// Bytes of zero padding after the shared code region (shared_reader reads ahead).
inline constexpr std::size_t code_padding = 16;

/// Whether Q's encode / decode accept the shared-memory writer / reader (the library's block
/// quantisers do; a user's may take only bit_writer / bit_reader: then the fallback below).
template <class Q>
inline constexpr bool word_io = requires(const Q& q, std::span<const float, Q::block> x,
                                         std::span<float, Q::block> y, shared_writer& w, shared_reader& r) {
  q.encode(x, w);
  q.decode(r, y);
};

/// ORs `nbits` bits of a little-endian byte buffer (aligned to a 32-bit word of the target,
/// already shifted) into 32-bit words of shared memory (fallback for user block quantisers).
__device__ inline void or_words(std::uint32_t* words, const std::uint8_t* buf, std::size_t nbits) {
  const std::size_t n = (nbits + 31) / 32;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t w = std::uint32_t{buf[4 * i]} | std::uint32_t{buf[4 * i + 1]} << 8 |
                            std::uint32_t{buf[4 * i + 2]} << 16 | std::uint32_t{buf[4 * i + 3]} << 24;
    if (w != 0) atomicOr(words + i, w);
  }
}

/// A bit_reader positioned at bit `pos` of `bytes` (fallback for user block quantisers).
__device__ inline bit_reader reader_at(const std::uint8_t* bytes, std::size_t pos) {
  bit_reader r(bytes + pos / 8);
  r.get(static_cast<int>(pos % 8));
  return r;
}

} // namespace kakeya::detail::group
