// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file ball_block.hpp
/// `ball_block<L, K>`: a block quantiser (models BlockQuantiser) of K · L::dim values through
/// the ball code of Λ^K (lattice/ball.hpp): the values, expected at unit mean square (after
/// rms_scale), are divided by the lattice step s and rounded block by block to Λ; if the point
/// is outside the ball, the encoder shrinks the whole code block by a factor α until it fits
/// (`choose`; the point 0 always does). The index is the point's rank (ball_code_view::rank), written as
/// ceil(bits / 64) fields of up to 64 bits, least significant first.
///
/// The step: s = sqrt(K · dim / R²) / c with R² = scale · (width · budget + K · (width − 1) / 2)
/// the squared radius of the ball (the mean of a bin's norms), c the radius factor (by
/// default 0.99): a unit-mean-square code block lands just inside the ball's surface.
/// encode: u_i = v_i · (1/s) · α (floats), t = Q_Λ per block; decode: v_i = t_i · s.
///
/// `ball_block` owns the code's tables (shared between copies, built once per process);
/// `ball_block_ref` is the same quantiser over a `ball_code_view` (trivially copyable, host and
/// device): ball_block runs through it, the CUDA backend runs it with the tables copied to the
/// GPU (kernels/cuda/ball_group.cuh: place_block and shrink_search on lane groups), and the
/// SIMD backend steps through the same shrink_search with its closest points lane-wise over the
/// blocks (kernels/simd/kernels_impl.hpp), writing and reading through write_rank/read_rank.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <type_traits>

#include "kakeya/config.hpp"
#include "kakeya/core/bits.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/lattice/ball.hpp"

namespace kakeya {

/// The ball-code block quantiser over a code view (see the file comment); models
/// BlockQuantiser on the host and runs in CUDA kernels. Default: an empty block (0 bits,
/// decodes to zeros).
template <BallLattice L, std::size_t K>
struct ball_block_ref {
  using lattice = L;
  static constexpr std::size_t blocks = K;
  static constexpr std::size_t block = K * L::dim;
  static constexpr std::size_t max_bits = ball_max_bits;
  static_assert(K >= 1 && K <= ball_max_blocks, "a ball has 1..128 blocks");
  /// Shrink steps of the overload search: α = 1 − k / shrink_steps.
  static constexpr int shrink_steps = 4096;
  /// The normalised second moment of Λ per dimension in units of covolume^(2/dim)
  /// (E8 0.0717, D4 0.0766, Z 1/12): only the overload search's first estimate uses it.
  static constexpr double granular_moment =
      std::is_same_v<L, e8> ? 0.0717 : (L::dim == 4 && shell_view<L>::norm_scale == 2 ? 0.0766 * 1.4142 : 1.0 / 12.0);

  ball_code_view<L> code{};
  float step = 1.0f;
  float inv_step = 1.0f;

  [[nodiscard]] KAKEYA_HOST_DEVICE std::size_t bits() const noexcept { return code.blocks == 0 ? 0 : code.bits; }

