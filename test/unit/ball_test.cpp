// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Ball codes (core/big_uint.hpp, lattice/ball.hpp, codec/ball_block.hpp, the e8b preset),
// checked against mathematics: shell sizes against brute-force enumeration and the theta
// series of E8 (240 σ3(n)); shell ranks are bijections, ball ranks injective and onto the
// codebook (exhaustive for small codes, with counts rounded to a few bits so that gaps occur;
// random ranks for the preset sizes); the rounded counts against an independent convolution
// and long double; the granular error at high rate against E8's normalised second moment.
#define BOOST_TEST_MODULE ball
#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <vector>

#include "kakeya/codec/presets.hpp"
#include "kakeya/codec/spec.hpp"
#include "kakeya/core/big_uint.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/lattice/ball.hpp"

namespace {

using namespace kakeya;

template <class L>
using pt = std::array<float, L::dim>;

// Every point of L with integer norm <= n_max, by brute force over a box (E8: both cosets).
template <class L>
std::map<std::int64_t, std::set<pt<L>>> enumerate_points(std::int64_t n_max) {
  std::map<std::int64_t, std::set<pt<L>>> out;
  const int scale = lattice_shells<L>::norm_scale;
  const int r = static_cast<int>(std::sqrt(static_cast<double>(scale * n_max))) + 1;
  const int halves = std::is_same_v<L, e8> ? 2 : 1;
  for (int h = 0; h < halves; ++h) {
    const int span = 2 * r + 1;
    std::int64_t total = 1;
    for (std::size_t i = 0; i < L::dim; ++i) total *= span;
    for (std::int64_t c = 0; c < total; ++c) {
      pt<L> p{};
      std::int64_t x = c, sum2 = 0, sum = 0;
      for (std::size_t i = 0; i < L::dim; ++i) {
        const int v = static_cast<int>(x % span) - r;
        x /= span;
        // h = 1: E8's half coset, u = 2t odd in [-2r-1, 2r+1]
        const int u = h ? 2 * v + 1 : v;
        p[i] = h ? static_cast<float>(u) * 0.5f : static_cast<float>(u);
        sum2 += static_cast<std::int64_t>(u) * u;
        sum += u;
      }
      bool member = true;
      std::int64_t norm2 = sum2; // ‖t‖² (integer coset) or 4‖t‖² (half coset)
      if constexpr (std::is_same_v<L, e8>) {
        if (h) {
          member = ((sum % 4) + 4) % 4 == 0;
          norm2 = sum2 / 4;
        } else {
          member = sum % 2 == 0;
        }
      } else if constexpr (lattice_shells<L>::norm_scale == 2) {
        member = sum % 2 == 0; // D_n
      }
      if (!member || norm2 % scale != 0 || norm2 / scale > n_max) continue;
      out[norm2 / scale].insert(p);
    }
  }
  return out;
}

// Shell sizes and ranks against the enumeration; the rank with partial sums (1 or 3 entries,
// or 2 entries every 2 terms; the rest summed in the loop) is the same rank.
template <class L>
void check_shells(std::int64_t n_max) {
  const lattice_shells<L> s(n_max);
  const lattice_shells<L> s1(n_max, 1), s2(n_max, 3), s3(n_max, 2, 2); // span, stride
  const auto pts = enumerate_points<L>(n_max);
  for (std::int64_t n = 0; n <= n_max; ++n) {
    const auto it = pts.find(n);
    const std::size_t expect = it == pts.end() ? 0 : it->second.size();
    BOOST_TEST_REQUIRE(s.count(n) == expect, L::name << " shell " << n);
    std::uint64_t previous = 0;
    bool first = true;
    if (it == pts.end()) continue;
    std::set<std::uint64_t> ranks;
    for (const auto& p : it->second) {
      BOOST_TEST_REQUIRE(lattice_shells<L>::norm(p.data()) == n);
      const std::uint64_t r = s.rank(p.data(), n);
      BOOST_TEST_REQUIRE(r < expect);
      BOOST_TEST_REQUIRE(s1.rank(p.data(), n) == r);
      BOOST_TEST_REQUIRE(s2.rank(p.data(), n) == r);
      BOOST_TEST_REQUIRE(s3.rank(p.data(), n) == r);
      ranks.insert(r);
      pt<L> back{};
      s.unrank(n, r, back.data());
      BOOST_TEST_REQUIRE((back == p), L::name << " shell " << n << " rank " << r);
      // Within a coset the set iterates in lexicographic order, which is the rank order.
      const bool half = p[0] != std::nearbyint(p[0]);
      if (!half) {
        if (!first) BOOST_TEST_REQUIRE(r == previous + 1);
        previous = r;
        first = false;
      }
    }
    BOOST_TEST_REQUIRE(ranks.size() == expect);
  }
}

BOOST_AUTO_TEST_CASE(shell_sizes_and_ranks_match_brute_force) {
  check_shells<zn<4>>(30);
  check_shells<dn<4>>(20);
  check_shells<zn<5>>(12);
  check_shells<e8>(4);
}

BOOST_AUTO_TEST_CASE(e8_shells_are_240_sigma3) {
  const lattice_shells<e8> s(3000);
  BOOST_TEST(s.count(0) == 1u);
  for (std::int64_t n = 1; n <= 3000; ++n) {
    std::uint64_t sigma3 = 0;
    for (std::int64_t d = 1; d <= n; ++d)
      if (n % d == 0) sigma3 += static_cast<std::uint64_t>(d * d * d);
    BOOST_TEST_REQUIRE(s.count(n) == 240 * sigma3, "n = " << n);
  }
}

BOOST_AUTO_TEST_CASE(e8_shell_ranks_round_trip_on_large_shells) {
  const lattice_shells<e8> s(2000);
  random_stream rng(7);
  const lattice_shells<e8> with_sums(2000, 16), strided(2000, 8, 3);
  for (std::int64_t n : {17, 250, 1999}) {
    for (int i = 0; i < 2000; ++i) {
      const std::uint64_t r = rng.next() % s.count(n);
      pt<e8> p{};
      s.unrank(n, r, p.data());
      BOOST_TEST_REQUIRE(lattice_shells<e8>::norm(p.data()) == n);
      float q[8];
      e8::closest_point(std::span<const float, 8>(p), std::span<float, 8>(q));
      for (int k = 0; k < 8; ++k) BOOST_TEST_REQUIRE(q[k] == p[k]); // a lattice point
      BOOST_TEST_REQUIRE(s.rank(p.data(), n) == r);
      BOOST_TEST_REQUIRE(with_sums.rank(p.data(), n) == r);
      BOOST_TEST_REQUIRE(strided.rank(p.data(), n) == r);
    }
  }
}

// The codebook size by an independent convolution of the bins' sizes (long double).
template <class L>
long double count_by_convolution(const ball_code<L>& c) {
  const int cap = ball_code<L>::cap_bins;
  std::vector<long double> bins(static_cast<std::size_t>(cap), 0.0L);
  for (int v = 0; v < cap; ++v)
    for (int n = v * c.width(); n < (v + 1) * c.width(); ++n)
      bins[static_cast<std::size_t>(v)] += static_cast<long double>(c.shells().count(n));
  std::vector<long double> a(static_cast<std::size_t>(c.budget() + 1), 0.0L);
  a[0] = 1;
  for (std::size_t k = 0; k < c.blocks(); ++k) {
    std::vector<long double> b(a.size(), 0.0L);
    for (std::size_t m = 0; m < a.size(); ++m)
      for (std::size_t v = 0; v < bins.size() && m + v < a.size(); ++v) b[m + v] += a[m] * bins[v];
    a = b;
  }
  long double total = 0;
  for (auto v : a) total += v;
  return total;
}

// The rank space Ñ_K(budget) as a long double.
long double space(std::uint64_t c) {
  return std::ldexp(static_cast<long double>(detail::fcount_m(c)), detail::fcount_e(c));
}

// Every rank below the rank space unranks to a codebook point that ranks back to a rank of the
// same point; the distinct points are exactly the codebook (its size by the independent
// convolution). With counts of full precision the ranks are a bijection onto [0, count); with
// few significant bits the rounding leaves gaps (ranks of no point), which still decode.
template <class L>
void check_ball_exhaustive(std::size_t blocks, std::size_t bits, int precision = 32) {
  const ball_code<L> c(blocks, bits, precision);
  BOOST_TEST_REQUIRE(c.words() <= 2u);
  const long double exact = count_by_convolution(c);
  const auto count = static_cast<std::uint64_t>(space(c.count()));
  BOOST_TEST_REQUIRE(count <= (std::uint64_t{1} << bits));
  BOOST_TEST_REQUIRE(static_cast<long double>(count) >= exact);
  if (precision == 32) BOOST_TEST(static_cast<long double>(count) == exact); // below 2^32: exact
  std::vector<float> t(blocks * L::dim), back(blocks * L::dim);
  std::set<std::vector<float>> seen;
  std::uint64_t gaps = 0;
  for (std::uint64_t r = 0; r < count; ++r) {
    const detail::word in[2] = {r, 0};
    c.unrank(in, t.data());
    BOOST_TEST_REQUIRE(c.contains(t.data()));
    detail::word out[2] = {9, 9};
    c.rank(t.data(), out);
    BOOST_TEST_REQUIRE(out[0] < count);
    if (c.words() == 2) BOOST_TEST_REQUIRE(out[1] == 0u);
    if (out[0] != r) {
      ++gaps;
      c.unrank(out, back.data());
      BOOST_TEST_REQUIRE((back == t), L::name << " rank " << r);
    }
    seen.insert(t);
  }
  BOOST_TEST(static_cast<long double>(seen.size()) == exact);
  BOOST_TEST(static_cast<long double>(count - gaps) == exact); // every point has one rank
  if (precision == 32) BOOST_TEST(gaps == 0u);
}

BOOST_AUTO_TEST_CASE(small_ball_codes_are_bijections) {
  check_ball_exhaustive<dn<4>>(2, 12);
  check_ball_exhaustive<zn<4>>(3, 14);
  check_ball_exhaustive<e8>(2, 16);
  check_ball_exhaustive<e8>(1, 12);
}

// Counts rounded to 4–8 significant bits: injective ranks with gaps, all of them decodable.
BOOST_AUTO_TEST_CASE(rounded_counts_keep_ranks_injective) {
  check_ball_exhaustive<dn<4>>(3, 16, 6);
  check_ball_exhaustive<zn<4>>(3, 14, 4);
  check_ball_exhaustive<e8>(2, 18, 8);
  check_ball_exhaustive<e8>(3, 18, 5);
}

// The rounded count is an upper bound of the exact count within 2^-17 (32 significant bits:
// at most K · 128 roundings up of 2^-31 each).
BOOST_AUTO_TEST_CASE(rounded_counts_are_tight_upper_bounds) {
  for (const auto& [blocks, bits] : {std::pair<std::size_t, std::size_t>{16, 512}, {16, 768}, {64, 1536}, {8, 200}}) {
    const ball_code<e8> c(blocks, bits);
    const long double exact = count_by_convolution(c);
    const long double rounded = space(c.count());
    BOOST_TEST(rounded >= exact * (1.0L - 1e-15L));
    BOOST_TEST(rounded / exact - 1.0L < std::ldexp(1.0L, -17), blocks << " blocks, " << bits << " bits: " << static_cast<double>(rounded / exact - 1.0L));
    BOOST_TEST(rounded <= std::ldexp(1.0L, static_cast<int>(bits)));
  }
}

// Random ranks below 2^bits decode to codebook points whose ranks decode back to them; ranks
// below the rank space come back unchanged unless they fall in a rounding gap (about 2^-25 of
// the space here).
template <class L>
void check_ball_random(std::size_t blocks, std::size_t bits, int trials) {
  const ball_code<L> c(blocks, bits);
  const std::size_t w = c.words();
  random_stream rng(blocks * 131 + bits);
  std::vector<detail::word> r(w), back(w), again(w);
  std::vector<float> t(blocks * L::dim), u(blocks * L::dim);
  const auto below_space = [&](const std::vector<detail::word>& x) {
    return detail::big_to_ld(x.data(), w) < space(c.count()) * (1.0L - 1e-12L);
  };
  int changed = 0;
  for (int i = 0; i < trials; ++i) {
    // A uniform value below 2^bits.
    for (std::size_t k = 0; k < w; ++k) r[k] = rng.next();
    for (std::size_t k = 0; k < w; ++k) {
      const std::size_t lo = 64 * k;
      if (lo >= bits) r[k] = 0;
      else if (bits - lo < 64) r[k] &= (detail::word{1} << (bits - lo)) - 1;
    }
    c.unrank(r.data(), t.data());
    BOOST_TEST_REQUIRE(c.contains(t.data()));
    c.rank(t.data(), back.data());
    BOOST_TEST_REQUIRE(below_space(back));
    c.unrank(back.data(), u.data());
    BOOST_TEST_REQUIRE((u == t), L::name << " trial " << i);
    if (below_space(r) && detail::big_compare(r.data(), back.data(), w) != 0) ++changed;
  }
  BOOST_TEST(changed == 0);
  // The all-ones word array (past the space) decodes to a codebook point.
  std::vector<detail::word> ones(w, ~detail::word{0});
  c.unrank(ones.data(), t.data());
  BOOST_TEST(c.contains(t.data()));
}

BOOST_AUTO_TEST_CASE(preset_sized_ball_codes_round_trip) {
  check_ball_random<e8>(16, 64, 3000);   // e8b:rate=0.5-sized, 2 words
  check_ball_random<e8>(16, 512, 2000);  // e8b:rate=4, D = 128
  check_ball_random<e8>(16, 768, 1000);  // rate 6, D = 128
  check_ball_random<e8>(64, 1536, 300);  // rate 3, D = 512
  check_ball_random<e8>(64, 2867, 100);  // rate 5.6, D = 512
  check_ball_random<dn<4>>(32, 512, 500);
}

BOOST_AUTO_TEST_CASE(rounded_count_arithmetic) {
  const int p = 32;
  // Exact below 2^p, rounded up beyond.
  BOOST_TEST(detail::fcount_add_mul(detail::fcount_pack(5, 0), detail::fcount_pack(7, 0), 3, p) == detail::fcount_pack(26, 0));
  const std::uint64_t big = detail::fcount_add_mul(0, detail::fcount_pack(0xffffffffu, 0), 0xffffffffu, p); // (2^32 − 1)²
  BOOST_TEST(detail::fcount_e(big) == 32);
  BOOST_TEST(detail::fcount_m(big) == 0xffffffffu); // 2^64 − 2^33 + 1 = (2^32 − 2) · 2^32 + 1, rounded up
  // A tiny term far below the window still rounds the sum up by one unit.
  const std::uint64_t huge = detail::fcount_pack(0x80000000u, 400);
  BOOST_TEST(detail::fcount_add_mul(huge, detail::fcount_pack(1, 0), 1, p) == detail::fcount_pack(0x80000001u, 400));
  // Against long double for random operands of 20 significant bits (exact in long double).
  random_stream rng(17);
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t a = detail::fcount_pack((rng.next() >> 45) | 1u, static_cast<int>(rng.next() % 24));
    const std::uint64_t b = detail::fcount_pack((rng.next() >> 45) | 1u, static_cast<int>(rng.next() % 24));
    const std::uint64_t m = rng.next() >> 44;
    const long double exact = space(a) + static_cast<long double>(m) * space(b);
    const std::uint64_t s = detail::fcount_add_mul(a, b, m, 12);
    BOOST_TEST_REQUIRE(space(s) >= exact);
    BOOST_TEST_REQUIRE(space(s) < exact * (1.0L + std::ldexp(1.0L, -11)));
    BOOST_TEST_REQUIRE((detail::fcount_e(s) == 0 || detail::fcount_m(s) >= (1u << 11)));
  }
  // Word arrays: a term added, compared, windowed and subtracted across word boundaries.
  detail::word a[4];
  const detail::dword v = (static_cast<detail::dword>(0x7fffffffull) << 64) | 0x123456789abcdefull;
  detail::digit_sum<4> sum(4);
  sum.add(~detail::dword{0} >> 32, 32); // 2^128 − 2^32, then 2^32 − 1: a = 2^128 − 1
  sum.add(0xffffffffu, 0);
  sum.add(v, 70);
  sum.settle(a);
  const detail::dword below = (detail::dword{1} << 58) - 1; // floor((2^128 − 1) / 2^70)
  BOOST_TEST(detail::big_at_least(a, detail::big_used(a, 4), v + below, 70));
  BOOST_TEST(!detail::big_at_least(a, detail::big_used(a, 4), v + below + 1, 70));
  BOOST_TEST((detail::big_window(a, detail::big_used(a, 4), 70) == v + below));
  detail::big_sub_shifted(a, 4, v, 70);
  BOOST_TEST((a[0] == ~0ull && a[1] == ~0ull && a[2] == 0 && a[3] == 0));
  BOOST_TEST(detail::big_below_pow2(a, 4, 128));
  BOOST_TEST(!detail::big_below_pow2(a, 4, 127));
  BOOST_TEST(static_cast<double>(detail::big_to_ld(a, 4)) == std::ldexp(1.0, 128));
  BOOST_TEST((detail::div_small(~detail::dword{0}, 3) == ~detail::dword{0} / 3));
}

