// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file hadamard.hpp
/// The orthonormal Walsh-Hadamard transform H_D / sqrt(D) of Sylvester's construction
/// (H_1 = [1], H_2n = [[H_n, H_n], [H_n, -H_n]]), in place, in O(D log D), for every power of
/// two D from 2 to 32768. H_D / sqrt(D) is symmetric and orthogonal, so it is its own inverse.
///
/// Arithmetic order (the library's contract; the SIMD and CUDA backends reproduce it bit for
/// bit, docs/components/hadamard.md):
///   1. for h = 1, 2, 4, ..., D/2 (in this order), for every pair (i, i + h) with
///      (i & h) == 0: (x[i], x[i + h]) <- (x[i] + x[i + h], x[i] - x[i + h]), each a single
///      correctly rounded float addition or subtraction;
///   2. then every element is multiplied once by the float constant s_D = fl(1 / sqrt(D)):
///      exactly 2^(-k/2) for even k = log2 D; the correctly rounded float of 2^(-k/2) for odd k,
///      which is 2^(-(k-1)/2) * fl(1/sqrt 2) because scaling by a power of two is exact.
/// No fused multiply-add is involved. Butterflies of one stage touch disjoint pairs, so any
/// traversal order within a stage (or any blocking across stages that keeps each element's
/// stage order) gives the same bits.

#include <cstddef>
#include <span>
#include <string>

#include "kakeya/config.hpp"
#include "kakeya/core/error.hpp"

