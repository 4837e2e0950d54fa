// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file truncated.hpp
/// A box-truncated lattice codebook Λ ∩ [-q, q]^dim as a value: the lattice type, q (fixed at
/// compile time or checked at run time), the exact point count, the index width, and the
/// closest codebook point and index <-> point bijection. Codecs hold one of these as their
/// block quantiser, e.g. `truncated<e8, 38>` (51-bit indices).

#include <cstddef>
#include <span>
#include <string>

#include "kakeya/config.hpp"
#include "kakeya/core/concepts.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/core/uint128.hpp"

namespace kakeya {

/// The Q of `truncated<L, Q>` meaning "q is given to the constructor at run time".
inline constexpr int dynamic_q = 0;

/// The codebook L ∩ [-q, q]^dim with q = Q fixed at compile time: an empty type whose q,
/// count and index_bits are constant expressions (`truncated<e8, 38>::index_bits() == 51`).
/// `truncated<L>` (Q = dynamic_q) takes q at run time instead; see the specialisation.
/// Buffers: `y` and `out` hold dim floats each (they may be the same array).
/// @tparam L a TruncatableLattice (zn<N>, dn<N>, e8 or a user lattice).
/// @tparam Q the box half-width, 1 <= Q <= L::max_box_q, or dynamic_q.
template <TruncatableLattice L, int Q = dynamic_q> class truncated {
  static_assert(Q >= 1 && Q <= L::max_box_q,
                "kakeya::truncated<L, Q> needs 1 <= Q <= L::max_box_q (or Q = dynamic_q)");

public:
  using lattice = L;
  static constexpr std::size_t dim = L::dim;
  /// True: q is a compile-time constant.
  static constexpr bool static_q = true;

  /// The box half-width Q.
  KAKEYA_HOST_DEVICE static constexpr int q() noexcept { return Q; }
  /// Number of codebook points, exact.
  KAKEYA_HOST_DEVICE static constexpr uint128 count() noexcept { return L::box_count(Q); }
  /// Bits of one index: ceil(log2 count()).
  KAKEYA_HOST_DEVICE static constexpr int index_bits() noexcept {
    return bits_for_count(L::box_count(Q));
  }

  /// Writes the codebook point nearest to y.
  KAKEYA_HOST_DEVICE static void closest_point(std::span<const float, dim> y,
                                               std::span<float, dim> out) noexcept {
    L::box_closest_point(y, Q, out);
  }
  /// Index in [0, count()) of a codebook point (a non-codebook point gets some index in
  /// range; see the lattice's box_to_index).
  KAKEYA_HOST_DEVICE static uint128 to_index(std::span<const float, dim> point) noexcept {
    return L::box_to_index(point, Q);
  }
  /// Writes the codebook point of index i (i >= count() decodes as count() - 1).
  KAKEYA_HOST_DEVICE static void from_index(uint128 i, std::span<float, dim> out) noexcept {
    L::box_from_index(i, Q, out);
  }
};

/// The codebook L ∩ [-q, q]^dim with q chosen at run time and checked by the constructor.
/// Trivially copyable (one int), so it can be passed by value into a CUDA kernel.
/// @tparam L a TruncatableLattice.
template <TruncatableLattice L> class truncated<L, dynamic_q> {
public:
  using lattice = L;
  static constexpr std::size_t dim = L::dim;
  /// False: q is a run-time value.
  static constexpr bool static_q = false;

  /// Checks 1 <= q <= L::max_box_q; throws kakeya::error(errc::invalid_argument) otherwise.
  explicit truncated(int q) : q_(q) {
    if (q < 1 || q > L::max_box_q) {
      throw error(errc::invalid_argument,
                  "kakeya::truncated<" + std::string(L::name) + ">: q = " + std::to_string(q) +
                      " is out of range; the box codebook of " + std::string(L::name) +
                      " needs 1 <= q <= " + std::to_string(L::max_box_q));
    }
  }

  /// The box half-width.
  KAKEYA_HOST_DEVICE int q() const noexcept { return q_; }
  /// Number of codebook points, exact.
  KAKEYA_HOST_DEVICE uint128 count() const noexcept { return L::box_count(q_); }
  /// Bits of one index: ceil(log2 count()).
  KAKEYA_HOST_DEVICE int index_bits() const noexcept { return bits_for_count(count()); }

  /// Writes the codebook point nearest to y.
  KAKEYA_HOST_DEVICE void closest_point(std::span<const float, dim> y,
                                        std::span<float, dim> out) const noexcept {
    L::box_closest_point(y, q_, out);
  }
  /// Index in [0, count()) of a codebook point (a non-codebook point gets some index in
  /// range; see the lattice's box_to_index).
  KAKEYA_HOST_DEVICE uint128 to_index(std::span<const float, dim> point) const noexcept {
    return L::box_to_index(point, q_);
  }
  /// Writes the codebook point of index i (i >= count() decodes as count() - 1).
  KAKEYA_HOST_DEVICE void from_index(uint128 i, std::span<float, dim> out) const noexcept {
    L::box_from_index(i, q_, out);
  }

private:
  int q_;
};

} // namespace kakeya
