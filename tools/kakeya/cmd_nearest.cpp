// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya nearest --lattice z8|d4|d8|e8 [--q Q] --in X.npy --out P.npy

#include <memory>
#include <optional>

#include "common.hpp"
#include "kakeya/lattice/any_lattice.hpp"

namespace kakeya::cli {

void register_nearest(CLI::App& app) {
  struct opts {
    std::string lattice, in, out;
    std::optional<int> q;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand(
      "nearest", "Closest lattice point of each block of every row (the row is split into "
                 "blocks of the lattice dimension); with --q, the closest point of the lattice "
                 "truncated to the box [-q, q]^n");
  cmd->add_option("--lattice", o->lattice, "z4, z8, d4, d8 or e8")->required();
  cmd->add_option("--q", o->q, "box half-width: closest point in [-q, q]^n (integer >= 1)");
  cmd->add_option("--in", o->in, "input .npy [N, D], D a multiple of the lattice dimension")->required();
  cmd->add_option("--out", o->out, "output .npy [N, D] of lattice points")->required();
  cmd->callback([o] {
    any_lattice lat = any_lattice::from_name(o->lattice);
    io::npy_array x = load_rows(o->in);
    require(x.cols % lat.dim() == 0, errc::invalid_dimension,
            o->in + ": rows of " + std::to_string(x.cols) + " values do not split into blocks of " +
                std::to_string(lat.dim()) + " for " + o->lattice);
    io::npy_array p{x.rows, x.cols, std::vector<float>(x.data.size())};
    lat.closest_points(x.data, p.data, o->q);
    io::write_npy(o->out, p);
  });
}

} // namespace kakeya::cli
