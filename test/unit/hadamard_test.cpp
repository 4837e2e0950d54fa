// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The orthonormal fast Walsh-Hadamard transform against Sylvester's matrix built in double,
// its normalisation constants against long double, and its algebraic properties.
#define BOOST_TEST_MODULE hadamard
#include <boost/test/unit_test.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <utility>
#include <vector>

#include "kakeya/transform/hadamard.hpp"

namespace {
constexpr double unit_roundoff = 0x1.0p-24; // float

std::vector<float> random_vector(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::vector<float> x(n);
  for (auto& v : x) // uniform in [-1, 1), platform independent
    v = static_cast<float>(static_cast<double>(g() >> 11) * 0x1.0p-52 - 1.0);
  return x;
}

// Sylvester's matrix entry: H_D[i][j] = (-1)^popcount(i & j).
double sylvester(std::size_t i, std::size_t j) {
  return (std::popcount(i & j) & 1) ? -1.0 : 1.0;
}

// H_n v by the recursion H_2n [u; w] = [H_n u + H_n w; H_n u - H_n w], unnormalised, in double.
void sylvester_recursive(double* v, std::size_t n) {
  if (n == 1) return;
  const std::size_t h = n / 2;
  sylvester_recursive(v, h);
  sylvester_recursive(v + h, h);
  for (std::size_t i = 0; i < h; ++i) {
    const double a = v[i], b = v[i + h];
    v[i] = a + b;
    v[i + h] = a - b;
  }
}

// The documented arithmetic order, written independently: stage h, pairs (i, i + h) with
// (i & h) == 0, then one multiply by the correctly rounded float of 1/sqrt(n).
void contract_reference(std::vector<float>& x) {
  const std::size_t n = x.size();
  for (std::size_t h = 1; h < n; h <<= 1)
    for (std::size_t i = 0; i < n; ++i)
      if ((i & h) == 0) {
        const float a = x[i], b = x[i + h];
        x[i] = a + b;
        x[i + h] = a - b;
      }
  const float s = static_cast<float>(1.0L / std::sqrt(static_cast<long double>(n)));
  for (auto& v : x) v = v * s;
}

// Worst-case error bound of the float transform relative to the exact one, per element:
// k stages each rounding at most u * 2^s * max|x|, amplified by the 2^(k-s) later additions,
// then scaled by 1/sqrt(D), plus the rounding of the scale and of the final product.
double error_bound(std::size_t d, double max_abs, double y_abs) {
  const double k = std::log2(static_cast<double>(d));
  return (k * std::sqrt(static_cast<double>(d)) + 2.0) * unit_roundoff * max_abs +
         2.0 * unit_roundoff * y_abs;
}

template <std::size_t D>
void check_template_matches_runtime() {
  auto x = random_vector(D, 1000 + D);
  auto y = x;
  kakeya::hadamard<D>{}.forward(std::span<float, D>(x.data(), D));
  kakeya::hadamard_transform(y);
  BOOST_TEST(std::memcmp(x.data(), y.data(), D * sizeof(float)) == 0, "D = " << D);
  kakeya::hadamard<D>{}.inverse(std::span<float, D>(x.data(), D));
  kakeya::hadamard_transform(y);
  BOOST_TEST(std::memcmp(x.data(), y.data(), D * sizeof(float)) == 0, "D = " << D);
}

template <std::size_t... K>
void check_all_templates(std::index_sequence<K...>) {
  (check_template_matches_runtime<(std::size_t{2} << K)>(), ...);
}
} // namespace

BOOST_AUTO_TEST_CASE(normalisation_constants_are_correctly_rounded) {
  for (int k = 0; k <= 15; ++k) {
    const long double exact = 1.0L / std::sqrt(std::ldexp(1.0L, k));
    const float s = kakeya::detail::inv_sqrt_pow2(k);
    const long double err = std::fabs(static_cast<long double>(s) - exact);
    const float up = std::nextafter(s, 2.0f), down = std::nextafter(s, 0.0f);
    BOOST_TEST(err <= std::fabs(static_cast<long double>(up) - exact), "k = " << k);
    BOOST_TEST(err <= std::fabs(static_cast<long double>(down) - exact), "k = " << k);
    if (k % 2 == 0) BOOST_TEST(s == std::ldexp(1.0f, -k / 2), "k = " << k); // exact
  }
}

