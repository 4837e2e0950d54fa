// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file random.hpp
/// Small, platform-independent random numbers for test data, demos and seeded stages:
/// splitmix64 (Steele, Lea & Flood 2014) as a counter-based hash and a sequential generator,
/// with the same values on every compiler and standard library (std::normal_distribution
/// differs between implementations, this does not).

#include <cmath>
#include <cstdint>
#include <numbers>

#include "kakeya/config.hpp"

namespace kakeya {

/// The splitmix64 finaliser: a bijective 64-bit mix, usable as a stateless hash of a counter.
KAKEYA_HOST_DEVICE constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/// A seeded sequential generator of uniform, Gaussian and Laplace variates (host only).
class random_stream {
public:
  explicit constexpr random_stream(std::uint64_t seed) noexcept : state_(seed) {}
  /// The next 64 random bits.
  constexpr std::uint64_t next() noexcept { return splitmix64(state_++ * 0x2545f4914f6cdd1dull); }
  /// Uniform on (0, 1): never exactly 0 or 1 (53 random bits, offset by half a step).
  double uniform() noexcept { return (static_cast<double>(next() >> 11) + 0.5) * 0x1p-53; }
  /// Standard normal (Box–Muller, one value per call).
  double gaussian() noexcept {
    double u = uniform(), v = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * v);
  }
  /// Laplace with unit variance (scale 1/√2).
  double laplace() noexcept {
    double u = uniform() - 0.5;
    double m = -std::log(1.0 - 2.0 * std::fabs(u)) / std::numbers::sqrt2;
    return u < 0 ? -m : m;
  }

private:
  std::uint64_t state_;
};

} // namespace kakeya
