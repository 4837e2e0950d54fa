// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file ball_block.hpp
/// `ball_block<L, K>`: a block quantiser (models BlockQuantiser) of K · L::dim values through
/// the ball code of Λ^K (lattice/ball.hpp): the values, expected at unit mean square (after
/// rms_scale), are divided by the lattice step s and rounded block by block to Λ; if the point
/// is outside the ball, the encoder shrinks the whole code block by a factor α until it fits
/// (`choose`; the point 0 always does). The index is the point's exact rank, written as
/// ceil(bits / 64) fields of up to 64 bits, least significant first.
///
/// The step: s = sqrt(K · dim / R²) / c with R² = scale · (width · budget + K · (width − 1) / 2)
/// the squared radius of the ball (the mean of a bin's norms), c the radius factor (1 by
/// default 0.99): a unit-mean-square code block lands just inside the ball's surface.
/// encode: u_i = v_i · (1/s) · α (floats), t = Q_Λ per block; decode: v_i = t_i · s.
///
/// Host code: the codebook tables live on the heap (shared between copies), so this block is
/// not on the CUDA backend (`host_only`).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>

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
  /// The default radius factor: measured best over rates 1–6 on Gaussian data
  /// (docs/components/ball.md, "Defaults"); 1.0 is up to 0.05 dB better at rates <= 4 and
  /// worse from rate 5 on, where the shrinking costs more than the granular error saves.
  static constexpr double default_radius = 0.99;
  /// Shrink steps of the overload search: α = 1 − k / shrink_steps.
  static constexpr int shrink_steps = 4096;
  /// The normalised second moment of Λ per dimension in units of covolume^(2/dim)
  /// (E8 0.0717, D4 0.0766, Z 1/12): only the overload search's first estimate uses it.
  static constexpr double granular_moment = std::is_same_v<L, e8> ? 0.0717 : (L::dim == 4 && lattice_shells<L>::norm_scale == 2 ? 0.0766 * 1.4142 : 1.0 / 12.0);

  /// An empty block (0 bits; decodes to zeros). Codecs need a default state.
  ball_block() = default;
  /// The ball code of K blocks in `bits` bits with radius factor c.
  /// @throws kakeya::error (errc::invalid_argument) for bits outside 1..4096, c outside
  /// [0.5, 2], or a code whose counts do not fit (see ball_code)
  ball_block(std::size_t bits, double radius = default_radius) : code_(code_type::shared(K, bits)), radius_(radius) {
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

  /// The codebook point the encoder picks for x (block floats, unit mean square) into t:
  /// Q_Λ(x / s) block by block; if that is outside the ball, Q_Λ(x · α_k / s) with
  /// α_k = 1 − k/4096, from an estimate k₀ (the α that brings the point's norm to the ball's
  /// mean bin edge, below): while α_k fits, k moves down by max(1, k/16) (keeping the last k
  /// that fits); while it does not, up by the same steps. α = 0 (the point 0) always fits.
  /// k₀ = round(4096 · (1 − sqrt((n_ball − n_g) / (n − n_g)))), n the point's integer norm,
  /// n_ball = width · budget + K · (width − 1) / 2, n_g = K · dim · G(Λ) / scale (granular).
  void choose(std::span<const float, block> x, float* t) const noexcept {
    if (place(x, 0, t)) return;
    double n = 0;
    for (std::size_t b = 0; b < K; ++b) n += static_cast<double>(lattice_shells<L>::norm(t + b * L::dim));
    const double w = code_->width();
    const double n_ball = w * code_->budget() + static_cast<double>(K) * (w - 1.0) / 2.0;
    const double n_g = static_cast<double>(block) * granular_moment / lattice_shells<L>::norm_scale;
    const double ratio = n > n_ball ? (n_ball - n_g) / (n - n_g) : 1.0;
    int k = ratio > 0.0 ? static_cast<int>(std::lround(shrink_steps * (1.0 - std::sqrt(ratio)))) : shrink_steps;
    k = std::clamp(k, 1, shrink_steps);
    auto step = [](int v) { return std::max(1, v / 16); };
    if (place(x, k, t)) {
      float fit[block];
      for (;;) { // lower k while the point still fits
        for (std::size_t i = 0; i < block; ++i) fit[i] = t[i];
        const int lower = k - step(k);
        if (lower < 1 || !place(x, lower, t)) break;
        k = lower;
      }
      for (std::size_t i = 0; i < block; ++i) t[i] = fit[i];
      return;
    }
    for (k += step(k); k < shrink_steps; k += step(k))
      if (place(x, k, t)) return;
    for (std::size_t i = 0; i < block; ++i) t[i] = 0.0f;
  }

private:
  // t = Q_Λ(x · α_k / s) block by block; whether it is in the ball.
  bool place(std::span<const float, block> x, int k, float* t) const noexcept {
    const float alpha = 1.0f - static_cast<float>(k) / static_cast<float>(shrink_steps);
    float u[L::dim];
    for (std::size_t b = 0; b < K; ++b) {
      for (std::size_t i = 0; i < L::dim; ++i) u[i] = x[b * L::dim + i] * inv_step_ * alpha;
      L::closest_point(std::span<const float, L::dim>(u), std::span<float, L::dim>(t + b * L::dim, L::dim));
    }
    return code_->contains(t);
  }
  template <class Writer>
  void write(const detail::word* r, Writer& w) const noexcept {
    const std::size_t bits = code_->bits();
    for (std::size_t i = 0; 64 * i < bits; ++i)
      w.put(r[i], static_cast<int>(std::min<std::size_t>(64, bits - 64 * i)));
  }

  std::shared_ptr<const code_type> code_;
  double radius_ = default_radius;
  float step_ = 1.0f;
  float inv_step_ = 1.0f;
};

} // namespace kakeya
