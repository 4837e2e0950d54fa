// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// FP8 block quantisation of one row of 32768 floats (128 KiB, L2-resident), block by block
// through quantise_row / dequantise_row. items/s counts values; bytes/s counts bytes read
// plus bytes written (4 per float, 1 per code, the scales); the counter bits_per_value is the
// storage cost including the scale.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "kakeya/core/float_formats.hpp"
#include "kakeya/scalar/fp8_block.hpp"

namespace {
using namespace kakeya;

constexpr std::size_t n = 1u << 15;

std::vector<float> row() {
  std::mt19937 rng(1);
  std::normal_distribution<float> gauss;
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = gauss(rng) * (1.0f + static_cast<float>(i % 61)); // per-block spread
  return x;
}

template <class Q>
std::int64_t bytes_moved() {
  return static_cast<std::int64_t>(n * sizeof(float) + n +
                                   (n / Q::block) * sizeof(typename Q::scale_storage));
}

template <class Q>
void quantise(benchmark::State& state) {
  const auto x = row();
  std::vector<typename Q::scale_storage> scales(n / Q::block);
  std::vector<std::uint8_t> codes(n);
  for (auto _ : state) {
    Q::quantise_row(x, scales, codes);
    benchmark::DoNotOptimize(codes.data());
    benchmark::DoNotOptimize(scales.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(state.iterations() * bytes_moved<Q>());
  state.counters["bits_per_value"] = static_cast<double>(Q::bits) / static_cast<double>(Q::block);
}

template <class Q>
void dequantise(benchmark::State& state) {
  const auto x = row();
  std::vector<typename Q::scale_storage> scales(n / Q::block);
  std::vector<std::uint8_t> codes(n);
  Q::quantise_row(x, scales, codes);
  std::vector<float> out(n);
  for (auto _ : state) {
    Q::dequantise_row(scales, codes, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(state.iterations() * bytes_moved<Q>());
  state.counters["bits_per_value"] = static_cast<double>(Q::bits) / static_cast<double>(Q::block);
}

} // namespace

BENCHMARK_TEMPLATE(quantise, fp8_block<fp8_e4m3, 32, ue8m0>);
BENCHMARK_TEMPLATE(quantise, fp8_block<fp8_e4m3, 64, ue8m0>); // DeepSeek-V4 KV cache
BENCHMARK_TEMPLATE(quantise, fp8_block<fp8_e4m3, 128, ue8m0>);
BENCHMARK_TEMPLATE(quantise, fp8_block<fp8_e4m3, 128, fp32>);
BENCHMARK_TEMPLATE(quantise, fp8_block<fp8_e4m3, 64, bf16>);
BENCHMARK_TEMPLATE(quantise, fp8_block<fp8_e4m3, 64, fp16>);
BENCHMARK_TEMPLATE(quantise, fp8_block<fp8_e5m2, 64, ue8m0>);
BENCHMARK_TEMPLATE(dequantise, fp8_block<fp8_e4m3, 32, ue8m0>);
BENCHMARK_TEMPLATE(dequantise, fp8_block<fp8_e4m3, 64, ue8m0>);
BENCHMARK_TEMPLATE(dequantise, fp8_block<fp8_e4m3, 128, fp32>);
BENCHMARK_TEMPLATE(dequantise, fp8_block<fp8_e5m2, 64, ue8m0>);

BENCHMARK_MAIN();
