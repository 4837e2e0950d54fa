// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The per-vector primitives compiled by nvcc and run on the GPU give the same bits as on the
// host: lattice closest points (plain and box-truncated) and indices, FP8/fp16/bf16
// conversions, the Hadamard transform (plain and randomised) and Lloyd-Max encode/decode.
// Exits 77 (skipped) when no CUDA device is present.
#include <cuda_fp8.h>
#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "kakeya/core/float_formats.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/lattice/zn.hpp"
#include "kakeya/scalar/lloyd_max.hpp"
#include "kakeya/transform/hadamard.hpp"
#include "kakeya/transform/sign_flip.hpp"

namespace {

int failures = 0;

#define CHECK_CUDA(call)                                                                       \
  do {                                                                                         \
    cudaError_t e_ = (call);                                                                   \
    if (e_ != cudaSuccess) {                                                                   \
      std::fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
      std::exit(1);                                                                            \
    }                                                                                          \
  } while (0)

template <class T>
T* to_device(const std::vector<T>& v) {
  T* d = nullptr;
  CHECK_CUDA(cudaMalloc(&d, v.size() * sizeof(T) + 1));
  CHECK_CUDA(cudaMemcpy(d, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
  return d;
}
template <class T>
std::vector<T> to_host(const T* d, std::size_t n) {
  std::vector<T> v(n);
  CHECK_CUDA(cudaMemcpy(v.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost));
  return v;
}
template <class T>
void expect_same(const char* what, const std::vector<T>& gpu, const std::vector<T>& cpu) {
  std::size_t bad = 0;
  for (std::size_t i = 0; i < cpu.size(); ++i)
    if (std::memcmp(&gpu[i], &cpu[i], sizeof(T)) != 0) ++bad;
  std::printf("%-28s %zu values, %zu differ\n", what, cpu.size(), bad);
  failures += bad != 0;
}

template <class L, bool Box>
__global__ void lattice_kernel(const float* y, float* out, std::uint64_t* idx, std::size_t blocks, int q) {
  std::size_t b = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (b >= blocks) return;
  std::span<const float, L::dim> in(y + b * L::dim, L::dim);
  std::span<float, L::dim> o(out + b * L::dim, L::dim);
  if constexpr (Box) {
    L::box_closest_point(in, q, o);
    kakeya::uint128 i = L::box_to_index(std::span<const float, L::dim>(o), q);
    idx[2 * b] = static_cast<std::uint64_t>(i);
    idx[2 * b + 1] = static_cast<std::uint64_t>(i >> 64);
  } else {
    L::closest_point(in, o);
  }
}

template <class L, bool Box>
void check_lattice(const char* name, const std::vector<float>& y, int q) {
  std::size_t blocks = y.size() / L::dim;
  std::vector<float> cpu(y.size());
  std::vector<std::uint64_t> cpu_idx(2 * blocks, 0);
  for (std::size_t b = 0; b < blocks; ++b) {
    std::span<const float, L::dim> in(y.data() + b * L::dim, L::dim);
    std::span<float, L::dim> o(cpu.data() + b * L::dim, L::dim);
    if constexpr (Box) {
      L::box_closest_point(in, q, o);
      kakeya::uint128 i = L::box_to_index(std::span<const float, L::dim>(o), q);
      cpu_idx[2 * b] = static_cast<std::uint64_t>(i);
      cpu_idx[2 * b + 1] = static_cast<std::uint64_t>(i >> 64);
    } else {
      L::closest_point(in, o);
    }
  }
  float* dy = to_device(y);
  float* dout = nullptr;
  std::uint64_t* didx = nullptr;
  CHECK_CUDA(cudaMalloc(&dout, y.size() * sizeof(float)));
  CHECK_CUDA(cudaMalloc(&didx, 2 * blocks * sizeof(std::uint64_t)));
  CHECK_CUDA(cudaMemset(didx, 0, 2 * blocks * sizeof(std::uint64_t)));
  lattice_kernel<L, Box><<<(blocks + 127) / 128, 128>>>(dy, dout, didx, blocks, q);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());
  expect_same(name, to_host(dout, y.size()), cpu);
  if (Box) expect_same("  indices", to_host(didx, 2 * blocks), cpu_idx);
  cudaFree(dy);
  cudaFree(dout);
  cudaFree(didx);
}

template <class F>
__global__ void format_kernel(const float* x, float* out, std::size_t n) {
  std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i < n) out[i] = F::decode(F::encode(x[i]));
}

template <class F>
void check_format(const char* name, const std::vector<float>& x) {
  std::vector<float> cpu(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) cpu[i] = F::decode(F::encode(x[i]));
  float* dx = to_device(x);
  float* dout = nullptr;
  CHECK_CUDA(cudaMalloc(&dout, x.size() * sizeof(float)));
  format_kernel<F><<<(x.size() + 255) / 256, 256>>>(dx, dout, x.size());
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());
  expect_same(name, to_host(dout, x.size()), cpu);
  cudaFree(dx);
  cudaFree(dout);
}

