// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Scalar float <-> format conversions over an L1/L2-resident array of 16384 values (64 KiB of
// floats). items/s counts values converted; bytes/s counts bytes read plus bytes written.
// The compiler's _Float16 conversion (libgcc soft-float on x86-64 without F16C flags) is
// measured as a reference point for fp16.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kakeya/core/float_formats.hpp"

namespace {
using namespace kakeya;

constexpr std::size_t n = 1u << 14;

// Normal values spread over the format's range, both signs, a few zeros.
template <class F>
std::vector<float> inputs() {
  std::mt19937 rng(1);
  std::normal_distribution<float> gauss;
  std::vector<float> x(n);
  const float spread = F::max_finite / 64;
  for (auto& v : x) v = gauss(rng) * spread;
  for (std::size_t i = 0; i < n; i += 97) x[i] = 0.0f;
  return x;
}

template <class F>
void encode(benchmark::State& state) {
  const auto x = inputs<F>();
  std::vector<typename F::storage> out(n);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) out[i] = F::encode(x[i]);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n *
                                                    (sizeof(float) + sizeof(typename F::storage))));
}

template <class F>
void decode(benchmark::State& state) {
  const auto x = inputs<F>();
  std::vector<typename F::storage> codes(n);
  for (std::size_t i = 0; i < n; ++i) codes[i] = F::encode(x[i]);
  std::vector<float> out(n);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) out[i] = F::decode(codes[i]);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n *
                                                    (sizeof(float) + sizeof(typename F::storage))));
}

void encode_float16_builtin(benchmark::State& state) {
  const auto x = inputs<fp16>();
  std::vector<std::uint16_t> out(n);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto h = static_cast<_Float16>(x[i]);
      std::memcpy(&out[i], &h, sizeof h);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * 6));
}

} // namespace

BENCHMARK_TEMPLATE(encode, fp32);
BENCHMARK_TEMPLATE(encode, fp16);
BENCHMARK_TEMPLATE(encode, bf16);
BENCHMARK_TEMPLATE(encode, fp8_e4m3);
BENCHMARK_TEMPLATE(encode, fp8_e4m3_nosat);
BENCHMARK_TEMPLATE(encode, fp8_e5m2);
BENCHMARK_TEMPLATE(encode, ue8m0);
BENCHMARK(encode_float16_builtin);
BENCHMARK_TEMPLATE(decode, fp16);
BENCHMARK_TEMPLATE(decode, bf16);
BENCHMARK_TEMPLATE(decode, fp8_e4m3);
BENCHMARK_TEMPLATE(decode, fp8_e5m2);
BENCHMARK_TEMPLATE(decode, ue8m0);

BENCHMARK_MAIN();
