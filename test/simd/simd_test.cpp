// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The SIMD backend against the scalar reference: every instruction set this machine can run
// (and "generic"), every preset codec type for D = 64, 128, 256, 512, on Gaussian, heavy-tailed
// and edge-case rows: codes equal byte for byte, decoded floats bit for bit, for any thread
// count. Also the Hadamard transform for every D, lattice closest points, errors, and a
// user-composed codec (the per-vector fallback).
#define BOOST_TEST_MODULE simd
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include <unistd.h>

#include "kakeya/backend/scalar.hpp"
#include "kakeya/backend/simd.hpp"
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/codec/preset_types.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/io/npy.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/scale/gain_format.hpp"
#include "kakeya/transform/hadamard.hpp"
#include "kakeya/transform/sign_flip.hpp"

using namespace kakeya;

namespace {

/// Pins each instruction set in turn; restores "auto" afterwards.
struct each_isa {
  std::vector<std::string> names = simd_isas();
  ~each_isa() { set_simd_isa("auto"); }
};

std::vector<float> gaussian_rows(std::size_t rows, std::size_t dim, std::uint64_t seed) {
  random_stream rng(seed);
  std::vector<float> x(rows * dim);
  for (auto& v : x) v = static_cast<float>(rng.gaussian());
  return x;
}

/// Laplace values times a per-row magnitude e^(1.2 g): heavy tails, magnitudes over decades.
std::vector<float> heavy_rows(std::size_t rows, std::size_t dim, std::uint64_t seed) {
  random_stream rng(seed);
  std::vector<float> x(rows * dim);
  for (std::size_t i = 0; i < rows; ++i) {
    const double m = std::exp(1.2 * rng.gaussian());
    for (std::size_t j = 0; j < dim; ++j) x[i * dim + j] = static_cast<float>(m * rng.laplace());
  }
  return x;
}

/// Rows that exercise the corners: zeros (both signs), one non-zero, huge and tiny magnitudes,
/// subnormals, values near FLT_MAX, and rows whose normalised coordinates hit exact ties
/// (half-integers after scaling by q; exact for D a power of 4).
std::vector<float> edge_rows(std::size_t dim, std::uint64_t seed) {
  random_stream rng(seed);
  std::vector<float> x;
  auto row = [&](auto f) {
    for (std::size_t j = 0; j < dim; ++j) x.push_back(f(j));
  };
  row([](std::size_t) { return 0.0f; });
  row([](std::size_t) { return -0.0f; });
  row([](std::size_t j) { return j == 0 ? 1.0f : 0.0f; });
  row([&](std::size_t j) { return j + 1 == dim ? -3.7e-5f : 0.0f; });
  row([&](std::size_t j) { return j == dim / 3 ? 1e30f : -0.0f; });
  row([&](std::size_t) { return static_cast<float>(rng.gaussian() * 1e30); });
  row([&](std::size_t) { return static_cast<float>(rng.gaussian() * 1e-30); });
  row([&](std::size_t) { return static_cast<float>(rng.gaussian() * 1e-41); }); // subnormal
  row([&](std::size_t j) { return j % 3 == 0 ? 1e-44f : (j % 3 == 1 ? -3e-39f : 0.0f); });
  row([&](std::size_t j) { return j % 2 == 0 ? 1e30f : 1e-30f; });
  row([&](std::size_t) { return static_cast<float>(rng.gaussian() * 1e38); });
  row([&](std::size_t j) { return j % 5 == 0 ? 3.4e38f : -1.0f; });
  row([&](std::size_t j) { return static_cast<float>(j % 7) - 3.0f; }); // small integers
  row([&](std::size_t) { return 1.0f; });
  row([&](std::size_t j) { return j % 2 ? 0.25f : -0.25f; });
  // Ties: t has entries in {-4, -3.5, ..., 4} with max |t| = 4; x = H t is exact for D = 4^k,
  // and the codec's pow2 + Hadamard + absmax recover v = t / 4 exactly, so v * q lands on
  // half-integers (q = 10: 2.5 t; q = 38: 9.5 t), and on quarter points for E8's cosets.
  for (int rep = 0; rep < 6; ++rep) {
    std::vector<float> t(dim);
    for (auto& v : t) v = static_cast<float>(static_cast<int>(rng.next() % 17) - 8) * 0.5f;
    t[rng.next() % dim] = (rep % 2) ? 4.0f : -4.0f;
    if (rep >= 4)
      for (auto& v : t) v = v == 0.0f ? 1.0f : v; // no zeros: a parity fix everywhere
    detail::fwht(t.data(), dim);
    x.insert(x.end(), t.begin(), t.end());
  }
  for (int rep = 0; rep < 4; ++rep) { // e8 coset ties: (±1/4, ...) and (±3/4, ...) after scaling
    std::vector<float> t(dim);
    for (auto& v : t) v = (rng.next() & 1 ? 0.25f : -0.25f) * (rep < 2 ? 1.0f : 3.0f);
    t[0] = 1.0f;
    detail::fwht(t.data(), dim);
    x.insert(x.end(), t.begin(), t.end());
  }
  return x;
}

std::vector<float> test_rows(std::size_t dim) {
  std::vector<float> x = gaussian_rows(150, dim, 1000 + dim);
  const auto h = heavy_rows(150, dim, 2000 + dim);
  const auto e = edge_rows(dim, 3000 + dim);
  x.insert(x.end(), h.begin(), h.end());
  x.insert(x.end(), e.begin(), e.end());
  return x;
}

template <class T>
std::string first_difference(const std::vector<T>& a, const std::vector<T>& b,
                             std::size_t row_size) {
  if (a.size() != b.size()) return "sizes differ";
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0)
      return "row " + std::to_string(i / row_size) + ", element " + std::to_string(i % row_size);
  return "";
}