// digit_sum (the rank's sum of terms, carries settled once) against word-by-word addition with
// full carries, for random terms v · 2^e (v below 2^96) in any order, up to 256 terms.
BOOST_AUTO_TEST_CASE(digit_sums_equal_carried_sums) {
  random_stream rng(29);
  constexpr std::size_t w = 6;
  for (int round = 0; round < 500; ++round) {
    detail::digit_sum<w> sum(w);
    detail::word want[w + 2] = {};
    const int terms = 1 + static_cast<int>(rng.next() % 256);
    for (int i = 0; i < terms; ++i) {
      const int bits = 1 + static_cast<int>(rng.next() % 96);
      detail::dword v = static_cast<detail::dword>(rng.next()) << 64 | rng.next();
      v >>= 128 - bits;
      const int e = static_cast<int>(rng.next() % static_cast<std::uint64_t>(64 * w - 8 - bits)); // the sum stays below 2^(64 w)
      sum.add(v, e);
      // want += v · 2^e, one bit at a time with its carry.
      for (int b = 0; b < bits; ++b) {
        if (((v >> b) & 1u) == 0) continue;
        for (std::size_t k = static_cast<std::size_t>(e + b); k < 64 * (w + 2); ++k) {
          const detail::word m = detail::word{1} << (k % 64);
          want[k / 64] ^= m;
          if (want[k / 64] & m) break; // the bit was 0: no carry
        }
      }
    }
    BOOST_TEST_REQUIRE((want[w] == 0 && want[w + 1] == 0));
    detail::word got[w];
    sum.settle(got);
    for (std::size_t i = 0; i < w; ++i) BOOST_TEST_REQUIRE(got[i] == want[i], "word " << i);
  }
}

