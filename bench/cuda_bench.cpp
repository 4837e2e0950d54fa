// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// CUDA backend speed, timed with CUDA events (UseManualTime): codec encode/decode per preset,
// N = 2^16 .. 2^24 vectors, D in {128, 512}, fp32 and bf16 inputs; the Hadamard transform
// alone for D = 64 .. 32768; FP8 block quantisation alone; and the device-to-device copy the
// others are measured against. Counter GBps = (bytes read + bytes written) / time.
#include <benchmark/benchmark.h>
#include <cuda_runtime.h>

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "kakeya/backend/cuda.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/core/random.hpp"

using namespace kakeya;

namespace {

void check(cudaError_t e) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "CUDA: %s\n", cudaGetErrorString(e));
    std::exit(1);
  }
}

struct events {
  cudaEvent_t a{}, b{};
  events() {
    check(cudaEventCreate(&a));
    check(cudaEventCreate(&b));
  }
  ~events() {
    cudaEventDestroy(a);
    cudaEventDestroy(b);
  }
  void start() { check(cudaEventRecord(a)); }
  double stop_seconds() {
    check(cudaEventRecord(b));
    check(cudaEventSynchronize(b));
    float ms = 0;
    check(cudaEventElapsedTime(&ms, a, b));
    return ms / 1e3;
  }
};

// Random device data: 2^22 Laplace values made on the host once, uploaded, and tiled over the
// device array (the benchmarks read far more than the caches hold, so the tiling is harmless).
void* random_device(std::size_t count, element_type t) {
  static std::vector<float> pattern = [] {
    random_stream rng(7);
    std::vector<float> p(std::size_t{1} << 22);
    for (auto& v : p) v = static_cast<float>(rng.laplace());
    return p;
  }();
  const std::size_t esize = t == element_type::f32 ? 4 : 2;
  std::vector<std::uint8_t> tile(pattern.size() * esize);
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (t == element_type::f32) {
      std::memcpy(&tile[4 * i], &pattern[i], 4);
    } else {
      std::uint16_t h = bf16::encode(pattern[i]);
      std::memcpy(&tile[2 * i], &h, 2);
    }
  }
  std::uint8_t* d = nullptr;
  const std::size_t bytes = count * esize;
  check(cudaMalloc(&d, bytes));
  for (std::size_t off = 0; off < bytes; off += tile.size())
    check(cudaMemcpy(d + off, tile.data(), std::min(tile.size(), bytes - off), cudaMemcpyHostToDevice));
  return d;
}

void bm_copy(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0)) << 20;
  void *a = nullptr, *b = nullptr;
  check(cudaMalloc(&a, bytes));
  check(cudaMalloc(&b, bytes));
  check(cudaMemset(a, 1, bytes));
  events ev;
  double moved = 0;
  for (auto _ : state) {
    ev.start();
    check(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice));
    double s = ev.stop_seconds();
    state.SetIterationTime(s);
    moved += 2.0 * bytes;
  }
  state.counters["GBps"] = benchmark::Counter(moved / 1e9, benchmark::Counter::kIsRate);
  cudaFree(a);
  cudaFree(b);
}

template <class C>
void bm_codec(benchmark::State& state, C c, element_type t, bool decode_side) {
  const std::size_t n = std::size_t{1} << state.range(0);
  const std::size_t esize = t == element_type::f32 ? 4 : 2;
  void* x = random_device(n * C::dim, t);
  std::uint8_t* codes = nullptr;
  check(cudaMalloc(&codes, n * c.bytes_per_vector()));
  encode(cuda_t{}, c, x, t, n, codes);
  check(cudaDeviceSynchronize());
  events ev;
  double moved = 0;
  for (auto _ : state) {
    ev.start();
    if (decode_side)
      decode(cuda_t{}, c, codes, n, x, t);
    else
      encode(cuda_t{}, c, x, t, n, codes);
    state.SetIterationTime(ev.stop_seconds());
    moved += static_cast<double>(n) * (C::dim * esize + c.bytes_per_vector());
  }
  state.counters["GBps"] = benchmark::Counter(moved / 1e9, benchmark::Counter::kIsRate);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  cudaFree(x);
  cudaFree(codes);
}

void bm_hadamard(benchmark::State& state) {
  const std::size_t dim = static_cast<std::size_t>(state.range(0));
  const std::size_t rows = (std::size_t{256} << 20) / (dim * 4); // 256 MiB
  float* x = static_cast<float*>(random_device(rows * dim, element_type::f32));
  events ev;
  double moved = 0;
  for (auto _ : state) {
    ev.start();
    cuda_primitives::hadamard(cuda_t{}, x, rows, dim);
    state.SetIterationTime(ev.stop_seconds());
    moved += 2.0 * rows * dim * 4;
  }
  state.counters["GBps"] = benchmark::Counter(moved / 1e9, benchmark::Counter::kIsRate);
  cudaFree(x);
}

