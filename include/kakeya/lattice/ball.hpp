// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file ball.hpp
/// Ball codes of a lattice: the points of Λ^K (K blocks of a lattice Λ ∈ {Zⁿ, Dₙ, E8}) inside
/// a ball, with an exact bijection to the integers [0, count). docs/components/ball.md has the
/// mathematics; in short:
///
/// - **Shells.** A block point t has the integer norm n(t) = ‖t‖² for Zⁿ and ‖t‖²/2 for Dₙ and
///   E8. `lattice_shells<L>` counts the points of each shell (the theta series: Zⁿ r_N(n),
///   Dₙ r_N(2n), E8 r_8(2n) + o_8(8n)/2, with r_k(s) the representations of s as a sum of k
///   squares and o_k(s) those with odd terms) and ranks a point within its shell
///   (lexicographic in the coordinates; E8's integer coset first).
/// - **Bins.** Shells are grouped into bins of `width` consecutive norms, bin(t) = n(t) / width;
///   a block's bin is at most `cap` − 1.
/// - **The ball.** The codebook is every K-tuple of block points with Σ bin(t_i) <= `budget`
///   (with width 1 and no cap hit, the ball ‖t‖² <= 2·budget itself; with wider bins a ball up
///   to a thin shell). Its exact size is N_K(budget), N_k(m) = Σ_{v <= m} c(v) N_{k−1}(m − v),
///   c(v) the points of bin v, N_0 = 1.
/// - **Rounded counts.** The ranks use counts rounded up to 32 significant bits
///   (core/big_uint.hpp, fcount): Ñ_0 = 1, P_k(m, 0) = 0,
///   P_k(m, v + 1) = ⌈P_k(m, v) + c(v) Ñ_k(m − v)⌉ and Ñ_{k+1}(m) = P_k(m, last bin) — the
///   same fold as N with each partial sum rounded up. Each Ñ_k(m) is at least N_k(m), larger by
///   below 2^-17 (about 10^-5 bits per ball), and Ñ_K(budget) <= 2^bits.
/// - **Rank.** Lexicographic in (bin_1, idx_1, bin_2, idx_2, …), idx_i the block's index within
///   its bin: rank = Σ_i [P_{K−1−i}(M_i, b_i) + idx_i · Ñ_{K−1−i}(M_i − b_i)], M_i the budget
///   left before block i. Each block owns the interval [P(b), P(b) + c(b) Ñ(M − b)) of its
///   level, inside [P(b), P(b + 1)): ranks are injective and below Ñ_K(budget). Each term is a
///   32-bit (or 95-bit) number at a bit offset, so a rank is 2K sparse additions, with no
///   dependence between the blocks. Unranking inverts it; any bits unrank to a codebook point
///   (a rank past the space, or in a rounding gap, gives some point of the ball, never UB).
///
/// Parameters (`ball_code<L>(K, bits)`): the bin width is the smallest of 1, 2, 3, 4,
/// 6, 8, 12, 16, … for which the budget is at most 16 bins per block, the cap is 128 bins, and
/// the budget is the largest with Ñ_K(budget) <= 2^bits. Tables (built once per (Λ, K, bits)
/// and shared, `ball_code<L>::shared`): Ñ_k(m) for k <= K, m <= budget, and P_k(m, v) for
/// v <= 48 (larger bins, rare, continue the fold), 8 bytes each; the bins' sizes and the
/// offsets of their shells.
///
/// The owning classes (`lattice_shells`, `ball_code`) are host code; their `view()`s
/// (`shell_view`, `ball_code_view`: pointers and sizes, trivially copyable) hold every
/// per-point operation and run on the host and, with the tables copied to the GPU, in CUDA
/// kernels — the same code, hence the same bits.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kakeya/config.hpp"
#include "kakeya/core/big_uint.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/lattice/zn.hpp"

namespace kakeya {

namespace detail {
template <class L> struct ball_lattice_kind : std::false_type {};
template <std::size_t N> struct ball_lattice_kind<zn<N>> : std::true_type {
  static constexpr int norm_scale = 1; // n = ‖t‖²
};
template <std::size_t N> struct ball_lattice_kind<dn<N>> : std::true_type {
  static constexpr int norm_scale = 2; // n = ‖t‖² / 2
};
template <> struct ball_lattice_kind<e8> : std::true_type {
  static constexpr int norm_scale = 2;
};

KAKEYA_HOST_DEVICE inline std::int64_t isqrt64(std::int64_t s) noexcept {
  if (s <= 0) return 0;
  auto r = static_cast<std::int64_t>(::sqrt(static_cast<double>(s)));
  while (r * r > s) --r;
  while ((r + 1) * (r + 1) <= s) ++r;
  return r;
}
} // namespace detail

/// A lattice with ball codes: zn<N>, dn<N> (4 <= N <= 16) and e8. From 4 dimensions on every
/// shell n >= 1 has points (Lagrange's four squares), so no bin is empty.
template <class L>
concept BallLattice = detail::ball_lattice_kind<L>::value && L::dim >= 4 && L::dim <= 16;

/// The per-point operations on a lattice's shells over tables held elsewhere (see
/// lattice_shells): trivially copyable, host and device.
template <BallLattice L>
struct shell_view {
  static constexpr std::size_t dim = L::dim;
  static constexpr int norm_scale = detail::ball_lattice_kind<L>::norm_scale;
  static constexpr bool has_half = std::is_same_v<L, e8>;