BOOST_AUTO_TEST_CASE(e8b_preset_bits_spec_and_garbage) {
  const auto c = make_ball<128, e8>(4.0);
  BOOST_TEST(c.bits_per_vector() == 13u + 512u);
  const auto c5 = make_ball<512, e8>(5.5);
  BOOST_TEST(c5.bits_per_vector() == 13u + 2816u);
  const auto c1k = make_ball<1024, e8>(3.0);
  BOOST_TEST(c1k.bits_per_vector() == 13u + 2u * 1536u);
  BOOST_CHECK_THROW((make_ball<128, e8>(0.5)), kakeya::error);
  BOOST_CHECK_THROW((make_ball<128, e8>(6.5)), kakeya::error);
  BOOST_CHECK_THROW((make_ball<128, e8>(4.0, 3.0)), kakeya::error);
  BOOST_CHECK_THROW((ball_block<e8, 64>(2)), kakeya::error);    // budget 0: the point 0 alone
  BOOST_CHECK_THROW((ball_block<e8, 16>(5000)), kakeya::error); // beyond 4096 bits
  BOOST_TEST((ball_block<e8, 16>(16).bits() == 16u)); // budget 1: 0, or 240 minimal vectors in one block

  const codec_spec s = parse_codec_spec("e8b:rate=4.5,radius=0.98");
  BOOST_TEST(s.ball_rate == 4.5);
  BOOST_TEST(s.radius == 0.98);
  BOOST_TEST(s.canonical() == "e8b:rate=4.5,radius=0.98");
  BOOST_TEST(parse_codec_spec("e8b:rate=4").canonical() == "e8b:rate=4");
  BOOST_CHECK_THROW(parse_codec_spec("e8b"), kakeya::error);
  BOOST_CHECK_THROW(parse_codec_spec("e8b:rate=7"), kakeya::error);
  BOOST_CHECK_THROW(parse_codec_spec("e8b:rate=x"), kakeya::error);
  BOOST_CHECK_THROW(parse_codec_spec("e8b:rate=4,radius=0.1"), kakeya::error);
  BOOST_CHECK_THROW(parse_codec_spec("e8b:rate=4,q=3"), kakeya::error);

  // Random bytes: the block reads exactly its bits and decodes to a point of the ball (finite,
  // |y| <= step · radius); decode(encode(x)) is roundtrip(x).
  random_stream rng(3);
  std::vector<std::uint8_t> code(c.bytes_per_vector());
  std::array<float, 128> y{}, x{}, z{};
  const auto& q = c.quantiser();
  const double bound = q.step() * std::sqrt(q.code()->max_squared_norm()) * 1.0001;
  for (int i = 0; i < 200; ++i) {
    for (auto& b : code) b = static_cast<std::uint8_t>(rng.next());
    if (i == 0) std::fill(code.begin(), code.end(), std::uint8_t{0xff});
    bit_reader r(code.data());
    q.decode(r, std::span<float, 128>(y));
    BOOST_TEST_REQUIRE(r.position() == q.bits());
    double n2 = 0;
    for (float v : y) n2 += static_cast<double>(v) * v;
    BOOST_TEST_REQUIRE(std::sqrt(n2) <= bound);
    for (auto& v : x) v = static_cast<float>(rng.gaussian() * (i + 1));
    c.encode(std::span<const float, 128>(x), code.data());
    c.decode(code.data(), std::span<float, 128>(y));
    c.roundtrip(std::span<const float, 128>(x), std::span<float, 128>(z));
    BOOST_TEST_REQUIRE((y == z));
  }
  // Zero and a one-hot vector.
  x.fill(0.0f);
  c.roundtrip(std::span<const float, 128>(x), std::span<float, 128>(z));
  for (float v : z) BOOST_TEST(v == 0.0f);
  x[5] = 1.0e30f;
  c.roundtrip(std::span<const float, 128>(x), std::span<float, 128>(z));
  BOOST_TEST(std::fabs(z[5] - 1.0e30f) < 0.2e30f);
}

