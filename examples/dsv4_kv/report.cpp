// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <limits>
#include <numbers>
#include <sstream>

#include "kakeya/backend/backend.hpp"
#include "v4_cache.hpp"

namespace dsv4 {

namespace {

std::string fmt(const char* f, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, f);
  std::vsnprintf(buf, sizeof buf, f, ap);
  va_end(ap);
  return buf;
}

/// "1.234e-04" or "1.234e-04 ± 5.6e-06".
std::string sci(const mean_ci& c) {
  if (c.n < 2) return fmt("%.4e", c.mean);
  return fmt("%.4e ± %.1e", c.mean, c.half_width);
}
/// Fixed-point mean with `digits`, ± half-width in scientific notation.
std::string fixed_sci_ci(const mean_ci& c, int digits) {
  if (c.n < 2) return fmt("%.*f", digits, c.mean);
  return fmt("%.*f ± %.0e", digits, c.mean, c.half_width);
}
/// Fixed-point with `digits`, ± half-width when there are passages.
std::string fixed(const mean_ci& c, int digits) {
  if (c.n < 2) return fmt("%.*f", digits, c.mean);
  return fmt("%.*f ± %.*f", digits, c.mean, digits, c.half_width);
}

std::string pad(const std::string& s, std::size_t w) {
  // Width in code points (the ± sign is two bytes in UTF-8).
  std::size_t cp = 0;
  for (unsigned char ch : s) cp += (ch & 0xC0) != 0x80;
  return cp >= w ? s + " " : s + std::string(w - cp, ' ');
}

const char* stream_label(int s) { return stream_name(static_cast<stream_kind>(s)).data(); }

std::size_t passages(const run_result& r) { return r.passages.size(); }

nlohmann::json num(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

const std::array<double, 3> factors = {1.00, 1.05, 1.20};

std::string rows_of_layers() {
  return fmt("%d window-only + %d ratio-4 + %d ratio-128 layers", layers_window_only, layers_csa,
             layers_hca);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// stdout

void print_report(const run_result& r, std::FILE* out) {
  const auto& o = r.opt;
  const auto& p0 = r.passages.front();
  const std::size_t np = passages(r);
  std::fprintf(
      out,
      "dsv4_kv: DeepSeek-V4-Flash KV write path; lattice codecs against V4's own cache format\n");
  std::fprintf(out, "  input     %s; B = %zu, S = %zu tokens per passage; %zu passage%s%s\n",
               r.input_description.c_str(), p0.streams[0].shape[0], r.tokens_per_passage, np,
               np == 1 ? "" : "s", np > 1 ? " (mean ± 95 % CI, Student t)" : "");
  std::fprintf(out, "  weights   %s%s\n", r.weights_source.c_str(),
               o.weights_path ? "" : " (an architectural stand-in, not trained V4 weights)");
  std::fprintf(out, "  backend   %s (projections: %s)\n", kakeya::to_string(o.backend), to_string(matmul_for(o.backend)));
  std::fprintf(
      out,
      "  baseline  %s = 448 dims FP8 e4m3 (7 blocks of 64, ue8m0 scale, amax floor 1e-4) + 64 "
      "rope dims bf16: %zu bytes = %zu bits per vector\n",
      std::string(v4_cache_spec).c_str(), v4_cache_bytes, v4_cache_bits);
  std::fprintf(
      out, "  rel-MSE = |X - X'|^2 / |X - mean X|^2 over the stream before any quantisation\n\n");

  // Audit: rows = statistics, columns = streams.
  std::fprintf(out, "Non-Gaussian audit: value (the same statistic on iid Gaussian data of the "
                    "same size); * = gate fired\n");
  std::fprintf(out, "%s%s", pad("statistic", 30).c_str(), pad("gate", 7).c_str());
  for (int s = 0; s < stream_count; ++s) std::fprintf(out, "%s", pad(stream_label(s), 34).c_str());
  std::fprintf(out, "\n%s%s", pad("vectors per passage", 30).c_str(), pad("", 7).c_str());
  for (int s = 0; s < stream_count; ++s)
    std::fprintf(out, "%s", pad(std::to_string(p0.streams[s].vectors()), 34).c_str());
  std::fprintf(out, "\n");
  for (std::size_t g = 0; g < gates.size(); ++g) {
    std::fprintf(out, "%s%s", pad(std::string(gates[g].label), 30).c_str(),
                 pad(fmt("%g", gates[g].threshold), 7).c_str());
    for (int s = 0; s < stream_count; ++s) {
      const mean_ci v = ci95(audit_field(r, s, g, false));
      const mean_ci n = ci95(audit_field(r, s, g, true));
      const int digits = g == 1 || g == 2 ? 3 : 4;
      std::string cell = fixed(v, digits) + fmt(" (%.*f)", digits, n.mean);
      if (v.mean > gates[g].threshold) cell += " *";
      std::fprintf(out, "%s", pad(cell, 34).c_str());
    }
    std::fprintf(out, "\n");
  }
  std::fprintf(out, "\n");

  // Codec tables.
  const auto specs = table_specs(o.q_values);
  for (int s = 0; s < stream_count; ++s) {
    const auto& sr = p0.streams[s];
    std::fprintf(out, "%s [%zu, %zu, %zu]: %zu vectors per passage\n", stream_label(s), sr.shape[0],
                 sr.shape[1], sr.shape[2], sr.vectors());
    std::fprintf(out, "%s%s%s%s%s%s%s\n", pad("codec", 28).c_str(), pad("bits", 7).c_str(),
                 pad("bits/dim", 10).c_str(), pad("rel-MSE", 22).c_str(), pad("cosine", 22).c_str(),
                 pad("rel-MSE / v4-cache", 20).c_str(), "CR vs bf16");
    for (std::size_t i = 0; i < sr.codecs.size(); ++i) {
      const auto& c = sr.codecs[i];
      std::fprintf(out, "%s%s%s%s%s%s%s\n", pad(c.codec, 28).c_str(),
                   pad(std::to_string(c.bits_per_vector), 7).c_str(),
                   pad(fmt("%.2f", double(c.bits_per_vector) / head_dim), 10).c_str(),
                   pad(sci(ci95(codec_field(r, s, i, "rel_mse"))), 22).c_str(),
                   pad(fixed_sci_ci(ci95(codec_field(r, s, i, "cosine")), 6), 22).c_str(),
                   pad(fixed(ci95(ratio_vs_baseline(r, s, i)), 3), 20).c_str(),
                   fmt("%.2fx", 8192.0 / double(c.bits_per_vector)).c_str());
    }
    std::fprintf(out, "\n");
  }

  // 43-layer figure.
  const auto wl = weights_by_layers();
  const auto wb = weights_by_bytes(r.tokens_per_passage);
  const auto wm = weights_by_bytes(max_context);
  std::fprintf(out,
               "43-layer figure: rel-MSE / v4-cache weighted over V4-Flash's %s (config.json "
               "compress_ratios)\n",
               rows_of_layers().c_str());
  std::fprintf(out, "%s%s%s%s%s%s\n", pad("codec", 28).c_str(), pad("bits", 7).c_str(),
               pad("CR vs v4-cache", 16).c_str(), pad("by layers", 20).c_str(),
               pad(fmt("by bytes @ %zu tokens", r.tokens_per_passage), 26).c_str(),
               fmt("by bytes @ %zu tokens", max_context).c_str());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& c = p0.streams[0].codecs[i];
    std::fprintf(out, "%s%s%s%s%s%s\n", pad(c.codec, 28).c_str(),
                 pad(std::to_string(c.bits_per_vector), 7).c_str(),
                 pad(fmt("%.3fx", double(v4_cache_bits) / double(c.bits_per_vector)), 16).c_str(),
                 pad(fixed(ci95(layer_weighted_ratio(r, i, wl)), 3), 20).c_str(),
                 pad(fixed(ci95(layer_weighted_ratio(r, i, wb)), 3), 26).c_str(),
                 fixed(ci95(layer_weighted_ratio(r, i, wm)), 3).c_str());
  }
  std::fprintf(
      out,
      "(cache entries per kind at the by-bytes contexts: every layer keeps a 128-token window; "
      "ratio-4 layers add S/4, ratio-128 layers S/128 entries)\n\n");

  // Sweep.
  if (o.sweep) {
    std::fprintf(
        out, "e8 sweep, q = 1..%d: the smallest q with rel-MSE(e8:q) <= k x rel-MSE(v4-cache)%s\n",
        o.sweep_q_max, np > 1 ? "; q on the mean, [q with mean + CI half-width]" : "");
    std::fprintf(out, "%s%s%s%s%s%s%s%s\n", pad("stream", 24).c_str(), pad("k", 7).c_str(),
                 pad("q", 12).c_str(), pad("bits", 8).c_str(), pad("CR vs v4-cache", 16).c_str(),
                 pad("CR vs bf16", 12).c_str(), pad("rel-MSE / v4-cache at q", 26).c_str(),
                 "same bits up to q (ratio there)");
    for (double k : factors) {
      for (int s = 0; s < stream_count; ++s) {
        const auto a = sweep_threshold(r, s, k, 0);
        std::string q = a.q_point ? std::to_string(a.q_point) : "none";
        if (np > 1) q += a.q_ci_safe ? fmt(" [%d]", a.q_ci_safe) : " [none]";
        std::fprintf(
            out, "%s%s%s%s%s%s%s%s\n", pad(stream_label(s), 24).c_str(),
            pad(fmt("%.2f", k), 7).c_str(), pad(q, 12).c_str(),
            pad(a.q_point ? std::to_string(a.bits_point) : "-", 8).c_str(),
            pad(a.q_point ? fmt("%.3fx", double(v4_cache_bits) / double(a.bits_point)) : "-", 16)
                .c_str(),
            pad(a.q_point ? fmt("%.2fx", 8192.0 / double(a.bits_point)) : "-", 12).c_str(),
            pad(a.q_point ? fixed(a.ratio_at_point, 3) : "-", 26).c_str(),
            a.q_point
                ? (std::to_string(a.q_same_bits) + " (" + fixed(a.ratio_at_same_bits, 3) + ")")
                      .c_str()
                : "-");
      }
    }
    std::fprintf(out, "\n43-layer figure at those q (per-stream q; 'unified' = one q, the largest, "
                      "for every layer)\n");
    std::fprintf(out, "%s%s%s%s\n", pad("k", 7).c_str(), pad("weighting", 34).c_str(),
                 pad("bits per vector", 18).c_str(), "CR vs v4-cache   CR vs bf16");
    for (double k : factors) {
      std::array<double, stream_count> bits{};
      int unified = 0;
      bool all = true;
      for (int s = 0; s < stream_count; ++s) {
        const auto a = sweep_threshold(r, s, k, 0);
        all = all && a.q_point != 0;
        bits[s] = double(a.bits_point);
        unified = std::max(unified, a.q_point);
      }
      if (!all) {
        std::fprintf(out, "%s(no q <= %d reaches this on every stream)\n",
                     pad(fmt("%.2f", k), 7).c_str(), o.sweep_q_max);
        continue;
      }
      for (const auto& w : {wl, wb, wm}) {
        const double cr = weighted_compression(w, bits, double(v4_cache_bits));
        const double b = double(v4_cache_bits) / cr;
        std::fprintf(out, "%s%s%s%s\n", pad(fmt("%.2f", k), 7).c_str(), pad(w.label, 34).c_str(),
                     pad(fmt("%.1f", b), 18).c_str(),
                     fmt("%.3fx           %.2fx", cr, 8192.0 / b).c_str());
      }
      const auto& curve = p0.streams[0].e8_curve;
      const double ub = double(curve[unified - 1].bits_per_vector);
      std::fprintf(out, "%s%s%s%s\n", pad(fmt("%.2f", k), 7).c_str(),
                   pad(fmt("unified e8:q=%d", unified), 34).c_str(),
                   pad(fmt("%.0f", ub), 18).c_str(),
                   fmt("%.3fx           %.2fx", double(v4_cache_bits) / ub, 8192.0 / ub).c_str());
    }
    std::fprintf(out, "\n");
  }

  for (const auto& w : r.warnings) std::fprintf(out, "warning: %s\n", w.c_str());
  std::fprintf(out, "time: %.1f s (write path %.1f, audit %.1f, codec table %.1f%s)\n",
               r.seconds_total, r.seconds_write_path, r.seconds_audit, r.seconds_codecs,
               (o.sweep || o.plot_path) ? fmt(", sweep/plot curves %.1f", r.seconds_curves).c_str()
                                        : "");
}

// ---------------------------------------------------------------------------------------------
// JSON

nlohmann::json to_json(const run_result& r) {
  using nlohmann::json;
  const auto& o = r.opt;
  const auto& p0 = r.passages.front();
  const std::size_t np = passages(r);
  json j;
  j["tool"] = "dsv4_kv";
  j["config"] = {
      {"seqlen", r.tokens_per_passage},
      {"batch", p0.streams[0].shape[0]},
      {"seed", o.seed},
      {"q_values", o.q_values},
      {"input", o.hidden_path ? "hidden" : (o.input == input_kind::heavy ? "heavy" : "gaussian")},
      {"input_description", r.input_description},
      {"hidden", o.hidden_path ? json(*o.hidden_path) : json(nullptr)},
      {"weights", r.weights_source},
      {"weights_layer_ids", {o.layers.window, o.layers.csa, o.layers.hca}},
      {"sweep", o.sweep},
      {"passages", np},
      {"backend", kakeya::to_string(o.backend)},
      {"matmul", to_string(matmul_for(o.backend))}};
  j["model"] = {
      {"hidden_dim", hidden_dim},
      {"head_dim", head_dim},
      {"rope_dim", rope_dim},
      {"window", window},
      {"rms_norm_eps", rms_eps},
      {"rope_theta", rope_theta},
      {"compress_rope_theta", compress_rope_theta},
      {"yarn",
       {{"factor", 16},
        {"original_len", 65536},
        {"beta_fast", 32},
        {"beta_slow", 1},
        {"active", r.tokens_per_passage > 65536}}},
      {"layer_counts",
       {{"window_only", layers_window_only},
        {"csa_ratio4", layers_csa},
        {"hca_ratio128", layers_hca},
        {"total", layers_total},
        {"source",
         "DeepSeek-V4-Flash config.json compress_ratios (44 entries; index 43 is the MTP block)"},
        {"study_counts", {study_layers_window_only, study_layers_csa, study_layers_hca}}}}};
  j["baseline"] = {{"codec", v4_cache_spec},
                   {"bits_per_vector", v4_cache_bits},
                   {"bytes_per_vector", v4_cache_bytes},
                   {"description",
                    "448 non-rope dims FP8 e4m3 in 7 blocks of 64 with a ue8m0 scale each "
                    "(amax floored at 1e-4), 64 rope dims bf16; serving engines pad to 584 bytes"}};
  if (np > 1) j["t_quantile_0975"] = student_t_quantile(0.975, double(np - 1));

  const auto specs = table_specs(o.q_values);
  json streams = json::array();
  for (int s = 0; s < stream_count; ++s) {
    const auto& sr = p0.streams[s];
    json st;
    st["name"] = stream_label(s);
    st["shape"] = {sr.shape[0], sr.shape[1], sr.shape[2]};
    st["vectors"] = sr.vectors();
    st["warning"] = sr.vectors() < min_vectors
                        ? json(fmt("rests on %zu vectors (< %zu)", sr.vectors(), min_vectors))
                        : json(nullptr);
    json audit_j, null_j, ci_j, gates_j;
    for (std::size_t g = 0; g < gates.size(); ++g) {
      const mean_ci v = ci95(audit_field(r, s, g, false));
      const mean_ci n = ci95(audit_field(r, s, g, true));
      const std::string key(gates[g].key);
      audit_j[key] = num(v.mean);
      null_j[key] = num(n.mean);
      if (np > 1) ci_j[key] = num(v.half_width);
      gates_j[key] = {{"threshold", gates[g].threshold},
                      {"fired", v.mean > gates[g].threshold},
                      {"fired_on_gaussian_null", n.mean > gates[g].threshold}};
    }
    audit_j["p99_constant"] = p99_two_sided;
    audit_j["vectors"] = sr.vectors();
    audit_j["gates"] = gates_j;
    audit_j["gaussian_null"] = null_j;
    if (np > 1) audit_j["ci95_half_width"] = ci_j;
    st["audit"] = audit_j;

    json codecs = json::array();
    for (std::size_t i = 0; i < sr.codecs.size(); ++i) {
      const auto& c = sr.codecs[i];
      const mean_ci rm = ci95(codec_field(r, s, i, "rel_mse"));
      const mean_ci co = ci95(codec_field(r, s, i, "cosine"));
      const mean_ci ra = ci95(ratio_vs_baseline(r, s, i));
      json cj = {{"codec", c.codec},
                 {"bits_per_vector", c.bits_per_vector},
                 {"bytes_per_vector", c.bytes_per_vector},
                 {"bits_per_dim", double(c.bits_per_vector) / head_dim},
                 {"rel_mse", num(rm.mean)},
                 {"cosine", num(co.mean)},
                 {"ratio_vs_baseline", num(ra.mean)},
                 {"bits_vs_baseline", double(c.bits_per_vector) / double(v4_cache_bits)},
                 {"compression_vs_baseline", double(v4_cache_bits) / double(c.bits_per_vector)},
                 {"compression_vs_bf16", 8192.0 / double(c.bits_per_vector)}};
      if (np > 1)
        cj["ci95_half_width"] = {{"rel_mse", num(rm.half_width)},
                                 {"cosine", num(co.half_width)},
                                 {"ratio_vs_baseline", num(ra.half_width)}};
      codecs.push_back(cj);
    }
    st["codecs"] = codecs;

    auto curve_json = [&](auto member) {
      json a = json::array();
      const auto& first = p0.streams[s].*member;
      for (std::size_t qi = 0; qi < first.size(); ++qi) {
        std::vector<double> v;
        for (const auto& p : r.passages) v.push_back((p.streams[s].*member)[qi].rel_mse);
        const mean_ci c = ci95(v);
        json pt = {{"codec", first[qi].codec},
                   {"bits_per_vector", first[qi].bits_per_vector},
                   {"rel_mse", num(c.mean)}};
        if (np > 1) pt["ci95_half_width"] = num(c.half_width);
        a.push_back(pt);
      }
      return a;
    };
    if (!sr.e8_curve.empty()) st["e8_curve"] = curve_json(&stream_result::e8_curve);
    if (!sr.d4_curve.empty()) st["d4_curve"] = curve_json(&stream_result::d4_curve);

    if (o.sweep) {
      json thr = json::array();
      for (std::size_t b : {std::size_t{0}, std::size_t{1}}) {
        for (double k : factors) {
          const auto a = sweep_threshold(r, s, k, b);
          json t = {{"baseline", sr.codecs[b].codec},
                    {"factor", k},
                    {"q", a.q_point ? json(a.q_point) : json(nullptr)},
                    {"bits_per_vector", a.q_point ? json(a.bits_point) : json(nullptr)}};
          if (a.q_point) {
            t["compression_vs_baseline"] =
                double(sr.codecs[b].bits_per_vector) / double(a.bits_point);
            t["compression_vs_v4_cache"] = double(v4_cache_bits) / double(a.bits_point);
            t["compression_vs_bf16"] = 8192.0 / double(a.bits_point);
            t["ratio_vs_baseline"] = num(a.ratio_at_point.mean);
            t["q_same_bits_max"] = a.q_same_bits;
            t["ratio_vs_baseline_at_q_same_bits_max"] = num(a.ratio_at_same_bits.mean);
          }
          if (np > 1) {
            t["q_ci_safe"] = a.q_ci_safe ? json(a.q_ci_safe) : json(nullptr);
            t["bits_per_vector_ci_safe"] = a.q_ci_safe ? json(a.bits_ci_safe) : json(nullptr);
            if (a.q_point)
              t["ratio_vs_baseline_ci95_half_width"] = num(a.ratio_at_point.half_width);
          }
          thr.push_back(t);
        }
      }
      st["sweep"] = {{"codec_family", "e8"}, {"q_max", o.sweep_q_max}, {"thresholds", thr}};
    }
    streams.push_back(st);
  }
  j["streams"] = streams;

  // 43-layer figure.
  const std::vector<stream_weights> ws = {weights_by_layers(),
                                          weights_by_bytes(r.tokens_per_passage),
                                          weights_by_bytes(max_context), weights_by_study_layers()};
  const std::vector<std::string> wkeys = {"by_layers", "by_bytes_seqlen", "by_bytes_max_context",
                                          "by_study_layers"};
  json lw;
  json wj;
  for (std::size_t k = 0; k < ws.size(); ++k)
    wj[wkeys[k]] = {{"label", ws[k].label}, {"weights", {ws[k].w[0], ws[k].w[1], ws[k].w[2]}}};
  lw["weights"] = wj;
  json lc = json::array();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& c = p0.streams[0].codecs[i];
    json cj = {{"codec", c.codec},
               {"bits_per_vector", c.bits_per_vector},
               {"compression_vs_baseline", double(v4_cache_bits) / double(c.bits_per_vector)}};
    for (std::size_t k = 0; k < ws.size(); ++k) {
      const mean_ci m = ci95(layer_weighted_ratio(r, i, ws[k]));
      cj["ratio_vs_baseline_" + wkeys[k]] = num(m.mean);
      if (np > 1) cj["ratio_vs_baseline_" + wkeys[k] + "_ci95_half_width"] = num(m.half_width);
    }
    lc.push_back(cj);
  }
  lw["codecs"] = lc;
  if (o.sweep) {
    json sw = json::array();
    for (double k : factors) {
      std::array<double, stream_count> bits{};
      std::array<json, stream_count> qs;
      bool all = true;
      int unified = 0;
      for (int s = 0; s < stream_count; ++s) {
        const auto a = sweep_threshold(r, s, k, 0);
        all = all && a.q_point != 0;
        bits[s] = double(a.bits_point);
        qs[s] = a.q_point ? json(a.q_point) : json(nullptr);
        unified = std::max(unified, a.q_point);
      }
      json e = {{"factor", k}, {"baseline", v4_cache_spec}, {"q_per_stream", qs}};
      if (all) {
        for (std::size_t w = 0; w < ws.size(); ++w) {
          const double cr = weighted_compression(ws[w], bits, double(v4_cache_bits));
          e[wkeys[w]] = {{"bits_per_vector", double(v4_cache_bits) / cr},
                         {"compression_vs_baseline", cr},
                         {"compression_vs_bf16", 8192.0 / (double(v4_cache_bits) / cr)}};
        }
        const double ub = double(p0.streams[0].e8_curve[unified - 1].bits_per_vector);
        e["unified"] = {{"q", unified},
                        {"bits_per_vector", ub},
                        {"compression_vs_baseline", double(v4_cache_bits) / ub},
                        {"compression_vs_bf16", 8192.0 / ub}};
      }
      sw.push_back(e);
    }
    lw["sweep"] = sw;
  }
  j["layer_weighted"] = lw;

  if (np > 1) {
    json pp = json::array();
    for (const auto& p : r.passages) {
      json pj = {{"label", p.label}};
      json ss = json::array();
      for (int s = 0; s < stream_count; ++s) {
        const auto& sr = p.streams[s];
        json a;
        for (std::size_t g = 0; g < gates.size(); ++g)
          a[std::string(gates[g].key)] = num(gate_value(sr.audit, g));
        json cs = json::array();
        for (const auto& c : sr.codecs)
          cs.push_back({{"codec", c.codec},
                        {"rel_mse", num(c.rel_mse)},
                        {"cosine", num(c.cosine)},
                        {"ratio_vs_baseline", num(c.rel_mse / sr.baseline().rel_mse)}});
        ss.push_back({{"name", stream_label(s)}, {"audit", a}, {"codecs", cs}});
      }
      pj["streams"] = ss;
      pp.push_back(pj);
    }
    j["per_passage"] = pp;
  }
  j["warnings"] = r.warnings;
  j["timing_s"] = {{"total", r.seconds_total},
                   {"write_path", r.seconds_write_path},
                   {"audit", r.seconds_audit},
                   {"codec_table", r.seconds_codecs},
                   {"curves", r.seconds_curves}};
  return j;
}

// ---------------------------------------------------------------------------------------------
// SVG

namespace {

struct series {
  std::string label, color;
  std::vector<std::pair<double, double>> pts; // (bits, rel-MSE)
  bool line = true;
  std::string marker = "circle"; // circle, square, diamond, triangle, star
};

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<')
      o += "&lt;";
    else if (c == '>')
      o += "&gt;";
    else if (c == '&')
      o += "&amp;";
    else if (c == '\'')
      o += "&apos;";
    else
      o += c;
  }
  return o;
}

