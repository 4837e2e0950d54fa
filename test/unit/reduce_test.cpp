// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE reduce
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <vector>

#include "kakeya/core/random.hpp"
#include "kakeya/core/reduce.hpp"

// The order as the definition states it: chunk sums, then the stride-doubling tree in place.
static float reference(const std::vector<float>& t) {
  std::vector<float> c;
  for (std::size_t s = 0; s < t.size(); s += 8) {
    float v = t[s];
    for (std::size_t i = s + 1; i < std::min(s + 8, t.size()); ++i) v = v + t[i];
    c.push_back(v);
  }
  if (c.empty()) return 0.0f;
  for (std::size_t k = 1; k < c.size(); k *= 2)
    for (std::size_t j = 0; j + k < c.size(); j += 2 * k) c[j] = c[j] + c[j + k];
  return c[0];
}

BOOST_AUTO_TEST_CASE(streaming_sum_follows_the_defined_tree_bit_for_bit) {
  kakeya::random_stream rng(3);
  for (std::size_t n = 0; n <= 700; ++n) {
    std::vector<float> t(n);
    // magnitudes spread widely, so that any change of order changes the rounding
    for (auto& v : t) v = static_cast<float>(rng.gaussian() * std::exp(8 * rng.gaussian()));
    float got = kakeya::detail::tree_sum(n, [&](std::size_t i) { return t[i]; });
    float want = reference(t);
    BOOST_TEST_CONTEXT("n=" << n) { BOOST_TEST(std::memcmp(&got, &want, 4) == 0); }
  }
  for (std::size_t n : {1024u, 4096u, 32768u, 32769u, 100000u}) {
    std::vector<float> t(n);
    for (auto& v : t) v = static_cast<float>(rng.gaussian());
    float got = kakeya::detail::tree_sum(n, [&](std::size_t i) { return t[i]; });
    float want = reference(t);
    BOOST_TEST(std::memcmp(&got, &want, 4) == 0);
  }
}

BOOST_AUTO_TEST_CASE(differs_from_left_to_right_summation) {
  // 1e8 + 1 + ... : the tree keeps the small terms together in their chunks.
  std::vector<float> t(16, 1.0f);
  t[0] = 1e8f;
  float seq = 0;
  for (float v : t) seq = seq + v;
  BOOST_TEST(seq == 1e8f);  // each +1 is lost against 1e8
  BOOST_TEST(kakeya::detail::tree_sum(16, [&](std::size_t i) { return t[i]; }) == 1e8f + 8.0f);
}
