// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file cuda.hpp
/// The CUDA backend's host API (no CUDA header is included: streams travel as `void*`).
///
/// Device pointers and a stream, nothing hidden: every call enqueues its kernel on the stream
/// and returns without synchronising; errors of the launch are thrown as
/// kakeya::error(errc::device_error) with CUDA's message.
///
///   kakeya::encode(kakeya::cuda_t{stream}, codec, d_x, kakeya::element_type::bf16, n, d_codes);
///
/// The convenience tag `cuda_host` takes host arrays (copies in, runs, copies out, synchronises)
/// and checks sizes and NaN/Inf exactly like the scalar backend.
///
/// Results are bit-identical to the scalar backend: the kernels run the same per-vector code
/// (codec.hpp), compiled by nvcc with `--fmad=false`. The templates are instantiated in
/// kernels/cuda/ for every type of `preset_types<D>` (codec/preset_types.hpp); to run a codec
/// of your own, instantiate it in a .cu file of yours with kernels/cuda/codec_kernels.cuh.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "kakeya/core/concepts.hpp"

namespace kakeya {

/// Number of CUDA devices (0 when there is none or no driver).
int cuda_device_count() noexcept;
/// A sentence describing the CUDA device or why there is none.
std::string cuda_status();

/// The element type of a device array of vectors.
enum class element_type { f32, f16, bf16 };

/// Tag of the CUDA backend on device arrays; `stream` is a `cudaStream_t` (nullptr: the
/// default stream).
struct cuda_t {
  void* stream = nullptr;
};

/// Tag of the CUDA backend on host arrays (synchronous convenience path).
struct cuda_host_t {};
inline constexpr cuda_host_t cuda_host{};

/// Encodes n vectors on the GPU.
/// @param d_x     device array of n * C::dim elements of type `type`, finite
/// @param d_codes device array of n * c.bytes_per_vector() bytes
template <Codec C>
void encode(cuda_t s, const C& c, const void* d_x, element_type type, std::size_t n,
            std::uint8_t* d_codes);
/// Decodes n vectors on the GPU.
/// @param d_codes device array of n * c.bytes_per_vector() bytes
/// @param d_x     device array of n * C::dim elements of type `type` (fp16/bf16 outputs are
///                rounded to nearest even from the float result)
template <Codec C>
void decode(cuda_t s, const C& c, const std::uint8_t* d_codes, std::size_t n, void* d_x,
            element_type type);

/// Host arrays: x is n * C::dim finite floats, codes n * c.bytes_per_vector() bytes.
template <Codec C>
void encode(cuda_host_t, const C& c, std::span<const float> x, std::span<std::uint8_t> codes);
/// Host arrays: codes n * c.bytes_per_vector() bytes, x n * C::dim floats.
template <Codec C>
void decode(cuda_host_t, const C& c, std::span<const std::uint8_t> codes, std::span<float> x);
/// Host arrays: decode(encode(x)) on the GPU; x and out n * C::dim floats.
template <Codec C>
void roundtrip(cuda_host_t, const C& c, std::span<const float> x, std::span<float> out);

/// Batched primitives on device arrays (asynchronous on the stream).
namespace cuda_primitives {
/// Orthonormal Hadamard transform of `rows` rows of `dim` floats in place (dim a power of two
/// in [2, 32768]); with seed != 0 the randomised rotation H diag(s) / sqrt(dim) of
/// sign_flip.hpp (inverse = false) or its inverse (inverse = true).
void hadamard(cuda_t s, float* d_x, std::size_t rows, std::size_t dim, std::uint64_t seed = 0,
              bool inverse = false);
/// FP8 e4m3 block quantisation with ue8m0 scales (DeepSeek's cache format) of n blocks of 64
/// floats: d_codes n * 64 bytes, d_scales n bytes.
void fp8_e4m3_ue8m0_blocks64(cuda_t s, const float* d_x, std::size_t n, std::uint8_t* d_codes,
                             std::uint8_t* d_scales);
/// Closest points of E8 ∩ [-q, q]^8 (q >= 1) or of E8 (q = 0) for n blocks of 8 floats.
void e8_closest_points(cuda_t s, const float* d_y, std::size_t n, int q, float* d_out);
} // namespace cuda_primitives

} // namespace kakeya
