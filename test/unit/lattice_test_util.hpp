// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers shared by the lattice tests (lattice_zn/dn/e8_test.cpp): deterministic random
// numbers, lattice-membership predicates and the probe points (ties, faces, far outside).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "kakeya/core/uint128.hpp"


namespace kakeya_test {

using kakeya::uint128;

/// Uniform double in [a, b) from 53 random bits (our own mapping: deterministic everywhere).
double uniform(std::mt19937_64& g, double a, double b) {
  return a + (b - a) * (static_cast<double>(g() >> 11) * 0x1p-53);
}

/// Uniform 128-bit integer in [0, n), n >= 1 (rejection-free modulo; the bias is irrelevant).
uint128 uniform_index(std::mt19937_64& g, uint128 n) {
  const uint128 r = (static_cast<uint128>(g()) << 64) | g();
  return r % n;
}

bool is_integer(double v) { return std::isfinite(v) && v == std::floor(v); }

template <std::size_t N> bool in_zn(const std::array<float, N>& x) {
  return std::all_of(x.begin(), x.end(), [](float v) { return is_integer(v); });
}

template <std::size_t N>
double dist2(const std::array<float, N>& y, const std::array<double, N>& x) {
  double s = 0;
  for (std::size_t i = 0; i < N; ++i) s += (double(y[i]) - x[i]) * (double(y[i]) - x[i]);
  return s;
}
template <std::size_t N>
double dist2(const std::array<float, N>& y, const std::array<float, N>& x) {
  std::array<double, N> d{};
  for (std::size_t i = 0; i < N; ++i) d[i] = x[i];
  return dist2(y, d);
}

/// Least squared distance from y over the product of per-coordinate candidate lists,
/// keeping only the points `member` accepts. Returns +inf when none.
template <std::size_t N, class Member>
double brute_min(const std::array<float, N>& y, const std::array<std::vector<double>, N>& cand,
                 Member member) {
  std::array<std::size_t, N> at{};
  std::array<double, N> x{};
  double best = std::numeric_limits<double>::infinity();
  for (;;) {
    for (std::size_t i = 0; i < N; ++i) x[i] = cand[i][at[i]];
    if (member(x)) best = std::min(best, dist2(y, x));
    std::size_t i = 0;
    while (i < N && ++at[i] == cand[i].size()) at[i++] = 0;
    if (i == N) break;
  }
  return best;
}

/// Integers within `radius` of y_i. The nearest lattice point lies within the covering radius,
/// at most sqrt(2) < 1.5 for every lattice tested here (Z^n: sqrt(n)/2, D_n: max(1, sqrt(n)/2),
/// E_8: 1; n <= 8), so radius 1.5 holds every coordinate of it.
template <std::size_t N>
std::array<std::vector<double>, N> integers_near(const std::array<float, N>& y, double radius) {
  std::array<std::vector<double>, N> c;
  for (std::size_t i = 0; i < N; ++i)
    for (double v = std::ceil(y[i] - radius); v <= y[i] + radius; v += 1) c[i].push_back(v);
  return c;
}

/// Integers of [-q, q] within distance < 2 of p_i = clamp(y_i, -q, q). Moving a coordinate
/// by 2 towards p_i keeps a point in the box and in Z^n (and D_n, E_8) and lowers the
/// distance, so the nearest box point has every |x_i - p_i| < 2.
template <std::size_t N>
std::array<std::vector<double>, N> box_integers_near(const std::array<float, N>& y, int q) {
  std::array<std::vector<double>, N> c;
  for (std::size_t i = 0; i < N; ++i) {
    const double p = std::clamp(double(y[i]), double(-q), double(q));
    for (double v = std::ceil(p - 2); v <= p + 2; v += 1)
      if (std::abs(v - p) < 2 && std::abs(v) <= q) c[i].push_back(v);
  }
  return c;
}

/// Probe inputs: uniform at several scales, near and exactly at half-integers (ties),
/// exact integers (lattice points), quarter grids, large magnitudes below 2^22.
template <std::size_t N> std::vector<std::array<float, N>> probes(std::mt19937_64& g, int per) {
  std::vector<std::array<float, N>> out;
  auto add = [&](auto f) {
    for (int k = 0; k < per; ++k) {
      std::array<float, N> y{};
      for (auto& v : y) v = f();
      out.push_back(y);
    }
  };
  for (double s : {0.75, 3.0, 50.0, 1e4, 2e6})
    add([&] { return static_cast<float>(uniform(g, -s, s)); });
  auto small_int = [&] { return static_cast<float>(static_cast<int>(g() % 41) - 20); };
  add([&] { return small_int() + 0.5f; });
  add([&] {
    const float h = small_int() + 0.5f;
    switch (g() % 3) {
    case 0: return std::nextafter(h, 100.0f);
    case 1: return std::nextafter(h, -100.0f);
    default: return h;
    }
  });
  add([&] { return small_int(); });
  add([&] { return static_cast<float>(static_cast<int>(g() % 33) - 16) * 0.25f; });
  add([&] { return static_cast<float>(uniform(g, -1, 1)) + 1048576.0f * (g() % 2 ? 1 : -1); });
  return out;
}

/// The index bijection of lattice L's box codebook L ∩ [-q, q]^n, exhaustively: `pts` are all
/// its points, enumerated independently; `member` says whether a point lies in L. Every point
/// encodes to a distinct index below the count and decodes back; every index decodes to a box
/// point of L that encodes back to it.
template <class L, class Member>
void check_box_bijection(const std::vector<std::array<float, L::dim>>& pts, int q, Member member) {
  const kakeya::uint128 count = L::box_count(q);
  BOOST_TEST_REQUIRE((kakeya::uint128(pts.size()) == count));
  std::vector<bool> seen(pts.size(), false);
  for (const auto& x : pts) {
    const kakeya::uint128 i = L::box_to_index(x, q);
    BOOST_TEST_REQUIRE((i < count));
    BOOST_TEST_REQUIRE(!seen[static_cast<std::size_t>(i)]);
    seen[static_cast<std::size_t>(i)] = true;
    std::array<float, L::dim> back{};
    L::box_from_index(i, q, back);
    BOOST_TEST_REQUIRE((back == x));
  }
  for (std::size_t i = 0; i < pts.size(); ++i) {
    std::array<float, L::dim> x{};
    L::box_from_index(i, q, x);
    BOOST_TEST_REQUIRE(member(x));
    for (float v : x) BOOST_TEST_REQUIRE(std::abs(v) <= static_cast<float>(q));
    BOOST_TEST_REQUIRE((L::box_to_index(x, q) == kakeya::uint128(i)));
  }
}

} // namespace kakeya_test