  const std::uint64_t* squares = nullptr; ///< r_k(s), (dim + 1) rows of squares_len
  const std::uint64_t* odd = nullptr;     ///< o_k(s), (dim + 1) rows of odd_len (E8)
  const std::uint64_t* theta = nullptr;   ///< θ(n), n <= n_max
  /// Partial sums of the rows for the rank, every `stride` terms: Σ_{u=1}^{x} r_k(s − u²) at
  /// ((k − 1) · squares_len + s) · span + x / stride − 1, and Σ_{u=1,3,…,2m−1} o_k(s − u²) at
  /// ((k − 1) · odd_rows + (s − (k + 1) mod 8) / 8) · span + m / stride − 1 (the s a rank can
  /// ask for, s ≡ k + 1 mod 8), for 1 <= k < dim and x, m multiples of stride up to
  /// span · stride; span 0: none (the rank loops).
  const std::uint64_t* cum_squares = nullptr;
  const std::uint64_t* cum_odd = nullptr;
  std::int64_t n_max = -1;
  std::int64_t squares_len = 0;
  std::int64_t odd_len = 0;
  std::int64_t odd_rows = 0;
  std::int32_t span = 0;
  std::int32_t stride = 1;

  /// θ(n): the number of points of norm n (0 beyond n_max).
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t count(std::int64_t n) const noexcept {
    return n >= 0 && n <= n_max ? theta[n] : 0;
  }
  /// The integer norm of a lattice point t (dim floats, exact lattice coordinates).
  /// Exact in float: ‖t‖² is an integer (E8's half coset: a multiple of 1/4 per coordinate
  /// summing to an even integer) below 2^24 for every norm a ball code can hold; larger sums
  /// (far outside any ball) are returned as at least 2^22 / scale.
  [[nodiscard]] KAKEYA_HOST_DEVICE static std::int64_t norm(const float* t) noexcept {
    float s = 0.0f;
    for (std::size_t i = 0; i < dim; ++i) s += t[i] * t[i];
    if (!(s < 4194304.0f)) return std::int64_t{4194304} / norm_scale;
    return static_cast<std::int64_t>(s) / norm_scale;
  }
  /// The rank of the point t in its shell n = norm(t) (requires n <= n_max).
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t rank(const float* t, std::int64_t n) const noexcept {
    // t is a lattice point, so t_i (integer coset) or 2 t_i (half coset) is an integer far
    // below 2^24: the conversions are exact, with no rounding call.
    bool half = false;
    if constexpr (has_half) half = t[0] != static_cast<float>(static_cast<std::int32_t>(t[0]));
    std::int64_t x[dim];
    const int mult = half ? 2 : 1;
    for (std::size_t i = 0; i < dim; ++i) x[i] = static_cast<std::int32_t>(t[i] * static_cast<float>(mult));
    std::int64_t s = half ? 8 * n : norm_scale * n;
    std::uint64_t idx = half ? r(dim, norm_scale * n) : 0;
    // Σ_{v < x} completions(v), the candidates v in [−√s, x) (odd ones for the half coset),
    // from the symmetry v ↔ −v: the sum over all v ≠ 0 is 2·T with T known from the next row
    // (r_{k+1}(s) = r_k(s) + 2 Σ_{u≥1} r_k(s − u²); o_{k+1}(s) = 2 Σ_{u odd} o_k(s − u²)), so
    // only the |x| terms between 0 and x are summed.
    for (std::size_t j = 0; j + 1 < dim; ++j) {
      const std::size_t left = dim - 1 - j;
      const std::int64_t xj = x[j];
      const std::int64_t ax = xj < 0 ? -xj : xj;
      // Σ over u = 1 (or 1, 3, …) up to |x| (x < 0) or x − 1 (x > 0): the first terms from
      // the partial sums (a multiple of the stride), the rest summed here (u² <= x² <= s, so the
      // row is read without bounds checks, in 32-bit arithmetic: s <= 8 · 2^24).
      const auto last = static_cast<std::int32_t>(xj > 0 ? xj - 1 : ax);
      const std::int32_t terms = half ? (last + 1) / 2 : last;
      const std::int32_t entries = terms / stride < span ? terms / stride : span;
      const std::int32_t cached = entries * stride;
      std::uint64_t part = 0;
      if (entries > 0) {
        const auto k = static_cast<std::int64_t>(left) - 1;
        part = half ? cum_odd[(k * odd_rows + (s - static_cast<std::int64_t>((left + 1) % 8)) / 8) * span + entries - 1]
                    : cum_squares[(k * squares_len + s) * span + entries - 1];
      }
      const auto s32 = static_cast<std::int32_t>(s);
      const std::uint64_t* row = half ? odd + static_cast<std::int64_t>(left) * odd_len
                                      : squares + static_cast<std::int64_t>(left) * squares_len;
      for (std::int32_t u = half ? 2 * cached + 1 : cached + 1; u <= last; u += mult)
        part += row[static_cast<std::uint32_t>(s32 - u * u)];
      // s is within the rows (s <= scale · n <= the row length − 1; left + 1 <= dim).
      if (!half) {
        const std::uint64_t rl = row[s32], rn = squares[static_cast<std::int64_t>(left + 1) * squares_len + s];
        const std::uint64_t t = (rn - rl) / 2;
        idx += xj > 0 ? t + rl + part : t - part;
      } else {
        const std::uint64_t t = odd[static_cast<std::int64_t>(left + 1) * odd_len + s] / 2; // Σ over odd u >= 1 of o_left(s − u²)
        idx += (xj > 0 ? t + part : t - part) / 2;  // each completion count is o_left / 2
      }
      s -= xj * xj;
    }
    // The last coordinate: x² = s, and the only candidate below x is −x. Integer coset: it
    // counts when x > 0. Half coset: −x moves Σu by 2x ≡ 2 (mod 4), so it never counts.
    if (!half && x[dim - 1] > 0) ++idx;
    return idx;
  }
  /// The point of rank `idx` in shell n (idx < count(n), n <= n_max), written to t.
  KAKEYA_HOST_DEVICE void unrank(std::int64_t n, std::uint64_t idx, float* t) const noexcept {
    bool half = false;
    if constexpr (has_half) {
      const std::uint64_t ints = r(dim, norm_scale * n);
      if (idx >= ints) {
        half = true;
        idx -= ints;
      }
    }
    const int mult = half ? 2 : 1;
    std::int64_t s = half ? 8 * n : norm_scale * n;
    std::int64_t sum = 0;
    for (std::size_t j = 0; j < dim; ++j) {
      const std::size_t left = dim - 1 - j;
      std::int64_t v = first(s, half);
      const std::int64_t top = detail::isqrt64(s);
      for (; v + mult <= top; v += mult) { // the last candidate is taken without a test
        const std::uint64_t c = completions(left, s - v * v, sum + v, half);
        if (idx < c) break;
        idx -= c;
      }
      t[j] = half ? static_cast<float>(v) * 0.5f : static_cast<float>(v);
      s -= v * v;
      sum += v;
    }
  }

private:
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t r(std::size_t k, std::int64_t s) const noexcept {
    return s < 0 || s >= squares_len ? 0 : squares[static_cast<std::int64_t>(k) * squares_len + s];
  }
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t o(std::size_t k, std::int64_t s) const noexcept {
    return s < 0 || s >= odd_len ? 0 : odd[static_cast<std::int64_t>(k) * odd_len + s];
  }
  // The smallest candidate coordinate for remaining norm s: -floor(sqrt s), odd for the half coset.
  KAKEYA_HOST_DEVICE static std::int64_t first(std::int64_t s, bool half) noexcept {
    std::int64_t v = -detail::isqrt64(s);
    if (half && (v % 2 == 0)) ++v;
    return v;
  }
  // Points completing a prefix (sum so far `sum`) with `left` more coordinates of norm s.
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t completions(std::size_t left, std::int64_t s, std::int64_t sum,
                                                             bool half) const noexcept {
    if (s < 0) return 0;
    if (!half) return r(left, s);
    // E8's half coset: u = 2t odd with Σu ≡ 0 (mod 4). With a coordinate left, flipping its
    // sign moves Σu by 2 (mod 4), so exactly half of the completions have the right sum.
    if (left == 0) return s == 0 && ((sum % 4) + 4) % 4 == 0 ? 1 : 0;
    return o(left, s) / 2;
  }
};

/// The shells of a lattice L up to norm n_max: the tables of shell_view (which see). Host code;
/// the tables hold (dim + 1) · (scale · n_max + 1) counts (E8 also its odd-coordinate counts
/// up to 8 · n_max).
template <BallLattice L>
class lattice_shells {
public:
  static constexpr std::size_t dim = L::dim;
  static constexpr int norm_scale = shell_view<L>::norm_scale;
  static constexpr bool has_half = shell_view<L>::has_half;

