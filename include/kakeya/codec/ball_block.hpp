// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file ball_block.hpp
/// `ball_block<L, K>`: a block quantiser (models BlockQuantiser) of K · L::dim values through
/// the ball code of Λ^K (lattice/ball.hpp): the values, expected at unit mean square (after
/// rms_scale), are divided by the lattice step s and rounded block by block to Λ; if the point
/// is outside the ball, the encoder shrinks the whole code block by α = 1 − k/256 (k = 1, 2, …)
/// until it fits (the point 0 always does). The index is the point's exact rank, written as
/// ceil(bits / 64) fields of up to 64 bits, least significant first.
///
/// The step: s = sqrt(K · dim / R²) / c with R² = scale · (width · budget + K · (width − 1) / 2)
/// the squared radius of the ball (the mean of a bin's norms), c the radius factor (1 by
/// default): a unit-mean-square code block lands on the ball's surface.
/// encode: u_i = v_i · (1/s) · α (floats), t = Q_Λ per block; decode: v_i = t_i · s.
///
/// Host code: the codebook tables live on the heap (shared between copies), so this block is
/// not on the CUDA backend (`host_only`).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "kakeya/core/bits.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/lattice/ball.hpp"

namespace kakeya {

/// Block quantiser over the ball code of K blocks of lattice L (see the file comment).
template <BallLattice L, std::size_t K>
class ball_block {
public:
  using code_type = ball_code<L>;
  static constexpr std::size_t block = K * L::dim;
  static constexpr std::size_t max_bits = code_type::max_bits;
  /// Marks a block quantiser that only the CPU backends run.
  static constexpr bool host_only = true;
  /// Shrink steps of the overload search: α = 1 − k / shrink_steps.
  static constexpr int shrink_steps = 256;

  /// An empty block (0 bits; decodes to zeros). Codecs need a default state.
  ball_block() = default;
  /// The ball code of K blocks in `bits` bits with radius factor c.
  /// @throws kakeya::error (errc::invalid_argument) for bits outside 1..4096, c outside
  /// [0.5, 2], or a code whose counts do not fit (see ball_code)
  ball_block(std::size_t bits, double radius = 1.0) : code_(code_type::shared(K, bits)), radius_(radius) {
    require(radius >= 0.5 && radius <= 2.0, errc::invalid_argument,
            "ball code: radius factor must be in [0.5, 2], got " + std::to_string(radius));
    const double scale = lattice_shells<L>::norm_scale;
    const double w = code_->width();
    const double r2 = scale * (w * code_->budget() + static_cast<double>(K) * (w - 1.0) / 2.0);
    const double s = std::sqrt(static_cast<double>(block) / r2) / radius;
    step_ = static_cast<float>(s);
    inv_step_ = static_cast<float>(1.0 / s);
  }

  [[nodiscard]] std::size_t bits() const noexcept { return code_ ? code_->bits() : 0; }
  [[nodiscard]] const code_type* code() const noexcept { return code_.get(); }
  [[nodiscard]] float step() const noexcept { return step_; }
  [[nodiscard]] double radius() const noexcept { return radius_; }

  template <class Writer = bit_writer>
  void encode(std::span<const float, block> x, Writer& w) const noexcept {
    if (!code_) return;
    float t[block];
    choose(x, t);
    detail::word r[max_bits / 64 + 2];
    code_->rank(t, r);
    write(r, w);
  }
  template <class Reader = bit_reader>
  void decode(Reader& rd, std::span<float, block> y) const noexcept {
    if (!code_) {
      for (auto& v : y) v = 0.0f;
      return;
    }
    detail::word r[max_bits / 64 + 2];
    const std::size_t bits = code_->bits();
    const std::size_t words = code_->words();
    for (std::size_t i = 0; i < words; ++i) {
      const std::size_t take = bits > 64 * i ? std::min<std::size_t>(64, bits - 64 * i) : 0;
      r[i] = take ? rd.get(static_cast<int>(take)) : 0;
    }
    float t[block];
    code_->unrank(r, t);
    for (std::size_t i = 0; i < block; ++i) y[i] = t[i] * step_;
  }
  void reconstruct(std::span<const float, block> x, std::span<float, block> y) const noexcept {
    if (!code_) {
      for (auto& v : y) v = 0.0f;
      return;
    }
    float t[block];
    choose(x, t);
    for (std::size_t i = 0; i < block; ++i) y[i] = t[i] * step_;
  }

  /// The codebook point the encoder picks for x (block floats, lattice units) into t.
  void choose(std::span<const float, block> x, float* t) const noexcept {
    float u[L::dim];
    for (int k = 0; k < shrink_steps; ++k) {
      const float alpha = 1.0f - static_cast<float>(k) / static_cast<float>(shrink_steps);
      for (std::size_t b = 0; b < K; ++b) {
        for (std::size_t i = 0; i < L::dim; ++i) u[i] = x[b * L::dim + i] * inv_step_ * alpha;
        L::closest_point(std::span<const float, L::dim>(u), std::span<float, L::dim>(t + b * L::dim, L::dim));
      }
      if (code_->contains(t)) return;
    }
    for (std::size_t i = 0; i < block; ++i) t[i] = 0.0f;
  }

private:
  template <class Writer>
  void write(const detail::word* r, Writer& w) const noexcept {
    const std::size_t bits = code_->bits();
    for (std::size_t i = 0; 64 * i < bits; ++i)
      w.put(r[i], static_cast<int>(std::min<std::size_t>(64, bits - 64 * i)));
  }

  std::shared_ptr<const code_type> code_;
  double radius_ = 1.0;
  float step_ = 1.0f;
  float inv_step_ = 1.0f;
};

} // namespace kakeya
