// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// FP8 block quantiser: its documented arithmetic, error bounds derived from round-to-nearest,
// zero and non-finite blocks, ue8m0 never overflowing, idempotence, the row helpers, and
// DeepSeek-V4's KV-cache quantisation re-implemented independently (x * 2^-e, clamp to ±448,
// round to nearest even by a search over the E4M3 values).
#define BOOST_TEST_MODULE fp8_block
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "kakeya/core/error.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/scalar/fp8_block.hpp"

namespace {
using namespace kakeya;

std::uint32_t to_bits(float f) { return std::bit_cast<std::uint32_t>(f); }
float from_bits(std::uint32_t u) { return std::bit_cast<float>(u); }

using all_blocks = boost::mpl::list<fp8_block<fp8_e4m3, 32, fp32>, fp8_block<fp8_e4m3, 64, ue8m0>,
                                    fp8_block<fp8_e4m3, 128, bf16>, fp8_block<fp8_e4m3, 128, fp16>,
                                    fp8_block<fp8_e5m2, 32, fp16>, fp8_block<fp8_e5m2, 64, ue8m0>,
                                    fp8_block<fp8_e5m2, 128, fp32>, fp8_block<fp8_e4m3, 1, ue8m0>,
                                    fp8_block<fp8_e4m3, 7, bf16>, fp8_block<fp8_e5m2, 32, bf16>>;
using ue8m0_blocks =
    boost::mpl::list<fp8_block<fp8_e4m3, 32, ue8m0>, fp8_block<fp8_e4m3, 64, ue8m0>,
                     fp8_block<fp8_e4m3, 128, ue8m0>, fp8_block<fp8_e5m2, 64, ue8m0>,
                     fp8_block<fp8_e4m3, 3, ue8m0>>;
using fp32_blocks = boost::mpl::list<fp8_block<fp8_e4m3, 32, fp32>, fp8_block<fp8_e4m3, 128, fp32>,
                                     fp8_block<fp8_e5m2, 64, fp32>>;

// Half the spacing of the FP8 format around |y| (the spacing of y's binade, subnormal spacing
// below the smallest normal), from the format's parameters.
template <class Fp8>
double half_ulp(double y) {
  const int emin = 1 - Fp8::exponent_bias;
  int e = emin;
  if (std::fabs(y) >= std::ldexp(1.0, emin)) e = std::ilogb(std::fabs(y));
  return std::ldexp(1.0, e - Fp8::mantissa_bits - 1);
}

// Random blocks over a wide range of magnitudes and shapes.
template <std::size_t N>
std::array<float, N> random_block(std::mt19937& rng) {
  std::array<float, N> x{};
  std::uniform_int_distribution<int> shape(0, 5), expo(-60, 60);
  std::normal_distribution<float> gauss;
  std::uniform_real_distribution<float> unif(-1.0f, 1.0f);
  const float scale = std::ldexp(1.0f, expo(rng));
  const int s = shape(rng);
  for (std::size_t i = 0; i < N; ++i) {
    float v = 0;
    switch (s) {
    case 0: v = gauss(rng); break;
    case 1: v = unif(rng); break;
    case 2: v = gauss(rng) * std::exp(3.0f * gauss(rng)); break;                 // heavy tails
    case 3: v = std::ldexp(unif(rng), static_cast<int>(rng() % 40) - 20); break; // wide range
    case 4: v = (i % 5 == 0) ? gauss(rng) : 0.0f; break;                         // sparse
    default: v = 448.0f * unif(rng); break;
    }
    x[i] = v * scale;
  }
  return x;
}

template <class Q>
struct quantised {
  typename Q::scale_storage scale{};
  std::array<std::uint8_t, Q::block> codes{};
  std::array<float, Q::block> out{};
};

template <class Q>
quantised<Q> round_trip(const std::array<float, Q::block>& x) {
  quantised<Q> r;
  Q::quantise(x, r.scale, r.codes);
  Q::dequantise(r.scale, r.codes, r.out);
  return r;
}

// The nearest E4M3 value to y (|y| <= 448), ties to the even mantissa: a search over the
// non-negative values computed from the definition.
std::uint8_t e4m3_nearest_even(float y) {
  static const std::vector<double> values = [] {
    std::vector<double> v;
    for (int c = 0; c < 0x7F; ++c) {
      const int e = c >> 3, m = c & 7;
      v.push_back(e == 0 ? std::ldexp(m, -9) : std::ldexp(8 + m, e - 10));
    }
    return v;
  }();
  const double a = std::fabs(static_cast<double>(y));
  int best = 0;
  for (int c = 1; c < 0x7F; ++c) {
    const double dc = std::fabs(values[c] - a), db = std::fabs(values[best] - a);
    if (dc < db || (dc == db && (c & 1) == 0)) best = c;
  }
  return static_cast<std::uint8_t>(best | (std::signbit(y) ? 0x80 : 0));
}

// DeepSeek-V4 KV cache quantisation of one 64-block as its reference code does it: amax
// (optionally floored at 1e-4 as `act_quant` does), s = amax * (1/448), e = fast_log2_ceil(s)
// from the float's bits, y = x * 2^-e, clamp to [-448, 448], cast to e4m3 (nearest even).
struct dsv4_block {
  std::uint8_t scale; // ue8m0: e + 127
  std::array<std::uint8_t, 64> codes;
};
dsv4_block dsv4_reference(const float* x, bool floor_amax) {
  float amax = 0;
  for (int i = 0; i < 64; ++i) amax = std::max(amax, std::fabs(x[i]));
  if (floor_amax) amax = std::max(amax, 1e-4f);
  const float s = amax * (1.0f / 448.0f);
  const std::uint32_t b = to_bits(s);
  const int e = static_cast<int>((b >> 23) & 0xFFu) - 127 + ((b & 0x7F'FFFFu) != 0 ? 1 : 0);
  const float inv = std::ldexp(1.0f, -e); // 2^-e, exact
  dsv4_block r{};
  r.scale = static_cast<std::uint8_t>(e + 127);
  for (int i = 0; i < 64; ++i) {
    const float y = std::clamp(x[i] * inv, -448.0f, 448.0f);
    r.codes[static_cast<std::size_t>(i)] = e4m3_nearest_even(y);
  }
  return r;
}

} // namespace

// =======================================================================================
BOOST_AUTO_TEST_CASE(bit_costs) {
  BOOST_TEST((fp8_block<fp8_e4m3, 32, fp32>::bits) == 32 * 8 + 32);
  BOOST_TEST((fp8_block<fp8_e4m3, 64, fp16>::bits) == 64 * 8 + 16);
  BOOST_TEST((fp8_block<fp8_e4m3, 128, bf16>::bits) == 128 * 8 + 16);
  BOOST_TEST((fp8_block<fp8_e5m2, 64, ue8m0>::bits) == 64 * 8 + 8);
  BOOST_TEST((fp8_block<fp8_e4m3, 64, ue8m0>::block) == 64u);
  // DeepSeek-V4: 448 non-RoPE dims as 7 blocks of 64 with a ue8m0 scale each.
  BOOST_TEST((7 * fp8_block<fp8_e4m3, 64, ue8m0>::bits) == 448 * 8 + 7 * 8);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(follows_the_documented_arithmetic, Q, all_blocks) {
  // scale = encode(min(amax / max, ScaleFormat::max)), codes = encode(x / d),
  // out = decode(code) * d, with amax recomputed here from the definition.
  using fp8 = typename Q::element_format;
  using sf = typename Q::scale_format;
  std::mt19937 rng(7);
  int bad = 0;
  for (int t = 0; t < 2000; ++t) {
    const auto x = random_block<Q::block>(rng);
    float amax = 0;
    for (const float v : x) amax = std::max(amax, std::fabs(v));
    const auto r = round_trip<Q>(x);
    const float s = std::min(amax / fp8::max_finite, sf::max_finite);
    const float d = sf::decode(sf::encode(s));
    bool ok = r.scale == sf::encode(s);
    for (std::size_t i = 0; i < Q::block; ++i) {
      const std::uint8_t want = (amax == 0 || d == 0) ? 0 : fp8::encode(x[i] / d);
      ok = ok && r.codes[i] == want && to_bits(r.out[i]) == to_bits(fp8::decode(want) * d);
    }
    if (!ok) ++bad;
  }
  BOOST_TEST(bad == 0);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(reconstruction_error_bound, Q, all_blocks) {
  // Not saturated: |x - x̂| <= half_ulp(x/d) * d + 2^-24 (|x| + |x̂|) + 2^-149: the FP8
  // rounding of y = fl(x/d) plus the float roundings of the division and of the product.
  // Saturated (|y| > max): the code is ±max and x̂ = fl(±max * d).
  using fp8 = typename Q::element_format;
  using sf = typename Q::scale_format;
  std::mt19937 rng(11);
  int bad = 0, saturated = 0;
  double worst_ratio = 0;
  for (int t = 0; t < 3000; ++t) {
    const auto x = random_block<Q::block>(rng);
    const auto r = round_trip<Q>(x);
    const float d = sf::decode(r.scale);
    if (d == 0) continue; // covered by tiny_blocks_whose_scale_underflows
    for (std::size_t i = 0; i < Q::block; ++i) {
      const double xi = x[i], xh = r.out[i];
      const double y = static_cast<double>(x[i] / d);
      if (std::fabs(y) > fp8::max_finite) {
        ++saturated;
        const float want = (x[i] < 0 ? -fp8::max_finite : fp8::max_finite) * d;
        if (to_bits(r.out[i]) != to_bits(want)) ++bad;
        continue;
      }
      const double bound =
          half_ulp<fp8>(y) * d + 0x1p-24 * (std::fabs(xi) + std::fabs(xh)) + 0x1p-149;
      const double err = std::fabs(xi - xh);
      if (err > bound) ++bad;
      if (bound > 0) worst_ratio = std::max(worst_ratio, err / bound);
    }
  }
  BOOST_TEST_MESSAGE(Q::element_format::name << "/" << Q::block << "/" << sf::name
                                             << ": worst err/bound " << worst_ratio
                                             << ", saturated " << saturated);
  BOOST_TEST(bad == 0);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(ue8m0_scale_is_exact_and_never_overflows, Q, ue8m0_blocks) {
  // d = 2^ceil(log2(amax / max)), so x / d is exact and |x / d| <= max: nothing is clipped,
  // the only error is the FP8 rounding of an in-range value, and dequantisation is exact.
  // |x / d| reaches max exactly when amax / max is a power of two (the element at amax).
  using fp8 = typename Q::element_format;
  std::mt19937 rng(13);
  int bad = 0, exactly_at_max = 0;
  for (int t = 0; t < 4000; ++t) {
    auto x = random_block<Q::block>(rng);
    if (t % 4 == 0) { // amax exactly max * 2^k, and its neighbours
      const float top = std::ldexp(fp8::max_finite, static_cast<int>(rng() % 80) - 40);
      x[rng() % Q::block] = (t % 8 == 0) ? top : std::nextafter(top, (t % 16 == 4) ? 0.0f : 1e30f);
    }
    float amax = 0;
    for (const float v : x) amax = std::max(amax, std::fabs(v));
    const auto r = round_trip<Q>(x);
    const float d = ue8m0::decode(r.scale);
    if (d < amax / fp8::max_finite) ++bad;                  // the scale never shrinks
    if (d / 2 >= amax / fp8::max_finite && amax > 0) ++bad; // and is the smallest such power
    for (std::size_t i = 0; i < Q::block; ++i) {
      const double y = static_cast<double>(x[i]) / d; // exact
      const double q = fp8::decode(r.codes[i]);
      if (std::fabs(y) > fp8::max_finite) ++bad;         // never clipped
      if (std::fabs(q - y) > half_ulp<fp8>(y)) ++bad;    // plain FP8 rounding
      if (static_cast<double>(r.out[i]) != q * d) ++bad; // dequantisation is exact
      if (std::fabs(y) == fp8::max_finite) ++exactly_at_max;
    }
  }
  BOOST_TEST(exactly_at_max > 0); // the exact-power case was exercised
  BOOST_TEST(bad == 0);
}

BOOST_AUTO_TEST_CASE(ue8m0_quotient_in_float_subnormals) {
  // Documented edge: when amax / 448 is a float subnormal the quotient is rounded with an
  // absolute error, and x / d may exceed 448 by a fraction of a float ulp; the saturating
  // conversion absorbs it. amax = 448 * 2^-127 + 2^-142: s rounds down to 2^-127 (code 0).
  using Q = fp8_block<fp8_e4m3, 2, ue8m0>;
  const float amax = std::ldexp(448.0f, -127) + std::ldexp(1.0f, -142);
  const std::array<float, 2> x{amax, -amax / 4};
  const auto r = round_trip<Q>(x);
  BOOST_TEST(r.scale == 0);
  BOOST_TEST(x[0] / ue8m0::decode(0) > 448.0f);
  BOOST_TEST(r.codes[0] == 0x7E);
  BOOST_TEST(std::fabs(r.out[0] - amax) <= std::ldexp(1.0f, -142));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(zero_blocks, Q, all_blocks) {
  std::array<float, Q::block> x{};
  auto r = round_trip<Q>(x);
  for (std::size_t i = 0; i < Q::block; ++i) {
    BOOST_TEST(r.codes[i] == 0);
    BOOST_TEST(to_bits(r.out[i]) == 0u);
  }
  for (std::size_t i = 0; i < Q::block; i += 2) x[i] = -0.0f;
  r = round_trip<Q>(x);
  for (std::size_t i = 0; i < Q::block; ++i) {
    BOOST_TEST(r.codes[i] == 0);
    BOOST_TEST(r.out[i] == 0.0f);
    BOOST_TEST(!std::isnan(r.out[i]));
  }
}

BOOST_AUTO_TEST_CASE(tiny_blocks_whose_scale_underflows) {
  // fp16 scales below 2^-25 round to 0: the block becomes zeros, never NaN.
  using Q16 = fp8_block<fp8_e4m3, 4, fp16>;
  const std::array<float, 4> x{1e-6f, -3e-6f, 0.0f, 2e-6f}; // amax / 448 ~ 6.7e-9 < 2^-25
  const auto r = round_trip<Q16>(x);
  BOOST_TEST(fp16::decode(r.scale) == 0.0f);
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(r.codes[i] == 0);
    BOOST_TEST(to_bits(r.out[i]) == 0u);
  }
  // fp32: amax / 448 below half the smallest float subnormal.
  using Q32 = fp8_block<fp8_e5m2, 2, fp32>;
  const std::array<float, 2> y{from_bits(5), -from_bits(3)};
  const auto r32 = round_trip<Q32>(y);
  BOOST_TEST(r32.scale == 0u);
  BOOST_TEST(r32.codes[0] == 0);
  BOOST_TEST(r32.codes[1] == 0);
  BOOST_TEST(to_bits(r32.out[0]) == 0u);
  // ue8m0 never decodes to zero, but its smallest scale is 2^-127: blocks with
  // amax <= 448 * 2^-127 share it, and values up to 2^-137 (half of 2^-127 * 2^-9) become 0.
  using Qe = fp8_block<fp8_e4m3, 3, ue8m0>;
  const std::array<float, 3> z{0x1p-120f, -0x1p-122f, 0x1p-137f};
  const auto re = round_trip<Qe>(z);
  BOOST_TEST(re.scale == 0);
  BOOST_TEST(re.out[0] == z[0]);
  BOOST_TEST(re.out[1] == z[1]);
  BOOST_TEST(re.out[2] == 0.0f);
}

BOOST_AUTO_TEST_CASE(non_finite_inputs) {
  // NaN entries do not take part in amax; they become NaN codes and decode to NaN, while the
  // rest of the block is quantised as if they were absent.
  using Q = fp8_block<fp8_e4m3, 4, ue8m0>;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::array<float, 4> x{1.0f, nan, -2.0f, -nan};
  const std::array<float, 4> x0{1.0f, 0.0f, -2.0f, 0.0f};
  const auto r = round_trip<Q>(x), r0 = round_trip<Q>(x0);
  BOOST_TEST(r.scale == r0.scale);
  BOOST_TEST(r.codes[0] == r0.codes[0]);
  BOOST_TEST(r.codes[2] == r0.codes[2]);
  BOOST_TEST(r.codes[1] == 0x7F);
  BOOST_TEST(r.codes[3] == 0xFF);
  BOOST_TEST(std::isnan(r.out[1]));
  BOOST_TEST(std::isnan(r.out[3]));
  // An all-NaN block: amax = 0, codes all 0.
  const std::array<float, 4> all_nan{nan, nan, nan, nan};
  const auto rn = round_trip<Q>(all_nan);
  for (const auto c : rn.codes) BOOST_TEST(c == 0);
  // ±Inf: amax = Inf, the scale saturates (2^127 for ue8m0, FLT_MAX for fp32), the infinite
  // entries take ±max codes, which decode back to ±Inf (max * d overflows), finite ones to 0.
  const float inf = std::numeric_limits<float>::infinity();
  const std::array<float, 4> xi{inf, 1.0f, -inf, -3.0f};
  const auto ri = round_trip<Q>(xi);
  BOOST_TEST(ri.scale == ue8m0::max_code);
  BOOST_TEST(ri.codes[0] == 0x7E);
  BOOST_TEST(ri.codes[2] == 0xFE);
  BOOST_TEST(ri.out[0] == inf);
  BOOST_TEST(ri.out[2] == -inf);
  BOOST_TEST(ri.out[1] == 0.0f);
  using Q32 = fp8_block<fp8_e4m3, 4, fp32>;
  const auto r32 = round_trip<Q32>(xi);
  BOOST_TEST(fp32::decode(r32.scale) == std::numeric_limits<float>::max());
  BOOST_TEST(r32.out[0] == inf);
  BOOST_TEST(r32.out[3] == 0.0f);
  // fp16 scale: amax / 448 beyond 65504 clamps to 65504 (not Inf), so nothing turns NaN.
  using Q16 = fp8_block<fp8_e4m3, 2, fp16>;
  const std::array<float, 2> big{1e9f, -5e8f};
  const auto r16 = round_trip<Q16>(big);
  BOOST_TEST(fp16::decode(r16.scale) == 65504.0f);
  BOOST_TEST(r16.codes[0] == 0x7E);
  BOOST_TEST(r16.out[0] == 448.0f * 65504.0f);
  BOOST_TEST(!std::isnan(r16.out[1]));
}

BOOST_AUTO_TEST_CASE(division_not_reciprocal_multiplication) {
  // Pins the arithmetic every backend must reproduce: x / d, not x * (1 / d). With amax 3136
  // the fp32 scale is exactly 7; 10.9375 / 7 = 1.5625 is an E4M3 tie and goes to the even
  // 1.5 (0x3C), whereas 10.9375 * fl(1/7) rounds to a float just above the tie: 1.625 (0x3D).
  using Q = fp8_block<fp8_e4m3, 2, fp32>;
  const std::array<float, 2> x{3136.0f, 10.9375f};
  const auto r = round_trip<Q>(x);
  BOOST_TEST(fp32::decode(r.scale) == 7.0f);
  BOOST_TEST(r.codes[0] == 0x7E);
  BOOST_TEST(r.codes[1] == 0x3C);
  BOOST_TEST(fp8_e4m3::encode(10.9375f * (1.0f / 7.0f)) == 0x3D);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(ue8m0_second_pass_keeps_the_values, Q, ue8m0_blocks) {
  // Quantising a dequantised block again reproduces the dequantised values exactly; the codes
  // and scale are the same too unless the largest code is at most max/2, in which case the
  // scale halves and every code doubles (same values).
  using fp8 = typename Q::element_format;
  std::mt19937 rng(17);
  int bad = 0, same_codes = 0, rescaled = 0;
  for (int t = 0; t < 3000; ++t) {
    const auto x = random_block<Q::block>(rng);
    const auto r1 = round_trip<Q>(x);
    const auto r2 = round_trip<Q>(r1.out);
    float top = 0;
    for (const auto c : r1.codes) top = std::max(top, std::fabs(fp8::decode(c)));
    for (std::size_t i = 0; i < Q::block; ++i)
      if (to_bits(r1.out[i]) != to_bits(r2.out[i]) && r1.out[i] != r2.out[i]) ++bad;
    if (top > fp8::max_finite / 2 || top == 0) {
      if (r1.scale != r2.scale || r1.codes != r2.codes) ++bad;
      ++same_codes;
    } else {
      if (r2.scale + 1 != r1.scale) ++bad;
      for (std::size_t i = 0; i < Q::block; ++i)
        if (fp8::decode(r2.codes[i]) != 2 * fp8::decode(r1.codes[i])) ++bad;
      ++rescaled;
    }
  }
  BOOST_TEST_MESSAGE("same codes " << same_codes << ", rescaled " << rescaled);
  BOOST_TEST(bad == 0);
  // The rescaling case, explicitly: amax / d = 3.5 / 2^-6 = 224 for e4m3 (with d = 2^-6).
  if constexpr (std::is_same_v<fp8, fp8_e4m3>) {
    std::array<float, Q::block> x{};
    x[0] = 3.6f; // 3.6 / 448 -> 2^-6; 3.6 * 64 = 230.4 rounds to 224
    const auto r1 = round_trip<Q>(x);
    const auto r2 = round_trip<Q>(r1.out);
    BOOST_TEST(r1.scale == 127 - 6);
    BOOST_TEST(fp8::decode(r1.codes[0]) == 224.0f);
    BOOST_TEST(r2.scale == 127 - 7);
    BOOST_TEST(fp8::decode(r2.codes[0]) == 448.0f);
    BOOST_TEST(r2.out[0] == r1.out[0]);
  }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(fp32_second_pass_is_identical, Q, fp32_blocks) {
  // With an fp32 scale a second pass reproduces scale, codes and values: the top element
  // dequantises to fl(max * d) and fl(fl(max * d) / max) == d for every d = fl(amax / max)
  // (not for every float d: about one in nine random floats moves by an ulp).
  using fp8 = typename Q::element_format;
  std::mt19937 rng(19);
  int bad = 0;
  for (int t = 0; t < 3000; ++t) {
    const auto x = random_block<Q::block>(rng);
    const auto r1 = round_trip<Q>(x);
    const auto r2 = round_trip<Q>(r1.out);
    if (r1.scale != r2.scale || r1.codes != r2.codes) ++bad;
  }
  BOOST_TEST(bad == 0);
  // The scale fixed point, over every 61st normal float amax whose quotient is normal.
  int moved = 0;
  for (std::uint64_t u = 0x0080'0000u; u < 0x7F80'0000u; u += 61) {
    const float d = from_bits(static_cast<std::uint32_t>(u)) / fp8::max_finite;
    if (to_bits(d) < 0x0080'0000u) continue;
    if ((fp8::max_finite * d) / fp8::max_finite != d) ++moved;
  }
  BOOST_TEST(moved == 0);
}

BOOST_AUTO_TEST_CASE(deepseek_v4_kv_layout) {
  // 448 non-RoPE dims as 7 blocks of 64 with one ue8m0 scale each: fp8_block<fp8_e4m3, 64,
  // ue8m0>::quantise_row equals the independent reference for every block whose amax is at
  // least DeepSeek's floor of 1e-4; below the floor the reference's scale is fixed at
  // 2^ceil(log2(1e-4/448)) = 2^-22 while ours follows amax, and ours equals the reference
  // without the floor.
  using Q = fp8_block<fp8_e4m3, 64, ue8m0>;
  std::mt19937 rng(23);
  std::normal_distribution<float> gauss;
  int bad_scales = 0, bad_codes = 0, floor_blocks = 0, checked = 0;
  std::vector<float> x(448);
  std::vector<std::uint8_t> scales(7), codes(448);
  for (int token = 0; token < 4000; ++token) {
    const int mag = static_cast<int>(rng() % 48) - 30;
    for (std::size_t i = 0; i < x.size(); ++i) {
      // bf16 inputs like DeepSeek's, with outliers and exact powers of two times 448.
      float v = gauss(rng) * std::ldexp(1.0f, mag + static_cast<int>(i / 64));
      if (token % 7 == 0 && i % 64 == 5) v = std::ldexp(448.0f, mag);
      if (token % 11 == 0 && i % 64 == 9) v *= 300.0f;
      x[i] = bf16::decode(bf16::encode(v));
    }
    Q::quantise_row(x, scales, codes);
    for (int b = 0; b < 7; ++b) {
      const float* xb = x.data() + 64 * b;
      float amax = 0;
      for (int i = 0; i < 64; ++i) amax = std::max(amax, std::fabs(xb[i]));
      const bool above_floor = amax >= 1e-4f;
      floor_blocks += above_floor ? 0 : 1;
      const dsv4_block ref = dsv4_reference(xb, above_floor);
      ++checked;
      if (scales[static_cast<std::size_t>(b)] != ref.scale) ++bad_scales;
      for (int i = 0; i < 64; ++i)
        if (codes[static_cast<std::size_t>(64 * b + i)] != ref.codes[static_cast<std::size_t>(i)])
          ++bad_codes;
    }
  }
  BOOST_TEST_MESSAGE(checked << " blocks, " << floor_blocks << " below the 1e-4 floor");
  BOOST_TEST(floor_blocks > 0);
  BOOST_TEST(bad_scales == 0);
  BOOST_TEST(bad_codes == 0);
  // amax * (1/448) and amax / 448 give the same 2^ceil(log2) for every float amax in the
  // normal range: check all amax = 448 * 2^k and their neighbours.
  int bad_ceil = 0;
  for (int k = -100; k <= 100; ++k) {
    const float a = std::ldexp(448.0f, k);
    for (const float v : {a, std::nextafter(a, 0.0f), std::nextafter(a, 1e38f)})
      if (ue8m0::encode(v / 448.0f) != ue8m0::encode(v * (1.0f / 448.0f))) ++bad_ceil;
  }
  BOOST_TEST(bad_ceil == 0);
}

BOOST_AUTO_TEST_CASE(row_helpers) {
  using Q = fp8_block<fp8_e5m2, 32, bf16>;
  std::mt19937 rng(29);
  std::vector<float> x(32 * 5);
  for (auto& v : x) v = std::normal_distribution<float>()(rng) * 3.0f;
  std::vector<std::uint16_t> scales(5);
  std::vector<std::uint8_t> codes(x.size());
  std::vector<float> out(x.size());
  Q::quantise_row(x, scales, codes);
  Q::dequantise_row(scales, codes, out);
  for (std::size_t b = 0; b < 5; ++b) {
    std::array<float, 32> xb{};
    std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(32 * b), 32, xb.begin());
    const auto r = round_trip<Q>(xb);
    BOOST_TEST(r.scale == scales[b]);
    for (std::size_t i = 0; i < 32; ++i) {
      BOOST_TEST(r.codes[i] == codes[32 * b + i]);
      BOOST_TEST(to_bits(r.out[i]) == to_bits(out[32 * b + i]));
    }
  }
  auto is_invalid_dimension = [](const kakeya::error& e) {
    return e.code() == errc::invalid_dimension;
  };
  std::vector<float> odd(33);
  std::vector<std::uint8_t> odd_codes(33);
  std::vector<std::uint16_t> one_scale(1), six_scales(6);
  BOOST_CHECK_EXCEPTION(Q::quantise_row(odd, one_scale, odd_codes), kakeya::error,
                        is_invalid_dimension);
  BOOST_CHECK_EXCEPTION(Q::quantise_row(x, six_scales, codes), kakeya::error, is_invalid_dimension);
  BOOST_CHECK_EXCEPTION(Q::quantise_row(x, scales, odd_codes), kakeya::error, is_invalid_dimension);
  BOOST_CHECK_EXCEPTION(Q::dequantise_row(scales, odd_codes, out), kakeya::error,
                        is_invalid_dimension);
  BOOST_CHECK_EXCEPTION(Q::dequantise_row(six_scales, codes, out), kakeya::error,
                        is_invalid_dimension);
  // An empty row is valid and does nothing.
  BOOST_CHECK_NO_THROW(Q::quantise_row({}, {}, {}));
}
