// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file voronoi_block.hpp
/// Block quantiser over a Voronoi codebook Λ ∩ V(qΛ) (lattice/voronoi.hpp) with a per-block
/// scale choice and a jointly coded, budgeted scale profile (models BlockQuantiser).
/// docs/components/voronoi.md gives the mathematics and the measurements behind the defaults.
///
/// A *scale block* is `Group` lattice blocks (Group · n values) sharing one scale β_j from an
/// ascending table of J scales (J = 1, 2, 4, 8 or 16). β is the radius of the code in input
/// units: the codebook, scaled by β / q, covers β · V(Λ). A code block is `Scales` scale
/// blocks; their scale indices (the *profile* j_1 … j_S) are coded together as one number:
/// the lexicographic rank of the profile among all profiles with j_1 + … + j_S <= budget
/// (an enumerative code, exact, ceil(log2 N) bits for the N such profiles). Budget
/// >= S · (J − 1) (or `unconstrained`) allows every profile; with S = 1 that is the plain
/// log2 J-bit index of j.
///
/// encode(x): per scale block, z = x · (q / β_j) [+ d], t = Q_Λ(z) per lattice block;
///              j_f = the first j for which every t is in the codebook (voronoi::contains);
///              with look-ahead (`search=best`; off by default): if also j_f + 1
///              fits and its squared error Σ (x − (t − d) · β_j / q)² is smaller, j_f + 1
///              is taken (an encoder choice; ties keep the smaller);
///              if no j fits, j = J − 1 and each lattice block that does not fit is retried
///              shrunk, z · s for the graded steps s of try_point (then the point 0): an
///              encoder choice, no bits;
///            while Σ j > budget: the scale block whose move to j − 1 raises the squared error
///              least (ties: the first) moves to j − 1 (with the shrinking fallback above where
///              the smaller scale does not fit: a block that fits at β_j always fits at β_{j−1}
///              shrunk by β_{j−1}/β_j, so a budget costs a graded error, not an overload);
///            write the profile's rank, then each lattice block's index (index_bits bits).
/// decode:    unrank the profile, read the indices, p = the codebook points,
///            y = (p [− d]) · (β_j / q).
/// With a dither seed s ≠ 0, d is a subtractive dither in [−½, ½)^n (lattice units), a
/// stateless hash of (s, the code block's bit offset in the code, the coordinate), so encoder
/// and decoder derive it independently on any backend. Without dither (s = 0, the default),
/// reconstruct() is exactly decode(encode()); with dither it uses the dither of bit offset 0
/// (it serves only the encoder-side gain refinement, which the dithered presets do not use).
/// All float operations are IEEE products, sums and comparisons in index order; the profile
/// code is exact integer arithmetic on fixed-size arrays (no heap, device-usable).

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

