// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Voronoi codes (lattice/voronoi.hpp, codec/voronoi_block.hpp, scale/rms_scale.hpp, the e8v /
// d4v presets): index <-> point is a bijection onto points of the closed cell V(qΛ) (exhaustive
// for small q), overload detection agrees with the brute-force codebook, bit counts are exact,
// the granular error at high rate is the lattice's normalised second moment, and the spec
// parser reads and prints the new families.
#define BOOST_TEST_MODULE voronoi
#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <set>
#include <span>
#include <vector>

#include "kakeya/codec/presets.hpp"
#include "kakeya/codec/spec.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/lattice/voronoi.hpp"

namespace {

using namespace kakeya;

template <class L>
using pt = std::array<float, L::dim>;

template <class L>
float norm2(const float* p) {
  float s = 0;
  for (std::size_t i = 0; i < L::dim; ++i) s += p[i] * p[i];
  return s;
}

// Every index decodes to a point of the closed cell V(qΛ) that is in Λ, encodes back to itself
// and is `contains`ed; returns the set of points.
template <class L>
std::set<pt<L>> check_bijection(int q) {
  constexpr std::size_t n = L::dim;
  voronoi<L> v(q);
  const auto count = static_cast<std::uint64_t>(v.count());
  std::set<pt<L>> points;
  for (std::uint64_t i = 0; i < count; ++i) {
    pt<L> p{}, c{}, z{}, r{};
    v.from_index(i, std::span<float, n>(p));
    BOOST_REQUIRE(static_cast<std::uint64_t>(v.to_index(std::span<const float, n>(p))) == i);
    BOOST_REQUIRE(v.contains(std::span<const float, n>(p)));
    L::closest_point(std::span<const float, n>(p), std::span<float, n>(r));
    BOOST_REQUIRE(r == p); // a lattice point
    // In the closed cell: 0 is a closest point of qΛ to p.
    for (std::size_t k = 0; k < n; ++k) z[k] = p[k] / static_cast<float>(q);
    L::closest_point(std::span<const float, n>(z), std::span<float, n>(c));
    pt<L> d{};
    for (std::size_t k = 0; k < n; ++k) d[k] = p[k] - static_cast<float>(q) * c[k];
    BOOST_REQUIRE(norm2<L>(p.data()) <= norm2<L>(d.data()));
    for (auto& x : p) x = x + 0.0f; // -0 -> +0 for the set
    points.insert(p);
  }
  BOOST_TEST(points.size() == count);
  return points;
}

BOOST_AUTO_TEST_CASE(bijection_e8_exhaustive) {
  check_bijection<e8>(2);
  check_bijection<e8>(4);
  // q not a power of two (x / q inexact in float): still a bijection onto the closed cell
  check_bijection<e8>(3);
  check_bijection<e8>(5);
}
BOOST_AUTO_TEST_CASE(bijection_d4_exhaustive) {
  for (int q : {2, 3, 4, 5, 8, 16}) check_bijection<d4>(q);
}
BOOST_AUTO_TEST_CASE(bijection_zn_and_d8) {
  check_bijection<z8>(2);
  check_bijection<z8>(4);
  check_bijection<zn<3>>(7);
  check_bijection<dn<8>>(2);
}

// contains(t) agrees with membership in the brute-force codebook, for lattice points in and
// around the cell (including boundary points and their other coset representatives).
template <class L>
void check_overload(int q, float spread, int samples) {
  constexpr std::size_t n = L::dim;
  const auto book = check_bijection<L>(q);
  voronoi<L> v(q);
  random_stream rs(7);
  int inside = 0;
  for (int s = 0; s < samples; ++s) {
    pt<L> y{}, t{};
    for (auto& x : y) x = static_cast<float>(rs.gaussian()) * spread;
    voronoi<L>::closest_point(std::span<const float, n>(y), std::span<float, n>(t));
    const bool c = v.contains(std::span<const float, n>(t));
    pt<L> key = t;
    for (auto& x : key) x = x + 0.0f;
    BOOST_REQUIRE_EQUAL(c, book.count(key) == 1);
    inside += c;
  }
  BOOST_TEST(inside > samples / 10);
  BOOST_TEST(inside < samples - samples / 10);
}
BOOST_AUTO_TEST_CASE(overload_detection_matches_brute_force) {
  check_overload<e8>(4, 1.4f, 20000);
  check_overload<d4>(8, 2.5f, 20000);
  check_overload<z8>(4, 1.2f, 20000);
}

BOOST_AUTO_TEST_CASE(q_is_validated) {
  BOOST_CHECK_THROW(voronoi<e8>(1), error);
  BOOST_CHECK_THROW(voronoi<e8>(voronoi<e8>::max_q + 1), error);
  BOOST_TEST(voronoi<e8>(16).index_bits() == 32);
  BOOST_TEST(voronoi<d4>(5).index_bits() == 10); // ceil(log2 625)
  const float b[] = {1.0f, 2.0f, 3.0f};
  BOOST_CHECK_THROW((voronoi_block<e8>(16, std::span<const float>(b, 3))), error); // 3 scales
  const float d[] = {2.0f, 1.0f};
  BOOST_CHECK_THROW((voronoi_block<e8>(16, std::span<const float>(d, 2))), error); // descending
  BOOST_CHECK_THROW((make_voronoi<128, e8, 1>(0)), error);
  BOOST_CHECK_THROW((make_voronoi<128, e8, 1>(9)), error);
}

// The granular error of the Voronoi code at high rate: E|y - Q(y)|^2 per dimension =
// G(Λ) · V^(2/n) for y uniform over many cells, G the normalised second moment.
template <class L>
double granular_mse(int q, int samples) {
  constexpr std::size_t n = L::dim;
  voronoi<L> v(q);
  random_stream rs(11);
  double err = 0;
  for (int s = 0; s < samples; ++s) {
    pt<L> y{}, t{}, p{};
    for (auto& x : y) x = static_cast<float>((rs.uniform() - 0.5) * q * 0.25);
    voronoi<L>::closest_point(std::span<const float, n>(y), std::span<float, n>(t));
    BOOST_REQUIRE(v.contains(std::span<const float, n>(t)));
    v.from_index(v.to_index(std::span<const float, n>(t)), std::span<float, n>(p));
    for (std::size_t k = 0; k < n; ++k) err += (y[k] - p[k]) * double(y[k] - p[k]);
  }
  return err / (double(samples) * n);
}
BOOST_AUTO_TEST_CASE(mse_is_the_normalised_second_moment) {
  // Conway & Sloane, SPLAG ch. 2, Table 2.3: G(E8) = 0.071682, G(D4) = 0.076603, G(Z) = 1/12.
  BOOST_TEST(granular_mse<e8>(256, 100000) == 0.071682, boost::test_tools::tolerance(0.02));
  BOOST_TEST(granular_mse<d4>(256, 100000) == 0.076603 * std::sqrt(2.0), boost::test_tools::tolerance(0.02));
  BOOST_TEST(granular_mse<z8>(256, 100000) == 1.0 / 12, boost::test_tools::tolerance(0.02));
}

// The number of profiles of S indices in [0, J) with sum <= B, counted by brute force.
std::uint64_t brute_profiles(int S, int J, int B, std::vector<std::vector<int>>* all = nullptr) {
  std::vector<int> js(static_cast<std::size_t>(S), 0);
  std::uint64_t n = 0;
  while (true) {
    int sum = 0;
    for (int j : js) sum += j;
    if (sum <= B) {
      ++n;
      if (all) all->push_back(js);
    }
    int i = S - 1; // lexicographic order, first index most significant
    while (i >= 0 && js[static_cast<std::size_t>(i)] == J - 1) js[static_cast<std::size_t>(i--)] = 0;
    if (i < 0) break;
    ++js[static_cast<std::size_t>(i)];
  }
  return n;
}
// The same number by a dynamic programme over exact sums (for sizes too large to list).
uint128 dp_profiles(int S, int J, int B) {
  std::vector<uint128> e(static_cast<std::size_t>(B) + 1, 0), next;
  e[0] = 1;
  for (int m = 0; m < S; ++m) {
    next.assign(e.size(), 0);
    for (int b = 0; b <= B; ++b)
      for (int v = 0; v < J && b + v <= B; ++v) next[static_cast<std::size_t>(b + v)] += e[static_cast<std::size_t>(b)];
    e = next;
  }
  uint128 n = 0;
  for (auto x : e) n += x;
  return n;
}
int bits_for(std::uint64_t n) {
  int b = 0;
  while (b < 64 && (std::uint64_t{1} << b) < n) ++b;
  return b;
}

template <std::size_t S>
void check_large_profiles(std::initializer_list<int> budgets) {
  const float b8[] = {1, 2, 3, 4, 5, 6, 7, 8};
  for (int B : budgets) {
    const voronoi_block<e8, 1, S> q(16, std::span<const float>(b8), 0, B);
    std::vector<uint128> e(static_cast<std::size_t>(B) + 1, 0), next;
    e[0] = 1;
    for (std::size_t m = 0; m < S; ++m) {
      next.assign(e.size(), 0);
      for (int b = 0; b <= B; ++b)
        for (int v = 0; v < 8 && b + v <= B; ++v) next[static_cast<std::size_t>(b + v)] += e[static_cast<std::size_t>(b)];
      e = next;
    }
    uint128 n = 0;
    for (auto x : e) n += x;
    BOOST_REQUIRE(q.profiles() == n);
    BOOST_TEST(q.profile_bits() == bits_for_count(n));
    random_stream rs(static_cast<std::uint64_t>(B) + 1);
    for (int t = 0; t < 1000; ++t) {
      const uint128 r = ((static_cast<uint128>(rs.next()) << 64) | rs.next()) % n;
      int js[S], back[S];
      q.unrank(r, js);
      int sum = 0;
      for (int j : js) sum += j;
      BOOST_REQUIRE(sum <= B);
      BOOST_REQUIRE(q.rank(js) == r);
      q.unrank(q.rank(js), back);
      for (std::size_t i = 0; i < S; ++i) BOOST_REQUIRE_EQUAL(back[i], js[i]);
    }
  }
}

// rank is the lexicographic rank among the admissible profiles: a bijection onto [0, N),
// unrank its inverse, N and the field width exact, for every budget of a small case.
template <std::size_t S>
void check_profiles(int J, const float* betas) {
  for (int B = 0; B <= static_cast<int>(S) * (J - 1) + 1; ++B) {
    const voronoi_block<e8, 1, S> q(16, std::span<const float>(betas, static_cast<std::size_t>(J)), 0, B);
    std::vector<std::vector<int>> all;
    const std::uint64_t n = brute_profiles(static_cast<int>(S), J, B, &all);
    BOOST_REQUIRE(dp_profiles(static_cast<int>(S), J, B) == n);
    BOOST_REQUIRE(q.profiles() == n);
    BOOST_REQUIRE_EQUAL(q.profile_bits(), bits_for(n));
    BOOST_REQUIRE_EQUAL(q.bits(), static_cast<std::size_t>(bits_for(n)) + S * 32);
    for (std::size_t r = 0; r < all.size(); ++r) {
      BOOST_REQUIRE(q.rank(all[r].data()) == r); // lexicographic, so rank = position
      int js[S];
      q.unrank(r, js);
      for (std::size_t i = 0; i < S; ++i) BOOST_REQUIRE_EQUAL(js[i], all[r][i]);
    }
    // any other value decodes to indices in range
    for (uint128 r : {uint128{n}, uint128{n} + 1, ~uint128{0}}) {
      int js[S];
      q.unrank(r, js);
      for (std::size_t i = 0; i < S; ++i) BOOST_REQUIRE(js[i] >= 0 && js[i] < J);
    }
  }
}
BOOST_AUTO_TEST_CASE(profile_code_is_an_exact_enumeration) {
  const float b8[] = {1, 2, 3, 4, 5, 6, 7, 8};
  check_profiles<1>(4, b8);
  check_profiles<3>(4, b8);
  check_profiles<4>(8, b8);
  check_profiles<5>(2, b8);
  // the presets' sizes (16 and 64 scale blocks of 8 scales), counted independently over
  // exact sums in 128 bits; random profiles round-trip
  check_large_profiles<16>({0, 7, 12, 20, 40, 112});
  check_large_profiles<64>({0, 13, 48, 65});
  BOOST_CHECK_THROW((voronoi_block<e8, 1, 64>(16, std::span<const float>(b8), 0, 70)), error); // 2^129.5 profiles
  // 16 scales over 64 blocks: the unconstrained budget (960) is over max_budget; 2^126 cap
  float b16[16];
  for (int i = 0; i < 16; ++i) b16[i] = static_cast<float>(i + 1);
  BOOST_CHECK_THROW((voronoi_block<e8, 1, 64>(16, std::span<const float>(b16))), error);
  BOOST_CHECK_THROW((voronoi_block<e8, 1, 64>(16, std::span<const float>(b16), 0, 255)), error);
  BOOST_CHECK_NO_THROW((voronoi_block<e8, 1, 16>(16, std::span<const float>(b16))));
  BOOST_CHECK_THROW((voronoi_block<e8, 1, 16>(16, std::span<const float>(b8), 0, -2)), error);
}

// encode/decode agree with reconstruct bit for bit; every bit is counted; the decoded scale
// profile respects the budget.
template <class Q>
void check_block(const Q& q, float spread, bool top_used = true) {
  constexpr std::size_t b = Q::block;
  random_stream rs(3);
  int used[16] = {};
  int total = 0;
  for (int s = 0; s < 4000; ++s) {
    float x[b], y[b], r[b];
    const float sp = s % 7 == 3 ? spread * 2.5f : spread; // some vectors far over budget
    for (auto& v : x) v = static_cast<float>(rs.gaussian()) * sp;
    if (s % 500 == 0) x[s % b] = 1.0e6f; // overload at every scale
    std::uint8_t code[1024] = {};
    bit_writer w(code);
    q.encode(std::span<const float, b>(x), w);
    BOOST_REQUIRE_EQUAL(w.position(), q.bits());
    bit_reader rd(code);
    int js[Q::scales];
    q.unrank(rd.get128(q.profile_bits()), js);
    int sum = 0;
    for (int j : js) used[j]++, sum += j, ++total;
    BOOST_REQUIRE(sum <= q.budget());
    bit_reader rd2(code);
    q.decode(rd2, std::span<float, b>(y));
    BOOST_REQUIRE_EQUAL(rd2.position(), q.bits());
    q.reconstruct(std::span<const float, b>(x), std::span<float, b>(r));
    for (std::size_t i = 0; i < b; ++i) BOOST_REQUIRE_EQUAL(detail::float_bits(y[i]), detail::float_bits(r[i]));
    for (std::size_t i = 0; i < b; ++i) BOOST_REQUIRE(std::isfinite(y[i]) && std::fabs(y[i]) < 100.0f);
  }
  // the smallest scale serves many blocks, the largest some (not under a tight budget)
  BOOST_TEST(used[0] > total / 10);
  if (top_used) BOOST_TEST(used[q.beta_count() - 1] > 0);
}
BOOST_AUTO_TEST_CASE(block_roundtrip_and_bits) {
  const float old4[] = {3.25f, 4.25f, 5.5f, 7.25f};
  check_block(voronoi_block<e8>(16, std::span<const float>(old4)), 1.0f);
  check_block(voronoi_block<d4, 2>(8, std::span<const float>(old4)), 1.0f);
  check_block(voronoi_block<e8>(256, std::span<const float>(old4)), 1.3f);
  check_block(voronoi_block<e8, 1, 16>(16, std::span<const float>(voronoi_e8_default_betas), 0, 12), 1.0f, false);
  check_block(voronoi_block<e8, 1, 64>(32, std::span<const float>(voronoi_e8_default_betas), 0, 48), 1.0f, false);
  check_block(voronoi_block<d4, 2, 16>(8, std::span<const float>(voronoi_d4_default_betas), 0, 12), 1.0f, false);
  check_block(voronoi_block<e8, 1, 4>(40, std::span<const float>(voronoi_e8_default_betas), 0, 3), 1.0f, false);
  check_block(voronoi_block<e8, 1, 16>(16, std::span<const float>(voronoi_e8_default_betas), 99, 0), 1.0f, false);
  check_block(voronoi_block<e8, 1, 16>(16, std::span<const float>(voronoi_e8_default_betas), 0, 112), 1.0f);
  BOOST_TEST(voronoi_block<e8>(16, std::span<const float>(old4)).bits() == 34u);
  BOOST_TEST((voronoi_block<d4, 2>(4, std::span<const float>(old4)).bits()) == 18u);
  BOOST_TEST((voronoi_block<e8>(40, std::span<const float>(old4)).bits()) == 2u + 43u); // ceil(8 log2 40)
}

// search=first (the default: no look-ahead), no budget: every scale block takes the first scale at which
// all its lattice points Q_E8(x·q/β_j) lie in the codebook (the top one when none does).
BOOST_AUTO_TEST_CASE(search_first_takes_the_first_scale_that_fits) {
  constexpr int q16 = 16;
  const voronoi_block<e8, 1, 16> q(q16, std::span<const float>(voronoi_e8_default_betas), 0,
                                   voronoi_block<e8, 1, 16>::unconstrained, false);
  BOOST_TEST(!q.look_ahead());
  check_block(q, 1.0f);
  random_stream rs(29);
  const auto fits = [&](const float* x, int j) {
    float z[8], t[8];
    const float f = static_cast<float>(q16) / q.beta(j);
    for (int i = 0; i < 8; ++i) z[i] = x[i] * f;
    e8::closest_point(std::span<const float, 8>(z), std::span<float, 8>(t));
    return q.codebook_ref().contains(std::span<const float, 8>(t));
  };
  int checked = 0;
  for (int v = 0; v < 300; ++v) {
    float x[128];
    for (auto& e : x) e = static_cast<float>(rs.gaussian()) * (v % 3 == 0 ? 2.0f : 1.0f);
    std::uint8_t code[1024] = {};
    bit_writer w(code);
    q.encode(std::span<const float, 128>(x), w);
    bit_reader r(code);
    int js[16];
    q.unrank(r.get128(q.profile_bits()), js);
    for (int s = 0; s < 16; ++s) {
      const float* xs = x + 8 * s;
      BOOST_REQUIRE(fits(xs, js[s]) || js[s] == q.beta_count() - 1);
      BOOST_REQUIRE(js[s] == 0 || !fits(xs, js[s] - 1));
      ++checked;
    }
  }
  BOOST_TEST(checked == 300 * 16);
}

// Garbage codes decode without undefined behaviour to finite values.
BOOST_AUTO_TEST_CASE(any_bytes_decode) {
  const voronoi_block<e8, 1, 16> q(36, std::span<const float>(voronoi_e8_default_betas), 0, 12);
  random_stream rs(17);
  for (int s = 0; s < 500; ++s) {
    std::uint8_t code[1024];
    for (auto& c : code) c = static_cast<std::uint8_t>(rs.next());
    float y[128];
    bit_reader r(code);
    q.decode(r, std::span<float, 128>(y));
    BOOST_REQUIRE_EQUAL(r.position(), q.bits());
    for (float v : y) BOOST_REQUIRE(std::isfinite(v));
  }
}

BOOST_AUTO_TEST_CASE(dither_is_subtractive_and_decodable) {
  const voronoi_block<e8> q(64, std::span<const float>(voronoi_e8_default_betas), 12345);
  random_stream rs(5);
  double err = 0;
  for (int s = 0; s < 2000; ++s) {
    float x[16], y[16];
    for (auto& v : x) v = static_cast<float>(rs.gaussian());
    std::uint8_t code[32] = {};
    bit_writer w(code);
    for (int k = 0; k < 2; ++k) q.encode(std::span<const float, 8>(x + 8 * k, 8), w);
    bit_reader r(code);
    for (int k = 0; k < 2; ++k) q.decode(r, std::span<float, 8>(y + 8 * k, 8));
    for (int i = 0; i < 16; ++i) err += (x[i] - y[i]) * double(x[i] - y[i]);
  }
  // granular error of the chosen scale, (beta/q)^2 G for the blocks at the smallest scale
  BOOST_TEST(err / (2000.0 * 16) < 3.0 * 0.0717 * std::pow(voronoi_e8_default_betas[7] / 64.0, 2));
}

// The presets: exact bit counts, every bit counted, zero and scaled vectors.
template <std::size_t D, class L, std::size_t G>
void check_preset(int q) {
  auto c = make_voronoi_q<D, L, G>(q);
  constexpr std::size_t S = voronoi_scales<D, G * L::dim>;
  const int budget = static_cast<int>((voronoi_default_budget_16 * S + 8) / 16);
  BOOST_TEST(c.quantiser().budget() == budget);
  int ib = 0; // ceil(n log2 q) per lattice block
  while (std::pow(2.0, ib) < std::pow(double(q), double(L::dim))) ++ib;
  const std::size_t expected =
      11 + (D / (8 * S)) * (static_cast<std::size_t>(bits_for_count(dp_profiles(static_cast<int>(S), 8, budget))) + S * G * static_cast<std::size_t>(ib));
  BOOST_TEST(c.bits_per_vector() == expected);
  std::vector<float> x(D), y(D), y2(D), x2(D);
  random_stream rs(9);
  for (auto& v : x) v = static_cast<float>(rs.gaussian());
  c.roundtrip(std::span<const float, D>(x), std::span<float, D>(y));
  double e = 0, s = 0;
  for (std::size_t i = 0; i < D; ++i) e += (x[i] - y[i]) * double(x[i] - y[i]), s += x[i] * double(x[i]);
  BOOST_TEST(e / s < 2.0 * std::pow(double(q), -2.0) * 2.5); // within ~7 dB of D(R)
  // pow2_scale: 2^k x gives 2^k times the reconstruction
  for (std::size_t i = 0; i < D; ++i) x2[i] = x[i] * 0.125f;
  c.roundtrip(std::span<const float, D>(x2), std::span<float, D>(y2));
  for (std::size_t i = 0; i < D; ++i) BOOST_REQUIRE_EQUAL(y2[i], y[i] * 0.125f);
  std::vector<float> z(D, 0.0f);
  c.roundtrip(std::span<const float, D>(z), std::span<float, D>(y));
  for (float v : y) BOOST_REQUIRE_EQUAL(v, 0.0f);
}
BOOST_AUTO_TEST_CASE(presets_budget_and_roundtrip) {
  for (int r = 1; r <= 8; ++r) {
    check_preset<128, e8, 1>(1 << r);
    check_preset<64, d4, 2>(1 << r);
  }
  for (int q : {3, 5, 12, 36, 40, 64}) {
    check_preset<128, e8, 1>(q);
    check_preset<256, d4, 2>(q);
  }
  check_preset<1024, e8, 1>(16); // two code blocks of 64 scale blocks
  check_preset<512, e8, 1>(41);
  check_preset<16, e8, 1>(16); // two scale blocks per code block
  BOOST_CHECK_THROW((make_voronoi_q<128, e8, 1>(65)), error);
  BOOST_CHECK_THROW((make_voronoi_q<128, e8, 1>(1)), error);
  BOOST_CHECK_NO_THROW((make_voronoi_q<128, e8, 1>(128)));
}

BOOST_AUTO_TEST_CASE(rms_scale_gain_is_exact_in_its_format) {
  random_stream rs(2);
  for (int s = 0; s < 200; ++s) {
    float v[64];
    const float m = std::ldexp(1.0f, static_cast<int>(rs.next() % 60) - 30);
    for (auto& x : v) x = static_cast<float>(rs.gaussian()) * m;
    const float g = rms_scale<ue8m<2>>{}.normalise(std::span<float, 64>(v));
    BOOST_REQUIRE_EQUAL(ue8m<2>::decode(ue8m<2>::encode(g)), g);
    double ss = 0;
    for (float x : v) ss += double(x) * x;
    BOOST_TEST(std::sqrt(ss / 64) == 1.0, boost::test_tools::tolerance(0.13)); // ue8m<2> step
  }
}

BOOST_AUTO_TEST_CASE(spec_parsing) {
  BOOST_TEST(parse_codec_spec("e8v:rate=4").canonical() == "e8v:rate=4");
  BOOST_TEST(parse_codec_spec("d4v:rate=2,dither=7").canonical() == "d4v:rate=2,dither=7");
  const auto s = parse_codec_spec("e8v:betas=3.25/4.5,rate=3");
  BOOST_TEST(s.rate == 3);
  BOOST_TEST(s.betas.size() == 2u);
  BOOST_TEST(s.canonical() == "e8v:rate=3,betas=3.25/4.5");
  BOOST_TEST(parse_codec_spec(s.canonical()).canonical() == s.canonical());
  BOOST_TEST(parse_codec_spec("e8v:q=40").canonical() == "e8v:q=40");
  BOOST_TEST(parse_codec_spec("e8v:q=40").q == 40);
  BOOST_TEST(parse_codec_spec("e8v:q=16").canonical() == "e8v:rate=4");
  BOOST_TEST(parse_codec_spec("e8v:rate=5").q == 32);
  BOOST_TEST(parse_codec_spec("d4v:budget=12,rate=3").canonical() == "d4v:rate=3,budget=12");
  BOOST_TEST(parse_codec_spec("d4v:rate=3,budget=12").budget == 12);
  BOOST_TEST(parse_codec_spec("e8v:search=best,rate=4").canonical() == "e8v:rate=4,search=best");
  BOOST_TEST(parse_codec_spec("e8v:rate=4,search=best").look_ahead);
  BOOST_TEST(!parse_codec_spec("e8v:rate=4").look_ahead);
  BOOST_TEST(parse_codec_spec("e8v:rate=4,search=first").canonical() == "e8v:rate=4");
  for (const char* bad : {"e8v", "e8v:rate=0", "e8v:rate=9", "e8v:rate=x", "e8v:rate=4,betas=2/1",
                          "e8v:rate=4,betas=1/2/3", "e8v:rate=4,betas=1//2", "e8v:rate=4,betas=-1",
                          "e8v:rate=4,dither=-3", "e8v:rate=4,q=3", "e8v:q=3,rate=4", "e8v:q=1",
                          "e8v:q=65", "e8v:rate=4,budget=-1", "e8v:rate=4,budget=x", "d4v:rate=4,rate=4",
                          "e8v:rate=4,search=all"})
    BOOST_CHECK_THROW(parse_codec_spec(bad), error);
}

} // namespace
