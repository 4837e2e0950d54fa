// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "kakeya/core/random.hpp"
#include "model.hpp"
#include "v4_cache.hpp"

namespace dsv4 {

namespace {

using clock_type = std::chrono::steady_clock;
double since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

tensor3 slice_tokens(const tensor3& x, std::size_t t0, std::size_t len) {
  const std::size_t b = x.shape(0), s = x.shape(1), h = x.shape(2);
  tensor3 out = tensor3::from_shape({b, len, h});
  for (std::size_t bi = 0; bi < b; ++bi)
    std::copy(x.data() + (bi * s + t0) * h, x.data() + (bi * s + t0 + len) * h,
              out.data() + bi * len * h);
  return out;
}

} // namespace

std::vector<int> plot_q_grid() { return {1, 2, 3, 4, 6, 10, 16, 24, 38, 60, 100, 160}; }

run_result run(const run_options& opt) {
  const auto t_start = clock_type::now();
  run_result r;
  r.opt = opt;
  auto log = [](const std::string& s) { std::fprintf(stderr, "[dsv4_kv] %s\n", s.c_str()); };

  // Weights.
  model_weights w;
  if (opt.weights_path) {
    log("loading weights from " + *opt.weights_path);
    w = load_weights(*opt.weights_path, opt.layers);
  } else {
    w = seeded_weights(opt.seed);
  }
  check_shapes(w);
  r.weights_source = w.source;

  // Inputs.
  tensor3 file_hidden;
  std::size_t seqlen = opt.seqlen;
  if (opt.hidden_path) {
    log("reading hidden states from " + *opt.hidden_path);
    file_hidden = read_hidden_npy(
        *opt.hidden_path, opt.batch_given ? std::optional<std::size_t>(opt.batch) : std::nullopt);
    const std::size_t avail = file_hidden.shape(1);
    if (!opt.seqlen_given) seqlen = (avail / opt.passages) / hca_ratio * hca_ratio;
    if (seqlen < hca_ratio || seqlen * opt.passages > avail)
      throw std::runtime_error(*opt.hidden_path + ": " + std::to_string(avail) +
                               " tokens per sequence do not hold " + std::to_string(opt.passages) +
                               " passage(s) of " + std::to_string(std::max(seqlen, hca_ratio)) +
                               " tokens (a multiple of 128)");
    if (seqlen * opt.passages < avail)
      r.warnings.push_back(std::to_string(avail - seqlen * opt.passages) +
                           " trailing tokens of each sequence are not used (passages of " +
                           std::to_string(seqlen) + " tokens, a multiple of 128)");
    r.input_description = *opt.hidden_path + " [" + std::to_string(file_hidden.shape(0)) + ", " +
                          std::to_string(avail) + ", 4096]";
  } else {
    r.input_description = opt.input == input_kind::heavy
                              ? "synthetic heavy-tailed anisotropic (--input heavy)"
                              : "synthetic iid Gaussian N(0, 1)";
  }
  r.tokens_per_passage = seqlen;
  const std::size_t batch = opt.hidden_path ? file_hidden.shape(0) : opt.batch;
  if (batch * seqlen / hca_ratio < 2)
    throw std::runtime_error("the ratio-128 stream needs at least 2 vectors: B·S >= 256 tokens "
                             "(got B = " +
                             std::to_string(batch) + ", S = " + std::to_string(seqlen) + ")");

  for (std::size_t p = 0; p < opt.passages; ++p) {
    passage_result pr;
    auto t0 = clock_type::now();
    tensor3 hidden;
    std::size_t pos0 = 0;
    if (opt.hidden_path) {
      pos0 = p * seqlen;
      hidden = slice_tokens(file_hidden, pos0, seqlen);
      pr.label = "tokens [" + std::to_string(pos0) + ", " + std::to_string(pos0 + seqlen) + ")";
    } else {
      hidden = synthetic_hidden(opt.input, opt.batch, seqlen, opt.seed + p);
      pr.label = "input seed " + std::to_string(opt.seed + p);
    }
    const kv_streams streams = compute_streams(w, hidden, pos0, matmul_for(opt.backend));
    hidden = tensor3();
    const double t_write = since(t0);
    r.seconds_write_path += t_write;

    double t_audit = 0, t_codecs = 0, t_curves = 0;
    for (int s = 0; s < stream_count; ++s) {
      const auto kind = static_cast<stream_kind>(s);
      const tensor3& x = streams.get(kind);
      stream_result& sr = pr.streams[s];
      sr.kind = kind;
      sr.shape = {x.shape(0), x.shape(1), x.shape(2)};
      const std::size_t rows = sr.vectors();
      std::span<const float> xs(x.data(), x.size());
      auto ta = clock_type::now();
      sr.audit = audit(xs, rows, head_dim);
      sr.null = gaussian_null_audit(rows, head_dim, kakeya::splitmix64(opt.seed + 1000 * p + s));
      t_audit += since(ta);
      auto tc = clock_type::now();
      for (const auto& spec : table_specs(opt.q_values))
        sr.codecs.push_back(evaluate_codec(spec, xs, rows, opt.backend));
      t_codecs += since(tc);
      auto tq = clock_type::now();
      if (opt.sweep) {
        const std::string name(stream_name(kind));
        sr.e8_curve = e8_sweep(xs, rows, opt.backend, opt.sweep_q_max, [&](int q) {
          if (q % 20 == 0 || q == opt.sweep_q_max)
            log("passage " + std::to_string(p + 1) + "/" + std::to_string(opt.passages) + " " +
                name + ": e8 sweep q = " + std::to_string(q) + "/" +
                std::to_string(opt.sweep_q_max));
        });
      }
      if (opt.plot_path) {
        for (int q : plot_q_grid()) {
          if (!opt.sweep)
            sr.e8_curve.push_back(
                evaluate_codec("e8:q=" + std::to_string(q), xs, rows, opt.backend));
          sr.d4_curve.push_back(evaluate_codec("d4:q=" + std::to_string(q), xs, rows, opt.backend));
        }
      }
      t_curves += since(tq);
    }
    r.seconds_audit += t_audit;
    r.seconds_codecs += t_codecs;
    r.seconds_curves += t_curves;
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "passage %zu/%zu (%s): write path %.1f s, audit %.1f s, codecs %.1f s", p + 1,
                  opt.passages, pr.label.c_str(), t_write, t_audit, t_codecs);
    std::string line = buf;
    if (opt.sweep || opt.plot_path) {
      std::snprintf(buf, sizeof buf, ", curves %.1f s", t_curves);
      line += buf;
    }
    log(line);
    r.passages.push_back(std::move(pr));
  }