  /// The shells up to norm n_max; `span` > 0 adds the rank's partial sums of up to
  /// span · stride terms per coordinate, one every `stride` (shell_view::cum_squares, cum_odd:
  /// (dim − 1) · span entries per s).
  /// @throws kakeya::error (errc::invalid_argument) when a shell's size exceeds 2^62
  explicit lattice_shells(std::int64_t n_max, int span = 0, int stride = 1)
      : n_max_(n_max), span_(span), stride_(stride) {
    require(n_max >= 0 && n_max <= (std::int64_t{1} << 24), errc::invalid_argument,
            "lattice_shells: the largest norm must be in 0..2^24");
    require(span >= 0 && span <= 64 && stride >= 1 && stride <= 64, errc::invalid_argument,
            "lattice_shells: the span and the stride must be in 0..64 and 1..64");
    squares_len_ = norm_scale * n_max + 1;
    squares_ = counts(squares_len_, false);
    if constexpr (has_half) {
      odd_len_ = 8 * n_max + 1;
      odd_ = counts(odd_len_, true);
    }
    theta_.resize(static_cast<std::size_t>(n_max + 1));
    for (std::int64_t n = 0; n <= n_max; ++n) {
      std::uint64_t t = squares_[dim * static_cast<std::size_t>(squares_len_) + static_cast<std::size_t>(norm_scale * n)];
      if constexpr (has_half) t += odd_[dim * static_cast<std::size_t>(odd_len_) + static_cast<std::size_t>(8 * n)] / 2;
      theta_[static_cast<std::size_t>(n)] = t;
    }
    if (span_ > 0) build_partial_sums();
  }

