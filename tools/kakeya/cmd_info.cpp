// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya info --codec SPEC --dim D  ->  {"codec", "dim", "bits_per_vector", "bytes_per_vector"}

#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "common.hpp"
#include "kakeya/codec/any_codec.hpp"

namespace kakeya::cli {

void register_info(CLI::App& app) {
  struct opts {
    std::string codec;
    std::size_t dim = 0;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand("info", "Print a codec's bit budget as one JSON object");
  cmd->add_option("--codec", o->codec, "codec spec, e.g. e8:q=38, d4:q=38, z:q=38, fp8:block=64, lloyd-max:bits=4")->required();
  cmd->add_option("--dim", o->dim, "vector dimension D")->required();
  cmd->callback([o] {
    any_codec c = any_codec::make(o->codec, o->dim);
    nlohmann::json j = {{"codec", c.spec()},
                        {"dim", c.dim()},
                        {"bits_per_vector", c.bits_per_vector()},
                        {"bytes_per_vector", c.bytes_per_vector()},
                        {"bits_per_dim", static_cast<double>(c.bits_per_vector()) / static_cast<double>(c.dim())}};
    std::cout << j.dump() << '\n';
  });
}

} // namespace kakeya::cli