// The GPU's own conversion instructions, against the library's bit-exact software rounding.
__global__ void native_fp8_kernel(const float* x, std::uint8_t* e4m3, std::uint8_t* e5m2, std::size_t n) {
  std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i >= n) return;
  e4m3[i] = static_cast<std::uint8_t>(__nv_cvt_float_to_fp8(x[i], __NV_SATFINITE, __NV_E4M3));
  e5m2[i] = static_cast<std::uint8_t>(__nv_cvt_float_to_fp8(x[i], __NV_SATFINITE, __NV_E5M2));
}

// Every float bit pattern: the library's encode (the hardware conversion on sm_89+ for
// non-NaN input) against its bit-manipulation encode_soft, for both FP8 formats.
__global__ void fp8_exhaustive_kernel(unsigned long long* mismatches, unsigned* first) {
  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * blockDim.x;
  unsigned long long bad = 0;
  for (std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x; i < (1ull << 32);
       i += stride) {
    const float x = kakeya::detail::float_from_bits(static_cast<std::uint32_t>(i));
    const bool differ = kakeya::fp8_e4m3::encode(x) != kakeya::fp8_e4m3::encode_soft(x) ||
                        kakeya::fp8_e5m2::encode(x) != kakeya::fp8_e5m2::encode_soft(x) ||
                        kakeya::fp8_e4m3_nosat::encode(x) != kakeya::fp8_e4m3_nosat::encode_soft(x);
    if (differ) {
      ++bad;
      atomicMin(first, static_cast<unsigned>(i));
    }
  }
  if (bad != 0) atomicAdd(mismatches, bad);
}

template <std::size_t D>
__global__ void hadamard_kernel(float* x, std::size_t rows, std::uint64_t seed) {
  std::size_t r = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (r >= rows) return;
  std::span<float, D> v(x + r * D, D);
  if (seed == 0)
    kakeya::hadamard<D>{}.forward(v);
  else
    kakeya::randomized_hadamard<D>{seed}.forward(v);
}

template <std::size_t D>
void check_hadamard(const std::vector<float>& x, std::uint64_t seed) {
  std::size_t rows = x.size() / D;
  std::vector<float> cpu = x;
  for (std::size_t r = 0; r < rows; ++r) {
    std::span<float, D> v(cpu.data() + r * D, D);
    if (seed == 0)
      kakeya::hadamard<D>{}.forward(v);
    else
      kakeya::randomized_hadamard<D>{seed}.forward(v);
  }
  float* dx = to_device(x);
  hadamard_kernel<D><<<(rows + 63) / 64, 64>>>(dx, rows, seed);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaDeviceSynchronize());
  char name[64];
  std::snprintf(name, sizeof name, "hadamard D=%zu seed=%llu", D, static_cast<unsigned long long>(seed));
  expect_same(name, to_host(dx, x.size()), cpu);
  cudaFree(dx);
}

