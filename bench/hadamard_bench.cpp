// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The scalar reference Hadamard transforms, one vector in place (it stays in cache): vectors/s
// (items) and input bytes/s, for D = 64 ... 32768.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kakeya/transform/hadamard.hpp"
#include "kakeya/transform/sign_flip.hpp"

namespace {
std::vector<float> input(std::size_t d) {
  std::vector<float> x(d);
  std::uint64_t s = 0x9e3779b97f4a7c15ULL;
  for (auto& v : x) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    v = static_cast<float>(static_cast<double>(s >> 11) * 0x1.0p-52 - 1.0);
  }
  return x;
}

template <class R>
void bm_rotation(benchmark::State& state) {
  constexpr std::size_t d = R::dim;
  auto x = input(d);
  const R r{};
  for (auto _ : state) {
    r.forward(std::span<float, d>(x.data(), d)); // orthonormal: values stay bounded
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(d * sizeof(float)));
  state.counters["dim"] = static_cast<double>(d);
}

void bm_hadamard_runtime(benchmark::State& state) {
  const auto d = static_cast<std::size_t>(state.range(0));
  auto x = input(d);
  for (auto _ : state) {
    kakeya::hadamard_transform(x);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(d * sizeof(float)));
}

void bm_flip_signs(benchmark::State& state) {
  const auto d = static_cast<std::size_t>(state.range(0));
  auto x = input(d);
  for (auto _ : state) {
    kakeya::flip_signs(x, 42);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(d * sizeof(float)));
}
} // namespace

#define KAKEYA_BENCH_DIM(D)                                                                  \
  BENCHMARK_TEMPLATE(bm_rotation, kakeya::hadamard<D>);                                     \
  BENCHMARK_TEMPLATE(bm_rotation, kakeya::randomized_hadamard<D>)
KAKEYA_BENCH_DIM(64);
KAKEYA_BENCH_DIM(128);
KAKEYA_BENCH_DIM(256);
KAKEYA_BENCH_DIM(512);
KAKEYA_BENCH_DIM(1024);
KAKEYA_BENCH_DIM(2048);
KAKEYA_BENCH_DIM(4096);
KAKEYA_BENCH_DIM(8192);
KAKEYA_BENCH_DIM(16384);
KAKEYA_BENCH_DIM(32768);
#undef KAKEYA_BENCH_DIM
BENCHMARK(bm_hadamard_runtime)->RangeMultiplier(8)->Range(64, 32768);
BENCHMARK(bm_flip_signs)->RangeMultiplier(8)->Range(64, 32768);

BENCHMARK_MAIN();