namespace detail {
/// A lattice block's floats by value, and a candidate point with its codebook test.
template <std::size_t N> struct floats_n { float v[N]; };
template <std::size_t N> struct tried_point {
  floats_n<N> pt;
  bool fits;
};
/// voronoi_block's search step: t = Q_Λ(x · f · s + d) and whether t is in the codebook.
/// Arguments and result by value and out of line in device code, so that the encoder's many
/// call sites share one copy of the closest-point code (it has no effect on the host).
template <class L>
KAKEYA_DEVICE_NOINLINE KAKEYA_HOST_DEVICE tried_point<L::dim> voronoi_try(voronoi<L> cb, floats_n<L::dim> x,
                                                                          floats_n<L::dim> d, float f,
                                                                          float s) noexcept {
  constexpr std::size_t n = L::dim;
  float z[n];
  for (std::size_t i = 0; i < n; ++i) z[i] = x.v[i] * f * s + d.v[i];
  tried_point<n> r;
  voronoi<L>::closest_point(std::span<const float, n>(z), std::span<float, n>(r.pt.v, n));
  r.fits = cb.contains(std::span<const float, n>(r.pt.v, n));
  return r;
}
/// The codebook's point 0 (out of line in device code, as voronoi_try).
template <class L>
KAKEYA_DEVICE_NOINLINE KAKEYA_HOST_DEVICE floats_n<L::dim> voronoi_zero(voronoi<L> cb) noexcept {
  constexpr std::size_t n = L::dim;
  std::int32_t k0[n] = {};
  floats_n<n> r;
  cb.point(k0, std::span<float, n>(r.v, n));
  return r;
}

/// Profile counting (voronoi_block, 128-bit counts): c[b] = C_m(b), the number of sequences of length m over
/// [0, J) with sum <= b, for b = 0..B. C_0(b) = 1; C_m(b) = Σ_{v<J} C_{m−1}(b − v) (row_up);
/// C_{m−1}(b) = C_m(b) − C_m(b − 1) + C_{m−1}(b − J) (row_down, its exact inverse).
/// T: uint128 (the code), or double (the constructor's overflow check).
template <class T>
KAKEYA_HOST_DEVICE inline void profile_row_first(T* c, int B) noexcept {
  for (int b = 0; b <= B; ++b) c[b] = 1;
}
/// C_m(b) from the row prev = C_{m−1}: Σ_{v<J, v<=b} prev[b − v].
template <class T>
KAKEYA_HOST_DEVICE inline T profile_count(const T* prev, int b, int J) noexcept {
  T s = 0;
  for (int v = 0; v < J && v <= b; ++v) s += prev[b - v];
  return s;
}
template <class T>
KAKEYA_HOST_DEVICE inline void profile_row_up(T* c, int B, int J) noexcept {
  for (int b = B; b >= 0; --b) c[b] = profile_count(c, b, J); // reads entries <= b, not yet overwritten
}
KAKEYA_HOST_DEVICE inline void profile_row_down(uint128* c, int B, int J) noexcept {
  uint128 prev = 0; // C_m(b − 1)
  for (int b = 0; b <= B; ++b) {
    const uint128 cur = c[b];
    c[b] = cur - prev + (b >= J ? c[b - J] : 0);
    prev = cur;
  }
}
} // namespace detail

/// Block quantiser: `Scales` scale blocks of `Group` lattice blocks of a Voronoi code, one
/// scale β per scale block from a table, the scale profile coded jointly under a budget.
/// Trivially copyable (a few hundred bytes), passed by value into CUDA kernels.
/// @tparam L      a VoronoiLattice (e8, d4, z8, …)
/// @tparam Group  lattice blocks per scale choice (scale block = Group · L::dim values)
/// @tparam Scales scale blocks per code block (1..64; block = Scales · Group · L::dim values)
template <VoronoiLattice L, std::size_t Group = 1, std::size_t Scales = 1>
class voronoi_block {
  static_assert(Group >= 1 && Scales >= 1 && Scales <= 64, "voronoi_block: 1 <= Scales <= 64");

public:
  using lattice = L;
  using codebook = voronoi<L>;
  static constexpr std::size_t group = Group;
  static constexpr std::size_t scales = Scales;
  static constexpr std::size_t scale_block = Group * L::dim;
  static constexpr std::size_t block = Scales * scale_block;
  /// Largest table: 16 scales.
  static constexpr int max_betas = 16;
  /// Largest profile field: 4 bits per scale block, at most 127 (the number of admissible
  /// profiles must stay below 2^127).
  static constexpr int max_profile_bits = Scales * 4 < 127 ? static_cast<int>(Scales) * 4 : 127;
  /// Largest effective budget (the counting rows hold max_budget + 1 128-bit counts):
  /// Scales · (max_betas − 1), at most 255.
  static constexpr int max_budget = Scales * (max_betas - 1) < 255 ? static_cast<int>(Scales) * (max_betas - 1) : 255;
  /// The budget meaning "every profile" (Scales · (J − 1)).
  static constexpr int unconstrained = -1;
  /// Upper bound on bits(): the profile field plus the indices at voronoi<L>::max_q.
  static constexpr std::size_t max_bits = max_profile_bits + block * 12;
  /// The table of the default constructor (the e8v preset's, 3.4 · 1.21^j).
  static constexpr float default_betas[8] = {3.4f, 4.114f, 4.9779f, 6.0233f, 7.2882f, 8.8187f, 10.6707f, 12.9115f};
  /// The budget of the default constructor: every profile for one scale block, else
  /// round(12 · Scales / 16) (the presets' rule).
  static constexpr int default_budget = Scales == 1 ? -1 : static_cast<int>((12 * Scales + 8) / 16);