// At high rate, blocks that need no shrinking carry E8's granular error: G(E8) = 0.0717 per
// dimension in units of the step² (covolume 1).
BOOST_AUTO_TEST_CASE(granular_error_is_e8_second_moment) {
  const ball_block<e8, 16> b(16 * 8 * 6); // rate 6
  random_stream rng(11);
  double err = 0;
  std::size_t n = 0;
  std::array<float, 128> x{}, t{}, u{};
  for (int i = 0; i < 3000; ++i) {
    double ss = 0;
    for (auto& v : x) {
      v = static_cast<float>(rng.gaussian());
      ss += static_cast<double>(v) * v;
    }
    const auto g = static_cast<float>(std::sqrt(ss / 128.0));
    for (auto& v : x) v /= g;
    b.choose(std::span<const float, 128>(x), t.data());
    for (std::size_t k = 0; k < 128; ++k) u[k] = x[k] / b.step();
    float q[128];
    for (std::size_t k = 0; k < 16; ++k)
      e8::closest_point(std::span<const float, 8>(u.data() + 8 * k, 8), std::span<float, 8>(q + 8 * k, 8));
    if (!std::equal(q, q + 128, t.begin())) continue; // shrunk: not granular
    for (std::size_t k = 0; k < 128; ++k) err += (u[k] - t[k]) * (u[k] - t[k]);
    n += 128;
  }
  BOOST_TEST_REQUIRE(n > 100000u);
  const double g = err / static_cast<double>(n);
  BOOST_TEST(std::fabs(g / 0.0717 - 1.0) < 0.02, "G = " << g);
}

