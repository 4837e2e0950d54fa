// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// D_n against mathematics: brute-force nearest points (unbounded and in the box, exhaustive for
// small q), the parity flip past a face, the count by enumeration, the halved mixed-radix
// bijection, and the second moment of D_4.
#define BOOST_TEST_MODULE lattice_dn
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

#include "kakeya/lattice/dn.hpp"
#include "lattice_test_util.hpp"

using namespace kakeya_test;

namespace {

template <std::size_t N> bool in_dn(const std::array<float, N>& x) {
  if (!in_zn(x)) return false;
  long long s = 0;
  for (float v : x) s += static_cast<long long>(v);
  return s % 2 == 0;
}
template <std::size_t N> bool in_dn(const std::array<double, N>& x) {
  long long s = 0;
  for (double v : x) s += static_cast<long long>(v);
  return s % 2 == 0;
}

template <std::size_t N> bool in_box(const std::array<float, N>& x, int q) {
  return std::all_of(x.begin(), x.end(), [q](float v) { return std::abs(v) <= q; });
}

template <std::size_t N> void check_closest_point_brute_force(std::mt19937_64& g, int per) {
  using L = kakeya::dn<N>;
  for (const auto& y : probes<N>(g, per)) {
    std::array<float, N> x{};
    L::closest_point(y, x);
    BOOST_TEST_REQUIRE(in_dn(x));
    const double best =
        brute_min<N>(y, integers_near<N>(y, 1.5), [](const auto& p) { return in_dn<N>(p); });
    BOOST_TEST(dist2(y, x) <= best + 2e-6 * (1 + best));
  }
}

template <std::size_t N>
void check_box_brute_force(std::mt19937_64& g, int q, double spread, int trials) {
  using L = kakeya::dn<N>;
  for (int t = 0; t < trials; ++t) {
    std::array<float, N> y{};
    for (auto& v : y) v = static_cast<float>(uniform(g, -spread, spread));
    if (t % 4 == 1) y[t % N] = float(q) + (t % 8 == 1 ? 0.5f : 0.0f); // on a face, or past it
    std::array<float, N> x{};
    L::box_closest_point(y, q, x);
    BOOST_TEST_REQUIRE(in_dn(x));
    BOOST_TEST_REQUIRE(in_box(x, q));
    const double best =
        brute_min<N>(y, box_integers_near<N>(y, q), [](const auto& p) { return in_dn<N>(p); });
    BOOST_TEST(dist2(y, x) <= best + 2e-6 * (1 + best));
  }
}

/// Every point of D_N in [-q, q]^N, enumerated as even-sum integer vectors.
template <std::size_t N> std::vector<std::array<float, N>> all_box_points(int q) {
  std::vector<std::array<float, N>> pts;
  std::array<int, N> c;
  c.fill(-q);
  for (;;) {
    std::array<float, N> x{};
    int s = 0;
    for (std::size_t i = 0; i < N; ++i) {
      x[i] = static_cast<float>(c[i]);
      s += c[i];
    }
    if (s % 2 == 0) pts.push_back(x);
    std::size_t i = 0;
    while (i < N && ++c[i] > q) c[i++] = -q;
    if (i == N) break;
  }
  return pts;
}

template <std::size_t N> void check_box_exhaustive(std::mt19937_64& g, int q, int trials) {
  using L = kakeya::dn<N>;
  const auto pts = all_box_points<N>(q);
  for (int t = 0; t < trials; ++t) {
    std::array<float, N> y{};
    const double spread = t % 3 == 0 ? 30.0 : q + 1.0; // far outside, or around the box
    for (auto& v : y) v = static_cast<float>(uniform(g, -spread, spread));
    if (t % 5 == 0) y[t % N] = (t % 3 - 1) * (q + 0.5f); // half a step past a face
    if (t % 11 == 0)
      for (std::size_t i = 0; i < N; ++i) y[i] = (i % 2 ? -1.0f : 1.0f) * q;
    if (t % 13 == 0)
      for (auto& v : y) v = q + 0.25f; // beyond a corner
    std::array<float, N> x{};
    L::box_closest_point(y, q, x);
    double best = std::numeric_limits<double>::infinity();
    for (const auto& p : pts) best = std::min(best, dist2(y, p));
    BOOST_TEST_REQUIRE((std::find(pts.begin(), pts.end(), x) != pts.end()));
    BOOST_TEST(dist2(y, x) <= best + 2e-6 * (1 + best));
  }
}

template <std::size_t N> void check_bijection_exhaustive(int q) {
  check_box_bijection<kakeya::dn<N>>(all_box_points<N>(q), q, [](const auto& x) { return in_dn(x); });
}

template <std::size_t N> void check_bijection_random(std::mt19937_64& g, int q) {
  using L = kakeya::dn<N>;
  const uint128 count = L::box_count(q);
  std::vector<uint128> indices = {0, 1, count - 2, count - 1};
  for (int k = 0; k < 2000; ++k) indices.push_back(uniform_index(g, count));
  for (uint128 i : indices) {
    std::array<float, N> x{};
    L::box_from_index(i, q, x);
    BOOST_TEST_REQUIRE(in_dn(x));
    BOOST_TEST_REQUIRE(in_box(x, q));
    BOOST_TEST_REQUIRE((L::box_to_index(x, q) == i), "index " << kakeya::to_string(i));
  }
  for (int k = 0; k < 2000; ++k) {
    std::array<std::int64_t, N> c{};
    std::int64_t s = 0;
    for (auto& v : c) {
      v = static_cast<std::int64_t>(g() % (2 * static_cast<std::uint64_t>(q) + 1)) - q;
      s += v;
    }
    if (s % 2 != 0) c[0] += c[0] < q ? 1 : -1; // make the sum even, staying in the box
    std::array<float, N> x{};
    for (std::size_t i = 0; i < N; ++i) x[i] = static_cast<float>(c[i]);
    BOOST_TEST_REQUIRE(in_dn(x));
    const uint128 i = L::box_to_index(x, q);
    BOOST_TEST_REQUIRE((i < count));
    std::array<float, N> back{};
    L::box_from_index(i, q, back);
    BOOST_TEST_REQUIRE((back == x));
  }
}

template <std::size_t N> double measured_nsm(std::uint64_t seed, int samples) {
  // y uniform on a 2^-17 grid over [-64, 64)^N (whole periods: 2Z^N lies in D_N).
  std::mt19937_64 g(seed);
  double sum = 0;
  for (int s = 0; s < samples; ++s) {
    std::array<float, N> y{};
    for (auto& v : y)
      v = static_cast<float>(static_cast<double>(static_cast<std::int64_t>(g() >> 40) - (1 << 23)) *
                             0x1p-17);
    std::array<float, N> x{};
    kakeya::dn<N>::closest_point(y, x);
    sum += dist2(y, x);
  }
  // G = E|y - Q(y)|^2 / (n * covolume^(2/n)), covolume 2.
  return sum / samples / (N * std::pow(2.0, 2.0 / N));
}

} // namespace

