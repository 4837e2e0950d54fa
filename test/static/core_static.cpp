// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Compile-time checks of the core helpers and of concept rejection for malformed types.
#include <span>

#include "kakeya/core/concepts.hpp"
#include "kakeya/core/uint128.hpp"

namespace {
using kakeya::uint128;
static_assert(kakeya::bits_for_count(0) == 0);
static_assert(kakeya::bits_for_count(1) == 0);
static_assert(kakeya::bits_for_count(2) == 1);
static_assert(kakeya::bits_for_count(3) == 2);
static_assert(kakeya::bits_for_count(4) == 2);
static_assert(kakeya::bits_for_count(5) == 3);
static_assert(kakeya::bits_for_count(uint128(1) << 100) == 100);
static_assert(kakeya::bits_for_count((uint128(1) << 100) + 1) == 101);

struct no_dim {};
struct zero_dim { static constexpr std::size_t dim = 0; };
struct int_dim { static constexpr int dim = 4; };
static_assert(!kakeya::HasStaticDim<no_dim>);
static_assert(!kakeya::HasStaticDim<zero_dim>);
static_assert(!kakeya::HasStaticDim<int_dim>); // dim must be std::size_t
static_assert(!kakeya::Lattice<int>);
static_assert(!kakeya::Rotation<no_dim>);
static_assert(!kakeya::ScalarFormat<float>);
} // namespace

int main() { return 0; }