/// Bitwise equal, except that two NaNs count as equal: only for decoding arbitrary bytes, where
/// a product of two NaNs (an FP8 NaN code times a NaN scale) keeps the payload of whichever
/// operand the compiler put first.
bool same_or_both_nan(const std::vector<float>& a, const std::vector<float>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], 4) != 0 && !(std::isnan(a[i]) && std::isnan(b[i]))) return false;
  return true;
}

/// One codec's bulk calls, scalar or SIMD (with a thread count; 0: the default).
struct bulk {
  std::size_t dim = 0, bpv = 0;
  std::function<void(std::span<const float>, std::span<std::uint8_t>, bool, unsigned)> encode;
  std::function<void(std::span<const std::uint8_t>, std::span<float>, bool, unsigned)> decode;
  std::function<void(std::span<const float>, std::span<float>, bool, unsigned)> roundtrip;
};

/// Through the typed API: kakeya::encode(cpu | simd_t{t}, c, ...).
template <class C>
bulk typed(const C& c) {
  bulk b;
  b.dim = C::dim;
  b.bpv = c.bytes_per_vector();
  b.encode = [&c](std::span<const float> x, std::span<std::uint8_t> y, bool s, unsigned t) {
    if (s)
      encode(simd_t{t}, c, x, y);
    else
      encode(cpu, c, x, y);
  };
  b.decode = [&c](std::span<const std::uint8_t> x, std::span<float> y, bool s, unsigned t) {
    if (s)
      decode(simd_t{t}, c, x, y);
    else
      decode(cpu, c, x, y);
  };
  b.roundtrip = [&c](std::span<const float> x, std::span<float> y, bool s, unsigned t) {
    if (s)
      roundtrip(simd_t{t}, c, x, y);
    else
      roundtrip(cpu, c, x, y);
  };
  return b;
}

