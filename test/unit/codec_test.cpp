// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Codecs: bit budgets against the counting formulas, round trips, golden bytes derived by
// hand, zero vectors, magnitude invariance, and quality against the KakeyaLattice study's
// algorithm (round, then clamp) on KV-like data.
#define BOOST_TEST_MODULE codec
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "kakeya/backend/scalar.hpp"
#include "kakeya/core/bits.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/codec/spec.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/metrics/rel_mse.hpp"

using namespace kakeya;

namespace {

// KV-like rows: anisotropic per-coordinate scales, heavy (Laplace) tails, a few outlier
// coordinates, and per-row magnitudes spread over two orders of magnitude.
std::vector<float> kv_like(std::size_t rows, std::size_t dim, std::uint64_t seed) {
  random_stream rng(seed);
  std::vector<double> col(dim);
  for (auto& c : col) c = std::exp(0.8 * rng.gaussian());
  for (std::size_t j = 0; j < dim; j += 37) col[j] *= 10;
  std::vector<float> x(rows * dim);
  for (std::size_t i = 0; i < rows; ++i) {
    double m = std::exp(1.2 * rng.gaussian());
    for (std::size_t j = 0; j < dim; ++j) x[i * dim + j] = static_cast<float>(m * col[j] * rng.laplace());
  }
  return x;
}

uint128 upow(uint128 b, int e) {
  uint128 r = 1;
  while (e-- > 0) r *= b;
  return r;
}

std::vector<std::uint8_t> encode_one(const any_codec& c, const std::vector<float>& x) {
  std::vector<std::uint8_t> code(c.bytes_per_vector());
  c.encode(x, code);
  return code;
}

} // namespace

BOOST_AUTO_TEST_CASE(bit_budgets_match_the_counting_formulas) {
  // The worked examples.
  BOOST_TEST(any_codec::make("d4:q=38", 128).bits_per_vector() == 832u);
  BOOST_TEST(any_codec::make("e8:q=38", 128).bits_per_vector() == 848u);
  BOOST_TEST(any_codec::make("e8:q=10", 128).bits_per_vector() == 592u);
  BOOST_TEST(any_codec::make("d4:q=38", 512).bits_per_vector() == 3232u);
  BOOST_TEST(any_codec::make("e8:q=38", 512).bits_per_vector() == 3296u);
  BOOST_TEST(any_codec::make("fp8:block=64", 512).bits_per_vector() == 4224u);
  // Compile time, for static q.
  static_assert(kakeya_e8<512, 38>{}.bits_per_vector() == 3296);
  static_assert(kakeya_d4<128, 38>{}.bytes_per_vector() == 104);
  for (std::size_t dim : {64u, 128u, 256u, 512u}) {
    for (int q : {1, 2, 3, 10, 38, 100, 152, 1000}) {
      uint128 d4 = (upow(2 * q + 1, 4) + 1) / 2;                      // D4 in the box
      uint128 e8 = (upow(2 * q + 1, 8) + 1) / 2 + upow(2 * q, 8) / 2;  // D8 + half coset
      uint128 z8 = upow(2 * q + 1, 8);
      BOOST_TEST(any_codec::make("d4:q=" + std::to_string(q), dim).bits_per_vector() ==
                 32 + dim / 4 * bits_for_count(d4));
      BOOST_TEST(any_codec::make("e8:q=" + std::to_string(q), dim).bits_per_vector() ==
                 32 + dim / 8 * bits_for_count(e8));
      BOOST_TEST(any_codec::make("z:q=" + std::to_string(q), dim).bits_per_vector() ==
                 32 + dim / 8 * bits_for_count(z8));
      // the paper's ceil(4 log2(2q+1) - 1) for D4
      BOOST_TEST(bits_for_count(d4) == static_cast<int>(std::ceil(4 * std::log2(2.0 * q + 1) - 1)));
    }
    for (int b = 1; b <= 8; ++b)
      BOOST_TEST(any_codec::make("lloyd-max:bits=" + std::to_string(b), dim).bits_per_vector() == 32 + dim * b);
    for (std::size_t block : {32u, 64u, 128u}) {
      if (block > dim) continue;
      const std::pair<const char*, std::size_t> scales[] = {{"fp32", 32}, {"fp16", 16}, {"bf16", 16}, {"ue8m0", 8}};
      for (auto [scale, sbits] : scales)
        BOOST_TEST(any_codec::make("fp8:block=" + std::to_string(block) + ",scale=" + scale, dim)
                       .bits_per_vector() == dim * 8 + dim / block * sbits);
    }
  }
  // E8's exact count saves a bit against the paper's ceil(8 log2(2q+1)) at q = 10.
  BOOST_TEST(any_codec::make("e8:q=10", 8 * 16).bits_per_vector() - 32 == 16u * 35u);
}

