// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file voronoi.hpp
/// Voronoi (nested-lattice) codebooks Λ ∩ V(qΛ) (Conway & Sloane 1983, "A fast encoding method
/// for lattice codes and quantizers", IEEE Trans. IT-29(6)): the q^n points of a lattice Λ that
/// lie in the Voronoi cell of the coarse lattice qΛ, one per coset of Λ / qΛ.
///
/// Index of a point t ∈ Λ: its coordinates k = G⁻¹ t in a generator basis G of Λ, each taken
/// mod q, read as the base-q number Σ k_i q^i (for q = 2^R: the digits side by side, exactly
/// n·R bits). Point of an index: x = G k, then the reduction p = x − q · Q_Λ(x / q) into
/// V(qΛ), with Q_Λ the lattice's own closest-point routine and its tie rules.
///
/// Ties on the boundary of V(qΛ): a coset of Λ / qΛ may have several points of least norm
/// (points on the cell's boundary). The codebook holds exactly one of them, the one the
/// reduction above returns (the representative of the coset). So index -> point -> index is
/// the identity for every index and the map is a bijection between [0, q^n) and the codebook;
/// `contains(t)` tells whether a lattice point t is that representative (t inside V(qΛ) and,
/// if on its boundary, the chosen one), by the round trip point(index(t)) == t.
///
/// Generator bases (rows; t = Σ k_i b_i), chosen triangular so that G⁻¹ is a short recursion
/// in integers:
/// - Z^n: b_i = e_i;                            k_i = t_i.
/// - D_n: b_1 = 2e_1, b_i = e_i − e_{i−1};      k_n = t_n, k_j = t_j + k_{j+1}, k_1 = (t_1 + k_2)/2.
/// - E_8: the D_7 rows above on the first 7 coordinates, b_8 = ½·1 (determinant 2 · ½ = 1);
///        k_8 = 2 t_8 and the D_7 recursion on u_i = t_i − t_8 (i < 8).
/// Every operation is exact integer arithmetic or an exact float operation on small integers
/// and halves; x / q is exact for q a power of two (other q give a deterministic, correctly
/// rounded quotient: the map stays a bijection, the representative of a boundary coset may
/// then lie a rounding error outside the closed cell).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "kakeya/config.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/core/concepts.hpp"
#include "kakeya/core/uint128.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/lattice/zn.hpp"

