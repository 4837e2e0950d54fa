// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file reduce.hpp
/// The library's one summation order for sums inside a vector (the least-squares gain, the
/// unit norm). Float addition is not associative, so every backend must add in the same order
/// to produce the same bits; this order is chosen to be cheap everywhere:
///
/// 1. the terms are split into aligned chunks of 8 (the last may be shorter) and each chunk is
///    summed left to right: c_j = ((t_8j + t_8j+1) + t_8j+2) + … ;
/// 2. the m chunk sums are combined by a stride-doubling tree: for k = 1, 2, 4, …: for every j
///    that is a multiple of 2k with j + k < m: c_j <- c_j + c_{j+k}; the result is c_0.
///
/// A GPU warp holding 8 consecutive values per lane computes it with in-lane adds and
/// shuffles; a SIMD backend working across vectors repeats it per lane; the scalar code below
/// streams it with a stack of log2(m) partial sums.

#include <cstddef>

#include "kakeya/config.hpp"

namespace kakeya::detail {

/// Sum of term(0) … term(n − 1) in the order of the file comment. `term` returns a float.
template <class Term>
KAKEYA_HOST_DEVICE inline float tree_sum(std::size_t n, Term term) noexcept {
  // level[k] holds the sum of 2^k consecutive chunks while bit k of `count` is set.
  float level[40];
  std::size_t count = 0;
  for (std::size_t start = 0; start < n; start += 8) {
    const std::size_t end = start + 8 < n ? start + 8 : n;
    float c = term(start);
    for (std::size_t i = start + 1; i < end; ++i) c = c + term(i);
    int k = 0;
    while ((count >> k) & 1u) { // merge with the equal-sized block to the left
      c = level[k] + c;
      ++k;
    }
    level[k] = c;
    ++count;
  }
  if (count == 0) return 0.0f;
  // Leftover blocks, smallest (rightmost) first: each joins the larger block to its left.
  int k = 0;
  while (((count >> k) & 1u) == 0) ++k;
  float acc = level[k];
  for (++k; (count >> k) != 0; ++k)
    if ((count >> k) & 1u) acc = level[k] + acc;
  return acc;
}

} // namespace kakeya::detail
