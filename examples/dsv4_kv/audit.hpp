// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file audit.hpp
/// The KakeyaLattice study's non-Gaussian audit of a set of vectors [N, D] (D a power of two),
/// with its flaws fixed (docs/dsv4.md):
/// - excess_kurtosis_abs: mean over coordinates of |m4/m2² − 3| (central moments, population);
/// - isotropy_variance_ratio: max / min coordinate variance;
/// - hadamard_post_variance_ratio: the same after the orthonormal Hadamard rotation of each
///   vector;
/// - rms_w2_over_sigma: after the rotation, each coordinate is standardised (its mean and
///   population σ) and its 2-Wasserstein distance to N(0, 1) is computed exactly from the
///   quantile functions: W2² = ∫₀¹ (F_n⁻¹(u) − Φ⁻¹(u))² du = Σ z_(i)²/n
///   − 2 Σ z_(i)·(φ(Φ⁻¹((i−1)/n)) − φ(Φ⁻¹(i/n))) + 1; reported is sqrt(mean over coordinates);
/// - p99_tail_proxy: the study's proxy sqrt(mean_j (p99(|y_j|/σ_j) / c − 1)²), y the rotated
///   (uncentred) coordinates, p99 by linear interpolation (torch.quantile), with the correct
///   two-sided constant c = Φ⁻¹(0.995) = 2.5758 (the study's 2.326 makes a Gaussian fire).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace dsv4 {

struct audit_result {
  double excess_kurtosis_abs = 0;
  double isotropy_variance_ratio = 0;
  double hadamard_post_variance_ratio = 0;
  double rms_w2_over_sigma = 0;
  double p99_tail_proxy = 0;
  std::size_t vectors = 0;
  std::size_t dim = 0;
};

/// The two-sided 99 % point of N(0, 1): P(|Z| ≤ c) = 0.99.
inline constexpr double p99_two_sided = 2.5758293035489004;

/// A gate of the study (§1.3): fired when the statistic exceeds the threshold.
struct gate {
  std::string_view key; ///< JSON key of the statistic
  std::string_view label;
  double threshold;
};
inline constexpr std::array<gate, 5> gates = {{
    {"excess_kurtosis_abs", "|excess kurtosis|", 0.5},
    {"isotropy_variance_ratio", "isotropy var ratio", 1.5},
    {"hadamard_post_variance_ratio", "post-Hadamard var ratio", 1.5},
    {"rms_wasserstein2_over_sigma_per_dim", "W2/sigma (quantiles)", 0.05},
    {"p99_tail_proxy", "p99 proxy (c=2.5758)", 0.05},
}};

/// The value of statistic `i` (the order of `gates`).
double gate_value(const audit_result& a, std::size_t i);

/// Audits x: rows·dim floats, row-major; dim a power of two ≥ 2, rows ≥ 2.
audit_result audit(std::span<const float> x, std::size_t rows, std::size_t dim);

/// The same audit on iid N(0, 1) data of the same shape (seeded): what sampling noise alone
/// produces at this number of vectors.
audit_result gaussian_null_audit(std::size_t rows, std::size_t dim, std::uint64_t seed);

/// W2 distance between the empirical distribution of `sorted` (ascending, n ≥ 1 values) and
/// N(0, 1), exact for the step quantile function (formula above).
double w2_to_standard_normal(std::span<const double> sorted);
/// The same with the weights c_i = ∫ Φ⁻¹ over ((i−1)/n, i/n) precomputed (w2_interval_means).
double w2_to_standard_normal(std::span<const double> sorted, std::span<const double> c);
/// c_i = φ(Φ⁻¹((i−1)/n)) − φ(Φ⁻¹(i/n)) for i = 1..n: the integral of Φ⁻¹ over each step.
std::vector<double> w2_interval_means(std::size_t n);

/// Quantile by linear interpolation between order statistics (torch.quantile's default):
/// position (n − 1)·p of `sorted`.
double linear_quantile(std::span<const double> sorted, double p);

} // namespace dsv4