BOOST_AUTO_TEST_CASE(matches_dense_sylvester_matrix_up_to_1024) {
  for (std::size_t d = 2; d <= 1024; d *= 2) {
    const auto x0 = random_vector(d, d);
    auto x = x0;
    kakeya::hadamard_transform(x);
    double max_abs = 0.0;
    for (float v : x0) max_abs = std::max(max_abs, std::fabs(static_cast<double>(v)));
    double worst = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
      double y = 0.0;
      for (std::size_t j = 0; j < d; ++j) y += sylvester(i, j) * x0[j];
      y /= std::sqrt(static_cast<double>(d));
      const double err = std::fabs(static_cast<double>(x[i]) - y);
      worst = std::max(worst, err / error_bound(d, max_abs, std::fabs(y)));
    }
    BOOST_TEST(worst <= 1.0, "D = " << d << ": error / bound = " << worst);
  }
}

BOOST_AUTO_TEST_CASE(basis_vectors_give_exact_columns_up_to_32768) {
  for (std::size_t d = 2; d <= kakeya::hadamard_max_dim; d *= 2) {
    const float s = kakeya::detail::inv_sqrt_pow2(std::countr_zero(d));
    std::mt19937_64 g(d);
    for (std::size_t j : {std::size_t{0}, std::size_t{1}, (d / 2 + 1) % d, d - 1,
                          static_cast<std::size_t>(g() % d)}) {
      std::vector<float> x(d, 0.0f);
      x[j] = 1.0f;
      kakeya::hadamard_transform(x);
      std::vector<double> e(d, 0.0);
      e[j] = 1.0;
      sylvester_recursive(e.data(), d);
      std::size_t bad = 0;
      for (std::size_t i = 0; i < d; ++i) {
        // The butterflies on a basis vector are exact, so column j is exactly +-s_D.
        if (e[i] != sylvester(i, j) || x[i] != static_cast<float>(e[i]) * s) ++bad;
      }
      BOOST_TEST(bad == 0u, "D = " << d << ", column " << j);
    }
  }
}

BOOST_AUTO_TEST_CASE(random_vectors_match_double_recursion_up_to_32768) {
  for (std::size_t d = 2048; d <= kakeya::hadamard_max_dim; d *= 2) {
    const auto x0 = random_vector(d, 7 * d);
    auto x = x0;
    kakeya::hadamard_transform(x);
    std::vector<double> y(x0.begin(), x0.end());
    sylvester_recursive(y.data(), d);
    double max_abs = 0.0;
    for (float v : x0) max_abs = std::max(max_abs, std::fabs(static_cast<double>(v)));
    double worst = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
      const double yi = y[i] / std::sqrt(static_cast<double>(d));
      worst = std::max(worst, std::fabs(static_cast<double>(x[i]) - yi) /
                                  error_bound(d, max_abs, std::fabs(yi)));
    }
    BOOST_TEST(worst <= 1.0, "D = " << d << ": error / bound = " << worst);
  }
}

BOOST_AUTO_TEST_CASE(arithmetic_order_contract_is_bit_exact) {
  for (std::size_t d = 2; d <= kakeya::hadamard_max_dim; d *= 2) {
    auto x = random_vector(d, 31 * d);
    auto r = x;
    kakeya::hadamard_transform(x);
    contract_reference(r);
    BOOST_TEST(std::memcmp(x.data(), r.data(), d * sizeof(float)) == 0, "D = " << d);
  }
}

BOOST_AUTO_TEST_CASE(template_api_is_bit_identical_to_runtime_api) {
  check_all_templates(std::make_index_sequence<15>{});
}