namespace kakeya {

/// Largest dimension the Hadamard transform supports (2^15).
inline constexpr std::size_t hadamard_max_dim = 32768;

/// True when `d` is a power of two in [2, hadamard_max_dim], the dimensions of `hadamard`.
KAKEYA_HOST_DEVICE constexpr bool is_hadamard_dim(std::size_t d) noexcept {
  return d >= 2 && d <= hadamard_max_dim && (d & (d - 1)) == 0;
}

namespace detail {

/// log2 of a power of two.
KAKEYA_HOST_DEVICE constexpr int log2_pow2(std::size_t n) noexcept {
  int k = 0;
  while ((std::size_t{1} << k) < n) ++k;
  return k;
}

/// fl(1 / sqrt(2^k)) for k = 0..15: the normalisation constant of the D = 2^k transform.
/// Even k: the exact power of two 2^(-k/2). Odd k: 2^(-(k-1)/2) * fl(1/sqrt 2), where
/// fl(1/sqrt 2) = 0x1.6a09e6p-1 (1/sqrt 2 = 0x1.6a09e667f3bcc908...p-1, rounded to 24 bits: down);
/// multiplying by a power of two is exact, so each odd entry is also correctly rounded.
/// hadamard_test checks every entry against 1/sqrt(2^k) in long double.
KAKEYA_HOST_DEVICE constexpr float inv_sqrt_pow2(int k) noexcept {
  switch (k) {
  case 0: return 1.0f;
  case 1: return 0x1.6a09e6p-1f;
  case 2: return 0x1.0p-1f;
  case 3: return 0x1.6a09e6p-2f;
  case 4: return 0x1.0p-2f;
  case 5: return 0x1.6a09e6p-3f;
  case 6: return 0x1.0p-3f;
  case 7: return 0x1.6a09e6p-4f;
  case 8: return 0x1.0p-4f;
  case 9: return 0x1.6a09e6p-5f;
  case 10: return 0x1.0p-5f;
  case 11: return 0x1.6a09e6p-6f;
  case 12: return 0x1.0p-6f;
  case 13: return 0x1.6a09e6p-7f;
  case 14: return 0x1.0p-7f;
  case 15: return 0x1.6a09e6p-8f;
  default: return 0.0f; // not a supported dimension
  }
}

/// One butterfly stage of span h over x[0, n): (x[i], x[i + h]) <- (x[i] + x[i + h],
/// x[i] - x[i + h]) for every i with (i & h) == 0. `x`: n floats.
KAKEYA_HOST_DEVICE inline void fwht_stage(float* x, std::size_t n, std::size_t h) noexcept {
  for (std::size_t i = 0; i < n; i += 2 * h) {
    float* lo = x + i;
    float* hi = x + i + h;
    for (std::size_t j = 0; j < h; ++j) {
      const float a = lo[j];
      const float b = hi[j];
      lo[j] = a + b;
      hi[j] = a - b;
    }
  }
}

/// The stage h = n/2 followed by the multiply by s, in one pass: (a + b) * s and (a - b) * s,
/// each rounded twice exactly as two separate passes would (no FMA can form).
/// `x`: n floats.
KAKEYA_HOST_DEVICE inline void fwht_last_stage_scaled(float* x, std::size_t n, float s) noexcept {
  const std::size_t h = n / 2;
  for (std::size_t j = 0; j < h; ++j) {
    const float a = x[j];
    const float b = x[j + h];
    x[j] = (a + b) * s;
    x[j + h] = (a - b) * s;
  }
}

/// Stages h = 1, 2, 4 on each block of 8 (n a multiple of 8), kept in registers: the same
/// operations on the same operands as three separate stages. `x`: n floats.
KAKEYA_HOST_DEVICE inline void fwht_radix8(float* x, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; i += 8) {
    float* v = x + i;
    const float a0 = v[0] + v[1], a1 = v[0] - v[1], a2 = v[2] + v[3], a3 = v[2] - v[3];
    const float a4 = v[4] + v[5], a5 = v[4] - v[5], a6 = v[6] + v[7], a7 = v[6] - v[7];
    const float b0 = a0 + a2, b1 = a1 + a3, b2 = a0 - a2, b3 = a1 - a3;
    const float b4 = a4 + a6, b5 = a5 + a7, b6 = a4 - a6, b7 = a5 - a7;
    v[0] = b0 + b4;
    v[1] = b1 + b5;
    v[2] = b2 + b6;
    v[3] = b3 + b7;
    v[4] = b0 - b4;
    v[5] = b1 - b5;
    v[6] = b2 - b6;
    v[7] = b3 - b7;
  }
}

/// The library's one arithmetic implementation of the orthonormal Walsh-Hadamard transform:
/// butterflies stage by stage (h = 1, 2, ..., n/2), then one multiply of every element by
/// inv_sqrt_pow2(log2 n) (file comment). The schedule below only regroups independent
/// operations (stages 1, 2, 4 fused per block of 8, the scale fused into the last stage), so
/// every element sees the same roundings as in the plain stage-by-stage loops; the fusion
/// makes the scalar code 2-3x faster (bench/hadamard_bench.cpp). `x`: n floats, in place.
/// Precondition: is_hadamard_dim(n) (not checked; n = 1 leaves x unchanged).
KAKEYA_HOST_DEVICE inline void fwht(float* x, std::size_t n) noexcept {
  const float s = inv_sqrt_pow2(log2_pow2(n));
  if (n < 16) {
    for (std::size_t h = 1; h < n; h *= 2) fwht_stage(x, n, h);
    for (std::size_t i = 0; i < n; ++i) x[i] = x[i] * s;
    return;
  }
  fwht_radix8(x, n); // h = 1, 2, 4
  for (std::size_t h = 8; h < n / 2; h *= 2) fwht_stage(x, n, h);
  fwht_last_stage_scaled(x, n, s); // h = n/2, then the scale
}

/// Throws kakeya::error(errc::invalid_dimension) naming `who` unless is_hadamard_dim(n).
inline void require_hadamard_dim(std::size_t n, const char* who) {
  if (!is_hadamard_dim(n))
    throw error(errc::invalid_dimension, std::string(who) + ": length " + std::to_string(n) +
                                             " is not a power of two in [2, 32768]");
}

} // namespace detail

/// The orthonormal Sylvester-Hadamard rotation H_D / sqrt(D) of R^D (models `Rotation`).
/// @tparam D dimension: a power of two in [2, 32768]; other values fail the requires-clause.
template <std::size_t D>
  requires(is_hadamard_dim(D))
struct hadamard {
  static constexpr std::size_t dim = D;

  /// x <- H_D x / sqrt(D), in place. `x`: D floats.
  KAKEYA_HOST_DEVICE void forward(std::span<float, D> x) const noexcept {
    detail::fwht(x.data(), D);
  }
  /// The inverse, identical to `forward` (the transform is symmetric and orthogonal).
  /// `x`: D floats.
  KAKEYA_HOST_DEVICE void inverse(std::span<float, D> x) const noexcept {
    detail::fwht(x.data(), D);
  }
};

/// Run-time-dimension Hadamard transform, in place: x <- H x / sqrt(x.size()), bit-identical
/// to `hadamard<D>::forward`. `x`: D floats, D a power of two in [2, 32768].
/// @throws kakeya::error (errc::invalid_dimension) for any other length.
inline void hadamard_transform(std::span<float> x) {
  detail::require_hadamard_dim(x.size(), "hadamard_transform");
  detail::fwht(x.data(), x.size());
}

} // namespace kakeya
