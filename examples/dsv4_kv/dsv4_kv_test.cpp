// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Tests of the DeepSeek-V4 KV example: the write path against hand-checked cases and a literal
// transcription of the reference's tensor operations, the V4 cache format against the library's
// FP8 block quantiser and an independent DeepSeek act_quant, the audit on known distributions,
// Student-t intervals against tables, the safetensors loader on files written here.
#define BOOST_TEST_MODULE dsv4_kv
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "audit.hpp"
#include "evaluate.hpp"
#include "inputs.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/io/npy.hpp"
#include "model.hpp"
#include "report.hpp"
#include "rope.hpp"
#include "run.hpp"
#include "safetensors.hpp"
#include "stats.hpp"
#include "v4_cache.hpp"

using namespace dsv4;
namespace fs = std::filesystem;

namespace {

bool close_rel(double a, double b, double tol) {
  return std::fabs(a - b) <= tol * std::max(std::fabs(a), std::fabs(b));
}

tensor3 random_tensor(std::size_t b, std::size_t s, std::size_t d, std::uint64_t seed) {
  tensor3 t = tensor3::from_shape({b, s, d});
  fill_gaussian({t.data(), t.size()}, seed, 1.0);
  return t;
}

const model_weights& shared_weights() {
  static const model_weights w = seeded_weights(7);
  return w;
}

/// A fresh temporary folder, removed at the end of the test.
struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() /
           ("dsv4_kv_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  static int& counter() {
    static int c = 0;
    return c;
  }
};

} // namespace

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(write_path)

BOOST_AUTO_TEST_CASE(stream_shapes) {
  const tensor3 x = random_tensor(2, 256, hidden_dim, 1);
  const kv_streams s = compute_streams(shared_weights(), x);
  BOOST_TEST((s.window.shape() == std::array<std::size_t, 3>{2, 256, 512}));
  BOOST_TEST((s.csa.shape() == std::array<std::size_t, 3>{2, 64, 512}));
  BOOST_TEST((s.hca.shape() == std::array<std::size_t, 3>{2, 2, 512}));
  BOOST_CHECK_THROW(compute_streams(shared_weights(), random_tensor(1, 200, hidden_dim, 1)),
                    std::invalid_argument);
  check_shapes(shared_weights()); // the stand-in has V4-Flash's shapes
  BOOST_TEST(shared_weights().csa.wkv.shape(0) == 1024u);
  BOOST_TEST(shared_weights().hca.ape.shape(0) == 128u);
}

BOOST_AUTO_TEST_CASE(window_stream_is_projection_norm_rope) {
  // Recompute token (1, 5) by hand: wkv row dot products, RMSNorm, RoPE at position 5.
  const model_weights& w = shared_weights();
  const tensor3 x = random_tensor(2, 128, hidden_dim, 3);
  const kv_streams s = compute_streams(w, x, 0);
  std::vector<double> v(head_dim);
  double ss = 0;
  for (std::size_t o = 0; o < head_dim; ++o) {
    double acc = 0;
    for (std::size_t i = 0; i < hidden_dim; ++i) acc += double(w.window.wkv(o, i)) * x(1, 5, i);
    v[o] = acc;
    ss += acc * acc;
  }
  const double inv = 1.0 / std::sqrt(ss / head_dim + 1e-6);
  for (auto& e : v) e *= inv;
  const auto f = rope_frequencies(rope_dim, rope_theta, 128, nullptr);
  for (std::size_t i = 0; i < rope_dim / 2; ++i) {
    const double a = 5.0 * f[i], re = v[nope_dim + 2 * i], im = v[nope_dim + 2 * i + 1];
    v[nope_dim + 2 * i] = re * std::cos(a) - im * std::sin(a);
    v[nope_dim + 2 * i + 1] = re * std::sin(a) + im * std::cos(a);
  }
  for (std::size_t o = 0; o < head_dim; ++o) BOOST_TEST(std::fabs(s.window(1, 5, o) - v[o]) < 2e-5);
}

BOOST_AUTO_TEST_CASE(rope_touches_only_last_64_and_preserves_norms) {
  tensor3 x = random_tensor(2, 40, head_dim, 11);
  const tensor3 before = x;
  const auto f = rope_frequencies(rope_dim, compress_rope_theta, 1 << 20, nullptr);
  rope_rows(x, f, 1000, 4);
  for (std::size_t b = 0; b < 2; ++b)
    for (std::size_t j = 0; j < 40; ++j) {
      for (std::size_t i = 0; i < nope_dim; ++i) BOOST_REQUIRE(x(b, j, i) == before(b, j, i));
      bool changed = false;
      for (std::size_t i = 0; i < rope_dim / 2; ++i) {
        // Every complex pair (2i, 2i+1) keeps its modulus.
        const double r0 =
            std::hypot(before(b, j, nope_dim + 2 * i), before(b, j, nope_dim + 2 * i + 1));
        const double r1 = std::hypot(x(b, j, nope_dim + 2 * i), x(b, j, nope_dim + 2 * i + 1));
        BOOST_REQUIRE(std::fabs(r0 - r1) <= 1e-6 * std::max(1.0, r0));
        changed = changed || x(b, j, nope_dim + 2 * i) != before(b, j, nope_dim + 2 * i);
      }
      BOOST_TEST(changed);
    }
  // Adjacent pairing (V4's view_as_complex), not the half-split convention: (1, 0) with f_0 = 1
  // at position 1 becomes (cos 1, sin 1) in the same two slots.
  std::vector<float> v(rope_dim, 0.0f);
  v[0] = 1.0f;
  apply_rope(v, f, 1);
  BOOST_TEST(std::fabs(v[0] - std::cos(1.0)) < 1e-7);
  BOOST_TEST(std::fabs(v[1] - std::sin(1.0)) < 1e-7);
  for (std::size_t i = 2; i < rope_dim; ++i) BOOST_TEST(v[i] == 0.0f);
  // Position 0 is the identity, exactly.
  std::vector<float> u(rope_dim);
  for (std::size_t i = 0; i < rope_dim; ++i) u[i] = 0.1f * float(i) - 2.0f;
  const auto u0 = u;
  apply_rope(u, f, 0);
  BOOST_TEST(u == u0);
}