  /// q = 16, the table default_betas, no dither, budget default_budget.
  voronoi_block() noexcept : voronoi_block(16, std::span<const float>(default_betas), 0, default_budget) {}
  /// q: the nesting ratio (2..voronoi<L>::max_q); betas: n ascending positive scales, n in
  /// {1, 2, 4, 8, 16}; dither_seed: 0 for none; budget: the largest admissible Σ j over a code
  /// block's Scales scale indices (`unconstrained` or any value >= Scales · (n − 1): all).
  /// @throws kakeya::error(errc::invalid_argument) for a bad q, table, budget (an effective
  ///         budget over max_budget) or a profile field over 127 bits
  /// look_ahead: also try the next scale after the first that fits and keep the smaller
  /// squared error (an encoder choice, the format does not change; 0.06–0.12 dB closer to
  /// D(R), 1.3–1.5× the encode time; off by default, `search=best` in a spec).
  voronoi_block(int q, std::span<const float> betas, std::uint64_t dither_seed = 0,
                int budget = unconstrained, bool look_ahead = false)
      : v_(q), seed_(dither_seed), look_ahead_(look_ahead) {
    const std::size_t n = betas.size();
    require(n == 1 || n == 2 || n == 4 || n == 8 || n == 16, errc::invalid_argument,
            "voronoi_block: the scale table needs 1, 2, 4, 8 or 16 entries, got " + std::to_string(n));
    for (std::size_t j = 0; j < n; ++j) {
      require(betas[j] > 0.0f && betas[j] < 1.0e30f, errc::invalid_argument,
              "voronoi_block: scales must be positive and finite");
      require(j == 0 || betas[j] > betas[j - 1], errc::invalid_argument,
              "voronoi_block: scales must be strictly ascending");
    }
    require(budget >= unconstrained, errc::invalid_argument,
            "voronoi_block: the scale budget must be >= 0 (or unconstrained), got " + std::to_string(budget));
    n_ = static_cast<int>(n);
    beta_bits_ = n == 1 ? 0 : n == 2 ? 1 : n == 4 ? 2 : n == 8 ? 3 : 4;
    const int full = static_cast<int>(Scales) * (n_ - 1);
    budget_ = budget < 0 || budget > full ? full : budget;
    require(budget_ <= max_budget, errc::invalid_argument,
            "voronoi_block: the scale budget " + std::to_string(budget_) + " is over " + std::to_string(max_budget) +
                " (give a smaller budget)");
    // N = C_Scales(budget), counted in double first so that an overflow is reported.
    double nd = 0;
    {
      double c[max_budget + 1];
      detail::profile_row_first(c, budget_);
      for (std::size_t m = 0; m < Scales; ++m) detail::profile_row_up(c, budget_, n_);
      nd = c[budget_];
    }
    require(nd < 0x1p126, errc::invalid_argument,
            "voronoi_block: " + std::to_string(Scales) + " scale blocks of " + std::to_string(n) +
                " scales give more than 2^126 profiles; lower the budget");
    uint128 c[max_budget + 1];
    detail::profile_row_first(c, budget_);
    for (std::size_t m = 0; m < Scales; ++m) detail::profile_row_up(c, budget_, n_);
    profiles_ = c[budget_];
    profile_bits_ = bits_for_count(profiles_);
    const auto fq = static_cast<float>(q);
    for (std::size_t j = 0; j < n; ++j) {
      beta_[j] = betas[j];
      fwd_[j] = fq / betas[j];
      inv_[j] = betas[j] / fq;
    }
    bits_ = profile_bits_ + static_cast<int>(Scales * Group) * v_.index_bits();
    // shrink steps 2^-k with 2^k >= 2q, k in 2..5 (1/8 at q <= 4, 1/32 at q >= 16)
    shrink_k_ = 2;
    while (shrink_k_ < 5 && (1 << shrink_k_) < 2 * q) ++shrink_k_;
  }