/// Through any_codec (the presets' typed calls are compiled in the library), the thread count
/// set process-wide.
bulk erased(const any_codec& c) {
  bulk b;
  b.dim = c.dim();
  b.bpv = c.bytes_per_vector();
  auto on = [](bool s, unsigned t) {
    set_simd_threads(t);
    return s ? backend::simd : backend::scalar;
  };
  b.encode = [&c, on](std::span<const float> x, std::span<std::uint8_t> y, bool s, unsigned t) {
    c.encode(x, y, on(s, t));
  };
  b.decode = [&c, on](std::span<const std::uint8_t> x, std::span<float> y, bool s, unsigned t) {
    c.decode(x, y, on(s, t));
  };
  b.roundtrip = [&c, on](std::span<const float> x, std::span<float> y, bool s, unsigned t) {
    c.roundtrip(x, y, on(s, t));
  };
  return b;
}

/// Every check of one codec against the scalar backend, on every instruction set: encode
/// (bytes), decode and roundtrip (bits), decoding arbitrary bytes.
void check_codec(const bulk& c, const std::string& label, const std::vector<float>& x,
                 const std::vector<unsigned>& thread_counts = {1}) {
  const std::size_t D = c.dim, n = x.size() / D, bpv = c.bpv;
  std::vector<std::uint8_t> ref_codes(n * bpv);
  c.encode(x, ref_codes, false, 0);
  std::vector<float> ref_dec(x.size()), ref_rt(x.size());
  c.decode(ref_codes, ref_dec, false, 0);
  c.roundtrip(x, ref_rt, false, 0);
  BOOST_TEST(first_difference(ref_dec, ref_rt, D) == "",
             label << ": scalar decode(encode) != roundtrip");
  random_stream rng(77);
  std::vector<std::uint8_t> garbage(97 * bpv);
  for (auto& g : garbage) g = static_cast<std::uint8_t>(rng.next());
  std::vector<float> ref_garbage(97 * D);
  c.decode(garbage, ref_garbage, false, 0);

  each_isa isas;
  for (const auto& isa : isas.names) {
    set_simd_isa(isa);
    for (unsigned t : thread_counts) {
      const std::string at =
          label + " D=" + std::to_string(D) + " isa=" + isa + " threads=" + std::to_string(t);
      std::vector<std::uint8_t> codes(n * bpv, 0xA5);
      c.encode(x, codes, true, t);
      BOOST_TEST(first_difference(codes, ref_codes, bpv) == "",
                 at << ": encode " << first_difference(codes, ref_codes, bpv));
      std::vector<float> y(x.size(), -7.0f);
      c.decode(ref_codes, y, true, t);
      BOOST_TEST(first_difference(y, ref_dec, D) == "",
                 at << ": decode " << first_difference(y, ref_dec, D));
      std::fill(y.begin(), y.end(), -7.0f);
      c.roundtrip(x, y, true, t);
      BOOST_TEST(first_difference(y, ref_rt, D) == "",
                 at << ": roundtrip " << first_difference(y, ref_rt, D));
      std::vector<float> g(ref_garbage.size());
      c.decode(garbage, g, true, t);
      BOOST_TEST(same_or_both_nan(g, ref_garbage), at << ": decoding arbitrary bytes");
    }
  }
  set_simd_threads(0);
}

void check_spec(const std::string& spec, const std::vector<float>& x, std::size_t dim,
                const std::vector<unsigned>& thread_counts = {1}) {
  const any_codec c = any_codec::make(spec, dim);
  check_codec(erased(c), spec, x, thread_counts);
}