BOOST_AUTO_TEST_CASE(traits) {
  BOOST_TEST(kakeya::d4::dim == 4u);
  BOOST_TEST(kakeya::d4::name == "d4");
  BOOST_TEST(kakeya::d8::name == "d8");
  BOOST_TEST(kakeya::dn<16>::name == "d16");
  BOOST_TEST(kakeya::d4::covolume == 2.0);
}

BOOST_AUTO_TEST_CASE(documented_tie_rules) {
  auto cp = [](std::array<float, 4> y) {
    std::array<float, 4> x{};
    kakeya::d4::closest_point(y, x);
    return x;
  };
  using A = std::array<float, 4>;
  // Rounding half to even; even sum: nothing moves.
  BOOST_TEST((cp({0.5f, 1.5f, 2.5f, -0.5f}) == A{0, 2, 2, 0}));
  // Odd sum: the coordinate with the largest rounding error moves the other way.
  BOOST_TEST((cp({0.6f, 0.1f, 0, 0}) == A{0, 0, 0, 0}));
  // Equal errors: the lowest index moves; it was rounded up, so it goes down.
  BOOST_TEST((cp({0.7f, 0.7f, 0.7f, 0}) == A{0, 1, 1, 0}));
  // A coordinate equal to its rounding moves up (+1); the lowest index among equals.
  BOOST_TEST((cp({1, 0, 0, 0}) == A{2, 0, 0, 0}));
  BOOST_TEST((cp({-1, 0, 0, 0}) == A{0, 0, 0, 0}));
  // Exact half-integers have error 0.5 and move first; y_i >= b_i moves up.
  BOOST_TEST((cp({0.5f, 0.5f, 1, 0}) == A{1, 0, 1, 0}));
  BOOST_TEST((cp({-0.5f, 0.5f, 1, 0}) == A{-1, 0, 1, 0}));
}

BOOST_AUTO_TEST_CASE(closest_point_matches_brute_force) {
  std::mt19937_64 g(11);
  check_closest_point_brute_force<2>(g, 100);
  check_closest_point_brute_force<3>(g, 100);
  check_closest_point_brute_force<4>(g, 100);
  check_closest_point_brute_force<5>(g, 60);
  check_closest_point_brute_force<8>(g, 25);
}

BOOST_AUTO_TEST_CASE(closest_point_in_place) {
  std::array<float, 8> y = {0.2f, -1.7f, 3.5f, 2.5f, -0.1f, 9.9f, -4.4f, 0.6f};
  std::array<float, 8> x{};
  kakeya::d8::closest_point(y, x);
  kakeya::d8::closest_point(y, y);
  BOOST_TEST((x == y));
}

