// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya lloyd-max --bits B [--fit S.npy]  ->  {"bits", "centroids", "thresholds", "mse", ...}

#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "kakeya/scalar/lloyd_max.hpp"

namespace kakeya::cli {

void register_lloyd_max(CLI::App& app) {
  struct opts {
    int bits = 0;
    std::optional<std::string> fit;
    int max_iterations = fit_options{}.max_iterations;
    double tolerance = fit_options{}.tolerance;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand(
      "lloyd-max", "Print the MSE-optimal quantiser of the unit Gaussian with 2^B levels as one "
                   "JSON object; with --fit, the quantiser fitted to the samples (every value of "
                   "the array) and its empirical MSE on them");
  cmd->add_option("--bits", o->bits, "bits per value, 1..8")->required();
  cmd->add_option("--fit", o->fit, "samples .npy [N, D] to fit to");
  cmd->add_option("--max-iterations", o->max_iterations, "cap on Lloyd iterations (with --fit)");
  cmd->add_option("--tolerance", o->tolerance,
                  "stop when no level moves more than this times the samples' std (with --fit)");
  cmd->callback([o] {
    require(o->bits >= 1 && o->bits <= 8, errc::invalid_argument,
            "lloyd-max: --bits must be in 1..8, got " + std::to_string(o->bits));
    nlohmann::json j;
    lloyd_max q;
    if (o->fit) {
      io::npy_array s = load_rows(*o->fit);
      q = lloyd_max::fit(s.data, o->bits, fit_options{o->max_iterations, o->tolerance});
      j["source"] = "fit";
      j["samples"] = s.data.size();
    } else {
      q = lloyd_max::gaussian(o->bits);
      j["source"] = "gaussian";
    }
    auto c = q.centroids();
    auto t = q.thresholds();
    j["bits"] = q.bits();
    j["centroids"] = std::vector<float>(c.begin(), c.end());
    j["thresholds"] = std::vector<float>(t.begin(), t.end());
    j["mse"] = q.mse();
    std::cout << j.dump() << '\n';
  });
}

} // namespace kakeya::cli
