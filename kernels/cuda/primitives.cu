// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Batched primitives: Hadamard (sign flips fused), FP8 e4m3 blocks with ue8m0 scales, E8
// closest points. Same operations on the same pairs as the host code, so the same bits.
#include <cuda_runtime.h>

#include "cuda_check.cuh"
#include "group.cuh"
#include "kakeya/backend/cuda.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/scalar/fp8_block.hpp"
#include "kakeya/transform/hadamard.hpp"
#include "kakeya/transform/sign_flip.hpp"

namespace kakeya::detail {
namespace {

__device__ inline float apply_sign(float v, std::uint64_t seed, std::size_t i) {
  return seed != 0 ? xor_sign_bit(v, sign_mask(seed, i)) : v;
}

// Thread-chunked transform: T threads per row, each holding E = D/T consecutive elements in
// registers (loaded as float4). Strides below E are butterflies inside a thread; strides E ..
// 32E pair thread t with thread t ^ (h/E) of the same warp through a shuffle. Larger strides
// (T > 32, H = T/32 warps per row) take one trip through shared memory: element
// i = lo + hi * 32E (lo < 32E, hi < H) is written there, then thread t takes every hi of the
// lo values t, t + T, …, runs the remaining log2 H stages in registers and stores straight to
// global memory (consecutive threads, consecutive addresses). One pad float per 32 keeps both
// shared-memory passes free of bank conflicts. Every pair (a, b) becomes (a + b, a - b)
// exactly as in fwht_stage: the lower partner computes own + other, the upper other - own.
template <std::size_t E, std::size_t T>
__global__ void __launch_bounds__(T < 256 ? 256 : T)
    hadamard_chunk_kernel(float* x, std::size_t rows, std::uint64_t seed, bool inverse) {
  constexpr std::size_t D = E * T;
  constexpr std::size_t rows_per_block = T < 256 ? 256 / T : 1;
  extern __shared__ float sh[]; // D floats per row of the block when T > 32
  const std::size_t local_row = threadIdx.x / T, t = threadIdx.x % T;
  const std::size_t r = blockIdx.x * rows_per_block + local_row;
  const bool active = r < rows;
  float* row = x + (active ? r : 0) * D;
  float v[E];
  if (active) {
#pragma unroll
    for (std::size_t k = 0; k < E; k += 4) {
      const float4 q = *reinterpret_cast<const float4*>(row + t * E + k);
      v[k] = q.x;
      v[k + 1] = q.y;
      v[k + 2] = q.z;
      v[k + 3] = q.w;
    }
    if (!inverse && seed != 0) {
#pragma unroll
      for (std::size_t k = 0; k < E; ++k) v[k] = apply_sign(v[k], seed, t * E + k);
    }
  }
#pragma unroll
  for (std::size_t h = 1; h < E; h *= 2) {
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) {
      if ((k & h) == 0) {
        const float a = v[k], b = v[k + h];
        v[k] = a + b;
        v[k + h] = a - b;
      }
    }
  }
  const unsigned lane = threadIdx.x % 32;
#pragma unroll
  for (std::size_t h = E; h < D && h < 32 * E; h *= 2) {
    const unsigned mask = static_cast<unsigned>(h / E);
    const bool upper = (lane & mask) != 0;
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) {
      const float other = __shfl_xor_sync(0xffffffffu, v[k], mask);
      v[k] = upper ? other - v[k] : v[k] + other;
    }
  }
  const float s = inv_sqrt_pow2(log2_pow2(D));
  if constexpr (T > 32) {
    constexpr std::size_t H = T / 32, L = 32 * E, J = E / H;
    static_assert(E % H == 0, "each thread takes E / H lo values");
    float* srow = sh + local_row * group::pad32(D);
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) srow[group::pad32(t * E + k)] = v[k];
    __syncthreads();
    if (!active) return;
    float u[J][H];
#pragma unroll
    for (std::size_t j = 0; j < J; ++j)
#pragma unroll
      for (std::size_t hi = 0; hi < H; ++hi) u[j][hi] = srow[group::pad32(t + j * T + hi * L)];
#pragma unroll
    for (std::size_t h = 1; h < H; h *= 2)
#pragma unroll
      for (std::size_t j = 0; j < J; ++j)
#pragma unroll
        for (std::size_t hi = 0; hi < H; ++hi)
          if ((hi & h) == 0) {
            const float a = u[j][hi], b = u[j][hi + h];
            u[j][hi] = a + b;
            u[j][hi + h] = a - b;
          }
#pragma unroll
    for (std::size_t j = 0; j < J; ++j)
#pragma unroll
      for (std::size_t hi = 0; hi < H; ++hi) {
        const std::size_t i = t + j * T + hi * L;
        float w = u[j][hi] * s;
        if (inverse && seed != 0) w = apply_sign(w, seed, i);
        row[i] = w;
      }
  } else {
    if (!active) return;
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) {
      v[k] = v[k] * s;
      if (inverse && seed != 0) v[k] = apply_sign(v[k], seed, t * E + k);
    }