BOOST_AUTO_TEST_CASE(box_exhaustive_small_q) {
  std::mt19937_64 g(12);
  check_box_exhaustive<4>(g, 1, 500);
  check_box_exhaustive<4>(g, 2, 500);
  check_box_exhaustive<3>(g, 1, 300); // odd n, odd q
  check_box_exhaustive<5>(g, 1, 200);
  check_box_exhaustive<2>(g, 3, 300);
}

BOOST_AUTO_TEST_CASE(box_matches_brute_force) {
  std::mt19937_64 g(13);
  check_box_brute_force<8>(g, 2, 6.0, 150);
  check_box_brute_force<8>(g, 3, 40.0, 150);
  check_box_brute_force<8>(g, 38, 45.0, 100);
  check_box_brute_force<4>(g, 10, 14.0, 300);
  check_box_brute_force<5>(g, 7, 10.0, 200);
}

BOOST_AUTO_TEST_CASE(parity_flip_past_the_face) {
  // y = (q + 0.2, 0.1, 0.1, 0.1), q odd: rounding gives (q, 0, 0, 0) with an odd sum and the
  // largest error in coordinate 0, so Conway & Sloane move it to q + 1, outside the box;
  // clamping that back gives (q, 0, 0, 0), which is not in D_4. The box search changes
  // coordinate 1 instead: (q, 1, 0, 0).
  for (int q : {1, 3, 37, 1001}) {
    const std::array<float, 4> y = {q + 0.2f, 0.1f, 0.1f, 0.1f};
    std::array<float, 4> u{};
    kakeya::d4::closest_point(y, u);
    BOOST_TEST(u[0] == q + 1.0f);
    std::array<float, 4> clamped = u;
    for (auto& v : clamped) v = std::clamp(v, float(-q), float(q));
    BOOST_TEST(!in_dn(clamped)); // round-then-clamp leaves the lattice
    std::array<float, 4> x{};
    kakeya::d4::box_closest_point(y, q, x);
    BOOST_TEST(in_dn(x));
    BOOST_TEST(in_box(x, q));
    const double best =
        brute_min<4>(y, box_integers_near<4>(y, q), [](const auto& p) { return in_dn<4>(p); });
    BOOST_TEST(dist2(y, x) <= best + 1e-9);
    BOOST_TEST(dist2(y, x) < dist2(y, std::array<float, 4>{float(q - 1), 0, 0, 0}));
    BOOST_TEST((x == std::array<float, 4>{float(q), 1, 0, 0}));
  }
}

BOOST_AUTO_TEST_CASE(box_equals_unbounded_well_inside) {
  std::mt19937_64 g(14);
  for (const auto& y : probes<8>(g, 30)) {
    if (std::any_of(y.begin(), y.end(), [](float v) { return std::abs(v) > 30000; })) continue;
    std::array<float, 8> a{};
    std::array<float, 8> b{};
    kakeya::d8::closest_point(y, a);
    kakeya::d8::box_closest_point(y, kakeya::d8::max_box_q, b);
    BOOST_TEST_REQUIRE((a == b));
  }
  for (const auto& y : probes<4>(g, 30)) {
    std::array<float, 4> a{};
    std::array<float, 4> b{};
    kakeya::d4::closest_point(y, a);
    kakeya::d4::box_closest_point(y, kakeya::d4::max_box_q, b);
    BOOST_TEST_REQUIRE((a == b));
  }
}

BOOST_AUTO_TEST_CASE(box_handles_non_finite) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::array<float, 4> y = {std::numeric_limits<float>::quiet_NaN(), inf, -inf, 1e30f};
  std::array<float, 4> x{};
  kakeya::d4::box_closest_point(y, 3, x);
  BOOST_TEST(in_dn(x));
  BOOST_TEST(in_box(x, 3));
}

