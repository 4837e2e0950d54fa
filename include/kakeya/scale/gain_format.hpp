// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file gain_format.hpp
/// Chooses the number format of a codec's per-vector gain field (fp32 when absent).
/// `codec<D, Q, hadamard<D>, absmax, gain_as<bf16>>` stores the gain in 16 bits; the decoder
/// multiplies by the rounded value, so the cost is the format's relative rounding error.

#include "kakeya/core/concepts.hpp"

namespace kakeya {

/// Codec stage marker: store the gain in format F (a ScalarFormat: fp32, fp16, bf16, ...).
template <ScalarFormat F>
struct gain_as {
  using format = F;
  static constexpr bool is_gain_format = true;
};

} // namespace kakeya
