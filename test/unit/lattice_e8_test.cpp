// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// E_8 against mathematics: brute-force nearest points over both cosets (unbounded and in the
// box, exhaustive at q = 1), the half-integer coordinate past a face, the count by
// enumeration, the two-coset bijection, and the second moment 0.071682.
#define BOOST_TEST_MODULE lattice_e8
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "kakeya/lattice/e8.hpp"
#include "lattice_test_util.hpp"

using namespace kakeya_test;

namespace {

bool is_half_integer(double v) { return std::isfinite(v) && is_integer(v - 0.5); }

/// E_8 = D_8 ∪ (D_8 + ½·1): all coordinates integers, or all in Z + ½, with Σ (x_i - c) even
/// for the coset's c ∈ {0, ½}.
template <class T> bool in_e8(const std::array<T, 8>& x) {
  const bool ints = std::all_of(x.begin(), x.end(), [](T v) { return is_integer(v); });
  const bool halves = std::all_of(x.begin(), x.end(), [](T v) { return is_half_integer(v); });
  if (!ints && !halves) return false;
  long long s = 0;
  for (T v : x) s += static_cast<long long>(std::floor(double(v)));
  return s % 2 == 0;
}

bool in_box(const std::array<float, 8>& x, int q) {
  return std::all_of(x.begin(), x.end(), [q](float v) { return std::abs(v) <= q; });
}

/// Half-integers within `radius` of y_i.
std::array<std::vector<double>, 8> halves_near(const std::array<float, 8>& y, double radius) {
  std::array<std::vector<double>, 8> c;
  for (std::size_t i = 0; i < 8; ++i)
    for (double v = std::ceil(y[i] - radius - 0.5) + 0.5; v <= y[i] + radius; v += 1)
      c[i].push_back(v);
  return c;
}

/// Half-integers of [-q, q] within distance < 2 of clamp(y_i, -q, q) (see box_integers_near).
std::array<std::vector<double>, 8> box_halves_near(const std::array<float, 8>& y, int q) {
  std::array<std::vector<double>, 8> c;
  for (std::size_t i = 0; i < 8; ++i) {
    const double p = std::clamp(double(y[i]), double(-q), double(q));
    for (double v = std::ceil(p - 2.5) + 0.5; v <= p + 2; v += 1)
      if (std::abs(v - p) < 2 && std::abs(v) <= q) c[i].push_back(v);
  }
  return c;
}

auto e8_member = [](const auto& p) { return in_e8(p); };

double brute_e8(const std::array<float, 8>& y) {
  return std::min(brute_min<8>(y, integers_near<8>(y, 1.5), e8_member),
                  brute_min<8>(y, halves_near(y, 1.5), e8_member));
}

double brute_e8_box(const std::array<float, 8>& y, int q) {
  return std::min(brute_min<8>(y, box_integers_near<8>(y, q), e8_member),
                  brute_min<8>(y, box_halves_near(y, q), e8_member));
}

/// Every point of E_8 in [-q, q]^8: even-sum integer vectors, then half-integer vectors
/// (coordinates -q+½ .. q-½) whose x - ½·1 has an even sum.
std::vector<std::array<float, 8>> all_box_points(int q) {
  std::vector<std::array<float, 8>> pts;
  for (int coset = 0; coset < 2; ++coset) {
    const int lo = -q;
    const int hi = coset == 0 ? q : q - 1; // range of x - c
    std::array<int, 8> c;
    c.fill(lo);
    for (;;) {
      int s = 0;
      std::array<float, 8> x{};
      for (std::size_t i = 0; i < 8; ++i) {
        x[i] = static_cast<float>(c[i]) + (coset == 0 ? 0.0f : 0.5f);
        s += c[i];
      }
      if (s % 2 == 0) pts.push_back(x);
      std::size_t i = 0;
      while (i < 8 && ++c[i] > hi) c[i++] = lo;
      if (i == 8) break;
    }
  }
  return pts;
}

void check_bijection_exhaustive(int q) {
  check_box_bijection<kakeya::e8>(all_box_points(q), q, [](const auto& x) { return in_e8(x); });
}

void check_bijection_random(std::mt19937_64& g, int q) {
  using kakeya::e8;
  const uint128 count = e8::box_count(q);
  const uint128 ints = kakeya::detail::e8_integer_count(q);
  std::vector<uint128> indices = {0, 1, ints - 1, ints, ints + 1, count - 2, count - 1};
  for (int k = 0; k < 3000; ++k) indices.push_back(uniform_index(g, count));
  for (uint128 i : indices) {
    std::array<float, 8> x{};
    e8::box_from_index(i, q, x);
    BOOST_TEST_REQUIRE(in_e8(x));
    BOOST_TEST_REQUIRE(in_box(x, q));
    BOOST_TEST_REQUIRE(((i < ints) == is_integer(x[0]))); // integer coset first
    BOOST_TEST_REQUIRE((e8::box_to_index(x, q) == i), "index " << kakeya::to_string(i));
  }
  for (int k = 0; k < 3000; ++k) {
    const bool half = k % 2 == 1;
    const auto hi = static_cast<std::int64_t>(half ? q - 1 : q);
    std::array<std::int64_t, 8> c{};
    std::int64_t s = 0;
    for (auto& v : c) {
      v = static_cast<std::int64_t>(g() % static_cast<std::uint64_t>(hi + q + 1)) - q;
      s += v;
    }
    if (s % 2 != 0) c[0] += c[0] < hi ? 1 : -1;
    std::array<float, 8> x{};
    for (std::size_t i = 0; i < 8; ++i) x[i] = static_cast<float>(c[i]) + (half ? 0.5f : 0.0f);
    BOOST_TEST_REQUIRE(in_e8(x));
    BOOST_TEST_REQUIRE(in_box(x, q));
    const uint128 i = e8::box_to_index(x, q);
    BOOST_TEST_REQUIRE((i < count));
    std::array<float, 8> back{};
    e8::box_from_index(i, q, back);
    BOOST_TEST_REQUIRE((back == x));
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(traits) {
  BOOST_TEST(kakeya::e8::dim == 8u);
  BOOST_TEST(kakeya::e8::name == "e8");
  BOOST_TEST(kakeya::e8::covolume == 1.0);
}

BOOST_AUTO_TEST_CASE(documented_tie_rules) {
  auto cp = [](std::array<float, 8> y) {
    std::array<float, 8> x{};
    kakeya::e8::closest_point(y, x);
    return x;
  };
  using A = std::array<float, 8>;
  // Equidistant cosets (both at squared distance 0.5): the integer coset wins.
  A quarter;
  quarter.fill(0.25f);
  A zero{};
  BOOST_TEST((cp(quarter) == zero));
  A three_quarters;
  three_quarters.fill(0.75f);
  A ones;
  ones.fill(1.0f);
  BOOST_TEST((cp(three_quarters) == ones));
  // A lattice point of either coset is its own closest point.
  const A half_point = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, -0.5f, -0.5f};
  BOOST_TEST((cp(half_point) == half_point));
  const A int_point = {2, 0, 0, 0, 0, 0, 0, 0};
  BOOST_TEST((cp(int_point) == int_point));
}

BOOST_AUTO_TEST_CASE(closest_point_matches_brute_force) {
  std::mt19937_64 g(21);
  for (const auto& y : probes<8>(g, 30)) {
    std::array<float, 8> x{};
    kakeya::e8::closest_point(y, x);
    BOOST_TEST_REQUIRE(in_e8(x));
    const double best = brute_e8(y);
    BOOST_TEST(dist2(y, x) <= best + 2e-6 * (1 + best));
  }
}

BOOST_AUTO_TEST_CASE(closest_point_in_place) {
  std::array<float, 8> y = {0.2f, -1.7f, 3.5f, 2.5f, -0.1f, 9.9f, -4.4f, 0.6f};
  std::array<float, 8> x{};
  kakeya::e8::closest_point(y, x);
  kakeya::e8::closest_point(y, y);
  BOOST_TEST((x == y));
  std::array<float, 8> z = {0.2f, -1.7f, 3.5f, 2.5f, -0.1f, 9.9f, -4.4f, 0.6f};
  kakeya::e8::box_closest_point(z, 2, x);
  kakeya::e8::box_closest_point(z, 2, z);
  BOOST_TEST((x == z));
}

BOOST_AUTO_TEST_CASE(box_exhaustive_q1) {
  std::mt19937_64 g(22);
  constexpr int q = 1;
  const auto pts = all_box_points(q);
  BOOST_TEST(pts.size() == 3281u + 128u); // (3^8 + 1)/2 + 2^8/2
  for (int t = 0; t < 400; ++t) {
    std::array<float, 8> y{};
    const double spread = t % 3 == 0 ? 20.0 : 2.0;
    for (auto& v : y) v = static_cast<float>(uniform(g, -spread, spread));
    if (t % 5 == 0) y[t % 8] = (t % 3 - 1) * (q + 0.5f); // half a step past a face
    if (t % 7 == 0)
      for (auto& v : y) v = q + 0.5f; // beyond the corner, in Z + ½
    if (t % 11 == 0)
      for (std::size_t i = 0; i < 8; ++i) y[i] = (i % 3 ? 1.0f : -1.0f) * q;
    std::array<float, 8> x{};
    kakeya::e8::box_closest_point(y, q, x);
    double best = std::numeric_limits<double>::infinity();
    for (const auto& p : pts) best = std::min(best, dist2(y, p));
    BOOST_TEST_REQUIRE((std::find(pts.begin(), pts.end(), x) != pts.end()));
    BOOST_TEST(dist2(y, x) <= best + 2e-6 * (1 + best));
  }
}

BOOST_AUTO_TEST_CASE(box_matches_brute_force) {
  std::mt19937_64 g(23);
  for (int q : {2, 3, 10, 38}) {
    for (int t = 0; t < 60; ++t) {
      std::array<float, 8> y{};
      const double spread = t % 2 ? q + 2.0 : 3.0 * q;
      for (auto& v : y) v = static_cast<float>(uniform(g, -spread, spread));
      if (t % 4 == 1) y[t % 8] = q + 0.5f;
      std::array<float, 8> x{};
      kakeya::e8::box_closest_point(y, q, x);
      BOOST_TEST_REQUIRE(in_e8(x));
      BOOST_TEST_REQUIRE(in_box(x, q));
      const double best = brute_e8_box(y, q);
      BOOST_TEST(dist2(y, x) <= best + 2e-6 * (1 + best));
    }
  }
}

BOOST_AUTO_TEST_CASE(half_integer_past_the_face) {
  // y = (q + ½, ½, ..., ½) with q even is itself a point of the half coset, just outside
  // the box. Its closest lattice point is y; clamping gives (q, ½, ..., ½), which mixes the
  // cosets and is not in E_8. The box search returns a true nearest codebook point.
  for (int q : {2, 4, 38, 1000}) {
    for (int variant = 0; variant < 3; ++variant) {
      std::array<float, 8> y;
      y.fill(0.5f);
      y[0] = q + 0.5f;
      if (variant == 1) y[3] = 0.48f; // tie-free variants
      if (variant == 2) y[0] = q + 0.45f;
      std::array<float, 8> u{};
      kakeya::e8::closest_point(y, u);
      std::array<float, 8> clamped = u;
      for (auto& v : clamped) v = std::clamp(v, float(-q), float(q));
      if (variant == 0) BOOST_TEST((u == y));
      BOOST_TEST(!in_e8(clamped)); // round-then-clamp leaves the lattice
      std::array<float, 8> x{};
      kakeya::e8::box_closest_point(y, q, x);
      BOOST_TEST(in_e8(x));
      BOOST_TEST(in_box(x, q));
      const double best = brute_e8_box(y, q);
      BOOST_TEST(dist2(y, x) <= best + 1e-6);
    }
  }
}

BOOST_AUTO_TEST_CASE(box_equals_unbounded_well_inside) {
  std::mt19937_64 g(24);
  for (const auto& y : probes<8>(g, 30)) {
    if (std::any_of(y.begin(), y.end(), [](float v) { return std::abs(v) > 29000; })) continue;
    std::array<float, 8> a{};
    std::array<float, 8> b{};
    kakeya::e8::closest_point(y, a);
    kakeya::e8::box_closest_point(y, 30000, b);
    BOOST_TEST_REQUIRE((a == b));
  }
}

BOOST_AUTO_TEST_CASE(box_handles_non_finite) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const std::array<float, 8>& y :
       {std::array<float, 8>{nan, inf, -inf, 1e30f, 0, 0, 0, 0},
        std::array<float, 8>{nan, nan, nan, nan, nan, nan, nan, nan},
        std::array<float, 8>{inf, inf, inf, inf, inf, inf, inf, -inf}}) {
    std::array<float, 8> x{};
    kakeya::e8::box_closest_point(y, 3, x);
    BOOST_TEST(in_e8(x));
    BOOST_TEST(in_box(x, 3));
  }
}

