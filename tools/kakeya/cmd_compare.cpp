// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya compare --ref X.npy --in Y.npy  ->  {"rows", "cols", "rel_mse", "cosine", "snr_db", "max_abs_error"}

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "kakeya/metrics/rel_mse.hpp"

namespace kakeya::cli {

void register_compare(CLI::App& app) {
  struct opts {
    std::string ref, in;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand("compare", "Quality of a reconstruction against the original: "
                                            "prints one JSON object");
  cmd->add_option("--ref", o->ref, "original .npy [N, D]")->required();
  cmd->add_option("--in", o->in, "reconstruction .npy [N, D]")->required();
  cmd->callback([o] {
    io::npy_array x = load_rows(o->ref), y = load_rows(o->in);
    require(x.rows == y.rows && x.cols == y.cols, errc::invalid_dimension,
            "compare: shapes differ: [" + std::to_string(x.rows) + ", " + std::to_string(x.cols) +
                "] vs [" + std::to_string(y.rows) + ", " + std::to_string(y.cols) + "]");
    quality q = measure_quality(x.data, y.data, x.rows, x.cols);
    nlohmann::json j = {{"rows", x.rows},       {"cols", x.cols},     {"rel_mse", q.rel_mse},
                        {"cosine", q.cosine},   {"snr_db", q.snr_db}, {"max_abs_error", q.max_abs_error}};
    std::cout << j.dump() << '\n';
  });
}

} // namespace kakeya::cli
