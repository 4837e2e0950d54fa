// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// kakeya: the command-line face of the library, over .npy files. One file per subcommand.

#include <exception>
#include <iostream>
#include <new>
#include <string>

#include <CLI/CLI.hpp>

#include "common.hpp"
#include "kakeya/version.hpp"

int main(int argc, char** argv) {
  CLI::App app{"kakeya: lattice quantisation over .npy files (float32, C order, [N, D])"};
  app.name("kakeya");
  app.set_version_flag("--version", KAKEYA_VERSION_STRING);
  app.require_subcommand(1);
  kakeya::cli::register_info(app);
  kakeya::cli::register_encode(app);
  kakeya::cli::register_decode(app);
  kakeya::cli::register_roundtrip(app);
  kakeya::cli::register_eval(app);
  kakeya::cli::register_rd(app);
  kakeya::cli::register_hadamard(app);
  kakeya::cli::register_nearest(app);
  kakeya::cli::register_fp8(app);
  kakeya::cli::register_lloyd_max(app);
  kakeya::cli::register_random(app);
  kakeya::cli::register_compare(app);
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string names;
    for (const CLI::App* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "kakeya: error: unknown command '" << argv[1] << "' (commands: " << names
                << "; see kakeya --help)\n";
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const kakeya::error& e) {
    std::cerr << "kakeya: error (" << kakeya::to_string(e.code()) << "): " << e.what() << '\n';
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "kakeya: error: out of memory\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "kakeya: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
