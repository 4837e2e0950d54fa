// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Compile-time checks of the transforms and the Lloyd-Max quantiser against their concepts.
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "kakeya/core/concepts.hpp"
#include "kakeya/scalar/lloyd_max.hpp"
#include "kakeya/transform/hadamard.hpp"
#include "kakeya/transform/sign_flip.hpp"

namespace {
template <std::size_t D>
concept hadamard_accepts = requires { typename kakeya::hadamard<D>; };
template <std::size_t D>
concept randomized_hadamard_accepts = requires { typename kakeya::randomized_hadamard<D>; };

// Every supported dimension models Rotation.
template <std::size_t... K>
constexpr bool all_rotations(std::index_sequence<K...>) {
  return ((kakeya::Rotation<kakeya::hadamard<(std::size_t{2} << K)>> &&
           kakeya::Rotation<kakeya::randomized_hadamard<(std::size_t{2} << K)>> &&
           kakeya::hadamard<(std::size_t{2} << K)>::dim == (std::size_t{2} << K)) &&
          ...);
}
static_assert(all_rotations(std::make_index_sequence<15>{})); // D = 2 .. 32768

// Dimensions outside the powers of two in [2, 32768] fail the requires-clause.
static_assert(hadamard_accepts<2> && hadamard_accepts<32768>);
static_assert(!hadamard_accepts<0>);
static_assert(!hadamard_accepts<1>);
static_assert(!hadamard_accepts<3>);
static_assert(!hadamard_accepts<96>);
static_assert(!hadamard_accepts<65536>);
static_assert(!randomized_hadamard_accepts<1>);
static_assert(!randomized_hadamard_accepts<3>);
static_assert(!randomized_hadamard_accepts<65536>);
static_assert(kakeya::is_hadamard_dim(1024) && !kakeya::is_hadamard_dim(1000));

// Stateless rotations: the randomised one carries only its seed and copies as bytes.
static_assert(std::is_empty_v<kakeya::hadamard<64>>);
static_assert(std::is_trivially_copyable_v<kakeya::randomized_hadamard<64>>);
static_assert(sizeof(kakeya::randomized_hadamard<64>) == sizeof(std::uint64_t));

// The normalisation constants are powers of two for even log2 D.
static_assert(kakeya::detail::inv_sqrt_pow2(0) == 1.0f);
static_assert(kakeya::detail::inv_sqrt_pow2(10) == 1.0f / 32.0f);
static_assert(kakeya::detail::inv_sqrt_pow2(3) == kakeya::detail::inv_sqrt_pow2(1) * 0.5f);

// Signs are constexpr-computable and agree with their masks.
static_assert(kakeya::sign_of(1, 0) == (kakeya::sign_mask(1, 0) ? -1.0f : 1.0f));
static_assert((kakeya::sign_mask(12345, 678) & 0x7fffffffu) == 0);

// The Lloyd-Max quantiser models ScalarQuantiser and can be copied to a GPU as bytes.
static_assert(kakeya::ScalarQuantiser<kakeya::lloyd_max>);
static_assert(std::is_trivially_copyable_v<kakeya::lloyd_max>);
static_assert(std::is_nothrow_default_constructible_v<kakeya::lloyd_max>);
static_assert(!kakeya::ScalarQuantiser<kakeya::hadamard<8>>);
static_assert(!kakeya::Rotation<kakeya::lloyd_max>);
} // namespace

int main() { return 0; }