BOOST_AUTO_TEST_CASE(rope_and_yarn_frequencies_hand_computed) {
  // θ = 10000: f_i = 10000^(-i/32).
  const auto f = rope_frequencies(64, rope_theta, 4096, nullptr);
  BOOST_TEST(f.size() == 32u);
  BOOST_TEST(f[0] == 1.0f);
  BOOST_TEST(close_rel(f[1], 0.7498942093324559, 1e-6));
  BOOST_TEST(close_rel(f[31], 1.333521432163324e-4, 1e-6));
  // YaRN range for dim 64, θ = 160000, original 65536, β 32 / 1:
  // 64·ln(65536/(32·2π))/(2 ln 160000) = 15.4533 → 15; 64·ln(65536/2π)/(2 ln 160000) = 24.7084
  // → 25.
  const yarn_config y;
  const yarn_range r = yarn_correction_range(64, compress_rope_theta, y);
  BOOST_TEST(r.low == 15);
  BOOST_TEST(r.high == 25);
  // Inactive up to the original length, active beyond it.
  const auto off = rope_frequencies(64, compress_rope_theta, 65536, &y);
  const auto on = rope_frequencies(64, compress_rope_theta, 65537, &y);
  BOOST_TEST(close_rel(off[31], 9.088846459055961e-06, 1e-6));
  // f_i·(1 − s)/16 + f_i·s with s = 1 − clamp((i − 15)/10, 0, 1):
  const double want[][2] = {{0, 1.0},
                            {10, 0.023643540225079394},   // below the ramp: unchanged
                            {15, 0.003635538583622384},   // ramp start: unchanged
                            {16, 0.0022656250000000003},  // 0.0025 · (0.1/16 + 0.9)
                            {20, 0.00029697777826169085}, // f · (0.5/16 + 0.5)
                            {24, 1.9531249999999997e-05}, // 0.000125 · (0.9/16 + 0.1)
                            {25, 5.372312671356501e-06},  // f/16
                            {31, 5.680529036909976e-07}}; // f/16
  for (const auto& [i, v] : want) BOOST_TEST(close_rel(on[std::size_t(i)], v, 2e-6), "i = " << i);
  for (std::size_t i = 0; i < 32; ++i)
    BOOST_TEST(off[i] == rope_frequencies(64, compress_rope_theta, 100, &y)[i]);
}

BOOST_AUTO_TEST_CASE(pooling_without_overlap_hand_checked) {
  // ratio 2, d = 2: per-coordinate softmax over the block's 2 tokens, score + APE.
  tensor3 kv = tensor3::from_shape({1, 4, 2}), score = tensor3::from_shape({1, 4, 2});
  const float vals[4][2] = {{1, 1}, {3, 3}, {5, 7}, {9, 11}};
  for (std::size_t t = 0; t < 4; ++t)
    for (std::size_t c = 0; c < 2; ++c) kv(0, t, c) = vals[t][c], score(0, t, c) = 0.0f;
  score(0, 0, 1) = std::log(3.0f); // coordinate 1 of token 0 weighs 3
  tensor2 ape = tensor2::from_shape({2, 2});
  ape.fill(0.0f);
  ape(1, 0) = std::log(3.0f); // token 1 of every block, coordinate 0, weighs 3
  const tensor3 out = gated_pool(kv, score, ape, 2, false);
  BOOST_TEST((out.shape() == std::array<std::size_t, 3>{1, 2, 2}));
  BOOST_TEST(close_rel(out(0, 0, 0), (1.0 + 3 * 3.0) / 4, 1e-6));
  BOOST_TEST(close_rel(out(0, 0, 1), (3 * 1.0 + 3.0) / 4, 1e-6));
  BOOST_TEST(close_rel(out(0, 1, 0), (5.0 + 3 * 9.0) / 4, 1e-6));
  BOOST_TEST(close_rel(out(0, 1, 1), (7.0 + 11.0) / 2, 1e-6));
}

BOOST_AUTO_TEST_CASE(overlap_transform_hand_checked) {
  // ratio 2, d = 1, width 2: token t has kv (first column, last column).
  tensor3 kv = tensor3::from_shape({1, 4, 2}), score = tensor3::from_shape({1, 4, 2});
  const float cols[4][2] = {{10, 1}, {20, 2}, {30, 3}, {40, 4}};
  for (std::size_t t = 0; t < 4; ++t) kv(0, t, 0) = cols[t][0], kv(0, t, 1) = cols[t][1];
  score.fill(0.0f);
  tensor2 ape = tensor2::from_shape({2, 2});
  ape.fill(0.0f);
  {
    const tensor3 out = gated_pool(kv, score, ape, 2, true);
    BOOST_TEST((out.shape() == std::array<std::size_t, 3>{1, 2, 1}));
    // j = 0: only block 0 through the last column (the missing half has score −∞): (1 + 2)/2.
    BOOST_TEST(close_rel(out(0, 0, 0), 1.5, 1e-6));
    // j = 1: block 0 through the first column (10, 20), block 1 through the last (3, 4).
    BOOST_TEST(close_rel(out(0, 1, 0), (10 + 20 + 3 + 4) / 4.0, 1e-6));
  }
  // APE rows are the token's place in its block; columns [0, d) serve the previous block's
  // half, [d, 2d) the current block's.
  ape(0, 0) = std::log(3.0f);
  ape(1, 1) = std::log(2.0f);
  const tensor3 out = gated_pool(kv, score, ape, 2, true);
  BOOST_TEST(close_rel(out(0, 0, 0), (1.0 + 2 * 2.0) / 3, 1e-6));
  BOOST_TEST(close_rel(out(0, 1, 0), (3 * 10.0 + 20 + 3 + 2 * 4.0) / 7, 1e-6));
}