// The overload search on its own, over synthetic bins' sums f(k) = budget + c − ⌊k · slope⌋
// (falling in k, as the shrunk point's norm does), each fitting from its root on: it must end on
// a k that fits with a k below it within max(1, k/16) that does not (the bracket it promises)
// or whose sum is the budget, and find it in few placements.
BOOST_AUTO_TEST_CASE(shrink_search_brackets_the_smallest_fitting_k) {
  using ref = ball_block_ref<e8, 16>;
  const ball_block<e8, 16> b(16 * 8 * 2); // rate 2
  const ref& q = b.ref();
  random_stream rng(21);
  std::size_t placements = 0, cases = 0;
  for (int i = 0; i < 2000; ++i) {
    const double slope = 0.02 + 2.0 * rng.uniform();
    const int root = 1 + static_cast<int>(rng.uniform() * 3000.0); // the smallest fitting k
    const auto total_at = [&](int k) {
      return q.code.budget + static_cast<int>(std::floor((root - k) * slope)) + (k < root ? 1 : 0);
    };
    const double norm0 = q.code.mean_norm() * (1.0 + 3.0 * rng.uniform()); // the estimate's input
    ref::shrink_search s;
    int last_fit = -1;
    for (int step = 0;; ++step) {
      BOOST_TEST_REQUIRE(step < 64);
      const int k = s.k;
      const int total = total_at(k);
      const bool fits = total <= q.code.budget;
      BOOST_TEST_REQUIRE(fits == (k >= root));
      ++placements;
      bool keep = false;
      const bool done = s.next(q, fits, total, [&] { return norm0; }, keep);
      BOOST_TEST_REQUIRE(keep == (fits && k > 0));
      if (fits) last_fit = k;
      if (done) break;
    }
    BOOST_TEST_REQUIRE(!s.zero);
    BOOST_TEST_REQUIRE(s.restore());
    ++cases;
    // The answer (the kept point) fits, and the root is within the promised resolution, or
    // the answer spends the budget to one bin.
    BOOST_TEST_REQUIRE(last_fit >= root);
    BOOST_TEST_REQUIRE((last_fit - root < ref::step_of(last_fit) || total_at(last_fit) + ref::slack_of(q.code.budget) >= q.code.budget),
                       "root " << root << " found " << last_fit);
  }
  // Linear f: regula falsi lands near the root at once (about 3 placements: the point, the
  // estimate, one or two interpolations).
  BOOST_TEST_MESSAGE("placements per search: " << static_cast<double>(placements) / static_cast<double>(cases));
  BOOST_TEST(static_cast<double>(placements) / static_cast<double>(cases) < 8.0);
}