void bm_fp8_blocks(benchmark::State& state) {
  const std::size_t blocks = std::size_t{1} << state.range(0);
  float* x = static_cast<float*>(random_device(blocks * 64, element_type::f32));
  std::uint8_t *codes = nullptr, *scales = nullptr;
  check(cudaMalloc(&codes, blocks * 64));
  check(cudaMalloc(&scales, blocks));
  events ev;
  double moved = 0;
  for (auto _ : state) {
    ev.start();
    cuda_primitives::fp8_e4m3_ue8m0_blocks64(cuda_t{}, x, blocks, codes, scales);
    state.SetIterationTime(ev.stop_seconds());
    moved += blocks * (64.0 * 4 + 64 + 1);
  }
  state.counters["GBps"] = benchmark::Counter(moved / 1e9, benchmark::Counter::kIsRate);
  cudaFree(x);
  cudaFree(codes);
  cudaFree(scales);
}

template <std::size_t D>
void register_codecs(int max_log_n) {
  struct entry {
    std::string name;
    std::function<void(benchmark::State&, element_type, bool)> run;
  };
  auto e8 = make_kakeya<D, kakeya::e8>(38);
  auto d4 = make_kakeya<D, kakeya::d4>(38);
  auto z = make_kakeya<D, kakeya::z8>(38);
  auto lm = make_lloyd_max<D>(4);
  fp8_codec<D> f8{};
  auto e8v = make_voronoi<D, kakeya::e8, 1>(4);
  auto e8v_best = make_voronoi<D, kakeya::e8, 1>(4, {}, 0, -1, true);
  auto e8v2 = make_voronoi<D, kakeya::e8, 1>(2);
  auto d4v = make_voronoi<D, kakeya::d4, 2>(4);
  auto e8b2 = make_ball<D, kakeya::e8>(2);
  auto e8b3 = make_ball<D, kakeya::e8>(3);
  auto e8b = make_ball<D, kakeya::e8>(4);
  auto e8b56 = make_ball<D, kakeya::e8>(5.6);
  std::vector<entry> list = {
      {"e8:q=38", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, e8, t, d); }},
      {"d4:q=38", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, d4, t, d); }},
      {"z:q=38", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, z, t, d); }},
      {"fp8:block=64", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, f8, t, d); }},
      {"lloyd-max:bits=4", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, lm, t, d); }},
      {"e8v:rate=4", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, e8v, t, d); }},
      {"e8v:rate=4,search=best", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, e8v_best, t, d); }},
      {"e8v:rate=2", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, e8v2, t, d); }},
      {"d4v:rate=4", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, d4v, t, d); }},
      {"e8b:rate=2", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, e8b2, t, d); }},
      {"e8b:rate=3", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, e8b3, t, d); }},
      {"e8b:rate=4", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, e8b, t, d); }},
      {"e8b:rate=5.6", [=](benchmark::State& s, element_type t, bool d) { bm_codec(s, e8b56, t, d); }},
  };
  for (const auto& e : list)
    for (element_type t : {element_type::f32, element_type::bf16})
      for (bool dec : {false, true}) {
        std::string name = std::string(dec ? "decode/" : "encode/") + e.name + "/D=" + std::to_string(D) +
                           (t == element_type::f32 ? "/f32" : "/bf16");
        auto run = e.run;
        benchmark::RegisterBenchmark(name.c_str(), [run, t, dec](benchmark::State& s) { run(s, t, dec); })
            ->DenseRange(16, max_log_n - 1, 4)
            ->Arg(max_log_n)
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
      }
}

} // namespace

int main(int argc, char** argv) {
  if (cuda_device_count() == 0) {
    std::printf("%s: nothing to benchmark\n", cuda_status().c_str());
    return 0;
  }
  std::printf("%s\n", cuda_status().c_str());
  benchmark::RegisterBenchmark("copy_d2d_MiB", bm_copy)->Arg(256)->Arg(1024)->UseManualTime();
  register_codecs<128>(24);
  register_codecs<512>(22);
  benchmark::RegisterBenchmark("hadamard", bm_hadamard)
      ->RangeMultiplier(2)->Range(64, 32768)->UseManualTime()->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("fp8_e4m3_ue8m0_blocks64", bm_fp8_blocks)
      ->DenseRange(16, 24, 4)->UseManualTime()->Unit(benchmark::kMicrosecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
