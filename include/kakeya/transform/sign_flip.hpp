// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file sign_flip.hpp
/// Seeded random sign flips and the randomised Hadamard rotation H D_s / sqrt(D), where D_s is
/// the diagonal of signs s_i in {+1, -1} (Ailon & Chazelle 2006, the "fast Johnson-Lindenstrauss"
/// preconditioner; QuaRot / QuIP# use the same rotation before quantisation).
///
/// Each sign is a pure function of (seed, index) with no state: s_i is negative exactly when
/// bit 63 of the (i + 1)-th output of splitmix64 seeded with `seed` is set (Steele, Lea & Flood
/// 2014; the generator of Java's SplittableRandom), i.e. of
///   mix(seed + (i + 1) * 0x9e3779b97f4a7c15)   (arithmetic mod 2^64),
///   mix(z) = z3 with z1 = (z ^ z >> 30) * 0xbf58476d1ce4e5b9, z2 = (z1 ^ z1 >> 27) *
///   0x94d049bb133111eb, z3 = z2 ^ z2 >> 31.
/// Only 64-bit integer arithmetic is involved, so the CPU, SIMD and CUDA code produce the same
/// signs for any index, in any order, on any thread, with nothing shared.
///
/// Multiplying by -1 is applied as an XOR of the float's sign bit: exact, bit-identical on every
/// backend, and NaN-safe (a NaN stays a NaN with the same payload, -0 and +0 swap, infinities
/// swap). No floating-point operation is performed by the flip.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "kakeya/config.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/transform/hadamard.hpp"

namespace kakeya {

namespace detail {

/// Flips the sign of `x` when `mask` is 0x80000000 and leaves it alone when `mask` is 0, by an
/// XOR of the IEEE-754 sign bit.
KAKEYA_HOST_DEVICE inline float xor_sign_bit(float x, std::uint32_t mask) noexcept {
#if KAKEYA_DEVICE_CODE
  return __uint_as_float(__float_as_uint(x) ^ mask);
#else
  return std::bit_cast<float>(std::bit_cast<std::uint32_t>(x) ^ mask);
#endif
}
} // namespace detail

/// The sign of coordinate `i` under `seed` as an XOR mask for a float's bit pattern:
/// 0x80000000 when s_i = -1, 0 when s_i = +1.
KAKEYA_HOST_DEVICE constexpr std::uint32_t sign_mask(std::uint64_t seed,
                                                     std::uint64_t i) noexcept {
  // the (i + 1)-th output of splitmix64 seeded with `seed` (core/random.hpp adds the step)
  const std::uint64_t z = splitmix64(seed + i * 0x9e3779b97f4a7c15ULL);
  return static_cast<std::uint32_t>(z >> 63) << 31;
}

/// The sign s_i in {+1.0f, -1.0f} of coordinate `i` under `seed`.
KAKEYA_HOST_DEVICE constexpr float sign_of(std::uint64_t seed, std::uint64_t i) noexcept {
  return sign_mask(seed, i) != 0 ? -1.0f : 1.0f;
}

namespace detail {
/// x[i] <- s_i x[i] for i in [0, n) with the signs of `seed`. `x`: n floats.
KAKEYA_HOST_DEVICE inline void apply_signs(float* x, std::size_t n, std::uint64_t seed) noexcept {
  for (std::size_t i = 0; i < n; ++i) x[i] = xor_sign_bit(x[i], sign_mask(seed, i));
}
} // namespace detail

/// x[i] <- s_i x[i] for every i, with the signs of `seed` (an involution). Any length.
/// `x`: x.size() floats, modified in place.
KAKEYA_HOST_DEVICE inline void flip_signs(std::span<float> x, std::uint64_t seed) noexcept {
  detail::apply_signs(x.data(), x.size(), seed);
}

/// The randomised Hadamard rotation of R^D (models `Rotation`): forward x <- H (s ⊙ x) / sqrt(D),
/// inverse x <- s ⊙ (H x / sqrt(D)), with the signs s of `seed` (sign_of) and the arithmetic
/// order of `hadamard<D>`. Trivially copyable: the whole state is the 64-bit seed.
/// @tparam D dimension: a power of two in [2, 32768].
template <std::size_t D>
  requires(is_hadamard_dim(D))
struct randomized_hadamard {
  static constexpr std::size_t dim = D;
  std::uint64_t seed = 0; ///< selects the sign vector

  /// x <- H_D (s ⊙ x) / sqrt(D), in place. `x`: D floats.
  KAKEYA_HOST_DEVICE void forward(std::span<float, D> x) const noexcept {
    detail::apply_signs(x.data(), D, seed);
    detail::fwht(x.data(), D);
  }
  /// x <- s ⊙ (H_D x / sqrt(D)), in place; undoes `forward` up to float rounding.
  /// `x`: D floats.
  KAKEYA_HOST_DEVICE void inverse(std::span<float, D> x) const noexcept {
    detail::fwht(x.data(), D);
    detail::apply_signs(x.data(), D, seed);
  }
};

/// Run-time-dimension `randomized_hadamard<D>::forward`, bit-identical to it.
/// `x`: D floats, D a power of two in [2, 32768].
/// @throws kakeya::error (errc::invalid_dimension) for any other length.
inline void randomized_hadamard_forward(std::span<float> x, std::uint64_t seed) {
  detail::require_hadamard_dim(x.size(), "randomized_hadamard_forward");
  detail::apply_signs(x.data(), x.size(), seed);
  detail::fwht(x.data(), x.size());
}

/// Run-time-dimension `randomized_hadamard<D>::inverse`, bit-identical to it.
/// `x`: D floats, D a power of two in [2, 32768].
/// @throws kakeya::error (errc::invalid_dimension) for any other length.
inline void randomized_hadamard_inverse(std::span<float> x, std::uint64_t seed) {
  detail::require_hadamard_dim(x.size(), "randomized_hadamard_inverse");
  detail::fwht(x.data(), x.size());
  detail::apply_signs(x.data(), x.size(), seed);
}

} // namespace kakeya
