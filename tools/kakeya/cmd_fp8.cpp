// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya fp8 --format e4m3|e5m2 [--no-saturate] --in X.npy --out Y.npy

#include <memory>

#include "common.hpp"
#include "kakeya/core/float_formats.hpp"

namespace kakeya::cli {

namespace {
template <class F>
void round_all(std::vector<float>& v) {
  for (auto& x : v) x = F::decode(F::encode(x));
}
} // namespace

void register_fp8(CLI::App& app) {
  struct opts {
    std::string format, in, out;
    bool no_saturate = false;
  };
  auto o = std::make_shared<opts>();
  auto* cmd = app.add_subcommand(
      "fp8", "Round every element to the nearest FP8 number (OCP e4m3fn or e5m2; ties to even; "
             "saturating to +-448 / +-57344 like __NV_SATFINITE) and write its float value; no "
             "scaling. NaN stays NaN");
  cmd->add_option("--format", o->format, "e4m3 or e5m2")->required()->check(CLI::IsMember({"e4m3", "e5m2"}));
  cmd->add_flag("--no-saturate", o->no_saturate,
                "overflow to NaN (e4m3) or Inf (e5m2) instead of saturating, as PyTorch's .to() does");
  cmd->add_option("--in", o->in, "input .npy [N, D]")->required();
  cmd->add_option("--out", o->out, "output .npy [N, D]")->required();
  cmd->callback([o] {
    io::npy_array x = load_rows(o->in, /*finite=*/false);
    if (o->format == "e4m3")
      o->no_saturate ? round_all<fp8_e4m3_nosat>(x.data) : round_all<fp8_e4m3>(x.data);
    else
      o->no_saturate ? round_all<fp8_e5m2_nosat>(x.data) : round_all<fp8_e5m2>(x.data);
    io::write_npy(o->out, x);
  });
}

} // namespace kakeya::cli
