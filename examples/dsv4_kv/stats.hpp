// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file stats.hpp
/// Mean and 95 % confidence interval over independent passages, with the exact Student-t
/// quantile (Boost.Math): mean ± t_{0.975, n−1} · s / √n, s the sample standard deviation.

#include <cstddef>
#include <span>

namespace dsv4 {

/// The p-quantile of Student's t with `df` degrees of freedom (df > 0).
double student_t_quantile(double p, double df);

struct mean_ci {
  double mean = 0;
  double half_width = 0; ///< 0 when n < 2 (no interval)
  double sd = 0;         ///< sample standard deviation (n − 1)
  std::size_t n = 0;
};

/// Mean and 95 % CI half-width of `v` (n ≥ 1; the interval needs n ≥ 2).
mean_ci ci95(std::span<const double> v);

} // namespace dsv4