namespace kakeya {

/// The generator basis of a lattice for Voronoi codes: `coords` (point -> integer coordinates,
/// not reduced) and `combine` (integer coordinates -> point). Specialised for zn, dn, e8.
template <class L>
struct voronoi_basis;

template <std::size_t N>
struct voronoi_basis<zn<N>> {
  /// 4ρ² and 4R²: four times the squared packing and covering radii (integers).
  static constexpr std::int64_t packing4 = 1, covering4 = static_cast<std::int64_t>(N);
  KAKEYA_HOST_DEVICE static void coords(const float* t, std::int32_t* k) noexcept {
    for (std::size_t i = 0; i < N; ++i) k[i] = static_cast<std::int32_t>(t[i]);
  }
  KAKEYA_HOST_DEVICE static void combine(const std::int32_t* k, float* x) noexcept {
    for (std::size_t i = 0; i < N; ++i) x[i] = static_cast<float>(k[i]);
  }
};

namespace detail {
// D_n coordinates of an integer vector u with even sum (rows 2e_1, e_i − e_{i−1}).
template <std::size_t N>
KAKEYA_HOST_DEVICE inline void dn_coords(const std::int32_t* u, std::int32_t* k) noexcept {
  k[N - 1] = u[N - 1];
  for (std::size_t j = N - 1; j-- > 1;) k[j] = u[j] + k[j + 1];
  k[0] = (u[0] + k[1]) / 2; // u[0] + k[1] = Σ u_i is even: exact
}
template <std::size_t N>
KAKEYA_HOST_DEVICE inline void dn_combine(const std::int32_t* k, std::int32_t* u) noexcept {
  u[0] = 2 * k[0] - k[1];
  for (std::size_t j = 1; j + 1 < N; ++j) u[j] = k[j] - k[j + 1];
  u[N - 1] = k[N - 1];
}
} // namespace detail

template <std::size_t N>
struct voronoi_basis<dn<N>> {
  /// 4ρ² = 2 (minimal norm √2); 4R² = max(4, N) (deep holes (1, 0, …) and ½·𝟙).
  static constexpr std::int64_t packing4 = 2, covering4 = N > 4 ? static_cast<std::int64_t>(N) : 4;
  KAKEYA_HOST_DEVICE static void coords(const float* t, std::int32_t* k) noexcept {
    std::int32_t u[N];
    for (std::size_t i = 0; i < N; ++i) u[i] = static_cast<std::int32_t>(t[i]);
    detail::dn_coords<N>(u, k);
  }
  KAKEYA_HOST_DEVICE static void combine(const std::int32_t* k, float* x) noexcept {
    std::int32_t u[N];
    detail::dn_combine<N>(k, u);
    for (std::size_t i = 0; i < N; ++i) x[i] = static_cast<float>(u[i]);
  }
};

template <>
struct voronoi_basis<e8> {
  /// 4ρ² = 2 (minimal norm √2); 4R² = 4 (covering radius 1).
  static constexpr std::int64_t packing4 = 2, covering4 = 4;
  KAKEYA_HOST_DEVICE static void coords(const float* t, std::int32_t* k) noexcept {
    const float t7 = t[7];
    std::int32_t u[7];
    for (std::size_t i = 0; i < 7; ++i) u[i] = static_cast<std::int32_t>(t[i] - t7); // exact
    detail::dn_coords<7>(u, k);
    k[7] = static_cast<std::int32_t>(2.0f * t7);
  }
  KAKEYA_HOST_DEVICE static void combine(const std::int32_t* k, float* x) noexcept {
    std::int32_t u[7];
    detail::dn_combine<7>(k, u);
    const float h = 0.5f * static_cast<float>(k[7]);
    for (std::size_t i = 0; i < 7; ++i) x[i] = static_cast<float>(u[i]) + h;
    x[7] = h;
  }
};

/// A lattice with a Voronoi-code generator basis (Z^n, D_n, E_8).
template <class L>
concept VoronoiLattice = Lattice<L> && requires(const float* t, std::int32_t* k, float* x) {
  { voronoi_basis<L>::coords(t, k) } noexcept;
  { voronoi_basis<L>::combine(k, x) } noexcept;
  { voronoi_basis<L>::packing4 } -> std::convertible_to<std::int64_t>;
  { voronoi_basis<L>::covering4 } -> std::convertible_to<std::int64_t>;
};

/// The Voronoi codebook Λ ∩ V(qΛ) of a lattice L with q at run time (see the file comment).
/// Trivially copyable (one int), so it can be passed by value into a CUDA kernel.
/// Buffers: `t`, `y`, `out` hold dim floats each.
/// @tparam L a VoronoiLattice (zn<N>, dn<N>, e8).
template <VoronoiLattice L>
class voronoi {
public:
  using lattice = L;
  static constexpr std::size_t dim = L::dim;
  /// Largest q: the index Σ k_i q^i fits 127 bits for every built-in dimension up to 8
  /// (8 · 12 = 96 bits for E_8) and every intermediate stays an exact float and int32.
  static constexpr int max_q = 4096;
  /// Inputs of closest_point are clamped to ±input_clamp, so that every lattice coordinate,
  /// and every sum of them in coords(), is an exact float and fits an int32.
  static constexpr float input_clamp = 1048576.0f; // 2^20

  /// q = 16 (4 bits per dimension).
  constexpr voronoi() noexcept = default;
  /// Checks 2 <= q <= max_q; throws kakeya::error(errc::invalid_argument) otherwise.
  explicit voronoi(int q) : q_(q) {
    if (q < 2 || q > max_q)
      throw error(errc::invalid_argument, "kakeya::voronoi<" + std::string(L::name) + ">: q = " +
                                              std::to_string(q) + " is out of range; needs 2 <= q <= " +
                                              std::to_string(max_q));
  }

  /// The nesting ratio q (the coarse lattice is qΛ).
  [[nodiscard]] KAKEYA_HOST_DEVICE int q() const noexcept { return q_; }
  /// Number of codebook points, q^dim.
  [[nodiscard]] KAKEYA_HOST_DEVICE uint128 count() const noexcept {
    return detail::upow(detail::radix(q_), dim);
  }
  /// Bits of one index, ceil(log2 q^dim) (= dim · log2 q for q a power of two).
  [[nodiscard]] KAKEYA_HOST_DEVICE int index_bits() const noexcept { return bits_for_count(count()); }

