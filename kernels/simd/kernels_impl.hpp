// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to kernels/simd: every SIMD kernel, templated on the xsimd architecture A and
// instantiated once per instruction set by kernels/simd/isa_*.cpp (make_table<A>()).
//
// Lanes are vectors. A chunk of W vectors (W = floats per batch) is transposed into
// structure-of-arrays form, v[i] = coordinate i of the W vectors, and every lane then performs
// the per-vector reference code's operations in its order (include/kakeya/codec/codec.hpp and
// the stages it composes): the same summation order per lane (core/reduce.hpp), selects where the
// reference branches, round-half-even by nearbyint, no fused multiply-add (-ffp-contract=off, fma()
// never called). Integer work that the reference does in 128 bits (lattice indices) is done exactly
// in double lanes while every intermediate stays below 2^52, else per lane with the reference
// functions. FP8 codecs vectorise within a block instead: their only reduction is an exact integer
// max.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "arch_ops.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/transform/hadamard.hpp"
#include "kernels.hpp"

namespace kakeya::detail::simd_kernels {

/// E8 shell ranks (shell_view<e8>::rank) of 8 blocks at once, one block per 64-bit lane, for
/// instruction sets with 64-bit gathers, compares and multiplies (AVX-512 F + DQ); elsewhere
/// `available` is false and the kernels call the scalar rank out of line. The same integer steps as
/// the scalar rank, with masks for its branches: per coordinate the partial sum (a gather from the
/// integer or the odd coset's table), the terms past it, the row counts, and the index update.
template <class A>
struct e8_shell_ranks {
  static constexpr bool available = false;
};
#if defined(__AVX512F__) && defined(__AVX512DQ__)
template <>
struct e8_shell_ranks<xsimd::avx512bw> {
  static constexpr bool available = true;
  /// out[b] = v.rank(t + 8 b, n[b]) for b < 8 (v.stride below 2^16).
  static void run(const shell_view<e8>& v, const float* t, const std::int64_t* n,
                  std::uint64_t* out) noexcept {
    alignas(64) std::int64_t x[8][8];
    alignas(64) std::int64_t half_lanes[8];
    for (std::size_t b = 0; b < 8; ++b) {
      const float* tb = t + 8 * b;
      const bool half =
          tb[0] != static_cast<float>(static_cast<std::int32_t>(tb[0])); // as the scalar rank
      half_lanes[b] = half ? -1 : 0;
      for (std::size_t i = 0; i < 8; ++i)
        x[i][b] = static_cast<std::int32_t>(tb[i] * (half ? 2.0f : 1.0f));
    }
    const __m512i hv = _mm512_load_si512(half_lanes);
    const __mmask8 mh = _mm512_test_epi64_mask(hv, hv); // the half coset's lanes
    const __m512i nv = _mm512_loadu_si512(n);
    const __m512i zero = _mm512_setzero_si512(), one = _mm512_set1_epi64(1),
                  span = _mm512_set1_epi64(v.span);
    const __m512i stride = _mm512_set1_epi64(v.stride);
    const long long stride_magic = v.stride == 1 ? 0 : ((1LL << 32) + v.stride - 1) / v.stride;
    const __m512i magic = _mm512_set1_epi64(stride_magic);
    const long long len = v.squares_len, olen = v.odd_len, orows = v.odd_rows;
    // The odd tables' places from the squares' bases, in 8-byte elements (every table is an
    // array of uint64, so the byte distances are multiples of 8).
    const long long odd_off =
        (reinterpret_cast<std::intptr_t>(v.odd) - reinterpret_cast<std::intptr_t>(v.squares)) / 8;
    const __m512i cum_odd_off = _mm512_set1_epi64(
        (reinterpret_cast<std::intptr_t>(v.cum_odd) - reinterpret_cast<std::intptr_t>(v.cum_squares)) / 8);
    // s = 8n (half) or 2n; idx starts at r_8(2n), the integer coset's count, in the half coset.
    __m512i s = _mm512_mask_blend_epi64(mh, _mm512_slli_epi64(nv, 1), _mm512_slli_epi64(nv, 3));
    __m512i idx = _mm512_mask_i64gather_epi64(
        zero, mh, _mm512_add_epi64(_mm512_set1_epi64(8 * len), _mm512_slli_epi64(nv, 1)), v.squares,
        8);
    for (long long j = 0; j < 7; ++j) {
      const long long left = 7 - j, k = left - 1;
      const __m512i xj = _mm512_load_si512(x[j]);
      const __mmask8 pos = _mm512_cmpgt_epi64_mask(xj, zero);
      const __m512i last =
          _mm512_mask_blend_epi64(pos, _mm512_abs_epi64(xj), _mm512_sub_epi64(xj, one));
      const __m512i terms =
          _mm512_mask_blend_epi64(mh, last, _mm512_srli_epi64(_mm512_add_epi64(last, one), 1));
      // terms / stride: exact as (terms · ceil(2^32 / stride)) >> 32 while terms and stride are
      // below 2^16 (terms <= sqrt(8 · n_max), a few hundred).
      const __m512i whole =
          stride_magic == 0 ? terms : _mm512_srli_epi64(_mm512_mul_epu32(terms, magic), 32);
      const __m512i entries = _mm512_min_epi64(whole, span);
      const __m512i cached_terms = _mm512_mul_epu32(entries, stride);
      const __mmask8 cached = _mm512_cmpgt_epi64_mask(entries, zero);
      const __m512i at_int = _mm512_add_epi64(
          _mm512_mullo_epi64(_mm512_add_epi64(_mm512_set1_epi64(k * len), s), span),
          _mm512_sub_epi64(entries, one));
      const __m512i s8 =
          _mm512_srli_epi64(_mm512_sub_epi64(s, _mm512_set1_epi64((left + 1) % 8)), 3);
      const __m512i at_half = _mm512_add_epi64(
          _mm512_mullo_epi64(_mm512_add_epi64(_mm512_set1_epi64(k * orows), s8), span),
          _mm512_sub_epi64(entries, one));
      // One gather per read for both cosets: the half coset's lanes index the odd tables from
      // the squares' base (the offsets computed once, below).
      __m512i part = _mm512_mask_i64gather_epi64(
          zero, cached, _mm512_mask_blend_epi64(mh, at_int, _mm512_add_epi64(at_half, cum_odd_off)),
          v.cum_squares, 8);
      // The terms past the partial sum: u from entries + 1 (half: 2 entries + 1) to last.
      __m512i u =
          _mm512_mask_blend_epi64(mh, _mm512_add_epi64(cached_terms, one),
                                  _mm512_add_epi64(_mm512_slli_epi64(cached_terms, 1), one));
      const __m512i step = _mm512_mask_blend_epi64(mh, one, _mm512_set1_epi64(2));
      const __m512i row_int = _mm512_set1_epi64(left * len),
                    row = _mm512_mask_blend_epi64(mh, row_int, _mm512_set1_epi64(odd_off + left * olen));
      for (__mmask8 act = _mm512_cmple_epi64_mask(u, last); act != 0;
           act = _mm512_cmple_epi64_mask(u, last)) {
        const __m512i at = _mm512_sub_epi64(s, _mm512_mul_epi32(u, u));
        part = _mm512_add_epi64(part, _mm512_mask_i64gather_epi64(zero, act, _mm512_add_epi64(row, at),
                                                                  v.squares, 8));
        u = _mm512_add_epi64(u, step);
      }
      const auto not_h = static_cast<__mmask8>(~mh);
      // rl = r_left(s) (integer lanes) and ro = o_(left+1)(s) (half lanes) in one gather.
      const __m512i rl_ro = _mm512_i64gather_epi64(
          _mm512_add_epi64(
              _mm512_mask_blend_epi64(mh, row_int, _mm512_set1_epi64(odd_off + (left + 1) * olen)), s),
          v.squares, 8);
      const __m512i rl = rl_ro, ro = rl_ro; // each read only in its own coset's lanes
      const __m512i rn = _mm512_mask_i64gather_epi64(
          zero, not_h, _mm512_add_epi64(_mm512_set1_epi64((left + 1) * len), s), v.squares, 8);
      const __m512i t_int = _mm512_srli_epi64(_mm512_sub_epi64(rn, rl), 1);
      const __m512i add_int = _mm512_mask_blend_epi64(
          pos, _mm512_sub_epi64(t_int, part), _mm512_add_epi64(_mm512_add_epi64(t_int, rl), part));
      const __m512i t_half = _mm512_srli_epi64(ro, 1);
      const __m512i add_half =
          _mm512_srli_epi64(_mm512_mask_blend_epi64(pos, _mm512_sub_epi64(t_half, part),
                                                    _mm512_add_epi64(t_half, part)),
                            1);
      idx = _mm512_add_epi64(idx, _mm512_mask_blend_epi64(mh, add_int, add_half));
      s = _mm512_sub_epi64(s, _mm512_mul_epi32(xj, xj));
    }
    // The last coordinate of the integer coset counts when it is positive.
    const __m512i x7 = _mm512_load_si512(x[7]);
    idx = _mm512_mask_add_epi64(idx, _mm512_cmpgt_epi64_mask(x7, zero) & static_cast<__mmask8>(~mh),
                                idx, one);
    _mm512_storeu_si512(out, idx);
  }
};
#endif

template <class A>
struct kern {
  using bf = xsimd::batch<float, A>;
  using bi = xsimd::batch<std::int32_t, A>;
  using bu = xsimd::batch<std::uint32_t, A>;
  using bd = xsimd::batch<double, A>;
  using mf = xsimd::batch_bool<float, A>;
  using mi = xsimd::batch_bool<std::int32_t, A>;
  using md = xsimd::batch_bool<double, A>;
  using ops = arch_ops<A>;
  static constexpr std::size_t W = bf::size;

