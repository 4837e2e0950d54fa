// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya decode --in C.kkc --out Y.npy [--backend ...] [--threads N]

#include <memory>

#include "common.hpp"
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/io/code_file.hpp"

namespace kakeya::cli {

void register_decode(CLI::App& app) {
  struct opts {
    std::string in, out, backend = "auto";
    unsigned threads = 0;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand("decode", "Decode a code file (.kkc) back to a .npy file");
  cmd->add_option("--in", o->in, "input code file")->required();
  cmd->add_option("--out", o->out, "output .npy [N, D]")->required();
  add_backend_option(cmd, o->backend);
  add_threads_option(cmd, o->threads);
  cmd->callback([o] {
    backend b = parse_backend(o->backend);
    apply_threads(o->threads);
    io::code_file f = io::read_code_file(o->in);
    any_codec c = any_codec::make(f.spec, f.dim);
    require(c.bytes_per_vector() == f.bytes_per_vector, errc::format_error,
            o->in + ": the header says " + std::to_string(f.bytes_per_vector) +
                " bytes per vector, but codec " + c.spec() + " at D=" + std::to_string(f.dim) +
                " uses " + std::to_string(c.bytes_per_vector()));
    std::vector<float> y(f.count * f.dim);
    c.decode(f.codes, y, b);
    io::write_npy(o->out, f.count, f.dim, y);
  });
}

} // namespace kakeya::cli
