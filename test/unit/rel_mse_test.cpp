// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE rel_mse
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "kakeya/metrics/rel_mse.hpp"

using kakeya::measure_quality;

BOOST_AUTO_TEST_CASE(hand_computed_values) {
  // X = [[1, 2], [3, 6]]: column means (2, 4); |X - mean|^2 = 1+4+1+4 = 10.
  // Xhat = [[1, 2], [3, 5]]: error 1 in one element.
  std::vector<float> x = {1, 2, 3, 6}, y = {1, 2, 3, 5};
  auto q = measure_quality(x, y, 2, 2);
  BOOST_TEST(q.rel_mse == 0.1, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(q.max_abs_error == 1.0);
  BOOST_TEST(q.snr_db == 10 * std::log10(50.0), boost::test_tools::tolerance(1e-12)); // |X|^2 = 50
  double cos1 = 1.0, cos2 = (9 + 30) / (std::sqrt(45.0) * std::sqrt(34.0));
  BOOST_TEST(q.cosine == (cos1 + cos2) / 2, boost::test_tools::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(exact_and_degenerate_cases) {
  std::vector<float> x = {1, -2, 3, 4}, zero(4, 0.0f);
  auto q = measure_quality(x, x, 2, 2);
  BOOST_TEST(q.rel_mse == 0.0);
  BOOST_TEST(q.cosine == 1.0, boost::test_tools::tolerance(1e-15));
  BOOST_TEST(std::isinf(q.snr_db));
  // predicting the column mean gives rel_mse = 1
  std::vector<float> a = {1, 10, 3, 20}, m = {2, 15, 2, 15};
  BOOST_TEST(measure_quality(a, m, 2, 2).rel_mse == 1.0, boost::test_tools::tolerance(1e-15));
  // zero rows: cosine 1 when both are zero, 0 when one is
  BOOST_TEST(measure_quality(zero, zero, 2, 2).cosine == 1.0);
  BOOST_TEST(measure_quality(x, zero, 2, 2).cosine == 0.0);
  BOOST_CHECK_THROW(measure_quality(x, zero, 3, 2), kakeya::error);
}