  // ---- small helpers -------------------------------------------------------------------
  static bf ld(const float* p) noexcept { return bf::load_aligned(p); }
  static void st(float* p, bf v) noexcept { v.store_aligned(p); }
  static bf ldu(const float* p) noexcept { return bf::load_unaligned(p); }
  static void stu(float* p, bf v) noexcept { v.store_unaligned(p); }
  static bi as_i(bf v) noexcept { return xsimd::bitwise_cast<bi>(v); }
  static bf as_f(bi v) noexcept { return xsimd::bitwise_cast<bf>(v); }
  static bu as_u(bi v) noexcept { return xsimd::bitwise_cast<bu>(v); }
  static bi as_i(bu v) noexcept { return xsimd::bitwise_cast<bi>(v); }
  static mf to_mf(mi m) noexcept { return xsimd::bool_cast(m); }
  static mi to_mi(mf m) noexcept { return xsimd::bool_cast(m); }
  static bi seli(mi m, bi a, bi b) noexcept { return xsimd::select(m, a, b); }
  static bf self(mf m, bf a, bf b) noexcept { return xsimd::select(m, a, b); }
  static bd seld(md m, bd a, bd b) noexcept { return xsimd::select(m, a, b); }
  /// a xor b for masks (xsimd 8.1's AVX-512 batch_bool operator^ computes a | b).
  static mf mxor(mf a, mf b) noexcept { return (a | b) & ~(a & b); }

