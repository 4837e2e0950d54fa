// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// The codec kernels: one templated family for every codec type. Each thread runs the codec's
// own per-vector encode/decode (codec.hpp), so the bits are the scalar backend's.
// Include in a .cu file and call KAKEYA_CUDA_INSTANTIATE(C) to instantiate a codec of your own.

#include <cuda_runtime.h>

#include <cstring>
#include <tuple>
#include <vector>

#include "cuda_check.cuh"
#include "kakeya/backend/cuda.hpp"
#include "kakeya/backend/scalar.hpp"
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

} // namespace kakeya::detail

namespace kakeya {

template <Codec C>
void encode(cuda_t s, const C& c, const void* d_x, element_type type, std::size_t n,
            std::uint8_t* d_codes) {
  if (n == 0) return;
  detail::encode_kernel<C><<<detail::grid_for(n), detail::codec_block_threads, 0,
                             detail::stream_of(s.stream)>>>(c, d_x, type, n, d_codes);
  detail::cuda_check_launch("encode kernel launch");
}

template <Codec C>
void decode(cuda_t s, const C& c, const std::uint8_t* d_codes, std::size_t n, void* d_x,
            element_type type) {
  if (n == 0) return;
  detail::decode_kernel<C><<<detail::grid_for(n), detail::codec_block_threads, 0,
                             detail::stream_of(s.stream)>>>(c, d_codes, n, d_x, type);
  detail::cuda_check_launch("decode kernel launch");
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
