// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "inputs.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "kakeya/core/random.hpp"
#include "kakeya/io/file.hpp"
#include "kakeya/io/npy.hpp"

namespace dsv4 {

namespace {

std::uint64_t input_key(std::uint64_t seed, std::uint64_t tag) {
  return kakeya::splitmix64(kakeya::splitmix64(seed ^ 0xD5A4'0000'0000'0000ull) + tag);
}

// The heavy-tailed input (docs/dsv4.md): per token z = √(1−w)·Laplace + √w·(K AR(1) factors
// through a fixed loading matrix), normalised to unit RMS per token and multiplied by an
// anisotropic channel gain (log-normal, with a few "massive activation" channels) — the shape
// of a hidden state after V4's attn_norm.
constexpr std::size_t heavy_factors = 16;
constexpr double heavy_factor_share = 0.5; // w
constexpr double heavy_rho = 0.9;          // AR(1) correlation between adjacent positions
constexpr double heavy_gain_sigma = 0.8;   // log-normal channel gains e^(0.8 g)
constexpr std::size_t heavy_massive = 8;   // channels ×20
constexpr float heavy_massive_gain = 20.0f;

tensor3 heavy_hidden(std::size_t batch, std::size_t seqlen, std::uint64_t seed) {
  const std::size_t h = hidden_dim;
  std::vector<float> loading(heavy_factors * h), gain(h);
  fill_gaussian(loading, input_key(seed, 1), 1.0 / std::sqrt(double(heavy_factors)));
  fill_gaussian(gain, input_key(seed, 2), heavy_gain_sigma);
  for (auto& g : gain) g = std::exp(g);
  for (std::size_t k = 0; k < heavy_massive; ++k)
    gain[k * (h / heavy_massive) + 17] *= heavy_massive_gain;
  // Factor paths f[b][t][k], AR(1) along t.
  std::vector<float> innov(batch * seqlen * heavy_factors);
  fill_gaussian(innov, input_key(seed, 3), 1.0);
  std::vector<double> f(batch * seqlen * heavy_factors);
  const double a = std::sqrt(1 - heavy_rho * heavy_rho);
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t t = 0; t < seqlen; ++t)
      for (std::size_t k = 0; k < heavy_factors; ++k) {
        const std::size_t i = (b * seqlen + t) * heavy_factors + k;
        f[i] = t == 0 ? innov[i] : heavy_rho * f[i - heavy_factors] + a * innov[i];
      }
  tensor3 x = tensor3::from_shape({batch, seqlen, h});
  const double wl = std::sqrt(1 - heavy_factor_share), wf = std::sqrt(heavy_factor_share);
  const std::uint64_t lkey = input_key(seed, 4);
  parallel_for(batch * seqlen, [&](std::size_t row) {
    kakeya::random_stream rng(kakeya::splitmix64(lkey ^ kakeya::splitmix64(row)));
    std::vector<double> z(h, 0.0);
    const double* fr = &f[row * heavy_factors];
    for (std::size_t k = 0; k < heavy_factors; ++k)
      for (std::size_t c = 0; c < h; ++c) z[c] += fr[k] * loading[k * h + c];
    double ss = 0;
    for (std::size_t c = 0; c < h; ++c) {
      z[c] = wl * rng.laplace() + wf * z[c];
      ss += z[c] * z[c];
    }
    const double inv = 1.0 / std::sqrt(ss / double(h) + 1e-6);
    float* out = x.data() + row * h;
    for (std::size_t c = 0; c < h; ++c) out[c] = static_cast<float>(z[c] * inv) * gain[c];
  });
  return x;
}

} // namespace

tensor3 synthetic_hidden(input_kind kind, std::size_t batch, std::size_t seqlen,
                         std::uint64_t seed) {
  if (kind == input_kind::heavy) return heavy_hidden(batch, seqlen, seed);
  tensor3 x = tensor3::from_shape({batch, seqlen, hidden_dim});
  fill_gaussian({x.data(), x.size()}, input_key(seed, 0), 1.0);
  return x;
}

tensor3 read_hidden_npy(const std::string& path, std::optional<std::size_t> batch_hint) {
  std::vector<std::byte> bytes;
  try {
    bytes = kakeya::io::read_file(path);
  } catch (const std::exception& e) {
    throw std::runtime_error(e.what());
  }
  // The library's reader accepts 2-D arrays only. A 3-D header is rewritten to the 2-D
  // [B·S, D] of the same C-order data (same header length, padded with spaces) and then goes
  // through the same strict checks of dtype, order and size.
  std::size_t folded_batch = 0;
  if (bytes.size() >= 10) {
    const int major = static_cast<int>(bytes[6]);
    const std::size_t start = major == 1 ? 10 : 12;
    std::size_t len = 0;
    if (major == 1 && bytes.size() >= 10)
      len = std::size_t(bytes[8]) | (std::size_t(bytes[9]) << 8);
    else if ((major == 2 || major == 3) && bytes.size() >= 12)
      len = std::size_t(bytes[8]) | (std::size_t(bytes[9]) << 8) | (std::size_t(bytes[10]) << 16) |
            (std::size_t(bytes[11]) << 24);
    if (len > 0 && start + len <= bytes.size()) {
      std::string header(reinterpret_cast<const char*>(bytes.data() + start), len);
      const std::size_t key = header.find("shape");
      const std::size_t open = key == std::string::npos ? key : header.find('(', key);
      const std::size_t close = open == std::string::npos ? open : header.find(')', open);
      if (close != std::string::npos) {
        std::vector<std::size_t> dims;
        std::string_view inner(header.data() + open + 1, close - open - 1);
        std::size_t pos = 0;
        bool ok = true;
        while (pos < inner.size()) {
          while (pos < inner.size() && (inner[pos] == ' ' || inner[pos] == ',')) ++pos;
          if (pos >= inner.size()) break;
          std::size_t v = 0, digits = 0;
          while (pos < inner.size() && inner[pos] >= '0' && inner[pos] <= '9' && digits < 18) {
            v = v * 10 + std::size_t(inner[pos++] - '0');
            ++digits;
          }
          if (digits == 0) {
            ok = false;
            break;
          }
          dims.push_back(v);
        }
        if (ok && dims.size() == 3) {
          std::string h2(header, 0, open);
          h2.append("(").append(std::to_string(dims[0] * dims[1])).append(", ");
          h2.append(std::to_string(dims[2])).append(")").append(header, close + 1);
          if (h2.size() <= header.size()) {
            const std::size_t pad = header.size() - h2.size();
            const std::size_t at = (!h2.empty() && h2.back() == '\n') ? h2.size() - 1 : h2.size();
            h2.insert(at, pad, ' ');
            std::memcpy(bytes.data() + start, h2.data(), h2.size());
            folded_batch = dims[0];
          }
        }
      }
    }
  }
  kakeya::io::npy_array a;
  try {
    a = kakeya::io::parse_npy(bytes, path);
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string(e.what()) +
                             " (--hidden takes [S, 4096] or [B, S, 4096] float32)");
  }
  if (a.cols != hidden_dim)
    throw std::runtime_error(path + ": hidden states must have " + std::to_string(hidden_dim) +
                             " values per token, found " + std::to_string(a.cols));
  std::size_t batch = folded_batch != 0 ? folded_batch : batch_hint.value_or(1);
  if (folded_batch != 0 && batch_hint && *batch_hint != folded_batch)
    throw std::runtime_error(path + ": --batch " + std::to_string(*batch_hint) +
                             " disagrees with the file's batch dimension " +
                             std::to_string(folded_batch));
  if (batch == 0 || a.rows % batch != 0)
    throw std::runtime_error(path + ": " + std::to_string(a.rows) +
                             " tokens do not split into --batch " + std::to_string(batch) +
                             " sequences");
  tensor3 x = tensor3::from_shape({batch, a.rows / batch, hidden_dim});
  std::copy(a.data.begin(), a.data.end(), x.data());
  return x;
}

} // namespace dsv4
