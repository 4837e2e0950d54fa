// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file simd.hpp
/// The SIMD CPU backend: bulk encode / decode / roundtrip on every core, through xsimd kernels
/// compiled once per instruction set (AVX-512, AVX2, SSE4.2) and chosen at run time:
///   kakeya::encode(kakeya::simd, codec, x, codes);
///   kakeya::encode(kakeya::simd_t{.threads = 1}, codec, x, codes);   // one thread
/// Results are bit-identical to the scalar backend (backend/scalar.hpp) on every input, for any
/// thread count and instruction set: the kernels put different vectors in different lanes and
/// perform, in every lane, the per-vector code's operations in its order (docs/design.md,
/// "Backends"). No xsimd header is included here; the kernels live in kernels/simd/.
///
/// Which codecs get SIMD kernels: the preset shapes (presets.hpp) for any dimension —
/// KakeyaLattice codecs over z8, d4 and e8 (static or run-time q), `lloyd_max_codec<D>`,
/// `fp8_codec<D, F, B, S>` (B a multiple of the vector width) and the E8 ball codecs
/// `ball_codec<D, e8, K>` (`e8b`; the stages lane-wise, each vector's overload search with its
/// closest points lane-wise over the ball's blocks, the rank per vector). Any other codec (a user's
/// own composition) runs the per-vector reference code, split over the threads: the same bits,
/// fewer vectors per second.
///
/// Instruction set: the best one the CPU has, unless pinned by `set_simd_isa` or the
/// environment variable KAKEYA_SIMD_ISA ("avx512", "avx2", "sse4", "generic"; "auto").
/// Threads: `simd_t::threads`, else `set_simd_threads`, else KAKEYA_THREADS, else every core.
///
/// Thread safety: bulk calls may be made from several threads at once, with one shared codec
/// object. What they share: the process-wide worker pool (one bulk call uses it at a time; a call
/// made while it is busy runs on its own calling thread, with the same results), the chosen
/// instruction set and the default thread count (atomics: set_simd_isa / set_simd_threads may
/// be called at any time and take effect from the next bulk call), and nothing else; scratch
/// buffers are per thread. Tested in test/unit/concurrency_test.cpp.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kakeya/backend/scalar.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/core/concepts.hpp"
#include "kakeya/core/error.hpp"

