// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "rope.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace dsv4 {

yarn_range yarn_correction_range(std::size_t dim, double theta, const yarn_config& y) {
  auto correction_dim = [&](double rotations) {
    return static_cast<double>(dim) *
           std::log(static_cast<double>(y.original_len) / (rotations * 2 * std::numbers::pi)) /
           (2 * std::log(theta));
  };
  int low = static_cast<int>(std::floor(correction_dim(y.beta_fast)));
  int high = static_cast<int>(std::ceil(correction_dim(y.beta_slow)));
  return {std::max(low, 0), std::min(high, static_cast<int>(dim) - 1)};
}

std::vector<float> rope_frequencies(std::size_t dim, double theta, std::size_t seqlen,
                                    const yarn_config* yarn) {
  if (dim == 0 || dim % 2 != 0) throw std::invalid_argument("rope dimension must be even");
  const std::size_t half = dim / 2;
  std::vector<float> f(half);
  // torch: 1.0 / (base ** (arange(0, dim, 2, float32) / dim)), all in float32.
  for (std::size_t i = 0; i < half; ++i) {
    const float e = static_cast<float>(2 * i) / static_cast<float>(dim);
    f[i] = 1.0f / std::pow(static_cast<float>(theta), e);
  }
  if (yarn != nullptr && seqlen > yarn->original_len) {
    const yarn_range r = yarn_correction_range(dim, theta, *yarn);
    float low = static_cast<float>(r.low), high = static_cast<float>(r.high);
    if (low == high) high += 0.001f; // the reference's guard against a zero-width ramp
    const float factor = static_cast<float>(yarn->factor);
    for (std::size_t i = 0; i < half; ++i) {
      const float ramp = std::clamp((static_cast<float>(i) - low) / (high - low), 0.0f, 1.0f);
      const float smooth = 1.0f - ramp;
      f[i] = f[i] / factor * (1.0f - smooth) + f[i] * smooth;
    }
  }
  return f;
}

void apply_rope(std::span<float> x, std::span<const float> freqs, std::size_t pos) {
  if (x.size() != 2 * freqs.size())
    throw std::invalid_argument("apply_rope: the vector must hold 2 values per frequency");
  const float t = static_cast<float>(pos); // torch.arange promoted to float32 (exact < 2^24)
  for (std::size_t i = 0; i < freqs.size(); ++i) {
    const float a = t * freqs[i];
    const float c = static_cast<float>(std::cos(static_cast<double>(a)));
    const float s = static_cast<float>(std::sin(static_cast<double>(a)));
    const float re = x[2 * i], im = x[2 * i + 1];
    x[2 * i] = re * c - im * s;
    x[2 * i + 1] = re * s + im * c;
  }
}

} // namespace dsv4
