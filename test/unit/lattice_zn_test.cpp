// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Z^n against mathematics: brute-force nearest points, the separable box, the count
// (2q+1)^n by enumeration, the mixed-radix bijection, and the second moment 1/12.
#define BOOST_TEST_MODULE lattice_zn
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

#include "kakeya/lattice/zn.hpp"
#include "lattice_test_util.hpp"

using namespace kakeya_test;

namespace {

template <std::size_t N> void check_closest_point_brute_force(std::mt19937_64& g, int per) {
  using L = kakeya::zn<N>;
  for (const auto& y : probes<N>(g, per)) {
    std::array<float, N> x{};
    L::closest_point(y, x);
    BOOST_TEST_REQUIRE(in_zn(x));
    const double best = brute_min<N>(y, integers_near<N>(y, 1.5), [](auto&) { return true; });
    BOOST_TEST(dist2(y, x) <= best + 2e-6 * (1 + best));
  }
}

template <std::size_t N>
void check_box_brute_force(std::mt19937_64& g, int q, double spread, int trials) {
  using L = kakeya::zn<N>;
  for (int t = 0; t < trials; ++t) {
    std::array<float, N> y{};
    for (auto& v : y) v = static_cast<float>(uniform(g, -spread, spread));
    std::array<float, N> x{};
    L::box_closest_point(y, q, x);
    BOOST_TEST_REQUIRE(in_zn(x));
    for (float v : x) BOOST_TEST_REQUIRE(std::abs(v) <= q);
    const double best = brute_min<N>(y, box_integers_near<N>(y, q), [](auto&) { return true; });
    BOOST_TEST(dist2(y, x) <= best + 2e-6 * (1 + best));
  }
}

/// Every box point of Z^N, enumerated as integer vectors.
template <std::size_t N> std::vector<std::array<float, N>> all_box_points(int q) {
  std::vector<std::array<float, N>> pts;
  std::array<int, N> c;
  c.fill(-q);
  for (;;) {
    std::array<float, N> x{};
    for (std::size_t i = 0; i < N; ++i) x[i] = static_cast<float>(c[i]);
    pts.push_back(x);
    std::size_t i = 0;
    while (i < N && ++c[i] > q) c[i++] = -q;
    if (i == N) break;
  }
  return pts;
}

template <std::size_t N> void check_bijection_exhaustive(int q) {
  check_box_bijection<kakeya::zn<N>>(all_box_points<N>(q), q, [](const auto& x) { return in_zn(x); });
}

template <std::size_t N> void check_bijection_random(std::mt19937_64& g, int q) {
  using L = kakeya::zn<N>;
  const uint128 count = L::box_count(q);
  std::vector<uint128> indices = {0, 1, count - 2, count - 1};
  for (int k = 0; k < 2000; ++k) indices.push_back(uniform_index(g, count));
  for (uint128 i : indices) {
    std::array<float, N> x{};
    L::box_from_index(i, q, x);
    BOOST_TEST_REQUIRE(in_zn(x));
    for (float v : x) BOOST_TEST_REQUIRE(std::abs(v) <= q);
    BOOST_TEST_REQUIRE((L::box_to_index(x, q) == i), "index " << kakeya::to_string(i));
  }
  for (int k = 0; k < 2000; ++k) {
    std::array<float, N> x{};
    for (auto& v : x) v = static_cast<float>(static_cast<std::int64_t>(g() % (2 * q + 1)) - q);
    const uint128 i = L::box_to_index(x, q);
    BOOST_TEST_REQUIRE((i < count));
    std::array<float, N> back{};
    L::box_from_index(i, q, back);
    BOOST_TEST_REQUIRE((back == x));
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(traits) {
  BOOST_TEST(kakeya::z8::dim == 8u);
  BOOST_TEST(kakeya::z8::name == "z8");
  BOOST_TEST(kakeya::zn<1>::name == "z1");
  BOOST_TEST(kakeya::zn<12>::name == "z12");
  BOOST_TEST(kakeya::zn<128>::name == "z128");
  BOOST_TEST(kakeya::z8::covolume == 1.0);
}

BOOST_AUTO_TEST_CASE(rounding_is_half_to_even) {
  const std::array<float, 8> y = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0.49999997f, 3.0f};
  std::array<float, 8> x{};
  kakeya::z8::closest_point(y, x);
  const std::array<float, 8> want = {0, 2, 2, -0.0f, -2, -2, 0, 3};
  BOOST_TEST((x == want));
  BOOST_TEST(std::signbit(x[3])); // rintf(-0.5) = -0
}

BOOST_AUTO_TEST_CASE(closest_point_matches_brute_force) {
  std::mt19937_64 g(1);
  check_closest_point_brute_force<1>(g, 200);
  check_closest_point_brute_force<3>(g, 100);
  check_closest_point_brute_force<8>(g, 20);
}

BOOST_AUTO_TEST_CASE(closest_point_in_place) {
  std::array<float, 8> y = {0.2f, -1.7f, 3.5f, 2.5f, -0.1f, 9.9f, -4.4f, 0.6f};
  std::array<float, 8> x{};
  kakeya::z8::closest_point(y, x);
  kakeya::z8::closest_point(y, y);
  BOOST_TEST((x == y));
}

BOOST_AUTO_TEST_CASE(box_exhaustive_z4) {
  std::mt19937_64 g(2);
  constexpr int q = 2;
  const auto pts = all_box_points<4>(q);
  for (int t = 0; t < 600; ++t) {
    std::array<float, 4> y{};
    const double spread = t % 2 ? 3.0 : 40.0; // inside-ish and far outside
    for (auto& v : y) v = static_cast<float>(uniform(g, -spread, spread));
    if (t % 5 == 0) y[t % 4] = (t % 3 - 1) * (q + 0.5f); // on a face or half a step past it
    if (t % 7 == 0) y = {float(q), float(-q), float(q), float(-q)}; // a corner
    std::array<float, 4> x{};
    kakeya::zn<4>::box_closest_point(y, q, x);
    double best = std::numeric_limits<double>::infinity();
    for (const auto& p : pts) best = std::min(best, dist2(y, p));
    BOOST_TEST_REQUIRE((std::find(pts.begin(), pts.end(), x) != pts.end()));
    BOOST_TEST(dist2(y, x) <= best + 2e-6 * (1 + best));
  }
}

BOOST_AUTO_TEST_CASE(box_matches_brute_force) {
  std::mt19937_64 g(3);
  check_box_brute_force<8>(g, 3, 10.0, 100);
  check_box_brute_force<8>(g, 38, 60.0, 100);
  check_box_brute_force<3>(g, 1, 5.0, 300);
}

BOOST_AUTO_TEST_CASE(box_equals_unbounded_well_inside) {
  std::mt19937_64 g(4);
  for (const auto& y : probes<8>(g, 30)) {
    if (std::any_of(y.begin(), y.end(), [](float v) { return std::abs(v) > 5e5f; })) continue;
    std::array<float, 8> a{};
    std::array<float, 8> b{};
    kakeya::z8::closest_point(y, a);
    kakeya::z8::box_closest_point(y, 1000000, b);
    BOOST_TEST_REQUIRE((a == b));
  }
}

BOOST_AUTO_TEST_CASE(box_handles_non_finite) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::array<float, 4> y = {std::numeric_limits<float>::quiet_NaN(), inf, -inf, 1e30f};
  std::array<float, 4> x{};
  kakeya::zn<4>::box_closest_point(y, 3, x);
  const std::array<float, 4> want = {-3, 3, -3, 3}; // NaN clamps to -q
  BOOST_TEST((x == want));
}

BOOST_AUTO_TEST_CASE(count_matches_enumeration) {
  for (int q = 1; q <= 4; ++q) {
    BOOST_TEST((kakeya::zn<1>::box_count(q) == uint128(all_box_points<1>(q).size())));
    BOOST_TEST((kakeya::zn<2>::box_count(q) == uint128(all_box_points<2>(q).size())));
    BOOST_TEST((kakeya::zn<3>::box_count(q) == uint128(all_box_points<3>(q).size())));
    BOOST_TEST((kakeya::zn<5>::box_count(q) == uint128(all_box_points<5>(q).size())));
  }
  BOOST_TEST((kakeya::z8::box_count(10) == uint128(37822859361ull))); // 21^8
  BOOST_TEST(kakeya::bits_for_count(kakeya::z8::box_count(10)) == 36);
  BOOST_TEST(kakeya::bits_for_count(kakeya::z8::box_count(38)) == 51);
}

BOOST_AUTO_TEST_CASE(max_box_q_is_the_largest_below_2_127) {
  // (2q+1)^8 < 2^127 <=> 2q+1 < 2^(127/8); checked here in long double.
  const long double lim = std::pow(2.0L, 127.0L / 8.0L);
  const int m = kakeya::z8::max_box_q;
  BOOST_TEST(m >= 1000);
  BOOST_TEST((2.0L * m + 1) < lim);
  BOOST_TEST((2.0L * (m + 1) + 1) > lim);
  BOOST_TEST(kakeya::bits_for_count(kakeya::z8::box_count(m)) <= 127);
  BOOST_TEST(kakeya::zn<80>::max_box_q == 1); // 3^80 < 2^127 < 5^80
  BOOST_TEST(kakeya::zn<81>::max_box_q == 0); // 3^81 > 2^127: no box fits
  BOOST_TEST(kakeya::zn<1>::max_box_q == kakeya::detail::float_exact_max_q);
}

BOOST_AUTO_TEST_CASE(bijection_exhaustive) {
  for (int q = 1; q <= 6; ++q) check_bijection_exhaustive<1>(q);
  for (int q = 1; q <= 3; ++q) check_bijection_exhaustive<4>(q);
  check_bijection_exhaustive<3>(2);
  check_bijection_exhaustive<8>(1);
}

BOOST_AUTO_TEST_CASE(bijection_large_q) {
  std::mt19937_64 g(5);
  check_bijection_random<8>(g, 1000);
  check_bijection_random<8>(g, kakeya::z8::max_box_q);
  check_bijection_random<4>(g, kakeya::zn<4>::max_box_q);
  check_bijection_random<1>(g, 1000);
}

BOOST_AUTO_TEST_CASE(out_of_range_is_defined) {
  constexpr int q = 5;
  const uint128 count = kakeya::z8::box_count(q);
  std::array<float, 8> last{};
  std::array<float, 8> x{};
  kakeya::z8::box_from_index(count - 1, q, last);
  kakeya::z8::box_from_index(count, q, x);
  BOOST_TEST((x == last));
  kakeya::z8::box_from_index(~uint128(0), q, x);
  BOOST_TEST((x == last));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::array<float, 8> outside = {1e9f, -1e9f, nan, 0.5f, 5.5f, -7.0f, 2.0f, 1e-30f};
  const uint128 i = kakeya::z8::box_to_index(outside, q);
  BOOST_TEST((i < count));
  kakeya::z8::box_from_index(i, q, x);
  // digits clamp(rint(x_i + q), 0, 2q): 0.5 + 5 = 5.5 rounds to 6 (half to even), i.e. x = 1.
  const std::array<float, 8> clamped = {5, -5, -5, 1, 5, -5, 2, 0};
  BOOST_TEST((x == clamped));
}

BOOST_AUTO_TEST_CASE(normalised_second_moment) {
  // y uniform on a 2^-17 grid over [-64, 64)^8 (whole periods of Z^8); G = E|y-Q(y)|^2 / n.
  std::mt19937_64 g(6);
  constexpr int samples = 200000;
  double sum = 0;
  for (int s = 0; s < samples; ++s) {
    std::array<float, 8> y{};
    for (auto& v : y)
      v = static_cast<float>(static_cast<double>(static_cast<std::int64_t>(g() >> 40) - (1 << 23)) *
                             0x1p-17);
    std::array<float, 8> x{};
    kakeya::z8::closest_point(y, x);
    sum += dist2(y, x);
  }
  const double nsm = sum / samples / 8.0;
  BOOST_TEST_MESSAGE("measured NSM of Z^8: " << nsm << " (1/12 = " << 1.0 / 12 << ")");
  BOOST_TEST(std::abs(nsm - 1.0 / 12) < 0.01 / 12);
}

// detail::divider (the reciprocal used by the index -> point digit loops) against the
// compiler's 128-bit / and %: every divisor 1..4100 and the largest 32-bit ones, numerators at
// the 2^32 and 2^64 boundaries, random ones of every width, and multiples of d (and +-1).
BOOST_AUTO_TEST_CASE(divider_matches_integer_division) {
  using kakeya::uint128;
  std::mt19937_64 g(11);
  std::vector<std::uint32_t> divisors;
  for (std::uint32_t d = 1; d <= 4100; ++d) divisors.push_back(d);
  for (std::uint32_t d : {0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu, 65535u, 65536u, 65537u})
    divisors.push_back(d);
  long checked = 0, wrong = 0;
  for (const std::uint32_t d : divisors) {
    const kakeya::detail::divider dv(d);
    std::vector<uint128> nums = {0, 1, d - 1u, d, uint128{d} + 1, 0xffffffffu, uint128{1} << 32,
                                 (uint128{1} << 32) + 1, ~std::uint64_t{0}, uint128{~std::uint64_t{0}} - 1,
                                 uint128{1} << 64, ~uint128{0}};
    for (int k = 0; k < 40; ++k) {
      const int bits = 1 + static_cast<int>(g() % 127);
      const uint128 r = (uint128{g()} << 64 | g()) >> (128 - bits);
      nums.push_back(r);
      nums.push_back(r / d * d);
      if (r / d * d != 0) nums.push_back(r / d * d - 1);
    }
    for (const uint128 n : nums) {
      uint128 a = n, b = n;
      const std::uint32_t ra = kakeya::detail::divmod(a, dv);
      const std::uint32_t rb = kakeya::detail::divmod(b, d);
      ++checked;
      if (ra != n % d || a != n / d || rb != n % d || b != n / d) ++wrong;
    }
  }
  BOOST_TEST_MESSAGE("divider: " << checked << " quotients checked");
  BOOST_TEST(wrong == 0);
  BOOST_TEST(checked > 400000);
}
