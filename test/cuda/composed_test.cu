// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// User-composed codecs on the CUDA backend, instantiated here with codec_kernels.cuh (as a
// user would): two that run on lane groups (randomised Hadamard + unit norm + refinement +
// bf16 gain over D8; FP8 blocks spanning several lanes after a gain stage) and one with a
// gain stage of its own, which runs one thread per vector. Codes and decoded floats (fp32 and
// fp16 outputs, device pointers on a stream, and host arrays) must equal the scalar backend's
// bit for bit. Exits 77 (skipped) without a CUDA device.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "codec_kernels.cuh"
#include "kakeya/backend/scalar.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/scale/gain_format.hpp"
#include "kakeya/transform/sign_flip.hpp"

namespace {

/// A gain stage the CUDA backend has no lane-group form of: halves the vector.
struct halve {
  template <std::size_t D>
  KAKEYA_HOST_DEVICE float normalise(std::span<float, D> v) const noexcept {
    for (std::size_t i = 0; i < D; ++i) v[i] = v[i] * 0.5f;
    return 2.0f;
  }
};

using rotated_d8 = kakeya::codec<128, kakeya::lattice_block<kakeya::truncated<kakeya::d8>>,
                                 kakeya::randomized_hadamard<128>, kakeya::unit_norm, kakeya::refine_gain,
                                 kakeya::gain_as<kakeya::bf16>>;
using wide_fp8 = kakeya::codec<256, kakeya::fp8_blocks<kakeya::fp8_block<kakeya::fp8_e5m2, 128, kakeya::bf16>>,
                               kakeya::hadamard<256>, kakeya::pow2_scale>;
// Voronoi blocks smaller than a lane's 16 values (two code blocks per lane, dithered), and
// code blocks over two lanes with an RMS gain, a budget and the look-ahead.
using small_voronoi = kakeya::codec<128, kakeya::voronoi_block<kakeya::e8, 1, 1>, kakeya::randomized_hadamard<128>,
                                    kakeya::absmax>;
using pair_voronoi = kakeya::codec<256, kakeya::voronoi_block<kakeya::d4, 2, 4>, kakeya::hadamard<256>,
                                   kakeya::rms_scale<kakeya::ue8m<2>>, kakeya::gain_as<kakeya::ue8m<2>>>;
using own_stage = kakeya::codec<64, kakeya::scalar_block<kakeya::lloyd_max>, halve, kakeya::hadamard<64>>;

static_assert(kakeya::detail::group::supported<rotated_d8>);
static_assert(kakeya::detail::group::supported<wide_fp8>);
static_assert(!kakeya::detail::group::supported<own_stage>);
static_assert(kakeya::detail::group::supported<small_voronoi>);
static_assert(kakeya::detail::group::supported<pair_voronoi>);

int failures = 0, checks = 0;
void expect(bool ok, const std::string& what) {
  ++checks;
  if (!ok) {
    ++failures;
    std::printf("MISMATCH: %s\n", what.c_str());
  }
}

template <class C>
void check(const C& c, const char* name, std::size_t n) {
  constexpr std::size_t D = C::dim;
  kakeya::random_stream rng(D + n);
  std::vector<float> x(n * D);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < D; ++j)
      x[i * D + j] = i % 5 == 4 ? 0.0f : static_cast<float>(rng.gaussian() * std::exp(2.0 * rng.gaussian()));
  std::printf("%s: %zu vectors\n", name, n);
  const std::size_t bpv = c.bytes_per_vector();
  std::vector<std::uint8_t> want(n * bpv), got(n * bpv);
  kakeya::encode(kakeya::cpu, c, std::span<const float>(x), std::span<std::uint8_t>(want));
  std::vector<float> ywant(x.size()), ygot(x.size());
  kakeya::decode(kakeya::cpu, c, std::span<const std::uint8_t>(want), std::span<float>(ywant));

  kakeya::encode(kakeya::cuda_host, c, std::span<const float>(x), std::span<std::uint8_t>(got));
  expect(got == want, std::string(name) + " codes (host arrays)");
  std::printf("  encoded\n");
  kakeya::decode(kakeya::cuda_host, c, std::span<const std::uint8_t>(want), std::span<float>(ygot));
  expect(std::memcmp(ygot.data(), ywant.data(), ygot.size() * 4) == 0, std::string(name) + " decoded (host arrays)");

