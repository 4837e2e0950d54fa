// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Concurrency: one codec object shared by several std::threads, each making bulk encode /
// decode / roundtrip calls at the same time through the scalar backend, the SIMD backend (its
// shared thread pool, and one thread per call) and any_codec, while another thread switches the
// process-wide SIMD instruction set. Every result must equal the single-threaded run byte for
// byte. (Boost.Test assertions are not thread-safe: workers only record mismatches.)
#define BOOST_TEST_MODULE concurrency
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "kakeya/backend/scalar.hpp"
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/core/random.hpp"
#if KAKEYA_WITH_SIMD
#include "kakeya/backend/simd.hpp"
#endif

using namespace kakeya;

namespace {

constexpr std::size_t D = 128;
constexpr std::size_t N = 700; // not a multiple of 64: exercises partial chunks
constexpr int threads = 6;
constexpr int rounds = 3;

std::vector<float> data(std::uint64_t seed) {
  random_stream rng(seed);
  std::vector<float> x(N * D);
  for (std::size_t i = 0; i < N; ++i) {
    const double m = std::exp(rng.gaussian());
    for (std::size_t j = 0; j < D; ++j) x[i * D + j] = static_cast<float>(m * rng.laplace());
  }
  return x;
}

bool same(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b) { return a == b; }
bool same(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// Runs `work(thread_index, round)` on `threads` threads at once (released together), plus,
/// with SIMD, a thread that keeps switching the instruction set until they finish. Returns the
/// number of mismatches the workers reported.
int run_concurrently(const std::function<int(int, int)>& work) {
  std::atomic<int> ready{0}, failures{0}, done{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      ++ready;
      while (!go.load()) std::this_thread::yield();
      for (int r = 0; r < rounds; ++r) failures += work(t, r);
      ++done;
    });
#if KAKEYA_WITH_SIMD
  std::thread switcher([&] {
    const auto isas = simd_isas();
    std::size_t k = 0;
    while (!go.load()) std::this_thread::yield();
    while (done.load() < threads) {
      set_simd_isa(isas[k++ % isas.size()]);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    set_simd_isa("auto");
  });
#endif
  while (ready.load() < threads) std::this_thread::yield();
  go = true;
  for (auto& th : pool) th.join();
#if KAKEYA_WITH_SIMD
  switcher.join();
#endif
  return failures.load();
}

/// A typed codec shared by every thread: scalar and SIMD bulk calls against the reference.
template <Codec C>
void check_typed(const C& c, const char* name) {
  const auto x = data(17);
  std::vector<std::uint8_t> ref_codes(N * c.bytes_per_vector());
  std::vector<float> ref_y(N * D), ref_rt(N * D);
  encode(cpu, c, x, ref_codes);
  decode(cpu, c, ref_codes, ref_y);
  roundtrip(cpu, c, x, ref_rt);
  const int bad = run_concurrently([&](int t, int r) {
    int fails = 0;
    std::vector<std::uint8_t> codes(ref_codes.size());
    std::vector<float> y(ref_y.size());
    switch ((t + r) % 4) {
    case 0:
      encode(cpu, c, x, codes);
      decode(cpu, c, codes, y);
      break;
#if KAKEYA_WITH_SIMD
    case 1: // the shared pool (or this thread alone when the pool is busy)
      encode(simd, c, x, codes);
      decode(simd, c, codes, y);
      break;
    case 2: // explicit thread counts
      encode(simd_t{.threads = 2}, c, x, codes);
      decode(simd_t{.threads = 3}, c, codes, y);
      break;
#endif
    default:
      codes = ref_codes;
      roundtrip(cpu, c, x, y);
      fails += !same(y, ref_rt);
#if KAKEYA_WITH_SIMD
      roundtrip(simd, c, x, y);
#endif
      fails += !same(y, ref_rt);
      return fails;
    }
    fails += !same(codes, ref_codes);
    fails += !same(y, ref_y);
    return fails;
  });
  BOOST_TEST_CONTEXT(name) { BOOST_TEST(bad == 0); }
}

} // namespace

BOOST_AUTO_TEST_CASE(typed_codecs_shared_between_threads) {
  check_typed(make_kakeya<D, e8>(38), "e8:q=38");
  check_typed(make_kakeya<D, d4>(10), "d4:q=10");
  check_typed(make_kakeya<D, z8>(3), "z:q=3");
  check_typed(kakeya_e8<D, 10>{}, "e8:q=10 (static q)");
  check_typed(make_lloyd_max<D>(4), "lloyd-max:bits=4");
  check_typed(fp8_codec<D, fp8_e4m3, 64, fp16>{}, "fp8:block=64");
  check_typed(fp8_codec<D, fp8_e5m2, 32, ue8m0>{}, "fp8:block=32,scale=ue8m0,format=e5m2");
}

BOOST_AUTO_TEST_CASE(any_codec_shared_between_threads) {
  const auto x = data(29);
  for (const char* spec : {"e8:q=38", "d4:q=38", "lloyd-max:bits=3", "fp8:block=128,scale=bf16"}) {
    const any_codec c = any_codec::make(spec, D);
    std::vector<std::uint8_t> ref_codes(N * c.bytes_per_vector());
    std::vector<float> ref_y(N * D);
    c.encode(x, ref_codes);
    c.decode(ref_codes, ref_y);
    std::vector<backend> backends = {backend::scalar};
    if (backend_available(backend::simd)) backends.push_back(backend::simd);
    const int bad = run_concurrently([&](int t, int r) {
      const backend b = backends[static_cast<std::size_t>(t + r) % backends.size()];
      // Copies of an any_codec share its immutable model: use both the shared object and a copy.
      const any_codec copy = c;
      const any_codec& use = t % 2 ? copy : c;
      std::vector<std::uint8_t> codes(ref_codes.size());
      std::vector<float> y(ref_y.size()), rt(ref_y.size());
      use.encode(x, codes, b);
      use.decode(codes, y, b);
      use.roundtrip(x, rt, b);
      return int(!same(codes, ref_codes)) + int(!same(y, ref_y)) + int(!same(rt, ref_y));
    });
    BOOST_TEST_CONTEXT(spec) { BOOST_TEST(bad == 0); }
  }
}

BOOST_AUTO_TEST_CASE(errors_in_one_thread_do_not_disturb_the_others) {
  const auto x = data(31);
  const any_codec c = any_codec::make("e8:q=10", D);
  std::vector<std::uint8_t> ref_codes(N * c.bytes_per_vector());
  c.encode(x, ref_codes);
  auto bad_x = x;
  bad_x[(N / 2) * D + 3] = std::numeric_limits<float>::quiet_NaN();
  const std::string want = "row " + std::to_string(N / 2) + ", column 3";
  const backend b = backend_available(backend::simd) ? backend::simd : backend::scalar;
  const int bad = run_concurrently([&](int t, int) {
    std::vector<std::uint8_t> codes(ref_codes.size());
    if (t % 2 == 0) {
      c.encode(x, codes, b);
      return int(!same(codes, ref_codes));
    }
    try {
      c.encode(bad_x, codes, b);
      return 1;
    } catch (const error& e) {
      return int(e.code() != errc::non_finite_input ||
                 std::string(e.what()).find(want) == std::string::npos);
    }
  });
  BOOST_TEST(bad == 0);
}