namespace kakeya {

/// Tag of the SIMD CPU backend.
struct simd_t {
  /// Threads of a bulk call: 0 means the process default (set_simd_threads, KAKEYA_THREADS,
  /// or every core). The output does not depend on it.
  unsigned threads = 0;
};
inline constexpr simd_t simd{};

/// The instruction sets compiled into this build that this CPU can run, best first, ending
/// with "generic" (the per-vector reference code, multi-threaded), e.g. {"avx512", "avx2",
/// "sse4", "generic"}.
std::vector<std::string> simd_isas();
/// The instruction set the next bulk call uses, e.g. "avx512".
/// @throws kakeya::error (errc::invalid_argument) when KAKEYA_SIMD_ISA names an unknown or
/// unsupported instruction set and no set_simd_isa call overrides it.
std::string simd_isa_name();
/// Pins the instruction set of later bulk calls (process-wide): one of simd_isas(), or "auto"
/// for the best one. Overrides KAKEYA_SIMD_ISA.
/// @throws kakeya::error errc::invalid_argument (unknown name), errc::backend_unavailable
/// (compiled out, or the CPU lacks it)
void set_simd_isa(std::string_view name);
/// Sets the process-wide default thread count of bulk calls; 0 restores the default
/// (KAKEYA_THREADS, else std::thread::hardware_concurrency()).
void set_simd_threads(unsigned n);
/// The thread count a bulk call with simd_t::threads == 0 uses.
unsigned simd_threads();

namespace detail {

enum class simd_family : std::uint8_t { lattice, lloyd_max, fp8, ball };
enum class simd_lattice : std::uint8_t { z8, d4, e8 };
enum class simd_fp8 : std::uint8_t { e4m3, e5m2 };
enum class simd_scale : std::uint8_t { fp32, fp16, bf16, ue8m0 };

/// A preset-shaped codec described at run time, for the compiled kernels.
struct simd_codec_desc {
  simd_family family = simd_family::lattice;
  std::size_t dim = 0;
  std::size_t bytes_per_vector = 0;
  // lattice codecs
  simd_lattice lattice = simd_lattice::e8;
  int q = 0;
  int passes = 0;
  int index_bits = 0;
  // lloyd-max
  const lloyd_max* table = nullptr;
  int bits = 0;
  // fp8
  simd_fp8 element = simd_fp8::e4m3;
  simd_scale scale = simd_scale::fp32;
  std::size_t block = 0;
  // ball codes: the ball_block_ref<e8, ball_blocks> of the codec
  const void* ball = nullptr;
  std::size_t ball_blocks = 0;
};

template <class L>
inline constexpr bool simd_lattice_known =
    std::is_same_v<L, z8> || std::is_same_v<L, d4> || std::is_same_v<L, e8>;
template <class L>
constexpr simd_lattice simd_lattice_of() noexcept {
  if constexpr (std::is_same_v<L, z8>)
    return simd_lattice::z8;
  else if constexpr (std::is_same_v<L, d4>)
    return simd_lattice::d4;
  else
    return simd_lattice::e8;
}
template <class S>
constexpr simd_scale simd_scale_of() noexcept {
  if constexpr (std::is_same_v<S, fp32>)
    return simd_scale::fp32;
  else if constexpr (std::is_same_v<S, fp16>)
    return simd_scale::fp16;
  else if constexpr (std::is_same_v<S, bf16>)
    return simd_scale::bf16;
  else
    return simd_scale::ue8m0;
}

/// Which codecs have compiled kernels: the preset shapes. `known` is false for the others.
template <class C>
struct simd_shape {
  static constexpr bool known = false;
};
template <std::size_t D, class L, int Q>
requires simd_lattice_known<L>
struct simd_shape<
    codec<D, lattice_block<truncated<L, Q>>, pow2_scale, hadamard<D>, absmax, refine_gain>> {
  static constexpr bool known = true;
  template <class C>
  static simd_codec_desc describe(const C& c) noexcept {
    simd_codec_desc d;
    d.family = simd_family::lattice;
    d.dim = D;
    d.bytes_per_vector = c.bytes_per_vector();
    d.lattice = simd_lattice_of<L>();
    d.q = c.quantiser().codebook_ref().q();
    d.passes = std::get<refine_gain>(c.stages()).passes();
    d.index_bits = static_cast<int>(c.quantiser().bits());
    return d;
  }
};
template <std::size_t D>
struct simd_shape<codec<D, scalar_block<lloyd_max>, unit_norm, hadamard<D>>> {
  static constexpr bool known = true;
  template <class C>
  static simd_codec_desc describe(const C& c) noexcept {
    simd_codec_desc d;
    d.family = simd_family::lloyd_max;
    d.dim = D;
    d.bytes_per_vector = c.bytes_per_vector();
    d.table = &c.quantiser().s;
    d.bits = c.quantiser().s.bits();
    return d;
  }
};
template <std::size_t D, class F, std::size_t B, class S>
requires((std::is_same_v<F, fp8_e4m3> || std::is_same_v<F, fp8_e5m2>)&&(
    std::is_same_v<S, fp32> || std::is_same_v<S, fp16> || std::is_same_v<S, bf16> ||
    std::is_same_v<S, ue8m0>)) struct simd_shape<codec<D, fp8_blocks<fp8_block<F, B, S>>>> {
  static constexpr bool known = true;
  template <class C>
  static simd_codec_desc describe(const C& c) noexcept {
    simd_codec_desc d;
    d.family = simd_family::fp8;
    d.dim = D;
    d.bytes_per_vector = c.bytes_per_vector();
    d.element = std::is_same_v<F, fp8_e4m3> ? simd_fp8::e4m3 : simd_fp8::e5m2;
    d.scale = simd_scale_of<S>();
    d.block = B;
    return d;
  }
};

template <std::size_t D, std::size_t K>
struct simd_shape<ball_codec<D, e8, K>> {
  static constexpr bool known = true;
  template <class C>
  static simd_codec_desc describe(const C& c) noexcept {
    simd_codec_desc d;
    d.family = simd_family::ball;
    d.dim = D;
    d.bytes_per_vector = c.bytes_per_vector();
    d.ball = c.quantiser().bits() > 0 ? &c.quantiser().ref() : nullptr; // an empty ball: no kernel
    d.ball_blocks = K;
    return d;
  }
};

// Defined in kernels/simd/dispatch.cpp. Each returns false (and does nothing) when the current
// instruction set has no kernel for `d` (the caller then runs the per-vector code).
bool simd_encode(const simd_codec_desc& d, const float* x, std::uint8_t* codes, std::size_t n,
                 unsigned threads);
bool simd_decode(const simd_codec_desc& d, const std::uint8_t* codes, float* x, std::size_t n,
                 unsigned threads);
bool simd_roundtrip(const simd_codec_desc& d, const float* x, float* out, std::size_t n,
                    unsigned threads);
/// Whether the current instruction set has a kernel for d.
bool simd_supports(const simd_codec_desc& d);
/// True when some value of x[0, count) is NaN or infinite (a SIMD scan).
bool simd_has_nonfinite(const float* x, std::size_t count, unsigned threads);
/// Runs fn(ctx, begin, end) over contiguous ranges that cover [0, n), in parallel; `grain` is
/// the smallest range worth a thread. fn must not throw.
using simd_range_fn = void (*)(void* ctx, std::size_t begin, std::size_t end);
void simd_parallel_for(std::size_t n, std::size_t grain, unsigned threads, simd_range_fn fn,
                       void* ctx);
void simd_hadamard_rows(float* x, std::size_t n, std::size_t dim, unsigned threads);
void simd_closest_points(simd_lattice l, const float* in, float* out, std::size_t blocks, int q,
                         unsigned threads);

/// The per-vector reference code of any codec, split over the threads.
template <class F>
void simd_for_each_vector(std::size_t n, unsigned threads, F&& f) {
  auto body = [](void* ctx, std::size_t b, std::size_t e) {
    F& fn = *static_cast<std::remove_reference_t<F>*>(ctx);
    for (std::size_t i = b; i < e; ++i) fn(i);
  };
  simd_parallel_for(n, 16, threads, body, const_cast<void*>(static_cast<const void*>(&f)));
}

inline void simd_require_finite(std::span<const float> x, std::size_t dim, unsigned threads) {
  if (simd_has_nonfinite(x.data(), x.size(), threads)) require_finite_rows(x, dim);
}

} // namespace detail

/// Whether bulk calls with `c` run a compiled SIMD kernel on the current instruction set;
/// false: they run the per-vector reference code on every thread (same bits, slower).
template <Codec C>
bool simd_has_kernel(const C& c) {
  if constexpr (detail::simd_shape<C>::known)
    return detail::simd_supports(detail::simd_shape<C>::describe(c));
  else
    return false;
}

/// Encodes n = x.size() / C::dim vectors on every core.
/// @param x     n * C::dim finite floats, row major
/// @param codes n * c.bytes_per_vector() bytes
/// @throws kakeya::error errc::invalid_dimension (sizes), errc::non_finite_input (NaN/Inf,
/// naming the first one's row and column; nothing is written then)
template <Codec C>
void encode(simd_t s, const C& c, std::span<const float> x, std::span<std::uint8_t> codes) {
  detail::check_bulk(x.size(), C::dim, codes.size(), c.bytes_per_vector(), "encode");
  detail::simd_require_finite(x, C::dim, s.threads);
  const std::size_t n = x.size() / C::dim, bpv = c.bytes_per_vector();
  if constexpr (detail::simd_shape<C>::known) {
    if (detail::simd_encode(detail::simd_shape<C>::describe(c), x.data(), codes.data(), n,
                            s.threads))
      return;
  }
  detail::simd_for_each_vector(n, s.threads, [&](std::size_t i) {
    c.encode(std::span<const float, C::dim>(x.data() + i * C::dim, C::dim), codes.data() + i * bpv);
  });
}

/// Decodes n = codes.size() / c.bytes_per_vector() vectors on every core.
/// @param codes n * c.bytes_per_vector() bytes (any bytes: see docs/code_layout.md)
/// @param x     n * C::dim floats
template <Codec C>
void decode(simd_t s, const C& c, std::span<const std::uint8_t> codes, std::span<float> x) {
  detail::check_bulk(x.size(), C::dim, codes.size(), c.bytes_per_vector(), "decode");
  const std::size_t n = x.size() / C::dim, bpv = c.bytes_per_vector();
  if constexpr (detail::simd_shape<C>::known) {
    if (detail::simd_decode(detail::simd_shape<C>::describe(c), codes.data(), x.data(), n,
                            s.threads))
      return;
  }
  detail::simd_for_each_vector(n, s.threads, [&](std::size_t i) {
    c.decode(codes.data() + i * bpv, std::span<float, C::dim>(x.data() + i * C::dim, C::dim));
  });
}

/// decode(encode(x)) for n vectors, bit for bit, without materialising the codes.
/// @param x, out n * C::dim floats (x finite)
template <Codec C>
void roundtrip(simd_t s, const C& c, std::span<const float> x, std::span<float> out) {
  require(x.size() == out.size() && x.size() % C::dim == 0, errc::invalid_dimension,
          "roundtrip: " + std::to_string(x.size()) + " input and " + std::to_string(out.size()) +
              " output values for dimension " + std::to_string(C::dim));
  detail::simd_require_finite(x, C::dim, s.threads);
  const std::size_t n = x.size() / C::dim;
  if constexpr (detail::simd_shape<C>::known) {
    if (detail::simd_roundtrip(detail::simd_shape<C>::describe(c), x.data(), out.data(), n,
                               s.threads))
      return;
  }
  detail::simd_for_each_vector(n, s.threads, [&](std::size_t i) {
    c.roundtrip(std::span<const float, C::dim>(x.data() + i * C::dim, C::dim),
                std::span<float, C::dim>(out.data() + i * C::dim, C::dim));
  });
}

/// The orthonormal Hadamard transform of every row, in place, bit-identical to
/// `hadamard<dim>::forward` on each row.
/// @param rows n * dim floats, row major
/// @param dim  a power of two in [2, 32768]
/// @throws kakeya::error (errc::invalid_dimension) for another dim or a size that is not whole
/// rows
void hadamard_transform(simd_t s, std::span<float> rows, std::size_t dim);

/// Closest points of n blocks of L::dim floats, bit-identical to L::closest_point (no q) or
/// L::box_closest_point (with q) on each block. L is z8, d4 or e8 (compiled kernels) or any
/// TruncatableLattice (the per-block reference code, multi-threaded).
/// @param in, out n * L::dim floats (may be the same array)
/// @throws kakeya::error errc::invalid_dimension (sizes), errc::invalid_argument (q outside
/// [1, L::max_box_q])
template <TruncatableLattice L>
void closest_points(simd_t s, std::span<const float> in, std::span<float> out, int q = 0) {
  require(in.size() == out.size() && in.size() % L::dim == 0, errc::invalid_dimension,
          "closest_points: " + std::to_string(in.size()) + " input and " +
              std::to_string(out.size()) + " output values for blocks of " +
              std::to_string(L::dim));
  require(q == 0 || (q >= 1 && q <= L::max_box_q), errc::invalid_argument,
          "closest_points: q = " + std::to_string(q) + " is out of range (1 <= q <= " +
              std::to_string(L::max_box_q) + ", or 0 for the unbounded lattice)");
  const std::size_t n = in.size() / L::dim;
  if constexpr (detail::simd_lattice_known<L>) {
    detail::simd_closest_points(detail::simd_lattice_of<L>(), in.data(), out.data(), n, q,
                                s.threads);
  } else {
    detail::simd_for_each_vector(n, s.threads, [&](std::size_t i) {
      std::span<const float, L::dim> y(in.data() + i * L::dim, L::dim);
      std::span<float, L::dim> o(out.data() + i * L::dim, L::dim);
      if (q == 0)
        L::closest_point(y, o);
      else
        L::box_closest_point(y, q, o);
    });
  }
}

} // namespace kakeya