#pragma unroll
    for (std::size_t k = 0; k < E; k += 4)
      *reinterpret_cast<float4*>(row + t * E + k) = make_float4(v[k], v[k + 1], v[k + 2], v[k + 3]);
  }
}

// Small or large D: the host-device code itself, one thread per row (D < 32) or one block per
// row through shared memory (D > 1024, one butterfly stage per barrier).
__global__ void hadamard_small_kernel(float* x, std::size_t rows, std::size_t dim, std::uint64_t seed,
                                      bool inverse) {
  const std::size_t r = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (r >= rows) return;
  float* row = x + r * dim;
  if (!inverse && seed != 0) apply_signs(row, dim, seed);
  fwht(row, dim);
  if (inverse && seed != 0) apply_signs(row, dim, seed);
}

// FP8 blocks of 64: a warp takes 4 blocks (256 floats) in two fully coalesced float4 loads
// (instruction j covers floats 128 j .. 128 j + 127, i.e. blocks 2j and 2j + 1, 16 lanes
// each); a block's amax by shuffles over its 16 lanes, then fp8_block's own scale and
// per-element steps; codes leave as coalesced 4-byte stores.
__global__ void __launch_bounds__(256)
    fp8_blocks64_lanes_kernel(const float* x, std::size_t n, std::uint8_t* codes, std::uint8_t* scales) {
  using B = fp8_block<fp8_e4m3, 64, ue8m0>;
  const std::size_t warp = (blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x) / 32;
  const unsigned lane = threadIdx.x % 32;
#pragma unroll
  for (int j = 0; j < 2; ++j) {
    const std::size_t b = 4 * warp + 2 * j + lane / 16; // this lane's block
    const bool active = b < n;
    const std::size_t i = b * 64 + (lane % 16) * 4;      // its first element
    float4 p = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    if (active) p = __ldg(reinterpret_cast<const float4*>(x + i));
    const float v[4] = {p.x, p.y, p.z, p.w};
    std::uint32_t best = 0;
#pragma unroll
    for (int k = 0; k < 4; ++k) best = B::amax_bits(best, v[k]);
#pragma unroll
    for (unsigned m = 1; m < 16; m *= 2) {
      const std::uint32_t o = __shfl_xor_sync(0xffffffffu, best, m);
      best = o > best ? o : best;
    }
    if (!active) continue;
    const float amax = float_from_bits(best);
    const auto scale = B::scale_for(amax);
    const float d = B::scale_format::decode(scale);
    std::uint32_t w = 0;
#pragma unroll
    for (int k = 0; k < 4; ++k) w |= std::uint32_t{B::element_code(v[k], amax, d)} << (8 * k);
    *reinterpret_cast<std::uint32_t*>(codes + i) = w;
    if (lane % 16 == 0) scales[b] = scale;
  }
}

// Any alignment: one thread per block, fp8_block::quantise itself.
__global__ void fp8_blocks64_kernel(const float* x, std::size_t n, std::uint8_t* codes, std::uint8_t* scales) {
  const std::size_t b = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (b >= n) return;
  using B = fp8_block<fp8_e4m3, 64, ue8m0>;
  B::quantise(std::span<const float, 64>(x + b * 64, 64), scales[b],
              std::span<std::uint8_t, 64>(codes + b * 64, 64));
}

__global__ void e8_kernel(const float* y, std::size_t n, int q, float* out) {
  const std::size_t b = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (b >= n) return;
  std::span<const float, 8> in(y + 8 * b, 8);
  std::span<float, 8> o(out + 8 * b, 8);
  if (q > 0)
    e8::box_closest_point(in, q, o);
  else
    e8::closest_point(in, o);
}

