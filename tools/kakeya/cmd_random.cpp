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
  cmd->add_option("--dist", o->dist, "gaussian, laplace or uniform (all unit variance)")
      ->check(CLI::IsMember({"gaussian", "laplace", "uniform"}));
  cmd->add_option("--scale", o->scale, "multiplier applied to every value");
  cmd->add_option("--seed", o->seed, "seed");
  cmd->add_option("--out", o->out, "output .npy")->required();
  cmd->callback([o] {
    require(o->rows * o->cols <= (std::size_t{1} << 30), errc::invalid_argument,
            "random: N * D must be at most 2^30 values");
    require(std::isfinite(o->scale), errc::invalid_argument, "random: --scale must be finite");
    random_stream rng(o->seed);
    std::vector<float> v(o->rows * o->cols);
    for (auto& x : v) {
      double r = o->dist == "gaussian" ? rng.gaussian()
                 : o->dist == "laplace" ? rng.laplace()
                                        : (rng.uniform() - 0.5) * std::sqrt(12.0);
      x = static_cast<float>(r * o->scale);
    }
    io::write_npy(o->out, o->rows, o->cols, v);
  });
}

} // namespace kakeya::cli