BOOST_AUTO_TEST_CASE(count_matches_enumeration) {
  BOOST_TEST((kakeya::e8::box_count(1) == uint128(all_box_points(1).size())));
  BOOST_TEST((kakeya::e8::box_count(2) == uint128(all_box_points(2).size())));
  BOOST_TEST((kakeya::e8::box_count(10) == uint128(31711429681ull)));
  BOOST_TEST(kakeya::bits_for_count(kakeya::e8::box_count(10)) == 35);
  BOOST_TEST(kakeya::bits_for_count(kakeya::e8::box_count(38)) == 51);
  BOOST_TEST(kakeya::bits_for_count(kakeya::e8::box_count(152)) == 67);
}

BOOST_AUTO_TEST_CASE(max_box_q_is_the_largest_below_2_127) {
  const int m = kakeya::e8::max_box_q;
  BOOST_TEST(m >= 10000);
  BOOST_TEST(kakeya::bits_for_count(kakeya::e8::box_count(m)) <= 127);
  // One more still fits 128 bits ((2m+3)^8 < 2^128) but reaches 2^127.
  BOOST_TEST((kakeya::e8::box_count(m + 1) >= (uint128(1) << 127)));
}

BOOST_AUTO_TEST_CASE(bijection_exhaustive) {
  check_bijection_exhaustive(1);
  check_bijection_exhaustive(2);
}

