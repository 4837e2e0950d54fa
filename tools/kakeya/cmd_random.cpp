// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya random --rows N --cols D [--dist gaussian|laplace|uniform] [--scale S] [--seed S] --out X.npy

#include <memory>

#include "common.hpp"
#include "kakeya/core/random.hpp"

namespace kakeya::cli {

void register_random(CLI::App& app) {
  struct opts {
    std::size_t rows = 0, cols = 0;
    std::string dist = "gaussian", out;
    double scale = 1.0;
    std::uint64_t seed = 1;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand("random", "Write seeded random test data: iid unit-variance "
                                           "values times --scale (same values on every platform)");
  cmd->add_option("--rows", o->rows, "N")->required()->check(CLI::Range(std::size_t{1}, std::size_t{1} << 28));
  cmd->add_option("--cols", o->cols, "D")->required()->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
  cmd->add_option("--dist", o->dist,
                  "gaussian, laplace, uniform (iid, unit variance) or kv (KV-cache-like: Laplace "
                  "values, per-column scales e^(0.8 g) with every 37th column x10, per-row "
                  "magnitudes e^(1.2 g))")
      ->check(CLI::IsMember({"gaussian", "laplace", "uniform", "kv"}));
  cmd->add_option("--scale", o->scale, "multiplier applied to every value");
  cmd->add_option("--seed", o->seed, "seed");
  cmd->add_option("--out", o->out, "output .npy")->required();
  cmd->callback([o] {
    require(o->rows * o->cols <= (std::size_t{1} << 30), errc::invalid_argument,
            "random: N * D must be at most 2^30 values");
    require(std::isfinite(o->scale), errc::invalid_argument, "random: --scale must be finite");
    random_stream rng(o->seed);
    std::vector<float> v(o->rows * o->cols);
    std::vector<double> col(o->cols, 1.0);
    if (o->dist == "kv")
      for (std::size_t j = 0; j < o->cols; ++j) col[j] = std::exp(0.8 * rng.gaussian()) * (j % 37 == 0 ? 10 : 1);
    for (std::size_t i = 0; i < o->rows; ++i) {
      double row = o->dist == "kv" ? std::exp(1.2 * rng.gaussian()) : 1.0;
      for (std::size_t j = 0; j < o->cols; ++j) {
        double r = o->dist == "gaussian" ? rng.gaussian()
                   : o->dist == "uniform" ? (rng.uniform() - 0.5) * std::sqrt(12.0)
                                          : rng.laplace();
        v[i * o->cols + j] = static_cast<float>(r * row * col[j] * o->scale);
      }
    }
    io::write_npy(o->out, o->rows, o->cols, v);
  });
}

} // namespace kakeya::cli