BOOST_AUTO_TEST_CASE(pooling_equals_literal_reference_transcription) {
  // The reference's tensor steps written out literally: unflatten into blocks, score += ape,
  // overlap_transform (new [b, n, 2r, d] filled with 0 / −∞; [:, :, r:] = t[:, :, :, d:];
  // [:, 1:, :r] = t[:, :-1, :, :d]), softmax over dim 2, weighted sum.
  for (bool overlap : {false, true}) {
    const std::size_t b = 2, ratio = 4, n = 5, d = 3, coff = overlap ? 2 : 1, s = n * ratio;
    const tensor3 kv = random_tensor(b, s, coff * d, 21);
    const tensor3 score = random_tensor(b, s, coff * d, 22);
    tensor2 ape = tensor2::from_shape({ratio, coff * d});
    fill_gaussian({ape.data(), ape.size()}, 23, 0.5);
    const tensor3 got = gated_pool(kv, score, ape, ratio, overlap);
    const std::size_t win = overlap ? 2 * ratio : ratio;
    for (std::size_t bi = 0; bi < b; ++bi)
      for (std::size_t j = 0; j < n; ++j)
        for (std::size_t c = 0; c < d; ++c) {
          std::vector<double> tk(win, 0.0), ts(win, -INFINITY);
          for (std::size_t r = 0; r < ratio; ++r) {
            if (!overlap) {
              tk[r] = kv(bi, j * ratio + r, c);
              ts[r] = score(bi, j * ratio + r, c) + ape(r, c);
              continue;
            }
            tk[ratio + r] = kv(bi, j * ratio + r, d + c);
            ts[ratio + r] = score(bi, j * ratio + r, d + c) + ape(r, d + c);
            if (j > 0) {
              tk[r] = kv(bi, (j - 1) * ratio + r, c);
              ts[r] = score(bi, (j - 1) * ratio + r, c) + ape(r, c);
            }
          }
          double m = -INFINITY, den = 0, num = 0;
          for (double v : ts) m = std::max(m, v);
          for (std::size_t k = 0; k < win; ++k) den += std::exp(ts[k] - m);
          for (std::size_t k = 0; k < win; ++k) num += std::exp(ts[k] - m) / den * tk[k];
          BOOST_REQUIRE(std::fabs(got(bi, j, c) - num) < 1e-5);
        }
  }
}

BOOST_AUTO_TEST_CASE(compressed_positions_are_ratio_j) {
  // RoPE of compressed token j at position 4j: undoing it with the frequencies of θ = 160000
  // at 4j must give back the same non-rope part and a rope part whose pair norms match.
  const tensor3 x = random_tensor(1, 256, hidden_dim, 5);
  const kv_streams a = compute_streams(shared_weights(), x, 0);
  const kv_streams b = compute_streams(shared_weights(), x, 512); // same tokens, shifted
  for (std::size_t j = 0; j < a.csa.shape(1); ++j) {
    for (std::size_t i = 0; i < nope_dim; ++i) BOOST_REQUIRE(a.csa(0, j, i) == b.csa(0, j, i));
    // Rotating a's rope part on by 512 positions gives b's (same frequencies, YaRN off).
    std::vector<float> v(&a.csa(0, j, nope_dim), &a.csa(0, j, nope_dim) + rope_dim);
    const auto f = rope_frequencies(rope_dim, compress_rope_theta, 768, nullptr);
    apply_rope(v, f, 512);
    for (std::size_t i = 0; i < rope_dim; ++i)
      BOOST_REQUIRE(std::fabs(v[i] - b.csa(0, j, nope_dim + i)) < 2e-4);
  }
}

