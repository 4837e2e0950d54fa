// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file unit_norm.hpp
/// Unit-norm factorisation x = ‖x‖ · u. The norm is computed without overflow or underflow
/// for any finite x: first an exact division by p = 2^floor(log2 max|x_i|), then the sum of
/// squares in the library's fixed order (core/reduce.hpp), then ‖x‖ = sqrt(s) · p and
/// u_i = (x_i / p) / sqrt(s).

#include <cmath>
#include <cstddef>
#include <span>

#include "kakeya/config.hpp"
#include "kakeya/scale/gain.hpp"

namespace kakeya {

/// Gain stage (models GainStage): g = ‖v‖₂, v <- v / ‖v‖₂; g = 0 for v = 0.
struct unit_norm {
  static constexpr std::string_view name = "unit_norm";
  /// Normalises `v` (D floats, finite) in place and returns the norm.
  template <std::size_t D>
  KAKEYA_HOST_DEVICE float normalise(std::span<float, D> v) const noexcept {
    float s = 0.0f;
    const float p = detail::pow2_divide_sum_squares(v.data(), D, s);
    if (p == 0.0f) return 0.0f;
    const float r = sqrtf(s);
    detail::divide_by(v.data(), D, r);
    return r * p;
  }
};

} // namespace kakeya
