// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Seeded sign flips (splitmix64 of seed and index) and the randomised Hadamard rotation.
#define BOOST_TEST_MODULE sign_flip
#include <boost/test/unit_test.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kakeya/transform/hadamard.hpp"
#include "kakeya/transform/sign_flip.hpp"

namespace {
// Sequential splitmix64 exactly as published (Steele, Lea & Flood 2014; Vigna's splitmix64.c).
struct splitmix64_stream {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
};

std::vector<float> random_vector(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::vector<float> x(n);
  for (auto& v : x) v = static_cast<float>(static_cast<double>(g() >> 11) * 0x1.0p-52 - 1.0);
  return x;
}

std::uint32_t bits_of(float x) { return std::bit_cast<std::uint32_t>(x); }

template <std::size_t D>
void check_randomized_template(std::uint64_t seed) {
  auto x = random_vector(D, seed + D);
  auto y = x;
  const kakeya::randomized_hadamard<D> r{seed};
  r.forward(std::span<float, D>(x.data(), D));
  kakeya::randomized_hadamard_forward(y, seed);
  BOOST_TEST(std::memcmp(x.data(), y.data(), D * sizeof(float)) == 0, "D = " << D);
  r.inverse(std::span<float, D>(x.data(), D));
  kakeya::randomized_hadamard_inverse(y, seed);
  BOOST_TEST(std::memcmp(x.data(), y.data(), D * sizeof(float)) == 0, "D = " << D);
}

template <std::size_t... K>
void check_all_templates(std::index_sequence<K...>, std::uint64_t seed) {
  (check_randomized_template<(std::size_t{2} << K)>(seed), ...);
}
} // namespace

BOOST_AUTO_TEST_CASE(signs_are_the_splitmix64_stream) {
  // The published test vector of splitmix64 for seed 1234567 (first five outputs).
  splitmix64_stream s{1234567};
  const std::uint64_t expected[] = {6457827717110365317ULL, 3203168211198807973ULL,
                                    9817491932198370423ULL, 4593380528125082431ULL,
                                    16408922859458223821ULL};
  for (std::uint64_t e : expected) BOOST_TEST(s.next() == e);
  // sign_mask(seed, i) is bit 63 of the (i + 1)-th output, for any seed and index order.
  for (std::uint64_t seed : {0ULL, 1ULL, 42ULL, 0xdeadbeefcafef00dULL, ~0ULL}) {
    splitmix64_stream g{seed};
    for (std::uint64_t i = 0; i < 4096; ++i) {
      const std::uint64_t z = g.next();
      BOOST_TEST(kakeya::sign_mask(seed, i) == static_cast<std::uint32_t>(z >> 63) << 31);
      BOOST_TEST(kakeya::sign_of(seed, i) == ((z >> 63) ? -1.0f : 1.0f));
    }
  }
}

BOOST_AUTO_TEST_CASE(signs_are_pinned) {
  // Golden values: the first 64 signs of seeds 0 and 2026 as bits (1 = negative), LSB = index
  // 0. A change here changes every stored code of every randomised codec.
  auto pack = [](std::uint64_t seed) {
    std::uint64_t m = 0;
    for (std::uint64_t i = 0; i < 64; ++i)
      m |= std::uint64_t{kakeya::sign_mask(seed, i) >> 31} << i;
    return m;
  };
  BOOST_TEST(pack(0) == 0x9ecc3104737afa89ULL);
  BOOST_TEST(pack(2026) == 0x1ad5e0f63c7c48f5ULL);
}

BOOST_AUTO_TEST_CASE(signs_are_deterministic_and_balanced) {
  constexpr std::uint64_t n = 1u << 20;
  for (std::uint64_t seed : {0ULL, 7ULL, 123456789ULL}) {
    std::uint64_t negative = 0, agree = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      const bool neg = kakeya::sign_mask(seed, i) != 0;
      negative += neg;
      if (i > 0) agree += (neg == (kakeya::sign_mask(seed, i - 1) != 0));
      if (i % 4099 == 0) BOOST_TEST(kakeya::sign_mask(seed, i) == kakeya::sign_mask(seed, i));
    }
    // Binomial(n, 1/2): standard deviation sqrt(n)/2 = 512; allow 5 standard deviations.
    const double sd = std::sqrt(static_cast<double>(n)) / 2.0;
    BOOST_TEST(std::fabs(static_cast<double>(negative) - n / 2.0) <= 5.0 * sd, "seed " << seed);
    // Adjacent signs agree half the time (no lag-1 correlation).
    BOOST_TEST(std::fabs(static_cast<double>(agree) - (n - 1) / 2.0) <= 5.0 * sd, "seed " << seed);
  }
}

