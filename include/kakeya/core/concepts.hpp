// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file concepts.hpp
/// The named concepts every component is checked against. A type that satisfies one of them
/// can be used wherever the library's own components of that kind go. `test/static/` holds
/// a suite of what each concept accepts and rejects.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "kakeya/core/uint128.hpp"

namespace kakeya {

/// A compile-time dimension: a `static constexpr std::size_t dim` of at least 1.
template <class T>
concept HasStaticDim = requires {
  requires std::same_as<std::remove_cv_t<decltype(T::dim)>, std::size_t>;
  requires(T::dim >= 1);
};

/// A lattice in R^dim with a closest-point routine (Conway & Sloane 1982).
/// `closest_point(y, out)` writes a lattice point nearest to `y` (dim floats each) and never
/// throws; ties are broken by a fixed, documented rule so that every backend agrees.
template <class L>
concept Lattice = HasStaticDim<L> &&
    requires(std::span<const float, L::dim> y, std::span<float, L::dim> out) {
      { L::closest_point(y, out) } noexcept;
    };

/// A lattice that also knows its box-truncated codebook Λ ∩ [-q, q]^dim for integer q:
/// the closest point inside the box, the exact number of points in it, and a bijection
/// between those points and the integers [0, count). `max_box_q` is the largest q whose
/// count fits the 128-bit index.
template <class L>
concept TruncatableLattice = Lattice<L> &&
    requires(std::span<const float, L::dim> y, std::span<float, L::dim> out, int q, uint128 i) {
      { L::max_box_q } -> std::convertible_to<int>;
      { L::box_closest_point(y, q, out) } noexcept;
      { L::box_count(q) } noexcept -> std::same_as<uint128>;
      { L::box_to_index(y, q) } noexcept -> std::same_as<uint128>;
      { L::box_from_index(i, q, out) } noexcept;
    };

/// A box-truncated lattice codebook: a lattice type, a q (static or run time), and the
/// codebook operations. `kakeya::truncated<L, Q>` is the library's model.
template <class T>
concept TruncatedLattice = TruncatableLattice<typename T::lattice> &&
    requires(const T& t, std::span<const float, T::lattice::dim> y,
             std::span<float, T::lattice::dim> out, uint128 i) {
      { t.q() } noexcept -> std::same_as<int>;
      { t.count() } noexcept -> std::same_as<uint128>;
      { t.index_bits() } noexcept -> std::same_as<int>;
      { t.closest_point(y, out) } noexcept;
      { t.to_index(y) } noexcept -> std::same_as<uint128>;
      { t.from_index(i, out) } noexcept;
    };

/// A scalar number format: `bits` wide, stored in `storage`, with an exact, documented
/// rounding from float (`encode`) and an exact widening back to float (`decode`).
/// fp32, fp16, bf16, FP8 e4m3/e5m2 and ue8m0 are the library's models.
template <class F>
concept ScalarFormat = requires(float x, typename F::storage s) {
  requires std::unsigned_integral<typename F::storage>;
  { F::bits } -> std::convertible_to<int>;
  requires(F::bits >= 1 && F::bits <= 8 * static_cast<int>(sizeof(typename F::storage)));
  { F::encode(x) } noexcept -> std::same_as<typename F::storage>;
  { F::decode(s) } noexcept -> std::same_as<float>;
};

/// A scalar quantiser with a run-time table: `bits()` per value, `encode` to an index in
/// [0, 2^bits), `decode` an index back to its reconstruction value.
template <class S>
concept ScalarQuantiser = requires(const S& s, float x, std::uint32_t i) {
  { s.bits() } noexcept -> std::convertible_to<int>;
  { s.encode(x) } noexcept -> std::same_as<std::uint32_t>;
  { s.decode(i) } noexcept -> std::same_as<float>;
};

/// An orthogonal transform of R^dim applied in place; `inverse` undoes `forward`.
template <class R>
concept Rotation = HasStaticDim<R> && requires(const R& r, std::span<float, R::dim> x) {
  { r.forward(x) } noexcept;
  { r.inverse(x) } noexcept;
};

class bit_writer;
class bit_reader;

/// A per-vector gain stage of a codec: `normalise(v)` divides the vector (in place) by a
/// positive factor g it chooses and returns g (0 for a vector it leaves as zeros). The codec
/// multiplies the gains of all its gain stages into one per-vector scalar and multiplies the
/// decoded vector by it. `unit_norm`, `pow2_scale` and `absmax` are the library's models.
template <class S, std::size_t D>
concept GainStage = requires(const S& s, std::span<float, D> v) {
  { s.normalise(v) } noexcept -> std::same_as<float>;
};

/// An encoder-side search over the per-vector gain (e.g. `refine_gain`): after the stages,
/// `passes()` rounds of "quantise, then set the gain to the least-squares optimum".
template <class S>
concept GainRefinement = requires(const S& s) {
  { s.passes() } noexcept -> std::same_as<int>;
  requires S::is_gain_refinement;
};

/// A marker choosing the number format of a codec's gain field (`gain_as<bf16>`).
template <class S>
concept GainFormatMarker = requires {
  requires S::is_gain_format;
  requires ScalarFormat<typename S::format>;
};

/// A stage of a D-dimensional codec: a rotation of R^D, a gain stage, a gain refinement or a
/// gain-format marker.
template <class S, std::size_t D>
concept CodecStage = (Rotation<S> && S::dim == D) || GainStage<S, D> || GainRefinement<S> ||
                     GainFormatMarker<S>;

/// A quantiser of fixed-size blocks that writes and reads its own bits (side information
/// such as a block scale included): `bits()` per block, `max_bits` an upper bound on it,
/// `encode` appends exactly bits() bits, `decode` reads them back, and `reconstruct(x, y)`
/// writes what decode(encode(x)) gives, bit for bit, without the bits. `block` floats a block.
template <class Q>
concept BlockQuantiser = requires(const Q& q, std::span<const float, Q::block> x,
                                  std::span<float, Q::block> y, bit_writer& w, bit_reader& r) {
  requires std::same_as<std::remove_cv_t<decltype(Q::block)>, std::size_t>;
  requires(Q::block >= 1);
  { Q::max_bits } -> std::convertible_to<std::size_t>;
  { q.bits() } noexcept -> std::same_as<std::size_t>;
  { q.encode(x, w) } noexcept;
  { q.decode(r, y) } noexcept;
  { q.reconstruct(x, y) } noexcept;
};

/// A vector codec: dim floats to bytes_per_vector() bytes and back.
template <class C>
concept Codec = HasStaticDim<C> &&
    requires(const C& c, std::span<const float, C::dim> x, std::span<float, C::dim> y,
             std::uint8_t* code, const std::uint8_t* ccode) {
      { c.bits_per_vector() } noexcept -> std::same_as<std::size_t>;
      { c.bytes_per_vector() } noexcept -> std::same_as<std::size_t>;
      { c.encode(x, code) } noexcept;
      { c.decode(ccode, y) } noexcept;
    };

} // namespace kakeya