  // Device arrays on a stream; fp16 output = the float result rounded to nearest even.
  cudaStream_t st{};
  cudaStreamCreate(&st);
  float* dx = nullptr;
  std::uint8_t* dc = nullptr;
  std::uint16_t* dh = nullptr;
  cudaMalloc(&dx, x.size() * 4);
  cudaMalloc(&dc, want.size());
  cudaMalloc(&dh, x.size() * 2);
  cudaMemcpyAsync(dx, x.data(), x.size() * 4, cudaMemcpyHostToDevice, st);
  kakeya::encode(kakeya::cuda_t{st}, c, dx, kakeya::element_type::f32, n, dc);
  kakeya::decode(kakeya::cuda_t{st}, c, dc, n, dh, kakeya::element_type::f16);
  std::vector<std::uint16_t> h(x.size());
  cudaMemcpyAsync(got.data(), dc, got.size(), cudaMemcpyDeviceToHost, st);
  cudaMemcpyAsync(h.data(), dh, h.size() * 2, cudaMemcpyDeviceToHost, st);
  cudaStreamSynchronize(st);
  expect(got == want, std::string(name) + " codes (stream)");
  bool same = true;
  for (std::size_t i = 0; i < h.size(); ++i) same = same && h[i] == kakeya::fp16::encode(ywant[i]);
  expect(same, std::string(name) + " fp16 output");
  cudaFree(dx);
  cudaFree(dc);
  cudaFree(dh);
  cudaStreamDestroy(st);
}

} // namespace

KAKEYA_CUDA_INSTANTIATE(rotated_d8)
KAKEYA_CUDA_INSTANTIATE(wide_fp8)
KAKEYA_CUDA_INSTANTIATE(own_stage)
KAKEYA_CUDA_INSTANTIATE(small_voronoi)
KAKEYA_CUDA_INSTANTIATE(pair_voronoi)

int main() {
  std::setvbuf(stdout, nullptr, _IONBF, 0); // progress lines survive a timeout
  if (kakeya::cuda_device_count() == 0) {
    std::printf("%s: skipped\n", kakeya::cuda_status().c_str());
    return 77;
  }
  rotated_d8 a(kakeya::lattice_block<kakeya::truncated<kakeya::d8>>(kakeya::truncated<kakeya::d8>(20)),
               kakeya::randomized_hadamard<128>{0x5eed}, kakeya::unit_norm{}, kakeya::refine_gain{3},
               kakeya::gain_as<kakeya::bf16>{});
  check(a, "randomized_hadamard+unit_norm+refine+bf16 gain, D8 q=20, D=128", 1001);
  check(wide_fp8{}, "hadamard+pow2_scale, fp8 e5m2 blocks of 128 (bf16 scale), D=256", 517);
  own_stage b(kakeya::scalar_block<kakeya::lloyd_max>{kakeya::lloyd_max::gaussian(3, 0.125f)}, halve{},
              kakeya::hadamard<64>{});
  check(b, "own gain stage (one thread per vector), lloyd-max 3 bits, D=64", 333);
  const float betas[4] = {0.35f, 0.5f, 0.7f, 1.0f};
  check(small_voronoi(kakeya::voronoi_block<kakeya::e8, 1, 1>(4, betas, 77), kakeya::randomized_hadamard<128>{99},
                      kakeya::absmax{}),
        "voronoi e8 blocks of 8 (two per lane), 4 scales, dither, absmax, D=128", 611);
  const float dbetas[8] = {2.5f, 3.0f, 3.6f, 4.3f, 5.2f, 6.2f, 7.5f, 9.0f};
  check(pair_voronoi(kakeya::voronoi_block<kakeya::d4, 2, 4>(8, dbetas, 5, 5, true), kakeya::hadamard<256>{},
                     kakeya::rms_scale<kakeya::ue8m<2>>{}, kakeya::gain_as<kakeya::ue8m<2>>{}),
        "voronoi d4 pairs, 4 scale blocks over two lanes, budget 5, look-ahead, dither, rms gain, D=256", 555);
  std::printf("%d checks, %d mismatches\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
