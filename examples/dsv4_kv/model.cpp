// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "model.hpp"

#include <algorithm>
#include <cblas.h>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <thread>

#include "kakeya/core/random.hpp"
#include "rope.hpp"

namespace dsv4 {

void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn) {
  const std::size_t threads =
      std::min<std::size_t>(n, std::max(1u, std::thread::hardware_concurrency()));
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::vector<std::thread> pool;
  std::exception_ptr failure;
  std::mutex m;
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      try {
        for (std::size_t i = t; i < n; i += threads) fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(m);
        if (!failure) failure = std::current_exception();
      }
    });
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

void fill_gaussian(std::span<float> out, std::uint64_t key, double std) {
  constexpr std::size_t chunk = 8192; // values per independent generator
  const std::size_t chunks = (out.size() + chunk - 1) / chunk;
  parallel_for(chunks, [&](std::size_t c) {
    kakeya::random_stream rng(kakeya::splitmix64(key ^ kakeya::splitmix64(c)));
    const std::size_t end = std::min(out.size(), (c + 1) * chunk);
    for (std::size_t i = c * chunk; i < end; i += 2) {
      // Box–Muller, both outputs of a pair.
      const double r = std::sqrt(-2.0 * std::log(rng.uniform()));
      const double a = 2.0 * std::numbers::pi * rng.uniform();
      out[i] = static_cast<float>(std * r * std::cos(a));
      if (i + 1 < end) out[i + 1] = static_cast<float>(std * r * std::sin(a));
    }
  });
}

namespace {

// Keys of the seeded weight tensors: one independent stream each.
enum : std::uint64_t {
  key_window_wkv = 1,
  key_csa_wkv,
  key_csa_wgate,
  key_csa_ape,
  key_hca_wkv,
  key_hca_wgate,
  key_hca_ape
};

std::uint64_t tensor_key(std::uint64_t seed, std::uint64_t tag) {
  return kakeya::splitmix64(kakeya::splitmix64(seed) ^ (tag * 0x9E3779B97F4A7C15ull));
}

compressor_weights seeded_compressor(std::size_t ratio, std::uint64_t seed, std::uint64_t kwkv,
                                     std::uint64_t kgate, std::uint64_t kape) {
  compressor_weights c;
  c.ratio = ratio;
  c.overlap = ratio == csa_ratio;
  const std::size_t width = (c.overlap ? 2 : 1) * head_dim;
  const double wstd = 1.0 / std::sqrt(static_cast<double>(hidden_dim));
  c.wkv = tensor2::from_shape({width, hidden_dim});
  c.wgate = tensor2::from_shape({width, hidden_dim});
  c.ape = tensor2::from_shape({ratio, width});
  fill_gaussian({c.wkv.data(), c.wkv.size()}, tensor_key(seed, kwkv), wstd);
  fill_gaussian({c.wgate.data(), c.wgate.size()}, tensor_key(seed, kgate), wstd);
  fill_gaussian({c.ape.data(), c.ape.size()}, tensor_key(seed, kape), 0.02);
  c.norm.assign(head_dim, 1.0f);
  return c;
}

std::string shape_string(const tensor2& t) {
  return "[" + std::to_string(t.shape(0)) + ", " + std::to_string(t.shape(1)) + "]";
}

void expect_shape(const tensor2& t, std::size_t r, std::size_t c, const std::string& what) {
  if (t.shape(0) != r || t.shape(1) != c)
    throw std::runtime_error(what + ": expected shape [" + std::to_string(r) + ", " +
                             std::to_string(c) + "], got " + shape_string(t));
}

void expect_norm(const std::vector<float>& v, const std::string& what) {
  if (v.size() != head_dim)
    throw std::runtime_error(what + ": expected shape [" + std::to_string(head_dim) + "], got [" +
                             std::to_string(v.size()) + "]");
}

tensor3 as_tensor3(tensor2&& t, std::size_t b, std::size_t s) {
  tensor3 out = tensor3::from_shape({b, s, t.shape(1)});
  std::copy(t.data(), t.data() + t.size(), out.data());
  return out;
}

tensor3 compress(const compressor_weights& c, const tensor3& hidden, std::size_t pos0, matmul m) {
  const std::size_t b = hidden.shape(0), s = hidden.shape(1);
  std::span<const float> x(hidden.data(), hidden.size());
  tensor3 kv = as_tensor3(project(x, b * s, c.wkv, m), b, s);
  tensor3 score = as_tensor3(project(x, b * s, c.wgate, m), b, s);
  tensor3 out = gated_pool(kv, score, c.ape, c.ratio, c.overlap);
  rms_norm_rows({out.data(), out.size()}, head_dim, c.norm, rms_eps);
  const yarn_config yarn;
  const auto freqs = rope_frequencies(rope_dim, compress_rope_theta, pos0 + s, &yarn);
  rope_rows(out, freqs, pos0, c.ratio);
  return out;
}

} // namespace