  /// Writes Q_Λ(y), the lattice point nearest to y (the lattice's tie rules), after clamping
  /// each coordinate to ±input_clamp (NaN -> −input_clamp). Not necessarily in the codebook.
  KAKEYA_HOST_DEVICE static void closest_point(std::span<const float, dim> y,
                                               std::span<float, dim> out) noexcept {
    float c[dim];
    for (std::size_t i = 0; i < dim; ++i) c[i] = detail::clamp_box(y[i], -input_clamp, input_clamp);
    L::closest_point(std::span<const float, dim>(c), out);
  }

  /// The coordinates of lattice point t (|t_i| <= input_clamp + 2) in the generator basis,
  /// each reduced mod q into [0, q).
  KAKEYA_HOST_DEVICE void coords(std::span<const float, dim> t, std::int32_t* k) const noexcept {
    voronoi_basis<L>::coords(t.data(), k);
    for (std::size_t i = 0; i < dim; ++i) {
      const std::int32_t r = k[i] % q_;
      k[i] = r < 0 ? r + q_ : r;
    }
  }
  /// The codebook point with coordinates k (each in [0, q)): x = G k reduced into V(qΛ),
  /// p = x − q · Q_Λ(x / q).
  KAKEYA_HOST_DEVICE void point(const std::int32_t* k, std::span<float, dim> out) const noexcept {
    float x[dim], z[dim], c[dim];
    voronoi_basis<L>::combine(k, x);
    const auto fq = static_cast<float>(q_);
    for (std::size_t i = 0; i < dim; ++i) z[i] = x[i] / fq;
    L::closest_point(std::span<const float, dim>(z), std::span<float, dim>(c));
    for (std::size_t i = 0; i < dim; ++i) out[i] = x[i] - fq * c[i];
  }

  /// Index in [0, count()) of the coset t + qΛ of a lattice point t: Σ k_i q^i.
  [[nodiscard]] KAKEYA_HOST_DEVICE uint128 to_index(std::span<const float, dim> t) const noexcept {
    std::int32_t k[dim];
    coords(t, k);
    const auto base = detail::radix(q_);
    uint128 r = 0;
    for (std::size_t i = dim; i-- > 0;) r = r * base + static_cast<std::uint32_t>(k[i]);
    return r;
  }
  /// The codebook point of index i (an index >= count() is read mod count()).
  KAKEYA_HOST_DEVICE void from_index(uint128 i, std::span<float, dim> out) const noexcept {
    std::int32_t k[dim];
    const detail::divider dq(static_cast<std::uint32_t>(q_));
    for (std::size_t j = 0; j < dim; ++j) k[j] = static_cast<std::int32_t>(detail::divmod(i, dq));
    point(k, out);
  }

  /// True when the lattice point t is in the codebook (point(coords(t)) == t). Fast paths,
  /// exact in integers on 2t: |t| < q·ρ (inside the ball inscribed in V(qΛ), an interior
  /// point, its own representative) gives true, |t| > q·R (outside the circumscribed ball)
  /// false; only the shell between needs the reduction.
  [[nodiscard]] KAKEYA_HOST_DEVICE bool contains(std::span<const float, dim> t) const noexcept {
    std::int64_t s4 = 0;
    for (std::size_t i = 0; i < dim; ++i) {
      const auto u = static_cast<std::int64_t>(2.0f * t[i]); // exact: t_i ∈ ½Z, |t_i| <= 2^20 + 2
      s4 += u * u;
    }
    const std::int64_t q2 = static_cast<std::int64_t>(q_) * q_;
    if (s4 < q2 * voronoi_basis<L>::packing4) return true;
    if (s4 > q2 * voronoi_basis<L>::covering4) return false;
    std::int32_t k[dim];
    float p[dim];
    coords(t, k);
    point(k, std::span<float, dim>(p));
    bool same = true;
    for (std::size_t i = 0; i < dim; ++i) same = same && p[i] == t[i];
    return same;
  }

private:
  int q_ = 16;
};

} // namespace kakeya