  template <class Writer = bit_writer>
  KAKEYA_HOST_DEVICE void encode(std::span<const float, block> x, Writer& w) const noexcept {
    if (code.blocks == 0) return;
    float t[block];
    choose(x, t);
    write_point(t, w);
  }
  /// Writes the index of codebook point t (block floats; code.contains(t)): its rank, as
  /// write_rank lays it out.
  template <class Writer = bit_writer>
  KAKEYA_HOST_DEVICE void write_point(const float* t, Writer& w) const noexcept {
    detail::word r[ball_code_view<L>::max_words];
    code.rank(t, r);
    write_rank(r, w);
  }
  /// Writes a rank (code.words words) as ceil(bits / 64) fields of up to 64 bits, least
  /// significant first.
  template <class Writer = bit_writer>
  KAKEYA_HOST_DEVICE void write_rank(const detail::word* r, Writer& w) const noexcept {
    for (std::size_t i = 0; 64 * i < code.bits; ++i)
      w.put(r[i], static_cast<int>(code.bits - 64 * i < 64 ? code.bits - 64 * i : 64));
  }
  /// Reads an index (write_point's fields; any bits) and writes its codebook point to t
  /// (block floats, lattice coordinates: decode multiplies them by the step).
  template <class Reader = bit_reader>
  KAKEYA_HOST_DEVICE void read_point(Reader& rd, float* t) const noexcept {
    detail::word r[ball_code_view<L>::max_words];
    read_rank(rd, r);
    code.unrank(r, t);
  }
  /// Reads write_rank's fields into r (code.words words).
  template <class Reader = bit_reader>
  KAKEYA_HOST_DEVICE void read_rank(Reader& rd, detail::word* r) const noexcept {
    for (std::size_t i = 0; i < code.words; ++i) {
      const std::size_t take = code.bits > 64 * i ? (code.bits - 64 * i < 64 ? code.bits - 64 * i : 64) : 0;
      r[i] = take ? rd.get(static_cast<int>(take)) : 0;
    }
  }
  template <class Reader = bit_reader>
  KAKEYA_HOST_DEVICE void decode(Reader& rd, std::span<float, block> y) const noexcept {
    if (code.blocks == 0) {
      for (std::size_t i = 0; i < block; ++i) y[i] = 0.0f;
      return;
    }
    float t[block];
    read_point(rd, t);
    for (std::size_t i = 0; i < block; ++i) y[i] = t[i] * step;
  }
  KAKEYA_HOST_DEVICE void reconstruct(std::span<const float, block> x, std::span<float, block> y) const noexcept {
    if (code.blocks == 0) {
      for (std::size_t i = 0; i < block; ++i) y[i] = 0.0f;
      return;
    }
    float t[block];
    choose(x, t);
    for (std::size_t i = 0; i < block; ++i) y[i] = t[i] * step;
  }