__global__ void lloyd_kernel(kakeya::lloyd_max q, const float* x, float* out, std::size_t n) {
  std::size_t i = blockIdx.x * static_cast<std::size_t>(blockDim.x) + threadIdx.x;
  if (i < n) out[i] = q.decode(q.encode(x[i]));
}

} // namespace

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("no CUDA device: skipped\n");
    return 77;
  }
  cudaDeviceProp prop{};
  CHECK_CUDA(cudaGetDeviceProperties(&prop, 0));
  std::printf("device: %s (sm_%d%d)\n", prop.name, prop.major, prop.minor);

  kakeya::random_stream rng(2026);
  std::vector<float> y(8 * 40000);
  for (std::size_t i = 0; i < y.size(); ++i) {
    double g = rng.gaussian() * 6;
    // a quarter of the values sit exactly on half-integers (ties for rounding)
    y[i] = (i % 4 == 0) ? static_cast<float>(std::floor(g) + 0.5) : static_cast<float>(g);
  }
  check_lattice<kakeya::zn<8>, false>("z8 closest point", y, 0);
  check_lattice<kakeya::dn<4>, false>("d4 closest point", y, 0);
  check_lattice<kakeya::dn<8>, false>("d8 closest point", y, 0);
  check_lattice<kakeya::e8, false>("e8 closest point", y, 0);
  check_lattice<kakeya::dn<4>, true>("d4 box q=3", y, 3);
  check_lattice<kakeya::e8, true>("e8 box q=3", y, 3);
  check_lattice<kakeya::e8, true>("e8 box q=1000", y, 1000);

  std::vector<float> x;
  for (std::uint32_t b = 0; b < (1u << 16); ++b) { // every fp16-like exponent range, plus ties
    std::uint32_t bits = (b << 16) | (b * 2654435761u >> 16);
    float f;
    std::memcpy(&f, &bits, 4);
    x.push_back(f);
    x.push_back(static_cast<float>(rng.gaussian() * 100));
  }
  check_format<kakeya::fp8_e4m3>("fp8 e4m3", x);
  check_format<kakeya::fp8_e5m2>("fp8 e5m2", x);
  check_format<kakeya::fp16>("fp16", x);
  check_format<kakeya::bf16>("bf16", x);
  check_format<kakeya::ue8m0>("ue8m0", x);
  {
    std::vector<float> finite;
    for (float f : x)
      if (!std::isnan(f)) finite.push_back(f);
    float* dx = to_device(finite);
    std::uint8_t *d4 = nullptr, *d5 = nullptr;
    CHECK_CUDA(cudaMalloc(&d4, finite.size()));
    CHECK_CUDA(cudaMalloc(&d5, finite.size()));
    native_fp8_kernel<<<(finite.size() + 255) / 256, 256>>>(dx, d4, d5, finite.size());
    CHECK_CUDA(cudaGetLastError());
    CHECK_CUDA(cudaDeviceSynchronize());
    std::vector<std::uint8_t> c4(finite.size()), c5(finite.size());
    for (std::size_t i = 0; i < finite.size(); ++i) {
      c4[i] = kakeya::fp8_e4m3::encode(finite[i]);
      c5[i] = kakeya::fp8_e5m2::encode(finite[i]);
    }
    expect_same("e4m3 vs __nv_cvt_float_to_fp8", to_host(d4, finite.size()), c4);
    expect_same("e5m2 vs __nv_cvt_float_to_fp8", to_host(d5, finite.size()), c5);
    cudaFree(dx);
    cudaFree(d4);
    cudaFree(d5);
  }

  {
    unsigned long long* dbad = nullptr;
    unsigned* dfirst = nullptr;
    CHECK_CUDA(cudaMalloc(&dbad, sizeof(unsigned long long)));
    CHECK_CUDA(cudaMalloc(&dfirst, sizeof(unsigned)));
    CHECK_CUDA(cudaMemset(dbad, 0, sizeof(unsigned long long)));
    CHECK_CUDA(cudaMemset(dfirst, 0xff, sizeof(unsigned)));
    fp8_exhaustive_kernel<<<4096, 256>>>(dbad, dfirst);
    CHECK_CUDA(cudaGetLastError());
    CHECK_CUDA(cudaDeviceSynchronize());
    unsigned long long bad = 0;
    unsigned first = 0;
    CHECK_CUDA(cudaMemcpy(&bad, dbad, sizeof bad, cudaMemcpyDeviceToHost));
    CHECK_CUDA(cudaMemcpy(&first, dfirst, sizeof first, cudaMemcpyDeviceToHost));
    std::printf("fp8 encode vs encode_soft over all 2^32 floats: %llu mismatches", bad);
    if (bad != 0) std::printf(" (first bits 0x%08x)", first);
    std::printf("\n");
    failures += bad != 0;
    cudaFree(dbad);
    cudaFree(dfirst);
  }

  std::vector<float> h(512 * 300);
  for (auto& v : h) v = static_cast<float>(rng.gaussian());
  check_hadamard<128>(h, 0);
  check_hadamard<512>(h, 0);
  check_hadamard<512>(h, 77);
  check_hadamard<1024>(h, 0);

  for (int bits = 1; bits <= 8; ++bits) {
    auto q = kakeya::lloyd_max::gaussian(bits);
    std::vector<float> cpu(h.size());
    for (std::size_t i = 0; i < h.size(); ++i) cpu[i] = q.decode(q.encode(h[i]));
    float* dx = to_device(h);
    float* dout = nullptr;
    CHECK_CUDA(cudaMalloc(&dout, h.size() * sizeof(float)));
    lloyd_kernel<<<(h.size() + 255) / 256, 256>>>(q, dx, dout, h.size());
    CHECK_CUDA(cudaGetLastError());
    CHECK_CUDA(cudaDeviceSynchronize());
    char name[32];
    std::snprintf(name, sizeof name, "lloyd-max %d bits", bits);
    expect_same(name, to_host(dout, h.size()), cpu);
    cudaFree(dx);
    cudaFree(dout);
  }
  std::printf("%s\n", failures == 0 ? "all equal" : "MISMATCHES");
  return failures == 0 ? 0 : 1;
}
