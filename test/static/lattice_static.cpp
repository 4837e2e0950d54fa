// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Compile-time checks: Lattice, TruncatableLattice and TruncatedLattice accept the built-in
// lattices and codebooks and reject malformed types; the codebook sizes are constants.
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "kakeya/core/concepts.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/lattice/truncated.hpp"
#include "kakeya/lattice/zn.hpp"

namespace {

using kakeya::Lattice;
using kakeya::TruncatableLattice;
using kakeya::truncated;
using kakeya::TruncatedLattice;
using kakeya::uint128;

// ---- accepted -------------------------------------------------------------------------------
static_assert(TruncatableLattice<kakeya::zn<1>>);
static_assert(TruncatableLattice<kakeya::z8>);
static_assert(TruncatableLattice<kakeya::zn<24>>);
static_assert(TruncatableLattice<kakeya::dn<2>>);
static_assert(TruncatableLattice<kakeya::d4>);
static_assert(TruncatableLattice<kakeya::d8>);
static_assert(TruncatableLattice<kakeya::dn<5>>);
static_assert(TruncatableLattice<kakeya::e8>);
static_assert(TruncatedLattice<truncated<kakeya::e8, 38>>);
static_assert(TruncatedLattice<truncated<kakeya::e8>>);
static_assert(TruncatedLattice<truncated<kakeya::d4, 1>>);
static_assert(TruncatedLattice<truncated<kakeya::z8, kakeya::z8::max_box_q>>);
static_assert(TruncatedLattice<truncated<kakeya::dn<5>>>);

// ---- constants --------------------------------------------------------------------------------
static_assert(kakeya::z8::dim == 8 && kakeya::d4::dim == 4 && kakeya::e8::dim == 8);
static_assert(kakeya::z8::name == "z8" && kakeya::d4::name == "d4" && kakeya::d8::name == "d8");
static_assert(kakeya::e8::name == "e8" && kakeya::zn<10>::name == "z10");
static_assert(kakeya::z8::covolume == 1.0 && kakeya::d4::covolume == 2.0);
static_assert(kakeya::e8::covolume == 1.0);
static_assert(kakeya::e8::box_count(1) == 3281 + 128);
static_assert(kakeya::e8::box_count(10) == 31711429681ull);
static_assert(kakeya::bits_for_count(kakeya::e8::box_count(10)) == 35);
static_assert(kakeya::bits_for_count(kakeya::e8::box_count(38)) == 51);
static_assert(kakeya::bits_for_count(kakeya::d4::box_count(38)) == 25);
static_assert(kakeya::d4::box_count(1) == 41);    // (3^4 + 1) / 2
static_assert(kakeya::dn<3>::box_count(1) == 13); // (3^3 - 1) / 2
static_assert(kakeya::z8::box_count(1) == 6561);  // 3^8
static_assert(truncated<kakeya::e8, 38>::index_bits() == 51);
static_assert(truncated<kakeya::e8, 38>::count() == kakeya::e8::box_count(38));
static_assert(std::is_empty_v<truncated<kakeya::e8, 38>>);
static_assert(std::is_trivially_copyable_v<truncated<kakeya::e8>>);
// max_box_q: at least 1000 for every built-in lattice of dim <= 8, 0 when no box fits 2^127.
static_assert(kakeya::z8::max_box_q >= 1000 && kakeya::d4::max_box_q >= 1000);
static_assert(kakeya::d8::max_box_q >= 1000 && kakeya::e8::max_box_q >= 1000);
static_assert(kakeya::e8::max_box_q == 30048 && kakeya::d8::max_box_q == 32767);
static_assert(kakeya::z8::max_box_q == 30047);
static_assert(kakeya::zn<80>::max_box_q == 1 && kakeya::zn<81>::max_box_q == 0);
// box_from_index is a constant expression (no floating-point library calls).
constexpr float first_coordinate(uint128 i, int q) {
  float out[8] = {};
  kakeya::e8::box_from_index(i, q, std::span<float, 8>{out});
  return out[0];
}
static_assert(first_coordinate(0, 38) == -38.0f);
static_assert(first_coordinate(kakeya::e8::box_count(38) - 1, 38) == 37.5f);

// ---- rejected: malformed lattices ------------------------------------------------------------
using cspan4 = std::span<const float, 4>;
using span4 = std::span<float, 4>;

struct no_closest_point {
  static constexpr std::size_t dim = 4;
};
struct throwing_closest_point { // closest_point not noexcept
  static constexpr std::size_t dim = 4;
  static void closest_point(cspan4, span4) {}
};
struct int_dim { // dim must be std::size_t
  static constexpr int dim = 4;
  static void closest_point(cspan4, span4) noexcept {}
};
struct wrong_extent { // closest_point for the wrong dimension
  static constexpr std::size_t dim = 8;
  static void closest_point(cspan4, span4) noexcept {}
};
struct mutable_input { // y must be accepted as span<const float>
  static constexpr std::size_t dim = 4;
  static void closest_point(span4, span4) noexcept {}
};
struct zero_dim {
  static constexpr std::size_t dim = 0;
  static void closest_point(std::span<const float, 0>, std::span<float, 0>) noexcept {}
};
struct member_closest_point { // must be callable without an object
  static constexpr std::size_t dim = 4;
  void closest_point(cspan4, span4) noexcept {}
};
struct good_lattice {
  static constexpr std::size_t dim = 4;
  static void closest_point(cspan4, span4) noexcept {}
};
static_assert(Lattice<good_lattice>);
static_assert(!Lattice<no_closest_point>);
static_assert(!Lattice<throwing_closest_point>);
static_assert(!Lattice<int_dim>);
static_assert(!Lattice<wrong_extent>);
static_assert(!Lattice<mutable_input>);
static_assert(!Lattice<zero_dim>);
static_assert(!Lattice<member_closest_point>);
static_assert(!Lattice<int>);
static_assert(!TruncatableLattice<good_lattice>); // no box codebook

// ---- rejected: malformed truncatable lattices --------------------------------------------------
/// A complete truncatable lattice; each variant below breaks one requirement.
template <bool MaxQ = true, bool Uint128Count = true, bool NoexceptIndex = true,
          bool HasFromIndex = true, bool NoexceptBox = true>
struct truncatable_variant : good_lattice {
  static constexpr int max_box_q = MaxQ ? 10 : 0;
  static void box_closest_point(cspan4, int, span4) noexcept(NoexceptBox) {}
  static auto box_count(int) noexcept {
    if constexpr (Uint128Count)
      return uint128(1);
    else
      return std::uint64_t(1);
  }
  static uint128 box_to_index(cspan4, int) noexcept(NoexceptIndex) { return 0; }
  static void box_from_index(uint128, int, span4) noexcept requires HasFromIndex {}
};
struct missing_max_box_q : good_lattice {
  static void box_closest_point(cspan4, int, span4) noexcept {}
  static uint128 box_count(int) noexcept { return 1; }
  static uint128 box_to_index(cspan4, int) noexcept { return 0; }
  static void box_from_index(uint128, int, span4) noexcept {}
};
static_assert(TruncatableLattice<truncatable_variant<>>);
static_assert(!TruncatableLattice<missing_max_box_q>);
static_assert(!TruncatableLattice<truncatable_variant<true, false>>);             // 64-bit count
static_assert(!TruncatableLattice<truncatable_variant<true, true, false>>);       // throwing index
static_assert(!TruncatableLattice<truncatable_variant<true, true, true, false>>); // no from_index
static_assert(!TruncatableLattice<truncatable_variant<true, true, true, true, false>>);
// A user lattice that models the concept works with kakeya::truncated.
static_assert(TruncatedLattice<truncated<truncatable_variant<>, 3>>);

// ---- rejected: malformed truncated codebooks ---------------------------------------------------
struct codebook_base {
  using lattice = kakeya::d4;
  static void closest_point(cspan4, span4) noexcept {}
  static uint128 to_index(cspan4) noexcept { return 0; }
  static void from_index(uint128, span4) noexcept {}
};
struct good_codebook : codebook_base {
  int q() const noexcept { return 1; }
  uint128 count() const noexcept { return 41; }
  int index_bits() const noexcept { return 6; }
};
struct throwing_q : codebook_base {
  int q() const { return 1; }
  uint128 count() const noexcept { return 41; }
  int index_bits() const noexcept { return 6; }
};
struct narrow_count : codebook_base {
  int q() const noexcept { return 1; }
  std::uint64_t count() const noexcept { return 41; }
  int index_bits() const noexcept { return 6; }
};
struct plain_lattice_codebook : good_codebook {
  using lattice = good_lattice; // not truncatable
};
static_assert(TruncatedLattice<good_codebook>);
static_assert(!TruncatedLattice<throwing_q>);
static_assert(!TruncatedLattice<narrow_count>);
static_assert(!TruncatedLattice<plain_lattice_codebook>);
static_assert(!TruncatedLattice<kakeya::e8>); // a lattice is not a codebook

} // namespace

int main() { return 0; }