  [[nodiscard]] KAKEYA_HOST_DEVICE const codebook& codebook_ref() const noexcept { return v_; }
  [[nodiscard]] KAKEYA_HOST_DEVICE int q() const noexcept { return v_.q(); }
  [[nodiscard]] KAKEYA_HOST_DEVICE int beta_count() const noexcept { return n_; }
  /// log2 of the table size J.
  [[nodiscard]] KAKEYA_HOST_DEVICE int beta_bits() const noexcept { return beta_bits_; }
  [[nodiscard]] KAKEYA_HOST_DEVICE float beta(int j) const noexcept { return beta_[j]; }
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t dither_seed() const noexcept { return seed_; }
  /// Whether the encoder tries the next scale after the first that fits (see the constructor).
  [[nodiscard]] KAKEYA_HOST_DEVICE bool look_ahead() const noexcept { return look_ahead_; }
  /// The effective budget: the largest admissible Σ j (Scales · (J − 1) when unconstrained).
  [[nodiscard]] KAKEYA_HOST_DEVICE int budget() const noexcept { return budget_; }
  /// The number of admissible profiles N.
  [[nodiscard]] KAKEYA_HOST_DEVICE uint128 profiles() const noexcept { return profiles_; }
  /// Bits of the profile field, ceil(log2 N).
  [[nodiscard]] KAKEYA_HOST_DEVICE int profile_bits() const noexcept { return profile_bits_; }
  /// Bits of one code block: profile_bits() + Scales · Group · index_bits.
  [[nodiscard]] KAKEYA_HOST_DEVICE std::size_t bits() const noexcept {
    return static_cast<std::size_t>(bits_);
  }

  /// The rank of a profile (Scales indices in [0, J), Σ <= budget()) in [0, profiles()).
  [[nodiscard]] KAKEYA_HOST_DEVICE uint128 rank(const int* js) const noexcept {
    uint128 c[max_budget + 1];
    int prefix[Scales];
    int s = 0;
    for (std::size_t i = 0; i < Scales; ++i) prefix[i] = s, s += js[i];
    detail::profile_row_first(c, budget_);
    uint128 r = 0;
    for (std::size_t i = Scales; i-- > 0;) { // c = C_{Scales−1−i}
      r += rank_term(c, budget_ - prefix[i], js[i]);
      if (i > 0) detail::profile_row_up(c, budget_, n_);
    }
    return r;
  }
  /// The profile of a rank (any 128-bit value decodes to indices in [0, J)).
  KAKEYA_HOST_DEVICE void unrank(uint128 r, int* js) const noexcept {
    uint128 c[max_budget + 1];
    detail::profile_row_first(c, budget_);
    for (std::size_t m = 1; m < Scales; ++m) detail::profile_row_up(c, budget_, n_);
    int left = budget_;
    for (std::size_t i = 0; i < Scales; ++i) { // c = C_{Scales−1−i}
      js[i] = unrank_step(c, r, left);
      if (i + 1 < Scales) detail::profile_row_down(c, budget_, n_);
    }
  }

