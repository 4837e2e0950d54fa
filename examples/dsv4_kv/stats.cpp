// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "stats.hpp"

#include <cmath>
#include <stdexcept>

#include <boost/math/distributions/students_t.hpp>

namespace dsv4 {

double student_t_quantile(double p, double df) {
  if (!(df > 0) || !(p > 0 && p < 1))
    throw std::invalid_argument("student_t_quantile: bad arguments");
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

mean_ci ci95(std::span<const double> v) {
  if (v.empty()) throw std::invalid_argument("ci95: no values");
  mean_ci r;
  r.n = v.size();
  double s = 0;
  for (double x : v) s += x;
  r.mean = s / double(r.n);
  if (r.n < 2) return r;
  double ss = 0;
  for (double x : v) ss += (x - r.mean) * (x - r.mean);
  r.sd = std::sqrt(ss / double(r.n - 1));
  r.half_width = student_t_quantile(0.975, double(r.n - 1)) * r.sd / std::sqrt(double(r.n));
  return r;
}

} // namespace dsv4