model_weights seeded_weights(std::uint64_t seed) {
  model_weights w;
  w.window.wkv = tensor2::from_shape({head_dim, hidden_dim});
  fill_gaussian({w.window.wkv.data(), w.window.wkv.size()}, tensor_key(seed, key_window_wkv),
                1.0 / std::sqrt(static_cast<double>(hidden_dim)));
  w.window.norm.assign(head_dim, 1.0f);
  w.csa = seeded_compressor(csa_ratio, seed, key_csa_wkv, key_csa_wgate, key_csa_ape);
  w.hca = seeded_compressor(hca_ratio, seed, key_hca_wkv, key_hca_wgate, key_hca_ape);
  w.source = "seeded Gaussian (seed " + std::to_string(seed) + ")";
  return w;
}

void check_shapes(const model_weights& w) {
  expect_shape(w.window.wkv, head_dim, hidden_dim, "sliding-window wkv");
  expect_norm(w.window.norm, "sliding-window kv_norm");
  for (const compressor_weights* c : {&w.csa, &w.hca}) {
    const std::string who = c->ratio == csa_ratio ? "ratio-4 compressor" : "ratio-128 compressor";
    if (c->ratio != csa_ratio && c->ratio != hca_ratio)
      throw std::runtime_error("compressor ratio must be 4 or 128");
    const std::size_t width = (c->overlap ? 2 : 1) * head_dim;
    expect_shape(c->wkv, width, hidden_dim, who + " wkv");
    expect_shape(c->wgate, width, hidden_dim, who + " wgate");
    expect_shape(c->ape, c->ratio, width, who + " ape");
    expect_norm(c->norm, who + " norm");
  }
}

const char* to_string(matmul m) { return m == matmul::cublas ? "cuBLAS" : "OpenBLAS"; }

tensor2 project(std::span<const float> x, std::size_t rows, const tensor2& w, matmul m) {
  const std::size_t n = w.shape(0), k = w.shape(1);
  if (x.size() != rows * k) throw std::invalid_argument("project: input size mismatch");
  tensor2 out = tensor2::from_shape({rows, n});
  if (rows == 0) return out;
  if (m == matmul::cublas) {
    project_cublas(x.data(), rows, k, w.data(), n, out.data());
    return out;
  }
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows), static_cast<int>(n),
              static_cast<int>(k), 1.0f, x.data(), static_cast<int>(k), w.data(),
              static_cast<int>(k), 0.0f, out.data(), static_cast<int>(n));
  return out;
}

void rms_norm_rows(std::span<float> x, std::size_t dim, std::span<const float> weight, float eps) {
  if (weight.size() != dim || x.size() % dim != 0)
    throw std::invalid_argument("rms_norm_rows: size mismatch");
  for (std::size_t r = 0; r < x.size() / dim; ++r) {
    float* v = x.data() + r * dim;
    double ss = 0;
    for (std::size_t i = 0; i < dim; ++i) ss += static_cast<double>(v[i]) * v[i];
    const float var = static_cast<float>(ss / static_cast<double>(dim));
    const float inv = static_cast<float>(1.0 / std::sqrt(static_cast<double>(var + eps)));
    for (std::size_t i = 0; i < dim; ++i) v[i] = weight[i] * (v[i] * inv);
  }
}

