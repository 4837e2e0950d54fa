// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// The codec kernels: one templated family for every codec type, in two shapes.
//  - Lane groups (group.cuh), for codecs made of the library's stages: G lanes hold one vector
//    in registers, a block of 128 threads encodes 128 / G vectors; codes are assembled in
//    shared memory and leave in one contiguous, vectorised store (decode: one load).
//  - One thread per vector, for codecs with stages of their own: each thread runs the codec's
//    per-vector encode/decode (codec.hpp) itself.
// Both give the scalar backend's bits. Include in a .cu file and call
// KAKEYA_CUDA_INSTANTIATE(C) to instantiate a codec of your own.

#include <cuda_runtime.h>

#include <cstring>
#include <map>
#include <mutex>
#include <tuple>
#include <utility>
#include <vector>

#include "cuda_check.cuh"
#include "group.cuh"
#include "kakeya/backend/cuda.hpp"
#include "kakeya/backend/scalar.hpp"
#include "kakeya/codec/ball_block.hpp"
#include "kakeya/codec/preset_types.hpp"
#include "kakeya/core/float_formats.hpp"

namespace kakeya::detail {

// 128 threads per block: the per-thread vectors live in local memory (L1-resident), so a
// small block keeps more blocks resident per SM.
inline constexpr int codec_block_threads = 128;

// Element i of row `row` of a device array of `t` elements, as float (exact widening).
__device__ inline float load_element(const void* x, element_type t, std::size_t idx) {
  if (t == element_type::f32) return static_cast<const float*>(x)[idx];
  const std::uint16_t h = static_cast<const std::uint16_t*>(x)[idx];
  return t == element_type::f16 ? fp16::decode(h) : bf16::decode(h);
}
__device__ inline void store_element(void* x, element_type t, std::size_t idx, float v) {
  if (t == element_type::f32)
    static_cast<float*>(x)[idx] = v;
  else
    static_cast<std::uint16_t*>(x)[idx] = t == element_type::f16 ? fp16::encode(v) : bf16::encode(v);
}

// Each warp moves the rows of its 32 threads between global memory and the threads' local
// arrays through a 32 x 33 shared tile, 32 columns at a time: the global accesses are
// coalesced (a warp reads 32 consecutive elements of one row per instruction) and the padded
// tile keeps the transposed shared-memory reads free of bank conflicts. All 32 lanes take part
// (rows past n are skipped), so the calls must not sit behind a divergent branch.
template <std::size_t D>
__device__ inline void warp_load_rows(const void* x, element_type t, std::size_t n, std::size_t row0,
                                      float (*tile)[33], float* v) {
  const unsigned lane = threadIdx.x % 32;
  for (std::size_t c0 = 0; c0 < D; c0 += 32) {
    for (unsigned r = 0; r < 32; ++r) {
      const std::size_t row = row0 + r;
      if (row < n && c0 + lane < D) tile[r][lane] = load_element(x, t, row * D + c0 + lane);
    }
    __syncwarp();
    for (std::size_t k = 0; k < 32 && c0 + k < D; ++k) v[c0 + k] = tile[lane][k];
    __syncwarp();
  }
}

template <std::size_t D>
__device__ inline void warp_store_rows(void* x, element_type t, std::size_t n, std::size_t row0,
                                       float (*tile)[33], const float* v) {
  const unsigned lane = threadIdx.x % 32;
  for (std::size_t c0 = 0; c0 < D; c0 += 32) {
    for (std::size_t k = 0; k < 32 && c0 + k < D; ++k) tile[lane][k] = v[c0 + k];
    __syncwarp();
    for (unsigned r = 0; r < 32; ++r) {
      const std::size_t row = row0 + r;
      if (row < n && c0 + lane < D) store_element(x, t, row * D + c0 + lane, tile[r][lane]);
    }
    __syncwarp();
  }
}

template <class C>
__global__ void __launch_bounds__(codec_block_threads)
    encode_kernel(const C c, const void* x, element_type t, std::size_t n, std::uint8_t* codes) {
  __shared__ float tiles[codec_block_threads / 32][32][33];
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  const std::size_t row0 = i - threadIdx.x % 32;
  if (row0 >= n) return; // the whole warp is past the end
  float v[C::dim];
  warp_load_rows<C::dim>(x, t, n, row0, tiles[threadIdx.x / 32], v);
  if (i >= n) return;
  // Encode into registers/local memory, then store each byte once (no read-modify-write of
  // global memory by the bit writer).
  std::uint8_t buf[C::max_bytes_per_vector];
  c.encode(std::span<const float, C::dim>(v, C::dim), buf);
  std::uint8_t* out = codes + i * c.bytes_per_vector();
  for (std::size_t b = 0, nb = c.bytes_per_vector(); b < nb; ++b) out[b] = buf[b];
}

template <class C>
__global__ void __launch_bounds__(codec_block_threads)
    decode_kernel(const C c, const std::uint8_t* codes, std::size_t n, void* x, element_type t) {
  __shared__ float tiles[codec_block_threads / 32][32][33];
  const std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  const std::size_t row0 = i - threadIdx.x % 32;
  if (row0 >= n) return;
  float v[C::dim];
  if (i < n) {
    std::uint8_t buf[C::max_bytes_per_vector];
    const std::uint8_t* in = codes + i * c.bytes_per_vector();
    for (std::size_t b = 0, nb = c.bytes_per_vector(); b < nb; ++b) buf[b] = in[b];
    c.decode(buf, std::span<float, C::dim>(v, C::dim));
  }
  warp_store_rows<C::dim>(x, t, n, row0, tiles[threadIdx.x / 32], v);
}

inline unsigned grid_for(std::size_t n) {
  return static_cast<unsigned>((n + codec_block_threads - 1) / codec_block_threads);
}

// ---- ball codes: the codec over tables copied to the GPU (lane groups, ball_group.cuh) --------

template <class Q>
struct is_ball_block : std::false_type {};
template <class L, std::size_t K>
struct is_ball_block<ball_block<L, K>> : std::true_type {};
template <class C>
inline constexpr bool is_ball_codec = is_ball_block<typename C::quantiser_type>::value;

template <class C, class Q2>
struct with_quantiser;
template <std::size_t D, class Q, class... S, class Q2>
struct with_quantiser<codec<D, Q, S...>, Q2> {
  using type = codec<D, Q2, S...>;
};

// The view of a ball code with its tables on the current device: copied on first use and kept
// for the life of the process (at most a few tens of MB per code), per device and per
// (lattice, K, bits) — the tables are a function of those.
template <class L>
ball_code_view<L> ball_device_view(const ball_code<L>& c) {
  static std::mutex m;
  static std::map<std::tuple<int, std::size_t, std::size_t>, ball_code_view<L>> cache;
  int device = 0;
  cuda_check(cudaGetDevice(&device), "cudaGetDevice");
  std::lock_guard<std::mutex> lock(m);
  const auto key = std::make_tuple(device, c.blocks(), c.bits());
  if (const auto it = cache.find(key); it != cache.end()) return it->second;
  auto upload = [](const auto& v) {
    using T = typename std::remove_cvref_t<decltype(v)>::value_type;
    T* d = nullptr;
    if (v.empty()) return static_cast<const T*>(d);
    cuda_check(cudaMalloc(&d, v.size() * sizeof(T)), "cudaMalloc (ball code tables)");
    cuda_check(cudaMemcpy(d, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy (ball code tables)");
    return static_cast<const T*>(d);
  };
  ball_code_view<L> v = c.view();
  v.counts = upload(c.counts());
  v.prefix = upload(c.prefix());
  v.bin_count = upload(c.bin_counts());
  v.in_bin = upload(c.in_bin());
  v.bin_of = upload(c.bin_of());
  v.shells.squares = upload(c.shells().squares());
  v.shells.odd = upload(c.shells().odd());
  v.shells.theta = upload(c.shells().theta());
  v.shells.cum_squares = upload(c.shells().cum_squares());
  v.shells.cum_odd = upload(c.shells().cum_odd());
  cache.emplace(key, v);
  return v;
}

// The codec with its ball_block replaced by a ball_block_ref over the device tables.
template <class C>
auto ball_device_codec(const C& c) {
  using Q = typename C::quantiser_type;
  using C2 = typename with_quantiser<C, typename Q::ref_type>::type;
  typename Q::ref_type r = c.quantiser().ref();
  if (c.quantiser().code() != nullptr) r.code = ball_device_view(*c.quantiser().code());
  return std::apply([&](const auto&... s) { return C2(r, s...); }, c.stages());
}

// ---- lane-group kernels ----------------------------------------------------------------------

inline constexpr int group_block_threads = 128;
// Threads per block of a codec's group kernels: 128; ball codecs 32, one warp (a vector's
// overload search takes 1 to about 12 closest-point passes, and a block of four warps waited
// for its slowest at the tile's barriers: 31-35 % of the stall samples on an H100).
template <class C>
inline constexpr int group_threads = group::is_ball<typename C::quantiser_type>::value ? 32 : group_block_threads;
// Blocks per SM a group encode kernel is compiled for (__launch_bounds__). The E8 encoder
// (refinement points kept) used 117 registers, 16 resident warps; 6 blocks cap it at 85
// registers (48 warps): 2.06 -> 1.91 ms per 2^20 vectors at D = 128 on an H100. The other
// kernels use 32-64 registers and ran 3-10 % slower under the cap, so they keep 1.
// The Voronoi encoders are compiled for 4 blocks per SM (128 registers instead of 180, a few
// spills): 14.8 -> 12.4 ms per 2^20 vectors at D = 128, 50.5 -> 45.7 at D = 512 (H100).
// The ball encoders (one-warp blocks): 24 per SM, at most 85 registers (115 uncapped: 16
// resident warps; docs/gpu.md, session 6).
template <class C>
inline constexpr int group_min_blocks = group::is_ball<typename C::quantiser_type>::value ? 32
                                        : group::reuses_points<typename C::quantiser_type>::value ? 6
                                        : group::is_voronoi<typename C::quantiser_type>::value ? 4
                                                                                              : 1;

// The lane's E consecutive elements starting at element `off`, widened to float. `vec`: the
// array is 16-byte aligned (then E-element pieces are too), so 16-byte loads are used.
template <std::size_t E>
__device__ inline void load_lane(const void* x, element_type t, std::size_t off, bool vec, float (&v)[E]) {
  if (t == element_type::f32) {
    const float* p = static_cast<const float*>(x) + off;
    if (vec) {
#pragma unroll
      for (std::size_t k = 0; k < E; k += 4) {
        const float4 q = __ldg(reinterpret_cast<const float4*>(p + k));
        v[k] = q.x, v[k + 1] = q.y, v[k + 2] = q.z, v[k + 3] = q.w;
      }
    } else {
#pragma unroll
      for (std::size_t k = 0; k < E; ++k) v[k] = p[k];
    }
    return;
  }
  const std::uint16_t* p = static_cast<const std::uint16_t*>(x) + off;
  std::uint16_t h[E];
  if (vec) {
#pragma unroll
    for (std::size_t k = 0; k < E; k += 8) {
      const uint4 q = __ldg(reinterpret_cast<const uint4*>(p + k));
      const std::uint32_t w[4] = {q.x, q.y, q.z, q.w};
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        h[k + 2 * j] = static_cast<std::uint16_t>(w[j] & 0xffffu);
        h[k + 2 * j + 1] = static_cast<std::uint16_t>(w[j] >> 16);
      }
    }
  } else {
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) h[k] = p[k];
  }
  const bool f16 = t == element_type::f16;
#pragma unroll
  for (std::size_t k = 0; k < E; ++k) v[k] = f16 ? fp16::decode(h[k]) : bf16::decode(h[k]);
}

// Bytes of shared memory before the code region: a copy of the codec when it is large (a
// Lloyd-Max table read with lane-dependent indices is slow from the kernel-parameter space).
template <class C>
inline constexpr std::size_t codec_copy_bytes = sizeof(C) > 256 ? (sizeof(C) + 15) / 16 * 16 : 0;

template <class C>
__device__ inline const C& block_codec(const C& param, std::uint8_t* smem) {
  if constexpr (codec_copy_bytes<C> == 0) {
    return param;
  } else {
    const auto* src = reinterpret_cast<const std::uint8_t*>(&param);
    for (std::size_t i = threadIdx.x; i < sizeof(C); i += blockDim.x) smem[i] = src[i];
    __syncthreads();
    return *reinterpret_cast<const C*>(smem); // the codec types are plain aggregates of values
  }
}

// Copies `count` bytes between global and shared memory with the widest aligned accesses.
__device__ inline void copy_bytes(std::uint8_t* dst, const std::uint8_t* src, std::size_t count) {
  const auto a = reinterpret_cast<std::uintptr_t>(dst) | reinterpret_cast<std::uintptr_t>(src) | count;
  if (a % 16 == 0) {
    for (std::size_t i = threadIdx.x; i < count / 16; i += blockDim.x)
      reinterpret_cast<uint4*>(dst)[i] = reinterpret_cast<const uint4*>(src)[i];
  } else if (a % 4 == 0) {
    for (std::size_t i = threadIdx.x; i < count / 4; i += blockDim.x)
      reinterpret_cast<std::uint32_t*>(dst)[i] = reinterpret_cast<const std::uint32_t*>(src)[i];
  } else {
    for (std::size_t i = threadIdx.x; i < count; i += blockDim.x) dst[i] = src[i];
  }
}

// The Voronoi codecs' count table in shared memory, after the codec copy (voronoi_group.cuh).
template <class C>
inline constexpr bool has_table = group::is_voronoi<typename C::quantiser_type>::value;

template <class C>
__host__ __device__ inline std::size_t table_bytes(const C& c) {
  if constexpr (has_table<C>)
    return (group::voronoi_table_bytes(c.quantiser()) + 15) / 16 * 16;
  else
    return 0;
}

// The table, built by the whole block (a no-op for other codecs).
template <class C>
__device__ inline const uint128* block_table(const C& c, std::uint8_t* smem) {
  if constexpr (has_table<C>) {
    auto* t = reinterpret_cast<uint128*>(smem + codec_copy_bytes<C>);
    group::build_table(c.quantiser(), t);
    return t;
  } else {
    return nullptr;
  }
}

// Whether a block prepares shared memory once (a codec copy, a table) and then loops over
// tiles (for_each_tile, group_grid).
template <class C>
inline constexpr bool block_setup = codec_copy_bytes<C> > 0 || has_table<C>;

// Vectors per block-tile of the group kernels.
template <class C>
inline constexpr std::size_t group_rows = group_threads<C> / group::codec_traits<C>::G;

template <class C>
__host__ __device__ inline std::size_t group_code_bytes(const C& c) {
  constexpr unsigned R = group_threads<C> / group::codec_traits<C>::G;
  return (R * c.bytes_per_vector() + 15) / 16 * 16 + group::code_padding;
}

// Floats of the decode kernel's output tile (R vectors, padded).
template <class C>
inline constexpr std::size_t tile_floats =
    group::pad32((group_threads<C> / group::codec_traits<C>::G) * C::dim);

// Byte offset of the code region in shared memory.
template <class C>
__host__ __device__ inline std::size_t code_offset(const C& c) {
  return codec_copy_bytes<C> + table_bytes(c);
}

// A Voronoi decoder unranks the profiles of 128 vectors (one per thread) before decoding them
// tile by tile: their scale indices, one byte per scale block, after the decode tile.
template <class C>
constexpr std::size_t js_count() {
  if constexpr (has_table<C>)
    return C::dim / C::quantiser_type::scale_block;
  else
    return 0;
}
template <class C>
inline constexpr std::size_t js_per_vector = js_count<C>();
inline constexpr std::size_t unrank_rows = group_block_threads;

// Ball codecs' scratch (ball_group.cuh), after everything else: per ball of the block.
template <class C>
inline constexpr bool has_ball = group::is_ball<typename C::quantiser_type>::value;

template <class C>
__host__ __device__ inline std::size_t scratch_offset(const C& c, bool decode) {
  return code_offset(c) + group_code_bytes(c) +
         (decode ? (tile_floats<C> * sizeof(float) + unrank_rows * js_per_vector<C> + 15) / 16 * 16 : 0);
}

template <class C>
__host__ __device__ inline std::size_t scratch_bytes(const C& c, bool decode) {
  if constexpr (has_ball<C>) {
    using Q = typename C::quantiser_type;
    constexpr std::size_t balls = group_threads<C> / (Q::block / group::codec_traits<C>::E);
    return balls * group::ball_scratch_per_ball(c.quantiser(), decode);
  } else {
    return 0;
  }
}

template <class C>
inline std::size_t group_smem_bytes(const C& c, bool decode) {
  return scratch_offset(c, decode) + scratch_bytes(c, decode);
}

// Runs f(first row) for this block's tiles of group_rows<C> vectors: one tile per block, or,
// for codecs with a block setup (a copy to shared memory, a table), a grid-stride loop (see
// group_grid). (The loop, in every kernel, raised the lattice decoders from 40-48 to 64-96
// registers and slowed them.)
template <class C, class F>
__device__ inline void for_each_tile(std::size_t n, F&& f) {
  constexpr std::size_t R = group_rows<C>;
  const std::size_t first = static_cast<std::size_t>(blockIdx.x) * R;
  if constexpr (!block_setup<C>) {
    f(first);
  } else {
    for (std::size_t t = first; t < n; t += static_cast<std::size_t>(gridDim.x) * R) {
      f(t);
      __syncthreads(); // the shared regions are read before the next tile overwrites them
    }
  }
}

template <class C>
__global__ void __launch_bounds__(group_threads<C>, group_min_blocks<C>)
    encode_group_kernel(const C param, const void* x, element_type t, std::size_t n, std::uint8_t* codes,
                        bool vec) {
  using T = group::codec_traits<C>;
  constexpr unsigned G = T::G;
  constexpr std::size_t E = T::E;
  constexpr unsigned R = group_threads<C> / G;
  extern __shared__ uint4 smem_raw[];
  auto* smem = reinterpret_cast<std::uint8_t*>(smem_raw);
  const C& c = block_codec(param, smem);
  const uint128* table = block_table(c, smem);
  const std::size_t bpv = c.bytes_per_vector();
  const std::size_t region = group_code_bytes(c);
  auto* words = reinterpret_cast<std::uint32_t*>(smem + code_offset(c));
  const unsigned g = threadIdx.x % G, slot = threadIdx.x / G;
  const auto tile = [&](std::size_t first) {
  for (std::size_t i = threadIdx.x; i < region / 4; i += blockDim.x) words[i] = 0;
  const std::size_t row = first + slot;
  const bool active = row < n;
  float v[E];
  if (active)
    load_lane(x, t, row * C::dim + g * E, vec, v);
  else
    for (std::size_t k = 0; k < E; ++k) v[k] = 0.0f;
  __syncthreads(); // the zeroed region (and the codec copy) before any write

  float gain = group::forward<G>(c.stages(), v, g);
  float points[E];
  bool have_points = false;
  if constexpr (C::has_refinement) {
    const refined_gain r =
        group::refine<G>(c.quantiser(), c.refinement_passes(), v, g, points, have_points);
    // With the refinement's points kept, the blocks are indexed from them: v / quantise_at
    // (the last pass's input) is not needed again.
    if (!have_points)
#pragma unroll
      for (std::size_t k = 0; k < E; ++k) v[k] = v[k] / r.quantise_at;
    gain = gain * r.store;
  }
  const std::size_t base = slot * bpv * 8;
  if constexpr (C::has_gain) {
    using F = typename C::gain_format;
    group::shared_writer w{words, base, active && g == 0};
    w.put(static_cast<std::uint64_t>(F::encode(gain)), F::bits);
  }
  group::write_blocks<C, G>(c, v, g, words, base, active, points, have_points, table, smem + scratch_offset(c, false));
  __syncthreads();
  const std::size_t rows = n - first < R ? n - first : R;
  copy_bytes(codes + first * bpv, smem + code_offset(c), rows * bpv);
  };
  for_each_tile<C>(n, tile);
}

template <class C>
__global__ void __launch_bounds__(group_threads<C>)
    decode_group_kernel(const C param, const std::uint8_t* codes, std::size_t n, void* x, element_type t,
                        bool vec) {
  using T = group::codec_traits<C>;
  constexpr unsigned G = T::G;
  constexpr std::size_t E = T::E;
  constexpr unsigned R = group_threads<C> / G;
  extern __shared__ uint4 smem_raw[];
  auto* smem = reinterpret_cast<std::uint8_t*>(smem_raw);
  const C& c = block_codec(param, smem);
  const uint128* table = block_table(c, smem);
  const std::size_t bpv = c.bytes_per_vector();
  std::uint8_t* bytes = smem + code_offset(c);
  const unsigned g = threadIdx.x % G, slot = threadIdx.x / G;
  // Voronoi codecs: the scale indices of rows [unranked, unranked + unrank_rows)
  std::uint8_t* js = smem + code_offset(c) + group_code_bytes(c) + tile_floats<C> * sizeof(float);
  std::size_t unranked = 0;
  const auto tile = [&](std::size_t first) {
  const std::size_t rows = n - first < R ? n - first : R;
  copy_bytes(bytes, codes + first * bpv, rows * bpv);
  for (std::size_t i = rows * bpv + threadIdx.x; i < group_code_bytes(c); i += blockDim.x) bytes[i] = 0;
  __syncthreads();

  const std::size_t base = slot * bpv * 8;
  float gain = 1.0f;
  if constexpr (C::has_gain) {
    using F = typename C::gain_format;
    group::shared_reader r{reinterpret_cast<const std::uint32_t*>(bytes), base};
    gain = F::decode(static_cast<typename F::storage>(r.get(F::bits)));
  }
  float v[E];
  group::read_blocks<C, G>(c, bytes, base, g, v, js + (first + slot - unranked) * js_per_vector<C>,
                           smem + scratch_offset(c, true));
  group::inverse<std::tuple_size_v<std::remove_cvref_t<decltype(c.stages())>>, G>(c.stages(), v, g);
  if constexpr (C::has_gain)
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) v[k] = v[k] * gain;
  // The block's rows are contiguous in x: stage them in shared memory and store them with
  // consecutive threads on consecutive elements (a lane's own E elements would leave each
  // store instruction scattered over 32 partial sectors).
  float* tile = reinterpret_cast<float*>(smem + code_offset(c) + group_code_bytes(c));
#pragma unroll
  for (std::size_t k = 0; k < E; ++k) tile[group::pad32(slot * C::dim + g * E + k)] = v[k];
  __syncthreads();
  const std::size_t count = rows * C::dim, off = first * C::dim;
  if (t == element_type::f32) {
    float* out = static_cast<float*>(x) + off;
    if (vec) {
      for (std::size_t i = 4 * threadIdx.x; i < count; i += 4 * blockDim.x)
        *reinterpret_cast<float4*>(out + i) =
            make_float4(tile[group::pad32(i)], tile[group::pad32(i + 1)], tile[group::pad32(i + 2)], tile[group::pad32(i + 3)]);
    } else {
      for (std::size_t i = threadIdx.x; i < count; i += blockDim.x) out[i] = tile[group::pad32(i)];
    }
  } else {
    const bool f16 = t == element_type::f16;
    auto half = [&](std::size_t i) -> std::uint32_t {
      const float f = tile[group::pad32(i)];
      return f16 ? fp16::encode(f) : bf16::encode(f);
    };
    std::uint16_t* out = static_cast<std::uint16_t*>(x) + off;
    if (vec) { // 16-byte stores of 8 halves (D is a multiple of 8)
      for (std::size_t i = 8 * threadIdx.x; i < count; i += 8 * blockDim.x)
        *reinterpret_cast<uint4*>(out + i) = make_uint4(half(i) | half(i + 1) << 16, half(i + 2) | half(i + 3) << 16,
                                                        half(i + 4) | half(i + 5) << 16, half(i + 6) | half(i + 7) << 16);
    } else {
      for (std::size_t i = threadIdx.x; i < count; i += blockDim.x) out[i] = static_cast<std::uint16_t>(half(i));
    }
  }
  };
  if constexpr (has_table<C>) {
    // Super-tiles of unrank_rows vectors: thread t unranks row t's profiles, then the tiles.
    // (Zeroed first: the slots of a last tile's rows past n read valid indices.)
    for (std::size_t i = threadIdx.x; i < unrank_rows * js_per_vector<C>; i += blockDim.x) js[i] = 0;
    __syncthreads();
    for (unranked = static_cast<std::size_t>(blockIdx.x) * unrank_rows; unranked < n;
         unranked += static_cast<std::size_t>(gridDim.x) * unrank_rows) {
      const std::size_t row = unranked + threadIdx.x;
      if (row < n)
        group::unrank_vector<C::dim>(c.quantiser(), codes + row * bpv, C::gain_bits, js + threadIdx.x * js_per_vector<C>,
                                     table);
      __syncthreads();
      const std::size_t end = n - unranked < unrank_rows ? n : unranked + unrank_rows;
      for (std::size_t first = unranked; first < end; first += R) {
        tile(first);
        __syncthreads();
      }
    }
  } else {
    for_each_tile<C>(n, tile);
  }
}