/// Every preset type of dimension D (preset_types.hpp), through its spec strings: several q
/// (44 is the largest q whose E8 / Z8 indices the kernels compute in double lanes, 45 and 152
/// take the per-lane 128-bit path; for D4 the bound is 4095), refinement passes 0, 2 and 8,
/// every Lloyd-Max width, every FP8 element format, block and scale format.
void check_all_presets(std::size_t D) {
  const std::vector<float> x = test_rows(D);
  auto lattice = [&](const char* family, std::initializer_list<int> qs) {
    for (int q : qs) check_spec(std::string(family) + ":q=" + std::to_string(q), x, D);
    check_spec(std::string(family) + ":q=38,passes=0", x, D);
  };
  lattice("e8", {1, 2, 10, 38, 44, 45, 152});
  check_spec("e8:q=38,passes=8", x, D);
  lattice("d4", {1, 10, 38, 152, 4095, 4096, 100000});
  lattice("z", {1, 10, 38, 44, 45, 152});
  for (int bits = 1; bits <= 8; ++bits) check_spec("lloyd-max:bits=" + std::to_string(bits), x, D);
  for (const char* format : {"e4m3", "e5m2"})
    for (std::size_t block : {32u, 64u, 128u})
      if (D % block == 0)
        for (const char* scale : {"fp32", "fp16", "bf16", "ue8m0"})
          check_spec("fp8:block=" + std::to_string(block) + ",scale=" + scale + ",format=" + format,
                     x, D);
  for (const char* rate : {"1", "2", "4", "5.6", "6"})
    check_spec(std::string("e8b:rate=") + rate, x, D);
}

/// The preset shapes run compiled kernels on every instruction set but "generic".
template <class C>
void expect_kernel(const C& c, const std::string& label, bool vectorised = true) {
  each_isa isas;
  for (const auto& isa : isas.names) {
    set_simd_isa(isa);
    BOOST_TEST(simd_has_kernel(c) == (vectorised && isa != "generic"),
               label << " D=" << C::dim << " isa=" << isa);
  }
}
template <std::size_t D, class C>
void expect_kernel_for_type() {
  if constexpr (std::is_same_v<C, kakeya_e8<D>>)
    expect_kernel(make_kakeya<D, e8>(38), "e8");
  else if constexpr (std::is_same_v<C, kakeya_d4<D>>)
    expect_kernel(make_kakeya<D, d4>(152), "d4");
  else if constexpr (std::is_same_v<C, kakeya_z<D>>)
    expect_kernel(make_kakeya<D, z8>(10), "z");
  else if constexpr (std::is_same_v<C, lloyd_max_codec<D>>)
    expect_kernel(make_lloyd_max<D>(5), "lloyd-max");
  else if constexpr (std::is_same_v<C, voronoi_e8<D>> || std::is_same_v<C, voronoi_d4<D>>)
    expect_kernel(C{}, "voronoi (per-vector code on the threads, no SIMD kernel yet)", false);
  else if constexpr (std::is_same_v<C, ball_e8<D>>) {
    expect_kernel(make_ball<D, e8>(4), "e8b");
    expect_kernel(C{}, "e8b, empty ball (per-vector code on the threads)", false);
  } else
    expect_kernel(C{}, "fp8");
}
template <std::size_t D, class... C>
void expect_kernels(type_list<C...>) {
  (expect_kernel_for_type<D, C>(), ...);
}

} // namespace