  /// The per-point operations over these tables (valid while this object lives).
  [[nodiscard]] shell_view<L> view() const noexcept {
    shell_view<L> v = view_without_theta();
    v.theta = theta_.data();
    return v;
  }
  [[nodiscard]] std::int64_t max_norm() const noexcept { return n_max_; }
  [[nodiscard]] std::uint64_t count(std::int64_t n) const noexcept { return view().count(n); }
  [[nodiscard]] static std::int64_t norm(const float* t) noexcept { return shell_view<L>::norm(t); }
  [[nodiscard]] std::uint64_t rank(const float* t, std::int64_t n) const noexcept { return view().rank(t, n); }
  void unrank(std::int64_t n, std::uint64_t idx, float* t) const noexcept { view().unrank(n, idx, t); }
  /// The tables, for copying them elsewhere (the CUDA backend).
  [[nodiscard]] const std::vector<std::uint64_t>& squares() const noexcept { return squares_; }
  [[nodiscard]] const std::vector<std::uint64_t>& odd() const noexcept { return odd_; }
  [[nodiscard]] const std::vector<std::uint64_t>& theta() const noexcept { return theta_; }
  [[nodiscard]] const std::vector<std::uint64_t>& cum_squares() const noexcept { return cum_squares_; }
  [[nodiscard]] const std::vector<std::uint64_t>& cum_odd() const noexcept { return cum_odd_; }

private:
  shell_view<L> view_without_theta() const noexcept {
    shell_view<L> v;
    v.squares = squares_.data();
    v.odd = odd_.empty() ? nullptr : odd_.data();
    v.cum_squares = cum_squares_.empty() ? nullptr : cum_squares_.data();
    v.cum_odd = cum_odd_.empty() ? nullptr : cum_odd_.data();
    v.n_max = n_max_;
    v.squares_len = squares_len_;
    v.odd_len = odd_len_;
    v.odd_rows = odd_rows_;
    v.span = span_;
    v.stride = stride_;
    return v;
  }
  // The rank's partial sums (shell_view::cum_squares, cum_odd), rows k = 1 .. dim − 1.
  void build_partial_sums() {
    const auto span = static_cast<std::size_t>(span_);
    const auto stride = static_cast<std::size_t>(stride_);
    const auto len = static_cast<std::size_t>(squares_len_);
    cum_squares_.assign((dim - 1) * len * span, 0);
    for (std::size_t k = 1; k < dim; ++k)
      for (std::size_t s = 0; s < len; ++s) {
        std::uint64_t acc = 0; // at most r_{k+1}(s) < 2^62
        for (std::size_t x = 1; x <= span * stride; ++x) {
          if (x * x <= s) acc += squares_[k * len + s - x * x];
          if (x % stride == 0) cum_squares_[((k - 1) * len + s) * span + x / stride - 1] = acc;
        }
      }
    if constexpr (has_half) {
      const auto olen = static_cast<std::size_t>(odd_len_);
      odd_rows_ = (odd_len_ + 7) / 8;
      const auto rows = static_cast<std::size_t>(odd_rows_);
      cum_odd_.assign((dim - 1) * rows * span, 0);
      for (std::size_t k = 1; k < dim; ++k)
        for (std::size_t i = 0; i < rows; ++i) {
          const std::size_t s = 8 * i + (k + 1) % 8;
          std::uint64_t acc = 0;
          for (std::size_t m = 1; m <= span * stride; ++m) {
            const std::size_t u = 2 * m - 1;
            if (s < olen && u * u <= s) acc += odd_[k * olen + s - u * u];
            if (m % stride == 0) cum_odd_[((k - 1) * rows + i) * span + m / stride - 1] = acc;
          }
        }
    }
  }
  // r_k(s) (odd = false) or o_k(s) (odd = true) for k <= dim, s < len, row-major.
  static std::vector<std::uint64_t> counts(std::int64_t len, bool odd) {
    const auto n = static_cast<std::size_t>(len);
    std::vector<std::uint64_t> c((dim + 1) * n, 0);
    c[0] = 1;
    for (std::size_t k = 1; k <= dim; ++k) {
      const std::uint64_t* prev = c.data() + (k - 1) * n;
      std::uint64_t* row = c.data() + k * n;
      // k odd squares sum to k (mod 8): the other entries of an odd row are 0.
      const std::int64_t first = odd ? static_cast<std::int64_t>(k % 8) : 0;
      for (std::int64_t s = first; s < len; s += odd ? 8 : 1) {
        detail::dword total = 0; // terms below 2^63 (their row was checked), at most 2^24 of them
        for (std::int64_t v = odd ? 1 : 0; v * v <= s; v += odd ? 2 : 1)
          total += static_cast<detail::dword>(prev[static_cast<std::size_t>(s - v * v)]) * (v == 0 ? 1u : 2u);
        require(total < (detail::dword{1} << 62), errc::invalid_argument,
                "lattice_shells: shell counts exceed 2^62 (norm too large)");
        row[static_cast<std::size_t>(s)] = static_cast<std::uint64_t>(total);
      }
    }
    return c;
  }

  std::int64_t n_max_;
  int span_;
  int stride_;
  std::int64_t squares_len_ = 0;
  std::int64_t odd_len_ = 0;
  std::int64_t odd_rows_ = 0;
  std::vector<std::uint64_t> squares_;
  std::vector<std::uint64_t> odd_;
  std::vector<std::uint64_t> theta_;
  std::vector<std::uint64_t> cum_squares_;
  std::vector<std::uint64_t> cum_odd_;
};

/// The largest number of blocks and bits of a ball code.
inline constexpr std::size_t ball_max_blocks = 128;
inline constexpr std::size_t ball_max_bits = 4096;

/// The per-point operations of a ball code over tables held elsewhere (see ball_code):
/// trivially copyable, host and device.
template <BallLattice L>
struct ball_code_view {
  static constexpr std::size_t dim = L::dim;
  static constexpr int cap_bins = 128;
  static constexpr std::size_t max_words = ball_max_bits / 64 + 2;
  /// Prefix sums P_k(m, v) stored per (k, m): v = 1 .. stored_bins (further ones are folded).
  static constexpr int stored_bins = 48;

