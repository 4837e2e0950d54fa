// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file voronoi_block.hpp
/// Block quantiser over a Voronoi codebook Λ ∩ V(qΛ) (lattice/voronoi.hpp) with a per-block
/// scale choice (models BlockQuantiser). docs/components/voronoi.md gives the mathematics.
///
/// A block is `group` lattice blocks (group · n values) sharing one scale β_j from a table of
/// J = 2^beta_bits scales (J = 1, 2, 4, 8 or 16). β is the radius of the code in input units:
/// the codebook, scaled by β / q, covers β · V(Λ).
///
/// encode(x): for j = 0, 1, …, J − 1 (smallest β first, the table ascending):
///              z = x · (q / β_j) [+ d], t = Q_Λ(z) per lattice block; stop at the first j for
///              which every t is in the codebook (voronoi::contains);
///            if none fits (overload at every β), j = J − 1 and each lattice block that does
///              not fit is retried at z · 2^-m, m = 1, 2, … (at most 24 times, then the point 0),
///              an encoder-side choice that costs no bits;
///            write j (beta_bits bits), then each lattice block's index (index_bits bits).
/// decode:    read j and the indices, p = the codebook points, y = (p [− d]) · (β_j / q).
/// With a dither seed s ≠ 0, d is a subtractive dither in [−½, ½)^n (lattice units), a
/// stateless hash of (s, the block's bit offset in the code, the coordinate), so encoder and
/// decoder derive it independently on any backend. Without dither (s = 0, the default),
/// reconstruct() is exactly decode(encode()); with dither it uses the dither of bit offset 0
/// (it serves only the encoder-side gain refinement, which the dithered presets do not use).
/// All float operations are IEEE products, sums and comparisons in index order.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "kakeya/config.hpp"
#include "kakeya/core/bits.hpp"
#include "kakeya/core/concepts.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/lattice/voronoi.hpp"

namespace kakeya {

/// Block quantiser: `Group` lattice blocks of a Voronoi code with one scale β from a table.
/// Trivially copyable (a few hundred bytes), passed by value into CUDA kernels.
/// @tparam L     a VoronoiLattice (e8, d4, z8, …)
/// @tparam Group lattice blocks per scale choice (block = Group · L::dim values)
template <VoronoiLattice L, std::size_t Group = 1>
class voronoi_block {
public:
  using lattice = L;
  using codebook = voronoi<L>;
  static constexpr std::size_t group = Group;
  static constexpr std::size_t block = Group * L::dim;
  /// Largest table: 16 scales (4 bits).
  static constexpr int max_betas = 16;
  /// Upper bound on bits(): 4 scale bits plus the indices at voronoi<L>::max_q.
  static constexpr std::size_t max_bits = 4 + block * 12;
  /// The table of the default constructor.
  static constexpr float default_betas[4] = {3.25f, 4.25f, 5.5f, 7.25f};

  /// q = 16 and the 4-scale table 3.25, 4.25, 5.5, 7.25 (the e8v default), no dither.
  voronoi_block() noexcept : voronoi_block(16, std::span<const float>(default_betas)) {}
  /// q: the nesting ratio (2..voronoi<L>::max_q); betas: n ascending positive scales, n in
  /// {1, 2, 4, 8, 16}; dither_seed: 0 for none.
  /// @throws kakeya::error(errc::invalid_argument) for a bad q, table or seed
  voronoi_block(int q, std::span<const float> betas, std::uint64_t dither_seed = 0)
      : v_(q), seed_(dither_seed) {
    const std::size_t n = betas.size();
    require(n == 1 || n == 2 || n == 4 || n == 8 || n == 16, errc::invalid_argument,
            "voronoi_block: the scale table needs 1, 2, 4, 8 or 16 entries, got " + std::to_string(n));
    for (std::size_t j = 0; j < n; ++j) {
      require(betas[j] > 0.0f && betas[j] < 1.0e30f, errc::invalid_argument,
              "voronoi_block: scales must be positive and finite");
      require(j == 0 || betas[j] > betas[j - 1], errc::invalid_argument,
              "voronoi_block: scales must be strictly ascending");
    }
    n_ = static_cast<int>(n);
    beta_bits_ = n == 1 ? 0 : n == 2 ? 1 : n == 4 ? 2 : n == 8 ? 3 : 4;
    const auto fq = static_cast<float>(q);
    for (std::size_t j = 0; j < n; ++j) {
      beta_[j] = betas[j];
      fwd_[j] = fq / betas[j];
      inv_[j] = betas[j] / fq;
    }
    bits_ = beta_bits_ + static_cast<int>(Group) * v_.index_bits();
  }

  [[nodiscard]] KAKEYA_HOST_DEVICE const codebook& codebook_ref() const noexcept { return v_; }
  [[nodiscard]] KAKEYA_HOST_DEVICE int q() const noexcept { return v_.q(); }
  [[nodiscard]] KAKEYA_HOST_DEVICE int beta_count() const noexcept { return n_; }
  [[nodiscard]] KAKEYA_HOST_DEVICE int beta_bits() const noexcept { return beta_bits_; }
  [[nodiscard]] KAKEYA_HOST_DEVICE float beta(int j) const noexcept { return beta_[j]; }
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t dither_seed() const noexcept { return seed_; }
  /// Bits of one block: beta_bits() + group · index_bits.
  [[nodiscard]] KAKEYA_HOST_DEVICE std::size_t bits() const noexcept {
    return static_cast<std::size_t>(bits_);
  }