  // ---- pieces of rank/unrank for a precomputed count table (the CUDA lane-group kernels) ----
  /// Entries of the count table: rows C_0 … C_{Scales−1}, budget() + 1 counts each.
  [[nodiscard]] KAKEYA_HOST_DEVICE std::size_t table_entries() const noexcept {
    return Scales * static_cast<std::size_t>(budget_ + 1);
  }
  /// Entry b of row m of the table, given row m − 1 (`prev`; m >= 1): Σ_{v<J, v<=b} prev[b − v].
  [[nodiscard]] KAKEYA_HOST_DEVICE uint128 table_count(const uint128* prev, int b) const noexcept {
    return detail::profile_count(prev, b, n_);
  }
  /// Scale block i's term of the rank: Σ_{v<j, v<=left} row[left − v], row = C_{Scales−1−i},
  /// left = budget() − (j_0 + … + j_{i−1}). rank() is the sum of the Scales terms.
  [[nodiscard]] KAKEYA_HOST_DEVICE static uint128 rank_term(const uint128* row, int left, int j) noexcept {
    uint128 r = 0;
    for (int v = 0; v < j && left - v >= 0; ++v) r += row[left - v];
    return r;
  }
  /// One step of unrank: the next scale index from the remaining rank r and budget `left`
  /// (both updated), row = C_{Scales−1−i} for scale block i.
  KAKEYA_HOST_DEVICE int unrank_step(const uint128* row, uint128& r, int& left) const noexcept {
    int j = 0;
    while (j < n_ - 1 && left - j >= 0 && r >= row[left - j]) r -= row[left - j], ++j;
    left -= j;
    return j;
  }
  /// The dither of the code block at bit `offset`: element i is dither_value(dither_base(offset), i).
  [[nodiscard]] KAKEYA_HOST_DEVICE std::uint64_t dither_base(std::size_t offset) const noexcept {
    return splitmix64(seed_ ^ (static_cast<std::uint64_t>(offset) * 0x9e3779b97f4a7c15ull));
  }
  [[nodiscard]] KAKEYA_HOST_DEVICE static float dither_value(std::uint64_t base, std::size_t i) noexcept {
    const std::uint64_t h = splitmix64(base + static_cast<std::uint64_t>(i));
    return static_cast<float>(static_cast<std::uint32_t>(h >> 40)) * 0x1p-24f - 0.5f; // exact
  }
  /// β_j / q: a decoded point p (lattice units, dither d) is (p − d) · scale_back_factor(j).
  [[nodiscard]] KAKEYA_HOST_DEVICE float scale_back_factor(int j) const noexcept { return inv_[j]; }

  /// The scale indices and codebook points chosen for x (block floats): see the file comment.
  /// `p`: block floats (the points, lattice units); `js`: Scales indices. Built from the
  /// per-scale-block steps below (which the CUDA lane-group encoder runs on its lanes).
  KAKEYA_HOST_DEVICE void choose(std::span<const float, block> x, std::size_t offset, float* p,
                                 int* js) const noexcept {
    float d[block];
    dither(offset, d);
    scale_state st[Scales];
    int total = 0;
    for (std::size_t s = 0; s < Scales; ++s) {
      st[s] = first_choice(x.data() + s * scale_block, d + s * scale_block, p + s * scale_block);
      total += st[s].j;
    }
    float cand[Scales], cp[block]; // each scale block's error and points one scale lower
    bool known[Scales];
    for (std::size_t s = 0; s < Scales; ++s) known[s] = false;
    while (total > budget_) {
      std::size_t best = Scales;
      float inc = 0.0f;
      for (std::size_t s = 0; s < Scales; ++s) {
        if (st[s].j == 0) continue;
        if (!known[s]) {
          cand[s] = lowered(x.data() + s * scale_block, d + s * scale_block, st[s], cp + s * scale_block);
          known[s] = true;
        }
        const float delta = cand[s] - st[s].e;
        if (best == Scales || delta < inc) best = s, inc = delta;
      }
      lower(st[best], cand[best], cp + best * scale_block, p + best * scale_block);
      known[best] = false;
      total -= 1;
    }
    for (std::size_t s = 0; s < Scales; ++s) js[s] = st[s].j;
  }