  shell_view<L> shells;
  const std::uint64_t* counts = nullptr;     ///< Ñ_k(m), k <= K, m <= budget (packed fcounts)
  const std::uint64_t* prefix = nullptr;     ///< P_k(m, v), k < K, m <= budget, 1 <= v <= stored_bins
  const std::uint64_t* bin_count = nullptr;  ///< c(v), v < cap_bins
  const std::uint64_t* in_bin = nullptr;     ///< θ(width·(n/width)) + … + θ(n − 1), n < cap_bins · width
  const std::uint8_t* bin_of = nullptr;      ///< n / width for n < cap_bins · width
  std::size_t blocks = 0;
  std::size_t bits = 0;
  std::size_t words = 1;
  int width = 1;
  int budget = 0;
  int precision = 32; ///< significant bits of the counts

  /// The bin of a block point, or cap_bins when its norm is beyond the cap.
  [[nodiscard]] KAKEYA_HOST_DEVICE int bin(const float* t) const noexcept { return bin_of_norm(shell_view<L>::norm(t)); }
  /// The bin of integer norm n, or cap_bins beyond the cap.
  [[nodiscard]] KAKEYA_HOST_DEVICE int bin_of_norm(std::int64_t n) const noexcept {
    return n < static_cast<std::int64_t>(cap_bins) * width ? bin_of[n] : cap_bins;
  }
  /// Whether the K block points t (K · dim floats, lattice points) are in the codebook.
  [[nodiscard]] KAKEYA_HOST_DEVICE bool contains(const float* t) const noexcept {
    int total = 0;
    for (std::size_t i = 0; i < blocks; ++i) {
      const int b = bin(t + i * dim);
      if (b >= cap_bins) return false;
      total += b;
      if (total > budget) return false;
    }
    return true;
  }
  /// The index of block point t (norm n, in the codebook's bins) within its bin.
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t index_in_bin(const float* t, std::int64_t n) const noexcept {
    return in_bin[n] + shells.rank(t, n);
  }
  /// The rank of codebook point t (contains(t) must hold) into `out` (words words): the sum
  /// over the blocks of their block_terms, added in any order.
  KAKEYA_HOST_DEVICE void rank(const float* t, detail::word* out) const noexcept {
    rank_blocks(
        [&](std::size_t i, int& b, std::uint64_t& idx) {
          const float* ti = t + i * dim;
          const std::int64_t n = shell_view<L>::norm(ti);
          b = bin_of[n];
          idx = index_in_bin(ti, n);
        },
        out);
  }
  /// The rank from each block's bin and index in it, block(i, bin, index) giving block i's
  /// (rank computes them from the point; the SIMD backend computes the indices lane-wise).
  template <class Block>
  KAKEYA_HOST_DEVICE void rank_blocks(Block&& block, detail::word* out) const noexcept {
    detail::digit_sum<max_words> sum(words);
    int left = budget;
    for (std::size_t i = 0; i < blocks; ++i) {
      int b = 0;
      std::uint64_t idx = 0;
      block(i, b, idx);
      rank_term terms[2];
      block_terms(blocks - 1 - i, left, b, idx, terms);
      for (const rank_term& r : terms) sum.add(r.v, r.e);
      left -= b;
    }
    sum.settle(out);
  }
  /// A rank term v · 2^e (v below 2^95).
  struct rank_term {
    detail::dword v;
    int e;
  };
  /// The rank terms of a block in bin b with index idx in it, `rem` blocks after it and `left`
  /// of the budget before it: P_rem(left, b) and idx · Ñ_rem(left − b).
  KAKEYA_HOST_DEVICE void block_terms(std::size_t rem, int left, int b, std::uint64_t idx, rank_term (&out)[2]) const noexcept {
    const std::uint64_t p = prefix_at(rem, left, b);
    const std::uint64_t c = count(rem, left - b);
    out[0] = {detail::fcount_m(p), detail::fcount_e(p)};
    out[1] = {static_cast<detail::dword>(idx) * detail::fcount_m(c), detail::fcount_e(c)};
  }
  /// The codebook point of rank `in` (words words; any value) into t (K · dim floats).
  KAKEYA_HOST_DEVICE void unrank(const detail::word* in, float* t) const noexcept {
    walk(in, [&](std::size_t i, int v, std::uint64_t j) { place_in_bin(v, j, t + i * dim); });
  }
  /// The serial part of unrank: for each block i in order, its bin v and index j in the bin,
  /// passed to emit(i, v, j) (place_in_bin makes the point; the blocks are independent).
  template <class Emit>
  KAKEYA_HOST_DEVICE void walk(const detail::word* in, Emit&& emit) const noexcept {
    detail::word r[max_words];
    detail::big_copy(r, in, words);
    std::size_t used = detail::big_used(r, words);
    int left = budget;
    for (std::size_t i = 0; i < blocks; ++i) {
      const std::size_t rem = blocks - 1 - i;
      const int top = left < cap_bins - 1 ? left : cap_bins - 1;
      // The bin: the largest v <= top with P_rem(left, v) <= r (P(0) = 0 <= r): a binary
      // search over the stored prefix sums, then the fold beyond them.
      const int stored = top < stored_bins ? top : stored_bins;
      int lo = 0, hi = stored;
      while (lo < hi) {
        const int mid = (lo + hi + 1) / 2;
        if (at_least(r, used, prefix_at(rem, left, mid))) lo = mid;
        else hi = mid - 1;
      }
      int v = lo;
      std::uint64_t p = prefix_at(rem, left, v);
      if (v == stored_bins)
        for (; v < top; ++v) {
          const std::uint64_t next = detail::fcount_add_mul(p, count(rem, left - v), bin_count[v], precision);
          if (!at_least(r, used, next)) break;
          p = next;
        }
      detail::big_sub_shifted(r, words, detail::fcount_m(p), detail::fcount_e(p));
      used = detail::big_used(r, used);
      // The index within the bin, floor(r / Ñ_rem(left − v)), at most c(v) − 1 (any bits: the
      // rest of r goes on to the next block).
      const std::uint64_t c = count(rem, left - v);
      const detail::dword q = detail::div_small(detail::big_window(r, used, detail::fcount_e(c)), detail::fcount_m(c));
      const std::uint64_t j = q < bin_count[v] ? static_cast<std::uint64_t>(q) : bin_count[v] - 1;
      detail::big_sub_shifted(r, words, static_cast<detail::dword>(j) * detail::fcount_m(c), detail::fcount_e(c));
      used = detail::big_used(r, used);
      emit(i, v, j);
      left -= v;
    }
  }
  /// The block point of index j in bin v (j < c(v)) into t (dim floats).
  KAKEYA_HOST_DEVICE void place_in_bin(int v, std::uint64_t j, float* t) const noexcept {
    // The shell: the largest n of the bin with in_bin[n] <= j.
    std::int64_t lo = static_cast<std::int64_t>(v) * width, hi = lo + width - 1;
    while (lo < hi) {
      const std::int64_t mid = (lo + hi + 1) / 2;
      if (in_bin[mid] <= j) lo = mid;
      else hi = mid - 1;
    }
    shells.unrank(lo, j - in_bin[lo], t);
  }

