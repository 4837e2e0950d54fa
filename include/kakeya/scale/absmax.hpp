// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file absmax.hpp
/// Per-vector max scaling (KakeyaLattice's "qmax"): divides the vector by m = max |v_i| so that
/// every coordinate lies in [-1, 1] and the largest touches ±1. A box-truncated lattice block
/// quantiser then maps [-1, 1] onto its box [-q, q]. m is one of the vector's own values, so
/// it is stored exactly.

#include <cstddef>
#include <span>

#include "kakeya/config.hpp"
#include "kakeya/scale/gain.hpp"

namespace kakeya {

/// Gain stage (models GainStage): g = max |v_i|, v <- v / g (IEEE division); g = 0 for v = 0.
struct absmax {
  static constexpr std::string_view name = "absmax";
  /// Normalises `v` (D floats, finite) in place and returns the gain.
  template <std::size_t D>
  KAKEYA_HOST_DEVICE float normalise(std::span<float, D> v) const noexcept {
    const float m = detail::max_abs(v.data(), D);
    if (m == 0.0f) return 0.0f;
    detail::divide_by(v.data(), D, m);
    return m;
  }
};

} // namespace kakeya