inline bool aligned16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

// Blocks of a group kernel for n vectors: one per tile of 128 / G vectors; for codecs with a
// block setup (a Lloyd-Max codec copied to shared memory, a Voronoi count table), at most as
// many as the device holds at once, so the setup is paid once per block and the kernels loop
// over the tiles. (Capping the
// grid for the other codecs made them 5-17 % slower on an H100; the copy made Lloyd-Max 3.7x
// slower without it.) Occupancy queries, no sync.
template <class C, class K>
inline unsigned group_grid(K kernel, std::size_t n, std::size_t smem, std::size_t tile_rows = group_rows<C>) {
  const std::size_t tiles = (n + tile_rows - 1) / tile_rows;
  if constexpr (!block_setup<C>) return static_cast<unsigned>(tiles);
  int dev = 0, sms = 0, per_sm = 0;
  cuda_check(cudaGetDevice(&dev), "cudaGetDevice");
  cuda_check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev), "cudaDeviceGetAttribute");
  cuda_check(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, group_threads<C>, smem),
             "cudaOccupancyMaxActiveBlocksPerMultiprocessor");
  const std::size_t resident = static_cast<std::size_t>(sms) * static_cast<std::size_t>(per_sm > 0 ? per_sm : 1);
  return static_cast<unsigned>(tiles < resident ? tiles : resident);
}