// The search on real points: the chosen point is the placement at some k that fits, with a k
// within max(1, k/16) below it that does not fit, or whose bins sum to the budget less the slack (brute force
// over every k of the grid).
BOOST_AUTO_TEST_CASE(chosen_points_are_bracketed_placements) {
  const ball_block<e8, 16> b(16 * 8 * 2); // rate 2: most vectors shrink
  const auto& q = b.ref();
  random_stream rng(23);
  std::array<float, 128> x{}, t{}, u{};
  int shrunk = 0, full = 0;
  for (int i = 0; i < 24; ++i) {
    for (auto& v : x) v = static_cast<float>(rng.gaussian());
    b.choose(std::span<const float, 128>(x), t.data());
    BOOST_TEST_REQUIRE(q.code.contains(t.data()));
    std::vector<char> fits(ball_block<e8, 16>::shrink_steps + 1);
    int found = -1;
    for (int k = 0; k <= ball_block<e8, 16>::shrink_steps; ++k) {
      for (std::size_t j = 0; j < 16; ++j) q.place_block(x.data() + 8 * j, q.alpha_of(k), u.data() + 8 * j);
      fits[k] = q.code.contains(u.data()) ? 1 : 0;
      if (found < 0 && fits[k] && u == t) found = k;
    }
    BOOST_TEST_REQUIRE(found >= 0);
    if (found == 0) continue;
    ++shrunk;
    bool bracketed = false;
    for (int k = found - 1; k >= 0 && k >= found - ball_block<e8, 16>::ref_type::step_of(found); --k)
      bracketed |= fits[k] == 0;
    int total = 0;
    for (std::size_t j = 0; j < 16; ++j) total += q.code.bin(t.data() + 8 * j);
    const int slack = ball_block<e8, 16>::ref_type::slack_of(q.code.budget); // 1 at rate 2
    BOOST_TEST((bracketed || total + slack >= q.code.budget), "k = " << found);
    full += total + slack >= q.code.budget ? 1 : 0;
  }
  BOOST_TEST(shrunk > 12);
  BOOST_TEST(full > 0); // both ways of ending occur
  BOOST_TEST(full < shrunk);
}

