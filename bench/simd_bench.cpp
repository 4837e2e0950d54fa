// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The SIMD backend against the scalar reference: encode / decode / roundtrip of the presets
// (d4 and e8 at q = 10, 38, 152; fp8 block 64 with fp16 and ue8m0 scales; lloyd-max 4 bits)
// for D = 128, 256, 512, and the Hadamard transform alone, on the scalar backend and on every
// instruction set this CPU runs, with 1 and 2 threads (and all, when the machine has more)
// (simd_t::threads; wall-clock time).
// Counters: items = vectors, bytes = float32 input (output for decode).
//
// Also the ceiling the Hadamard transform is compared with: `ceiling/butterfly` runs the
// radix-2 butterfly (x, y) <- (x + y, x - y) over an L1-resident array with the widest vectors
// of each instruction set, and `ceiling/registers` the same additions on registers only;
// their counter `addsub_per_s` is the machine's add/sub throughput. A D-point transform needs
// D log2 D additions or subtractions.
//
//   build-simd/bench/simd_bench --benchmark_filter='e8:q=38/D=128'
#include <benchmark/benchmark.h>

#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "kakeya/backend/scalar.hpp"
#include "kakeya/backend/simd.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/transform/hadamard.hpp"

namespace {

using namespace kakeya;

// KV-like rows: Laplace values, per-row magnitudes e^(1.2 g).
std::vector<float> rows(std::size_t n, std::size_t dim) {
  random_stream rng(42);
  std::vector<float> x(n * dim);
  for (std::size_t i = 0; i < n; ++i) {
    const double m = std::exp(1.2 * rng.gaussian());
    for (std::size_t j = 0; j < dim; ++j) x[i * dim + j] = static_cast<float>(m * rng.laplace());
  }
  return x;
}

// "scalar" or an instruction set; threads ignored for scalar.
struct where {
  std::string isa;
  unsigned threads;
};

enum class op { encode, decode, roundtrip };

template <class C>
void bm_codec(benchmark::State& state, C c, where w, op o) {
  constexpr std::size_t D = C::dim;
  const std::size_t n = std::max<std::size_t>(256, (std::size_t{1} << 19) / D); // 2 MiB of input
  const auto x = rows(n, D);
  std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
  std::vector<float> y(x.size());
  const bool scalar = w.isa == "scalar";
  if (!scalar) set_simd_isa(w.isa);
  const simd_t s{w.threads};
  encode(cpu, c, std::span<const float>(x), std::span<std::uint8_t>(codes));
  for (auto _ : state) {
    switch (o) {
    case op::encode:
      if (scalar)
        encode(cpu, c, std::span<const float>(x), std::span<std::uint8_t>(codes));
      else
        encode(s, c, std::span<const float>(x), std::span<std::uint8_t>(codes));
      benchmark::DoNotOptimize(codes.data());
      break;
    case op::decode:
      if (scalar)
        decode(cpu, c, std::span<const std::uint8_t>(codes), std::span<float>(y));
      else
        decode(s, c, std::span<const std::uint8_t>(codes), std::span<float>(y));
      benchmark::DoNotOptimize(y.data());
      break;
    case op::roundtrip:
      if (scalar)
        roundtrip(cpu, c, std::span<const float>(x), std::span<float>(y));
      else
        roundtrip(s, c, std::span<const float>(x), std::span<float>(y));
      benchmark::DoNotOptimize(y.data());
      break;
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * D * sizeof(float)));
  state.counters["bits_per_vector"] = static_cast<double>(c.bits_per_vector());
  state.counters["ns_per_vector"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n) * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  if (!scalar) set_simd_isa("auto");
}

// `floats` of rows (at least one row), transformed in place again and again (orthonormal: the
// values stay bounded): 16 K floats (64 KiB: L1/L2, the ceiling comparison) or 1 M (4 MiB: the
// thread scaling; calls below about 64 K floats per thread stay on one thread).
void bm_hadamard(benchmark::State& state, std::size_t dim, where w, std::size_t floats) {
  const std::size_t n = std::max<std::size_t>(1, floats / dim);
  auto x = rows(n, dim);
  const bool scalar = w.isa == "scalar";
  if (!scalar) set_simd_isa(w.isa);
  for (auto _ : state) {
    if (scalar) {
      for (std::size_t r = 0; r < n; ++r) detail::fwht(x.data() + r * dim, dim);
    } else {
      hadamard_transform(simd_t{w.threads}, x, dim);
    }
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  const double ops = static_cast<double>(n * dim) * std::log2(static_cast<double>(dim));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * dim * sizeof(float)));
  state.counters["addsub_per_s"] = benchmark::Counter(ops * static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
  state.counters["ns_per_row"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n) * 1e-9,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  if (!scalar) set_simd_isa("auto");
}

// ---- the add/sub ceiling -------------------------------------------------------------------
// One radix-2 stage over 4096 floats (16 KiB, L1), the halves 2048 apart: per pair of vectors
// two loads, one addition, one subtraction, two stores — the inner loop of a Hadamard stage.
constexpr std::size_t ceiling_n = 4096;

__attribute__((target("avx512f"))) void stage_avx512(float* x) {
  for (std::size_t i = 0; i < ceiling_n / 2; i += 16) {
    const __m512 a = _mm512_loadu_ps(x + i), b = _mm512_loadu_ps(x + i + ceiling_n / 2);
    _mm512_storeu_ps(x + i, _mm512_add_ps(a, b));
    _mm512_storeu_ps(x + i + ceiling_n / 2, _mm512_sub_ps(a, b));
  }
}
__attribute__((target("avx2"))) void stage_avx2(float* x) {
  for (std::size_t i = 0; i < ceiling_n / 2; i += 8) {
    const __m256 a = _mm256_loadu_ps(x + i), b = _mm256_loadu_ps(x + i + ceiling_n / 2);
    _mm256_storeu_ps(x + i, _mm256_add_ps(a, b));
    _mm256_storeu_ps(x + i + ceiling_n / 2, _mm256_sub_ps(a, b));
  }
}
void stage_sse(float* x) {
  for (std::size_t i = 0; i < ceiling_n / 2; i += 4) {
    const __m128 a = _mm_loadu_ps(x + i), b = _mm_loadu_ps(x + i + ceiling_n / 2);
    _mm_storeu_ps(x + i, _mm_add_ps(a, b));
    _mm_storeu_ps(x + i + ceiling_n / 2, _mm_sub_ps(a, b));
  }
}
// Registers only: 8 independent butterflies (16 vectors), repeated; no memory traffic. Two
// rounds double every value, so 64 rounds stay finite.
__attribute__((target("avx512f"), noinline)) float registers_avx512(const float* init,
                                                                    std::size_t reps) {
  __m512 v[16];
  for (int i = 0; i < 16; ++i) v[i] = _mm512_set1_ps(init[i]);
  for (std::size_t r = 0; r < reps; ++r) {
    for (int i = 0; i < 16; i += 2) {
      const __m512 a = v[i], b = v[i + 1];
      v[i] = _mm512_add_ps(a, b);
      v[i + 1] = _mm512_sub_ps(a, b);
    }
  }
  __m512 t = v[0];
  for (int i = 1; i < 16; ++i) t = _mm512_add_ps(t, v[i]);
  return _mm512_reduce_add_ps(t);
}

void bm_ceiling_stage(benchmark::State& state, void (*stage)(float*), bool supported) {
  if (!supported) {
    state.SkipWithError("CPU lacks the instruction set");
    return;
  }
  auto x = rows(1, ceiling_n);
  for (auto& v : x) v *= 0x1p-64f;
  constexpr int stages = 256; // two stages double every value: 2^128 per iteration, undone below
  for (auto _ : state) {
    for (int rep = 0; rep < stages; ++rep) stage(x.data());
    for (auto& v : x) v = v * 0x1p-64f * 0x1p-64f; // about 1 % of the time
    benchmark::ClobberMemory();
  }
  const double ops =
      static_cast<double>(stages) * ceiling_n * static_cast<double>(state.iterations());
  state.counters["addsub_per_s"] = benchmark::Counter(ops, benchmark::Counter::kIsRate);
}

void bm_ceiling_registers(benchmark::State& state) {
  if (!__builtin_cpu_supports("avx512f")) {
    state.SkipWithError("CPU lacks AVX-512");
    return;
  }
  const std::size_t reps = 64;
  float init[16];
  for (int i = 0; i < 16; ++i) init[i] = 1.0f + 1e-3f * static_cast<float>(i);
  for (auto _ : state) {
    benchmark::DoNotOptimize(init);
    benchmark::DoNotOptimize(registers_avx512(init, reps));
  }
  state.counters["addsub_per_s"] = benchmark::Counter(static_cast<double>(reps * 16 * 16) *
                                                          static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
}

// scalar, then every instruction set with 1 and 2 threads (and every core, when more than 2).
std::vector<where> places() {
  std::vector<where> ws{{"scalar", 1}};
  std::vector<unsigned> ts{1u, 2u};
  if (std::thread::hardware_concurrency() > 2) ts.push_back(std::thread::hardware_concurrency());
  for (const auto& isa : simd_isas())
    if (isa != "generic")
      for (unsigned t : ts) ws.push_back({isa, t});
  return ws;
}

template <class C>
void register_codec(const std::string& name, C c) {
  const std::vector<where> ws = places();
  for (const auto& w : ws) {
    for (op o : {op::encode, op::decode, op::roundtrip}) {
      const char* on = o == op::encode ? "encode" : (o == op::decode ? "decode" : "roundtrip");
      std::string label =
          std::string(on) + "/" + name + "/D=" + std::to_string(C::dim) + "/" + w.isa;
      if (w.isa != "scalar") label += "/threads:" + std::to_string(w.threads);
      benchmark::RegisterBenchmark(label.c_str(), bm_codec<C>, c, w, o)->UseRealTime();
    }
  }
}

template <std::size_t D>
void register_dim() {
  for (int q : {10, 38, 152}) {
    register_codec("d4:q=" + std::to_string(q), make_kakeya<D, d4>(q));
    register_codec("e8:q=" + std::to_string(q), make_kakeya<D, e8>(q));
  }
  register_codec("fp8:block=64", fp8_codec<D, fp8_e4m3, 64, fp16>{});
  register_codec("fp8:block=64,scale=ue8m0", fp8_codec<D, fp8_e4m3, 64, ue8m0>{});
  register_codec("lloyd-max:bits=4", make_lloyd_max<D>(4));
}

const bool registered = [] {
  register_dim<128>();
  register_dim<256>();
  register_dim<512>();
  for (std::size_t dim : {64u, 128u, 256u, 512u, 1024u, 4096u, 32768u}) {
    for (const auto& w : places()) {
      if (w.threads == 1) {
        const std::string label = "hadamard/D=" + std::to_string(dim) + "/" + w.isa;
        benchmark::RegisterBenchmark(label.c_str(), bm_hadamard, dim, w, std::size_t{16384})
            ->UseRealTime();
      }
      if (w.isa == "scalar") continue;
      const std::string label = "hadamard_4MiB/D=" + std::to_string(dim) + "/" + w.isa +
                                "/threads:" + std::to_string(w.threads);
      benchmark::RegisterBenchmark(label.c_str(), bm_hadamard, dim, w, std::size_t{1} << 20)
          ->UseRealTime();
    }
  }
  benchmark::RegisterBenchmark("ceiling/butterfly/avx512", bm_ceiling_stage, &stage_avx512,
                               __builtin_cpu_supports("avx512f") != 0);
  benchmark::RegisterBenchmark("ceiling/butterfly/avx2", bm_ceiling_stage, &stage_avx2,
                               __builtin_cpu_supports("avx2") != 0);
  benchmark::RegisterBenchmark("ceiling/butterfly/sse", bm_ceiling_stage, &stage_sse, true);
  benchmark::RegisterBenchmark("ceiling/registers/avx512", bm_ceiling_registers);
  return true;
}();

} // namespace

BENCHMARK_MAIN();