std::string marker_svg(const std::string& kind, double x, double y, const std::string& color,
                       double r) {
  std::ostringstream s;
  if (kind == "square")
    s << fmt("<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'/>", x - r, y - r, 2 * r,
             2 * r, color.c_str());
  else if (kind == "diamond")
    s << fmt("<polygon points='%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f' fill='%s'/>", x,
             y - 1.4 * r, x + 1.4 * r, y, x, y + 1.4 * r, x - 1.4 * r, y, color.c_str());
  else if (kind == "triangle")
    s << fmt("<polygon points='%.1f,%.1f %.1f,%.1f %.1f,%.1f' fill='%s'/>", x, y - 1.5 * r,
             x + 1.4 * r, y + r, x - 1.4 * r, y + r, color.c_str());
  else if (kind == "star") {
    s << "<polygon points='";
    for (int k = 0; k < 10; ++k) {
      const double a = -std::numbers::pi / 2 + k * std::numbers::pi / 5,
                   rr = (k % 2 == 0 ? 2.2 : 0.9) * r;
      s << fmt("%.1f,%.1f ", x + rr * std::cos(a), y + rr * std::sin(a));
    }
    s << fmt("' fill='%s'/>", color.c_str());
  } else
    s << fmt("<circle cx='%.1f' cy='%.1f' r='%.1f' fill='%s'/>", x, y, r, color.c_str());
  return s.str();
}

} // namespace