BOOST_AUTO_TEST_CASE(seed_determinism) {
  const model_weights w1 = seeded_weights(7);
  BOOST_TEST(
      std::equal(w1.csa.wgate.begin(), w1.csa.wgate.end(), shared_weights().csa.wgate.begin()));
  const model_weights w2 = seeded_weights(8);
  BOOST_TEST(!std::equal(w1.window.wkv.begin(), w1.window.wkv.end(), w2.window.wkv.begin()));
  // The stand-in's statistics: N(0, 1/4096) weights, APE N(0, 0.02²), norm weights 1.
  double ss = 0;
  for (float v : w1.window.wkv) ss += double(v) * v;
  BOOST_TEST(close_rel(ss / double(w1.window.wkv.size()), 1.0 / 4096, 0.01));
  double sa = 0;
  for (float v : w1.hca.ape) sa += double(v) * v;
  BOOST_TEST(close_rel(std::sqrt(sa / double(w1.hca.ape.size())), 0.02, 0.02));
  for (auto kind : {input_kind::gaussian, input_kind::heavy}) {
    const tensor3 h1 = synthetic_hidden(kind, 1, 128, 99), h2 = synthetic_hidden(kind, 1, 128, 99);
    BOOST_TEST(std::equal(h1.begin(), h1.end(), h2.begin()));
    const tensor3 h3 = synthetic_hidden(kind, 1, 128, 100);
    BOOST_TEST(!std::equal(h1.begin(), h1.end(), h3.begin()));
    const kv_streams s1 = compute_streams(w1, h1), s2 = compute_streams(w1, h2);
    BOOST_TEST(std::equal(s1.hca.begin(), s1.hca.end(), s2.hca.begin()));
    BOOST_TEST(std::equal(s1.window.begin(), s1.window.end(), s2.window.begin()));
  }
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(cache_format)

namespace {
// DeepSeek's act_quant for one block, transcribed independently of the library: amax floored
// at 1e-4, scale 2^ceil(log2(amax · fl(1/448))), y = clamp(x · 2^−e, ±448), then the nearest
// E4M3 value (ties to the even code) found by scanning all 127 magnitudes.
struct ref_block {
  int e;
  std::vector<float> deq;
};
ref_block deepseek_act_quant(const float* x) {
  float amax = 0;
  for (int i = 0; i < 64; ++i) amax = std::max(amax, std::fabs(x[i]));
  amax = std::max(amax, 1e-4f);
  const int e = static_cast<int>(std::ceil(std::log2(double(amax * (1.0f / 448.0f)))));
  ref_block r{e, std::vector<float>(64)};
  static const std::vector<double> mags = [] {
    std::vector<double> m;
    for (int c = 0; c < 0x7F; ++c) {
      const int ex = c >> 3, man = c & 7;
      m.push_back(ex == 0 ? man * std::ldexp(1.0, -9) : (1 + man / 8.0) * std::ldexp(1.0, ex - 7));
    }
    return m;
  }();
  for (int i = 0; i < 64; ++i) {
    const double y = std::clamp(double(x[i]) * std::ldexp(1.0, -e), -448.0, 448.0);
    std::size_t best = 0;
    for (std::size_t c = 1; c < mags.size(); ++c) {
      const double dc = std::fabs(std::fabs(y) - mags[c]),
                   db = std::fabs(std::fabs(y) - mags[best]);
      if (dc < db || (dc == db && c % 2 == 0)) best = c;
    }
    r.deq[std::size_t(i)] = float(std::copysign(mags[best], y) * std::ldexp(1.0, e));
  }
  return r;
}
} // namespace

BOOST_AUTO_TEST_CASE(v4_fp8_equals_library_block_quantiser_and_deepseek) {
  kakeya::random_stream rng(2024);
  std::vector<float> x(64), deq(64);
  std::array<std::uint8_t, 64> codes{}, lib_codes{};
  int floored = 0, finer = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    const double mag = std::pow(10.0, -7.0 + 10.0 * rng.uniform()); // 1e-7 .. 1e3
    for (auto& v : x) v = float(mag * rng.gaussian());
    if (trial % 7 == 0)
      x[trial % 64] = float(448.0 * std::ldexp(1.0, trial % 30 - 15)); // exact powers
    std::uint8_t scale = 0, lib_scale = 0;
    v4_quantise_block(std::span<const float, 64>(x.data(), 64), scale, codes);
    v4_block::dequantise(scale, codes, std::span<float, 64>(deq.data(), 64));
    const ref_block ref = deepseek_act_quant(x.data());
    BOOST_REQUIRE_EQUAL(int(scale), ref.e + 127);
    for (int i = 0; i < 64; ++i) BOOST_REQUIRE_EQUAL(deq[i], ref.deq[i]);
    const float amax = v4_block::block_amax(std::span<const float, 64>(x.data(), 64));
    v4_block::quantise(std::span<const float, 64>(x.data(), 64), lib_scale, lib_codes);
    if (amax >= 1e-4f) {
      BOOST_REQUIRE_EQUAL(scale, lib_scale); // the library's quantiser, unchanged
      BOOST_REQUIRE(codes == lib_codes);
    } else {
      ++floored;
      BOOST_REQUIRE_EQUAL(int(scale), 127 - 22); // 2^ceil(log2(1e-4/448)) = 2^-22
      // The unfloored scale is finer once amax ≤ 448·2^-23 ≈ 5.3e-5.
      BOOST_REQUIRE_LE(int(lib_scale), int(scale));
      finer += lib_scale < scale;
    }
  }
  BOOST_TEST(floored > 100); // the floor case was exercised
  BOOST_TEST(finer > 50);    // ... including blocks where it changes the scale
}

BOOST_AUTO_TEST_CASE(v4_cache_layout_and_rope_dims_in_bf16) {
  BOOST_TEST(v4_cache_bytes == 583u);
  BOOST_TEST(v4_cache_bits == 4664u);
  std::vector<float> x(head_dim), y(head_dim);
  fill_gaussian(x, 5, 1.0);
  std::array<std::uint8_t, v4_cache_bytes> code{};
  v4_cache_encode(std::span<const float, head_dim>(x.data(), head_dim), code);
  v4_cache_decode(code, std::span<float, head_dim>(y.data(), head_dim));
  for (std::size_t i = 0; i < rope_dim; ++i) {
    BOOST_TEST(y[nope_dim + i] == kakeya::bf16::decode(kakeya::bf16::encode(x[nope_dim + i])));
    const std::uint16_t h =
        static_cast<std::uint16_t>(code[455 + 2 * i] | (code[456 + 2 * i] << 8));
    BOOST_TEST(h == kakeya::bf16::encode(x[nope_dim + i]));
  }
  std::vector<float> z(head_dim);
  v4_cache_roundtrip(x, z);
  BOOST_TEST(z == y);
}

