// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Voronoi (e8v, d4v) and ball (e8b) presets against the cube-truncated KakeyaLattice presets
// (iid Gaussian vectors; scalar backend, one thread, at D = 128; e8b and e8 also at D = 512
// and on the simd backend): encode and decode speed, and the rate-distortion point of each
// codec as counters (bits_per_dim with all side information, rel_mse, gap_db to Shannon's
// D(R) = 2^(-2R)). `kakeya rd` gives the same table as JSON and SVG.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "kakeya/codec/any_codec.hpp"
#include "kakeya/core/random.hpp"

namespace {

constexpr std::size_t values = 2048 * 128; // per batch: 2048 vectors at D = 128, 512 at D = 512

const std::vector<float>& gaussian() {
  static const std::vector<float> x = [] {
    kakeya::random_stream rng(1);
    std::vector<float> v(values);
    for (auto& e : v) e = static_cast<float>(rng.gaussian());
    return v;
  }();
  return x;
}

void rd_counters(benchmark::State& state, const kakeya::any_codec& c) {
  const auto& x = gaussian();
  const std::size_t dim = c.dim(), n = values / dim;
  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  std::vector<float> y(x.size());
  c.roundtrip(x, y);
  double e = 0, s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) e += (x[i] - y[i]) * double(x[i] - y[i]), s += x[i] * double(x[i]);
  const double bpd = static_cast<double>(c.bits_per_vector()) / dim;
  state.counters["bits_per_dim"] = bpd;
  state.counters["rel_mse"] = e / s;
  state.counters["gap_db"] = 10 * std::log10((e / s) / std::pow(2.0, -2 * bpd));
}

void bm_encode(benchmark::State& state, std::string spec, std::size_t dim, kakeya::backend b) {
  auto c = kakeya::any_codec::make(spec, dim);
  const auto& x = gaussian();
  const std::size_t n = values / dim;
  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  for (auto _ : state) {
    c.encode(x, codes, b);
    benchmark::DoNotOptimize(codes.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n * dim * 4));
  rd_counters(state, c);
}

void bm_decode(benchmark::State& state, std::string spec, std::size_t dim, kakeya::backend b) {
  auto c = kakeya::any_codec::make(spec, dim);
  const auto& x = gaussian();
  const std::size_t n = values / dim;
  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  c.encode(x, codes);
  std::vector<float> y(x.size());
  for (auto _ : state) {
    c.decode(codes, y, b);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

void add(const char* spec, std::size_t dim, kakeya::backend b) {
  const std::string name = std::string(spec) + "/D=" + std::to_string(dim) + "/" + kakeya::to_string(b);
  benchmark::RegisterBenchmark(("encode/" + name).c_str(), bm_encode, std::string(spec), dim, b);
  benchmark::RegisterBenchmark(("decode/" + name).c_str(), bm_decode, std::string(spec), dim, b);
}

const bool registered = [] {
  using kakeya::backend;
  for (const char* s : {"e8v:rate=2", "e8v:rate=3", "e8v:rate=4", "e8v:rate=5", "d4v:rate=4", "lloyd-max:bits=4"})
    add(s, 128, backend::scalar);
  for (const char* s : {"e8b:rate=2", "e8b:rate=3", "e8b:rate=4", "e8b:rate=5", "e8:q=2", "e8:q=4", "e8:q=8", "e8:q=16"})
    for (std::size_t dim : {128, 512}) {
      add(s, dim, backend::scalar);
      if (kakeya::backend_available(backend::simd)) add(s, dim, backend::simd);
    }
  return true;
}();

} // namespace

BENCHMARK_MAIN();