  /// The ball's integer norm at the bins' mean: width · budget + K · (width − 1) / 2 (the step
  /// of ball_block and its overload estimate are both taken from it).
  [[nodiscard]] KAKEYA_HOST_DEVICE double mean_norm() const noexcept {
    const double w = width;
    return w * budget + static_cast<double>(blocks) * (w - 1.0) / 2.0;
  }
  /// Ñ_k(m) (packed).
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t count(std::size_t k, int m) const noexcept {
    return counts[k * static_cast<std::size_t>(budget + 1) + static_cast<std::size_t>(m)];
  }
  /// P_k(m, v) for v <= min(m, cap_bins − 1) + 1 (packed): from the table up to stored_bins,
  /// folded on from there.
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t prefix_at(std::size_t k, int m, int v) const noexcept {
    if (v == 0) return 0;
    const int stored = v < stored_bins ? v : stored_bins;
    std::uint64_t p = prefix[(k * static_cast<std::size_t>(budget + 1) + static_cast<std::size_t>(m)) * stored_bins +
                             static_cast<std::size_t>(stored - 1)];
    for (int u = stored; u < v; ++u) p = detail::fcount_add_mul(p, count(k, m - u), bin_count[u], precision);
    return p;
  }

private:
  [[nodiscard]] KAKEYA_HOST_DEVICE static bool at_least(const detail::word* r, std::size_t used, std::uint64_t p) noexcept {
    return detail::big_at_least(r, used, detail::fcount_m(p), detail::fcount_e(p));
  }
};

/// The ball code of K blocks of lattice L in `bits` bits (see the file comment): its tables and
/// parameters. Host code, immutable after construction and safe to share between threads;
/// view() has the per-point operations.
template <BallLattice L>
class ball_code {
public:
  static constexpr std::size_t dim = L::dim;
  /// Bins per block at most (the cap).
  static constexpr int cap_bins = ball_code_view<L>::cap_bins;
  static_assert(cap_bins <= 255, "bins are stored as bytes");
  static constexpr int stored_bins = ball_code_view<L>::stored_bins;
  /// Target budget per block when choosing the bin width.
  static constexpr int bins_per_block = 16;
  static constexpr std::size_t max_blocks = ball_max_blocks;
  static constexpr std::size_t max_bits = ball_max_bits;
  /// Significant bits of the counts by default.
  static constexpr int default_precision = 32;

  /// The code of K blocks in at most `bits` bits, with the parameters chosen as the file
  /// comment says and counts of `precision` significant bits (1..32; the default 32 loses
  /// below 2^-20 of the code space; smaller values are for tests of the rounding).
  /// @throws kakeya::error (errc::invalid_argument) for K outside 1..128, bits outside
  /// 1..4096, precision outside 1..32, or parameters whose counts do not fit 2^63 per bin
  ball_code(std::size_t blocks, std::size_t bits, int precision = default_precision)
      : blocks_(blocks), bits_(bits), precision_(precision) {
    require(blocks >= 1 && blocks <= max_blocks, errc::invalid_argument,
            "ball code: blocks must be in 1..128, got " + std::to_string(blocks));
    require(bits >= 1 && bits <= max_bits, errc::invalid_argument,
            "ball code: bits must be in 1..4096, got " + std::to_string(bits));
    require(precision >= 1 && precision <= 32, errc::invalid_argument,
            "ball code: precision must be in 1..32, got " + std::to_string(precision));
    words_ = (bits + 1 + 63) / 64;
    choose_parameters();
    build_tables();
  }
  ball_code(const ball_code&) = delete; // views point into the tables
  ball_code& operator=(const ball_code&) = delete;

