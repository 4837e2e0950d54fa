// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya rd --codecs SPEC[,SPEC...] --source gaussian|laplace|FILE.npy [--dim D] [--vectors N]
//           [--seed S] [--svg FILE] [--backend ...] [--threads N]
//   -> JSON array, one object per codec and rate: codec, family, rate, bits_per_vector,
//      bits_per_dim (every bit of side information included), rel_mse, snr_db,
//      shannon_rel_mse = 2^(-2 bits_per_dim), gap_db = 10 log10(rel_mse / shannon_rel_mse),
//      encode_vectors_per_s; with --svg, the curves (SNR against bits per dimension) and the
//      Shannon bound D(R) = 2^(-2R) drawn as a plot.
// A spec that is a bare family name sweeps its rate parameter (docs/components/voronoi.md):
//   e8v, d4v, e8b: rate=1..6; lloyd-max: bits=1..6; e8, d4, z: q in {1,2,3,4,6,8,12,16,24};
//   fp8: block=64 (one point).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/metrics/rel_mse.hpp"

namespace kakeya::cli {

namespace {

// Splits "e8v,e8:q=4,lloyd-max,fp8:block=64,scale=ue8m0": a part with '=' but no ':' continues
// the previous spec (its further keys); any other part starts a new spec.
std::vector<std::string> split_rd_specs(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const bool continues = part.find(':') == std::string::npos && part.find('=') != std::string::npos;
    if (continues && !out.empty())
      out.back() += "," + part;
    else
      out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// The specs of one --codecs entry: a bare family name becomes its sweep.
std::vector<std::string> expand(const std::string& spec) {
  if (spec.find(':') != std::string::npos) return {spec};
  std::vector<std::string> v;
  if (spec == "e8v" || spec == "d4v" || spec == "e8b")
    for (int r = 1; r <= 6; ++r) v.push_back(spec + ":rate=" + std::to_string(r));
  else if (spec == "lloyd-max")
    for (int b = 1; b <= 6; ++b) v.push_back(spec + ":bits=" + std::to_string(b));
  else if (spec == "e8" || spec == "d4" || spec == "z")
    for (int q : {1, 2, 3, 4, 6, 8, 12, 16, 24}) v.push_back(spec + ":q=" + std::to_string(q));
  else if (spec == "fp8")
    v.push_back("fp8:block=64");
  else
    v.push_back(spec); // let the spec parser explain what is wrong
  return v;
}

// The value of the spec's rate parameter (rate, bits, q or block), for the JSON: an integer,
// or a real for the ball codes' fractional rates.
nlohmann::json rate_parameter(const std::string& spec) {
  for (const char* key : {"rate=", "bits=", "q=", "block="}) {
    const std::size_t p = spec.find(key);
    if (p != std::string::npos && (p == 0 || spec[p - 1] == ':' || spec[p - 1] == ',')) {
      const double v = std::atof(spec.c_str() + p + std::char_traits<char>::length(key));
      if (v == std::floor(v)) return static_cast<int>(v);
      return v;
    }
  }
  return 0;
}

std::string svg_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else o += c;
  }
  return o;
}

// SNR (dB) against bits per dimension, one polyline per family, the Shannon bound as a line.
std::string make_svg(const nlohmann::json& rows, const std::string& title) {
  const double w = 760, h = 520, l = 70, r = 190, t = 40, b = 60;
  double xmax = 1, ymax = 6;
  for (const auto& e : rows) {
    xmax = std::max(xmax, e["bits_per_dim"].get<double>());
    ymax = std::max(ymax, -10.0 * std::log10(e["rel_mse"].get<double>()));
  }
  xmax = std::ceil(xmax + 0.25);
  ymax = std::max(ymax, 6.0206 * xmax);
  ymax = std::ceil(ymax / 5.0) * 5.0;
  auto px = [&](double x) { return l + (w - l - r) * x / xmax; };
  auto py = [&](double y) { return h - b - (h - t - b) * y / ymax; };
  const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(1);
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
    << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << l << "\" y=\"24\" font-size=\"14\">" << svg_escape(title) << "</text>\n";
  for (int x = 0; x <= static_cast<int>(xmax); ++x)
    s << "<line x1=\"" << px(x) << "\" y1=\"" << py(0) << "\" x2=\"" << px(x) << "\" y2=\"" << py(ymax)
      << "\" stroke=\"#eee\"/><text x=\"" << px(x) << "\" y=\"" << py(0) + 16
      << "\" text-anchor=\"middle\">" << x << "</text>\n";
  for (int y = 0; y <= static_cast<int>(ymax); y += 5)
    s << "<line x1=\"" << px(0) << "\" y1=\"" << py(y) << "\" x2=\"" << px(xmax) << "\" y2=\"" << py(y)
      << "\" stroke=\"#eee\"/><text x=\"" << px(0) - 6 << "\" y=\"" << py(y) + 4
      << "\" text-anchor=\"end\">" << y << "</text>\n";
  s << "<text x=\"" << (l + w - r) / 2 << "\" y=\"" << h - 20
    << "\" text-anchor=\"middle\">bits per dimension (all side information)</text>\n"
    << "<text transform=\"translate(20," << (t + h - b) / 2
    << ") rotate(-90)\" text-anchor=\"middle\">SNR = -10 log10(rel-MSE), dB</text>\n";
  // Shannon's bound for a memoryless Gaussian source: SNR = 20 log10(2) R.
  s << "<line x1=\"" << px(0) << "\" y1=\"" << py(0) << "\" x2=\"" << px(xmax) << "\" y2=\""
    << py(6.0206 * xmax) << "\" stroke=\"black\" stroke-dasharray=\"6,4\"/>\n";
  std::vector<std::string> families;
  for (const auto& e : rows) {
    const auto f = e["family"].get<std::string>();
    if (std::find(families.begin(), families.end(), f) == families.end()) families.push_back(f);
  }
  double ly = t + 10;
  s << "<line x1=\"" << w - r + 15 << "\" y1=\"" << ly << "\" x2=\"" << w - r + 45 << "\" y2=\"" << ly
    << "\" stroke=\"black\" stroke-dasharray=\"6,4\"/><text x=\"" << w - r + 50 << "\" y=\"" << ly + 4
    << "\">D(R) = 2^-2R</text>\n";
  for (std::size_t k = 0; k < families.size(); ++k) {
    const char* c = colors[k % 10];
    std::vector<std::pair<double, double>> pts;
    for (const auto& e : rows)
      if (e["family"] == families[k]) pts.emplace_back(e["bits_per_dim"].get<double>(),
                        -10.0 * std::log10(e["rel_mse"].get<double>()));
    std::sort(pts.begin(), pts.end());
    s << "<polyline fill=\"none\" stroke=\"" << c << "\" stroke-width=\"1.5\" points=\"";
    for (const auto& [x, y] : pts) s << px(x) << "," << py(std::max(0.0, y)) << " ";
    s << "\"/>\n";
    for (const auto& [x, y] : pts)
      s << "<circle cx=\"" << px(x) << "\" cy=\"" << py(std::max(0.0, y)) << "\" r=\"3\" fill=\"" << c << "\"/>\n";
    ly += 18;
    s << "<line x1=\"" << w - r + 15 << "\" y1=\"" << ly << "\" x2=\"" << w - r + 45 << "\" y2=\"" << ly
      << "\" stroke=\"" << c << "\" stroke-width=\"2\"/><text x=\"" << w - r + 50 << "\" y=\"" << ly + 4
      << "\">" << svg_escape(families[k]) << "</text>\n";
  }
  s << "</svg>\n";
  return s.str();
}

} // namespace

