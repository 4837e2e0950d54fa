// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya encode --codec SPEC --in X.npy --out C.kkc [--backend ...] [--threads N]

#include <memory>

#include "common.hpp"
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/io/code_file.hpp"

namespace kakeya::cli {

void register_encode(CLI::App& app) {
  struct opts {
    std::string codec, in, out, backend = "auto";
    unsigned threads = 0;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand("encode", "Encode every row of a .npy file into a code file (.kkc) "
                                           "that carries its codec spec and shape");
  cmd->add_option("--codec", o->codec, "codec spec, e.g. e8:q=38")->required();
  cmd->add_option("--in", o->in, "input .npy [N, D], finite values")->required();
  cmd->add_option("--out", o->out, "output code file")->required();
  add_backend_option(cmd, o->backend);
  add_threads_option(cmd, o->threads);
  cmd->callback([o] {
    backend b = parse_backend(o->backend);
    apply_threads(o->threads);
    io::npy_array x = load_rows(o->in);
    any_codec c = any_codec::make(o->codec, x.cols);
    std::vector<std::uint8_t> codes(x.rows * c.bytes_per_vector());
    c.encode(x.data, codes, b);
    io::write_code_file(o->out, c.spec(), c.dim(), x.rows, c.bytes_per_vector(), codes);
  });
}

} // namespace kakeya::cli