BOOST_AUTO_TEST_CASE(instruction_sets) {
  const auto names = simd_isas();
  BOOST_TEST_MESSAGE("instruction sets: " << [&] {
    std::string s;
    for (const auto& n : names) s += n + " ";
    return s;
  }() << "(default " << simd_isa_name() << ")");
  BOOST_REQUIRE(!names.empty());
  BOOST_TEST(names.back() == "generic");
  BOOST_TEST(simd_isa_name() == names.front());
  for (const auto& n : names) {
    set_simd_isa(n);
    BOOST_TEST(simd_isa_name() == n);
  }
  set_simd_isa("auto");
  BOOST_TEST(simd_isa_name() == names.front());
  BOOST_CHECK_EXCEPTION(set_simd_isa("avx9000"), error,
                        [](const error& e) { return e.code() == errc::invalid_argument; });
  BOOST_TEST(simd_isa_name() == names.front());
  BOOST_TEST(simd_threads() >= 1u);
  set_simd_threads(3);
  BOOST_TEST(simd_threads() == 3u);
  set_simd_threads(0);
  BOOST_TEST(backend_available(backend::simd));
  BOOST_TEST(backend_status(backend::simd).find(simd_isa_name()) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_preset_type_has_a_kernel) {
  expect_kernels<64>(preset_types<64>{});
  expect_kernels<128>(preset_types<128>{});
  expect_kernels<256>(preset_types<256>{});
  expect_kernels<512>(preset_types<512>{});
  expect_kernels<1024>(preset_types<1024>{});
  expect_kernel(kakeya_e8<128, 38>{}, "kakeya_e8<128, 38>");
}

BOOST_AUTO_TEST_CASE(every_preset_d64) { check_all_presets(64); }
BOOST_AUTO_TEST_CASE(every_preset_d128) { check_all_presets(128); }
BOOST_AUTO_TEST_CASE(every_preset_d256) { check_all_presets(256); }
BOOST_AUTO_TEST_CASE(every_preset_d512) { check_all_presets(512); }

// Two balls per vector (D = 1024, K = 64), and several threads.
BOOST_AUTO_TEST_CASE(ball_codes_of_two_balls_per_vector) {
  auto x = gaussian_rows(40, 1024, 4024); // (test_rows' edge rows overflow the Hadamard at 1024)
  const auto h = heavy_rows(40, 1024, 5024);
  x.insert(x.end(), h.begin(), h.end());
  x.insert(x.end(), 1024, 0.0f);
  for (const char* spec : {"e8b:rate=2", "e8b:rate=5"}) check_spec(spec, x, 1024, {1, 3});
}

BOOST_AUTO_TEST_CASE(typed_calls_and_static_q) {
  // The typed API with simd_t{threads}, and codecs with a compile-time q (the same kernels).
  const auto x = test_rows(128);
  const auto e8c = make_kakeya<128, e8>(38);
  check_codec(typed(e8c), "typed e8 q=38", x, {1, 2});
  check_codec(typed(kakeya_e8<128, 38>{}), "kakeya_e8<128, 38>", x);
  check_codec(typed(kakeya_d4<128, 10>{}), "kakeya_d4<128, 10>", x);
  check_codec(typed(fp8_codec<128, fp8_e5m2, 64, ue8m0>{}), "typed fp8 e5m2 64 ue8m0", x);
}

BOOST_AUTO_TEST_CASE(thread_counts_give_identical_output) {
  // Enough rows that 2 and 3 threads really split the work (ranges of >= 256 rows at D = 64).
  for (std::size_t rows : {1537u, 4099u}) {
    std::vector<float> x = heavy_rows(rows, 64, 9);
    const auto e = edge_rows(64, 10);
    x.insert(x.begin() + 640, e.begin(), e.end());
    for (const char* spec :
         {"e8:q=38", "d4:q=152", "z:q=152", "lloyd-max:bits=4", "fp8:block=32,scale=ue8m0"})
      check_spec(spec, x, 64, {1, 2, 3, 0});
  }
  // Dimension 1024 (a preset dimension the per-type sweeps leave out).
  const auto x = heavy_rows(301, 1024, 11);
  check_spec("e8:q=10", x, 1024, {1, 2, 3});
  check_spec("lloyd-max:bits=3", x, 1024, {1, 2});
  check_spec("fp8:block=128,scale=bf16,format=e5m2", x, 1024, {1, 3});
}

BOOST_AUTO_TEST_CASE(user_composed_codecs_fall_back_to_the_reference_code) {
  // Not a preset shape: randomised Hadamard, D8 blocks, a bf16 gain. Runs the per-vector code.
  using custom = codec<128, lattice_block<truncated<d8>>, randomized_hadamard<128>, absmax,
                       refine_gain, gain_as<bf16>>;
  const custom c(lattice_block<truncated<d8>>(truncated<d8>(20)), randomized_hadamard<128>{2026},
                 absmax{}, refine_gain{2}, gain_as<bf16>{});
  each_isa isas;
  for (const auto& isa : isas.names) {
    set_simd_isa(isa);
    BOOST_TEST(!simd_has_kernel(c));
  }
  check_codec(typed(c), "custom d8/randomised/bf16", test_rows(128), {1, 2});
  // An FP8 block narrower than a batch: the kernels need whole batches per block.
  const fp8_codec<64, fp8_e5m2, 2, bf16> narrow{};
  BOOST_TEST(!simd_has_kernel(narrow));
  check_codec(typed(narrow), "fp8 e5m2 block=2 bf16", test_rows(64), {1, 2});
}

BOOST_AUTO_TEST_CASE(fp8_elements_round_like_the_reference) {
  // Blocks whose largest magnitude is the format's maximum get the scale d = 1 exactly (fp32
  // scale), so every other element is encoded as it is: a sweep over the float magnitudes
  // below the maximum — every exponent, mantissas on and around each multiple of 2^10 (all
  // the rounding ties of normal and subnormal FP8 targets) and random ones, both signs.
  auto sweep = [](float max_finite, std::uint64_t seed) {
    random_stream rng(seed);
    std::vector<float> v;
    for (std::uint32_t e = 0; e < 255; ++e)
      for (std::uint32_t m = 0; m < (1u << 23); m += 1u << 10)
        for (int d : {0, 1, -1, 2}) {
          const std::uint32_t mm = (m + static_cast<std::uint32_t>(d)) & 0x7fffffu;
          const float f = detail::float_from_bits((e << 23) | mm);
          if (f < max_finite) v.push_back(rng.next() & 1 ? -f : f);
        }
    for (int i = 0; i < 200000; ++i) {
      const float f = detail::float_from_bits(static_cast<std::uint32_t>(rng.next()) & 0x7fffffffu);
      if (f < max_finite) v.push_back(f);
    }
    std::vector<float> x;
    for (std::size_t i = 0; i < v.size(); i += 31) {
      x.push_back(i % 2 ? max_finite : -max_finite);
      for (std::size_t j = i; j < i + 31; ++j) x.push_back(j < v.size() ? v[j] : 0.0f);
    }
    x.resize((x.size() + 63) / 64 * 64, 0.0f);
    return x;
  };
  check_spec("fp8:block=32,scale=fp32", sweep(448.0f, 1), 64);
  check_spec("fp8:block=32,scale=fp32,format=e5m2", sweep(57344.0f, 2), 64);
}

BOOST_AUTO_TEST_CASE(hadamard_matches_the_scalar_transform_for_every_dimension) {
  each_isa isas;
  for (std::size_t dim = 2; dim <= hadamard_max_dim; dim *= 2) {
    const std::size_t rows = dim <= 64 ? 67 : (dim <= 4096 ? 5 : 2);
    std::vector<float> x = heavy_rows(rows, dim, dim);
    for (std::size_t j = 0; j < dim; ++j) x[j] = j == 1 ? 1.0f : 0.0f; // a basis vector
    std::vector<float> ref = x;
    for (std::size_t r = 0; r < rows; ++r) detail::fwht(ref.data() + r * dim, dim);
    for (const auto& isa : isas.names) {
      set_simd_isa(isa);
      for (unsigned t : {1u, 2u}) {
        std::vector<float> y = x;
        hadamard_transform(simd_t{t}, y, dim);
        BOOST_TEST(first_difference(y, ref, dim) == "",
                   "D=" << dim << " isa=" << isa << " threads=" << t);
      }
    }
  }
  std::vector<float> bad(12);
  BOOST_CHECK_THROW(hadamard_transform(simd, bad, 3), error);
  BOOST_CHECK_THROW(hadamard_transform(simd, bad, 8), error); // 12 is not whole rows of 8
  BOOST_CHECK_THROW(hadamard_transform(simd, bad, 65536), error);
}

BOOST_AUTO_TEST_CASE(closest_points_match_the_lattice_functions) {
  random_stream rng(5);
  std::vector<float> y(8 * 1001);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double g = rng.gaussian() * (i % 3 == 0 ? 30.0 : 3.0);
    // a third exact half-integers or quarter points (ties), the rest arbitrary
    y[i] = i % 3 == 1 ? static_cast<float>(std::round(g * 4) / 4) : static_cast<float>(g);
  }
  each_isa isas;
  auto check = [&]<class L>(const char* name) {
    for (int q : {0, 1, 2, 10, 38}) {
      std::vector<float> ref(y.size());
      for (std::size_t b = 0; b < y.size() / L::dim; ++b) {
        std::span<const float, L::dim> in(y.data() + b * L::dim, L::dim);
        std::span<float, L::dim> out(ref.data() + b * L::dim, L::dim);
        if (q == 0)
          L::closest_point(in, out);
        else
          L::box_closest_point(in, q, out);
      }
      for (const auto& isa : isas.names) {
        set_simd_isa(isa);
        std::vector<float> got(y.size());
        closest_points<L>(simd, y, got, q);
        BOOST_TEST(first_difference(got, ref, L::dim) == "", name << " q=" << q << " isa=" << isa);
        std::vector<float> inplace = y;
        closest_points<L>(simd, inplace, inplace, q);
        BOOST_TEST(first_difference(inplace, ref, L::dim) == "", name << " in place, q=" << q);
      }
    }
  };
  check.template operator()<z8>("z8");
  check.template operator()<d4>("d4");
  check.template operator()<e8>("e8");
  check.template operator()<d8>("d8 (reference code)");
  std::vector<float> odd(12);
  BOOST_CHECK_THROW(closest_points<e8>(simd, odd, odd), error);
  BOOST_CHECK_THROW(closest_points<e8>(simd, std::span<const float>(y), std::span<float>(y), -1),
                    error);
}