tensor3 gated_pool(const tensor3& kv, const tensor3& score, const tensor2& ape, std::size_t ratio,
                   bool overlap) {
  const std::size_t b = kv.shape(0), s = kv.shape(1), width = kv.shape(2);
  const std::size_t coff = overlap ? 2 : 1;
  if (score.shape() != kv.shape())
    throw std::invalid_argument("gated_pool: kv/score shapes differ");
  if (ratio == 0 || width % coff != 0 || ape.shape(0) != ratio || ape.shape(1) != width)
    throw std::invalid_argument("gated_pool: ape must be [ratio, coff·d]");
  const std::size_t d = width / coff;
  const std::size_t n = s / ratio; // the reference drops a remainder (cutoff)
  tensor3 out = tensor3::from_shape({b, n, d});
  struct entry {
    std::size_t token, offset, ape_row;
  };
  std::vector<entry> window;
  std::vector<double> m(d), den(d), num(d);
  for (std::size_t bi = 0; bi < b; ++bi) {
    for (std::size_t j = 0; j < n; ++j) {
      window.clear();
      if (overlap && j > 0)
        for (std::size_t r = 0; r < ratio; ++r) window.push_back({(j - 1) * ratio + r, 0, r});
      for (std::size_t r = 0; r < ratio; ++r) window.push_back({j * ratio + r, overlap ? d : 0, r});
      // j = 0 with overlap: the missing half has score −∞, so weight exactly 0; leaving it out
      // gives the same sums.
      std::fill(m.begin(), m.end(), -std::numeric_limits<double>::infinity());
      std::fill(den.begin(), den.end(), 0.0);
      std::fill(num.begin(), num.end(), 0.0);
      for (const entry& e : window) {
        const float* sc = &score(bi, e.token, e.offset);
        const float* ap = &ape(e.ape_row, e.offset);
        for (std::size_t c = 0; c < d; ++c) m[c] = std::max(m[c], double(sc[c] + ap[c]));
      }
      for (const entry& e : window) {
        const float* sc = &score(bi, e.token, e.offset);
        const float* ap = &ape(e.ape_row, e.offset);
        const float* v = &kv(bi, e.token, e.offset);
        for (std::size_t c = 0; c < d; ++c) {
          const double w = std::exp(double(sc[c] + ap[c]) - m[c]);
          den[c] += w;
          num[c] += w * v[c];
        }
      }
      float* o = &out(bi, j, 0);
      for (std::size_t c = 0; c < d; ++c) o[c] = static_cast<float>(num[c] / den[c]);
    }
  }
  return out;
}

void rope_rows(tensor3& x, std::span<const float> freqs, std::size_t pos0, std::size_t stride) {
  const std::size_t b = x.shape(0), n = x.shape(1), dim = x.shape(2);
  const std::size_t rd = 2 * freqs.size();
  if (rd > dim) throw std::invalid_argument("rope_rows: rope part longer than the vector");
  for (std::size_t bi = 0; bi < b; ++bi)
    for (std::size_t j = 0; j < n; ++j)
      apply_rope({&x(bi, j, dim - rd), rd}, freqs, pos0 + stride * j);
}

kv_streams compute_streams(const model_weights& w, const tensor3& hidden, std::size_t pos0, matmul m) {
  if (hidden.shape(2) != hidden_dim)
    throw std::invalid_argument("hidden states must be [B, S, 4096]");
  const std::size_t b = hidden.shape(0), s = hidden.shape(1);
  if (s == 0 || s % hca_ratio != 0)
    throw std::invalid_argument("sequence length " + std::to_string(s) +
                                " is not a positive multiple of 128");
  kv_streams out;
  // Sliding window (a ratio-0 layer): wkv → kv_norm → RoPE θ = 10000, no YaRN.
  out.window = as_tensor3(project({hidden.data(), hidden.size()}, b * s, w.window.wkv, m), b, s);
  rms_norm_rows({out.window.data(), out.window.size()}, head_dim, w.window.norm, rms_eps);
  const auto freqs = rope_frequencies(rope_dim, rope_theta, pos0 + s, nullptr);
  rope_rows(out.window, freqs, pos0, 1);
  out.csa = compress(w.csa, hidden, pos0, m);
  out.hca = compress(w.hca, hidden, pos0, m);
  return out;
}

} // namespace dsv4
