// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private to kernels/cpu: the any_codec models of the presets for one dimension D.
// Each codecs_d<D>.cpp instantiates make_model<D> once.

#include <memory>

#include "kakeya/backend/backend.hpp"
#include "kakeya/backend/scalar.hpp"
#if KAKEYA_WITH_SIMD
#include "kakeya/backend/simd.hpp"
#endif
#if KAKEYA_WITH_CUDA
#include "kakeya/backend/cuda.hpp"
#endif
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/codec/spec.hpp"

namespace kakeya::detail {

[[noreturn]] inline void throw_unavailable(backend b) {
  throw error(errc::backend_unavailable,
              std::string("backend '") + to_string(b) + "' is not built into this library");
}

template <Codec C>
class codec_model final : public any_codec::model {
public:
  explicit codec_model(C c) : c_(std::move(c)) {}
  std::size_t bits_per_vector() const noexcept override { return c_.bits_per_vector(); }
  std::size_t bytes_per_vector() const noexcept override { return c_.bytes_per_vector(); }
  // Each bulk call goes to the backend asked for; the backend header's functions check sizes,
  // finiteness and availability themselves.
  void encode(std::span<const float> x, std::span<std::uint8_t> codes, backend b) const override {
    switch (b) {
#if KAKEYA_WITH_SIMD
    case backend::simd: return kakeya::encode(simd, c_, x, codes);
#endif
#if KAKEYA_WITH_CUDA
    case backend::cuda: return kakeya::encode(cuda_host, c_, x, codes);
#endif
    case backend::scalar: return kakeya::encode(cpu, c_, x, codes);
    default: throw_unavailable(b);
    }
  }
  void decode(std::span<const std::uint8_t> codes, std::span<float> x, backend b) const override {
    switch (b) {
#if KAKEYA_WITH_SIMD
    case backend::simd: return kakeya::decode(simd, c_, codes, x);
#endif
#if KAKEYA_WITH_CUDA
    case backend::cuda: return kakeya::decode(cuda_host, c_, codes, x);
#endif
    case backend::scalar: return kakeya::decode(cpu, c_, codes, x);
    default: throw_unavailable(b);
    }
  }
  void roundtrip(std::span<const float> x, std::span<float> out, backend b) const override {
    switch (b) {
#if KAKEYA_WITH_SIMD
    case backend::simd: return kakeya::roundtrip(simd, c_, x, out);
#endif
#if KAKEYA_WITH_CUDA
    case backend::cuda: return kakeya::roundtrip(cuda_host, c_, x, out);
#endif
    case backend::scalar: return kakeya::roundtrip(cpu, c_, x, out);
    default: throw_unavailable(b);
    }
  }

private:
  C c_;
};

template <Codec C>
std::shared_ptr<const any_codec::model> wrap(C c) {
  return std::make_shared<codec_model<C>>(std::move(c));
}

template <std::size_t D, class Fp8, std::size_t Block>
std::shared_ptr<const any_codec::model> make_fp8(const codec_spec& s) {
  if (s.scale == "fp32") return wrap(fp8_codec<D, Fp8, Block, fp32>{});
  if (s.scale == "bf16") return wrap(fp8_codec<D, Fp8, Block, bf16>{});
  if (s.scale == "ue8m0") return wrap(fp8_codec<D, Fp8, Block, ue8m0>{});
  return wrap(fp8_codec<D, Fp8, Block, fp16>{});
}

template <std::size_t D, class Fp8>
std::shared_ptr<const any_codec::model> make_fp8(const codec_spec& s) {
  if constexpr (D % 32 == 0) {
    if (s.block == 32) return make_fp8<D, Fp8, 32>(s);
  }
  if constexpr (D % 64 == 0) {
    if (s.block == 64) return make_fp8<D, Fp8, 64>(s);
  }
  if constexpr (D % 128 == 0) {
    if (s.block == 128) return make_fp8<D, Fp8, 128>(s);
  }
  throw error(errc::invalid_dimension, "codec " + s.canonical() + ": dimension " + std::to_string(D) +
                                           " is not a multiple of the block " + std::to_string(s.block));
}

/// The model of spec `s` for dimension D (the spec already parsed and range-checked).
template <std::size_t D>
std::shared_ptr<const any_codec::model> make_model(const codec_spec& s) {
  if (s.family == "d4") return wrap(make_kakeya<D, d4>(s.q, s.passes));
  if (s.family == "e8") return wrap(make_kakeya<D, e8>(s.q, s.passes));
  if (s.family == "z") return wrap(make_kakeya<D, z8>(s.q, s.passes));
  if (s.family == "lloyd-max") return wrap(make_lloyd_max<D>(s.bits));
  if (s.family == "e8v") return wrap(make_voronoi_q<D, e8, 1>(s.q, s.betas, s.dither, s.budget, s.look_ahead));
  if (s.family == "d4v") return wrap(make_voronoi_q<D, d4, 2>(s.q, s.betas, s.dither, s.budget, s.look_ahead));
  if (s.family == "e8b") return wrap(make_ball<D, e8>(s.ball_rate, s.radius));
  if (s.format == "e5m2") return make_fp8<D, fp8_e5m2>(s);
  return make_fp8<D, fp8_e4m3>(s);
}

#define KAKEYA_DECLARE_CODEC_DIM(D)                                                             \
  extern template std::shared_ptr<const any_codec::model> make_model<D>(const codec_spec&);
KAKEYA_DECLARE_CODEC_DIM(64)
KAKEYA_DECLARE_CODEC_DIM(128)
KAKEYA_DECLARE_CODEC_DIM(256)
KAKEYA_DECLARE_CODEC_DIM(512)
KAKEYA_DECLARE_CODEC_DIM(1024)
#undef KAKEYA_DECLARE_CODEC_DIM

} // namespace kakeya::detail