BOOST_AUTO_TEST_CASE(errors_match_the_scalar_backend) {
  const auto c = make_kakeya<64, e8>(38);
  auto message = [](auto&& f) -> std::pair<errc, std::string> {
    try {
      f();
    } catch (const error& e) {
      return {e.code(), e.what()};
    }
    return {errc::invalid_argument, "no error"};
  };
  std::vector<float> x = gaussian_rows(300, 64, 4);
  std::vector<std::uint8_t> codes(300 * c.bytes_per_vector());
  std::vector<float> y(x.size());
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
    for (std::size_t at : {0u, 64u * 17 + 5, 64u * 299 + 63}) {
      std::vector<float> xb = x;
      xb[at] = bad;
      xb[at + (at < 100 ? 70 : 0) - (at < 100 ? 0 : 3)] = bad; // a second one later / earlier
      const auto ref = message(
          [&] { encode(cpu, c, std::span<const float>(xb), std::span<std::uint8_t>(codes)); });
      std::vector<std::uint8_t> untouched(codes.size(), 0x5A);
      const auto got = message(
          [&] { encode(simd, c, std::span<const float>(xb), std::span<std::uint8_t>(untouched)); });
      BOOST_TEST(static_cast<int>(got.first) == static_cast<int>(errc::non_finite_input));
      BOOST_TEST(got.second == ref.second);
      BOOST_TEST(
          std::all_of(untouched.begin(), untouched.end(), [](std::uint8_t b) { return b == 0x5A; }),
          "nothing written before the error");
      const auto ref_rt =
          message([&] { roundtrip(cpu, c, std::span<const float>(xb), std::span<float>(y)); });
      const auto got_rt =
          message([&] { roundtrip(simd, c, std::span<const float>(xb), std::span<float>(y)); });
      BOOST_TEST(got_rt.second == ref_rt.second);
    }
  }
  // Sizes.
  std::vector<float> ragged(65);
  const auto r1 = message(
      [&] { encode(cpu, c, std::span<const float>(ragged), std::span<std::uint8_t>(codes)); });
  const auto s1 = message(
      [&] { encode(simd, c, std::span<const float>(ragged), std::span<std::uint8_t>(codes)); });
  BOOST_TEST(s1.second == r1.second);
  BOOST_TEST(static_cast<int>(s1.first) == static_cast<int>(errc::invalid_dimension));
  std::vector<std::uint8_t> short_codes(10);
  const auto r2 = message(
      [&] { decode(cpu, c, std::span<const std::uint8_t>(short_codes), std::span<float>(y)); });
  const auto s2 = message(
      [&] { decode(simd, c, std::span<const std::uint8_t>(short_codes), std::span<float>(y)); });
  BOOST_TEST(s2.second == r2.second);
  std::vector<float> out(64);
  const auto r3 =
      message([&] { roundtrip(cpu, c, std::span<const float>(x), std::span<float>(out)); });
  const auto s3 =
      message([&] { roundtrip(simd, c, std::span<const float>(x), std::span<float>(out)); });
  BOOST_TEST(s3.second == r3.second);
  // Zero vectors: nothing to do, no error.
  encode(simd, c, std::span<const float>(), std::span<std::uint8_t>());
  decode(simd, c, std::span<const std::uint8_t>(), std::span<float>());
}

