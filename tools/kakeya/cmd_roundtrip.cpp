// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya roundtrip --codec SPEC --in X.npy --out Y.npy [--backend ...] [--threads N]

#include <memory>

#include "common.hpp"
#include "kakeya/codec/any_codec.hpp"

namespace kakeya::cli {

void register_roundtrip(CLI::App& app) {
  struct opts {
    std::string codec, in, out, backend = "auto";
    unsigned threads = 0;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand("roundtrip", "Encode and decode every row (identical to decode(encode(x)) bit for bit)");
  cmd->add_option("--codec", o->codec, "codec spec, e.g. e8:q=38")->required();
  cmd->add_option("--in", o->in, "input .npy [N, D], finite values")->required();
  cmd->add_option("--out", o->out, "output .npy [N, D]")->required();
  add_backend_option(cmd, o->backend);
  add_threads_option(cmd, o->threads);
  cmd->callback([o] {
    backend b = parse_backend(o->backend);
    apply_threads(o->threads);
    io::npy_array x = load_rows(o->in);
    any_codec c = any_codec::make(o->codec, x.cols);
    std::vector<float> y(x.data.size());
    c.roundtrip(x.data, y, b);
    io::write_npy(o->out, x.rows, x.cols, y);
  });
}

} // namespace kakeya::cli
