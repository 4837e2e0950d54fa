// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file blocks.hpp
/// The block quantisers a codec is built from (models of `BlockQuantiser`): adapters that put
/// the library's primitives on the wire.
/// - `lattice_block<T>`: a box-truncated lattice codebook T; the block's values in [-1, 1] are
///   mapped onto the box [-q, q], rounded to the closest codebook point, and stored as its
///   exact index in T::index_bits() bits.
/// - `scalar_block<S>`: one value per block through a scalar quantiser (Lloyd–Max), bits() bits.
/// - `fp8_blocks<B>`: an FP8 block quantiser B (scale, then one code per value).
/// Each block's bits are appended least-significant bit first (core/bits.hpp). encode/decode
/// take a bit_writer / bit_reader or any type with the same put / get / get128 members.

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "kakeya/config.hpp"
#include "kakeya/core/bits.hpp"
#include "kakeya/core/concepts.hpp"

namespace kakeya {

/// Block quantiser over a box-truncated lattice codebook.
/// encode: z_i = x_i · q (x_i expected in [-1, 1], e.g. after `absmax`), p = T::closest_point(z)
/// (the true closest point inside the box), write T::to_index(p) in index_bits() bits.
/// decode: p = T::from_index(i), y_i = p_i / q. Both IEEE float operations in index order.
/// @tparam T a TruncatedLattice, e.g. truncated<e8> (q at run time) or truncated<e8, 38>.
template <TruncatedLattice T>
class lattice_block {
public:
  using codebook = T;
  static constexpr std::size_t block = T::lattice::dim;
  static constexpr std::size_t max_bits = 128;

  /// For a codebook with a static q.
  constexpr lattice_block() noexcept
    requires std::is_default_constructible_v<T>
      : t_(), bits_(t_.index_bits()) {}
  /// For any codebook, e.g. lattice_block(truncated<e8>(q)).
  constexpr explicit lattice_block(T t) noexcept : t_(t), bits_(t.index_bits()) {}

  [[nodiscard]] KAKEYA_HOST_DEVICE constexpr const T& codebook_ref() const noexcept { return t_; }
  [[nodiscard]] KAKEYA_HOST_DEVICE constexpr std::size_t bits() const noexcept {
    return static_cast<std::size_t>(bits_);
  }
  /// Appends the index of the codebook point closest to x·q (block floats).
  /// `w`: a bit_writer, or any writer with its put() (the CUDA kernels write shared memory).
  template <class Writer = bit_writer>
  KAKEYA_HOST_DEVICE void encode(std::span<const float, block> x, Writer& w) const noexcept {
    float z[block], p[block];
    const auto fq = static_cast<float>(t_.q());
    for (std::size_t i = 0; i < block; ++i) z[i] = x[i] * fq;
    t_.closest_point(std::span<const float, block>(z), std::span<float, block>(p));
    w.put(t_.to_index(std::span<const float, block>(p)), bits_);
  }
  /// Reads one index and writes its point divided by q (block floats).
  template <class Reader = bit_reader>
  KAKEYA_HOST_DEVICE void decode(Reader& r, std::span<float, block> y) const noexcept {
    float p[block];
    t_.from_index(r.get128(bits_), std::span<float, block>(p));
    const auto fq = static_cast<float>(t_.q());
    for (std::size_t i = 0; i < block; ++i) y[i] = p[i] / fq;
  }
  /// decode(encode(x)) without the index: the closest codebook point, divided by q.
  KAKEYA_HOST_DEVICE void reconstruct(std::span<const float, block> x,
                                      std::span<float, block> y) const noexcept {
    float z[block], p[block];
    const auto fq = static_cast<float>(t_.q());
    for (std::size_t i = 0; i < block; ++i) z[i] = x[i] * fq;
    t_.closest_point(std::span<const float, block>(z), std::span<float, block>(p));
    for (std::size_t i = 0; i < block; ++i) y[i] = p[i] / fq;
  }

private:
  T t_;
  int bits_;
};

/// Block quantiser of one value through a scalar quantiser S (e.g. lloyd_max).
/// @tparam S a ScalarQuantiser with at most 32 bits per value.
template <ScalarQuantiser S>
struct scalar_block {
  static constexpr std::size_t block = 1;
  static constexpr std::size_t max_bits = 32;

  S s{};

  [[nodiscard]] KAKEYA_HOST_DEVICE constexpr std::size_t bits() const noexcept {
    return static_cast<std::size_t>(s.bits());
  }
  template <class Writer = bit_writer>
  KAKEYA_HOST_DEVICE void encode(std::span<const float, 1> x, Writer& w) const noexcept {
    w.put(static_cast<std::uint64_t>(s.encode(x[0])), s.bits());
  }
  template <class Reader = bit_reader>
  KAKEYA_HOST_DEVICE void decode(Reader& r, std::span<float, 1> y) const noexcept {
    y[0] = s.decode(static_cast<std::uint32_t>(r.get(s.bits())));
  }
  KAKEYA_HOST_DEVICE void reconstruct(std::span<const float, 1> x, std::span<float, 1> y) const noexcept {
    y[0] = s.decode(s.encode(x[0]));
  }
};

/// Block quantiser of an FP8 block format B (e.g. fp8_block<fp8_e4m3, 64, fp16>): the block's
/// scale in B::scale_format::bits bits, then B::block FP8 codes of 8 bits each.
template <class B>
struct fp8_blocks {
  using format = B;
  static constexpr std::size_t block = B::block;
  static constexpr std::size_t max_bits = static_cast<std::size_t>(B::bits);

  [[nodiscard]] KAKEYA_HOST_DEVICE constexpr std::size_t bits() const noexcept { return max_bits; }
  template <class Writer = bit_writer>
  KAKEYA_HOST_DEVICE void encode(std::span<const float, block> x, Writer& w) const noexcept {
    typename B::scale_storage scale{};
    std::uint8_t codes[block];
    B::quantise(x, scale, std::span<std::uint8_t, block>(codes));
    w.put(static_cast<std::uint64_t>(scale), B::scale_format::bits);
    for (std::size_t i = 0; i < block; ++i) w.put(std::uint64_t{codes[i]}, 8);
  }
  template <class Reader = bit_reader>
  KAKEYA_HOST_DEVICE void decode(Reader& r, std::span<float, block> y) const noexcept {
    const auto scale = static_cast<typename B::scale_storage>(r.get(B::scale_format::bits));
    std::uint8_t codes[block];
    for (std::size_t i = 0; i < block; ++i) codes[i] = static_cast<std::uint8_t>(r.get(8));
    B::dequantise(scale, std::span<const std::uint8_t, block>(codes), y);
  }
  KAKEYA_HOST_DEVICE void reconstruct(std::span<const float, block> x,
                                      std::span<float, block> y) const noexcept {
    typename B::scale_storage scale{};
    std::uint8_t codes[block];
    B::quantise(x, scale, std::span<std::uint8_t, block>(codes));
    B::dequantise(scale, std::span<const std::uint8_t, block>(codes), y);
  }
};

} // namespace kakeya
