// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// dsv4_kv: DeepSeek-V4-Flash's KV write path (sliding window, CSA ratio 4, HCA ratio 128) and
// the question whether lattice codecs beat V4's own FP8 cache format on it at fewer bits.
// docs/dsv4.md explains every formula, flag and output field.

#include <cstdio>
#include <exception>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "kakeya/codec/any_codec.hpp"
#include "kakeya/core/error.hpp"
#include "kakeya/io/file.hpp"
#include "report.hpp"

namespace {

std::vector<int> parse_int_list(const std::string& s, const std::string& flag) {
  std::vector<int> v;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::size_t used = 0;
    int x = 0;
    try {
      x = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size())
      throw std::runtime_error(flag + ": '" + item + "' is not an integer (expected e.g. " +
                               (flag == "--q-values" ? "10,38" : "0,2,3") + ")");
    v.push_back(x);
  }
  if (v.empty()) throw std::runtime_error(flag + ": empty list");
  return v;
}

void write_text(const std::string& path, const std::string& text) {
  std::span<const std::byte> part(reinterpret_cast<const std::byte*>(text.data()), text.size());
  kakeya::io::write_file_atomic(path, std::span<const std::span<const std::byte>>(&part, 1));
}

} // namespace

int main(int argc, char** argv) {
  dsv4::run_options opt;
  CLI::App app{"dsv4_kv: DeepSeek-V4-Flash KV streams (sliding window, CSA ratio 4, HCA ratio 128) "
               "through lattice codecs, against V4's own FP8 cache format (docs/dsv4.md)"};
  app.name("dsv4_kv");
  std::string q_values = "10,38", input = "gaussian", layer_ids = "0,2,3", hidden, weights, json,
              plot;
  auto* o_seqlen =
      app.add_option("--seqlen", opt.seqlen,
                     "tokens per sequence and passage, a multiple of 128 (default 8192; "
                     "with --hidden: the file's length divided by --passages)");
  auto* o_batch = app.add_option("--batch", opt.batch,
                                 "sequences per passage (default 1; with a 2-D --hidden file: how "
                                 "many sequences its rows hold)");
  app.add_option("--seed", opt.seed,
                 "seed of the weights and of the synthetic inputs (passage k uses seed + k)");
  app.add_option("--q-values", q_values,
                 "lattice q values of the table, comma separated (default 10,38)");
  auto* o_input = app.add_option("--input", input, "synthetic input: gaussian (default) or heavy")
                      ->check(CLI::IsMember({"gaussian", "default", "heavy"}));
  auto* o_hidden =
      app.add_option("--hidden", hidden,
                     "real hidden states: a float32 .npy [S, 4096] or [B, S, 4096], the "
                     "input of the attention projections");
  app.add_option("--weights", weights,
                 "V4-Flash weights: a .safetensors file or a checkpoint directory with "
                 "model.safetensors.index.json (default: seeded Gaussian stand-in)");
  app.add_option(
      "--layer-ids", layer_ids,
      "checkpoint layers of the sliding-window, ratio-4 and ratio-128 streams (default 0,2,3)");
  app.add_flag("--sweep", opt.sweep,
               "sweep e8:q for every q in 1..160 and find the q that matches the baseline");
  app.add_option("--passages", opt.passages,
                 "independent inputs (seeds, or chunks of --hidden): mean and 95 % CI over them")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  app.add_option("--backend", opt.backend_name, "auto (default), scalar, simd or cuda")
      ->check(CLI::IsMember({"auto", "scalar", "simd", "cuda"}));
  app.add_option("--json", json, "write the results as JSON to this file");
  app.add_option("--plot", plot, "write the rate-distortion plot (SVG) to this file");
  o_hidden->excludes(o_input);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    opt.seqlen_given = o_seqlen->count() > 0;
    opt.batch_given = o_batch->count() > 0;
    if (opt.seqlen_given && (opt.seqlen == 0 || opt.seqlen % dsv4::hca_ratio != 0))
      throw std::runtime_error("--seqlen " + std::to_string(opt.seqlen) +
                               " must be a positive multiple of 128 (the HCA ratio)");
    if (opt.batch == 0) throw std::runtime_error("--batch must be at least 1");
    opt.q_values = parse_int_list(q_values, "--q-values");
    for (int q : opt.q_values) {
      (void)kakeya::any_codec::make("e8:q=" + std::to_string(q), dsv4::head_dim); // validates q
      (void)kakeya::any_codec::make("d4:q=" + std::to_string(q), dsv4::head_dim);
    }
    const auto ids = parse_int_list(layer_ids, "--layer-ids");
    if (ids.size() != 3 || ids[0] < 0 || ids[1] < 0 || ids[2] < 0)
      throw std::runtime_error("--layer-ids takes three non-negative layer numbers, e.g. 0,2,3");
    opt.layers = {ids[0], ids[1], ids[2]};
    opt.input = input == "heavy" ? dsv4::input_kind::heavy : dsv4::input_kind::gaussian;
    if (!hidden.empty()) opt.hidden_path = hidden;
    if (!weights.empty()) opt.weights_path = weights;
    if (!json.empty()) opt.json_path = json;
    if (!plot.empty()) opt.plot_path = plot;
    opt.backend = kakeya::parse_backend(opt.backend_name);

    const dsv4::run_result r = dsv4::run(opt);
    dsv4::print_report(r, stdout);
    std::fflush(stdout);
    for (const auto& w : r.warnings) std::fprintf(stderr, "dsv4_kv: warning: %s\n", w.c_str());
    if (opt.json_path) {
      write_text(*opt.json_path, dsv4::to_json(r).dump(2) + "\n");
      std::fprintf(stderr, "[dsv4_kv] wrote %s\n", opt.json_path->c_str());
    }
    if (opt.plot_path) {
      write_text(*opt.plot_path, dsv4::to_svg(r));
      std::fprintf(stderr, "[dsv4_kv] wrote %s\n", opt.plot_path->c_str());
    }
  } catch (const kakeya::error& e) {
    std::fprintf(stderr, "dsv4_kv: error (%s): %s\n", kakeya::to_string(e.code()), e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "dsv4_kv: error: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dsv4_kv: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
