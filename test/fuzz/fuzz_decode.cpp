// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: decode of arbitrary payload bytes with every preset family.
// Input: byte 0 picks the codec (every family, Voronoi codes included), byte 1 the dimension,
// byte 2 the SIMD instruction set; the rest are codes (whole vectors; a partial last one is
// dropped). Checks, beyond the sanitizers:
// - the scalar reference and the chosen SIMD instruction set (or the per-vector code) give the
//   same bits on any bytes (docs/design.md: one arithmetic order), NaN payloads aside;
// - a lattice or Lloyd-Max code whose gain field is finite decodes to values that are not NaN
//   and bounded by |gain| * 8 sqrt(D) (overflowing to Inf only where that bound does).
// The FP8 formula (fp8(code) * scale, bit for bit) is checked in test/unit/codec_test.cpp.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kakeya/codec/any_codec.hpp"
#if KAKEYA_WITH_SIMD
#include "kakeya/backend/simd.hpp"
#endif

namespace {

const char* const specs[] = {
    "d4:q=1",        "d4:q=38",        "d4:q=4095",      "d4:q=30000",
    "e8:q=1",        "e8:q=10",        "e8:q=38",        "e8:q=44",
    "e8:q=45",       "e8:q=152",       "e8:q=1000",      "e8:q=30000",
    "z:q=1",         "z:q=3",          "z:q=38",         "z:q=1000",
    "fp8:block=32",  "fp8:block=64",   "fp8:block=128",  "fp8:block=64,scale=fp32",
    "fp8:block=64,scale=bf16",         "fp8:block=64,scale=ue8m0",
    "fp8:block=32,scale=ue8m0,format=e5m2",              "fp8:block=128,format=e5m2",
    "fp8:block=64,scale=fp32,format=e5m2",               "fp8:block=32,scale=bf16,format=e5m2",
    "lloyd-max:bits=1", "lloyd-max:bits=2", "lloyd-max:bits=3", "lloyd-max:bits=4",
    "lloyd-max:bits=5", "lloyd-max:bits=6", "lloyd-max:bits=7", "lloyd-max:bits=8",
    // Voronoi codes: sanitizers and scalar = SIMD only (their layout has no leading fp32 gain)
    "e8v:rate=1", "e8v:rate=4", "e8v:rate=8", "d4v:rate=3", "d4v:rate=8,dither=7",
    "e8v:rate=2,betas=1/2/4/8",
    // ball codes: also no leading fp32 gain
    "e8b:rate=1", "e8b:rate=4", "e8b:rate=5.6,radius=1.2",
};
constexpr std::size_t n_specs = sizeof specs / sizeof specs[0];
const std::size_t dims[] = {64, 128, 256, 512, 1024};

const kakeya::any_codec* codec_for(std::size_t s, std::size_t d) {
  static std::map<std::pair<std::size_t, std::size_t>, kakeya::any_codec> cache;
  auto key = std::make_pair(s, d);
  auto it = cache.find(key);
  if (it == cache.end()) {
    try {
      it = cache.emplace(key, kakeya::any_codec::make(specs[s], dims[d])).first;
    } catch (const kakeya::error&) {
      return nullptr; // q beyond the lattice's largest box: refused at construction
    }
  }
  return &it->second;
}

std::vector<std::string> isas;

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
#if KAKEYA_WITH_SIMD
  kakeya::set_simd_threads(1);
  isas = kakeya::simd_isas();
#endif
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const kakeya::any_codec* c = codec_for(data[0] % n_specs, data[1] % 5);
  if (c == nullptr) return 0;
  const std::size_t bpv = c->bytes_per_vector(), dim = c->dim();
  const std::size_t n = (size - 3) / bpv;
  if (n == 0) return 0;
  std::span<const std::uint8_t> codes(data + 3, n * bpv);
  std::vector<float> ref(n * dim), got(n * dim);
  c->decode(codes, ref, kakeya::backend::scalar);

  const std::string spec = c->spec();
  // Codecs whose code starts with the fp32 gain G of a rotation of values in [-1, 1]
  // (lattice: p / q) or of Lloyd-Max levels.
  const bool gain_first = spec.rfind("d4:", 0) == 0 || spec.rfind("e8:", 0) == 0 ||
                          spec.rfind("z:", 0) == 0 || spec.rfind("lloyd-max:", 0) == 0;
  for (std::size_t v = 0; v < n; ++v) {
    const std::uint8_t* code = codes.data() + v * bpv;
    if (gain_first) {
      // Gain field: the first 4 bytes, fp32. A finite gain bounds every output.
      float gain;
      std::memcpy(&gain, code, 4);
      if (!std::isfinite(gain)) continue;
      // Decoded values before the gain lie in [-1, 1]-ish boxes (lattice: |p/q| <= 1;
      // Lloyd-Max: |c| < 5 for a unit Gaussian table) and the orthonormal inverse Hadamard
      // grows a coordinate by at most sqrt(D).
      const double bound = std::fabs(double(gain)) * 8.0 * std::sqrt(double(dim)) + 1e-30;
      for (std::size_t j = 0; j < dim; ++j) {
        float y = ref[v * dim + j];
        if (std::isnan(y) || (std::isfinite(y) && std::fabs(double(y)) > bound)) std::abort();
        if (std::isinf(y) && bound < 3.0e38) std::abort();
      }
    }
  }
#if KAKEYA_WITH_SIMD
  if (!isas.empty()) {
    kakeya::set_simd_isa(isas[data[2] % isas.size()]);
    c->decode(codes, got, kakeya::backend::simd);
    // Bit for bit, except that two NaNs count as equal: an FP8 NaN code times a NaN scale
    // keeps the payload of whichever operand the compiler put first (test/simd/simd_test.cpp).
    for (std::size_t i = 0; i < ref.size(); ++i)
      if (std::memcmp(&ref[i], &got[i], 4) != 0 && !(std::isnan(ref[i]) && std::isnan(got[i]))) {
        std::fprintf(stderr, "%s D=%zu isa=%s: value %zu differs: scalar %a, simd %a\n",
                     spec.c_str(), dim, isas[data[2] % isas.size()].c_str(), i, double(ref[i]),
                     double(got[i]));
        std::abort();
      }
  }
#endif
  return 0;
}