template <std::size_t E, std::size_t T>
void launch_chunked(float* d_x, std::size_t rows, std::uint64_t seed, bool inverse, cudaStream_t st) {
  constexpr std::size_t rows_per_block = T < 256 ? 256 / T : 1;
  constexpr std::size_t threads = T < 256 ? 256 : T;
  const std::size_t smem = T > 32 ? rows_per_block * group::pad32(E * T) * sizeof(float) : 0;
  if (smem > 48 * 1024)
    cuda_check(cudaFuncSetAttribute(hadamard_chunk_kernel<E, T>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                    static_cast<int>(smem)),
               "cudaFuncSetAttribute");
  const auto blocks = static_cast<unsigned>((rows + rows_per_block - 1) / rows_per_block);
  hadamard_chunk_kernel<E, T><<<blocks, threads, smem, st>>>(d_x, rows, seed, inverse);
}

} // namespace
} // namespace kakeya::detail

namespace kakeya::cuda_primitives {

void hadamard(cuda_t s, float* d_x, std::size_t rows, std::size_t dim, std::uint64_t seed, bool inverse) {
  require(is_hadamard_dim(dim), errc::invalid_dimension,
          "cuda hadamard: length " + std::to_string(dim) + " is not a power of two in [2, 32768]");
  if (rows == 0) return;
  cudaStream_t st = detail::stream_of(s.stream);
  // Elements per thread and threads per row: 4 per thread up to D = 128, 8 and 16 in one warp
  // for D = 256 and 512, then 16 per thread (32 for D >= 16384) and one shared-memory trip.
  switch (dim) {
  case 4: detail::launch_chunked<4, 1>(d_x, rows, seed, inverse, st); break;
  case 8: detail::launch_chunked<4, 2>(d_x, rows, seed, inverse, st); break;
  case 16: detail::launch_chunked<4, 4>(d_x, rows, seed, inverse, st); break;
  case 32: detail::launch_chunked<4, 8>(d_x, rows, seed, inverse, st); break;
  case 64: detail::launch_chunked<4, 16>(d_x, rows, seed, inverse, st); break;
  case 128: detail::launch_chunked<4, 32>(d_x, rows, seed, inverse, st); break;
  case 256: detail::launch_chunked<8, 32>(d_x, rows, seed, inverse, st); break;
  case 512: detail::launch_chunked<16, 32>(d_x, rows, seed, inverse, st); break;
  case 1024: detail::launch_chunked<16, 64>(d_x, rows, seed, inverse, st); break;
  case 2048: detail::launch_chunked<16, 128>(d_x, rows, seed, inverse, st); break;
  case 4096: detail::launch_chunked<16, 256>(d_x, rows, seed, inverse, st); break;
  case 8192: detail::launch_chunked<16, 512>(d_x, rows, seed, inverse, st); break;
  case 16384: detail::launch_chunked<32, 512>(d_x, rows, seed, inverse, st); break;
  case 32768: detail::launch_chunked<32, 1024>(d_x, rows, seed, inverse, st); break;
  default: // D = 2: one thread per row, the host-device code itself
    detail::hadamard_small_kernel<<<static_cast<unsigned>((rows + 127) / 128), 128, 0, st>>>(
        d_x, rows, dim, seed, inverse);
  }
  detail::cuda_check_launch("hadamard kernel launch");
}

void fp8_e4m3_ue8m0_blocks64(cuda_t s, const float* d_x, std::size_t n, std::uint8_t* d_codes,
                             std::uint8_t* d_scales) {
  if (n == 0) return;
  const auto st = detail::stream_of(s.stream);
  if (reinterpret_cast<std::uintptr_t>(d_x) % 16 == 0 && reinterpret_cast<std::uintptr_t>(d_codes) % 4 == 0)
    detail::fp8_blocks64_lanes_kernel<<<static_cast<unsigned>((n + 31) / 32), 256, 0, st>>>( // 4 blocks a warp
        d_x, n, d_codes, d_scales);
  else
    detail::fp8_blocks64_kernel<<<static_cast<unsigned>((n + 127) / 128), 128, 0, st>>>(d_x, n, d_codes, d_scales);
  detail::cuda_check_launch("fp8 block kernel launch");
}

void e8_closest_points(cuda_t s, const float* d_y, std::size_t n, int q, float* d_out) {
  require(q >= 0 && q <= e8::max_box_q, errc::invalid_argument, "cuda e8_closest_points: q out of range");
  if (n == 0) return;
  detail::e8_kernel<<<static_cast<unsigned>((n + 127) / 128), 128, 0, detail::stream_of(s.stream)>>>(d_y, n, q, d_out);
  detail::cuda_check_launch("e8 kernel launch");
}

} // namespace kakeya::cuda_primitives
