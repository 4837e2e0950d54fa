// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The scalar formats against an independent model of each format: every code's value is
// computed from the format's definition (sign, exponent, mantissa, bias, subnormals) in double
// with std::ldexp, sorted, and the correctly rounded (nearest, ties to even) code of any float
// is read off that ladder using midpoints computed in double. fp16 is also compared with the
// compiler's _Float16 conversion (libgcc soft-float, IEEE round to nearest even).
//
// Sweeps over float bit patterns of both signs: the whole float line is cut into stretches
// that must all give one code (from a representable value up to the next midpoint, the
// midpoint itself, ...); the 2^12 patterns at both ends of every stretch are checked, and
// every 7th pattern in between (every 31st for the non-saturating FP8 variants).
// KAKEYA_FULL_SWEEP=1 checks all 2^32 patterns for every format and variant instead (about
// two minutes on one core).
#define BOOST_TEST_MODULE float_formats
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "kakeya/core/float_formats.hpp"

namespace {
using namespace kakeya;

bool full_sweep() {
  const char* e = std::getenv("KAKEYA_FULL_SWEEP");
  return e != nullptr && std::string(e) == "1";
}

float from_bits(std::uint32_t u) { return std::bit_cast<float>(u); }
std::uint32_t to_bits(float f) { return std::bit_cast<std::uint32_t>(f); }

// ---------------------------------------------------------------------------------------
// Independent model of a binary floating-point format.

enum class specials {
  ieee, // all-ones exponent: mantissa 0 is Inf, anything else NaN (fp16, bf16, e5m2)
  fn,   // no Inf; only the all-ones code is NaN (OCP E4M3 "fn")
};

struct format_def {
  int exp_bits;
  int man_bits;
  int bias;
  specials kind;
  int total_bits() const { return 1 + exp_bits + man_bits; }
};

constexpr format_def def_fp16{5, 10, 15, specials::ieee};
constexpr format_def def_bf16{8, 7, 127, specials::ieee};
constexpr format_def def_e4m3{4, 3, 7, specials::fn};
constexpr format_def def_e5m2{5, 2, 15, specials::ieee};

struct code_value {
  double value = 0; // signed value (meaningless for NaN)
  bool nan = false;
  bool inf = false;
};

// The value of `code` from the definition alone.
code_value value_of(const format_def& f, std::uint32_t code) {
  const std::uint32_t man_mask = (1u << f.man_bits) - 1u;
  const std::uint32_t exp_mask = (1u << f.exp_bits) - 1u;
  const bool negative = ((code >> (f.exp_bits + f.man_bits)) & 1u) != 0;
  const std::uint32_t e = (code >> f.man_bits) & exp_mask;
  const std::uint32_t m = code & man_mask;
  code_value r;
  if (f.kind == specials::ieee && e == exp_mask) {
    r.inf = (m == 0);
    r.nan = (m != 0);
    r.value = negative ? -HUGE_VAL : HUGE_VAL;
    return r;
  }
  if (f.kind == specials::fn && e == exp_mask && m == man_mask) {
    r.nan = true;
    return r;
  }
  double mag;
  if (e == 0)
    mag = std::ldexp(static_cast<double>(m), 1 - f.bias - f.man_bits);
  else
    mag = std::ldexp(static_cast<double>((1u << f.man_bits) + m),
                     static_cast<int>(e) - f.bias - f.man_bits);
  r.value = negative ? -mag : mag;
  return r;
}

// The non-negative finite values of a format in increasing order, with their codes, and the
// value that would follow the largest one if the exponent range were unbounded ("beyond"):
// rounding there decides overflow (IEEE 754-2008 §7.4).
struct ladder {
  std::vector<double> value;
  std::vector<std::uint32_t> code;
  std::vector<bool> even; // mantissa's lowest bit is 0
  double beyond = 0;
  bool beyond_even = false;
};

ladder make_ladder(const format_def& f) {
  std::vector<std::pair<double, std::uint32_t>> v;
  const std::uint32_t n_pos = 1u << (f.exp_bits + f.man_bits);
  for (std::uint32_t c = 0; c < n_pos; ++c) {
    const code_value cv = value_of(f, c);
    if (!cv.nan && !cv.inf) v.emplace_back(cv.value, c);
  }
  std::sort(v.begin(), v.end());
  ladder l;
  for (const auto& [val, c] : v) {
    l.value.push_back(val);
    l.code.push_back(c);
    l.even.push_back((c & 1u) == 0);
  }
  // Successor of the largest finite (e, m) in the unbounded format.
  const std::uint32_t top = l.code.back();
  const std::uint32_t man_mask = (1u << f.man_bits) - 1u;
  std::uint32_t e = top >> f.man_bits;
  std::uint32_t m = top & man_mask;
  if (m == man_mask) {
    ++e;
    m = 0;
  } else {
    ++m;
  }
  l.beyond = std::ldexp(static_cast<double>((1u << f.man_bits) + m),
                        static_cast<int>(e) - f.bias - f.man_bits);
  l.beyond_even = (m & 1u) == 0;
  return l;
}

float exact_float(double d) {
  const auto f = static_cast<float>(d);
  BOOST_REQUIRE_MESSAGE(static_cast<double>(f) == d, "value not representable in float: " << d);
  return f;
}

// ---------------------------------------------------------------------------------------
// Sweeps.

struct mismatch_log {
  std::uint64_t checked = 0;
  std::uint64_t bad = 0;
  std::ostringstream first;
  void fail(std::uint32_t u, std::uint32_t got, std::uint32_t want) {
    if (bad++ < 8)
      first << std::hex << " [x=0x" << u << " got 0x" << got << " want 0x" << want << "]";
  }
};

// Checks F::encode over the float patterns [lo, hi] (inclusive) against one expected code:
// every pattern when `step` is 1, otherwise the 2^12 patterns at each end of the stretch (the
// ones next to a representable value or a midpoint) and every `step`-th one in between.
template <class F>
void check_stretch(std::uint32_t lo, std::uint32_t hi, std::uint32_t want, mismatch_log& log,
                   std::uint64_t step) {
  constexpr std::uint64_t edge = 1u << 12;
  auto run = [&](std::uint64_t a, std::uint64_t b, std::uint64_t by) {
    for (std::uint64_t u = a; u <= b; u += by) {
      const std::uint32_t got = F::encode(from_bits(static_cast<std::uint32_t>(u)));
      if (got != want) log.fail(static_cast<std::uint32_t>(u), got, want);
      ++log.checked;
    }
  };
  if (step == 1 || hi - lo < 3 * edge) {
    run(lo, hi, 1);
  } else {
    run(lo, lo + edge - 1, 1);
    run(lo + edge, hi - edge, step);
    run(hi - edge + 1, hi, 1);
  }
}

// One stretch of float patterns and the code every float in it must encode to.
struct stretch {
  std::uint32_t lo, hi;
  std::uint32_t want;
};

// The expected encoding of every non-negative float that is not NaN, from the ladder alone:
// [v_i, mid) -> v_i, mid -> the even one, (mid, v_{i+1}) -> v_{i+1}; past the last midpoint
// -> `overflow_code`; +Inf -> `inf_code`.
std::vector<stretch> expected_stretches(const ladder& l, std::uint32_t overflow_code,
                                        std::uint32_t inf_code) {
  std::vector<stretch> out;
  const std::size_t k = l.value.size();
  std::uint32_t next = 0; // first pattern not yet covered
  for (std::size_t i = 0; i < k; ++i) {
    const bool last = (i + 1 == k);
    const double lo = l.value[i];
    const double hi = last ? l.beyond : l.value[i + 1];
    const std::uint32_t c_lo = l.code[i];
    const std::uint32_t c_hi = last ? overflow_code : l.code[i + 1];
    const bool even_lo = l.even[i];
    const bool even_hi = last ? l.beyond_even : bool(l.even[i + 1]);
    BOOST_REQUIRE(even_lo != even_hi);
    const double mid = (lo + hi) / 2; // exact in double
    const std::uint32_t mid_bits = to_bits(exact_float(mid));
    BOOST_REQUIRE(to_bits(exact_float(lo)) == next);
    out.push_back({next, mid_bits - 1, c_lo});
    out.push_back({mid_bits, mid_bits, even_lo ? c_lo : c_hi});
    if (last) {
      out.push_back({mid_bits + 1, 0x7F7F'FFFFu, overflow_code});
      next = 0x7F80'0000u;
    } else {
      const std::uint32_t hi_bits = to_bits(exact_float(hi));
      if (hi_bits > mid_bits + 1) out.push_back({mid_bits + 1, hi_bits - 1, c_hi});
      next = hi_bits;
    }
  }
  out.push_back({0x7F80'0000u, 0x7F80'0000u, inf_code});
  return out;
}

// All stretches of both signs, sampled with `step` (see check_stretch).
template <class F>
void sweep(const std::vector<stretch>& expected, std::uint32_t sign_code_bit, std::uint64_t step) {
  mismatch_log log;
  for (const std::uint32_t sign : {0u, 1u}) {
    const std::uint32_t sb = sign << 31;
    for (const stretch& s : expected)
      check_stretch<F>(s.lo | sb, s.hi | sb, s.want | (sign * sign_code_bit), log, step);
  }
  BOOST_TEST_MESSAGE(F::name << ": " << log.checked << " patterns checked");
  BOOST_TEST(log.bad == 0, F::name << ": " << log.bad << " mismatches" << log.first.str());
}

// Sampling steps: 1 in a full sweep; otherwise every 7th pattern (plus the dense edges), and
// every 31st for the non-saturating variants, which share all but their overflow branch.
std::uint64_t step_main() { return full_sweep() ? 1 : 7; }
std::uint64_t step_variant() { return full_sweep() ? 1 : 31; }

// NaN inputs: every NaN pattern (dense in a full sweep, else every 7th plus the edges) must
// give a NaN code with the input's sign, equal to `nan_code(u)`.
template <class F, class NanCode>
void sweep_nans(NanCode nan_code, bool dense) {
  mismatch_log log;
  for (const std::uint32_t sign : {0u, 0x8000'0000u}) {
    const std::uint64_t lo = 0x7F80'0001u | sign, hi = 0x7FFF'FFFFu | sign;
    const std::uint64_t step = dense ? 1 : 7;
    for (std::uint64_t u = lo; u <= hi; u += (u - lo < 4096 || hi - u < 4096) ? 1 : step) {
      const auto x = static_cast<std::uint32_t>(u);
      const std::uint32_t got = F::encode(from_bits(x));
      if (got != nan_code(x) || !std::isnan(F::decode(static_cast<typename F::storage>(got))))
        log.fail(x, got, nan_code(x));
      ++log.checked;
    }
  }
  BOOST_TEST(log.bad == 0, F::name << " NaN: " << log.bad << " mismatches" << log.first.str());
}

// Decode of every code against the model.
template <class F>
void check_decode_all(const format_def& f) {
  int bad = 0;
  for (std::uint32_t c = 0; c < (1u << f.total_bits()); ++c) {
    const code_value want = value_of(f, c);
    const float got = F::decode(static_cast<typename F::storage>(c));
    const bool negative = ((c >> (f.total_bits() - 1)) & 1u) != 0;
    bool ok;
    if (want.nan)
      ok = std::isnan(got) && std::signbit(got) == negative;
    else
      ok = static_cast<double>(got) == want.value && std::signbit(got) == negative;
    if (!ok && bad++ < 8)
      BOOST_ERROR(F::name << " decode(0x" << std::hex << c << ") = " << got << ", want "
                          << want.value);
  }
  BOOST_TEST(bad == 0);
}

// Adjacent representable values: each value encodes to its code, the midpoint to the even
// code, and the floats next to the midpoint to the nearer one, for both signs. The top pair
// is (max, beyond) with its overflow result.
template <class F>
void check_pairs(const ladder& l, std::uint32_t overflow_code, std::uint32_t sign_code_bit) {
  int bad = 0;
  auto expect = [&](float x, std::uint32_t want, const char* what) {
    const std::uint32_t got = F::encode(x);
    if (got != want && bad++ < 8)
      BOOST_ERROR(F::name << " " << what << ": encode(" << x << " = 0x" << std::hex << to_bits(x)
                          << ") = 0x" << got << ", want 0x" << want);
  };
  for (std::size_t i = 0; i < l.value.size(); ++i) {
    const bool last = (i + 1 == l.value.size());
    const double lo = l.value[i];
    const double hi = last ? l.beyond : l.value[i + 1];
    const std::uint32_t c_lo = l.code[i];
    const std::uint32_t c_hi = last ? overflow_code : l.code[i + 1];
    const std::uint32_t c_even = l.even[i] ? c_lo : c_hi;
    const float mid = exact_float((lo + hi) / 2);
    for (const float sgn : {1.0f, -1.0f}) {
      const std::uint32_t sb = sgn < 0 ? sign_code_bit : 0u;
      expect(sgn * exact_float(lo), c_lo | sb, "value");
      expect(sgn * mid, c_even | sb, "midpoint");
      expect(sgn * std::nextafter(mid, std::numeric_limits<float>::infinity()), c_hi | sb,
             "above midpoint");
      expect(sgn * std::nextafter(mid, 0.0f), c_lo | sb, "below midpoint");
    }
  }
  BOOST_TEST(bad == 0);
}

#if defined(__FLT16_MAX__) // the compiler has _Float16 (GCC >= 12 and Clang on x86-64)
std::uint16_t float16_oracle(float x) {
  const auto h = static_cast<_Float16>(x);
  std::uint16_t b;
  std::memcpy(&b, &h, sizeof b);
  return b;
}
#endif

} // namespace

// =======================================================================================
BOOST_AUTO_TEST_SUITE(decode_every_code)

BOOST_AUTO_TEST_CASE(fp16_all) { check_decode_all<fp16>(def_fp16); }
BOOST_AUTO_TEST_CASE(bf16_all) { check_decode_all<bf16>(def_bf16); }
BOOST_AUTO_TEST_CASE(e4m3_all) {
  check_decode_all<fp8_e4m3>(def_e4m3);
  check_decode_all<fp8_e4m3_nosat>(def_e4m3);
}
BOOST_AUTO_TEST_CASE(e5m2_all) {
  check_decode_all<fp8_e5m2>(def_e5m2);
  check_decode_all<fp8_e5m2_nosat>(def_e5m2);
}

BOOST_AUTO_TEST_CASE(published_constants) {
  // OFP8 rev 1.0 Table 1 and IEEE 754 binary16.
  BOOST_TEST(fp8_e4m3::decode(0x7E) == 448.0f);
  BOOST_TEST(fp8_e4m3::decode(0x08) == 0x1p-6f);
  BOOST_TEST(fp8_e4m3::decode(0x01) == 0x1p-9f);
  BOOST_TEST(fp8_e5m2::decode(0x7B) == 57344.0f);
  BOOST_TEST(fp8_e5m2::decode(0x04) == 0x1p-14f);
  BOOST_TEST(fp8_e5m2::decode(0x01) == 0x1p-16f);
  BOOST_TEST(std::isinf(fp8_e5m2::decode(0x7C)));
  BOOST_TEST(fp16::decode(0x7BFF) == 65504.0f);
  BOOST_TEST(fp16::decode(0x0001) == 0x1p-24f);
  BOOST_TEST(bf16::decode(0x7F7F) == bf16::max_finite);
  BOOST_TEST(fp8_e4m3::max_finite == fp8_e4m3::decode(fp8_e4m3::max_code));
  BOOST_TEST(fp8_e5m2::max_finite == fp8_e5m2::decode(fp8_e5m2::max_code));
  BOOST_TEST(fp16::max_finite == fp16::decode(0x7BFF));
  // Negative zero and the NaN codes decode with their signs.
  BOOST_TEST(std::signbit(fp8_e4m3::decode(0x80)));
  BOOST_TEST(fp8_e4m3::decode(0x80) == 0.0f);
  BOOST_TEST(std::signbit(fp8_e4m3::decode(0xFF)));
  BOOST_TEST(to_bits(fp8_e4m3::decode(0x7F)) == 0x7FC0'0000u);
  BOOST_TEST(to_bits(fp8_e4m3::decode(0xFF)) == 0xFFC0'0000u);
  BOOST_TEST(to_bits(fp16::decode(0x7D00)) == 0x7FE0'0000u); // signalling fp16 NaN is quietened
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
BOOST_AUTO_TEST_SUITE(adjacent_pairs)

BOOST_AUTO_TEST_CASE(fp16_pairs) { check_pairs<fp16>(make_ladder(def_fp16), 0x7C00, 0x8000); }
BOOST_AUTO_TEST_CASE(bf16_pairs) { check_pairs<bf16>(make_ladder(def_bf16), 0x7F80, 0x8000); }
BOOST_AUTO_TEST_CASE(e4m3_pairs) {
  const ladder l = make_ladder(def_e4m3);
  BOOST_TEST(l.value.back() == 448.0);
  BOOST_TEST(l.beyond == 480.0);
  BOOST_TEST(!l.beyond_even); // so the tie at 464 goes down to 448
  check_pairs<fp8_e4m3>(l, 0x7E, 0x80);
  check_pairs<fp8_e4m3_nosat>(l, 0x7F, 0x80);
}
BOOST_AUTO_TEST_CASE(e5m2_pairs) {
  const ladder l = make_ladder(def_e5m2);
  BOOST_TEST(l.value.back() == 57344.0);
  BOOST_TEST(l.beyond == 65536.0);
  BOOST_TEST(l.beyond_even); // so the tie at 61440 overflows
  check_pairs<fp8_e5m2>(l, 0x7B, 0x80);
  check_pairs<fp8_e5m2_nosat>(l, 0x7C, 0x80);
}

BOOST_AUTO_TEST_CASE(overflow_thresholds) {
  // e4m3: 464 = 448 + 16 (half an ulp) is a tie to 448's even mantissa; anything above
  // overflows.
  BOOST_TEST(fp8_e4m3_nosat::encode(464.0f) == 0x7E);
  BOOST_TEST(fp8_e4m3_nosat::encode(std::nextafter(464.0f, 1e9f)) == 0x7F);
  BOOST_TEST(fp8_e4m3_nosat::encode(-std::nextafter(464.0f, 1e9f)) == 0xFF);
  BOOST_TEST(fp8_e4m3::encode(std::nextafter(464.0f, 1e9f)) == 0x7E);
  BOOST_TEST(fp8_e4m3::encode(-1e38f) == 0xFE);
  // e5m2: 61440 = 57344 + 4096 is a tie to the even "65536", i.e. overflow.
  BOOST_TEST(fp8_e5m2_nosat::encode(std::nextafter(61440.0f, 0.0f)) == 0x7B);
  BOOST_TEST(fp8_e5m2_nosat::encode(61440.0f) == 0x7C);
  BOOST_TEST(fp8_e5m2_nosat::encode(-61440.0f) == 0xFC);
  BOOST_TEST(fp8_e5m2::encode(61440.0f) == 0x7B);
  // fp16: 65520 = 65504 + 16 ties to Inf; bf16: max + half an ulp ties to Inf.
  BOOST_TEST(fp16::encode(65520.0f) == 0x7C00);
  BOOST_TEST(fp16::encode(std::nextafter(65520.0f, 0.0f)) == 0x7BFF);
  BOOST_TEST(bf16::encode(from_bits(0x7F7F'8000u)) == 0x7F80);
  BOOST_TEST(bf16::encode(from_bits(0x7F7F'7FFFu)) == 0x7F7F);
  BOOST_TEST(bf16::encode(-std::numeric_limits<float>::max()) == 0xFF80);
  // Infinities.
  const float inf = std::numeric_limits<float>::infinity();
  BOOST_TEST(fp8_e4m3::encode(inf) == 0x7E);
  BOOST_TEST(fp8_e4m3::encode(-inf) == 0xFE);
  BOOST_TEST(fp8_e4m3_nosat::encode(inf) == 0x7F);
  BOOST_TEST(fp8_e4m3_nosat::encode(-inf) == 0xFF);
  BOOST_TEST(fp8_e5m2::encode(inf) == 0x7B);
  BOOST_TEST(fp8_e5m2_nosat::encode(-inf) == 0xFC);
  BOOST_TEST(fp16::encode(-inf) == 0xFC00);
  BOOST_TEST(bf16::encode(inf) == 0x7F80);
}

BOOST_AUTO_TEST_CASE(zeros_subnormals_and_tiny_inputs) {
  const float tiny = from_bits(1);                      // 2^-149, float subnormal
  const float fmin = std::numeric_limits<float>::min(); // 2^-126
  BOOST_TEST(fp8_e4m3::encode(-0.0f) == 0x80);
  BOOST_TEST(fp8_e5m2::encode(-0.0f) == 0x80);
  BOOST_TEST(fp16::encode(-0.0f) == 0x8000);
  BOOST_TEST(bf16::encode(-0.0f) == 0x8000);
  for (const float x : {tiny, fmin, -tiny, -fmin}) {
    const std::uint32_t s8 = x < 0 ? 0x80 : 0, s16 = x < 0 ? 0x8000 : 0;
    BOOST_TEST(fp8_e4m3::encode(x) == s8);
    BOOST_TEST(fp8_e5m2::encode(x) == s8);
    BOOST_TEST(fp16::encode(x) == s16);
  }
  // bf16 keeps float subnormals: 2^-133 is its smallest subnormal.
  BOOST_TEST(bf16::encode(tiny) == 0x0000);
  BOOST_TEST(bf16::encode(0x1p-134f) == 0x0000); // tie to 0
  BOOST_TEST(bf16::encode(std::nextafter(0x1p-134f, 1.0f)) == 0x0001);
  BOOST_TEST(bf16::encode(0x3p-134f) == 0x0002); // tie to even
  BOOST_TEST(bf16::decode(bf16::encode(fmin)) == fmin);
  // Half the smallest subnormal ties to 0; the next float up rounds to the subnormal.
  BOOST_TEST(fp8_e4m3::encode(0x1p-10f) == 0x00);
  BOOST_TEST(fp8_e4m3::encode(std::nextafter(0x1p-10f, 1.0f)) == 0x01);
  BOOST_TEST(fp8_e4m3::encode(-std::nextafter(0x1p-10f, 1.0f)) == 0x81);
  BOOST_TEST(fp8_e5m2::encode(0x1p-17f) == 0x00);
  BOOST_TEST(fp8_e5m2::encode(std::nextafter(0x1p-17f, 1.0f)) == 0x01);
  BOOST_TEST(fp16::encode(0x1p-25f) == 0x0000);
  BOOST_TEST(fp16::encode(std::nextafter(0x1p-25f, 1.0f)) == 0x0001);
  // Largest subnormal rounding up into the smallest normal.
  BOOST_TEST(fp8_e4m3::encode(0x1.Ep-7f) == 0x08); // 7.5 * 2^-9 ties to 8 * 2^-9 = 2^-6
  BOOST_TEST(fp8_e4m3::encode(0x1.Dp-7f) == 0x07); // 7.25 * 2^-9 -> 7 * 2^-9
  // Single rounding from float: 1 + 2^-4 + 2^-20 is just above the e4m3 tie 1 + 2^-4, so
  // it rounds up (a double rounding through fp16 would land on the tie and go down).
  BOOST_TEST(fp16::encode(1.0f + 0x1p-4f + 0x1p-20f) == 0x3C40); // fp16 keeps 1 + 2^-4
  BOOST_TEST(fp8_e4m3::encode(1.0f + 0x1p-4f + 0x1p-20f) == 0x39);
  BOOST_TEST(fp8_e4m3::encode(1.0f + 0x1p-4f) == 0x38);
}

BOOST_AUTO_TEST_CASE(nan_codes) {
  const float qnan = std::numeric_limits<float>::quiet_NaN();
  const float snan = from_bits(0x7F80'0001u);
  for (const float n : {qnan, snan, from_bits(0x7FFF'FFFFu), from_bits(0x7FA0'0000u)}) {
    BOOST_TEST(fp8_e4m3::encode(n) == 0x7F);
    BOOST_TEST(fp8_e4m3::encode(-n) == 0xFF);
    BOOST_TEST(fp8_e4m3_nosat::encode(n) == 0x7F);
    BOOST_TEST(fp8_e5m2::encode(n) == 0x7F);
    BOOST_TEST(fp8_e5m2_nosat::encode(-n) == 0xFF);
    BOOST_TEST((fp16::encode(n) & 0x7E00) == 0x7E00); // quiet
    BOOST_TEST((fp16::encode(-n) & 0x8000) == 0x8000);
    BOOST_TEST((bf16::encode(n) & 0x7FC0) == 0x7FC0);
    BOOST_TEST((bf16::encode(-n) & 0x8000) == 0x8000);
  }
  BOOST_TEST(fp16::encode(from_bits(0xFFA1'2345u)) == 0xFF09); // payload's top 9 bits kept
  BOOST_TEST(bf16::encode(from_bits(0x7F81'2345u)) == 0x7FC1);
  BOOST_TEST(bf16::encode(qnan) == 0x7FC0);
  BOOST_TEST(fp16::encode(qnan) == 0x7E00);
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
BOOST_AUTO_TEST_SUITE(sweep_float_patterns)

BOOST_AUTO_TEST_CASE(fp16_sweep) {
  const ladder l = make_ladder(def_fp16);
  sweep<fp16>(expected_stretches(l, 0x7C00, 0x7C00), 0x8000, step_main());
  sweep_nans<fp16>(
      [](std::uint32_t u) { return ((u >> 16) & 0x8000u) | 0x7E00u | ((u >> 13) & 0x1FFu); },
      full_sweep());
}

#if defined(__FLT16_MAX__)
BOOST_AUTO_TEST_CASE(fp16_vs_float16) {
  // Every 509th pattern (every pattern in a full sweep), and the 5 patterns around every
  // fp16 value and every midpoint, against the compiler's conversion, NaN payloads included.
  mismatch_log log;
  auto check = [&](std::uint32_t u) {
    const float x = from_bits(u);
    const std::uint32_t want = float16_oracle(x), got = fp16::encode(x);
    if (got != want) log.fail(u, got, want);
    ++log.checked;
  };
  const std::uint64_t step = full_sweep() ? 1 : 509;
  for (std::uint64_t u = 0; u <= 0xFFFF'FFFFu; u += step) check(static_cast<std::uint32_t>(u));
  for (std::uint32_t c = 0; c < 0x7C00; ++c) {
    const std::uint32_t v = to_bits(fp16::decode(static_cast<std::uint16_t>(c)));
    const std::uint32_t m = to_bits(
        static_cast<float>((static_cast<double>(fp16::decode(static_cast<std::uint16_t>(c))) +
                            static_cast<double>(fp16::decode(static_cast<std::uint16_t>(c + 1)))) /
                           2));
    for (const std::uint32_t p : {v, m})
      for (std::uint32_t d = 0; d < 5; ++d) {
        check(p + d - 2);
        check((p + d - 2) | 0x8000'0000u);
      }
  }
  BOOST_TEST(log.bad == 0, "fp16 vs _Float16: " << log.bad << " mismatches" << log.first.str());
  int bad_decode = 0;
  for (std::uint32_t c = 0; c < 0x10000; ++c) { // decode: every code
    _Float16 h;
    const auto b = static_cast<std::uint16_t>(c);
    std::memcpy(&h, &b, sizeof h);
    const float want = static_cast<float>(h), got = fp16::decode(b);
    if (to_bits(got) != to_bits(want) && !(std::isnan(got) && std::isnan(want))) ++bad_decode;
  }
  BOOST_TEST(bad_decode == 0);
}
#endif

BOOST_AUTO_TEST_CASE(bf16_sweep) {
  const ladder l = make_ladder(def_bf16);
  sweep<bf16>(expected_stretches(l, 0x7F80, 0x7F80), 0x8000, step_main());
  sweep_nans<bf16>([](std::uint32_t u) { return (u >> 16) | 0x0040u; }, full_sweep());
}

BOOST_AUTO_TEST_CASE(e4m3_sweep) {
  const ladder l = make_ladder(def_e4m3);
  sweep<fp8_e4m3>(expected_stretches(l, 0x7E, 0x7E), 0x80, step_main());
  sweep<fp8_e4m3_nosat>(expected_stretches(l, 0x7F, 0x7F), 0x80, step_variant());
  sweep_nans<fp8_e4m3>([](std::uint32_t u) { return ((u >> 24) & 0x80u) | 0x7Fu; }, full_sweep());
}

BOOST_AUTO_TEST_CASE(e5m2_sweep) {
  const ladder l = make_ladder(def_e5m2);
  sweep<fp8_e5m2>(expected_stretches(l, 0x7B, 0x7B), 0x80, step_main());
  sweep<fp8_e5m2_nosat>(expected_stretches(l, 0x7C, 0x7C), 0x80, step_variant());
  sweep_nans<fp8_e5m2>([](std::uint32_t u) { return ((u >> 24) & 0x80u) | 0x7Fu; }, full_sweep());
}

BOOST_AUTO_TEST_SUITE_END()

// =======================================================================================
BOOST_AUTO_TEST_SUITE(ue8m0_scale)

BOOST_AUTO_TEST_CASE(decode_every_code) {
  for (int e = 0; e <= 254; ++e) {
    const float d = ue8m0::decode(static_cast<std::uint8_t>(e));
    BOOST_TEST(static_cast<double>(d) == std::ldexp(1.0, e - 127), "code " << e);
  }
  BOOST_TEST(to_bits(ue8m0::decode(0)) == 0x0040'0000u); // 2^-127, a float subnormal
  BOOST_TEST(std::isnan(ue8m0::decode(255)));
}

BOOST_AUTO_TEST_CASE(powers_of_two_and_their_neighbours) {
  for (int e = 0; e <= 254; ++e) {
    const float p = exact_float(std::ldexp(1.0, e - 127));
    BOOST_TEST(ue8m0::encode(p) == e, "2^" << e - 127);
    BOOST_TEST(ue8m0::encode(std::nextafter(p, 0.0f)) == e, "below 2^" << e - 127);
    if (e < 254)
      BOOST_TEST(ue8m0::encode(std::nextafter(p, 1e38f)) == e + 1, "above 2^" << e - 127);
  }
}

BOOST_AUTO_TEST_CASE(rounds_up_over_all_positive_floats) {
  // (2^(k-1), 2^k] -> code k + 127, from the definition 2^ceil(log2 x); dense near every
  // power of two, every 7th pattern elsewhere (every pattern in a full sweep).
  mismatch_log log;
  const std::uint64_t step = step_main();
  check_stretch<ue8m0>(1, 0x0040'0000u, 0, log, step); // float subnormals up to 2^-127
  for (int k = -126; k <= 127; ++k) {
    const std::uint32_t lo = to_bits(exact_float(std::ldexp(1.0, k - 1))) + 1;
    const std::uint32_t hi = to_bits(exact_float(std::ldexp(1.0, k)));
    check_stretch<ue8m0>(lo, hi, static_cast<std::uint32_t>(k + 127), log, step);
  }
  check_stretch<ue8m0>(0x7F00'0001u, 0x7F80'0000u, 254, log, step); // saturates, +Inf too
  BOOST_TEST(log.bad == 0, "ue8m0: " << log.bad << " mismatches" << log.first.str());
  // Non-positive inputs and NaN.
  BOOST_TEST(ue8m0::encode(0.0f) == 0);
  BOOST_TEST(ue8m0::encode(-0.0f) == 0);
  BOOST_TEST(ue8m0::encode(-3.0f) == 0);
  BOOST_TEST(ue8m0::encode(-std::numeric_limits<float>::infinity()) == 0);
  BOOST_TEST(ue8m0::encode(std::numeric_limits<float>::quiet_NaN()) == 255);
  BOOST_TEST(ue8m0::encode(-std::numeric_limits<float>::quiet_NaN()) == 255);
}

BOOST_AUTO_TEST_CASE(matches_deepseek_fast_round_scale) {
  // DeepSeek's fast_log2_ceil / fast_pow2 for normal positive inputs below 2^127:
  // (bits >> 23 & 0xFF) - 127 + (mantissa != 0).
  int bad = 0;
  for (std::uint64_t u = 0x0080'0000u; u < 0x7F00'0000u; u += 9973) {
    const auto b = static_cast<std::uint32_t>(u);
    const int log2_ceil = static_cast<int>((b >> 23) & 0xFFu) - 127 + ((b & 0x7F'FFFFu) != 0);
    if (ue8m0::encode(from_bits(b)) != log2_ceil + 127) ++bad;
  }
  BOOST_TEST(bad == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(fp32_identity) {
  for (const std::uint32_t u : {0u, 0x8000'0000u, 0x3F80'0000u, 0x0000'0001u, 0x7F80'0000u,
                                0x7FA0'0001u, 0xFFFF'FFFFu, 0x7F7F'FFFFu}) {
    BOOST_TEST(fp32::encode(from_bits(u)) == u);
    BOOST_TEST(to_bits(fp32::decode(u)) == u);
  }
  BOOST_TEST(fp32::max_finite == std::numeric_limits<float>::max());
}

BOOST_AUTO_TEST_CASE(format_names) {
  BOOST_TEST(fp32::name == "fp32");
  BOOST_TEST(fp16::name == "fp16");
  BOOST_TEST(bf16::name == "bf16");
  BOOST_TEST(fp8_e4m3::name == "fp8_e4m3");
  BOOST_TEST(fp8_e4m3_nosat::name == "fp8_e4m3_nosat");
  BOOST_TEST(fp8_e5m2::name == "fp8_e5m2");
  BOOST_TEST(fp8_e5m2_nosat::name == "fp8_e5m2_nosat");
  BOOST_TEST(ue8m0::name == "ue8m0");
}