  /// The codebook point the encoder picks for x (block floats, unit mean square) into t:
  /// Q_Λ(x / s) block by block; if that is outside the ball, Q_Λ(x · α_k / s) with
  /// α_k = 1 − k/4096, a small k that fits, found by shrink_search: from an estimate k₀ (the α
  /// that brings the point's norm to the ball's mean bin edge) up in steps of 8 · max(1, k/16)
  /// until the point fits, then Illinois regula falsi on the bins' sum against the budget
  /// between the last k that did not fit and the first that did, until the two are max(1, k/16)
  /// apart or a fitting point's bins sum to the budget (or one less, in budgets of 48 bins and
  /// more: slack_of). α = 0 (the point 0) always fits.
  /// k₀ = round(4096 · (1 − sqrt((n_ball − n_g) / (n − n_g)))), n the point's integer norm,
  /// n_ball = width · budget + K · (width − 1) / 2, n_g = K · dim · G(Λ) / scale (granular).
  KAKEYA_HOST_DEVICE void choose(std::span<const float, block> x, float* t) const noexcept {
    float fit[block];
    shrink_search s;
    for (;;) {
      int total = 0;
      const bool fits = place(x, s.k, t, total);
      const auto norm = [&] {
        double n = 0;
        for (std::size_t b = 0; b < K; ++b) n += static_cast<double>(shell_view<L>::norm(t + b * L::dim));
        return n;
      };
      bool keep = false;
      const bool done = s.next(*this, fits, total, norm, keep);
      if (keep)
        for (std::size_t i = 0; i < block; ++i) fit[i] = t[i];
      if (done) break;
    }
    if (s.restore())
      for (std::size_t i = 0; i < block; ++i) t[i] = fit[i];
    if (s.zero)
      for (std::size_t i = 0; i < block; ++i) t[i] = 0.0f;
  }
  /// choose's search over k, one placement at a time (the CUDA encoder runs the same steps over
  /// a lane group): place(k), then next(). Phase 0 the point itself; 1 bracketing (from the
  /// first estimate up until the point fits); 2 Illinois regula falsi inside the bracket
  /// [lo, hi], lo not fitting, hi fitting, on f(k) = (bins' sum at k) − budget, with
  /// f(hi) taken 1/2 lower (the fitting side is ≤ 0, the root lies between the integers); the
  /// end kept twice in a row has its f halved. It stops when hi − lo <= max(1, hi/16), or at
  /// once when a fitting point's bins sum to the budget less at most slack_of(budget) (a
  /// smaller k gains at most that: below 0.01 dB, docs/components/ball.md).
  /// Integer k; the only rounded operation is one IEEE double division, so host and device
  /// take the same steps.
  struct shrink_search {
    int k = 0;
    int phase = 0;
    bool zero = false; ///< nothing fit before α = 0: the point 0
    int lo = 0;        ///< the largest k known not to fit
    int hi = 0;        ///< the smallest k known to fit (phase 2)
    int side = 0;      ///< the end moved last: +1 hi, −1 lo
    double f_lo = 0.0;
    double f_hi = 0.0;
    /// After placing at k with result `fits` and bins' sum `total` (a block beyond the cap
    /// counting cap_bins): whether the search is over. Sets `keep` when the placed point is the
    /// best so far (the caller copies it); norm() gives the placed point's integer norm
    /// (double), asked for only after the first placement.
    template <class Norm>
    KAKEYA_HOST_DEVICE bool next(const ball_block_ref& q, bool fits, int total, Norm&& norm, bool& keep) noexcept {
      const double f = static_cast<double>(total - q.code.budget);
      if (phase == 0) {
        if (fits) return true;
        f_lo = f;
        k = q.first_shrink(norm());
        phase = 1;
        return false;
      }
      if (phase == 1 && !fits) { // still outside: raise k
        lo = k;
        f_lo = f;
        // The step stops short at k = shrink_steps − 1 (α = 1/4096) before the point 0.
        const int up = 8 * step_of(k), last = shrink_steps - 1;
        k = up < last - k ? k + up : k < last ? last : shrink_steps;
        zero = k >= shrink_steps;
        return zero;
      }
      if (fits) {
        keep = true;
        hi = k;
        f_hi = f - 0.5;
        if (side == 1) f_lo *= 0.5;
        side = 1;
      } else {
        lo = k;
        f_lo = f;
        if (side == -1) f_hi *= 0.5;
        side = -1;
      }
      phase = 2;
      // Done at the resolution, or when the fitting point spends the budget (to one bin).
      if (hi - lo <= step_of(hi) || (fits && total + slack_of(q.code.budget) >= q.code.budget)) return true;
      // f_hi < 0 always; f_lo <= 0 only when a block beyond the cap made the point not fit:
      // then bisect.
      const int width = hi - lo;
      const int into = f_lo > 0.0 ? static_cast<int>(f_lo * width / (f_lo - f_hi) + 0.5) : width / 2;
      k = lo + (into < 1 ? 1 : into > width - 1 ? width - 1 : into);
      return false;
    }
    /// Whether the answer is the last kept point (not the last placed one).
    [[nodiscard]] KAKEYA_HOST_DEVICE bool restore() const noexcept { return phase == 2; }
  };
  /// The overload search's first k for a point of integer norm n outside the ball (above).
  [[nodiscard]] KAKEYA_HOST_DEVICE int first_shrink(double n) const noexcept {
    const double n_ball = code.mean_norm();
    const double n_g = static_cast<double>(block) * granular_moment / shell_view<L>::norm_scale;
    const double ratio = n > n_ball ? (n_ball - n_g) / (n - n_g) : 1.0;
    const int k = ratio > 0.0 ? static_cast<int>(::llround(shrink_steps * (1.0 - ::sqrt(ratio)))) : shrink_steps;
    return k < 1 ? 1 : k > shrink_steps ? shrink_steps : k;
  }
  /// The bins a fitting point may leave unspent and end the search: 1 in budgets of 48 bins
  /// and more (1/48 of the norm or less; rates from 2 at 16 blocks, from 1 at 64), else 0.
  KAKEYA_HOST_DEVICE static int slack_of(int budget) noexcept { return budget >= 48 ? 1 : 0; }
  /// The overload search's step at k: max(1, k / 16).
  KAKEYA_HOST_DEVICE static int step_of(int k) noexcept { return k / 16 > 1 ? k / 16 : 1; }

