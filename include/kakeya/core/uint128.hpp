// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file uint128.hpp
/// 128-bit unsigned integers for lattice indices (E8 in [-q, q]^8 needs 88 bits at q = 1000).
/// GCC, Clang and nvcc (host and device) all provide `unsigned __int128`.

#include <cstdint>
#include <string>

#include "kakeya/config.hpp"

namespace kakeya {

__extension__ typedef unsigned __int128 uint128;

/// Number of bits needed to store the integers 0 .. count-1 (0 for count <= 1), i.e. ceil(log2 count).
KAKEYA_HOST_DEVICE constexpr int bits_for_count(uint128 count) noexcept {
  if (count <= 1) return 0;
  uint128 v = count - 1;
  int b = 0;
  while (v != 0) {
    v >>= 1;
    ++b;
  }
  return b;
}

/// Decimal text of a 128-bit integer (JSON and messages).
inline std::string to_string(uint128 v) {
  if (v == 0) return "0";
  std::string s;
  while (v != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return s;
}

} // namespace kakeya
