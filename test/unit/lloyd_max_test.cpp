// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Lloyd-Max quantisers: the Gaussian tables against published optima and against the
// optimality conditions re-derived here by independent quadrature; encode/decode; fitting.
#define BOOST_TEST_MODULE lloyd_max
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "kakeya/scalar/lloyd_max.hpp"

namespace {
using real = long double;
namespace tables = kakeya::detail::lloyd_max_tables;

// ---- independent numerics: Gauss-Legendre quadrature in long double --------------------

struct gauss_legendre {
  static constexpr int order = 20;
  real node[order], weight[order];
  gauss_legendre() { // roots of P_20 by Newton's method from Chebyshev guesses
    const real pi = std::numbers::pi_v<real>;
    for (int i = 0; i < order; ++i) {
      real x = std::cos(pi * (i + 0.75L) / (order + 0.5L)), dp = 0;
      for (int it = 0; it < 100; ++it) {
        real p0 = 1, p1 = x;
        for (int k = 2; k <= order; ++k) {
          const real p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
          p0 = p1;
          p1 = p2;
        }
        dp = order * (x * p1 - p0) / (x * x - 1);
        const real dx = p1 / dp;
        x -= dx;
        if (std::fabs(dx) < 1e-19L) break;
      }
      node[i] = x;
      weight[i] = 2 / ((1 - x * x) * dp * dp);
    }
  }
  // Integral of f over [a, b], split into pieces no wider than 1/8.
  template <class F>
  real integrate(F f, real a, real b) const {
    const int pieces = std::max(1, static_cast<int>(std::ceil((b - a) * 8)));
    const real w = (b - a) / pieces;
    real s = 0;
    for (int p = 0; p < pieces; ++p) {
      const real lo = a + w * p, mid = lo + w / 2;
      for (int i = 0; i < order; ++i) s += weight[i] * f(mid + w / 2 * node[i]);
    }
    return s * w / 2;
  }
};
const gauss_legendre quad;

real phi(real x) { return std::exp(-x * x / 2) / std::sqrt(2 * std::numbers::pi_v<real>); }
constexpr real tail_end = 40; // phi(40) ~ 1e-348: the upper cell is integrated up to here

// The positive half of the b-bit table in long double and its thresholds (t_0 = 0).
std::vector<real> half_levels(int bits) {
  const std::size_t n = std::size_t{1} << (bits - 1);
  const double* y = tables::gaussian_positive_levels + tables::gaussian_positive_offset(bits);
  return std::vector<real>(y, y + n);
}
real lower(const std::vector<real>& y, std::size_t i) { return i == 0 ? 0 : (y[i - 1] + y[i]) / 2; }
real upper(const std::vector<real>& y, std::size_t i) {
  return i + 1 == y.size() ? tail_end : (y[i] + y[i + 1]) / 2;
}

// Model MSE in closed form, 1 - 2 sum_i y_i^2 P_i (valid at centroids), via erfc.
real closed_form_mse(const std::vector<real>& y) {
  auto q = [](real x) { return std::erfc(x / std::sqrt(2.0L)) / 2; };
  real s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const real b = i + 1 == y.size() ? 0 : q(upper(y, i));
    s += y[i] * y[i] * (q(lower(y, i)) - b);
  }
  return 1 - 2 * s;
}

// MSE of levels y (positive half, symmetric) by quadrature of (x - y_i)^2 phi over each cell.
real quadrature_mse(const std::vector<real>& y) {
  real s = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    s += quad.integrate([&](real x) { return (x - y[i]) * (x - y[i]) * phi(x); }, lower(y, i),
                        upper(y, i));
  return 2 * s;
}

// ---- sample generators (platform independent: no std::*_distribution) -------------------

struct sampler {
  std::mt19937_64 g;
  explicit sampler(std::uint64_t seed) : g(seed) {}
  double uniform01() { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; } // (0, 1)
  double gaussian() { // Box-Muller
    const double u = uniform01(), v = uniform01();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * v);
  }
  double laplace() { // unit variance
    const double u = uniform01() - 0.5;
    const double m = -std::log(1.0 - 2.0 * std::fabs(u)) / std::numbers::sqrt2;
    return u < 0 ? -m : m;
  }
};

