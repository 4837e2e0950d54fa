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

// encode/decode agree with reconstruct bit for bit; every bit is counted.
template <class Q>
void check_block(const Q& q, float spread) {
  constexpr std::size_t b = Q::block;
  random_stream rs(3);
  int used[16] = {};
  for (int s = 0; s < 4000; ++s) {
    float x[b], y[b], r[b];
    for (auto& v : x) v = static_cast<float>(rs.gaussian()) * spread;
    if (s % 500 == 0) x[s % b] = 1.0e6f; // overload at every scale
    std::uint8_t code[32] = {};
    bit_writer w(code);
    q.encode(std::span<const float, b>(x), w);
    BOOST_REQUIRE_EQUAL(w.position(), q.bits());
    bit_reader rd(code);
    used[rd.get(q.beta_bits())]++;
    bit_reader rd2(code);
    q.decode(rd2, std::span<float, b>(y));
    BOOST_REQUIRE_EQUAL(rd2.position(), q.bits());
    q.reconstruct(std::span<const float, b>(x), std::span<float, b>(r));
    for (std::size_t i = 0; i < b; ++i) BOOST_REQUIRE_EQUAL(detail::float_bits(y[i]), detail::float_bits(r[i]));
    for (std::size_t i = 0; i < b; ++i) BOOST_REQUIRE(std::isfinite(y[i]) && std::fabs(y[i]) < 100.0f);
  }
  // the smallest scale serves most blocks, the largest some
  BOOST_TEST(used[0] > 500);
  BOOST_TEST(used[q.beta_count() - 1] > 0);
}
BOOST_AUTO_TEST_CASE(block_roundtrip_and_bits) {
  check_block(voronoi_block<e8>(16, std::span<const float>(voronoi_e8_default_betas)), 1.0f);
  check_block(voronoi_block<d4, 2>(8, std::span<const float>(voronoi_d4_default_betas)), 1.0f);
  check_block(voronoi_block<e8>(256, std::span<const float>(voronoi_e8_default_betas)), 1.3f);
  BOOST_TEST(voronoi_block<e8>(16, std::span<const float>(voronoi_e8_default_betas)).bits() == 34u);
  BOOST_TEST((voronoi_block<d4, 2>(4, std::span<const float>(voronoi_d4_default_betas)).bits()) == 18u);
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
  BOOST_TEST(err / (2000.0 * 16) < 3.0 * 0.0717 * std::pow(7.25 / 64.0, 2));
}

// The presets: exact budgets, every bit counted, zero and scaled vectors.
template <std::size_t D, class L, std::size_t G>
void check_preset(int rate) {
  auto c = make_voronoi<D, L, G>(rate);
  const std::size_t expected = 10 + (D / 8) * (8 * static_cast<std::size_t>(rate) + 2);
  BOOST_TEST(c.bits_per_vector() == expected);
  std::vector<float> x(D), y(D), y2(D), x2(D);
  random_stream rs(9);
  for (auto& v : x) v = static_cast<float>(rs.gaussian());
  c.roundtrip(std::span<const float, D>(x), std::span<float, D>(y));
  double e = 0, s = 0;
  for (std::size_t i = 0; i < D; ++i) e += (x[i] - y[i]) * double(x[i] - y[i]), s += x[i] * double(x[i]);
  BOOST_TEST(e / s < 2.0 * std::pow(2.0, -2.0 * rate) * 2.5); // within ~7 dB of D(R)
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
    check_preset<128, e8, 1>(r);
    check_preset<64, d4, 2>(r);
  }
  check_preset<1024, e8, 1>(4);
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
  for (const char* bad : {"e8v", "e8v:rate=0", "e8v:rate=9", "e8v:rate=x", "e8v:rate=4,betas=2/1",
                          "e8v:rate=4,betas=1/2/3", "e8v:rate=4,betas=1//2", "e8v:rate=4,betas=-1",
                          "e8v:rate=4,dither=-3", "e8v:rate=4,q=3", "d4v:rate=4,rate=4"})
    BOOST_CHECK_THROW(parse_codec_spec(bad), error);
}

} // namespace
