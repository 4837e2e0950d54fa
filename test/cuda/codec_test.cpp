// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The CUDA backend against the scalar reference, bit for bit: every preset family and format,
// D in {64, 128, 256, 512}, Gaussian, heavy-tailed and edge-case rows (zeros, exact ties,
// magnitudes 1e-30 .. 1e30, a single non-zero); fp16 and bf16 device inputs and outputs;
// the batched primitives. Exits 77 (skipped) without a CUDA device.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "kakeya/backend/cuda.hpp"
#include "kakeya/backend/scalar.hpp"
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/scalar/fp8_block.hpp"
#include "kakeya/transform/hadamard.hpp"
#include "kakeya/transform/sign_flip.hpp"

using namespace kakeya;

namespace {
int failures = 0, checks = 0;

void expect(bool ok, const std::string& what) {
  ++checks;
  if (!ok) {
    ++failures;
    std::printf("MISMATCH: %s\n", what.c_str());
  }
}

std::vector<float> rows(std::size_t n, std::size_t dim, std::uint64_t seed) {
  random_stream rng(seed);
  std::vector<float> x(n * dim);
  for (std::size_t i = 0; i < n; ++i) {
    const int kind = static_cast<int>(i % 8);
    const double mag = kind == 1 ? 1e-30 : kind == 2 ? 1e30 : std::exp(1.2 * rng.gaussian());
    for (std::size_t j = 0; j < dim; ++j) {
      double v = kind == 3 ? rng.laplace() * mag : rng.gaussian() * mag;
      if (kind == 4) v = 0;                                   // zero row
      if (kind == 5) v = (j == 7) ? 3.0 : 0.0;                // a single non-zero
      if (kind == 6) v = std::floor(rng.gaussian() * 4) + 0.5; // exact half-integers
      x[i * dim + j] = static_cast<float>(v);
    }
  }
  return x;
}

template <class T>
T* dev(std::size_t count) {
  T* p = nullptr;
  if (cudaMalloc(&p, count * sizeof(T) + 16) != cudaSuccess) {
    std::printf("cudaMalloc failed\n");
    std::exit(1);
  }
  return p;
}
} // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  // --quick: fewer rows and sizes, for the compute-sanitizer runs
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  if (cuda_device_count() == 0) {
    std::printf("%s: skipped\n", cuda_status().c_str());
    return 77;
  }
  std::printf("%s\n", cuda_status().c_str());
  const char* specs[] = {"d4:q=10", "d4:q=38", "e8:q=10", "e8:q=38", "e8:q=152", "e8:q=1000",
                         "e8:q=38,passes=0", "z:q=38", "fp8:block=64", "fp8:block=32,scale=ue8m0",
                         "fp8:block=128,scale=bf16", "fp8:block=64,scale=fp32,format=e5m2",
                         "lloyd-max:bits=1", "lloyd-max:bits=4", "lloyd-max:bits=8", "e8v:rate=4",
                         "d4v:rate=3,dither=5", "e8v:rate=2,search=best", "e8v:q=41", "d4v:rate=5",
                         // a tight budget (most vectors lower several blocks) with dither
                         "e8v:rate=3,betas=2/2.5/3/3.6,budget=1,dither=9",
                         // 16 scales, budget 40 (and the default e8v at D >= 512: a 49 KiB count table, opted in)
                         "e8v:rate=4,betas=1/1.2/1.4/1.6/1.8/2/2.2/2.4/2.6/2.8/3/3.2/3.4/3.6/3.8/4,budget=40",
                         // ball codes: tables copied to the device, thread per vector
                         "e8b:rate=2", "e8b:rate=4", "e8b:rate=5.6,radius=1"};
  for (std::size_t dim : {64u, 128u, 256u, 512u, 1024u}) {
    if (quick && dim > 128) break;
    const std::size_t n = quick ? 40 : 1000;
    auto x = rows(n, dim, dim);
    for (const char* s : specs) {
      if (std::string(s).find("block=128") != std::string::npos && dim < 128) continue;
      any_codec c = any_codec::make(s, dim);
      std::vector<std::uint8_t> cpu(n * c.bytes_per_vector()), gpu(cpu.size());
      c.encode(x, cpu, backend::scalar);
      c.encode(x, gpu, backend::cuda);
      std::vector<float> ycpu(x.size()), ygpu(x.size()), rgpu(x.size());
      c.decode(cpu, ycpu, backend::scalar);
      c.decode(cpu, ygpu, backend::cuda);
      c.roundtrip(x, rgpu, backend::cuda);
      const std::string tag = std::string(s) + " D=" + std::to_string(dim);
      expect(cpu == gpu, tag + " codes");
      expect(std::memcmp(ycpu.data(), ygpu.data(), ycpu.size() * 4) == 0, tag + " decoded");
      expect(std::memcmp(ycpu.data(), rgpu.data(), ycpu.size() * 4) == 0, tag + " roundtrip");
      if (std::string(s).find("v:") != std::string::npos || std::string(s).find("b:") != std::string::npos) {
        // Arbitrary bytes (profile ranks past the last profile included) decode alike.
        random_stream rng(dim + cpu.size());
        for (auto& b : cpu) b = static_cast<std::uint8_t>(rng.next() >> 56);
        c.decode(cpu, ycpu, backend::scalar);
        c.decode(cpu, ygpu, backend::cuda);
        expect(std::memcmp(ycpu.data(), ygpu.data(), ycpu.size() * 4) == 0, tag + " decoded random bytes");
      }
    }
  }

  // fp16 / bf16 device arrays: encoding them equals encoding their exact float values on the
  // CPU; decoding to them equals the CPU's float result rounded to nearest even.
  {
    constexpr std::size_t D = 128, n = 777;
    auto c = make_kakeya<D, e8>(38);
    auto x = rows(n, D, 9);
    std::vector<std::uint16_t> h(x.size()), b(x.size());
    std::vector<float> hx(x.size()), bx(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      float v = std::isfinite(x[i]) && std::fabs(x[i]) < 6e4f ? x[i] : 0.0f;
      h[i] = fp16::encode(v);
      b[i] = bf16::encode(v);
      hx[i] = fp16::decode(h[i]);
      bx[i] = bf16::decode(b[i]);
    }
    for (int which = 0; which < 2; ++which) {
      const auto& src = which == 0 ? h : b;
      const auto& ref = which == 0 ? hx : bx;
      const element_type t = which == 0 ? element_type::f16 : element_type::bf16;
      std::vector<std::uint8_t> want(n * c.bytes_per_vector()), got(want.size());
      encode(cpu, c, ref, want);
      auto* dx = dev<std::uint16_t>(src.size());
      auto* dc = dev<std::uint8_t>(got.size());
      cudaMemcpy(dx, src.data(), src.size() * 2, cudaMemcpyHostToDevice);
      encode(cuda_t{}, c, dx, t, n, dc);
      cudaMemcpy(got.data(), dc, got.size(), cudaMemcpyDeviceToHost);
      expect(got == want, which == 0 ? "e8 encode from fp16" : "e8 encode from bf16");
      std::vector<float> y(x.size());
      decode(cpu, c, want, y);
      decode(cuda_t{}, c, dc, n, dx, t);
      std::vector<std::uint16_t> out(src.size());
      cudaMemcpy(out.data(), dx, out.size() * 2, cudaMemcpyDeviceToHost);
      bool same = true;
      for (std::size_t i = 0; i < y.size(); ++i)
        same = same && out[i] == (which == 0 ? fp16::encode(y[i]) : bf16::encode(y[i]));
      expect(same, which == 0 ? "e8 decode to fp16" : "e8 decode to bf16");
      cudaFree(dx);
      cudaFree(dc);
    }
  }

  // Batched primitives.
  for (std::size_t dim : {2u, 4u, 8u, 16u, 32u, 64u, 128u, 256u, 512u, 1024u, 2048u, 4096u, 8192u, 16384u, 32768u}) {
    const std::size_t n = std::max<std::size_t>(3, (quick ? 4096 : 65536) / dim);
    auto x = rows(n, dim, 77 + dim);
    for (std::uint64_t seed : {0ull, 12345ull}) {
      for (bool inverse : {false, true}) {
        std::vector<float> want = x;
        for (std::size_t r = 0; r < n; ++r) {
          std::span<float> row(want.data() + r * dim, dim);
          if (seed == 0)
            hadamard_transform(row);
          else if (inverse)
            randomized_hadamard_inverse(row, seed);
          else
            randomized_hadamard_forward(row, seed);
        }
        float* d = dev<float>(x.size());
        cudaMemcpy(d, x.data(), x.size() * 4, cudaMemcpyHostToDevice);
        cuda_primitives::hadamard(cuda_t{}, d, n, dim, seed, inverse);
        std::vector<float> got(x.size());
        cudaMemcpy(got.data(), d, got.size() * 4, cudaMemcpyDeviceToHost);
        cudaFree(d);
        expect(std::memcmp(got.data(), want.data(), got.size() * 4) == 0,
               "hadamard D=" + std::to_string(dim) + " seed=" + std::to_string(seed) + (inverse ? " inverse" : ""));
      }
    }
  }
  {
    const std::size_t n = 4096;
    auto x = rows(n, 64, 5);
    using B = fp8_block<fp8_e4m3, 64, ue8m0>;
    std::vector<std::uint8_t> codes(n * 64), scales(n), gc(n * 64), gs(n);
    for (std::size_t b = 0; b < n; ++b)
      B::quantise(std::span<const float, 64>(x.data() + 64 * b, 64), scales[b],
                  std::span<std::uint8_t, 64>(codes.data() + 64 * b, 64));
    float* d = dev<float>(x.size());
    auto* dc = dev<std::uint8_t>(gc.size());
    auto* ds = dev<std::uint8_t>(gs.size());
    cudaMemcpy(d, x.data(), x.size() * 4, cudaMemcpyHostToDevice);
    cuda_primitives::fp8_e4m3_ue8m0_blocks64(cuda_t{}, d, n, dc, ds);
    cudaMemcpy(gc.data(), dc, gc.size(), cudaMemcpyDeviceToHost);
    cudaMemcpy(gs.data(), ds, gs.size(), cudaMemcpyDeviceToHost);
    expect(gc == codes && gs == scales, "fp8 e4m3 ue8m0 blocks of 64");
    // Unaligned arrays (one float and one byte off) take the one-thread-per-block kernel.
    cudaMemcpy(d + 1, x.data(), (x.size() - 64) * 4, cudaMemcpyHostToDevice);
    cuda_primitives::fp8_e4m3_ue8m0_blocks64(cuda_t{}, d + 1, n - 1, dc + 1, ds);
    std::vector<std::uint8_t> uc(gc.size() - 64), us(n - 1);
    cudaMemcpy(uc.data(), dc + 1, uc.size(), cudaMemcpyDeviceToHost);
    cudaMemcpy(us.data(), ds, us.size(), cudaMemcpyDeviceToHost);
    expect(std::equal(uc.begin(), uc.end(), codes.begin()) && std::equal(us.begin(), us.end(), scales.begin()),
           "fp8 e4m3 ue8m0 blocks of 64, unaligned");
    cudaMemcpy(d, x.data(), x.size() * 4, cudaMemcpyHostToDevice);
    std::vector<float> want(x.size()), got(x.size());
    for (int q : {0, 3, 38}) {
      for (std::size_t b = 0; b < x.size() / 8; ++b) {
        std::span<const float, 8> in(x.data() + 8 * b, 8);
        std::span<float, 8> o(want.data() + 8 * b, 8);
        if (q)
          e8::box_closest_point(in, q, o);
        else
          e8::closest_point(in, o);
      }
      float* dout = dev<float>(x.size());
      cuda_primitives::e8_closest_points(cuda_t{}, d, x.size() / 8, q, dout);
      cudaMemcpy(got.data(), dout, got.size() * 4, cudaMemcpyDeviceToHost);
      cudaFree(dout);
      expect(std::memcmp(got.data(), want.data(), got.size() * 4) == 0, "e8 closest points q=" + std::to_string(q));
    }
    cudaFree(d);
    cudaFree(dc);
    cudaFree(ds);
  }
  cudaError_t e = cudaDeviceSynchronize();
  expect(e == cudaSuccess, std::string("device errors: ") + cudaGetErrorString(e));
  std::printf("%d passed, %d failed\n", checks - failures, failures);
  return failures == 0 ? 0 : 1;
}
