// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file model.hpp
/// The KV write path of DeepSeek-V4-Flash (inference/model.py, prefill), ported to xtensor +
/// OpenBLAS: the sliding-window KV of a ratio-0 layer, and the two compressors (ratio 4 with the
/// overlap transform, ratio 128 without). Everything in float32, like the reference's
/// compressor; sums inside a softmax window and RMSNorm accumulate in double.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <xtensor/xtensor.hpp>

#include "config.hpp"

namespace dsv4 {

using tensor2 = xt::xtensor<float, 2>;
using tensor3 = xt::xtensor<float, 3>;

/// Attention.wkv and Attention.kv_norm of a ratio-0 layer.
struct window_weights {
  tensor2 wkv;             ///< [head_dim, hidden_dim] (PyTorch Linear: [out, in])
  std::vector<float> norm; ///< [head_dim] RMSNorm weight
};

/// Attention.compressor of a ratio-4 (overlap, coff = 2) or ratio-128 (coff = 1) layer.
struct compressor_weights {
  std::size_t ratio = 0;
  bool overlap = false;    ///< ratio == 4
  tensor2 wkv;             ///< [coff·head_dim, hidden_dim]
  tensor2 wgate;           ///< [coff·head_dim, hidden_dim]
  tensor2 ape;             ///< [ratio, coff·head_dim] absolute position embedding of the scores
  std::vector<float> norm; ///< [head_dim] RMSNorm weight
};

/// The weights of the three streams.
struct model_weights {
  window_weights window;
  compressor_weights csa;
  compressor_weights hca;
  std::string source; ///< "seeded Gaussian (seed N)" or the checkpoint path and layer ids
};

/// Seeded Gaussian stand-in weights: wkv and wgate N(0, 1/hidden_dim), APE N(0, 0.02²), RMSNorm
/// weights 1 (V4's initialisation of RMSNorm). Identical on every platform.
model_weights seeded_weights(std::uint64_t seed);

/// Throws std::runtime_error naming the tensor when a shape differs from V4-Flash's.
void check_shapes(const model_weights& w);

/// The three streams of one input: [B, S, 512], [B, S/4, 512], [B, S/128, 512].
struct kv_streams {
  tensor3 window;
  tensor3 csa;
  tensor3 hca;
  [[nodiscard]] const tensor3& get(stream_kind k) const {
    return k == stream_kind::sliding_window ? window : k == stream_kind::csa ? csa : hca;
  }
};

/// Where the projections' matrix products run: OpenBLAS on the CPU, or cuBLAS (FP32 GEMM, no
/// TF32) when the CUDA backend is used. The two differ only by float rounding.
enum class matmul { openblas, cublas };
/// "OpenBLAS" or "cuBLAS".
const char* to_string(matmul m);
/// Whether this build has the cuBLAS path (built with CUDA).
bool cublas_available();

/// Runs the write path on hidden states [B, S, hidden_dim] (S a multiple of 128). Token s of a
/// row sits at position pos0 + s; compressed token j of ratio r at pos0 + r·j.
kv_streams compute_streams(const model_weights& w, const tensor3& hidden, std::size_t pos0 = 0,
                           matmul m = matmul::openblas);

// ---- building blocks (public for the tests) ----

/// out[rows, N] = x[rows, K] · wᵀ for w [N, K] (cblas_sgemm, or cublasSgemm with
/// matmul::cublas). `x`: rows·K floats.
tensor2 project(std::span<const float> x, std::size_t rows, const tensor2& w, matmul m = matmul::openblas);

/// The cuBLAS product of `project` (gemm_cublas.cpp; throws std::runtime_error with CUDA's
/// message on any failure, or when the build has no CUDA).
void project_cublas(const float* x, std::size_t rows, std::size_t k, const float* w, std::size_t n, float* out);

/// RMSNorm of each row of x[rows, dim], in place: x_i ← w_i · (x_i · 1/sqrt(mean(x²) + eps)).
void rms_norm_rows(std::span<float> x, std::size_t dim, std::span<const float> weight, float eps);

/// V4's gated pooling. kv, score: [B, S, coff·d] projections (coff = 2 when `overlap`), ape:
/// [ratio, coff·d]. Score = score + ape (per token within its block). Without overlap,
/// compressed token j is the per-coordinate softmax-weighted sum of the `ratio` tokens of block
/// j. With overlap (V4's overlap_transform) its window is 2·ratio entries: the tokens of block
/// j−1 through columns [0, d) and the tokens of block j through columns [d, 2d); for j = 0 the
/// first half is kv 0 with score −∞. Returns [B, S/ratio, d].
tensor3 gated_pool(const tensor3& kv, const tensor3& score, const tensor2& ape, std::size_t ratio,
                   bool overlap);

/// Applies RoPE to the last rope_dim values of each row of x[B, n, head_dim]; row j of every
/// batch entry at position pos0 + stride·j.
void rope_rows(tensor3& x, std::span<const float> freqs, std::size_t pos0, std::size_t stride);

/// Fills `out` with N(0, std²) values from a counter-based generator keyed by `key`: the same
/// values for every thread count.
void fill_gaussian(std::span<float> out, std::uint64_t key, double std);

/// Runs fn(i) for i in [0, n) on up to hardware_concurrency threads.
void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn);

} // namespace dsv4