BOOST_AUTO_TEST_CASE(bijection_large_q) {
  std::mt19937_64 g(25);
  for (int q : {3, 10, 38, 152, 1000, kakeya::e8::max_box_q}) check_bijection_random(g, q);
}

BOOST_AUTO_TEST_CASE(out_of_range_is_defined) {
  using kakeya::e8;
  for (int q : {1, 10, 1000}) {
    const uint128 count = e8::box_count(q);
    std::array<float, 8> last{};
    std::array<float, 8> x{};
    e8::box_from_index(count - 1, q, last);
    BOOST_TEST(in_e8(last));
    e8::box_from_index(count, q, x);
    BOOST_TEST((x == last));
    e8::box_from_index(~uint128(0), q, x);
    BOOST_TEST((x == last));
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (const std::array<float, 8>& p :
         {std::array<float, 8>{1e9f, -1e9f, nan, 0.5f, 5.5f, -7.0f, 2.0f, 1.0f},
          std::array<float, 8>{0.5f, 1e9f, -1e9f, nan, 0.25f, 3, 0, 0},
          std::array<float, 8>{nan, nan, nan, nan, nan, nan, nan, nan}})
      BOOST_TEST((e8::box_to_index(p, q) < count));
  }
}

BOOST_AUTO_TEST_CASE(normalised_second_moment) {
  // y uniform on a 2^-17 grid over [-64, 64)^8 (whole periods: 2Z^8 lies in E_8); covolume 1.
  std::mt19937_64 g(26);
  constexpr int samples = 400000;
  double sum = 0;
  for (int s = 0; s < samples; ++s) {
    std::array<float, 8> y{};
    for (auto& v : y)
      v = static_cast<float>(static_cast<double>(static_cast<std::int64_t>(g() >> 40) - (1 << 23)) *
                             0x1p-17);
    std::array<float, 8> x{};
    kakeya::e8::closest_point(y, x);
    sum += dist2(y, x);
  }
  const double nsm = sum / samples / 8.0;
  BOOST_TEST_MESSAGE("measured NSM of E_8: " << nsm << " (published 0.071682)");
  BOOST_TEST(std::abs(nsm - 0.071682) < 0.01 * 0.071682);
}