std::string to_svg(const run_result& r) {
  const auto& p0 = r.passages.front();
  const auto specs = table_specs(r.opt.q_values);
  const double panel_w = 420, panel_h = 395, ml = 70, mr = 16, mt = 55, mb = 50;
  const double width = 3 * panel_w, height = panel_h + 110;
  std::ostringstream svg;
  svg << fmt(
      "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' viewBox='0 0 %.0f %.0f' "
      "font-family='DejaVu Sans, Arial, sans-serif' font-size='12'>\n",
      width, height, width, height);
  svg << fmt("<rect x='0' y='0' width='%.0f' height='%.0f' fill='white'/>\n", width, height);
  svg << fmt(
      "<text x='%.0f' y='22' font-size='15' text-anchor='middle' font-weight='bold'>"
      "DeepSeek-V4 KV streams: rel-MSE vs bits per vector (dsv4_kv, %s, B=%zu, S=%zu%s)</text>\n",
      width / 2,
      r.opt.hidden_path ? "--hidden"
                        : (r.opt.input == input_kind::heavy ? "heavy input" : "Gaussian input"),
      p0.streams[0].shape[0], r.tokens_per_passage,
      r.passages.size() > 1 ? fmt(", mean of %zu passages", r.passages.size()).c_str() : "");

  for (int s = 0; s < stream_count; ++s) {
    // Mean rel-MSE over passages of each row / curve point.
    auto mean_rel = [&](auto getter) {
      double sum = 0;
      for (const auto& p : r.passages) sum += getter(p.streams[s]);
      return sum / double(r.passages.size());
    };
    std::vector<series> ser;
    auto family = [&](const std::string& prefix, const std::string& label, const std::string& color,
                      const std::string& marker) {
      series se{label, color, {}, true, marker};
      for (std::size_t i = 0; i < specs.size(); ++i)
        if (specs[i].rfind(prefix, 0) == 0)
          se.pts.emplace_back(
              double(p0.streams[s].codecs[i].bits_per_vector),
              mean_rel([&](const stream_result& x) { return x.codecs[i].rel_mse; }));
      return se;
    };
    auto curve = [&](auto member, const std::string& label, const std::string& color,
                     const std::string& marker) {
      series se{label, color, {}, true, marker};
      const auto& first = p0.streams[s].*member;
      for (std::size_t qi = 0; qi < first.size(); ++qi)
        se.pts.emplace_back(
            double(first[qi].bits_per_vector),
            mean_rel([&](const stream_result& x) { return (x.*member)[qi].rel_mse; }));
      return se;
    };
    series e8 = p0.streams[s].e8_curve.empty()
                    ? family("e8:", "e8 (KakeyaLattice)", "#1f77b4", "circle")
                    : curve(&stream_result::e8_curve, "e8 (KakeyaLattice)", "#1f77b4", "circle");
    series d4 = p0.streams[s].d4_curve.empty()
                    ? family("d4:", "d4", "#ff7f0e", "circle")
                    : curve(&stream_result::d4_curve, "d4", "#ff7f0e", "circle");
    series z = family("z:", "z (cube ablation)", "#2ca02c", "diamond");
    series lm = family("lloyd-max:", "lloyd-max 3-5 bits", "#9467bd", "triangle");
    series fp8{"fp8:block=64", "#d62728", {}, false, "square"};
    series fp8u{"fp8:block=64,scale=ue8m0", "#e377c2", {}, false, "square"};
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const double b = double(p0.streams[s].codecs[i].bits_per_vector);
      const double v = mean_rel([&](const stream_result& x) { return x.codecs[i].rel_mse; });
      if (specs[i] == "fp8:block=64") fp8.pts.emplace_back(b, v);
      if (specs[i] == "fp8:block=64,scale=ue8m0") fp8u.pts.emplace_back(b, v);
    }
    const double base_bits = double(v4_cache_bits);
    const double base_mse = mean_rel([](const stream_result& x) { return x.baseline().rel_mse; });
    series v4{"v4-cache (V4's FP8 + bf16 rope)", "black", {{base_bits, base_mse}}, false, "star"};
    std::vector<series> all = {e8, d4, z, lm, fp8, fp8u, v4};

    double lo = 1e300, hi = 0, xmax = 0;
    for (const auto& se : all)
      for (auto [b, v] : se.pts) {
        if (v > 0) lo = std::min(lo, v), hi = std::max(hi, v);
        xmax = std::max(xmax, b);
      }
    const double ylo = std::floor(std::log10(lo)), yhi = std::ceil(std::log10(hi));
    const double xhi = std::ceil((xmax + 200) / 1000.0) * 1000.0;
    const double ox = s * panel_w, px0 = ox + ml, px1 = ox + panel_w - mr, py0 = mt,
                 py1 = panel_h - mb;
    auto X = [&](double b) { return px0 + (px1 - px0) * b / xhi; };
    auto Y = [&](double v) { return py1 - (py1 - py0) * (std::log10(v) - ylo) / (yhi - ylo); };

    svg << fmt("<g>\n<text x='%.1f' y='%.1f' text-anchor='middle' font-weight='bold'>%s (%zu "
               "vectors)</text>\n",
               (px0 + px1) / 2, py0 - 8, stream_label(s), p0.streams[s].vectors());
    svg << fmt("<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' stroke='#444'/>\n",
               px0, py0, px1 - px0, py1 - py0);
    for (double e = ylo; e <= yhi + 1e-9; e += 1) {
      const double y = Y(std::pow(10.0, e));
      svg << fmt("<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#ddd'/>\n", px0, y, px1, y);
      svg << fmt("<text x='%.1f' y='%.1f' text-anchor='end'>1e%d</text>\n", px0 - 5, y + 4, int(e));
      for (int m = 2; m < 10 && e < yhi; ++m) {
        const double ym = Y(m * std::pow(10.0, e));
        svg << fmt("<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#999'/>\n", px0, ym,
                   px0 + 4, ym);
      }
    }
    for (double b = 0; b <= xhi + 1e-9; b += 1000) {
      const double x = X(b);
      svg << fmt("<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#eee'/>\n", x, py0, x, py1);
      svg << fmt("<text x='%.1f' y='%.1f' text-anchor='middle'>%.0f</text>\n", x, py1 + 16, b);
    }
    svg << fmt("<text x='%.1f' y='%.1f' text-anchor='middle'>bits per vector (512 dims)</text>\n",
               (px0 + px1) / 2, py1 + 34);
    svg << fmt("<text x='%.1f' y='%.1f' text-anchor='middle' transform='rotate(-90 %.1f "
               "%.1f)'>rel-MSE (log)</text>\n",
               ox + 18, (py0 + py1) / 2, ox + 18, (py0 + py1) / 2);
    // The baseline's level and budget.
    svg << fmt(
        "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='black' stroke-dasharray='5,4'/>\n",
        px0, Y(base_mse), px1, Y(base_mse));
    svg << fmt(
        "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='black' stroke-dasharray='2,4'/>\n",
        X(base_bits), py0, X(base_bits), py1);
    for (const auto& se : all) {
      if (se.pts.empty()) continue;
      if (se.line && se.pts.size() > 1) {
        svg << "<polyline fill='none' stroke-width='1.6' stroke='" << se.color << "' points='";
        for (auto [b, v] : se.pts) svg << fmt("%.1f,%.1f ", X(b), Y(v));
        svg << "'/>\n";
      }
      const double rad = se.line && se.pts.size() > 20 ? 1.6 : 3.5;
      for (auto [b, v] : se.pts) svg << marker_svg(se.marker, X(b), Y(v), se.color, rad) << "\n";
    }
    svg << "</g>\n";
    if (s == 0) {
      // Legend under the panels.
      double lx = 80, ly = panel_h + 20;
      int k = 0;
      for (const auto& se : all) {
        const double x = lx + (k % 4) * 300, y = ly + (k / 4) * 22;
        if (se.line)
          svg << fmt("<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='%s' stroke-width='2'/>",
                     x - 12, y - 4, x + 12, y - 4, se.color.c_str());
        svg << marker_svg(se.marker, x, y - 4, se.color, 4)
            << fmt("<text x='%.1f' y='%.1f'>%s</text>\n", x + 20, y, se.label.c_str());
        ++k;
      }
      svg << fmt("<text x='%.1f' y='%.1f' fill='#333'>dashed: v4-cache rel-MSE level; dotted: its "
                 "4664 bits. "
                 "Below the dashed line = better than V4's cache, left of the dotted line = fewer "
                 "bits.</text>\n",
                 lx - 12, ly + 60);
      svg << fmt("<text x='%.1f' y='%.1f' fill='#333'>weights: %s. rel-MSE against the stream "
                 "before any quantisation.</text>\n",
                 lx - 12, ly + 80, xml_escape(r.weights_source).c_str());
    }
  }
  svg << "</svg>\n";
  return svg.str();
}

} // namespace dsv4