  for (int s = 0; s < stream_count; ++s) {
    const std::size_t n = r.passages.front().streams[s].vectors();
    if (n < min_vectors)
      r.warnings.push_back(std::string(stream_name(static_cast<stream_kind>(s))) + ": " +
                           std::to_string(n) + " vectors per passage (< " +
                           std::to_string(min_vectors) +
                           "): its audit and rel-MSE rest on too few vectors; use --seqlen or "
                           "--batch to give it at least 64");
  }
  r.seconds_total = since(t_start);
  return r;
}

std::vector<double> ratio_vs_baseline(const run_result& r, int stream, std::size_t i) {
  std::vector<double> v;
  for (const auto& p : r.passages)
    v.push_back(p.streams[stream].codecs[i].rel_mse / p.streams[stream].baseline().rel_mse);
  return v;
}

std::vector<double> codec_field(const run_result& r, int stream, std::size_t i,
                                const std::string& field) {
  std::vector<double> v;
  for (const auto& p : r.passages) {
    const auto& c = p.streams[stream].codecs[i];
    v.push_back(field == "cosine" ? c.cosine : c.rel_mse);
  }
  return v;
}

std::vector<double> audit_field(const run_result& r, int stream, std::size_t gate, bool null) {
  std::vector<double> v;
  for (const auto& p : r.passages)
    v.push_back(gate_value(null ? p.streams[stream].null : p.streams[stream].audit, gate));
  return v;
}

std::vector<double> layer_weighted_ratio(const run_result& r, std::size_t i,
                                         const stream_weights& w) {
  std::vector<double> v;
  for (const auto& p : r.passages) {
    std::array<double, stream_count> ratios{};
    for (int s = 0; s < stream_count; ++s)
      ratios[s] = p.streams[s].codecs[i].rel_mse / p.streams[s].baseline().rel_mse;
    v.push_back(weighted_mean(w, ratios));
  }
  return v;
}

sweep_answer sweep_threshold(const run_result& r, int stream, double k, std::size_t baseline_row) {
  sweep_answer a;
  const auto& first = r.passages.front().streams[stream].e8_curve;
  auto ratio_ci = [&](std::size_t qi) {
    std::vector<double> ratios;
    for (const auto& p : r.passages) {
      const auto& sr = p.streams[stream];
      ratios.push_back(sr.e8_curve[qi].rel_mse / sr.codecs[baseline_row].rel_mse);
    }
    return ci95(ratios);
  };
  for (std::size_t qi = 0; qi < first.size(); ++qi) {
    const mean_ci c = ratio_ci(qi);
    const int q = static_cast<int>(qi) + 1;
    if (a.q_point == 0 && c.mean <= k) {
      a.q_point = q;
      a.bits_point = first[qi].bits_per_vector;
      a.ratio_at_point = c;
    }
    if (a.q_ci_safe == 0 && c.mean + c.half_width <= k) {
      a.q_ci_safe = q;
      a.bits_ci_safe = first[qi].bits_per_vector;
    }
  }
  if (a.q_point != 0) {
    std::size_t qi = static_cast<std::size_t>(a.q_point) - 1;
    while (qi + 1 < first.size() && first[qi + 1].bits_per_vector == a.bits_point) ++qi;
    a.q_same_bits = static_cast<int>(qi) + 1;
    a.ratio_at_same_bits = ratio_ci(qi);
  }
  return a;
}

} // namespace dsv4