BOOST_AUTO_TEST_CASE(golden_bytes_derived_by_hand) {
  // x = e_0, D = 64. H e_0 / 8 = (1/8, ..., 1/8); absmax m = 1/8 makes every value 1; gain
  // 1 · 1/8 = 0x3E000000. E8, q = 1: the point (1,...,1) is in D8; mixed radix u_i = 2,
  // R = sum 2·3^i = 3^8 - 1 = 6560, index R/2 = 3280 = 0xCD0 in 12 bits (count 3409).
  std::vector<float> e0(64, 0.0f);
  e0[0] = 1.0f;
  std::vector<std::uint8_t> e8_want = {0x00, 0x00, 0x00, 0x3E};
  for (int i = 0; i < 4; ++i) e8_want.insert(e8_want.end(), {0xD0, 0x0C, 0xCD});
  BOOST_TEST(encode_one(any_codec::make("e8:q=1", 64), e0) == e8_want, boost::test_tools::per_element());
  // D4, q = 1: (1,1,1,1), R = 2·(1+3+9+27) = 80, index 40 in 6 bits (count 41); four indices
  // fill three bytes: 40·(1 + 2^6 + 2^12 + 2^18) = 0xA28A28.
  std::vector<std::uint8_t> d4_want = {0x00, 0x00, 0x00, 0x3E};
  for (int i = 0; i < 4; ++i) d4_want.insert(d4_want.end(), {0x28, 0x8A, 0xA2});
  BOOST_TEST(encode_one(any_codec::make("d4:q=1", 64), e0) == d4_want, boost::test_tools::per_element());
  // lloyd-max, 1 bit: unit norm 1.0 = 0x3F800000, every coordinate 1/8 > 0 takes level 1.
  std::vector<std::uint8_t> lm_want = {0x00, 0x00, 0x80, 0x3F};
  lm_want.insert(lm_want.end(), 8, 0xFF);
  BOOST_TEST(encode_one(any_codec::make("lloyd-max:bits=1", 64), e0) == lm_want, boost::test_tools::per_element());
  // fp8, block 64, fp16 scale: amax 448 -> scale 1.0 = fp16 0x3C00; e4m3 codes 448 = 0x7E,
  // 1 = 0x38, -0.5 = 0xB0, zeros 0x00.
  std::vector<float> f(64, 0.0f);
  f[0] = 448.0f;
  f[1] = 1.0f;
  f[2] = -0.5f;
  std::vector<std::uint8_t> fp8_want = {0x00, 0x3C, 0x7E, 0x38, 0xB0};
  fp8_want.resize(66, 0x00);
  BOOST_TEST(encode_one(any_codec::make("fp8:block=64", 64), f) == fp8_want, boost::test_tools::per_element());
  // and the e8 code decodes back to e_0 exactly
  std::vector<float> y(64);
  any_codec::make("e8:q=1", 64).decode(e8_want, y);
  BOOST_TEST(y == e0, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(roundtrip_is_decode_of_encode_bit_for_bit) {
  const char* specs[] = {"d4:q=10", "d4:q=38", "e8:q=10", "e8:q=38", "e8:q=152", "z:q=38",
                         "e8:q=38,passes=0", "d4:q=5,passes=5", "fp8:block=64",
                         "fp8:block=32,scale=ue8m0", "fp8:block=64,scale=bf16,format=e5m2",
                         "lloyd-max:bits=3", "lloyd-max:bits=8"};
  for (std::size_t dim : {64u, 128u, 256u, 512u}) {
    auto x = kv_like(64, dim, dim);
    for (const char* s : specs) {
      any_codec c = any_codec::make(s, dim);
      std::vector<std::uint8_t> codes(64 * c.bytes_per_vector());
      std::vector<float> a(x.size()), b(x.size());
      c.encode(x, codes);
      c.decode(codes, a);
      c.roundtrip(x, b);
      BOOST_TEST_CONTEXT(s << " D=" << dim) {
        BOOST_TEST(std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
        // re-encoding the decoded vectors of a lattice codec is stable in quality
        quality qa = measure_quality(x, a, 64, dim);
        BOOST_TEST(qa.rel_mse < 0.1);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(zero_vectors_decode_to_exact_zero) {
  for (const char* s : {"d4:q=38", "e8:q=38", "z:q=7", "fp8:block=64", "fp8:block=64,scale=ue8m0", "lloyd-max:bits=4"}) {
    any_codec c = any_codec::make(s, 128);
    std::vector<float> x(3 * 128, 0.0f), y(3 * 128, 1.0f);
    x[128 + 5] = 2.0f; // a non-zero row between two zero rows
    c.roundtrip(x, y);
    for (std::size_t j = 0; j < 128; ++j) {
      BOOST_TEST(y[j] == 0.0f);
      BOOST_TEST(y[256 + j] == 0.0f);
      BOOST_TEST(!std::signbit(y[j]));
    }
  }
}

BOOST_AUTO_TEST_CASE(quality_does_not_depend_on_magnitude) {
  auto x = kv_like(200, 128, 11);
  for (const char* s : {"d4:q=38", "e8:q=38", "e8:q=10", "z:q=38", "lloyd-max:bits=4"}) {
    any_codec c = any_codec::make(s, 128);
    std::vector<std::uint8_t> base(200 * c.bytes_per_vector());
    c.encode(x, base);
    std::vector<float> y(x.size());
    c.decode(base, y);
    double ref = measure_quality(x, y, 200, 128).rel_mse;
    for (double scale : {1e-30, 1e-20, 1e-10, 1e-3, 1e3, 1e10, 1e20, 1e30}) {
      std::vector<float> xs(x.size()), ys(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) xs[i] = static_cast<float>(x[i] * scale);
      c.roundtrip(xs, ys);
      double rel = measure_quality(xs, ys, 200, 128).rel_mse;
      BOOST_TEST_CONTEXT(s << " scale " << scale) { BOOST_TEST(std::fabs(rel / ref - 1) < 1e-3); }
    }
    // Powers of two: identical codes apart from the gain field (the first 4 bytes).
    for (int k : {-100, -30, 30, 100}) {
      std::vector<float> xs(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) xs[i] = std::ldexp(x[i], k);
      std::vector<std::uint8_t> codes(base.size());
      c.encode(xs, codes);
      bool same = true;
      for (std::size_t r = 0; r < 200; ++r)
        same = same && std::memcmp(&codes[r * c.bytes_per_vector() + 4], &base[r * c.bytes_per_vector() + 4],
                                   c.bytes_per_vector() - 4) == 0;
      BOOST_TEST_CONTEXT(s << " 2^" << k) { BOOST_TEST(same); }
    }
  }
}

namespace {
// The KakeyaLattice study's algorithm, as its reference code writes it: unit norm, Hadamard,
// per-vector qmax scale q / max|y|, unbounded closest point, clamp to [-q, q], inverse.
template <class L, std::size_t D>
std::vector<float> paper_roundtrip(const std::vector<float>& x, int q) {
  std::vector<float> out(x.size());
  for (std::size_t r = 0; r < x.size() / D; ++r) {
    double n2 = 0;
    for (std::size_t j = 0; j < D; ++j) n2 += double(x[r * D + j]) * x[r * D + j];
    float norm = static_cast<float>(std::sqrt(n2));
    float v[D];
    for (std::size_t j = 0; j < D; ++j) v[j] = norm > 0 ? x[r * D + j] / norm : 0.0f;
    hadamard<D>{}.forward(std::span<float, D>(v));
    float m = 0;
    for (float a : v) m = std::max(m, std::fabs(a));
    float scale = m > 0 ? static_cast<float>(q) / m : 1.0f;
    for (auto& a : v) a *= scale;
    for (std::size_t b = 0; b < D / L::dim; ++b) {
      float p[L::dim];
      L::closest_point(std::span<const float, L::dim>(v + b * L::dim, L::dim), std::span<float, L::dim>(p));
      for (std::size_t k = 0; k < L::dim; ++k) v[b * L::dim + k] = std::clamp(p[k], float(-q), float(q));
    }
    for (auto& a : v) a /= scale;
    hadamard<D>{}.inverse(std::span<float, D>(v));
    for (std::size_t j = 0; j < D; ++j) out[r * D + j] = v[j] * norm;
  }
  return out;
}
} // namespace

BOOST_AUTO_TEST_CASE(at_least_as_good_as_the_papers_algorithm_on_kv_like_data) {
  constexpr std::size_t D = 128, N = 4000;
  auto x = kv_like(N, D, 2026);
  for (int q : {2, 4, 10, 38}) {
    std::vector<float> ours(x.size());
    any_codec::make("e8:q=" + std::to_string(q), D).roundtrip(x, ours);
    double e8_ours = measure_quality(x, ours, N, D).rel_mse;
    double e8_paper = measure_quality(x, paper_roundtrip<e8, D>(x, q), N, D).rel_mse;
    any_codec::make("d4:q=" + std::to_string(q), D).roundtrip(x, ours);
    double d4_ours = measure_quality(x, ours, N, D).rel_mse;
    double d4_paper = measure_quality(x, paper_roundtrip<d4, D>(x, q), N, D).rel_mse;
    BOOST_TEST_MESSAGE("q=" << q << " e8 ours " << e8_ours << " paper " << e8_paper << " | d4 ours "
                            << d4_ours << " paper " << d4_paper);
    BOOST_TEST_CONTEXT("q=" << q) {
      BOOST_TEST(e8_ours <= e8_paper * 1.001);
      BOOST_TEST(d4_ours <= d4_paper * 1.001);
      BOOST_TEST(e8_ours < d4_ours); // E8 beats D4 at equal q
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused) {
  auto expect = [](auto f, errc code) {
    try {
      f();
      BOOST_FAIL("accepted");
    } catch (const error& e) {
      BOOST_TEST_MESSAGE(e.what());
      BOOST_TEST(e.code() == code);
    }
  };
  expect([] { any_codec::make("e9:q=3", 128); }, errc::format_error);
  expect([] { any_codec::make("e8", 128); }, errc::format_error);
  expect([] { any_codec::make("e8:q=", 128); }, errc::format_error);
  expect([] { any_codec::make("e8:q=x", 128); }, errc::format_error);
  expect([] { any_codec::make("e8:q=3,q=4", 128); }, errc::format_error);
  expect([] { any_codec::make("e8:q=3,", 128); }, errc::format_error);
  expect([] { any_codec::make("e8:bits=3", 128); }, errc::format_error);
  expect([] { any_codec::make("e8:q=0", 128); }, errc::invalid_argument);
  expect([] { any_codec::make("e8:q=100000", 128); }, errc::invalid_argument);
  expect([] { any_codec::make("lloyd-max:bits=9", 128); }, errc::invalid_argument);
  expect([] { any_codec::make("fp8:block=48", 128); }, errc::invalid_argument);
  expect([] { any_codec::make("fp8:block=64,scale=fp8", 128); }, errc::invalid_argument);
  expect([] { any_codec::make("e8:q=38", 100); }, errc::invalid_dimension);
  expect([] { any_codec::make("fp8:block=128", 64); }, errc::invalid_dimension);
  any_codec c = any_codec::make("e8:q=38", 64);
  std::vector<float> x(3 * 64, 1.0f);
  x[2 * 64 + 7] = NAN;
  std::vector<std::uint8_t> codes(3 * c.bytes_per_vector());
  try {
    c.encode(x, codes);
    BOOST_FAIL("accepted NaN");
  } catch (const error& e) {
    BOOST_TEST(e.code() == errc::non_finite_input);
    BOOST_TEST(std::string(e.what()).find("row 2, column 7") != std::string::npos);
  }
  std::vector<float> short_x(100);
  expect([&] { c.encode(short_x, codes); }, errc::invalid_dimension);
  expect([&] { c.encode(std::vector<float>(128), codes); }, errc::invalid_dimension);
  expect([&] { c.encode(x, codes, backend::cuda); }, errc::backend_unavailable);
  // The row is named on every backend and in roundtrip; sizes are checked in decode too.
  std::vector<float> y(x.size());
  for (backend b : {backend::scalar, backend::simd}) {
    if (!backend_available(b)) continue;
    for (float bad : {NAN, INFINITY, -INFINITY}) {
      std::vector<float> xb(200 * 64, 0.5f);
      xb[137 * 64 + 63] = bad;
      std::vector<std::uint8_t> cb(200 * c.bytes_per_vector(), 0x5A);
      std::vector<float> yb(xb.size());
      for (int op = 0; op < 2; ++op) {
        try {
          op == 0 ? c.encode(xb, cb, b) : c.roundtrip(xb, yb, b);
          BOOST_FAIL("accepted a non-finite value");
        } catch (const error& e) {
          BOOST_TEST(e.code() == errc::non_finite_input);
          BOOST_TEST(std::string(e.what()).find("row 137, column 63") != std::string::npos, e.what());
        }
      }
      BOOST_TEST(std::all_of(cb.begin(), cb.end(), [](std::uint8_t v) { return v == 0x5A; }));
    }
    expect([&] { c.decode(std::vector<std::uint8_t>(codes.size() - 1), y, b); }, errc::invalid_dimension);
    std::vector<float> longer(y.size() + 64), ragged(y.size() - 1), shorter(y.size() - 64);
    expect([&] { c.decode(codes, longer, b); }, errc::invalid_dimension);
    expect([&] { c.decode(codes, ragged, b); }, errc::invalid_dimension);
    expect([&] { c.roundtrip(x, shorter, b); }, errc::invalid_dimension);
  }
  expect([] { any_codec::make("", 128); }, errc::format_error);
  expect([] { any_codec::make(":q=3", 128); }, errc::format_error);
  expect([] { any_codec::make("e8:q=-3", 128); }, errc::invalid_argument);
  expect([] { any_codec::make("e8:q=99999999999", 128); }, errc::format_error); // not an int
  expect([] { any_codec::make("e8:q=3,passes=9", 128); }, errc::invalid_argument);
  expect([] { any_codec::make("fp8:block=64,format=e2m1", 128); }, errc::invalid_argument);
  expect([] { any_codec::make("lloyd-max", 128); }, errc::invalid_argument);
  expect([] { any_codec::make("e8:q=3", 0); }, errc::invalid_dimension);
  BOOST_TEST(parse_codec_spec("fp8:scale=ue8m0,block=32").canonical() == "fp8:block=32,scale=ue8m0");
}

namespace {
bool same_or_both_nan(float a, float b) {
  return std::memcmp(&a, &b, 4) == 0 || (std::isnan(a) && std::isnan(b));
}
template <class F>
float decode_as(const std::uint8_t* p) {
  typename F::storage s{};
  std::memcpy(&s, p, sizeof s);
  return F::decode(s);
}
float decode_scale(const std::string& name, const std::uint8_t* p) {
  if (name == "fp32") return decode_as<fp32>(p);
  if (name == "bf16") return decode_as<bf16>(p);
  if (name == "ue8m0") return decode_as<ue8m0>(p);
  return decode_as<fp16>(p);
}
} // namespace

// docs/code_layout.md, "What arbitrary bytes decode to", checked on every preset family and
// dimension, scalar and SIMD: random rows, an all-ones row (every lattice index >= count, FP8
// NaN codes, NaN scales and gains) and an all-zero row.
BOOST_AUTO_TEST_CASE(arbitrary_bytes_decode_as_documented_on_every_preset) {
  const char* specs[] = {"d4:q=1", "d4:q=38", "d4:q=4095", "e8:q=1", "e8:q=38", "e8:q=45",
                         "e8:q=1000", "z:q=1", "z:q=38", "z:q=1000",
                         "lloyd-max:bits=1", "lloyd-max:bits=3", "lloyd-max:bits=8",
                         "fp8:block=32", "fp8:block=64,scale=fp32", "fp8:block=128,scale=bf16",
                         "fp8:block=64,scale=ue8m0", "fp8:block=32,scale=ue8m0,format=e5m2",
                         "fp8:block=64,format=e5m2"};
  random_stream rng(77);
  const bool simd = backend_available(backend::simd);
  for (std::size_t dim : any_codec::dims()) {
    for (const char* s : specs) {
      const codec_spec sp = parse_codec_spec(s);
      if (sp.family == "fp8" && sp.block > dim) continue;
      const any_codec c = any_codec::make(s, dim);
      const std::size_t bpv = c.bytes_per_vector(), rows = 40;
      std::vector<std::uint8_t> codes(rows * bpv);
      for (auto& b : codes) b = static_cast<std::uint8_t>(rng.next());
      std::fill_n(codes.begin(), bpv, std::uint8_t{0xFF});
      std::fill_n(codes.begin() + bpv, bpv, std::uint8_t{0x00});
      // rows 2..4: a finite gain (1.0f) in front of random (lattice: mostly out-of-range) indices
      for (std::size_t r = 2; r < 5; ++r) {
        const float one = 1.0f;
        if (!sp.is_lattice() && sp.family != "lloyd-max") break;
        std::memcpy(&codes[r * bpv], &one, 4);
      }
      std::vector<float> y(rows * dim), ys(rows * dim);
      c.decode(codes, y, backend::scalar);
      BOOST_TEST_CONTEXT(s << " D=" << dim) {
        if (simd) {
          c.decode(codes, ys, backend::simd);
          std::size_t differ = 0;
          for (std::size_t i = 0; i < y.size(); ++i) differ += !same_or_both_nan(y[i], ys[i]);
          BOOST_TEST(differ == 0u, "scalar and SIMD decode differ");
        }
        for (std::size_t r = 0; r < rows; ++r) {
          const std::uint8_t* code = &codes[r * bpv];
          const float* out = &y[r * dim];
          std::size_t bad = 0;
          if (sp.family == "fp8") {
            // y = fp8(code) * scale, block by block, exactly.
            const std::size_t sbytes = sp.scale == "fp32" ? 4 : sp.scale == "ue8m0" ? 1 : 2;
            const std::uint8_t* p = code;
            for (std::size_t b = 0; b < dim / sp.block; ++b) {
              const float scale = decode_scale(sp.scale, p);
              p += sbytes;
              for (std::size_t j = 0; j < sp.block; ++j, ++p) {
                const float v = sp.format == "e5m2" ? fp8_e5m2::decode(*p) : fp8_e4m3::decode(*p);
                bad += !same_or_both_nan(out[b * sp.block + j], v * scale);
              }
            }
          } else {
            // Gain G (fp32) times an orthonormal rotation of values in [-1, 1] (lattice) or of
            // Lloyd-Max levels (|c| < 5): finite and bounded for a finite G (unless the bound
            // itself overflows); NaN or infinite for a NaN or infinite G.
            float gain;
            std::memcpy(&gain, code, 4);
            const double bound = std::fabs(double(gain)) * 5.0 * std::sqrt(double(dim));
            for (std::size_t j = 0; j < dim; ++j) {
              if (std::isfinite(gain))
                bad += std::isfinite(out[j]) ? std::fabs(double(out[j])) > bound
                                             : std::isnan(out[j]) || bound < 3.4e38;
              else
                bad += std::isfinite(out[j]) && out[j] != 0.0f;
            }
          }
          float g0;
          std::memcpy(&g0, code, 4);
          BOOST_TEST(bad == 0u, "row " << r << " (first 4 bytes as fp32: " << g0 << ")");
        }
      }
    }
  }
}

// An index >= count decodes as index count - 1; a Lloyd-Max index is taken mod the levels.
BOOST_AUTO_TEST_CASE(lattice_indices_beyond_the_codebook_decode_as_the_last_point) {
  auto check = [](auto c, const char* name) {
    using C = decltype(c);
    const auto& cb = c.quantiser().codebook_ref();
    const int bits = static_cast<int>(c.quantiser().bits());
    std::vector<std::uint8_t> past(c.bytes_per_vector()), last(c.bytes_per_vector());
    bit_writer wp(past.data()), wl(last.data());
    const float g = 0.75f;
    std::uint32_t gb;
    std::memcpy(&gb, &g, 4);
    wp.put(std::uint64_t{gb}, 32);
    wl.put(std::uint64_t{gb}, 32);
    const uint128 all_ones = bits >= 128 ? ~uint128(0) : (uint128(1) << bits) - 1;
    for (std::size_t b = 0; b < C::blocks; ++b) {
      wp.put(b % 2 ? all_ones : cb.count(), bits);
      wl.put(cb.count() - 1, bits);
    }
    std::vector<float> yp(C::dim), yl(C::dim);
    decode(cpu, c, past, yp);
    decode(cpu, c, last, yl);
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST((cb.count() < (uint128(1) << bits))); // so that such indices exist at all
      BOOST_TEST(std::memcmp(yp.data(), yl.data(), yp.size() * 4) == 0);
    }
  };
  check(make_kakeya<64, e8>(10), "e8:q=10");
  check(make_kakeya<64, e8>(1), "e8:q=1");
  check(make_kakeya<128, d4>(38), "d4:q=38");
  check(make_kakeya<64, z8>(2), "z:q=2");
  check(make_kakeya<64, e8>(1000), "e8:q=1000");
}

BOOST_AUTO_TEST_CASE(any_bytes_decode_without_undefined_behaviour) {
  random_stream rng(5);
  for (const char* s : {"d4:q=38", "e8:q=10", "e8:q=1000", "z:q=3", "fp8:block=64", "lloyd-max:bits=5"}) {
    any_codec c = any_codec::make(s, 64);
    std::vector<std::uint8_t> codes(50 * c.bytes_per_vector());
    for (auto& b : codes) b = static_cast<std::uint8_t>(rng.next());
    for (std::size_t i = 0; i < c.bytes_per_vector(); ++i) codes[i] = 0xFF; // all-ones row
    std::vector<float> y(50 * 64);
    c.decode(codes, y); // must not crash; sanitizer runs check the rest
    BOOST_TEST(y.size() == 50u * 64u);
  }
}

// The ball codes (e8b) through any_codec at every compiled D: the SIMD backend (a per-vector
// fallback) writes the scalar backend's bytes and decodes any bytes to the same floats (CUDA:
// test/cuda/codec_test.cpp).
BOOST_AUTO_TEST_CASE(ball_codes_agree_across_cpu_backends) {
  random_stream rng(41);
  const bool simd = backend_available(backend::simd);
  for (std::size_t dim : any_codec::dims()) {
    for (const char* s : {"e8b:rate=3", "e8b:rate=5.5,radius=1"}) {
      BOOST_TEST_CONTEXT(s << " D=" << dim) {
        const any_codec c = any_codec::make(s, dim);
        const std::size_t rows = 24;
        std::vector<float> x(rows * dim);
        for (std::size_t i = 0; i < x.size(); ++i)
          x[i] = static_cast<float>(rng.laplace() * std::ldexp(1.0, static_cast<int>(i / dim) - 12));
        std::vector<std::uint8_t> a(rows * c.bytes_per_vector()), b(a.size());
        c.encode(x, a, backend::scalar);
        std::vector<float> ya(x.size()), yb(x.size());
        c.decode(a, ya, backend::scalar);
        const double e = measure_quality(x, ya, rows, dim).rel_mse;
        BOOST_TEST(e < 0.05, "rel-MSE " << e);
        if (simd) {
          c.encode(x, b, backend::simd);
          BOOST_TEST((a == b), "scalar and SIMD codes differ");
          for (auto& v : b) v = static_cast<std::uint8_t>(rng.next());
          c.decode(b, ya, backend::scalar);
          c.decode(b, yb, backend::simd);
          std::size_t differ = 0;
          for (std::size_t i = 0; i < ya.size(); ++i) differ += !same_or_both_nan(ya[i], yb[i]);
          BOOST_TEST(differ == 0u, "scalar and SIMD decode differ");
        }
      }
    }
  }
}