BOOST_AUTO_TEST_CASE(preserves_the_norm) {
  for (std::size_t d = 2; d <= kakeya::hadamard_max_dim; d *= 2) {
    const auto x0 = random_vector(d, 5 * d + 1);
    auto x = x0;
    kakeya::hadamard_transform(x);
    double n0 = 0.0, n1 = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
      n0 += static_cast<double>(x0[i]) * x0[i];
      n1 += static_cast<double>(x[i]) * x[i];
    }
    // Relative norm change: a float rounding per stage and one for the scale, O(k u).
    const double k = std::log2(static_cast<double>(d));
    BOOST_TEST(std::fabs(std::sqrt(n1) - std::sqrt(n0)) <= (k + 2) * unit_roundoff * std::sqrt(n0),
               "D = " << d);
  }
}

BOOST_AUTO_TEST_CASE(is_an_involution) {
  for (std::size_t d = 2; d <= kakeya::hadamard_max_dim; d *= 2) {
    const auto x0 = random_vector(d, 11 * d);
    auto x = x0;
    kakeya::hadamard_transform(x);
    kakeya::hadamard_transform(x);
    // Error of two transforms, per element, in ulps of max|x| (float epsilon * max|x|): the 2k
    // stages add independent roundings; measured 0.5 (D = 2) to 3.5 (D = 32768) ulps on these
    // inputs, bound k/2 + 1. A wrong scale or sign gives errors of order max|x|.
    double max_abs = 0.0, worst = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
      max_abs = std::max(max_abs, std::fabs(static_cast<double>(x0[i])));
      worst = std::max(worst, std::fabs(static_cast<double>(x[i]) - x0[i]));
    }
    const double k = std::log2(static_cast<double>(d));
    BOOST_TEST(worst <= (k / 2.0 + 1.0) * 2.0 * unit_roundoff * max_abs,
               "D = " << d << ": max error " << worst / (2.0 * unit_roundoff * max_abs)
                      << " ulp of max|x|");
  }
}

BOOST_AUTO_TEST_CASE(integer_inputs_are_exact_for_powers_of_four) {
  for (std::size_t d = 4; d <= kakeya::hadamard_max_dim; d *= 4) {
    std::mt19937_64 g(d);
    std::vector<float> x(d);
    for (auto& v : x) v = static_cast<float>(static_cast<int>(g() % 17) - 8); // [-8, 8]
    std::vector<double> y(x.begin(), x.end());
    const auto x0 = x;
    kakeya::hadamard_transform(x);
    sylvester_recursive(y.data(), d);
    const double s = std::ldexp(1.0, -std::countr_zero(d) / 2); // 1/sqrt(D), a power of 2
    std::size_t bad = 0;
    for (std::size_t i = 0; i < d; ++i)
      if (static_cast<double>(x[i]) != y[i] * s) ++bad;
    BOOST_TEST(bad == 0u, "D = " << d);
    // Applied twice the partial sums stay below 2^24 * 2^(-k/2) for D <= 1024: exact again.
    if (d <= 1024) {
      kakeya::hadamard_transform(x);
      BOOST_TEST(std::memcmp(x.data(), x0.data(), d * sizeof(float)) == 0, "D = " << d);
    }
  }
}

BOOST_AUTO_TEST_CASE(runtime_api_rejects_unsupported_lengths) {
  for (std::size_t d : {0u, 1u, 3u, 6u, 1000u, 65536u}) {
    std::vector<float> x(d, 1.0f);
    try {
      kakeya::hadamard_transform(x);
      BOOST_TEST(false, "D = " << d << " was accepted");
    } catch (const kakeya::error& e) {
      BOOST_TEST((e.code() == kakeya::errc::invalid_dimension));
      const std::string msg = e.what();
      BOOST_TEST(msg.find(std::to_string(d)) != std::string::npos, msg);
      BOOST_TEST(msg.find("power of two") != std::string::npos, msg);
    }
    for (float v : x) BOOST_TEST(v == 1.0f); // untouched
  }
}