  /// The scale index and codebook points chosen for x (block floats): see the file comment.
  /// `p`: block floats (the points, lattice units); returns j.
  KAKEYA_HOST_DEVICE int choose(std::span<const float, block> x, std::size_t offset,
                                float* p) const noexcept {
    constexpr std::size_t n = L::dim;
    float d[block];
    dither(offset, d);
    float z[n];
    for (int j = 0; j < n_; ++j) {
      bool fits = true;
      for (std::size_t g = 0; g < Group && fits; ++g) {
        for (std::size_t i = 0; i < n; ++i) z[i] = x[g * n + i] * fwd_[j] + d[g * n + i];
        codebook::closest_point(std::span<const float, n>(z), std::span<float, n>(p + g * n, n));
        fits = v_.contains(std::span<const float, n>(p + g * n, n));
      }
      if (fits) return j;
    }
    const int j = n_ - 1;
    for (std::size_t g = 0; g < Group; ++g) {
      float scale = 1.0f;
      bool fits = false;
      for (int m = 0; m <= 24 && !fits; ++m) {
        for (std::size_t i = 0; i < n; ++i) z[i] = x[g * n + i] * fwd_[j] * scale + d[g * n + i];
        codebook::closest_point(std::span<const float, n>(z), std::span<float, n>(p + g * n, n));
        fits = v_.contains(std::span<const float, n>(p + g * n, n));
        scale = scale * 0.5f;
      }
      if (!fits) {
        std::int32_t k0[n] = {};
        v_.point(k0, std::span<float, n>(p + g * n, n));
      }
    }
    return j;
  }

  /// Appends j and the indices of the points chosen for x (block floats).
  KAKEYA_HOST_DEVICE void encode(std::span<const float, block> x, bit_writer& w) const noexcept {
    constexpr std::size_t n = L::dim;
    float p[block];
    const int j = choose(x, w.position(), p);
    w.put(static_cast<std::uint64_t>(j), beta_bits_);
    const int ib = v_.index_bits();
    for (std::size_t g = 0; g < Group; ++g) w.put(v_.to_index(std::span<const float, n>(p + g * n, n)), ib);
  }
  /// Reads j and the indices; writes the reconstruction (block floats).
  KAKEYA_HOST_DEVICE void decode(bit_reader& r, std::span<float, block> y) const noexcept {
    constexpr std::size_t n = L::dim;
    float d[block], p[block];
    dither(r.position(), d);
    const auto j = static_cast<int>(r.get(beta_bits_));
    const int ib = v_.index_bits();
    for (std::size_t g = 0; g < Group; ++g) v_.from_index(r.get128(ib), std::span<float, n>(p + g * n, n));
    scale_back(j, p, d, y);
  }
  /// decode(encode(x)) without the bits (exact without dither; see the file comment).
  KAKEYA_HOST_DEVICE void reconstruct(std::span<const float, block> x,
                                      std::span<float, block> y) const noexcept {
    constexpr std::size_t n = L::dim;
    float p[block], c[block], d[block];
    const int j = choose(x, 0, c);
    // The decoder's points: the representatives of the chosen points' cosets (same values;
    // this also makes the signs of zeros agree with decode).
    for (std::size_t g = 0; g < Group; ++g)
      v_.from_index(v_.to_index(std::span<const float, n>(c + g * n, n)), std::span<float, n>(p + g * n, n));
    dither(0, d);
    scale_back(j, p, d, y);
  }

private:
  KAKEYA_HOST_DEVICE void dither(std::size_t offset, float* d) const noexcept {
    for (std::size_t i = 0; i < block; ++i) d[i] = 0.0f;
    if (seed_ == 0) return;
    const std::uint64_t base = splitmix64(seed_ ^ (static_cast<std::uint64_t>(offset) * 0x9e3779b97f4a7c15ull));
    for (std::size_t i = 0; i < block; ++i) {
      const std::uint64_t h = splitmix64(base + static_cast<std::uint64_t>(i));
      d[i] = static_cast<float>(static_cast<std::uint32_t>(h >> 40)) * 0x1p-24f - 0.5f; // exact
    }
  }
  KAKEYA_HOST_DEVICE void scale_back(int j, const float* p, const float* d,
                                     std::span<float, block> y) const noexcept {
    const float s = inv_[j];
    for (std::size_t i = 0; i < block; ++i) y[i] = (p[i] - d[i]) * s;
  }

  codebook v_;
  std::uint64_t seed_ = 0;
  int n_ = 1;
  int beta_bits_ = 0;
  int bits_ = 0;
  float beta_[max_betas] = {};
  float fwd_[max_betas] = {};
  float inv_[max_betas] = {};
};

} // namespace kakeya