template <class F>
std::vector<float> draw(std::size_t n, std::uint64_t seed, F f) {
  sampler s(seed);
  std::vector<float> x(n);
  for (auto& v : x) v = static_cast<float>(f(s));
  return x;
}

double empirical_mse(const kakeya::lloyd_max& q, const std::vector<float>& x) {
  double s = 0;
  for (float v : x) {
    const double e = static_cast<double>(v) - q.decode(q.encode(v));
    s += e * e;
  }
  return s / static_cast<double>(x.size());
}

bool same_bytes(const kakeya::lloyd_max& a, const kakeya::lloyd_max& b) {
  return std::memcmp(&a, &b, sizeof(kakeya::lloyd_max)) == 0;
}

template <class F>
bool throws_code(F f, kakeya::errc code) {
  try {
    f();
  } catch (const kakeya::error& e) {
    return e.code() == code;
  }
  return false;
}
} // namespace

// ---- the Gaussian tables ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(published_optima_for_1_to_4_bits) {
  // Max 1960, Table I; Lloyd 1982. MSE of the optimal 2-, 4-, 8- and 16-level quantisers.
  const double published[] = {0.363380, 0.117482, 0.0345478, 0.0095010};
  for (int b = 1; b <= 4; ++b) {
    BOOST_TEST(std::fabs(kakeya::lloyd_max::gaussian(b).mse() - published[b - 1]) <= 1e-6,
               "bits " << b);
    BOOST_TEST(std::fabs(tables::gaussian_mse[b] - published[b - 1]) <= 1e-6, "bits " << b);
  }
  // 1 bit in closed form: levels +-sqrt(2/pi), MSE 1 - 2/pi.
  BOOST_TEST(std::fabs(tables::gaussian_positive_levels[0] - std::sqrt(2.0 / std::numbers::pi)) <=
             1e-15);
  BOOST_TEST(std::fabs(tables::gaussian_mse[1] - (1.0 - 2.0 / std::numbers::pi)) <= 1e-15);
  // Max's output levels, to his 4 significant digits.
  const double max_2[] = {0.4528, 1.510};
  const double max_3[] = {0.2451, 0.7560, 1.344, 2.152};
  const double max_4[] = {0.1284, 0.3881, 0.6568, 0.9424, 1.256, 1.618, 2.069, 2.733};
  for (int i = 0; i < 2; ++i) BOOST_TEST(std::fabs(half_levels(2)[i] - max_2[i]) <= 5e-4L);
  for (int i = 0; i < 4; ++i) BOOST_TEST(std::fabs(half_levels(3)[i] - max_3[i]) <= 5e-4L);
  for (int i = 0; i < 8; ++i) BOOST_TEST(std::fabs(half_levels(4)[i] - max_4[i]) <= 5e-4L);
}

BOOST_AUTO_TEST_CASE(tables_satisfy_the_optimality_conditions) {
  for (int b = 1; b <= 8; ++b) {
    const auto y = half_levels(b);
    real worst_centroid = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      BOOST_TEST((i == 0 || y[i] > y[i - 1]), "bits " << b << ": levels ascend");
      // Centroid condition: y_i = E[X | X in cell i], cell edges at the midpoints.
      const real a = lower(y, i), c = upper(y, i);
      const real mass = quad.integrate(phi, a, c);
      const real first = quad.integrate([](real x) { return x * phi(x); }, a, c);
      worst_centroid = std::max(worst_centroid, std::fabs(first / mass - y[i]));
    }
    BOOST_TEST(worst_centroid <= 1e-9L, "bits " << b << ": max |y - E[X|cell]| = "
                                                << static_cast<double>(worst_centroid));
    // MSE: quadrature of (x - Q(x))^2 phi, the closed form and the table agree.
    const real by_quadrature = quadrature_mse(y), by_closed_form = closed_form_mse(y);
    const real table = tables::gaussian_mse[b];
    BOOST_TEST(std::fabs(by_quadrature - table) <= 1e-9L * table, "bits " << b);
    BOOST_TEST(std::fabs(by_closed_form - table) <= 1e-9L * table, "bits " << b);
  }
}

