// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya hadamard [--inverse] [--seed S] --in X.npy --out Y.npy

#include <memory>
#include <optional>

#include "common.hpp"
#include "kakeya/transform/hadamard.hpp"
#include "kakeya/transform/sign_flip.hpp"

namespace kakeya::cli {

void register_hadamard(CLI::App& app) {
  struct opts {
    std::string in, out;
    bool inverse = false;
    std::optional<std::uint64_t> seed;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand(
      "hadamard", "Orthonormal Sylvester Walsh-Hadamard transform H/sqrt(D) of every row (D a "
                  "power of two, 2..32768); with --seed, the randomised rotation H diag(s)/sqrt(D)");
  cmd->add_flag("--inverse", o->inverse,
                "apply the inverse (the plain transform is its own inverse; with --seed this undoes "
                "the randomised rotation)");
  cmd->add_option("--seed", o->seed, "seed of the random sign flips (randomised Hadamard)");
  cmd->add_option("--in", o->in, "input .npy [N, D]")->required();
  cmd->add_option("--out", o->out, "output .npy [N, D]")->required();
  cmd->callback([o] {
    io::npy_array x = load_rows(o->in);
    require(is_hadamard_dim(x.cols), errc::invalid_dimension,
            o->in + ": rows of " + std::to_string(x.cols) +
                " values: the Hadamard transform needs a power of two in [2, 32768]");
    for (std::size_t i = 0; i < x.rows; ++i) {
      std::span<float> row(x.data.data() + i * x.cols, x.cols);
      if (!o->seed)
        hadamard_transform(row);
      else if (o->inverse)
        randomized_hadamard_inverse(row, *o->seed);
      else
        randomized_hadamard_forward(row, *o->seed);
    }
    io::write_npy(o->out, x);
  });
}

} // namespace kakeya::cli