void register_rd(CLI::App& app) {
  struct opts {
    std::string codecs, source, svg, backend = "auto";
    std::size_t dim = 128, vectors = 4096;
    std::uint64_t seed = 1;
    unsigned threads = 0;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand(
      "rd", "Rate-distortion of codecs on a synthetic or given source: per codec and rate, bits per "
            "dimension (side information included), rel-MSE, SNR and the gap to Shannon's D(R) = "
            "2^(-2R) in dB, as a JSON array; --svg draws the curves");
  cmd->add_option("--codecs", o->codecs,
                  "codec specs separated by commas; a bare family (e8v, d4v, e8b, lloyd-max, e8, d4, z) sweeps its rate")
      ->required();
  cmd->add_option("--source", o->source, "gaussian, laplace (iid, unit variance) or a .npy file [N, D]")->required();
  cmd->add_option("--dim", o->dim, "dimension of synthetic vectors (default 128)");
  cmd->add_option("--vectors", o->vectors, "number of synthetic vectors (default 4096)")->check(CLI::Range(1, 1 << 24));
  cmd->add_option("--seed", o->seed, "seed of the synthetic source (default 1)");
  cmd->add_option("--svg", o->svg, "write the plot to this SVG file");
  add_backend_option(cmd, o->backend);
  add_threads_option(cmd, o->threads);
  cmd->callback([o] {
    backend b = parse_backend(o->backend);
    apply_threads(o->threads);
    io::npy_array x;
    if (o->source == "gaussian" || o->source == "laplace") {
      x.rows = o->vectors;
      x.cols = o->dim;
      x.data.resize(x.rows * x.cols);
      random_stream rs(o->seed);
      const bool g = o->source == "gaussian";
      for (auto& v : x.data) v = static_cast<float>(g ? rs.gaussian() : rs.laplace());
    } else {
      x = load_rows(o->source);
    }
    std::vector<std::string> specs;
    for (const auto& s : split_rd_specs(o->codecs))
      for (const auto& e : expand(s)) specs.push_back(e);
    std::vector<any_codec> codecs;
    for (const auto& s : specs) codecs.push_back(any_codec::make(s, x.cols));
    nlohmann::json out = nlohmann::json::array();
    std::vector<float> y(x.data.size());
    for (std::size_t i = 0; i < codecs.size(); ++i) {
      const auto& c = codecs[i];
      std::vector<std::uint8_t> codes(x.rows * c.bytes_per_vector());
      const auto t0 = std::chrono::steady_clock::now();
      c.encode(x.data, codes, b);
      const double te = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      c.decode(codes, y, b);
      const quality q = measure_quality(x.data, y, x.rows, x.cols);
      const double bpd = static_cast<double>(c.bits_per_vector()) / static_cast<double>(x.cols);
      const double shannon = std::pow(2.0, -2.0 * bpd);
      const std::string& spec = c.spec();
      out.push_back({{"codec", spec},
                     {"family", spec.substr(0, spec.find(':'))},
                     {"rate", rate_parameter(spec)},
                     {"source", o->source},
                     {"dim", x.cols},
                     {"vectors", x.rows},
                     {"bits_per_vector", c.bits_per_vector()},
                     {"bits_per_dim", bpd},
                     {"rel_mse", q.rel_mse},
                     {"snr_db", q.snr_db},
                     {"shannon_rel_mse", shannon},
                     {"gap_db", 10.0 * std::log10(q.rel_mse / shannon)},
                     {"encode_vectors_per_s", te > 0 ? static_cast<double>(x.rows) / te : 0.0},
                     {"backend", to_string(b)}});
    }
    if (!o->svg.empty()) {
      std::ofstream f(o->svg, std::ios::binary | std::ios::trunc);
      f << make_svg(out, "rate-distortion, source " + o->source + ", D = " + std::to_string(x.cols));
      if (!f) throw error(errc::io_error, o->svg + ": could not write the SVG file");
    }
    std::cout << "[\n";
    for (std::size_t i = 0; i < out.size(); ++i) std::cout << out[i].dump() << (i + 1 < out.size() ? ",\n" : "\n");
    std::cout << "]\n";
  });
}

} // namespace kakeya::cli
