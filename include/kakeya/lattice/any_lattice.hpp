// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file any_lattice.hpp
/// A lattice chosen by name at run time (for the CLI, files and bindings): bulk closest
/// points of whole arrays, plain or box-truncated. The typed lattices (zn.hpp, dn.hpp,
/// e8.hpp) are the real implementation; this is a thin dispatch over the built-in ones,
/// compiled once in kernels/cpu/any_lattice.cpp.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kakeya/core/uint128.hpp"

namespace kakeya {

/// A built-in lattice picked by name: "z4", "z8", "d4", "d8" or "e8".
class any_lattice {
public:
  /// Throws kakeya::error(errc::invalid_argument) for an unknown name, listing the known ones.
  static any_lattice from_name(std::string_view name);
  /// The names from_name accepts.
  static std::vector<std::string> names();

  [[nodiscard]] std::string_view name() const noexcept;
  [[nodiscard]] std::size_t dim() const noexcept;
  /// Largest q accepted by the box-truncated operations.
  [[nodiscard]] int max_box_q() const noexcept;
  /// Exact number of lattice points in [-q, q]^dim. Throws errc::invalid_argument for a bad q.
  [[nodiscard]] uint128 box_count(int q) const;

  /// Closest lattice point of each consecutive block of dim() values.
  /// @param in  k * dim() floats (any k); must be finite
  /// @param out in.size() floats
  /// @param q   when set, the closest point of the box-truncated lattice Λ ∩ [-q, q]^dim
  /// Throws errc::invalid_dimension when in.size() is not a multiple of dim() or the sizes
  /// differ, errc::invalid_argument for a bad q.
  void closest_points(std::span<const float> in, std::span<float> out,
                      std::optional<int> q = std::nullopt) const;

  struct table; ///< implementation detail: the dispatch table of one built-in lattice

private:
  explicit any_lattice(const table* t) noexcept : t_(t) {}
  const table* t_;
};

} // namespace kakeya