BOOST_AUTO_TEST_CASE(tables_are_local_minima) {
  // Moving any level by +-delta (thresholds following as midpoints) raises the MSE.
  for (int b = 1; b <= 8; ++b) {
    const auto y = half_levels(b);
    const real base = quadrature_mse(y);
    const real delta = 1e-3L * (y.size() > 1 ? y[1] - y[0] : 1);
    for (std::size_t i = 0; i < y.size(); i += std::max<std::size_t>(1, y.size() / 8)) {
      for (real s : {-delta, delta}) {
        auto z = y;
        z[i] += s;
        BOOST_TEST(quadrature_mse(z) > base, "bits " << b << ", level " << i);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(mse_falls_with_bits_towards_panter_dite_from_below) {
  // High-resolution asymptote (Panter & Dite 1951): D_b ~ (sqrt(3) pi / 2) 4^-b. For the
  // Gaussian the optimum lies below it and the ratio rises monotonically towards 1.
  const double pd = std::sqrt(3.0) * std::numbers::pi / 2.0;
  double last_mse = 1.0, last_ratio = 0.0;
  for (int b = 1; b <= 8; ++b) {
    const double mse = tables::gaussian_mse[b];
    const double ratio = mse / (pd * std::ldexp(1.0, -2 * b));
    BOOST_TEST(mse < last_mse, "bits " << b);
    BOOST_TEST(ratio > last_ratio, "bits " << b);
    BOOST_TEST(ratio < 1.0, "bits " << b);
    last_mse = mse;
    last_ratio = ratio;
  }
  BOOST_TEST(last_ratio > 0.98); // 8 bits: within 2 % of the asymptote
}

BOOST_AUTO_TEST_CASE(gaussian_object_is_the_table_in_float) {
  for (int b = 1; b <= 8; ++b) {
    for (float sigma : {1.0f, 0.25f, 3.5f}) {
      const auto q = kakeya::lloyd_max::gaussian(b, sigma);
      BOOST_TEST(q.bits() == b);
      BOOST_TEST(q.levels() == (1u << b));
      const auto c = q.centroids();
      const auto t = q.thresholds();
      BOOST_TEST(c.size() == (std::size_t{1} << b));
      BOOST_TEST(t.size() == c.size() - 1);
      const std::size_t half = c.size() / 2;
      const double* y = tables::gaussian_positive_levels + tables::gaussian_positive_offset(b);
      for (std::size_t i = 0; i < half; ++i) {
        BOOST_TEST(c[half + i] == static_cast<float>(y[i] * sigma));
        BOOST_TEST(c[half - 1 - i] == -c[half + i]); // symmetric
      }
      for (std::size_t j = 0; j + 1 < c.size(); ++j) // float midpoints, summed in double
        BOOST_TEST(t[j] == static_cast<float>((static_cast<double>(c[j]) + c[j + 1]) / 2));
      BOOST_TEST(t[half - 1] == 0.0f);
      BOOST_TEST(q.mse() == tables::gaussian_mse[b] * sigma * sigma);
    }
  }
  // The default object is the 1-bit unit Gaussian, byte for byte.
  BOOST_TEST(same_bytes(kakeya::lloyd_max{}, kakeya::lloyd_max::gaussian(1)));
}

// ---- encode / decode ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(encode_decode_round_trips_and_ties) {
  sampler s(99);
  for (int b = 1; b <= 8; ++b) {
    const auto q = kakeya::lloyd_max::gaussian(b, 2.0f);
    const auto c = q.centroids();
    const auto t = q.thresholds();
    for (std::uint32_t i = 0; i < q.levels(); ++i) {
      BOOST_TEST(q.decode(i) == c[i]);
      BOOST_TEST(q.encode(q.decode(i)) == i); // every level lies inside its own cell
      BOOST_TEST(q.decode(i + q.levels()) == c[i]); // indices are taken mod levels()
    }
    BOOST_TEST(q.decode(0xffffffffu) == c.back());
    for (std::uint32_t j = 0; j + 1 < q.levels(); ++j) {
      BOOST_TEST(q.encode(t[j]) == j + 1); // exactly on a threshold: the upper cell
      BOOST_TEST(q.encode(std::nextafter(t[j], -1e30f)) == j);
    }
    const float inf = std::numeric_limits<float>::infinity();
    BOOST_TEST(q.encode(-inf) == 0u);
    BOOST_TEST(q.encode(inf) == q.levels() - 1);
    BOOST_TEST(q.encode(std::numeric_limits<float>::quiet_NaN()) == 0u);
    BOOST_TEST(q.encode(-1e30f) == 0u);
    BOOST_TEST(q.encode(1e30f) == q.levels() - 1);
    // Nearest level: no level is closer to x than decode(encode(x)) (beyond rounding of t).
    std::size_t worse = 0;
    for (int k = 0; k < 20000; ++k) {
      const float x = static_cast<float>(3.0 * s.gaussian());
      const double got = std::fabs(static_cast<double>(x) - q.decode(q.encode(x)));
      double best = std::numeric_limits<double>::infinity();
      for (float v : c) best = std::min(best, std::fabs(static_cast<double>(x) - v));
      if (got > best + 1e-6) ++worse;
    }
    BOOST_TEST(worse == 0u, "bits " << b);
  }
}

BOOST_AUTO_TEST_CASE(empirical_mse_of_the_float_table_matches_the_model) {
  const auto x = draw(1u << 20, 5, [](sampler& s) { return s.gaussian(); });
  for (int b = 1; b <= 8; ++b) {
    const auto q = kakeya::lloyd_max::gaussian(b);
    // Monte-Carlo error of a mean of n = 2^20 squared errors: the wide tail cells dominate
    // its variance, about 0.1 % at 1-2 bits growing to about 1 % at 8 bits (measured over
    // seeds with 2^22 samples: 0.3 %); allow 1 % up to 4 bits and 3 % above.
    BOOST_TEST(std::fabs(empirical_mse(q, x) / q.mse() - 1.0) <= (b <= 4 ? 0.01 : 0.03),
               "bits " << b);
  }
}

BOOST_AUTO_TEST_CASE(copies_as_bytes) {
  const auto q = kakeya::lloyd_max::gaussian(5, 1.5f);
  alignas(kakeya::lloyd_max) unsigned char buf[sizeof(kakeya::lloyd_max)];
  std::memcpy(buf, &q, sizeof q); // as a cudaMemcpy to a device would
  kakeya::lloyd_max r;
  std::memcpy(&r, buf, sizeof r);
  for (float x : {-3.0f, -0.1f, 0.0f, 0.7f, 2.9f}) BOOST_TEST(r.encode(x) == q.encode(x));
  BOOST_TEST(same_bytes(q, r));
}

// ---- fitting -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(fit_on_gaussian_samples_reproduces_the_table) {
  const auto x = draw(1u << 20, 17, [](sampler& s) { return s.gaussian(); });
  for (int b = 1; b <= 8; ++b) {
    const auto f = kakeya::lloyd_max::fit(x, b);
    const auto g = kakeya::lloyd_max::gaussian(b);
    // Fitted MSE within 2 % of the model optimum (training-set MSE, n = 2^20).
    BOOST_TEST(std::fabs(f.mse() / g.mse() - 1.0) <= 0.02, "bits " << b);
    if (b <= 4) { // every cell holds >= 0.8 % of the samples: levels to Monte-Carlo accuracy
      // The outer cell of 4 bits holds ~8600 samples: its level's standard error is ~0.004,
      // amplified ~2x by the coupling through the thresholds; 0.03 is about 4 standard errors.
      double worst = 0;
      for (std::uint32_t i = 0; i < f.levels(); ++i)
        worst = std::max(worst, std::fabs(static_cast<double>(f.decode(i)) - g.decode(i)));
      BOOST_TEST(worst <= 0.03, "bits " << b << ": max level difference " << worst);
    }
  }
}

BOOST_AUTO_TEST_CASE(fit_beats_the_scaled_gaussian_table_off_gaussian) {
  const auto laplace = draw(200000, 23, [](sampler& s) { return s.laplace(); });
  const auto uniform = draw(200000, 29, [](sampler& s) { return 2.0 * s.uniform01() - 1.0; });
  for (const auto* x : {&laplace, &uniform}) {
    double mean = 0, var = 0;
    for (float v : *x) mean += v;
    mean /= static_cast<double>(x->size());
    for (float v : *x) var += (v - mean) * (v - mean);
    const float sd = static_cast<float>(std::sqrt(var / static_cast<double>(x->size())));
    for (int b = 1; b <= 8; ++b) {
      const char* name = x == &laplace ? "laplace" : "uniform";
      const auto f = kakeya::lloyd_max::fit(*x, b);
      const auto start = kakeya::lloyd_max::fit(*x, b, {.max_iterations = 0});
      // The scaled Gaussian table: levels mean +- sd * y_i, as a quantiser.
      std::vector<float> levels;
      for (double v : kakeya::detail::scaled_gaussian_start(b, mean, sd))
        levels.push_back(static_cast<float>(v));
      const double scaled_table = empirical_mse(kakeya::lloyd_max::from_centroids(levels), *x);
      const double centred_table = empirical_mse(kakeya::lloyd_max::gaussian(b, sd), *x);
      // mse() is the empirical MSE of encode/decode (summed in another order here).
      BOOST_TEST(std::fabs(f.mse() / empirical_mse(f, *x) - 1.0) <= 1e-12);
      BOOST_TEST(std::fabs(start.mse() / empirical_mse(start, *x) - 1.0) <= 1e-12);
      // The fit gains at least 1 % over the scaled Gaussian table at every rate, and Lloyd's
      // iteration never loses against its start.
      BOOST_TEST(f.mse() < 0.99 * scaled_table, name << ", bits " << b << ": " << f.mse()
                                                     << " vs " << scaled_table);
      BOOST_TEST(f.mse() < 0.99 * centred_table, name << ", bits " << b);
      // (The library's mean and sd are summed in sorted order: a float level may round the
      // other way, hence the 1e-6.)
      BOOST_TEST(start.mse() <= scaled_table * (1 + 1e-6), name << ", bits " << b);
      BOOST_TEST(f.mse() <= start.mse(), name << ", bits " << b);
    }
  }
  // Laplace at high rate approaches its Panter-Dite value (1/12)(int f^(1/3))^3 4^-b = 4.5 4^-b
  // (unit variance); the sample optimum lies below it (training error on 2e5 samples).
  const double laplace_8 = kakeya::lloyd_max::fit(laplace, 8).mse() / (4.5 * std::ldexp(1.0, -16));
  BOOST_TEST((laplace_8 > 0.85 && laplace_8 < 1.0), "8-bit Laplace / Panter-Dite = " << laplace_8);
  // The uniform optimum is the uniform quantiser: MSE (2/L)^2 / 12 on [-1, 1].
  for (int b = 1; b <= 8; ++b) {
    const double ideal = std::pow(2.0 / (1 << b), 2) / 12.0;
    BOOST_TEST(std::fabs(kakeya::lloyd_max::fit(uniform, b).mse() / ideal - 1.0) <= 0.02,
               "bits " << b);
  }
}

BOOST_AUTO_TEST_CASE(fit_is_deterministic_and_order_independent) {
  auto x = draw(50000, 31, [](sampler& s) { return s.laplace() + 0.5; });
  const auto a = kakeya::lloyd_max::fit(x, 6);
  const auto b = kakeya::lloyd_max::fit(x, 6);
  BOOST_TEST(same_bytes(a, b));
  std::mt19937_64 g(3);
  std::shuffle(x.begin(), x.end(), g);
  BOOST_TEST(same_bytes(a, kakeya::lloyd_max::fit(x, 6)));
  std::reverse(x.begin(), x.end());
  BOOST_TEST(same_bytes(a, kakeya::lloyd_max::fit(x, 6)));
}

BOOST_AUTO_TEST_CASE(fit_handles_degenerate_samples) {
  // All equal: every level at that value, zero error.
  const std::vector<float> same(100, 2.5f);
  const auto q = kakeya::lloyd_max::fit(same, 3);
  for (float c : q.centroids()) BOOST_TEST(c == 2.5f);
  BOOST_TEST(q.mse() == 0.0);
  BOOST_TEST(q.decode(q.encode(2.5f)) == 2.5f);
  // Fewer samples than levels: empty cells keep their levels, order is kept, error falls.
  const std::vector<float> few = {-1.0f, 0.0f, 0.25f, 3.0f, 3.0f};
  const auto r = kakeya::lloyd_max::fit(few, 4);
  BOOST_TEST(std::is_sorted(r.centroids().begin(), r.centroids().end()));
  BOOST_TEST(std::is_sorted(r.thresholds().begin(), r.thresholds().end()));
  BOOST_TEST(r.mse() <= kakeya::lloyd_max::fit(few, 4, {.max_iterations = 0}).mse());
  BOOST_TEST(r.mse() == empirical_mse(r, few));
  // A single sample.
  const std::vector<float> one = {-7.0f};
  BOOST_TEST(kakeya::lloyd_max::fit(one, 8).decode(kakeya::lloyd_max::fit(one, 8).encode(-7.0f)) ==
             -7.0f);
}

BOOST_AUTO_TEST_CASE(from_centroids_round_trips_a_fit) {
  const auto x = draw(20000, 37, [](sampler& s) { return s.laplace(); });
  const auto f = kakeya::lloyd_max::fit(x, 5);
  const auto r = kakeya::lloyd_max::from_centroids(f.centroids());
  BOOST_TEST(std::equal(f.thresholds().begin(), f.thresholds().end(), r.thresholds().begin()));
  BOOST_TEST(std::isnan(r.mse()));
  for (float v : x) BOOST_TEST_REQUIRE(r.encode(v) == f.encode(v));
}

// ---- errors --------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(bad_arguments_throw) {
  using kakeya::errc;
  using kakeya::lloyd_max;
  const std::vector<float> ok = {0.0f, 1.0f, 2.0f};
  for (int b : {-1, 0, 9, 32}) {
    BOOST_TEST(throws_code([&] { (void)lloyd_max::gaussian(b); }, errc::invalid_argument));
    BOOST_TEST(throws_code([&] { (void)lloyd_max::fit(ok, b); }, errc::invalid_argument));
  }
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (float sigma : {0.0f, -1.0f, inf, nan, 3e38f})
    BOOST_TEST(throws_code([&] { (void)lloyd_max::gaussian(4, sigma); }, errc::invalid_argument));
  BOOST_TEST(throws_code([&] { (void)lloyd_max::fit(std::span<const float>{}, 4); },
                         errc::invalid_argument));
  for (float bad : {nan, inf, -inf}) {
    const std::vector<float> x = {0.0f, 1.0f, bad, 2.0f};
    try {
      (void)lloyd_max::fit(x, 2);
      BOOST_TEST(false, "non-finite sample accepted");
    } catch (const kakeya::error& e) {
      BOOST_TEST((e.code() == errc::non_finite_input));
      BOOST_TEST(std::string(e.what()).find("sample 2") != std::string::npos, e.what());
    }
  }
  BOOST_TEST(throws_code([&] { (void)lloyd_max::fit(ok, 2, {.max_iterations = -1}); },
                         errc::invalid_argument));
  BOOST_TEST(throws_code([&] { (void)lloyd_max::fit(ok, 2, {.tolerance = -1.0}); },
                         errc::invalid_argument));
  BOOST_TEST(throws_code([&] { (void)lloyd_max::fit(ok, 2, {.tolerance = nan}); },
                         errc::invalid_argument));
  const std::vector<float> three = {0.0f, 1.0f, 2.0f}, unsorted = {1.0f, 0.0f};
  const std::vector<float> with_nan = {0.0f, nan};
  BOOST_TEST(throws_code([&] { (void)lloyd_max::from_centroids(three); }, errc::invalid_argument));
  BOOST_TEST(throws_code([&] { (void)lloyd_max::from_centroids(std::vector<float>(512, 0.0f)); },
                         errc::invalid_argument));
  BOOST_TEST(throws_code([&] { (void)lloyd_max::from_centroids(unsorted); },
                         errc::invalid_argument));
  BOOST_TEST(throws_code([&] { (void)lloyd_max::from_centroids(with_nan); },
                         errc::non_finite_input));
}
