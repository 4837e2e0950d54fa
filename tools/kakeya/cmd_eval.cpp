// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya eval --codecs SPEC[,SPEC...] --in X.npy [--backend ...] [--threads N]  ->  JSON array,
// one object per codec: codec, bits_per_vector, rel_mse, cosine, snr_db, encode_vectors_per_s,
// decode_vectors_per_s

#include <chrono>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/metrics/rel_mse.hpp"

namespace kakeya::cli {

namespace {
// Splits "e8:q=38,fp8:block=64,scale=ue8m0" into specs: a new spec starts at a part with ':'.
std::vector<std::string> split_specs(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (part.find(':') != std::string::npos || out.empty())
      out.push_back(part);
    else
      out.back() += "," + part;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
} // namespace

void register_eval(CLI::App& app) {
  struct opts {
    std::string codecs, in, backend = "auto";
    unsigned threads = 0;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand(
      "eval", "Encode, decode and measure each codec on the rows of a .npy file; prints a JSON "
              "array (rel_mse = |X - X'|^2 / |X - mean X|^2, mean row cosine, SNR in dB, speeds)");
  cmd->add_option("--codecs", o->codecs, "codec specs separated by commas, e.g. e8:q=38,d4:q=38,fp8:block=64")->required();
  cmd->add_option("--in", o->in, "input .npy [N, D], finite values")->required();
  add_backend_option(cmd, o->backend);
  add_threads_option(cmd, o->threads);
  cmd->callback([o] {
    backend b = parse_backend(o->backend);
    apply_threads(o->threads);
    io::npy_array x = load_rows(o->in);
    std::vector<any_codec> codecs;
    for (const auto& s : split_specs(o->codecs)) codecs.push_back(any_codec::make(s, x.cols));
    nlohmann::json out = nlohmann::json::array();
    for (const auto& c : codecs) {
      std::vector<std::uint8_t> codes(x.rows * c.bytes_per_vector());
      std::vector<float> y(x.data.size());
      auto t0 = std::chrono::steady_clock::now();
      c.encode(x.data, codes, b);
      double te = seconds_since(t0);
      t0 = std::chrono::steady_clock::now();
      c.decode(codes, y, b);
      double td = seconds_since(t0);
      quality q = measure_quality(x.data, y, x.rows, x.cols);
      auto rate = [&](double t) { return t > 0 ? static_cast<double>(x.rows) / t : 0.0; };
      out.push_back({{"codec", c.spec()},
                     {"dim", c.dim()},
                     {"bits_per_vector", c.bits_per_vector()},
                     {"bytes_per_vector", c.bytes_per_vector()},
                     {"rel_mse", q.rel_mse},
                     {"cosine", q.cosine},
                     {"snr_db", q.snr_db},
                     {"max_abs_error", q.max_abs_error},
                     {"encode_vectors_per_s", rate(te)},
                     {"decode_vectors_per_s", rate(td)},
                     {"backend", to_string(b)},
                     {"vectors", x.rows}});
    }
    // A JSON array with one codec per line: readable, and still one JSON document.
    std::cout << "[\n";
    for (std::size_t i = 0; i < out.size(); ++i) std::cout << out[i].dump() << (i + 1 < out.size() ? ",\n" : "\n");
    std::cout << "]\n";
  });
}

} // namespace kakeya::cli