// Whether a group kernel with `smem` bytes of dynamic shared memory can run on this device.
// Only codecs with a table vary (a budget of 255 over 64 scale blocks needs 256 KiB: those
// run the thread-per-vector kernel); beyond the default 48 KiB the kernel is opted in.
template <class C, class K>
inline bool group_launchable(K kernel, std::size_t smem) {
  if constexpr (!has_table<C>) {
    return true;
  } else {
    constexpr std::size_t default_limit = 48 * 1024;
    if (smem <= default_limit) return true;
    int dev = 0, optin = 0;
    cuda_check(cudaGetDevice(&dev), "cudaGetDevice");
    cuda_check(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev), "cudaDeviceGetAttribute");
    if (smem > static_cast<std::size_t>(optin)) return false;
    cuda_check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(smem)),
               "cudaFuncSetAttribute");
    return true;
  }
}

} // namespace kakeya::detail

namespace kakeya {

template <Codec C>
void encode(cuda_t s, const C& c, const void* d_x, element_type type, std::size_t n,
            std::uint8_t* d_codes) {
  if (n == 0) return;
  if constexpr (detail::is_ball_codec<C>) {
    // The codec over the device tables: lane groups where the ball fits them.
    const auto cd = detail::ball_device_codec(c);
    using C2 = std::remove_const_t<decltype(cd)>;
    if constexpr (detail::group::supported<C2>) {
      const std::size_t smem = detail::group_smem_bytes(cd, false);
      const auto kernel = detail::encode_group_kernel<C2>;
      kernel<<<detail::group_grid<C2>(kernel, n, smem), detail::group_threads<C2>, smem, detail::stream_of(s.stream)>>>(
          cd, d_x, type, n, d_codes, detail::aligned16(d_x));
    } else {
      detail::encode_kernel<C2>
          <<<detail::grid_for(n), detail::codec_block_threads, 0, detail::stream_of(s.stream)>>>(cd, d_x, type, n, d_codes);
    }
    detail::cuda_check_launch("encode kernel launch");
  } else {
    if constexpr (detail::group::supported<C>) {
      const std::size_t smem = detail::group_smem_bytes(c, false);
      const auto kernel = detail::encode_group_kernel<C>;
      if (detail::group_launchable<C>(kernel, smem)) {
        kernel<<<detail::group_grid<C>(kernel, n, smem), detail::group_threads<C>, smem,
                 detail::stream_of(s.stream)>>>(c, d_x, type, n, d_codes, detail::aligned16(d_x));
        detail::cuda_check_launch("encode kernel launch");
        return;
      }
    }
    if constexpr (!detail::group::supported<C> || detail::has_table<C>) {
      detail::encode_kernel<C><<<detail::grid_for(n), detail::codec_block_threads, 0,
                                 detail::stream_of(s.stream)>>>(c, d_x, type, n, d_codes);
      detail::cuda_check_launch("encode kernel launch");
    }
  }
}

template <Codec C>
void decode(cuda_t s, const C& c, const std::uint8_t* d_codes, std::size_t n, void* d_x,
            element_type type) {
  if (n == 0) return;
  if constexpr (detail::is_ball_codec<C>) {
    const auto cd = detail::ball_device_codec(c);
    using C2 = std::remove_const_t<decltype(cd)>;
    if constexpr (detail::group::supported<C2>) {
      const std::size_t smem = detail::group_smem_bytes(cd, true);
      const auto kernel = detail::decode_group_kernel<C2>;
      kernel<<<detail::group_grid<C2>(kernel, n, smem), detail::group_threads<C2>, smem, detail::stream_of(s.stream)>>>(
          cd, d_codes, n, d_x, type, detail::aligned16(d_x));
    } else {
      detail::decode_kernel<C2>
          <<<detail::grid_for(n), detail::codec_block_threads, 0, detail::stream_of(s.stream)>>>(cd, d_codes, n, d_x, type);
    }
    detail::cuda_check_launch("decode kernel launch");
  } else {
    if constexpr (detail::group::supported<C>) {
      const std::size_t smem = detail::group_smem_bytes(c, true);
      const auto kernel = detail::decode_group_kernel<C>;
      if (detail::group_launchable<C>(kernel, smem)) {
        const std::size_t rows = detail::has_table<C> ? detail::unrank_rows : detail::group_rows<C>;
        kernel<<<detail::group_grid<C>(kernel, n, smem, rows), detail::group_threads<C>, smem,
                 detail::stream_of(s.stream)>>>(c, d_codes, n, d_x, type, detail::aligned16(d_x));
        detail::cuda_check_launch("decode kernel launch");
        return;
      }
    }
    if constexpr (!detail::group::supported<C> || detail::has_table<C>) {
      detail::decode_kernel<C><<<detail::grid_for(n), detail::codec_block_threads, 0,
                                 detail::stream_of(s.stream)>>>(c, d_codes, n, d_x, type);
      detail::cuda_check_launch("decode kernel launch");
    }
  }
}

template <Codec C>
void encode(cuda_host_t, const C& c, std::span<const float> x, std::span<std::uint8_t> codes) {
  detail::check_bulk(x.size(), C::dim, codes.size(), c.bytes_per_vector(), "encode");
  detail::require_finite_rows(x, C::dim);
  const std::size_t n = x.size() / C::dim;
  if (n == 0) return;
  detail::device_buffer dx(x.size_bytes()), dc(codes.size_bytes());
  detail::cuda_check(cudaMemcpy(dx.as<float>(), x.data(), x.size_bytes(), cudaMemcpyHostToDevice), "cudaMemcpy");
  encode(cuda_t{}, c, dx.as<float>(), element_type::f32, n, dc.as<std::uint8_t>());
  detail::cuda_check(cudaMemcpy(codes.data(), dc.as<std::uint8_t>(), codes.size_bytes(), cudaMemcpyDeviceToHost),
                     "cudaMemcpy (encode kernel)");
}

template <Codec C>
void decode(cuda_host_t, const C& c, std::span<const std::uint8_t> codes, std::span<float> x) {
  detail::check_bulk(x.size(), C::dim, codes.size(), c.bytes_per_vector(), "decode");
  const std::size_t n = x.size() / C::dim;
  if (n == 0) return;
  detail::device_buffer dx(x.size_bytes()), dc(codes.size_bytes());
  detail::cuda_check(cudaMemcpy(dc.as<std::uint8_t>(), codes.data(), codes.size_bytes(), cudaMemcpyHostToDevice), "cudaMemcpy");
  decode(cuda_t{}, c, dc.as<std::uint8_t>(), n, dx.as<float>(), element_type::f32);
  detail::cuda_check(cudaMemcpy(x.data(), dx.as<float>(), x.size_bytes(), cudaMemcpyDeviceToHost),
                     "cudaMemcpy (decode kernel)");
}

template <Codec C>
void roundtrip(cuda_host_t, const C& c, std::span<const float> x, std::span<float> out) {
  require(x.size() == out.size() && x.size() % C::dim == 0, errc::invalid_dimension,
          "roundtrip: " + std::to_string(x.size()) + " input and " + std::to_string(out.size()) +
              " output values for dimension " + std::to_string(C::dim));
  detail::require_finite_rows(x, C::dim);
  const std::size_t n = x.size() / C::dim;
  if (n == 0) return;
  detail::device_buffer dx(x.size_bytes()), dc(n * c.bytes_per_vector());
  detail::cuda_check(cudaMemcpy(dx.as<float>(), x.data(), x.size_bytes(), cudaMemcpyHostToDevice), "cudaMemcpy");
  encode(cuda_t{}, c, dx.as<float>(), element_type::f32, n, dc.as<std::uint8_t>());
  decode(cuda_t{}, c, dc.as<std::uint8_t>(), n, dx.as<float>(), element_type::f32);
  detail::cuda_check(cudaMemcpy(out.data(), dx.as<float>(), x.size_bytes(), cudaMemcpyDeviceToHost),
                     "cudaMemcpy (roundtrip kernels)");
}

} // namespace kakeya