  /// A process-wide shared instance per (L, blocks, bits) with the default precision: the
  /// tables are built once.
  static std::shared_ptr<const ball_code> shared(std::size_t blocks, std::size_t bits) {
    static std::mutex m;
    static std::map<std::pair<std::size_t, std::size_t>, std::weak_ptr<const ball_code>> cache;
    std::lock_guard<std::mutex> lock(m);
    auto& slot = cache[{blocks, bits}];
    if (auto p = slot.lock()) return p;
    auto p = std::make_shared<const ball_code>(blocks, bits);
    slot = p;
    return p;
  }

  /// The per-point operations over this code's tables (valid while this object lives).
  [[nodiscard]] const ball_code_view<L>& view() const noexcept { return view_; }
  [[nodiscard]] std::size_t blocks() const noexcept { return blocks_; }
  [[nodiscard]] std::size_t bits() const noexcept { return bits_; }
  [[nodiscard]] std::size_t words() const noexcept { return words_; }
  [[nodiscard]] int width() const noexcept { return width_; }
  [[nodiscard]] int budget() const noexcept { return budget_; }
  [[nodiscard]] int precision() const noexcept { return precision_; }
  [[nodiscard]] const lattice_shells<L>& shells() const noexcept { return *shells_; }
  /// The size of the rank space, Ñ_K(budget) <= 2^bits (packed fcount): every codebook point
  /// ranks below it; the exact number of points is at most this.
  [[nodiscard]] std::uint64_t count() const noexcept { return view_.count(blocks_, budget_); }
  /// The largest squared norm ‖t‖² a codebook point can have: scale · (width · budget + K · (width − 1)),
  /// capped per block.
  [[nodiscard]] double max_squared_norm() const noexcept {
    const std::int64_t per_block = static_cast<std::int64_t>(cap_bins) * width_ - 1;
    const std::int64_t total = std::min<std::int64_t>(static_cast<std::int64_t>(width_) * budget_ + static_cast<std::int64_t>(blocks_) * (width_ - 1),
                                                      per_block * static_cast<std::int64_t>(blocks_));
    return static_cast<double>(lattice_shells<L>::norm_scale * total);
  }
  [[nodiscard]] int bin(const float* t) const noexcept { return view_.bin(t); }
  [[nodiscard]] bool contains(const float* t) const noexcept { return view_.contains(t); }
  void rank(const float* t, detail::word* out) const noexcept { view_.rank(t, out); }
  void unrank(const detail::word* in, float* t) const noexcept { view_.unrank(in, t); }
  /// The tables, for copying them elsewhere (the CUDA backend).
  [[nodiscard]] const std::vector<std::uint64_t>& counts() const noexcept { return counts_; }
  [[nodiscard]] const std::vector<std::uint64_t>& prefix() const noexcept { return prefix_; }
  [[nodiscard]] const std::vector<std::uint64_t>& bin_counts() const noexcept { return bin_count_; }
  [[nodiscard]] const std::vector<std::uint64_t>& in_bin() const noexcept { return in_bin_; }
  [[nodiscard]] const std::vector<std::uint8_t>& bin_of() const noexcept { return bin_of_; }

private:
  // Estimates N_K(m) for m <= m_max in long double with bins of `width`; returns the largest
  // m <= m_max with N_K(m) <= 2^bits, or -1 when even N_K(m_max) fits (width too small).
  int estimate_budget(int width, int m_max, const lattice_shells<L>& s) const {
    std::vector<long double> c(cap_bins, 0.0L);
    for (int v = 0; v < cap_bins; ++v)
      for (int n = v * width; n < (v + 1) * width; ++n) c[static_cast<std::size_t>(v)] += static_cast<long double>(s.count(n));
    std::vector<long double> a(static_cast<std::size_t>(m_max + 1), 0.0L), next;
    a[0] = 1.0L; // exact-sum counts
    for (std::size_t k = 0; k < blocks_; ++k) {
      next.assign(a.size(), 0.0L);
      for (int m = 0; m <= m_max; ++m)
        if (a[static_cast<std::size_t>(m)] != 0.0L)
          for (int v = 0; v < cap_bins && m + v <= m_max; ++v)
            next[static_cast<std::size_t>(m + v)] += a[static_cast<std::size_t>(m)] * c[static_cast<std::size_t>(v)];
      a.swap(next);
    }
    const long double limit = std::ldexp(1.0L, static_cast<int>(bits_));
    long double total = 0.0L;
    int best = -1;
    for (int m = 0; m <= m_max; ++m) {
      total += a[static_cast<std::size_t>(m)];
      if (total <= limit) best = m;
    }
    return best == m_max ? -1 : best;
  }

  void choose_parameters() {
    const int m_max = bins_per_block * static_cast<int>(blocks_);
    for (int w : {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024}) {
      // Shell tables up to the cap's norm (built again with the rank's partial sums for the
      // width taken).
      const auto s = std::make_shared<const lattice_shells<L>>(static_cast<std::int64_t>(cap_bins) * w - 1);
      const int m = estimate_budget(w, m_max, *s);
      if (m >= 0) {
        width_ = w;
        budget_ = m;
        const int terms = rank_terms(w);
        const int span = std::min(16, terms);
        shells_ = std::make_shared<const lattice_shells<L>>(static_cast<std::int64_t>(cap_bins) * w - 1, span,
                                                            (terms + span - 1) / span);
        return;
      }
    }
    throw error(errc::invalid_argument, "ball code: no bin width fits " + std::to_string(bits_) + " bits");
  }