BOOST_AUTO_TEST_CASE(count_matches_enumeration) {
  for (int q = 1; q <= 3; ++q) {
    BOOST_TEST((kakeya::dn<2>::box_count(q) == uint128(all_box_points<2>(q).size())));
    BOOST_TEST((kakeya::dn<3>::box_count(q) == uint128(all_box_points<3>(q).size())));
    BOOST_TEST((kakeya::dn<4>::box_count(q) == uint128(all_box_points<4>(q).size())));
    BOOST_TEST((kakeya::dn<5>::box_count(q) == uint128(all_box_points<5>(q).size())));
    BOOST_TEST((kakeya::dn<6>::box_count(q) == uint128(all_box_points<6>(q).size())));
  }
  // ((N_e + N_o)^n + (N_e - N_o)^n) / 2 with N_e, N_o the even and odd integers in [-q, q].
  for (int q = 1; q <= 9; ++q) {
    long long ne = 0;
    long long no = 0;
    for (int v = -q; v <= q; ++v) (v % 2 == 0 ? ne : no) += 1;
    long long pe = 1;
    long long pd = 1;
    for (int k = 0; k < 7; ++k) {
      pe *= ne + no;
      pd *= ne - no;
    }
    BOOST_TEST((kakeya::dn<7>::box_count(q) == uint128((pe + pd) / 2)));
  }
  BOOST_TEST((kakeya::d4::box_count(38) == uint128(17576521))); // (77^4 + 1) / 2
  BOOST_TEST(kakeya::bits_for_count(kakeya::d4::box_count(38)) == 25);
  BOOST_TEST((kakeya::d8::box_count(10) == uint128(18911429681ull))); // (21^8 + 1) / 2
}

BOOST_AUTO_TEST_CASE(max_box_q_is_the_largest_below_2_127) {
  // ((2q+1)^8 + 1) / 2 < 2^127 <=> 2q + 1 < 2^16.
  BOOST_TEST(kakeya::d8::max_box_q == 32767);
  BOOST_TEST(kakeya::bits_for_count(kakeya::d8::box_count(kakeya::d8::max_box_q)) == 127);
  BOOST_TEST(kakeya::d4::max_box_q == kakeya::detail::float_exact_max_q); // float limit first
  BOOST_TEST(kakeya::bits_for_count(kakeya::d4::box_count(kakeya::d4::max_box_q)) <= 127);
  BOOST_TEST(kakeya::dn<80>::max_box_q == 1); // (3^80 + 1) / 2 < 2^127
  BOOST_TEST(kakeya::dn<81>::max_box_q == 0); // (3^81 - 1) / 2 > 2^127
  BOOST_TEST(kakeya::dn<3>::max_box_q == kakeya::detail::float_exact_max_q);
}

BOOST_AUTO_TEST_CASE(bijection_exhaustive) {
  for (int q = 1; q <= 6; ++q) check_bijection_exhaustive<2>(q);
  for (int q = 1; q <= 3; ++q) check_bijection_exhaustive<3>(q);
  for (int q = 1; q <= 4; ++q) check_bijection_exhaustive<4>(q);
  for (int q = 1; q <= 2; ++q) check_bijection_exhaustive<5>(q);
  for (int q = 1; q <= 2; ++q) check_bijection_exhaustive<8>(q);
}

BOOST_AUTO_TEST_CASE(bijection_large_q) {
  std::mt19937_64 g(15);
  check_bijection_random<4>(g, 1000);
  check_bijection_random<4>(g, kakeya::d4::max_box_q);
  check_bijection_random<8>(g, 1000);
  check_bijection_random<8>(g, kakeya::d8::max_box_q);
  check_bijection_random<3>(g, 999);
  check_bijection_random<3>(g, 1000);
  check_bijection_random<5>(g, 1001);
  check_bijection_random<5>(g, kakeya::dn<5>::max_box_q);
}

BOOST_AUTO_TEST_CASE(out_of_range_is_defined) {
  // D_3 at q = 1: R of (1, 1, 1) is 3^3 - 1 = 26, and 26 >> 1 = 13 = box_count; the
  // documented clamp maps it to box_count - 1.
  using d3 = kakeya::dn<3>;
  const uint128 count = d3::box_count(1);
  BOOST_TEST((count == uint128(13)));
  BOOST_TEST((d3::box_to_index(std::array<float, 3>{1, 1, 1}, 1) == count - 1));
  std::array<float, 3> last{};
  std::array<float, 3> x{};
  d3::box_from_index(count - 1, 1, last);
  d3::box_from_index(count, 1, x);
  BOOST_TEST((x == last));
  d3::box_from_index(~uint128(0), 1, x);
  BOOST_TEST((x == last));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int q : {1, 2, 7}) {
    const std::array<float, 8> outside = {1e9f, -1e9f, nan, 0.5f, 5.5f, -7.0f, 2.0f, 1.0f};
    BOOST_TEST((kakeya::d8::box_to_index(outside, q) < kakeya::d8::box_count(q)));
    const std::array<float, 5> odd = {float(q), float(q), float(q), float(q), float(q)};
    BOOST_TEST((kakeya::dn<5>::box_to_index(odd, q) < kakeya::dn<5>::box_count(q)));
  }
}

BOOST_AUTO_TEST_CASE(normalised_second_moment_d4) {
  const double nsm = measured_nsm<4>(16, 400000);
  BOOST_TEST_MESSAGE("measured NSM of D_4: " << nsm << " (published 0.076603)");
  BOOST_TEST(std::abs(nsm - 0.076603) < 0.01 * 0.076603);
}
