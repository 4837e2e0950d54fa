// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Lloyd-Max encode and decode per element at 1-8 bits over a 4096-value block of N(0, 1)
// data (in cache): elements/s (items) and input bytes/s; and the cost of fitting.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "kakeya/scalar/lloyd_max.hpp"

namespace {
constexpr std::size_t block = 4096;

std::vector<float> gaussian_block(std::size_t n) {
  std::vector<float> x(n);
  std::uint64_t s = 12345;
  auto u01 = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (static_cast<double>(s >> 11) + 0.5) * 0x1.0p-53;
  };
  for (auto& v : x) {
    const double u = u01(), w = u01();
    v = static_cast<float>(std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * w));
  }
  return x;
}

void bm_encode(benchmark::State& state) {
  const auto q = kakeya::lloyd_max::gaussian(static_cast<int>(state.range(0)));
  const auto x = gaussian_block(block);
  std::vector<std::uint32_t> codes(block);
  for (auto _ : state) {
    for (std::size_t i = 0; i < block; ++i) codes[i] = q.encode(x[i]);
    benchmark::DoNotOptimize(codes.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(block));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(block * sizeof(float)));
}

void bm_decode(benchmark::State& state) {
  const auto q = kakeya::lloyd_max::gaussian(static_cast<int>(state.range(0)));
  const auto x = gaussian_block(block);
  std::vector<std::uint32_t> codes(block);
  for (std::size_t i = 0; i < block; ++i) codes[i] = q.encode(x[i]);
  std::vector<float> y(block);
  for (auto _ : state) {
    for (std::size_t i = 0; i < block; ++i) y[i] = q.decode(codes[i]);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(block));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(block * sizeof(float)));
}

void bm_fit(benchmark::State& state) {
  const auto x = gaussian_block(static_cast<std::size_t>(state.range(1)));
  for (auto _ : state) {
    auto q = kakeya::lloyd_max::fit(x, static_cast<int>(state.range(0)));
    benchmark::DoNotOptimize(&q);
  }
  state.SetItemsProcessed(state.iterations() * state.range(1)); // samples
}
} // namespace

BENCHMARK(bm_encode)->DenseRange(1, 8);
BENCHMARK(bm_decode)->DenseRange(1, 8);
BENCHMARK(bm_fit)->ArgsProduct({{4, 8}, {1 << 16, 1 << 20}})->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