  /// The terms per coordinate the rank's partial sums cover for bins of `width`: a
  /// coordinate's typical size grows as sqrt(width) (about 2·sqrt(width) at the mean bin), so
  /// 4·ceil(sqrt(width)) terms cover nearly all. At most 16 entries are stored per s (the
  /// tables hold 7 · 384 · width · 16 entries for E8 at most: 16 MB at width 48), one every
  /// ceil(terms / 16) terms (the rank sums the few in between).
  static int rank_terms(int width) {
    int r = 1;
    while (r * r < width) ++r;
    return 4 * r;
  }

  // Whether the packed count c is at most 2^bits.
  bool fits(std::uint64_t c) const noexcept {
    const int e = detail::fcount_e(c);
    const std::uint64_t m = detail::fcount_m(c);
    return static_cast<std::size_t>(e) <= bits_ &&
           static_cast<std::size_t>(detail::bit_length(m - 1)) <= bits_ - static_cast<std::size_t>(e);
  }

  void build_tables() {
    const std::size_t cells = static_cast<std::size_t>(cap_bins) * static_cast<std::size_t>(width_);
    bin_of_.resize(cells);
    in_bin_.resize(cells);
    bin_count_.assign(cap_bins, 0);
    for (std::size_t n = 0; n < cells; ++n) {
      const std::size_t v = n / static_cast<std::size_t>(width_);
      bin_of_[n] = static_cast<std::uint8_t>(v);
      in_bin_[n] = bin_count_[v];
      const std::uint64_t c = shells_->count(static_cast<std::int64_t>(n));
      require(bin_count_[v] + c >= c && bin_count_[v] + c < (std::uint64_t{1} << 63), errc::invalid_argument,
              "ball code: a bin's point count exceeds 2^63");
      bin_count_[v] += c;
    }
    // Ñ_k(m) for m up to one past the estimated budget (the estimate may be off by one either
    // way at the boundary), then the budget is the largest m with Ñ_K(m) <= 2^bits.
    const int m_top = budget_ + 1;
    const std::size_t cols = static_cast<std::size_t>(m_top + 1);
    std::vector<std::uint64_t> n((blocks_ + 1) * cols, 0);
    for (std::size_t m = 0; m < cols; ++m) n[m] = detail::fcount_pack(1, 0);
    for (std::size_t k = 0; k < blocks_; ++k)
      for (int m = 0; m <= m_top; ++m) {
        std::uint64_t s = 0;
        for (int v = 0; v <= m && v < cap_bins; ++v)
          s = detail::fcount_add_mul(s, n[k * cols + static_cast<std::size_t>(m - v)], bin_count_[static_cast<std::size_t>(v)], precision_);
        n[(k + 1) * cols + static_cast<std::size_t>(m)] = s;
      }
    int budget = -1;
    for (int m = 0; m <= m_top; ++m)
      if (fits(n[blocks_ * cols + static_cast<std::size_t>(m)])) budget = m;
    require(budget >= 0, errc::invalid_argument, "ball code: " + std::to_string(bits_) + " bits are too few");
    budget_ = budget;
    // The tables at the final budget: Ñ_k(m) for k <= K, and the prefix sums P_k(m, v) of the
    // same folds for v <= stored_bins.
    const std::size_t b1 = static_cast<std::size_t>(budget_ + 1);
    counts_.resize((blocks_ + 1) * b1);
    for (std::size_t k = 0; k <= blocks_; ++k)
      for (std::size_t m = 0; m < b1; ++m) counts_[k * b1 + m] = n[k * cols + m];
    prefix_.assign(blocks_ * b1 * stored_bins, 0);
    for (std::size_t k = 0; k < blocks_; ++k)
      for (int m = 0; m <= budget_; ++m) {
        std::uint64_t* row = prefix_.data() + (k * b1 + static_cast<std::size_t>(m)) * stored_bins;
        std::uint64_t s = 0;
        for (int v = 0; v < stored_bins; ++v) {
          if (v <= m && v < cap_bins)
            s = detail::fcount_add_mul(s, counts_[k * b1 + static_cast<std::size_t>(m - v)], bin_count_[static_cast<std::size_t>(v)], precision_);
          row[v] = s; // P(v + 1); past the last bin it stays Ñ_{k+1}(m)
        }
      }
    view_.shells = shells_->view();
    view_.counts = counts_.data();
    view_.prefix = prefix_.data();
    view_.bin_count = bin_count_.data();
    view_.in_bin = in_bin_.data();
    view_.bin_of = bin_of_.data();
    view_.blocks = blocks_;
    view_.bits = bits_;
    view_.words = words_;
    view_.width = width_;
    view_.budget = budget_;
    view_.precision = precision_;
  }

  std::size_t blocks_;
  std::size_t bits_;
  int precision_;
  std::size_t words_ = 1;
  int width_ = 1;
  int budget_ = 0;
  std::shared_ptr<const lattice_shells<L>> shells_;
  std::vector<std::uint64_t> bin_count_;
  std::vector<std::uint64_t> in_bin_;    // the points of the bin's shells below n
  std::vector<std::uint8_t> bin_of_;     // n -> n / width for n below the cap
  std::vector<std::uint64_t> counts_;    // Ñ_k(m), k <= K, m <= budget
  std::vector<std::uint64_t> prefix_;    // P_k(m, v), k < K, m <= budget, v = 1 .. stored_bins
  ball_code_view<L> view_;
};

} // namespace kakeya