  /// The shrink factor α_k = 1 − k / shrink_steps.
  KAKEYA_HOST_DEVICE static float alpha_of(int k) noexcept {
    return 1.0f - static_cast<float>(k) / static_cast<float>(shrink_steps);
  }
  /// t = Q_Λ(x · (1/s) · α) for one lattice block (L::dim floats each).
  KAKEYA_HOST_DEVICE void place_block(const float* x, float alpha, float* t) const noexcept {
    float u[L::dim];
    for (std::size_t i = 0; i < L::dim; ++i) u[i] = x[i] * inv_step * alpha;
    L::closest_point(std::span<const float, L::dim>(u), std::span<float, L::dim>(t, L::dim));
  }

private:
  // t = Q_Λ(x · α_k / s) block by block; whether it is in the ball, and its bins' sum.
  KAKEYA_HOST_DEVICE bool place(std::span<const float, block> x, int k, float* t, int& total) const noexcept {
    const float alpha = alpha_of(k);
    bool over = false;
    total = 0;
    for (std::size_t b = 0; b < K; ++b) {
      place_block(x.data() + b * L::dim, alpha, t + b * L::dim);
      const int bin = code.bin(t + b * L::dim);
      over |= bin >= ball_code_view<L>::cap_bins;
      total += bin;
    }
    return !over && total <= code.budget;
  }
};

/// Block quantiser over the ball code of K blocks of lattice L (see the file comment): owns the
/// code (shared) and runs `ball_block_ref`.
template <BallLattice L, std::size_t K>
class ball_block {
public:
  using code_type = ball_code<L>;
  using ref_type = ball_block_ref<L, K>;
  static constexpr std::size_t block = ref_type::block;
  static constexpr std::size_t max_bits = ref_type::max_bits;
  static constexpr int shrink_steps = ref_type::shrink_steps;
  /// The default radius factor: measured best over rates 1–6 on Gaussian data
  /// (docs/components/ball.md, "Defaults"); 1.0 is up to 0.05 dB better at rates <= 4 and
  /// worse from rate 5 on, where the shrinking costs more than the granular error saves.
  static constexpr double default_radius = 0.99;

  /// An empty block (0 bits; decodes to zeros). Codecs need a default state.
  ball_block() = default;
  /// The ball code of K blocks in `bits` bits with radius factor c.
  /// @throws kakeya::error (errc::invalid_argument) for bits outside 1..4096, c outside
  /// [0.5, 2], a code of the point 0 alone (budget 0), or a code whose counts do not fit (see
  /// ball_code)
  explicit ball_block(std::size_t bits, double radius = default_radius) : radius_(radius) {
    require(radius >= 0.5 && radius <= 2.0, errc::invalid_argument,
            "ball code: radius factor must be in [0.5, 2], got " + std::to_string(radius));
    code_ = code_type::shared(K, bits);
    require(code_->budget() >= 1, errc::invalid_argument,
            "ball code: " + std::to_string(bits) + " bits hold only the point 0 for " + std::to_string(K) +
                " blocks; give at least " + std::to_string(K * L::dim) + " bits");
    const double scale = shell_view<L>::norm_scale;
    const double r2 = scale * code_->view().mean_norm();
    const double s = std::sqrt(static_cast<double>(block) / r2) / radius;
    ref_.code = code_->view();
    ref_.step = static_cast<float>(s);
    ref_.inv_step = static_cast<float>(1.0 / s);
  }

  [[nodiscard]] KAKEYA_HOST_DEVICE std::size_t bits() const noexcept { return ref_.bits(); }
  [[nodiscard]] const code_type* code() const noexcept { return code_.get(); }
  /// The quantiser over the code's view (what the CUDA backend copies, with its own tables).
  [[nodiscard]] const ref_type& ref() const noexcept { return ref_; }
  [[nodiscard]] float step() const noexcept { return ref_.step; }
  [[nodiscard]] double radius() const noexcept { return radius_; }

  // Host and device markings only so that codec's host-device members compile; on the GPU the
  // backend runs ref() over its own copy of the tables.
  template <class Writer = bit_writer>
  KAKEYA_HOST_DEVICE void encode(std::span<const float, block> x, Writer& w) const noexcept { ref_.encode(x, w); }
  template <class Reader = bit_reader>
  KAKEYA_HOST_DEVICE void decode(Reader& rd, std::span<float, block> y) const noexcept { ref_.decode(rd, y); }
  KAKEYA_HOST_DEVICE void reconstruct(std::span<const float, block> x, std::span<float, block> y) const noexcept {
    ref_.reconstruct(x, y);
  }
  /// The codebook point the encoder picks for x (see ball_block_ref::choose).
  void choose(std::span<const float, block> x, float* t) const noexcept { ref_.choose(x, t); }

private:
  std::shared_ptr<const code_type> code_;
  ref_type ref_{};
  double radius_ = default_radius;
};

} // namespace kakeya
