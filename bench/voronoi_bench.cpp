// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Voronoi presets against the cube-truncated KakeyaLattice presets (scalar backend, one
// thread, iid Gaussian vectors, D = 128): encode and decode speed, and the rate-distortion
// point of each codec as counters (bits_per_dim with all side information, rel_mse, gap_db to
// Shannon's D(R) = 2^(-2R)). `kakeya rd` gives the same table as JSON and SVG.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "kakeya/codec/any_codec.hpp"
#include "kakeya/core/random.hpp"

namespace {

constexpr std::size_t dim = 128, n = 2048;

const std::vector<float>& gaussian() {
  static const std::vector<float> x = [] {
    kakeya::random_stream rng(1);
    std::vector<float> v(n * dim);
    for (auto& e : v) e = static_cast<float>(rng.gaussian());
    return v;
  }();
  return x;
}

void rd_counters(benchmark::State& state, const kakeya::any_codec& c) {
  const auto& x = gaussian();
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

void bm_encode(benchmark::State& state, std::string spec) {
  auto c = kakeya::any_codec::make(spec, dim);
  const auto& x = gaussian();
  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  for (auto _ : state) {
    c.encode(x, codes);
    benchmark::DoNotOptimize(codes.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n * dim * 4));
  rd_counters(state, c);
}

void bm_decode(benchmark::State& state, std::string spec) {
  auto c = kakeya::any_codec::make(spec, dim);
  const auto& x = gaussian();
  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  c.encode(x, codes);
  std::vector<float> y(x.size());
  for (auto _ : state) {
    c.decode(codes, y);
    benchmark::DoNotOptimize(y.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n));
}

const bool registered = [] {
  for (const char* s : {"e8v:rate=2", "e8v:rate=3", "e8v:rate=4", "e8v:rate=5", "d4v:rate=4",
                        "e8:q=2", "e8:q=4", "e8:q=8", "e8:q=16", "lloyd-max:bits=4"}) {
    benchmark::RegisterBenchmark((std::string("encode/") + s).c_str(), bm_encode, std::string(s));
    benchmark::RegisterBenchmark((std::string("decode/") + s).c_str(), bm_decode, std::string(s));
  }
  return true;
}();

} // namespace

BENCHMARK_MAIN();
