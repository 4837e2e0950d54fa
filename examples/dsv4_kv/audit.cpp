// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "audit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include <boost/math/distributions/normal.hpp>

#include "kakeya/transform/hadamard.hpp"
#include "model.hpp"

namespace dsv4 {

namespace {

struct column_moments {
  double mean, var, m4;
};

column_moments moments(std::span<const double> v) {
  double s = 0;
  for (double x : v) s += x;
  const double mean = s / double(v.size());
  double m2 = 0, m4 = 0;
  for (double x : v) {
    const double d = x - mean, d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  return {mean, m2 / double(v.size()), m4 / double(v.size())};
}

double ratio(double hi, double lo) {
  return lo > 0 ? hi / lo : std::numeric_limits<double>::infinity();
}

// Columns of a row-major [rows, dim] float array, as doubles.
std::vector<double> columns(std::span<const float> x, std::size_t rows, std::size_t dim) {
  std::vector<double> c(rows * dim);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < dim; ++j) c[j * rows + r] = x[r * dim + j];
  return c;
}

} // namespace

double gate_value(const audit_result& a, std::size_t i) {
  switch (i) {
  case 0:
    return a.excess_kurtosis_abs;
  case 1:
    return a.isotropy_variance_ratio;
  case 2:
    return a.hadamard_post_variance_ratio;
  case 3:
    return a.rms_w2_over_sigma;
  case 4:
    return a.p99_tail_proxy;
  }
  throw std::out_of_range("gate_value");
}

double linear_quantile(std::span<const double> sorted, double p) {
  if (sorted.empty()) throw std::invalid_argument("linear_quantile: no values");
  const double pos = p * double(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - double(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

std::vector<double> w2_interval_means(std::size_t n) {
  if (n == 0) throw std::invalid_argument("w2_interval_means: n = 0");
  const boost::math::normal_distribution<double> g;
  const double inv_sqrt_2pi = 1.0 / std::sqrt(2.0 * std::numbers::pi);
  // φ(Φ⁻¹(i/n)) for i = 0..n, 0 at both ends; c_i = φ(Φ⁻¹((i−1)/n)) − φ(Φ⁻¹(i/n)).
  auto phi_at = [&](std::size_t i) {
    if (i == 0 || i == n) return 0.0;
    const double a = boost::math::quantile(g, double(i) / double(n));
    return inv_sqrt_2pi * std::exp(-0.5 * a * a);
  };
  std::vector<double> c(n);
  double prev = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    const double cur = phi_at(i);
    c[i - 1] = prev - cur;
    prev = cur;
  }
  return c;
}

double w2_to_standard_normal(std::span<const double> sorted, std::span<const double> c) {
  const std::size_t n = sorted.size();
  if (n == 0 || c.size() != n) throw std::invalid_argument("w2_to_standard_normal: sizes");
  double sq = 0, cross = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sq += sorted[i] * sorted[i];
    cross += sorted[i] * c[i];
  }
  const double w2sq = sq / double(n) - 2.0 * cross + 1.0;
  return std::sqrt(std::max(w2sq, 0.0));
}

double w2_to_standard_normal(std::span<const double> sorted) {
  const auto c = w2_interval_means(sorted.size());
  return w2_to_standard_normal(sorted, c);
}

audit_result audit(std::span<const float> x, std::size_t rows, std::size_t dim) {
  if (x.size() != rows * dim) throw std::invalid_argument("audit: size mismatch");
  if (rows < 2) throw std::invalid_argument("audit: needs at least 2 vectors");
  if (!kakeya::is_hadamard_dim(dim))
    throw std::invalid_argument("audit: the dimension must be a power of two in [2, 32768]");
  audit_result a;
  a.vectors = rows;
  a.dim = dim;

  // Raw coordinates: kurtosis and isotropy.
  std::vector<double> col = columns(x, rows, dim);
  double kurt_sum = 0, vmax = 0, vmin = std::numeric_limits<double>::infinity();
  for (std::size_t j = 0; j < dim; ++j) {
    const auto m = moments({col.data() + j * rows, rows});
    kurt_sum += m.var > 0 ? std::fabs(m.m4 / (m.var * m.var) - 3.0) : 0.0;
    vmax = std::max(vmax, m.var);
    vmin = std::min(vmin, m.var);
  }
  a.excess_kurtosis_abs = kurt_sum / double(dim);
  a.isotropy_variance_ratio = ratio(vmax, vmin);

  // Rotated coordinates: variance ratio, W2 to the Gaussian, p99 proxy.
  std::vector<float> rot(x.begin(), x.end());
  for (std::size_t r = 0; r < rows; ++r) kakeya::hadamard_transform({rot.data() + r * dim, dim});
  col = columns(rot, rows, dim);
  const std::vector<double> cw = w2_interval_means(rows);
  std::vector<double> var(dim), w2sq(dim), p99sq(dim);
  // Coordinates in parallel; each writes its own slot, the sums below run in index order.
  parallel_for(dim, [&](std::size_t j) {
    std::span<const double> c(col.data() + j * rows, rows);
    const auto m = moments(c);
    var[j] = m.var;
    const double sd = std::sqrt(m.var);
    if (!(sd > 0)) { // a constant coordinate: W2(δ, N(0,1)) = 1
      w2sq[j] = p99sq[j] = 1.0;
      return;
    }
    std::vector<double> z(rows), az(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      z[r] = (c[r] - m.mean) / sd;
      az[r] = std::fabs(c[r] / sd); // the study's proxy does not centre
    }
    std::sort(z.begin(), z.end());
    const double w2 = w2_to_standard_normal(z, cw);
    w2sq[j] = w2 * w2;
    std::sort(az.begin(), az.end());
    const double p = linear_quantile(az, 0.99) / p99_two_sided - 1.0;
    p99sq[j] = p * p;
  });
  vmax = 0;
  vmin = std::numeric_limits<double>::infinity();
  double w2_sum = 0, p99_sum = 0;
  for (std::size_t j = 0; j < dim; ++j) {
    vmax = std::max(vmax, var[j]);
    vmin = std::min(vmin, var[j]);
    w2_sum += w2sq[j];
    p99_sum += p99sq[j];
  }
  a.hadamard_post_variance_ratio = ratio(vmax, vmin);
  a.rms_w2_over_sigma = std::sqrt(w2_sum / double(dim));
  a.p99_tail_proxy = std::sqrt(p99_sum / double(dim));
  return a;
}

audit_result gaussian_null_audit(std::size_t rows, std::size_t dim, std::uint64_t seed) {
  std::vector<float> g(rows * dim);
  fill_gaussian(g, seed ^ 0x6A09E667F3BCC908ull, 1.0);
  return audit(g, rows, dim);
}

} // namespace dsv4
