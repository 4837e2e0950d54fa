// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Batched primitives: Hadamard (sign flips fused), FP8 e4m3 blocks with ue8m0 scales, E8
// closest points. Same operations on the same pairs as the host code, so the same bits.
#include <cuda_runtime.h>

#include "cuda_check.cuh"
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

// One warp per row, D in [32, 1024]: lane t holds the E = D/32 consecutive elements
// t*E .. t*E+E-1. Strides below E are butterflies inside the lane; strides E .. D/2 pair lane t
// with lane t ^ (h/E) through a shuffle. Each pair (a, b) -> (a + b, a - b) as in fwht_stage.
template <std::size_t D>
__global__ void hadamard_warp_kernel(float* x, std::size_t rows, std::uint64_t seed, bool inverse) {
  constexpr std::size_t E = D / 32;
  const std::size_t warp = (blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x) / 32;
  const unsigned lane = threadIdx.x % 32;
  if (warp >= rows) return;
  float* row = x + warp * D;
  float r[E];
#pragma unroll
  for (std::size_t k = 0; k < E; ++k) {
    const std::size_t i = lane * E + k;
    r[k] = inverse ? row[i] : apply_sign(row[i], seed, i);
  }
#pragma unroll
  for (std::size_t h = 1; h < E; h *= 2) {
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) {
      if ((k & h) == 0) {
        const float a = r[k], b = r[k + h];
        r[k] = a + b;
        r[k + h] = a - b;
      }
    }
  }
#pragma unroll
  for (std::size_t h = E; h < D; h *= 2) {
    const unsigned mask = static_cast<unsigned>(h / E);
    const bool upper = (lane & mask) != 0;
#pragma unroll
    for (std::size_t k = 0; k < E; ++k) {
      const float other = __shfl_xor_sync(0xffffffffu, r[k], mask);
      r[k] = upper ? other - r[k] : r[k] + other; // lower keeps a + b, upper gets a - b
    }
  }
  const float s = inv_sqrt_pow2(log2_pow2(D));
#pragma unroll
  for (std::size_t k = 0; k < E; ++k) {
    const std::size_t i = lane * E + k;
    const float v = r[k] * s;
    row[i] = inverse ? apply_sign(v, seed, i) : v;
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

__global__ void hadamard_block_kernel(float* x, std::size_t dim, std::uint64_t seed, bool inverse) {
  extern __shared__ float sh[];
  float* row = x + blockIdx.x * dim;
  for (std::size_t i = threadIdx.x; i < dim; i += blockDim.x)
    sh[i] = inverse ? row[i] : apply_sign(row[i], seed, i);
  __syncthreads();
  for (std::size_t h = 1; h < dim; h *= 2) {
    for (std::size_t p = threadIdx.x; p < dim / 2; p += blockDim.x) {
      const std::size_t lo = (p / h) * 2 * h + (p % h), hi = lo + h;
      const float a = sh[lo], b = sh[hi];
      sh[lo] = a + b;
      sh[hi] = a - b;
    }
    __syncthreads();
  }
  const float s = inv_sqrt_pow2(log2_pow2(dim));
  for (std::size_t i = threadIdx.x; i < dim; i += blockDim.x) {
    const float v = sh[i] * s;
    row[i] = inverse ? apply_sign(v, seed, i) : v;
  }
}

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

template <std::size_t D>
void launch_warp(float* d_x, std::size_t rows, std::uint64_t seed, bool inverse, cudaStream_t st) {
  const unsigned threads = 256, warps_per_block = threads / 32;
  const auto blocks = static_cast<unsigned>((rows + warps_per_block - 1) / warps_per_block);
  hadamard_warp_kernel<D><<<blocks, threads, 0, st>>>(d_x, rows, seed, inverse);
}

} // namespace
} // namespace kakeya::detail

namespace kakeya::cuda_primitives {

void hadamard(cuda_t s, float* d_x, std::size_t rows, std::size_t dim, std::uint64_t seed, bool inverse) {
  require(is_hadamard_dim(dim), errc::invalid_dimension,
          "cuda hadamard: length " + std::to_string(dim) + " is not a power of two in [2, 32768]");
  if (rows == 0) return;
  cudaStream_t st = detail::stream_of(s.stream);
  switch (dim) {
  case 32: detail::launch_warp<32>(d_x, rows, seed, inverse, st); break;
  case 64: detail::launch_warp<64>(d_x, rows, seed, inverse, st); break;
  case 128: detail::launch_warp<128>(d_x, rows, seed, inverse, st); break;
  case 256: detail::launch_warp<256>(d_x, rows, seed, inverse, st); break;
  case 512: detail::launch_warp<512>(d_x, rows, seed, inverse, st); break;
  case 1024: detail::launch_warp<1024>(d_x, rows, seed, inverse, st); break;
  default:
    if (dim < 32) {
      detail::hadamard_small_kernel<<<static_cast<unsigned>((rows + 127) / 128), 128, 0, st>>>(
          d_x, rows, dim, seed, inverse);
    } else {
      const std::size_t bytes = dim * sizeof(float);
      detail::cuda_check(cudaFuncSetAttribute(detail::hadamard_block_kernel,
                                              cudaFuncAttributeMaxDynamicSharedMemorySize,
                                              static_cast<int>(bytes)),
                         "cudaFuncSetAttribute");
      detail::hadamard_block_kernel<<<static_cast<unsigned>(rows), 1024, bytes, st>>>(d_x, dim, seed, inverse);
    }
  }
  detail::cuda_check_launch("hadamard kernel launch");
}

void fp8_e4m3_ue8m0_blocks64(cuda_t s, const float* d_x, std::size_t n, std::uint8_t* d_codes,
                             std::uint8_t* d_scales) {
  if (n == 0) return;
  detail::fp8_blocks64_kernel<<<static_cast<unsigned>((n + 127) / 128), 128, 0, detail::stream_of(s.stream)>>>(
      d_x, n, d_codes, d_scales);
  detail::cuda_check_launch("fp8 block kernel launch");
}

void e8_closest_points(cuda_t s, const float* d_y, std::size_t n, int q, float* d_out) {
  require(q >= 0 && q <= e8::max_box_q, errc::invalid_argument, "cuda e8_closest_points: q out of range");
  if (n == 0) return;
  detail::e8_kernel<<<static_cast<unsigned>((n + 127) / 128), 128, 0, detail::stream_of(s.stream)>>>(d_y, n, q, d_out);
  detail::cuda_check_launch("e8 kernel launch");
}

} // namespace kakeya::cuda_primitives
