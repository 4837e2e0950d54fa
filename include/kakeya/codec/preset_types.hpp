// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file preset_types.hpp
/// The list of preset codec types for one dimension D: the types that `any_codec` builds from
/// spec strings, and that every compiled backend (kernels/cpu, kernels/simd, kernels/cuda)
/// instantiates once. One list, so the backends cannot drift apart.

#include <cstddef>
#include <type_traits>

#include "kakeya/codec/presets.hpp"

namespace kakeya {

/// A compile-time list of types.
template <class... T>
struct type_list {};

namespace detail {
template <class A, class B>
struct concat;
template <class... A, class... B>
struct concat<type_list<A...>, type_list<B...>> {
  using type = type_list<A..., B...>;
};

// The four scale formats of FP8 blocks of size Block, or nothing when Block does not divide D
// (a specialisation, so that the invalid codec types are never named).
template <std::size_t D, class Fp8, std::size_t Block, bool Divides = (D % Block == 0)>
struct fp8_scales_of {
  using type = type_list<>;
};
template <std::size_t D, class Fp8, std::size_t Block>
struct fp8_scales_of<D, Fp8, Block, true> {
  using type = type_list<fp8_codec<D, Fp8, Block, fp32>, fp8_codec<D, Fp8, Block, fp16>,
                         fp8_codec<D, Fp8, Block, bf16>, fp8_codec<D, Fp8, Block, ue8m0>>;
};
template <std::size_t D, class Fp8, std::size_t Block>
using fp8_scales = typename fp8_scales_of<D, Fp8, Block>::type;
template <std::size_t D, class Fp8>
using fp8_blocks_of = typename concat<fp8_scales<D, Fp8, 32>,
                                      typename concat<fp8_scales<D, Fp8, 64>, fp8_scales<D, Fp8, 128>>::type>::type;
} // namespace detail

/// Every preset codec type of dimension D: d4, e8, z (run-time q), lloyd-max (run-time bits),
/// e8v and d4v (run-time rate and scale table), e8b (run-time rate), and fp8 for both element
/// formats, blocks 32/64/128 dividing D, four scale formats.
template <std::size_t D>
using preset_types = typename detail::concat<
    type_list<kakeya_d4<D>, kakeya_e8<D>, kakeya_z<D>, lloyd_max_codec<D>, voronoi_e8<D>, voronoi_d4<D>, ball_e8<D>>,
    typename detail::concat<detail::fp8_blocks_of<D, fp8_e4m3>, detail::fp8_blocks_of<D, fp8_e5m2>>::type>::type;

/// The dimensions with compiled presets.
inline constexpr std::size_t preset_dims[] = {64, 128, 256, 512, 1024};

} // namespace kakeya