/// Instantiates the CUDA backend for codec type C (in one .cu file of the program).
#define KAKEYA_CUDA_INSTANTIATE(...)                                                                 \
  template void kakeya::encode<__VA_ARGS__>(kakeya::cuda_t, const __VA_ARGS__&, const void*,         \
                                            kakeya::element_type, std::size_t, std::uint8_t*);       \
  template void kakeya::decode<__VA_ARGS__>(kakeya::cuda_t, const __VA_ARGS__&, const std::uint8_t*, \
                                            std::size_t, void*, kakeya::element_type);               \
  template void kakeya::encode<__VA_ARGS__>(kakeya::cuda_host_t, const __VA_ARGS__&,                 \
                                            std::span<const float>, std::span<std::uint8_t>);        \
  template void kakeya::decode<__VA_ARGS__>(kakeya::cuda_host_t, const __VA_ARGS__&,                 \
                                            std::span<const std::uint8_t>, std::span<float>);        \
  template void kakeya::roundtrip<__VA_ARGS__>(kakeya::cuda_host_t, const __VA_ARGS__&,              \
                                               std::span<const float>, std::span<float>);

namespace kakeya::detail {
/// Instantiates the CUDA backend for every type of a type_list (by taking addresses).
template <class... C>
constexpr auto cuda_instantiate(type_list<C...>) {
  return std::make_tuple(
      std::make_tuple(static_cast<void (*)(cuda_t, const C&, const void*, element_type, std::size_t, std::uint8_t*)>(&encode<C>),
                      static_cast<void (*)(cuda_t, const C&, const std::uint8_t*, std::size_t, void*, element_type)>(&decode<C>),
                      static_cast<void (*)(cuda_host_t, const C&, std::span<const float>, std::span<std::uint8_t>)>(&encode<C>),
                      static_cast<void (*)(cuda_host_t, const C&, std::span<const std::uint8_t>, std::span<float>)>(&decode<C>),
                      static_cast<void (*)(cuda_host_t, const C&, std::span<const float>, std::span<float>)>(&roundtrip<C>))...);
}
} // namespace kakeya::detail
