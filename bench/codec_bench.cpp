// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Encode and decode speed of every preset (scalar backend, one thread), through any_codec.
// Counters: items = vectors, bytes = float32 input; bits_per_vector alongside.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "kakeya/codec/any_codec.hpp"
#include "kakeya/core/random.hpp"

namespace {

const char* const specs[] = {"d4:q=10", "d4:q=38", "d4:q=152", "e8:q=10", "e8:q=38", "e8:q=152",
                             "e8:q=38,passes=0", "z:q=38", "fp8:block=64", "fp8:block=64,scale=ue8m0",
                             "lloyd-max:bits=3", "lloyd-max:bits=4"};

std::vector<float> data(std::size_t n, std::size_t dim) {
  kakeya::random_stream rng(42);
  std::vector<float> x(n * dim);
  for (auto& v : x) v = static_cast<float>(rng.laplace());
  return x;
}

void bm_encode(benchmark::State& state, std::string spec, std::size_t dim) {
  const std::size_t n = 1024;
  auto c = kakeya::any_codec::make(spec, dim);
  auto x = data(n, dim);
  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  for (auto _ : state) {
    c.encode(x, codes);
    benchmark::DoNotOptimize(codes.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n * dim * 4));
  state.counters["bits_per_vector"] = static_cast<double>(c.bits_per_vector());
}

void bm_decode(benchmark::State& state, std::string spec, std::size_t dim) {
  const std::size_t n = 1024;
  auto c = kakeya::any_codec::make(spec, dim);
  auto x = data(n, dim);
  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  c.encode(x, codes);
  std::vector<float> y(x.size());
  for (auto _ : state) {
    c.decode(codes, y);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n * dim * 4));
  state.counters["bits_per_vector"] = static_cast<double>(c.bits_per_vector());
}

const bool registered = [] {
  for (std::size_t dim : {128u, 512u})
    for (const char* s : specs) {
      std::string name = std::string(s) + "/D=" + std::to_string(dim);
      benchmark::RegisterBenchmark(("encode/" + name).c_str(), bm_encode, std::string(s), dim);
      benchmark::RegisterBenchmark(("decode/" + name).c_str(), bm_decode, std::string(s), dim);
    }
  return true;
}();

} // namespace

BENCHMARK_MAIN();