// The rate–distortion property the presets exist for (docs/components/ball.md): iid Gaussian,
// D = 128, every side bit counted, within 2 dB of D(R) = 2^(−2R) at rates 2 to 5.
BOOST_AUTO_TEST_CASE(gaussian_gap_below_two_db) {
  random_stream rng(5);
  std::vector<std::array<float, 128>> xs(512);
  for (auto& x : xs)
    for (auto& v : x) v = static_cast<float>(rng.gaussian());
  for (int rate = 2; rate <= 5; ++rate) {
    const auto c = make_ball<128, e8>(rate);
    double err = 0, tot = 0;
    std::array<float, 128> y{};
    for (const auto& x : xs) {
      c.roundtrip(std::span<const float, 128>(x), std::span<float, 128>(y));
      for (std::size_t k = 0; k < 128; ++k) {
        err += static_cast<double>(x[k] - y[k]) * (x[k] - y[k]);
        tot += static_cast<double>(x[k]) * x[k];
      }
    }
    const double bpd = static_cast<double>(c.bits_per_vector()) / 128.0;
    const double gap = 10.0 * std::log10(err / tot / std::pow(2.0, -2.0 * bpd));
    BOOST_TEST(gap < 2.0, "rate " << rate << ": " << gap << " dB");
  }
}

} // namespace
