// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file pow2_scale.hpp
/// Exact magnitude normalisation: divides a vector by the largest power of two not above
/// max |x_i|, so that max |x_i| lands in [1, 2). Dividing by a power of two is exact, so the
/// stage loses nothing and makes everything after it independent of the vector's magnitude:
/// x and 2^k x give the same normalised vector, bit for bit. Placed first in a codec it also
/// keeps the rotation's sums far from float overflow whatever the input's magnitude.

#include <cstddef>
#include <span>

#include "kakeya/config.hpp"
#include "kakeya/scale/gain.hpp"

namespace kakeya {

/// Gain stage (models GainStage): g = 2^floor(log2 max|x_i|), x <- x / g; g = 0 for x = 0.
struct pow2_scale {
  static constexpr std::string_view name = "pow2";
  /// Normalises `v` (D floats, finite) in place and returns the gain.
  template <std::size_t D>
  KAKEYA_HOST_DEVICE float normalise(std::span<float, D> v) const noexcept {
    const float g = detail::pow2_floor(detail::max_abs(v.data(), D));
    if (g == 0.0f) return 0.0f;
    detail::divide_by(v.data(), D, g);
    return g;
  }
};

} // namespace kakeya