#if KAKEYA_TEST_CLI
BOOST_AUTO_TEST_CASE(cli_thread_counts_give_identical_files) {
  const char* cli = std::getenv("KAKEYA_CLI");
  BOOST_REQUIRE_MESSAGE(cli != nullptr, "KAKEYA_CLI must name the kakeya executable");
  const auto dir = std::filesystem::temp_directory_path() /
                   ("kakeya_simd_cli_" + std::to_string(static_cast<unsigned long>(::getpid())));
  std::filesystem::create_directories(dir);
  const auto x = heavy_rows(1500, 128, 21);
  io::write_npy((dir / "x.npy").string(), 1500, 128, x);
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(f), {});
  };
  auto run = [&](const std::string& args) {
    const std::string cmd = std::string(cli) + " " + args + " > /dev/null 2>&1";
    return std::system(cmd.c_str());
  };
  for (const char* spec : {"e8:q=38", "lloyd-max:bits=3", "fp8:block=32,scale=bf16"}) {
    const std::string in = " --in " + (dir / "x.npy").string();
    BOOST_REQUIRE(run(std::string("encode --codec ") + spec + in + " --backend scalar --out " +
                      (dir / "ref.kkc").string()) == 0);
    BOOST_REQUIRE(run(std::string("roundtrip --codec ") + spec + in + " --backend scalar --out " +
                      (dir / "ref.npy").string()) == 0);
    for (const char* t : {"1", "2", "3"}) {
      const std::string threads = std::string(" --backend simd --threads ") + t;
      BOOST_REQUIRE(run(std::string("encode --codec ") + spec + in + threads + " --out " +
                        (dir / "c.kkc").string()) == 0);
      BOOST_TEST((slurp(dir / "c.kkc") == slurp(dir / "ref.kkc")),
                 spec << " encode --threads " << t);
      BOOST_REQUIRE(run("decode --in " + (dir / "ref.kkc").string() + threads + " --out " +
                        (dir / "y.npy").string()) == 0);
      BOOST_TEST((slurp(dir / "y.npy") == slurp(dir / "ref.npy")),
                 spec << " decode --threads " << t);
      BOOST_REQUIRE(run(std::string("roundtrip --codec ") + spec + in + threads + " --out " +
                        (dir / "y.npy").string()) == 0);
      BOOST_TEST((slurp(dir / "y.npy") == slurp(dir / "ref.npy")),
                 spec << " roundtrip --threads " << t);
    }
  }
  BOOST_TEST(run("roundtrip --codec e8:q=38 --in " + (dir / "x.npy").string() + " --out " +
                 (dir / "y.npy").string() + " --threads 0") != 0); // refused: >= 1
  std::filesystem::remove_all(dir);
}
#endif
