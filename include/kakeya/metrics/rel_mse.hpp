// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file rel_mse.hpp
/// Reconstruction quality of an [N, D] array X against its reconstruction X̂, accumulated in
/// double in a fixed order:
/// - rel_mse = ‖X − X̂‖²_F / ‖X − mean(X)‖²_F, mean(X) the per-column mean over the rows
///   (error relative to the data's own variance; 0 is perfect, 1 is as bad as the mean);
/// - cosine = mean over rows of cos(x_i, x̂_i) (1 for a row where both are zero, 0 where one is);
/// - snr_db = 10·log10(‖X‖²_F / ‖X − X̂‖²_F) (+Inf for an exact reconstruction);
/// - max_abs_error = max |X − X̂| over all elements.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "kakeya/core/error.hpp"

namespace kakeya {

/// The four quality figures of a reconstruction (see the file comment for definitions).
struct quality {
  double rel_mse = 0;
  double cosine = 0;
  double snr_db = 0;
  double max_abs_error = 0;
};

/// Quality of `xhat` against `x`, both rows * cols floats in row-major order.
/// Throws kakeya::error(errc::invalid_dimension) when the sizes disagree.
inline quality measure_quality(std::span<const float> x, std::span<const float> xhat,
                               std::size_t rows, std::size_t cols) {
  require(x.size() == rows * cols && xhat.size() == rows * cols, errc::invalid_dimension,
          "measure_quality: expected " + std::to_string(rows * cols) + " values in both arrays, got " +
              std::to_string(x.size()) + " and " + std::to_string(xhat.size()));
  quality q;
  if (rows == 0 || cols == 0) return q;
  std::vector<double> mean(cols, 0.0);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) mean[j] += x[i * cols + j];
  for (auto& m : mean) m /= static_cast<double>(rows);
  double err = 0, var = 0, energy = 0, cos_sum = 0, max_err = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    double dot = 0, nx = 0, ny = 0;
    for (std::size_t j = 0; j < cols; ++j) {
      double a = x[i * cols + j], b = xhat[i * cols + j], d = a - b, c = a - mean[j];
      err += d * d;
      var += c * c;
      energy += a * a;
      dot += a * b;
      nx += a * a;
      ny += b * b;
      max_err = std::max(max_err, std::fabs(d));
    }
    if (nx == 0 && ny == 0)
      cos_sum += 1;
    else if (nx > 0 && ny > 0)
      cos_sum += dot / (std::sqrt(nx) * std::sqrt(ny));
  }
  constexpr double inf = std::numeric_limits<double>::infinity();
  q.rel_mse = var > 0 ? err / var : (err == 0 ? 0 : inf);
  q.cosine = cos_sum / static_cast<double>(rows);
  q.snr_db = err > 0 ? 10 * std::log10(energy / err) : inf;
  q.max_abs_error = max_err;
  return q;
}

} // namespace kakeya