  /// One scale block's state in choose(): its scale index j, the first index that fit
  /// unshrunk (j_fit; J when none did) with its squared error e_fit, and the squared error e
  /// at j.
  struct scale_state {
    int j;
    int j_fit;
    float e_fit;
    float e;
  };
  /// choose()'s first step for one scale block (xs, ds, ps: scale_block floats of the input,
  /// the dither and the points): the first fit, the look-ahead, or the top scale shrunk.
  KAKEYA_HOST_DEVICE scale_state first_choice(const float* xs, const float* ds, float* ps) const noexcept {
    int j = n_ - 1;
    bool found = false;
    for (int k = 0; k < n_ && !found; ++k)
      if (place(xs, ds, k, ps, 0)) j = k, found = true;
    if (!found) place(xs, ds, j, ps, 2);
    float err = error(xs, ds, j, ps);
    scale_state st{j, found ? j : n_, err, err};
    if (look_ahead_ && found && j + 1 < n_) {
      float alt[scale_block] = {};
      if (place(xs, ds, j + 1, alt, 0)) {
        const float e2 = error(xs, ds, j + 1, alt);
        if (e2 < err) {
          for (std::size_t i = 0; i < scale_block; ++i) ps[i] = alt[i];
          st.e = e2;
          st.j = j + 1;
        }
      }
    }
    return st;
  }
  /// The scale block at st.j − 1 (st.j >= 1): its points into cp (scale_block floats) and
  /// its squared error — the first fit's, or, below it, the shrinking fallback's.
  KAKEYA_HOST_DEVICE float lowered(const float* xs, const float* ds, const scale_state& st, float* cp) const noexcept {
    const int k = st.j - 1;
    if (k == st.j_fit) { // the first fit (measured in first_choice; the look-ahead moved past it)
      place(xs, ds, k, cp, 0);
      return st.e_fit;
    }
    // k < the first fit: k is known not to fit unshrunk, start the fallback shrunk
    place(xs, ds, k, cp, 2);
    return error(xs, ds, k, cp);
  }
  /// Moves the scale block to st.j − 1 with lowered()'s error e and points cp (into ps).
  KAKEYA_HOST_DEVICE static void lower(scale_state& st, float e, const float* cp, float* ps) noexcept {
    st.j -= 1;
    st.e = e;
    for (std::size_t i = 0; i < scale_block; ++i) ps[i] = cp[i];
  }

  // ---- single steps of the search (the CUDA lane-group encoder spreads them over lanes) ----
  /// The last shrink step: m = 0 is the block itself, m = 1 … S (S = 2^(k−1)) scale it by
  /// 1 − m·2^-k, m = S + 1 … S + 23 by 2^-(m − S + 1); past the last, the point 0.
  [[nodiscard]] KAKEYA_HOST_DEVICE int last_shrink() const noexcept { return (1 << (shrink_k_ - 1)) + 23; }
  /// One lattice block x (L::dim floats, dither d) at scale j shrunk by step m: its closest
  /// point into pt; whether that point is in the codebook.
  KAKEYA_HOST_DEVICE bool try_point(const float* x, const float* d, int j, int m, float* pt) const noexcept {
    constexpr std::size_t n = L::dim;
    const int steps = 1 << (shrink_k_ - 1);
    const float scale = m <= steps ? 1.0f - static_cast<float>(m) * shrink(shrink_k_) : shrink(m - steps + 1); // exact
    detail::floats_n<n> xv, dv;
    for (std::size_t i = 0; i < n; ++i) xv.v[i] = x[i], dv.v[i] = d[i];
    const auto r = detail::voronoi_try<L>(v_, xv, dv, fwd_[j], scale);
    for (std::size_t i = 0; i < n; ++i) pt[i] = r.pt.v[i];
    return r.fits;
  }
  /// The codebook's point 0 (the fallback's last resort) into pt.
  KAKEYA_HOST_DEVICE void zero_point(float* pt) const noexcept {
    const auto r = detail::voronoi_zero<L>(v_);
    for (std::size_t i = 0; i < L::dim; ++i) pt[i] = r.v[i];
  }
  /// Σ (x − (p − d) · β_j / q)² over a scale block, in index order.
  KAKEYA_HOST_DEVICE float error(const float* xs, const float* ds, int j, const float* ps) const noexcept {
    const float s = inv_[j];
    float e = 0.0f;
    for (std::size_t i = 0; i < scale_block; ++i) {
      const float r = xs[i] - (ps[i] - ds[i]) * s;
      e = e + r * r;
    }
    return e;
  }