BOOST_AUTO_TEST_CASE(different_seeds_give_different_signs) {
  // Over 256 coordinates two independent sign vectors differ in 128 +- 8 places; require
  // [64, 192] (8 standard deviations) for all pairs among 64 seeds.
  constexpr std::size_t d = 256;
  std::vector<std::vector<bool>> v;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    v.emplace_back(d);
    for (std::size_t i = 0; i < d; ++i) v.back()[i] = kakeya::sign_mask(seed, i) != 0;
  }
  std::size_t min_dist = d, max_dist = 0;
  for (std::size_t a = 0; a < v.size(); ++a)
    for (std::size_t b = a + 1; b < v.size(); ++b) {
      std::size_t dist = 0;
      for (std::size_t i = 0; i < d; ++i) dist += v[a][i] != v[b][i];
      min_dist = std::min(min_dist, dist);
      max_dist = std::max(max_dist, dist);
    }
  BOOST_TEST(min_dist >= 64u);
  BOOST_TEST(max_dist <= 192u);
}

BOOST_AUTO_TEST_CASE(flip_is_an_exact_sign_bit_xor) {
  const float qnan = std::bit_cast<float>(0x7fc01234u); // quiet NaN with a payload
  const float snan = std::bit_cast<float>(0x7f800001u); // signalling NaN
  std::vector<float> x = {0.0f, -0.0f, 1.5f, -2.25f, std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity(), qnan, snan,
                          std::numeric_limits<float>::denorm_min(), 3.0e38f};
  for (std::uint64_t seed = 0; seed < 32; ++seed) {
    auto y = x;
    kakeya::flip_signs(y, seed);
    for (std::size_t i = 0; i < x.size(); ++i)
      BOOST_TEST((bits_of(y[i]) ^ bits_of(x[i])) == kakeya::sign_mask(seed, i));
    kakeya::flip_signs(y, seed); // an involution, bit for bit
    BOOST_TEST(std::memcmp(x.data(), y.data(), x.size() * sizeof(float)) == 0);
  }
}

BOOST_AUTO_TEST_CASE(forward_is_hadamard_of_the_flipped_vector) {
  for (std::size_t d = 2; d <= kakeya::hadamard_max_dim; d *= 2) {
    const std::uint64_t seed = 977 * d;
    auto x = random_vector(d, d);
    auto y = x;
    for (std::size_t i = 0; i < d; ++i) y[i] = kakeya::sign_of(seed, i) * y[i]; // exact
    kakeya::hadamard_transform(y);
    kakeya::randomized_hadamard_forward(x, seed);
    BOOST_TEST(std::memcmp(x.data(), y.data(), d * sizeof(float)) == 0, "D = " << d);
  }
}

BOOST_AUTO_TEST_CASE(inverse_undoes_forward) {
  for (std::size_t d = 2; d <= kakeya::hadamard_max_dim; d *= 2) {
    const auto x0 = random_vector(d, 3 * d);
    auto x = x0;
    kakeya::randomized_hadamard_forward(x, d);
    double n0 = 0.0, n1 = 0.0, max_abs = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
      n0 += static_cast<double>(x0[i]) * x0[i];
      n1 += static_cast<double>(x[i]) * x[i];
      max_abs = std::max(max_abs, std::fabs(static_cast<double>(x0[i])));
    }
    const double k = std::log2(static_cast<double>(d)), eps = 0x1.0p-23;
    BOOST_TEST(std::fabs(std::sqrt(n1) - std::sqrt(n0)) <= (k + 2) * eps * std::sqrt(n0),
               "D = " << d); // orthogonal
    kakeya::randomized_hadamard_inverse(x, d);
    double worst = 0.0;
    for (std::size_t i = 0; i < d; ++i)
      worst = std::max(worst, std::fabs(static_cast<double>(x[i]) - x0[i]));
    BOOST_TEST(worst <= (k / 2.0 + 1.0) * eps * max_abs, "D = " << d); // as for H twice
  }
}

BOOST_AUTO_TEST_CASE(template_api_is_bit_identical_to_runtime_api) {
  check_all_templates(std::make_index_sequence<15>{}, 0x5eedULL);
}

BOOST_AUTO_TEST_CASE(runtime_api_rejects_unsupported_lengths) {
  for (std::size_t d : {0u, 1u, 3u, 65536u}) {
    std::vector<float> x(d, 1.0f);
    BOOST_CHECK_EXCEPTION(kakeya::randomized_hadamard_forward(x, 1), kakeya::error,
                          [](const kakeya::error& e) {
                            return e.code() == kakeya::errc::invalid_dimension;
                          });
    BOOST_CHECK_EXCEPTION(kakeya::randomized_hadamard_inverse(x, 1), kakeya::error,
                          [](const kakeya::error& e) {
                            return e.code() == kakeya::errc::invalid_dimension;
                          });
    for (float v : x) BOOST_TEST(v == 1.0f); // untouched
  }
}