BOOST_AUTO_TEST_CASE(table_rows_and_budgets) {
  const auto specs = table_specs({10, 38});
  BOOST_TEST(specs.front() == "v4-cache");
  BOOST_TEST(specs.size() == 3u + 6u + 3u + 2u);
  BOOST_TEST(specs.back() == "e8b:rate=5.6");
  std::vector<float> x(64 * head_dim);
  fill_gaussian(x, 9, 1.0);
  const auto fp8 = evaluate_codec("fp8:block=64", x, 64, kakeya::backend::scalar);
  BOOST_TEST(fp8.bits_per_vector == 4224u);
  const auto e8 = evaluate_codec("e8:q=38", x, 64, kakeya::backend::scalar);
  BOOST_TEST(e8.bits_per_vector == 3296u);
  const auto v4 = evaluate_codec("v4-cache", x, 64, kakeya::backend::scalar);
  BOOST_TEST(v4.bits_per_vector == 4664u);
  // On Gaussian data the ue8m0 FP8 part costs ~7e-4 relative; bf16 rope dims almost nothing.
  BOOST_TEST(v4.rel_mse > 3e-4);
  BOOST_TEST(v4.rel_mse < 1e-3);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(audit_and_stats)

BOOST_AUTO_TEST_CASE(w2_hand_computed) {
  // Two points ±1: W2² = 1 − 2(−1·(0 − φ(0)) + 1·(φ(0) − 0)) + 1 = 2 − 4φ(0).
  const std::vector<double> two = {-1.0, 1.0};
  const double phi0 = 1.0 / std::sqrt(2 * std::numbers::pi);
  BOOST_TEST(close_rel(w2_to_standard_normal(two), std::sqrt(2 - 4 * phi0), 1e-12));
  // One point at 0: W2² = E Z² = 1.
  BOOST_TEST(close_rel(w2_to_standard_normal(std::vector<double>{0.0}), 1.0, 1e-12));
  // The step function at the interval means of Φ⁻¹ is the W2-closest n-point distribution;
  // its distance is sqrt(1 − n Σ c_i²) and shrinks with n.
  for (std::size_t n : {10u, 1000u}) {
    auto c = w2_interval_means(n);
    std::vector<double> z(n);
    double sc = 0;
    for (std::size_t i = 0; i < n; ++i) z[i] = double(n) * c[i], sc += c[i] * c[i];
    BOOST_TEST(close_rel(w2_to_standard_normal(z), std::sqrt(1 - double(n) * sc), 1e-9));
  }
  BOOST_TEST(w2_to_standard_normal(std::vector<double>(1000, 0.0)) > 0.99);
  // torch.quantile's linear interpolation: position (n−1)p.
  const std::vector<double> s = {0, 1, 2, 3, 4};
  BOOST_TEST(linear_quantile(s, 0.99) == 3.96, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(gaussian_passes_no_gate_laplace_fires_kurtosis) {
  const std::size_t n = 8192, d = 64;
  const audit_result g = gaussian_null_audit(n, d, 17);
  for (std::size_t i = 0; i < gates.size(); ++i)
    BOOST_TEST(gate_value(g, i) < gates[i].threshold, gates[i].label << " = " << gate_value(g, i));
  BOOST_TEST(g.excess_kurtosis_abs < 0.1);
  BOOST_TEST(g.rms_w2_over_sigma < 0.03);
  BOOST_TEST(g.p99_tail_proxy < 0.03);
  // The study's one-sided constant 2.326 would make this Gaussian fire: p99|Z| is 2.5758.
  BOOST_TEST(std::fabs((1 + g.p99_tail_proxy) * p99_two_sided / 2.326 - 1) > 0.05);

  kakeya::random_stream rng(3);
  std::vector<float> lap(n * d);
  for (auto& v : lap) v = float(rng.laplace());
  const audit_result l = audit(lap, n, d);
  BOOST_TEST(std::fabs(l.excess_kurtosis_abs - 3.0) < 0.5); // Laplace: excess kurtosis 3
  BOOST_TEST(l.excess_kurtosis_abs > gates[0].threshold);
  BOOST_TEST(l.isotropy_variance_ratio < 1.5);
  // The rotation mixes 64 Laplace coordinates: close to Gaussian again.
  BOOST_TEST(l.rms_w2_over_sigma < 0.05);

  // Anisotropy: coordinate j scaled by 1 + j/8 (variance ratio ≈ 8.9²/1 ≈ 77); the rotation
  // spreads it evenly, so the post-Hadamard ratio is near 1.
  std::vector<float> an(n * d);
  fill_gaussian(an, 4, 1.0);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t j = 0; j < d; ++j) an[r * d + j] *= float(1 + j / 8.0);
  const audit_result a = audit(an, n, d);
  BOOST_TEST(close_rel(a.isotropy_variance_ratio, std::pow(1 + 63 / 8.0, 2), 0.1));
  BOOST_TEST(a.hadamard_post_variance_ratio < 1.5);
}

BOOST_AUTO_TEST_CASE(student_t_against_tables) {
  BOOST_TEST(student_t_quantile(0.975, 7) == 2.364624, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(student_t_quantile(0.975, 1) == 12.706205, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(student_t_quantile(0.975, 2) == 4.302653, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(student_t_quantile(0.975, 30) == 2.042272, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(student_t_quantile(0.975, 120) == 1.979930, boost::test_tools::tolerance(1e-6));
  const std::vector<double> v = {1, 2, 3, 4, 5, 6, 7, 8};
  const mean_ci c = ci95(v);
  BOOST_TEST(c.mean == 4.5);
  BOOST_TEST(c.sd == std::sqrt(6.0), boost::test_tools::tolerance(1e-12));
  BOOST_TEST(c.half_width == 2.364624 * std::sqrt(6.0) / std::sqrt(8.0),
             boost::test_tools::tolerance(1e-6));
  BOOST_TEST(ci95(std::vector<double>{3.0}).half_width == 0.0);
}

BOOST_AUTO_TEST_CASE(layer_weights) {
  const auto l = weights_by_layers();
  BOOST_TEST(l.w[0] + l.w[1] + l.w[2] == 43.0);
  const auto b = weights_by_bytes(8192);
  BOOST_TEST(b.w[0] == 43.0 * 128);
  BOOST_TEST(b.w[1] == 21.0 * 2048);
  BOOST_TEST(b.w[2] == 20.0 * 64);
  BOOST_TEST(weighted_mean(l, {1.0, 2.0, 3.0}) == (2 + 42 + 60) / 43.0,
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(weighted_compression(l, {4664, 4664, 4664}, 4664) == 1.0);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(files)

namespace {

struct st_tensor {
  std::string name, dtype;
  std::vector<std::size_t> shape;
  std::vector<std::uint8_t> bytes;
};

std::vector<std::uint8_t> st_bytes(const std::vector<st_tensor>& ts,
                                   const std::string& header_override = "") {
  nlohmann::json h = nlohmann::json::object();
  h["__metadata__"] = {{"format", "pt"}};
  std::uint64_t off = 0;
  for (const auto& t : ts) {
    h[t.name] = {
        {"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {off, off + t.bytes.size()}}};
    off += t.bytes.size();
  }
  std::string hs = header_override.empty() ? h.dump() : header_override;
  while (hs.size() % 8) hs += ' ';
  std::vector<std::uint8_t> out;
  out.reserve(8 + hs.size());
  for (int i = 0; i < 8; ++i)
    out.push_back(std::uint8_t((std::uint64_t(hs.size()) >> (8 * i)) & 0xFF));
  for (char c : hs) out.push_back(static_cast<std::uint8_t>(c));
  for (const auto& t : ts) out.insert(out.end(), t.bytes.begin(), t.bytes.end());
  return out;
}

void write_bytes(const fs::path& p, const std::vector<std::uint8_t>& b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

st_tensor f32_tensor(const std::string& name, std::vector<std::size_t> shape,
                     const std::vector<float>& v) {
  st_tensor t{name, "F32", std::move(shape), std::vector<std::uint8_t>(v.size() * 4)};
  std::memcpy(t.bytes.data(), v.data(), t.bytes.size());
  return t;
}

st_tensor bf16_tensor(const std::string& name, std::vector<std::size_t> shape,
                      const std::vector<float>& v) {
  st_tensor t{name, "BF16", std::move(shape), {}};
  for (float x : v) {
    const std::uint16_t h = kakeya::bf16::encode(x);
    t.bytes.push_back(std::uint8_t(h & 0xFF));
    t.bytes.push_back(std::uint8_t(h >> 8));
  }
  return t;
}

/// An FP8 weight [rows, cols] with its e8m0 tile scales; `codes` and `exps` returned for checks.
std::pair<st_tensor, st_tensor> fp8_weight(const std::string& base, std::size_t rows,
                                           std::size_t cols, std::uint64_t seed) {
  kakeya::random_stream rng(seed);
  st_tensor w{base + ".weight", "F8_E4M3", {rows, cols}, std::vector<std::uint8_t>(rows * cols)};
  for (auto& c : w.bytes) {
    c = std::uint8_t(rng.next() & 0xFF);
    if ((c & 0x7F) == 0x7F) c = 0x3F; // not NaN
  }
  const std::size_t tr = (rows + 127) / 128, tc = (cols + 127) / 128;
  st_tensor s{base + ".scale", "F8_E8M0", {tr, tc}, std::vector<std::uint8_t>(tr * tc)};
  for (auto& e : s.bytes) e = std::uint8_t(110 + rng.next() % 20); // 2^-17 .. 2^2
  return {w, s};
}

} // namespace

BOOST_AUTO_TEST_CASE(reads_float_dtypes_and_dequantises_fp8_tiles_exactly) {
  temp_dir d;
  std::vector<float> fv = {1.5f, -2.25f, 3.0e-3f, 7.0f, 0.0f, -1e10f};
  std::vector<float> bv = {1.0f, -0.5f, 3.140625f, 65536.0f};
  auto [w, s] = fp8_weight("layers.9.attn.foo", 130, 260, 1);  // partial tiles: scales [2, 3]
  st_tensor h16{"half", "F16", {2}, {0x00, 0x3C, 0x00, 0xC0}}; // 1.0, -2.0
  write_bytes(d.path / "a.safetensors",
              st_bytes({f32_tensor("f", {2, 3}, fv), bf16_tensor("b", {4}, bv), w, s, h16}));
  checkpoint ck((d.path / "a.safetensors").string());
  BOOST_TEST(ck.load("f").data == fv);
  BOOST_TEST((ck.load("f").shape == std::vector<std::size_t>{2, 3}));
  BOOST_TEST(ck.load("b").data == bv);
  BOOST_TEST((ck.load("half").data == std::vector<float>{1.0f, -2.0f}));
  const float_tensor t = ck.load("layers.9.attn.foo.weight");
  BOOST_TEST((t.shape == std::vector<std::size_t>{130, 260}));
  for (std::size_t r = 0; r < 130; ++r)
    for (std::size_t c = 0; c < 260; ++c) {
      const double want = double(kakeya::fp8_e4m3::decode(w.bytes[r * 260 + c])) *
                          std::ldexp(1.0, int(s.bytes[(r / 128) * 3 + c / 128]) - 127);
      BOOST_REQUIRE_EQUAL(double(t.data[r * 260 + c]), want);
    }
  BOOST_CHECK_THROW(ck.load("layers.9.attn.foo.scale"), std::runtime_error); // a scale tensor
  BOOST_CHECK_THROW(ck.load("missing"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(refuses_malformed_files_with_clear_errors) {
  temp_dir d;
  auto expect_error = [&](const std::vector<std::uint8_t>& bytes, const std::string& needle) {
    const fs::path p = d.path / "bad.safetensors";
    write_bytes(p, bytes);
    try {
      checkpoint ck(p.string());
      (void)ck.load("x.weight");
      BOOST_ERROR("accepted a malformed file; expected: " << needle);
    } catch (const std::runtime_error& e) {
      BOOST_TEST(std::string(e.what()).find(needle) != std::string::npos, "message: " << e.what());
    }
  };
  const std::vector<float> v(4, 1.0f);
  expect_error({1, 2, 3}, "too short");
  {
    auto b = st_bytes({f32_tensor("x.weight", {4}, v)});
    b[0] = 0xFF, b[1] = 0xFF; // header length beyond the file
    expect_error(b, "exceeds the file");
  }
  expect_error(st_bytes({}, "{not json"), "not valid JSON");
  expect_error(st_bytes({}, "[1, 2]"), "not a JSON object");
  expect_error(st_bytes({f32_tensor("x.weight", {4}, v)},
                        R"({"x.weight": {"dtype": "F32", "shape": [4], "data_offsets": [0, 12]}})"),
               "12 bytes for shape [4]");
  expect_error(
      st_bytes({}, R"({"x.weight": {"dtype": "I7", "shape": [4], "data_offsets": [0, 16]}})"),
      "unsupported dtype 'I7'");
  expect_error(
      st_bytes({}, R"({"x.weight": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]}})"),
      "beyond the data");
  expect_error(st_bytes({}, R"({"x.weight": {"dtype": "F32", "shape": [4]}})"), "data_offsets");
  expect_error(
      st_bytes({}, R"({"x.weight": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}})"),
      "unsigned");
  {
    auto b = st_bytes({f32_tensor("x.weight", {4}, v), f32_tensor("y", {4}, v)},
                      R"({"x.weight": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                          "y": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})");
    b.resize(b.size() + 16);
    expect_error(b, "overlap");
  }
  {
    std::vector<float> nanv = {1.0f, NAN, 2.0f, 3.0f};
    expect_error(st_bytes({f32_tensor("x.weight", {4}, nanv)}), "non-finite");
  }
  {
    auto [w, s] = fp8_weight("x", 64, 64, 2);
    expect_error(st_bytes({w}), "has no scale tensor 'x.scale'");
    s.shape = {2, 1};
    s.bytes.resize(2);
    expect_error(st_bytes({w, s}), "expected [1, 1]");
    auto [w2, s2] = fp8_weight("x", 64, 64, 3);
    s2.bytes[0] = 0xFF;
    expect_error(st_bytes({w2, s2}), "NaN code");
    auto [w3, s3] = fp8_weight("x", 64, 64, 4);
    s3.dtype = "BF16";
    s3.bytes.resize(2);
    expect_error(st_bytes({w3, s3}), "expected F8_E8M0");
  }
}

BOOST_AUTO_TEST_CASE(checkpoint_directory_with_index_loads_v4_layers) {
  temp_dir d;
  // Layer 0 (window) and layer 2 (ratio 4) in shard 1, layer 3 (ratio 128) in shard 2; FP8
  // projections with e8m0 tiles, bf16 norms, an fp32 APE and a bf16 wgate, as V4 stores them.
  std::vector<st_tensor> s1, s2;
  auto add_fp8 = [](std::vector<st_tensor>& v, const std::string& base, std::size_t r,
                    std::size_t c, std::uint64_t seed) {
    auto [w, s] = fp8_weight(base, r, c, seed);
    v.push_back(w);
    v.push_back(s);
  };
  std::vector<float> norm(512), ape4(4 * 1024), ape128(128 * 512), gate128(512 * 4096);
  fill_gaussian(norm, 1, 0.1);
  for (auto& x : norm) x = kakeya::bf16::decode(kakeya::bf16::encode(1.0f + x));
  fill_gaussian(ape4, 2, 0.02);
  fill_gaussian(ape128, 3, 0.02);
  fill_gaussian(gate128, 4, 1.0 / 64);
  for (auto& x : gate128) x = kakeya::bf16::decode(kakeya::bf16::encode(x));
  add_fp8(s1, "layers.0.attn.wkv", 512, 4096, 10);
  s1.push_back(bf16_tensor("layers.0.attn.kv_norm.weight", {512}, norm));
  add_fp8(s1, "layers.2.attn.compressor.wkv", 1024, 4096, 11);
  add_fp8(s1, "layers.2.attn.compressor.wgate", 1024, 4096, 12);
  s1.push_back(f32_tensor("layers.2.attn.compressor.ape", {4, 1024}, ape4));
  s1.push_back(bf16_tensor("layers.2.attn.compressor.norm.weight", {512}, norm));
  add_fp8(s2, "layers.3.attn.compressor.wkv", 512, 4096, 13);
  s2.push_back(bf16_tensor("layers.3.attn.compressor.wgate.weight", {512, 4096}, gate128));
  s2.push_back(f32_tensor("layers.3.attn.compressor.ape", {128, 512}, ape128));
  s2.push_back(bf16_tensor("layers.3.attn.compressor.norm.weight", {512}, norm));
  write_bytes(d.path / "model-00001-of-00002.safetensors", st_bytes(s1));
  write_bytes(d.path / "model-00002-of-00002.safetensors", st_bytes(s2));
  nlohmann::json index = {{"metadata", {{"total_size", 0}}},
                          {"weight_map", nlohmann::json::object()}};
  for (const auto& t : s1) index["weight_map"][t.name] = "model-00001-of-00002.safetensors";
  for (const auto& t : s2) index["weight_map"][t.name] = "model-00002-of-00002.safetensors";
  std::ofstream(d.path / "model.safetensors.index.json") << index.dump();

  const model_weights w = load_weights(d.path.string(), layer_ids{});
  check_shapes(w);
  BOOST_TEST(w.csa.overlap);
  BOOST_TEST(!w.hca.overlap);
  BOOST_TEST(w.window.norm == norm);
  BOOST_TEST(std::equal(w.hca.ape.begin(), w.hca.ape.end(), ape128.begin()));
  BOOST_TEST(std::equal(w.hca.wgate.begin(), w.hca.wgate.end(), gate128.begin()));
  const auto& wk = s1[0];
  const auto& sc = s1[1];
  for (std::size_t i : {0u, 4095u, 129u * 4096u + 1000u, 511u * 4096u + 4095u}) {
    const std::size_t r = i / 4096, c = i % 4096;
    BOOST_TEST(double(w.window.wkv(r, c)) ==
               double(kakeya::fp8_e4m3::decode(wk.bytes[i])) *
                   std::ldexp(1.0, int(sc.bytes[(r / 128) * 32 + c / 128]) - 127));
  }
  // The write path runs on them.
  const kv_streams st = compute_streams(w, random_tensor(1, 128, hidden_dim, 8));
  BOOST_TEST(st.hca.shape(1) == 1u);
  // Swapped layer ids are caught by the shapes.
  try {
    (void)load_weights(d.path.string(), layer_ids{0, 3, 2});
    BOOST_ERROR("swapped layers accepted");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find("ratio-4 compressor wkv: expected shape [1024, 4096]") !=
                   std::string::npos,
               e.what());
  }
  // An index entry that leaves the directory is refused.
  index["weight_map"]["layers.0.attn.wkv.weight"] = "../elsewhere.safetensors";
  std::ofstream(d.path / "model.safetensors.index.json") << index.dump();
  BOOST_CHECK_THROW(checkpoint(d.path.string()), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(hidden_npy_two_and_three_dimensional) {
  temp_dir d;
  std::vector<float> v(2 * 128 * 4096);
  fill_gaussian(v, 6, 1.0);
  // 3-D [2, 128, 4096], header written by hand (NumPy's format 1.0).
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 128, 4096), }";
  while ((10 + dict.size() + 1) % 64) dict += ' ';
  dict += '\n';
  std::vector<std::uint8_t> b = {0x93,
                                 'N',
                                 'U',
                                 'M',
                                 'P',
                                 'Y',
                                 1,
                                 0,
                                 std::uint8_t(dict.size() & 0xFF),
                                 std::uint8_t(dict.size() >> 8)};
  b.insert(b.end(), dict.begin(), dict.end());
  const auto* vb = reinterpret_cast<const std::uint8_t*>(v.data());
  b.insert(b.end(), vb, vb + v.size() * 4);
  write_bytes(d.path / "h3.npy", b);
  const tensor3 h3 = read_hidden_npy((d.path / "h3.npy").string(), std::nullopt);
  BOOST_TEST((h3.shape() == std::array<std::size_t, 3>{2, 128, 4096}));
  BOOST_TEST(std::equal(h3.begin(), h3.end(), v.begin()));
  BOOST_CHECK_THROW(read_hidden_npy((d.path / "h3.npy").string(), std::size_t{4}),
                    std::runtime_error);
  // 2-D [256, 4096] with --batch 2.
  kakeya::io::write_npy((d.path / "h2.npy").string(), 256, 4096, v);
  const tensor3 h2 = read_hidden_npy((d.path / "h2.npy").string(), std::size_t{2});
  BOOST_TEST((h2.shape() == std::array<std::size_t, 3>{2, 128, 4096}));
  BOOST_CHECK_THROW(read_hidden_npy((d.path / "h2.npy").string(), std::size_t{3}),
                    std::runtime_error);
  // Wrong width, truncated data.
  kakeya::io::write_npy((d.path / "w.npy").string(), 4, 8, std::vector<float>(32, 1.0f));
  BOOST_CHECK_THROW(read_hidden_npy((d.path / "w.npy").string(), std::nullopt), std::runtime_error);
  b.resize(b.size() - 4);
  write_bytes(d.path / "t.npy", b);
  BOOST_CHECK_THROW(read_hidden_npy((d.path / "t.npy").string(), std::nullopt), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------------------------
BOOST_AUTO_TEST_SUITE(end_to_end)

BOOST_AUTO_TEST_CASE(small_run_produces_the_documented_json) {
  run_options o;
  o.seqlen = 512;
  o.batch = 1;
  o.seed = 7;
  o.q_values = {10};
  o.passages = 2;
  o.backend = kakeya::backend::scalar;
  const run_result r = run(o);
  const nlohmann::json j = to_json(r);
  BOOST_TEST(j["streams"].size() == 3u);
  BOOST_TEST(j["streams"][0]["name"] == "sliding_window_kv");
  BOOST_TEST(j["streams"][1]["name"] == "csa_pool_kv_ratio4");
  BOOST_TEST(j["streams"][2]["name"] == "hca_pool_kv_ratio128");
  BOOST_TEST((j["streams"][2]["shape"] == nlohmann::json{1, 4, 512}));
  for (const auto& s : j["streams"]) {
    for (const char* k :
         {"excess_kurtosis_abs", "isotropy_variance_ratio", "hadamard_post_variance_ratio",
          "rms_wasserstein2_over_sigma_per_dim", "p99_tail_proxy"})
      BOOST_TEST(s["audit"].contains(k), k);
    BOOST_TEST(s["codecs"][0]["codec"] == "v4-cache");
    BOOST_TEST(s["codecs"][0]["ratio_vs_baseline"].get<double>() == 1.0);
    BOOST_TEST(s["codecs"][0]["bits_per_vector"] == 4664);
    for (const auto& c : s["codecs"])
      for (const char* k : {"codec", "bits_per_vector", "rel_mse", "cosine", "ratio_vs_baseline"})
        BOOST_TEST(c.contains(k), k);
  }
  // HCA has 4 vectors per passage: warned about.
  BOOST_TEST(!r.warnings.empty());
  BOOST_TEST(j["per_passage"].size() == 2u);
  BOOST_TEST(j["t_quantile_0975"].get<double>() == 12.706205, boost::test_tools::tolerance(1e-6));
  const std::string svg = to_svg(r);
  BOOST_TEST(svg.rfind("<svg", 0) == 0u);
  BOOST_TEST(svg.find("hca_pool_kv_ratio128") != std::string::npos);
  BOOST_TEST(svg.find("</svg>") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