  /// Appends the profile's rank and the indices of the points chosen for x (block floats).
  KAKEYA_HOST_DEVICE void encode(std::span<const float, block> x, bit_writer& w) const noexcept {
    constexpr std::size_t n = L::dim;
    float p[block];
    int js[Scales];
    choose(x, w.position(), p, js);
    w.put(rank(js), profile_bits_);
    const int ib = v_.index_bits();
    for (std::size_t g = 0; g < Scales * Group; ++g)
      w.put(v_.to_index(std::span<const float, n>(p + g * n, n)), ib);
  }
  /// Reads the profile and the indices; writes the reconstruction (block floats).
  KAKEYA_HOST_DEVICE void decode(bit_reader& r, std::span<float, block> y) const noexcept {
    constexpr std::size_t n = L::dim;
    float d[block], p[block];
    int js[Scales];
    dither(r.position(), d);
    unrank(r.get128(profile_bits_), js);
    const int ib = v_.index_bits();
    for (std::size_t g = 0; g < Scales * Group; ++g)
      v_.from_index(r.get128(ib), std::span<float, n>(p + g * n, n));
    scale_back(js, p, d, y);
  }
  /// decode(encode(x)) without the bits (exact without dither; see the file comment).
  KAKEYA_HOST_DEVICE void reconstruct(std::span<const float, block> x,
                                      std::span<float, block> y) const noexcept {
    constexpr std::size_t n = L::dim;
    float p[block], c[block], d[block];
    int js[Scales];
    choose(x, 0, c, js);
    // The decoder's points: the representatives of the chosen points' cosets (same values;
    // this also makes the signs of zeros agree with decode).
    for (std::size_t g = 0; g < Scales * Group; ++g)
      v_.from_index(v_.to_index(std::span<const float, n>(c + g * n, n)), std::span<float, n>(p + g * n, n));
    dither(0, d);
    scale_back(js, p, d, y);
  }

private:
  // The points of scale block xs (scale_block floats) at scale j into ps; true when every
  // lattice block is in the codebook unshrunk. from = 0: no fallback (returns false at the
  // first lattice block that does not fit). from >= 1: a lattice block that does not fit is
  // retried at the shrink steps m = 1, 2, … (try_point; steps of about 1/(2q) of the cell's
  // radius, then halvings), then set to the point 0: the first that fits (a shrunken copy of
  // the block, an encoder choice); from = 2 skips m = 0 (the caller knows it does not fit).
  // Every lattice block of the scale block is written when from >= 1.
  KAKEYA_HOST_DEVICE bool place(const float* xs, const float* ds, int j, float* ps, int from) const noexcept {
    constexpr std::size_t n = L::dim;
    bool all = true;
    for (std::size_t g = 0; g < Group; ++g) {
      bool fits = false;
      const int first = from == 2 && Group == 1 ? 1 : 0;
      const int last = from > 0 ? last_shrink() : 0;
      for (int m = first; m <= last && !fits; ++m) {
        fits = try_point(xs + g * n, ds + g * n, j, m, ps + g * n);
        if (m == 0) all = all && fits;
      }
      if (!fits) {
        if (from == 0) return false;
        zero_point(ps + g * n);
      }
    }
    return all;
  }
  // 2^-e for e = 0 … 24 (exact).
  KAKEYA_HOST_DEVICE static float shrink(int e) noexcept {
    float s = 1.0f;
    for (int i = 0; i < e; ++i) s = s * 0.5f;
    return s;
  }
  KAKEYA_HOST_DEVICE void dither(std::size_t offset, float* d) const noexcept {
    for (std::size_t i = 0; i < block; ++i) d[i] = 0.0f;
    if (seed_ == 0) return;
    const std::uint64_t base = dither_base(offset);
    for (std::size_t i = 0; i < block; ++i) d[i] = dither_value(base, i);
  }
  KAKEYA_HOST_DEVICE void scale_back(const int* js, const float* p, const float* d,
                                     std::span<float, block> y) const noexcept {
    for (std::size_t s = 0; s < Scales; ++s) {
      const float f = inv_[js[s]];
      for (std::size_t i = s * scale_block; i < (s + 1) * scale_block; ++i) y[i] = (p[i] - d[i]) * f;
    }
  }

  codebook v_;
  std::uint64_t seed_ = 0;
  bool look_ahead_ = false;
  uint128 profiles_ = 1;
  int n_ = 1;
  int beta_bits_ = 0;
  int budget_ = 0;
  int profile_bits_ = 0;
  int bits_ = 0;
  int shrink_k_ = 5;
  float beta_[max_betas] = {};
  float fwd_[max_betas] = {};
  float inv_[max_betas] = {};
};

} // namespace kakeya