  /// 64-byte aligned allocation. Nested in kern<A> on purpose: std::vector's members are then
  /// instantiated under a different name per instruction set, so the linker can never pick an
  /// AVX-512 copy of them for the SSE4 or AVX2 path (weak symbols of the per-ISA objects).
  template <class T>
  struct scratch_allocator {
    using value_type = T;
    scratch_allocator() noexcept = default;
    template <class U>
    scratch_allocator(const scratch_allocator<U>&) noexcept {}
    T* allocate(std::size_t n) {
      return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{64}));
    }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete (p, std::align_val_t{64}); }
    friend bool operator==(const scratch_allocator&, const scratch_allocator&) noexcept {
      return true;
    }
  };

  /// Per-thread scratch, grown on demand, 64-byte aligned.
  struct scratch {
    std::vector<float, scratch_allocator<float>> f[5];
    float* get(int k, std::size_t count) {
      if (f[k].size() < count) f[k].resize(count);
      return f[k].data();
    }
  };
  static scratch& tls() {
    thread_local scratch s;
    return s;
  }

  // ---- structure-of-arrays transposes ----------------------------------------------------
  /// v[i * W + l] = x[l * D + i] for the `rows` rows of x (l < rows), 0 for l >= rows.
  static void load_soa(const float* x, std::size_t rows, std::size_t D, float* v, float* stage) {
    const float* src = x;
    if (rows < W) {
      std::memcpy(stage, x, rows * D * sizeof(float));
      std::memset(stage + rows * D, 0, (W - rows) * D * sizeof(float));
      src = stage;
    }
    if (D % W == 0) {
      for (std::size_t j = 0; j < D; j += W) ops::transpose(src + j, D, v + j * W, W);
    } else {
      for (std::size_t l = 0; l < W; ++l)
        for (std::size_t i = 0; i < D; ++i) v[i * W + l] = src[l * D + i];
    }
  }
  /// The inverse: x[l * D + i] = v[i * W + l] for l < rows.
  static void store_soa(const float* v, std::size_t rows, std::size_t D, float* x, float* stage) {
    float* dst = rows < W ? stage : x;
    if (D % W == 0) {
      for (std::size_t j = 0; j < D; j += W) ops::transpose(v + j * W, W, dst + j, D);
    } else {
      for (std::size_t l = 0; l < W; ++l)
        for (std::size_t i = 0; i < D; ++i) dst[l * D + i] = v[i * W + l];
    }
    if (rows < W) std::memcpy(x, stage, rows * D * sizeof(float));
  }

  // ---- gain-stage arithmetic (scale/gain.hpp, per lane) ------------------------------------
  /// max |v_i| in index order: a > m ? a : m.
  static bf max_abs(const float* v, std::size_t D) noexcept {
    bf m(0.0f);
    for (std::size_t i = 0; i < D; ++i) {
      const bf a = xsimd::abs(ld(v + i * W));
      m = self(a > m, a, m);
    }
    return m;
  }
  /// detail::pow2_floor, from the bits.
  static bf pow2_floor(bf m) noexcept {
    const bi b = as_i(m) & bi(0x7fffffff);
    bi t = b | (b >> 1);
    t = t | (t >> 2);
    t = t | (t >> 4);
    t = t | (t >> 8);
    t = t | (t >> 16);
    t = t ^ (t >> 1);
    return as_f(seli(b >= bi(0x00800000), b & bi(0x7f800000), t));
  }
  static void divide(float* v, std::size_t D, bf g) noexcept {
    for (std::size_t i = 0; i < D; ++i) st(v + i * W, ld(v + i * W) / g);
  }
  /// v_i / g for g a power of two in every lane: v_i * (1 / g) when every 1 / g is exact
  /// (g in [2^-127, 2^127]): the correctly rounded value of the same real number, and a
  /// multiplication is several times cheaper than a division. Else the division.
  static void divide_pow2(float* v, std::size_t D, bf g) noexcept {
    if (xsimd::all((g >= bf(0x1p-127f)) & (g <= bf(0x1p127f)))) {
      const bf inv = bf(1.0f) / g;
      for (std::size_t i = 0; i < D; ++i) st(v + i * W, ld(v + i * W) * inv);
    } else {
      divide(v, D, g);
    }
  }
  /// A gain stage's "if (g == 0) return 0; v /= g": lanes with g == 0 hold ±0 only, which a
  /// division by 1 leaves unchanged.
  static bf nonzero_divisor(bf g) noexcept { return self(g == bf(0.0f), bf(1.0f), g); }

  /// detail::tree_sum (core/reduce.hpp) per lane, fed one term at a time: left to right
  /// inside aligned chunks of 8, chunk sums merged by the same stack of partial sums.
  struct tree_acc {
    bf level[48];
    bf cur;
    std::size_t count = 0;
    int in_chunk = 0;
    void add(bf t) noexcept {
      cur = in_chunk == 0 ? t : cur + t;
      if (++in_chunk == 8) flush();
    }
    void flush() noexcept {
      bf c = cur;
      int k = 0;
      while ((count >> k) & 1u) {
        c = level[k] + c;
        ++k;
      }
      level[k] = c;
      ++count;
      in_chunk = 0;
    }
    bf result() noexcept {
      if (in_chunk != 0) flush();
      if (count == 0) return bf(0.0f);
      int k = 0;
      while (((count >> k) & 1u) == 0) ++k;
      bf a = level[k];
      for (++k; (count >> k) != 0; ++k)
        if ((count >> k) & 1u) a = level[k] + a;
      return a;
    }
  };

  // ---- Hadamard (transform/hadamard.hpp): stages h = 1, 2, 4, ... then one multiply --------
  /// G consecutive stages h, 2h, ..., 2^(G-1) h kept in registers, on rows of `stride` floats
  /// (W for structure-of-arrays buffers: one batch per coordinate; 1 for a plain row with
  /// h >= W). The multiply by s follows the last stage when Scale.
  template <int G, bool Scale>
  static void radix_pass(float* v, std::size_t n, std::size_t h, std::size_t stride,
                         bf s) noexcept {
    constexpr int R = 1 << G;
    const std::size_t span = h << G;
    const std::size_t step = stride == 1 ? W : 1;
    for (std::size_t blk = 0; blk < n; blk += span)
      for (std::size_t j = 0; j < h; j += step) {
        float* base = v + (blk + j) * stride;
        bf x[R];
        for (int m = 0; m < R; ++m) x[m] = ldu(base + m * h * stride);
        for (int t = 0; t < G; ++t) {
          const int bit = 1 << t;
          for (int m = 0; m < R; ++m)
            if ((m & bit) == 0) {
              const bf a = x[m], b = x[m | bit];
              x[m] = a + b;
              x[m | bit] = a - b;
            }
        }
        if constexpr (Scale)
          for (int m = 0; m < R; ++m) x[m] = x[m] * s;
        for (int m = 0; m < R; ++m) stu(base + m * h * stride, x[m]);
      }
  }
  /// Stages h = h0, 2 h0, ..., n/2 in passes of up to three, the scale after the last when
  /// `scale`.
  static void stages(float* v, std::size_t n, std::size_t h0, std::size_t stride, bool scale,
                     float s) noexcept {
    const bf sb(s);
    std::size_t h = h0;
    while (h < n) {
      const std::size_t left = n / h; // 2^(stages left)
      const int g = left >= 8 ? 3 : (left == 4 ? 2 : 1);
      const bool last = (h << g) == n;
      if (last && scale) {
        if (g == 3)
          radix_pass<3, true>(v, n, h, stride, sb);
        else if (g == 2)
          radix_pass<2, true>(v, n, h, stride, sb);
        else
          radix_pass<1, true>(v, n, h, stride, sb);
      } else {
        if (g == 3)
          radix_pass<3, false>(v, n, h, stride, sb);
        else if (g == 2)
          radix_pass<2, false>(v, n, h, stride, sb);
        else
          radix_pass<1, false>(v, n, h, stride, sb);
      }
      h <<= g;
    }
  }
  /// detail::fwht on each lane of a structure-of-arrays buffer of D coordinates.
  static void fwht_soa(float* v, std::size_t D) noexcept {
    stages(v, D, 1, W, true, inv_sqrt_pow2(log2_pow2(D)));
  }

  /// -0.0f in the lanes l with (l & h) != 0, +0.0f elsewhere (h < W).
  static bf upper_lanes(std::size_t h) noexcept {
    alignas(64) float m[W];
    for (std::size_t l = 0; l < W; ++l) m[l] = (l & h) != 0 ? -0.0f : 0.0f;
    return bf::load_aligned(m);
  }
  /// One stage h < W inside a batch of consecutive elements: a lane's partner t is lane ^ h.
  /// The lower lane computes t + v (= a + b), the upper t + (-v) (= a - b: IEEE subtraction
  /// is the addition of the negation), the negation an exact sign flip.
  template <int Hs>
  static bf reg_stage(bf v, const bf* upper) noexcept {
    return ops::template partner<Hs>(v) + (v ^ upper[log2_pow2(Hs)]);
  }
  static bf reg_stages(bf v, std::size_t n, const bf* upper) noexcept {
    if (n > 1) v = reg_stage<1>(v, upper);
    if (n > 2) v = reg_stage<2>(v, upper);
    if constexpr (W > 4) {
      if (n > 4) v = reg_stage<4>(v, upper);
    }
    if constexpr (W > 8) {
      if (n > 8) v = reg_stage<8>(v, upper);
    }
    return v;
  }
  /// Rows of dim floats, in place (the public hadamard_transform).
  static void hadamard_rows(float* x, std::size_t n, std::size_t dim) noexcept {
    bf upper[5];
    for (std::size_t h = 1, k = 0; h < W; h <<= 1, ++k) upper[k] = upper_lanes(h);
    const float s = inv_sqrt_pow2(log2_pow2(dim));
    if (dim <= W) { // W / dim rows per batch
      const std::size_t per = W / dim;
      std::size_t r = 0;
      for (; r + per <= n; r += per) {
        float* p = x + r * dim;
        stu(p, reg_stages(ldu(p), dim, upper) * bf(s));
      }
      for (; r < n; ++r) fwht(x + r * dim, dim);
      return;
    }
    // Stages below `block` run block by block (L1-resident), the others over the whole row.
    constexpr std::size_t block = 4096;
    for (std::size_t r = 0; r < n; ++r) {
      float* p = x + r * dim;
      const std::size_t b = dim < block ? dim : block;
      for (std::size_t o = 0; o < dim; o += b) {
        for (std::size_t j = 0; j < b; j += W) stu(p + o + j, reg_stages(ldu(p + o + j), W, upper));
        stages(p + o, b, W, 1, b == dim, s);
      }
      if (b < dim) stages(p, dim, b, 1, true, s);
    }
  }

  // ---- lattices, lane-wise (lattice/zn.hpp, dn.hpp, e8.hpp) --------------------------------
  /// detail::is_odd_integer.
  static mf is_odd(bf r) noexcept {
    const bf a = xsimd::abs(r);
    const bi iv = xsimd::to_int(a);
    return (a < bf(16777216.0f)) & to_mf((iv & bi(1)) != bi(0));
  }
  /// detail::clamp_box: v > lo ? v : lo, then c < hi ? c : hi — maxps(v, lo), minps(c, hi).
  static bf clamp(bf v, bf lo, bf hi) noexcept { return xsimd::min(xsimd::max(v, lo), hi); }
  /// detail::dn_round_and_fix<N, Bounded>, per lane: the same b, s, a, m and delta, the first
  /// least delta, the same fix. Bounded, every b is an integer of magnitude <= q <= 2^22, so
  /// the parity of the sum is bit 0 of the xor of the cvttps2dq(b).
  template <int N, bool Bounded>
  static void dn_fix(const bf* y, bf lo, bf hi, bf* out) noexcept {
    const bf one(1.0f), mone(-1.0f), half(0.5f);
    bf best(0.0f), k(0.0f), a[N];
    bi par(0);
    mf odd(false);
    for (int i = 0; i < N; ++i) {
      const bf v = y[i];
      bf b, s;
      if constexpr (Bounded) {
        b = xsimd::nearbyint(clamp(v, lo, hi));
        s = self(v >= b, self(b < hi, one, mone), self(b > lo, mone, one));
        par = par ^ xsimd::to_int(b);
      } else {
        b = xsimd::nearbyint(v);
        s = self(v >= b, one, mone);
        odd = mxor(odd, is_odd(b));
      }
      a[i] = b + s;
      const bf m = b + half * s;
      const bf delta = s * (m - v);
      if (i == 0) {
        best = delta;
      } else {
        const mf u = delta < best;
        best = self(u, delta, best);
        k = self(u, bf(static_cast<float>(i)), k);
      }
      out[i] = b;
    }
    if constexpr (Bounded) odd = to_mf((par & bi(1)) != bi(0));
    const bf fix_at = self(odd, k, bf(-1.0f)); // the coordinate that moves, -1: none
    for (int i = 0; i < N; ++i) out[i] = self(fix_at == bf(static_cast<float>(i)), a[i], out[i]);
  }
  /// detail::e8_closest<Bounded>; fq and fq - 1 precomputed as floats.
  template <bool Bounded>
  static void e8_closest(const bf* y, bf fq, bf fqm1, bf* out) noexcept {
    const bf half(0.5f);
    bf a[8], z[8], c[8];
    for (int i = 0; i < 8; ++i) z[i] = y[i] - half;
    dn_fix<8, Bounded>(y, -fq, fq, a);
    dn_fix<8, Bounded>(z, -fq, fqm1, c);
    for (int i = 0; i < 8; ++i) c[i] = c[i] + half;
    bf da(0.0f), db(0.0f);
    for (int i = 0; i < 8; ++i) {
      const bf d = y[i] - a[i];
      da = da + d * d;
    }
    for (int i = 0; i < 8; ++i) {
      const bf d = y[i] - c[i];
      db = db + d * d;
    }
    const mf use_half = db < da;
    for (int i = 0; i < 8; ++i) out[i] = self(use_half, c[i], a[i]);
  }
  template <class L, bool Bounded>
  static void closest(const bf* y, bf fq, bf fqm1, bf* out) noexcept {
    if constexpr (std::is_same_v<L, e8>) {
      e8_closest<Bounded>(y, fq, fqm1, out);
    } else if constexpr (std::is_same_v<L, z8>) {
      for (int i = 0; i < 8; ++i) {
        if constexpr (Bounded) {
          out[i] = xsimd::nearbyint(clamp(y[i], -fq, fq));
        } else {
          out[i] = xsimd::nearbyint(y[i]);
        }
      }
    } else {
      dn_fix<static_cast<int>(L::dim), Bounded>(y, -fq, fq, out);
    }
  }

  // ---- codebook indices ------------------------------------------------------------------
  struct lat_consts {
    int q = 0, bits = 0;
    float fq = 0, fqm1 = 0, two_fq = 0, two_fq_m1 = 0;
    double base = 0, inv_base = 0, base2 = 0, inv_base2 = 0, dq = 0, int_count = 0, last = 0;
    bool fast = false;    // every intermediate integer below 2^52: exact in double lanes
    bool below51 = false; // ... and below 2^51: digits without correction steps (divmod)
  };
  template <class L>
  static lat_consts consts(int q, int bits) noexcept {
    lat_consts c;
    c.q = q;
    c.bits = bits;
    c.fq = static_cast<float>(q);
    c.fqm1 = c.fq - 1.0f;
    c.two_fq = 2.0f * c.fq;
    c.two_fq_m1 = 2.0f * c.fq - 1.0f;
    c.base = 2.0 * q + 1.0;
    c.inv_base = 1.0 / c.base;
    c.base2 = 2.0 * q;
    c.inv_base2 = 1.0 / c.base2;
    c.dq = q;
    const uint128 full = upow(radix(2 * q + 1), L::dim); // > every R, h and index
    c.fast = full <= (uint128(1) << 52);
    c.below51 = full < (uint128(1) << 51);
    if (c.fast) {
      c.last = static_cast<double>(static_cast<std::uint64_t>(L::box_count(q) - 1));
      if constexpr (std::is_same_v<L, e8>)
        c.int_count = static_cast<double>(static_cast<std::uint64_t>(e8_integer_count(q)));
    }
    return c;
  }
  /// detail::to_digit.
  static bf to_digit(bf v, bf max_digit) noexcept {
    return clamp(xsimd::nearbyint(v), bf(0.0f), max_digit);
  }
  /// r / base, exactly (r an integer below 2^52, inv = fl(1 / base)): r <- quotient, returns
  /// the remainder. Below 2^51 one rounding-free step is exact: (r + 1/2) / base lies at least
  /// 1/(2 base) from an integer and r * inv errs by less than (r / base) 2^-52 < 1/(2 base);
  /// above, the quotient may be one off and is corrected.
  template <bool Below51>
  static bd divmod(bd& r, bd base, bd inv) noexcept {
    if constexpr (Below51) {
      const bd qd = xsimd::floor((r + bd(0.5)) * inv);
      const bd rem = r - qd * base;
      r = qd;
      return rem;
    }
    bd qd = xsimd::floor(r * inv);
    bd rem = r - qd * base;
    const md neg = rem < bd(0.0);
    qd = seld(neg, qd - bd(1.0), qd);
    rem = seld(neg, rem + base, rem);
    const md big = rem >= base;
    qd = seld(big, qd + bd(1.0), qd);
    rem = seld(big, rem - base, rem);
    r = qd;
    return rem;
  }
  /// The index of codebook points p[0, L::dim) (one chunk), as exact doubles per half.
  template <class L>
  static void index_fast(const bf* p, const lat_consts& c, bd* idx) noexcept {
    constexpr int N = static_cast<int>(L::dim);
    const bf fq(c.fq);
    const bd base(c.base);
    bd r[2] = {bd(0.0), bd(0.0)};
    for (int k = N; k-- > 0;) {
      const auto u = ops::widen(to_digit(p[k] + fq, bf(c.two_fq)));
      r[0] = r[0] * base + u.first;
      r[1] = r[1] * base + u.second;
    }
    if constexpr (std::is_same_v<L, z8>) {
      idx[0] = r[0];
      idx[1] = r[1];
    } else if constexpr (!std::is_same_v<L, e8>) {
      static_assert(L::dim % 2 == 0, "odd-dimensional D_n needs the box_to_index clamp");
      idx[0] = xsimd::floor(r[0] * bd(0.5));
      idx[1] = xsimd::floor(r[1] * bd(0.5));
    } else {
      const bf half(0.5f), maxd(c.two_fq_m1);
      const bd base2(c.base2);
      bd h[2];
      {
        const auto v7 = ops::widen(to_digit((p[7] - half) + fq, maxd));
        h[0] = xsimd::floor(v7.first * bd(0.5));
        h[1] = xsimd::floor(v7.second * bd(0.5));
      }
      for (int k = 7; k-- > 0;) {
        const auto v = ops::widen(to_digit((p[k] - half) + fq, maxd));
        h[0] = h[0] * base2 + v.first;
        h[1] = h[1] * base2 + v.second;
      }
      const bf is_half = self(is_odd(xsimd::nearbyint(bf(2.0f) * p[0])), bf(1.0f), bf(0.0f));
      const auto m = ops::widen(is_half);
      const bd ic(c.int_count);
      idx[0] = seld(m.first > bd(0.5), ic + h[0], xsimd::floor(r[0] * bd(0.5)));
      idx[1] = seld(m.second > bd(0.5), ic + h[1], xsimd::floor(r[1] * bd(0.5)));
    }
  }
  /// The codebook points of indices idx (exact doubles per half; clamped to count - 1):
  /// L::box_from_index, digit by digit.
  template <class L>
  static void point_fast(const bd* idx, const lat_consts& c, bf* p) noexcept {
    if (c.below51)
      point_fast<L, true>(idx, c, p);
    else
      point_fast<L, false>(idx, c, p);
  }
  template <class L, bool Below51>
  static void point_fast(const bd* idx, const lat_consts& c, bf* p) noexcept {
    constexpr int N = static_cast<int>(L::dim);
    const bd last(c.last), base(c.base), inv(c.inv_base), dq(c.dq);
    bd u[2][N]; // integer coordinates u - q
    if constexpr (std::is_same_v<L, e8>) {
      const bd ic(c.int_count), base2(c.base2), inv2(c.inv_base2);
      bd hv[2][8], integer[2];
      for (int hf = 0; hf < 2; ++hf) {
        const bd j = seld(idx[hf] < last, idx[hf], last);
        integer[hf] = seld(j < ic, bd(1.0), bd(0.0));
        bd r = j * bd(2.0); // integer coset: R = 2 j (8q is even)
        for (int k = 0; k < 8; ++k) u[hf][k] = divmod<Below51>(r, base, inv) - dq;
        bd h = j - ic, parity(0.0); // half coset (lanes of the integer coset discard it)
        for (int k = 0; k < 7; ++k) {
          const bd v = divmod<Below51>(h, base2, inv2);
          parity = parity + v;
          hv[hf][k] = v - dq;
        }
        parity = parity - bd(2.0) * xsimd::floor(parity * bd(0.5));
        hv[hf][7] = (bd(2.0) * h + parity) - dq;
      }
      const mf is_int = ops::narrow(integer[0], integer[1]) > bf(0.5f);
      for (int k = 0; k < 8; ++k)
        p[k] =
            self(is_int, ops::narrow(u[0][k], u[1][k]), ops::narrow(hv[0][k], hv[1][k]) + bf(0.5f));
    } else {
      for (int hf = 0; hf < 2; ++hf) {
        bd r = seld(idx[hf] < last, idx[hf], last);
        if constexpr (!std::is_same_v<L, z8>) r = r * bd(2.0); // R = 2 j + (N q mod 2), N even
        for (int k = 0; k < N; ++k) u[hf][k] = divmod<Below51>(r, base, inv) - dq;
      }
      for (int k = 0; k < N; ++k) p[k] = ops::narrow(u[0][k], u[1][k]);
    }
  }

  // ---- SoA bit fields (core/bits.hpp): every lane has the same layout ----------------------
  /// Appends fields to rows of W words (word k of every lane's code), the word being filled
  /// kept in a register; finish() stores the last, partial one.
  struct soa_writer {
    std::uint32_t* w;
    std::size_t pos = 0;
    bu cur = bu(0u);
    /// Appends the low n bits (1 <= n <= 32) of every lane.
    void put(bu v, int n) noexcept {
      if (n < 32) v = v & bu((1u << n) - 1u);
      const int sh = static_cast<int>(pos & 31);
      cur = sh == 0 ? v : (cur | (v << sh));
      if (sh + n >= 32) {
        cur.store_aligned(w + (pos >> 5) * W);
        cur = sh + n > 32 ? (v >> (32 - sh)) : bu(0u);
      }
      pos += static_cast<std::size_t>(n);
    }
    void finish() noexcept {
      if ((pos & 31) != 0) cur.store_aligned(w + (pos >> 5) * W);
    }
  };
  struct soa_reader {
    const std::uint32_t* w;
    std::size_t pos = 0;
    bu get(int n) noexcept {
      const std::uint32_t* row = w + (pos >> 5) * W;
      const int sh = static_cast<int>(pos & 31);
      bu v = bu::load_aligned(row) >> sh;
      if (sh + n > 32) v = v | (bu::load_aligned(row + W) << (32 - sh));
      if (n < 32) v = v & bu((1u << n) - 1u);
      pos += static_cast<std::size_t>(n);
      return v;
    }
  };
  /// Words (rows of W) to the rows-many codes of bpv bytes; `stage` holds W x nwp words.
  static void emit_codes(const std::uint32_t* words, std::size_t nwp, std::size_t rows,
                         std::size_t bpv, std::uint8_t* codes, float* stage) {
    for (std::size_t j = 0; j < nwp; j += W)
      ops::transpose(reinterpret_cast<const float*>(words) + j * W, W, stage + j, nwp);
    for (std::size_t l = 0; l < rows; ++l) std::memcpy(codes + l * bpv, stage + l * nwp, bpv);
  }
  static void absorb_codes(const std::uint8_t* codes, std::size_t nwp, std::size_t rows,
                           std::size_t bpv, std::uint32_t* words, float* stage) {
    for (std::size_t l = 0; l < W; ++l) {
      auto* row = reinterpret_cast<std::uint8_t*>(stage + l * nwp);
      const std::size_t have = l < rows ? bpv : 0;
      if (have) std::memcpy(row, codes + l * bpv, have);
      std::memset(row + have, 0, nwp * 4 - have);
    }
    for (std::size_t j = 0; j < nwp; j += W)
      ops::transpose(stage + j, nwp, reinterpret_cast<float*>(words) + j * W, W);
  }
  static std::size_t words_for_bits(std::size_t bits) noexcept {
    const std::size_t nw = (bits + 31) / 32 + 1; // + 1: a put may touch the next row
    return (nw + W - 1) / W * W;
  }

  // ---- KakeyaLattice codecs: pow2_scale, Hadamard, absmax, refine_gain, lattice blocks ----
  /// The gain stages and the rotation; v holds D coordinates; returns the gain product.
  static bf lattice_forward(float* v, std::size_t D) noexcept {
    const bf g1 = pow2_floor(max_abs(v, D));
    divide_pow2(v, D, nonzero_divisor(g1));
    bf gain = bf(1.0f) * g1;
    fwht_soa(v, D);
    const bf g2 = max_abs(v, D);
    divide(v, D, nonzero_divisor(g2));
    return gain * g2;
  }
  /// codec::refine and the final quantisation: P receives the codebook points of
  /// v / quantise_at (those of the last accepted pass); returns the refined gain factor.
  template <class L>
  static bf lattice_refine(const float* v, std::size_t D, const lat_consts& c, int passes,
                           float*& P, float*& Pc) noexcept {
    constexpr std::size_t N = L::dim;
    const bf fq(c.fq), fqm1(c.fqm1);
    bf store(1.0f);
    mf active(true);
    const int rounds = passes > 0 ? passes : 1;
    for (int pass = 0; pass < rounds; ++pass) {
      const bf cc = store;
      float* out = pass == 0 ? P : Pc;
      tree_acc num, den;
      for (std::size_t b = 0; b < D; b += N) {
        bf y[N], p[N];
        for (std::size_t k = 0; k < N; ++k) y[k] = (ld(v + (b + k) * W) / cc) * fq;
        closest<L, true>(y, fq, fqm1, p);
        for (std::size_t k = 0; k < N; ++k) {
          st(out + (b + k) * W, p[k]);
          const bf r = p[k] / fq;
          num.add(ld(v + (b + k) * W) * r);
          den.add(r * r);
        }
      }
      if (passes == 0) break;
      const bf sn = num.result(), sd = den.result();
      const bf next = sn / sd;
      const mf ok = (sn > bf(0.0f)) & (sd > bf(0.0f)) & (next > bf(0.0f)) & (next < bf(3.0e38f));
      active = active & ok;
      store = self(active, next, store);
      if (pass > 0) {
        if (xsimd::all(active)) {
          std::swap(P, Pc);
        } else if (xsimd::any(active)) {
          for (std::size_t i = 0; i < D; ++i)
            st(P + i * W, self(active, ld(Pc + i * W), ld(P + i * W)));
        }
      }
      if (xsimd::none(active)) break;
    }
    return store;
  }
  /// Points of one block to the index limbs of every lane (exact, any q).
  template <class L>
  static void put_index(const bf* p, const lat_consts& c, soa_writer& w) noexcept {
    constexpr std::size_t N = L::dim;
    if (c.fast) {
      bd idx[2];
      index_fast<L>(p, c, idx);
      if (c.bits <= 32) {
        w.put(as_u(ops::narrow_u32(idx[0], idx[1])), c.bits);
      } else {
        const bd two32(4294967296.0), inv32(1.0 / 4294967296.0);
        const bd h0 = xsimd::floor(idx[0] * inv32), h1 = xsimd::floor(idx[1] * inv32);
        w.put(as_u(ops::narrow_u32(idx[0] - h0 * two32, idx[1] - h1 * two32)), 32);
        w.put(as_u(ops::narrow_u32(h0, h1)), c.bits - 32);
      }
      return;
    }
    alignas(64) float t[N][W];
    alignas(64) std::uint32_t limb[4][W];
    for (std::size_t k = 0; k < N; ++k) st(t[k], p[k]);
    for (std::size_t l = 0; l < W; ++l) {
      float pt[N];
      for (std::size_t k = 0; k < N; ++k) pt[k] = t[k][l];
      const uint128 i = L::box_to_index(std::span<const float, N>(pt, N), c.q);
      for (int j = 0; j < 4; ++j) limb[j][l] = static_cast<std::uint32_t>(i >> (32 * j));
    }
    for (int j = 0, left = c.bits; left > 0; ++j, left -= 32)
      w.put(bu::load_aligned(limb[j]), left < 32 ? left : 32);
  }
  template <class L>
  static void get_point(soa_reader& r, const lat_consts& c, bf* p) noexcept {
    constexpr std::size_t N = L::dim;
    if (c.fast) {
      const auto lo = ops::widen_u32(as_i(r.get(c.bits < 32 ? c.bits : 32)));
      bd idx[2] = {lo.first, lo.second};
      if (c.bits > 32) {
        const auto hi = ops::widen_u32(as_i(r.get(c.bits - 32)));
        const bd two32(4294967296.0);
        idx[0] = hi.first * two32 + idx[0];
        idx[1] = hi.second * two32 + idx[1];
      }
      point_fast<L>(idx, c, p);
      return;
    }
    alignas(64) std::uint32_t limb[4][W] = {};
    for (int j = 0, left = c.bits; left > 0; ++j, left -= 32)
      r.get(left < 32 ? left : 32).store_aligned(limb[j]);
    alignas(64) float t[N][W];
    for (std::size_t l = 0; l < W; ++l) {
      uint128 i = 0;
      for (int j = 3; j >= 0; --j) i = (i << 32) | limb[j][l];
      float pt[N];
      L::box_from_index(i, c.q, std::span<float, N>(pt, N));
      for (std::size_t k = 0; k < N; ++k) t[k][l] = pt[k];
    }
    for (std::size_t k = 0; k < N; ++k) p[k] = ld(t[k]);
  }

  enum class mode { encode, decode, roundtrip };

  template <class L, mode M>
  static void lattice_codec(const simd_codec_desc& d, const float* x, const std::uint8_t* cin,
                            std::uint8_t* cout, float* y, std::size_t n) {
    constexpr std::size_t N = L::dim;
    const std::size_t D = d.dim, bpv = d.bytes_per_vector;
    const lat_consts c = consts<L>(d.q, d.index_bits);
    const std::size_t nwp = words_for_bits(32 + D / N * static_cast<std::size_t>(c.bits));
    scratch& s = tls();
    float* v = s.get(0, D * W);
    float* P = s.get(1, D * W);
    float* Pc = s.get(2, D * W);
    float* stage = s.get(3, W * std::max(D, nwp));
    auto* words = reinterpret_cast<std::uint32_t*>(s.get(4, nwp * W));
    const bf fq(c.fq);
    for (std::size_t r0 = 0; r0 < n; r0 += W) {
      const std::size_t rows = std::min(W, n - r0);
      bf gain;
      if constexpr (M == mode::decode) {
        absorb_codes(cin + r0 * bpv, nwp, rows, bpv, words, stage);
        soa_reader rd{words};
        gain = xsimd::bitwise_cast<bf>(rd.get(32));
        for (std::size_t b = 0; b < D; b += N) {
          bf p[N];
          get_point<L>(rd, c, p);
          for (std::size_t k = 0; k < N; ++k) st(v + (b + k) * W, p[k] / fq);
        }
      } else {
        load_soa(x + r0 * D, rows, D, v, stage);
        gain = lattice_forward(v, D);
        float* Pp = P;
        float* Pq = Pc;
        gain = gain * lattice_refine<L>(v, D, c, d.passes, Pp, Pq);
        if constexpr (M == mode::encode) {
          soa_writer wr{words};
          wr.put(xsimd::bitwise_cast<bu>(gain), 32);
          for (std::size_t b = 0; b < D; b += N) {
            bf p[N];
            for (std::size_t k = 0; k < N; ++k) p[k] = ld(Pp + (b + k) * W);
            put_index<L>(p, c, wr);
          }
          wr.finish();
          emit_codes(words, nwp, rows, bpv, cout + r0 * bpv, stage);
          continue;
        } else {
          // decode(encode(x)) without the index: from_index(to_index(p)) is p, except that a
          // zero coordinate decodes as +0 (p + 0 maps -0 to +0 and nothing else).
          for (std::size_t i = 0; i < D; ++i) st(v + i * W, (ld(Pp + i * W) + bf(0.0f)) / fq);
        }
      }
      fwht_soa(v, D);
      for (std::size_t i = 0; i < D; ++i) st(v + i * W, ld(v + i * W) * gain);
      store_soa(v, rows, D, y + r0 * D, stage);
    }
  }

  // ---- lloyd-max codec: unit_norm, Hadamard, one Lloyd-Max level per coordinate -----------
  /// lloyd_max::encode per lane: the same branch-free binary search over the thresholds
  /// (read from registers when they fit, else gathered).
  static bi lm_encode(bf x, const typename ops::lut& thr, std::uint32_t levels) noexcept {
    bi idx(0);
    for (std::uint32_t step = levels >> 1; step != 0; step >>= 1) {
      const bf t = ops::lookup(thr, idx + bi(static_cast<std::int32_t>(step - 1)));
      idx = idx + seli(to_mi(x >= t), bi(static_cast<std::int32_t>(step)), bi(0));
    }
    return idx;
  }
  template <mode M>
  static void lloyd_codec(const simd_codec_desc& d, const float* x, const std::uint8_t* cin,
                          std::uint8_t* cout, float* y, std::size_t n) {
    const std::size_t D = d.dim, bpv = d.bytes_per_vector;
    const lloyd_max& lm = *d.table;
    const int bits = lm.bits();
    const std::uint32_t levels = lm.levels();
    const typename ops::lut tl = ops::make_lut(lm.thresholds().data(), levels - 1);
    const typename ops::lut cl = ops::make_lut(lm.centroids().data(), levels);
    const bi mask(static_cast<std::int32_t>((levels - 1) & (lloyd_max::max_levels - 1)));
    const std::size_t nwp = words_for_bits(32 + D * static_cast<std::size_t>(bits));
    scratch& s = tls();
    float* v = s.get(0, D * W);
    float* stage = s.get(3, W * std::max(D, nwp));
    auto* words = reinterpret_cast<std::uint32_t*>(s.get(4, nwp * W));
    for (std::size_t r0 = 0; r0 < n; r0 += W) {
      const std::size_t rows = std::min(W, n - r0);
      bf gain;
      if constexpr (M == mode::decode) {
        absorb_codes(cin + r0 * bpv, nwp, rows, bpv, words, stage);
        soa_reader rd{words};
        gain = xsimd::bitwise_cast<bf>(rd.get(32));
        for (std::size_t i = 0; i < D; ++i)
          st(v + i * W, ops::lookup(cl, as_i(rd.get(bits)) & mask));
      } else {
        load_soa(x + r0 * D, rows, D, v, stage);
        // unit_norm
        const bf p = pow2_floor(max_abs(v, D));
        const mf zero = p == bf(0.0f);
        divide_pow2(v, D, self(zero, bf(1.0f), p));
        tree_acc sum;
        for (std::size_t i = 0; i < D; ++i) {
          const bf t = ld(v + i * W);
          sum.add(t * t);
        }
        const bf r = xsimd::sqrt(sum.result());
        divide(v, D, self(zero, bf(1.0f), r));
        gain = bf(1.0f) * self(zero, bf(0.0f), r * p);
        fwht_soa(v, D);
        if constexpr (M == mode::encode) {
          soa_writer wr{words};
          wr.put(xsimd::bitwise_cast<bu>(gain), 32);
          for (std::size_t i = 0; i < D; ++i)
            wr.put(as_u(lm_encode(ld(v + i * W), tl, levels)), bits);
          wr.finish();
          emit_codes(words, nwp, rows, bpv, cout + r0 * bpv, stage);
          continue;
        } else {
          for (std::size_t i = 0; i < D; ++i)
            st(v + i * W, ops::lookup(cl, lm_encode(ld(v + i * W), tl, levels) & mask));
        }
      }
      fwht_soa(v, D);
      for (std::size_t i = 0; i < D; ++i) st(v + i * W, ld(v + i * W) * gain);
      store_soa(v, rows, D, y + r0 * D, stage);
    }
  }

  // ---- FP8 blocks (scalar/fp8_block.hpp, core/float_formats.hpp), lanes within a block ----
  /// Fp8::encode (saturating) per lane: sign | detail::round_magnitude_rne<M, B>(|q|), clamped.
  /// Normal targets (|q| >= 2^(1-B)) round the float's bits at the fixed position 23 - M, as
  /// the reference does there. Subnormal targets are m * 2^(1-B-M) with m the round-half-even
  /// of |q| * 2^(B+M-1): an exact scaling, then roundps with its rounding mode in the immediate
  /// (independent of MXCSR) — the reference's variable-shift rounding of the same number, with
  /// no per-lane shift (SSE4 has none).
  template <class F>
  static bi fp8_encode(bf q) noexcept {
    constexpr int Mb = F::mantissa_bits, Bias = F::exponent_bias, sh = 23 - Mb;
    const bi u = as_i(q);
    const bi sign = (u >> 24) & bi(0x80);
    const bi a = u & bi(0x7fffffff);
    const bi x = a - bi((127 - Bias) << 23);
    const bi normal = (x + bi((1 << (sh - 1)) - 1) + ((x >> sh) & bi(1))) >> sh;
    const bi sub =
        xsimd::to_int(xsimd::nearbyint(as_f(a) * bf(static_cast<float>(1 << (Bias + Mb - 1)))));
    bi c = seli(a >= bi((128 - Bias) << 23), normal, sub);
    c = seli(c > bi(F::max_code), bi(F::max_code), c); // saturating formats only
    c = seli(a > bi(0x7f800000), bi(F::nan_code), c);
    return sign | c;
  }
  /// detail::widen_magnitude<M, B> per lane.
  template <int Mb, int Bias>
  static bi widen_magnitude(bi c) noexcept {
    const bi m = c & bi((1 << Mb) - 1);
    const bi normal = (c << (23 - Mb)) + bi((127 - Bias) << 23);
    const bi sub_m = as_i(xsimd::to_float(m)) - bi((Bias + Mb - 1) << 23);
    return seli((c >> Mb) != bi(0), normal, seli(m != bi(0), sub_m, bi(0)));
  }
  template <class F>
  static bf fp8_decode(bi b) noexcept {
    if constexpr (std::is_same_v<F, fp8_e4m3>) {
      const bi sign = (b & bi(0x80)) << 24;
      const bi c = b & bi(0x7f);
      return as_f(sign | seli(c == bi(0x7f), bi(static_cast<std::int32_t>(f32_quiet_nan_bits)),
                              widen_magnitude<3, 7>(c)));
    } else { // e5m2: fp16::decode(b << 8)
      const bi h = b << 8;
      const bi sign = (h & bi(0x8000)) << 16;
      const bi c = h & bi(0x7fff);
      const bi payload = (c & bi(0x3ff)) << 13;
      const bi special = bi(static_cast<std::int32_t>(f32_inf_bits)) |
                         seli(payload != bi(0), bi(0x400000) | payload, bi(0));
      return as_f(sign | seli(c >= bi(0x7c00), special, widen_magnitude<10, 15>(c)));
    }
  }
  template <class F, class S, mode M>
  static void fp8_codec(const simd_codec_desc& d, const float* x, const std::uint8_t* cin,
                        std::uint8_t* cout, float* y, std::size_t n) {
    using fmt = fp8_block<F, 1, S>; // scale_for does not depend on the block size
    constexpr std::size_t sb = S::bits / 8;
    const std::size_t D = d.dim, B = d.block, bpv = d.bytes_per_vector;
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t off = 0;
      for (std::size_t b = 0; b < D; b += B) {
        typename S::storage sc = 0;
        float dd;
        // x is null when decoding: no arithmetic on it then (UB even unused; found by fuzz_decode).
        const float* xb = M == mode::decode ? nullptr : x + i * D + b;
        bool zero_codes;
        if constexpr (M == mode::decode) {
          const std::uint8_t* cb = cin + i * bpv + off;
          std::uint32_t raw = 0;
          std::memcpy(&raw, cb, sb); // little-endian
          sc = static_cast<typename S::storage>(raw);
          dd = S::decode(sc);
          const bf db(dd);
          for (std::size_t j = 0; j < B; j += W)
            stu(y + i * D + b + j, fp8_decode<F>(ops::load_u8(cb + sb + j)) * db);
          off += sb + B;
          continue;
        } else {
          bi best(0);
          for (std::size_t j = 0; j < B; j += W) {
            const bi a = as_i(ldu(xb + j)) & bi(0x7fffffff);
            best = seli((a <= bi(static_cast<std::int32_t>(f32_inf_bits))) & (a > best), a, best);
          }
          const auto amax_bits = static_cast<std::uint32_t>(ops::hmax(best));
          sc = fmt::scale_for(float_from_bits(amax_bits));
          dd = S::decode(sc);
          zero_codes = amax_bits == 0 || float_bits(dd) == 0;
        }
        const bf db(dd);
        // x / d, or x * (1 / d) when d is a power of two with a normal reciprocal (always for
        // ue8m0): both are the correctly rounded value of the same real number.
        const std::uint32_t e = (float_bits(dd) >> 23) & 0xffu;
        const bool pow2 = (float_bits(dd) & 0x807fffffu) == 0 && e >= 1 && e <= 253;
        const bf inv(1.0f / dd);
        auto scaled = [&](std::size_t j) { return pow2 ? ldu(xb + j) * inv : ldu(xb + j) / db; };
        if constexpr (M == mode::encode) {
          std::uint8_t* cb = cout + i * bpv + off;
          const auto raw = static_cast<std::uint32_t>(sc);
          std::memcpy(cb, &raw, sb);
          if (zero_codes) {
            std::memset(cb + sb, 0, B);
          } else {
            for (std::size_t j = 0; j < B; j += W)
              ops::store_u8(cb + sb + j, fp8_encode<F>(scaled(j)));
          }
        } else {
          for (std::size_t j = 0; j < B; j += W) {
            const bi code = zero_codes ? bi(0) : fp8_encode<F>(scaled(j));
            stu(y + i * D + b + j, fp8_decode<F>(code) * db);
          }
        }
        off += sb + B;
      }
    }
  }
  template <mode M>
  static void fp8_any(const simd_codec_desc& d, const float* x, const std::uint8_t* cin,
                      std::uint8_t* cout, float* y, std::size_t n) {
    auto by_scale = [&]<class F>() {
      switch (d.scale) {
      case simd_scale::fp32:
        return fp8_codec<F, fp32, M>(d, x, cin, cout, y, n);
      case simd_scale::fp16:
        return fp8_codec<F, fp16, M>(d, x, cin, cout, y, n);
      case simd_scale::bf16:
        return fp8_codec<F, bf16, M>(d, x, cin, cout, y, n);
      case simd_scale::ue8m0:
        return fp8_codec<F, ue8m0, M>(d, x, cin, cout, y, n);
      }
    };
    if (d.element == simd_fp8::e4m3)
      by_scale.template operator()<fp8_e4m3>();
    else
      by_scale.template operator()<fp8_e5m2>();
  }

  // ---- ball codecs (codec/ball_block.hpp): pow2_scale, Hadamard, rms_scale, E8 balls -------
  // The stages run lane-wise (lanes = vectors). The overload search, the rank and the unrank
  // run one vector at a time, the search's closest points lane-wise over the ball's blocks
  // (lanes = blocks: every block of a ball has the same shrink factor), its steps through
  // ball_block_ref::shrink_search, the same object the scalar choose() steps through.
  /// F::decode(F::encode(r)) per lane, F = ue8m<M> (scale/rms_scale.hpp).
  template <class F>
  static bf ue8m_round(bf r) noexcept {
    constexpr int shift = F::shift;
    const bi max_code(static_cast<std::int32_t>(F::max_code));
    const bi a = as_i(r) & bi(0x7fffffff);
    bi c = (a + bi((1 << (shift - 1)) - 1) + ((a >> shift) & bi(1))) >> shift;
    c = seli(c > max_code, max_code, c);
    c = seli(a >= bi(0x7f800000), max_code, c);
    return as_f(c << shift);
  }
  /// codec::forward of the ball presets per lane: pow2_scale, Hadamard, rms_scale<F>;
  /// returns the gain product.
  template <class F>
  static bf ball_forward(float* v, std::size_t D) noexcept {
    const bf g1 = pow2_floor(max_abs(v, D));
    divide_pow2(v, D, nonzero_divisor(g1));
    const bf gain = bf(1.0f) * g1;
    fwht_soa(v, D);
    // rms_scale: p = pow2_floor(max |v|), v /= p, s = tree_sum(v²), g = F(sqrtf(s / D)), v /= g.
    const bf p = pow2_floor(max_abs(v, D));
    const mf zero = p == bf(0.0f);
    divide_pow2(v, D, nonzero_divisor(p));
    tree_acc acc;
    for (std::size_t i = 0; i < D; ++i) {
      const bf a = ld(v + i * W);
      acc.add(a * a);
    }
    const bf g = ue8m_round<F>(xsimd::sqrt(acc.result() / bf(static_cast<float>(D))));
    divide(v, D, self(zero, bf(1.0f), g));
    return gain * self(zero, bf(0.0f), g * p);
  }
  /// One ball of one vector, blocks in lanes: x[j][b] coordinate j of block b (K blocks,
  /// padded with zeros to G · W); the chosen point (ball_block_ref::choose) into t (AoS,
  /// K · 8 floats).
  template <std::size_t K>
  struct ball_lanes {
    static constexpr std::size_t G = (K + W - 1) / W; // batches per coordinate
    alignas(64) float x[8][G * W];
    alignas(64) float t[8][G * W];
    alignas(64) float fit[8][G * W];
    alignas(64) float norms[G * W]; // shell_view::norm per block (exact integers)

    // t = Q_E8(x · (1/s) · α_k) block by block (ball_block_ref::place); whether it fits and
    // its bins' sum. The norms and bins lane-wise: ‖t‖² is an even integer below 2^24 (capped
    // at 2^22 as shell_view::norm caps it), so n = ‖t‖² / 2 is exact, and so is
    // floor(n / width) = bin_of[n] for every n below cap_bins · width (the quotient is below
    // 128, far from the next integer at the width's size); beyond the cap the bin is cap_bins.
    bool place(const ball_block_ref<e8, K>& q, int k, int& total) noexcept {
      const auto& code = q.code;
      const bf alpha(ball_block_ref<e8, K>::alpha_of(k)), inv(q.inv_step), big(4194304.0f);
      const bf width(static_cast<float>(code.width)), cap(static_cast<float>(ball_code_view<e8>::cap_bins));
      bf bins(0.0f);
      mf over(false);
      for (std::size_t g = 0; g < G; ++g) {
        bf y[8], p[8];
        for (std::size_t j = 0; j < 8; ++j) y[j] = ld(x[j] + g * W) * inv * alpha;
        e8_closest<false>(y, bf(0.0f), bf(0.0f), p);
        bf n = p[0] * p[0]; // shell_view::norm: s = 0 + t0², then + t_j² in order
        for (std::size_t j = 1; j < 8; ++j) n = n + p[j] * p[j];
        for (std::size_t j = 0; j < 8; ++j) st(t[j] + g * W, p[j]);
        n = self(n < big, n, big) * bf(1.0f / shell_view<e8>::norm_scale); // exact: 1/2
        n.store_aligned(norms + g * W);
        const bf bin = xsimd::floor(n / width);
        over = over | (bin >= cap);
        bins = bins + xsimd::min(bin, cap);
      }
      total = static_cast<int>(xsimd::hadd(bins)); // at most 128 · 64 in all: exact
      return !xsimd::any(over) && total <= code.budget;
    }
    void choose(const ball_block_ref<e8, K>& q, float* out) noexcept {
      typename ball_block_ref<e8, K>::shrink_search s;
      for (;;) {
        int total = 0;
        const bool fits = place(q, s.k, total);
        const auto norm = [&] {
          double n = 0;
          for (std::size_t b = 0; b < K; ++b) n += static_cast<double>(norms[b]);
          return n;
        };
        bool keep = false;
        const bool done = s.next(q, fits, total, norm, keep);
        if (keep) std::memcpy(fit, t, sizeof(t));
        if (done) break;
      }
      const float(*src)[G * W] = s.restore() ? fit : t;
      for (std::size_t b = 0; b < K; ++b)
        for (std::size_t j = 0; j < 8; ++j) out[b * 8 + j] = s.zero ? 0.0f : src[j][b];
    }
  };

  /// The rank of codebook point t (ball_code_view::rank), with the shell ranks lane-wise where
  /// the instruction set has them (e8_shell_ranks).
  template <std::size_t K>
  static void ball_rank_lanes(const ball_block_ref<e8, K>& q, const float* t, word* rank) noexcept {
    if constexpr (e8_shell_ranks<A>::available) {
      if (q.code.shells.stride < 65536) {
        std::int64_t n[K];
        int bins[K];
        std::uint64_t idx[K];
        for (std::size_t b = 0; b < K; ++b) n[b] = shell_view<e8>::norm(t + 8 * b);
        for (std::size_t b = 0; b < K; b += 8)
          e8_shell_ranks<A>::run(q.code.shells, t + 8 * b, n + b, idx + b);
        for (std::size_t b = 0; b < K; ++b) {
          bins[b] = q.code.bin_of[n[b]];
          idx[b] += q.code.in_bin[n[b]];
        }
        q.code.rank_blocks(
            [&](std::size_t i, int& bin, std::uint64_t& index) {
              bin = bins[i];
              index = idx[i];
            },
            rank);
        return;
      }
    }
    q.code.rank(t, rank);
  }

  template <std::size_t K, mode M>
  static void ball_codec(const simd_codec_desc& d, const float* x, const std::uint8_t* cin,
                         std::uint8_t* cout, float* y, std::size_t n) {
    using Q = ball_block_ref<e8, K>;
    using F = ball_gain;
    const Q& q = *static_cast<const Q*>(d.ball);
    const std::size_t D = d.dim, bpv = d.bytes_per_vector, balls = D / Q::block;
    scratch& s = tls();
    float* v = s.get(0, D * W);
    float* stage = s.get(3, W * D);
    ball_lanes<K> lanes{}; // the padding blocks (b >= K) stay 0
    alignas(64) float t[Q::block];
    alignas(64) float gains[W];
    word rank[ball_code_view<e8>::max_words];
    for (std::size_t r0 = 0; r0 < n; r0 += W) {
      const std::size_t rows = std::min(W, n - r0);
      if constexpr (M == mode::decode) {
        for (std::size_t l = 0; l < W; ++l) {
          gains[l] = 0.0f;
          if (l >= rows) {
            for (std::size_t i = 0; i < D; ++i) v[i * W + l] = 0.0f;
            continue;
          }
          bit_reader rd(cin + (r0 + l) * bpv);
          gains[l] = F::decode(static_cast<typename F::storage>(rd.get(F::bits)));
          for (std::size_t b = 0; b < balls; ++b) {
            q.read_point(rd, t);
            for (std::size_t i = 0; i < Q::block; ++i)
              v[(b * Q::block + i) * W + l] = t[i] * q.step;
          }
        }
      } else {
        load_soa(x + r0 * D, rows, D, v, stage);
        ball_forward<F>(v, D).store_aligned(gains);
        for (std::size_t l = 0; l < rows; ++l) {
          std::uint8_t* code = M == mode::encode ? cout + (r0 + l) * bpv : nullptr;
          bit_writer w(code);
          if constexpr (M == mode::encode) {
            std::memset(code, 0, bpv);
            w.put(static_cast<std::uint64_t>(F::encode(gains[l])), F::bits);
          }
          for (std::size_t b = 0; b < balls; ++b) {
            const float* src = v + b * Q::block * W + l;
            for (std::size_t k = 0; k < K; ++k)
              for (std::size_t j = 0; j < 8; ++j) lanes.x[j][k] = src[(k * 8 + j) * W];
            lanes.choose(q, t);
            if constexpr (M == mode::encode) {
              ball_rank_lanes(q, t, rank);
              q.write_rank(rank, w);
            } else {
              // decode(encode(x)) without the rank: unrank(rank(t)) is t, except that a zero
              // coordinate decodes as +0 (t + 0 maps -0 to +0 and nothing else).
              for (std::size_t i = 0; i < Q::block; ++i)
                v[(b * Q::block + i) * W + l] = (t[i] + 0.0f) * q.step;
            }
          }
          if constexpr (M == mode::roundtrip) gains[l] = F::decode(F::encode(gains[l]));
        }
        if constexpr (M == mode::encode) continue;
      }
      fwht_soa(v, D);
      const bf gain = ld(gains);
      for (std::size_t i = 0; i < D; ++i) st(v + i * W, ld(v + i * W) * gain);
      store_soa(v, rows, D, y + r0 * D, stage);
    }
  }
  template <mode M>
  static void ball_any(const simd_codec_desc& d, const float* x, const std::uint8_t* cin,
                       std::uint8_t* cout, float* y, std::size_t n) {
    switch (d.ball_blocks) {
    case 8:
      return ball_codec<8, M>(d, x, cin, cout, y, n);
    case 16:
      return ball_codec<16, M>(d, x, cin, cout, y, n);
    case 32:
      return ball_codec<32, M>(d, x, cin, cout, y, n);
    default:
      return ball_codec<64, M>(d, x, cin, cout, y, n);
    }
  }

  // ---- table entry points ------------------------------------------------------------------
  template <mode M>
  static void run(const simd_codec_desc& d, const float* x, const std::uint8_t* cin,
                  std::uint8_t* cout, float* y, std::size_t n) {
    switch (d.family) {
    case simd_family::lattice:
      switch (d.lattice) {
      case simd_lattice::z8:
        return lattice_codec<z8, M>(d, x, cin, cout, y, n);
      case simd_lattice::d4:
        return lattice_codec<d4, M>(d, x, cin, cout, y, n);
      case simd_lattice::e8:
        return lattice_codec<e8, M>(d, x, cin, cout, y, n);
      }
      return;
    case simd_family::lloyd_max:
      return lloyd_codec<M>(d, x, cin, cout, y, n);
    case simd_family::fp8:
      return fp8_any<M>(d, x, cin, cout, y, n);
    case simd_family::ball:
      return ball_any<M>(d, x, cin, cout, y, n);
    }
  }
  static bool supports(const simd_codec_desc& d) noexcept {
    switch (d.family) {
    case simd_family::lattice:
      return d.dim % 8 == 0 && is_hadamard_dim(d.dim);
    case simd_family::lloyd_max:
      return d.table != nullptr && is_hadamard_dim(d.dim);
    case simd_family::fp8:
      return d.block % W == 0 && d.dim % d.block == 0;
    case simd_family::ball:
      return d.ball != nullptr && is_hadamard_dim(d.dim) &&
             (d.ball_blocks == 8 || d.ball_blocks == 16 || d.ball_blocks == 32 ||
              d.ball_blocks == 64) &&
             d.dim % (8 * d.ball_blocks) == 0;
    }
    return false;
  }
  static void encode(const simd_codec_desc& d, const float* x, std::uint8_t* codes, std::size_t n) {
    run<mode::encode>(d, x, nullptr, codes, nullptr, n);
  }
  static void decode(const simd_codec_desc& d, const std::uint8_t* codes, float* y, std::size_t n) {
    run<mode::decode>(d, nullptr, codes, nullptr, y, n);
  }
  static void roundtrip(const simd_codec_desc& d, const float* x, float* y, std::size_t n) {
    run<mode::roundtrip>(d, x, nullptr, nullptr, y, n);
  }
  static bool has_nonfinite(const float* x, std::size_t count) noexcept {
    const bi e(static_cast<std::int32_t>(f32_inf_bits));
    std::size_t i = 0;
    for (; i + 4 * W <= count; i += 4 * W) {
      const bi a0 = as_i(ldu(x + i)) & e, a1 = as_i(ldu(x + i + W)) & e;
      const bi a2 = as_i(ldu(x + i + 2 * W)) & e, a3 = as_i(ldu(x + i + 3 * W)) & e;
      if (xsimd::any((a0 == e) | (a1 == e) | (a2 == e) | (a3 == e))) return true;
    }
    for (; i < count; ++i)
      if ((float_bits(x[i]) & f32_inf_bits) == f32_inf_bits) return true;
    return false;
  }
  /// n blocks of L::dim floats (AoS) through the lane-wise closest point, W blocks at a time.
  template <class L>
  static void closest_blocks(const float* in, float* out, std::size_t n, int q) {
    constexpr std::size_t N = L::dim;
    const bf fq(static_cast<float>(q)), fqm1(static_cast<float>(q) - 1.0f);
    alignas(64) float t[N][W];
    for (std::size_t r0 = 0; r0 < n; r0 += W) {
      const std::size_t rows = std::min(W, n - r0);
      for (std::size_t l = 0; l < W; ++l)
        for (std::size_t k = 0; k < N; ++k) t[k][l] = l < rows ? in[(r0 + l) * N + k] : 0.0f;
      bf y[N], p[N];
      for (std::size_t k = 0; k < N; ++k) y[k] = ld(t[k]);
      if (q == 0)
        closest<L, false>(y, fq, fqm1, p);
      else
        closest<L, true>(y, fq, fqm1, p);
      for (std::size_t k = 0; k < N; ++k) st(t[k], p[k]);
      for (std::size_t l = 0; l < rows; ++l)
        for (std::size_t k = 0; k < N; ++k) out[(r0 + l) * N + k] = t[k][l];
    }
  }
  static void closest_any(simd_lattice l, const float* in, float* out, std::size_t n, int q) {
    switch (l) {
    case simd_lattice::z8:
      return closest_blocks<z8>(in, out, n, q);
    case simd_lattice::d4:
      return closest_blocks<d4>(in, out, n, q);
    case simd_lattice::e8:
      return closest_blocks<e8>(in, out, n, q);
    }
  }
};

template <class A>
isa_table make_table(const char* name) {
  using K = kern<A>;
  return isa_table{name,           K::W,          &K::supports,      &K::encode,
                   &K::decode,     &K::roundtrip, &K::has_nonfinite, &K::hadamard_rows,
                   &K::closest_any};
}

} // namespace kakeya::detail::simd_kernels
