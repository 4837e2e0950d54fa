// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file refine_gain.hpp
/// Least-squares gain refinement, an encoder-side search that costs no bits. After the gain
/// stages have normalised the vector to v, each pass quantises w = v / c (c = 1 at first),
/// reconstructs r (what the decoder will see) and sets c to the least-squares optimum
/// <v, r> / <r, r>. The code stores the points of the last pass and the gain c that is optimal
/// for exactly those points, so the error never exceeds that of the plain codec: each pass
/// is one step of an alternating minimisation of ‖v − c·r‖² over c and over the codebook.
/// Sums run in the library's fixed order (core/reduce.hpp) in float; divisions are IEEE.

#include <string_view>

namespace kakeya {

/// Codec stage (models GainRefinement): `passes` rounds of quantise + least-squares gain.
/// passes = 0 turns the refinement off.
struct refine_gain {
  static constexpr bool is_gain_refinement = true;
  static constexpr std::string_view name = "refine_gain";
  int n = 2;
  [[nodiscard]] constexpr int passes() const noexcept { return n; }
};

} // namespace kakeya
