// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Scalar reference lattice primitives: closest point, box closest point, and the codebook
// index in both directions, for z8, d4, d8 and e8 at q in {10, 38, 152}. Items are vectors
// (lattice blocks); bytes are the float vectors read (or written, for box_from_index).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/lattice/zn.hpp"

namespace {

using kakeya::uint128;

/// Vectors per benchmark iteration: small enough to stay in L1 (256 * 8 floats = 8 KiB).
constexpr std::size_t batch = 256;

/// `batch` vectors uniform in [-(q + 1), q + 1]^dim (a few coordinates fall outside the box),
/// from a fixed seed.
template <class L> std::vector<float> random_inputs(int q) {
  std::mt19937_64 g(0x1a77ce + static_cast<std::uint64_t>(q));
  std::vector<float> y(batch * L::dim);
  const double half_width = q + 1.0;
  for (auto& v : y)
    v = static_cast<float>((static_cast<double>(g() >> 11) * 0x1p-53 * 2.0 - 1.0) * half_width);
  return y;
}

template <class L> std::span<const float, L::dim> vec(const std::vector<float>& v, std::size_t i) {
  return std::span<const float, L::dim>{v.data() + i * L::dim, L::dim};
}
template <class L> std::span<float, L::dim> vec(std::vector<float>& v, std::size_t i) {
  return std::span<float, L::dim>{v.data() + i * L::dim, L::dim};
}

template <class L> void set_counters(benchmark::State& state, int q) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.SetBytesProcessed(
      static_cast<std::int64_t>(state.iterations() * batch * L::dim * sizeof(float)));
  state.counters["index_bits"] = kakeya::bits_for_count(L::box_count(q));
}

/// Unbounded closest point (Conway & Sloane); q only sets the input scale.
template <class L> void closest_point(benchmark::State& state) {
  const int q = static_cast<int>(state.range(0));
  const auto y = random_inputs<L>(q);
  std::vector<float> out(y.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) L::closest_point(vec<L>(y, i), vec<L>(out, i));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters<L>(state, q);
}

/// Closest point of the box codebook Λ ∩ [-q, q]^dim.
template <class L> void box_closest_point(benchmark::State& state) {
  const int q = static_cast<int>(state.range(0));
  const auto y = random_inputs<L>(q);
  std::vector<float> out(y.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) L::box_closest_point(vec<L>(y, i), q, vec<L>(out, i));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters<L>(state, q);
}

/// Codebook point -> index.
template <class L> void box_to_index(benchmark::State& state) {
  const int q = static_cast<int>(state.range(0));
  const auto y = random_inputs<L>(q);
  std::vector<float> points(y.size());
  for (std::size_t i = 0; i < batch; ++i) L::box_closest_point(vec<L>(y, i), q, vec<L>(points, i));
  std::vector<uint128> index(batch);
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) index[i] = L::box_to_index(vec<L>(points, i), q);
    benchmark::DoNotOptimize(index.data());
    benchmark::ClobberMemory();
  }
  set_counters<L>(state, q);
}

/// Index -> codebook point.
template <class L> void box_from_index(benchmark::State& state) {
  const int q = static_cast<int>(state.range(0));
  const auto y = random_inputs<L>(q);
  std::vector<float> points(y.size());
  std::vector<uint128> index(batch);
  for (std::size_t i = 0; i < batch; ++i) {
    L::box_closest_point(vec<L>(y, i), q, vec<L>(points, i));
    index[i] = L::box_to_index(vec<L>(points, i), q);
  }
  std::vector<float> out(y.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) L::box_from_index(index[i], q, vec<L>(out, i));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_counters<L>(state, q);
}

using kakeya::d4;
using kakeya::d8;
using kakeya::e8;
using kakeya::z8;

#define KAKEYA_LATTICE_BENCH(fn)                                                                   \
  BENCHMARK_TEMPLATE(fn, z8)->Arg(10)->Arg(38)->Arg(152);                                          \
  BENCHMARK_TEMPLATE(fn, d4)->Arg(10)->Arg(38)->Arg(152);                                          \
  BENCHMARK_TEMPLATE(fn, d8)->Arg(10)->Arg(38)->Arg(152);                                          \
  BENCHMARK_TEMPLATE(fn, e8)->Arg(10)->Arg(38)->Arg(152)

KAKEYA_LATTICE_BENCH(closest_point);
KAKEYA_LATTICE_BENCH(box_closest_point);
KAKEYA_LATTICE_BENCH(box_to_index);
KAKEYA_LATTICE_BENCH(box_from_index);

} // namespace

BENCHMARK_MAIN();
