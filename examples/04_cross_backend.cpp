// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// Encode on one backend, decode on another. Every backend runs the same per-vector arithmetic
// in the same order, so codes are the same bytes wherever they were made: encode with the SIMD
// backend on every core, store the codes in a file, decode them with the scalar reference (or
// the GPU), and get what the scalar backend alone gives, bit for bit.
//
// Backends are chosen at run time through any_codec (kakeya::backend); those this build or
// machine lacks are reported and skipped (`kakeya::backend_status` says why). With a typed
// codec the backend is a compile-time tag instead: kakeya::cpu, kakeya::simd, kakeya::cuda_t.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include "kakeya/backend/backend.hpp"
#include "kakeya/backend/scalar.hpp"
#include "kakeya/codec/any_codec.hpp"
#include "kakeya/codec/presets.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/io/code_file.hpp"
#if KAKEYA_WITH_SIMD // set by the build (pkg-config, CMake target, meson dependency)
#include "kakeya/backend/simd.hpp"
#endif

using kakeya::backend;

int main() {
  const std::size_t dim = 512, n = 3000;
  std::vector<float> x(n * dim);
  kakeya::random_stream rng(4);
  for (auto& v : x) v = static_cast<float>(rng.laplace());

  std::vector<backend> present;
  for (backend b : {backend::scalar, backend::simd, backend::cuda}) {
    std::printf("%-6s %s\n", kakeya::to_string(b), kakeya::backend_status(b).c_str());
    if (kakeya::backend_available(b)) present.push_back(b);
  }

  bool all_same = true;
  for (const char* spec : {"e8:q=38", "d4:q=10", "lloyd-max:bits=4", "fp8:block=64,scale=ue8m0"}) {
    const auto c = kakeya::any_codec::make(spec, dim);
    // The reference: scalar encode, scalar decode.
    std::vector<std::uint8_t> ref_codes(n * c.bytes_per_vector());
    std::vector<float> ref(x.size());
    c.encode(x, ref_codes, backend::scalar);
    c.decode(ref_codes, ref, backend::scalar);

    for (backend enc : present) {
      // Encode on `enc`, through a code file (as if written on one machine and read on another).
      std::vector<std::uint8_t> codes(n * c.bytes_per_vector());
      c.encode(x, codes, enc);
      const auto path = std::filesystem::temp_directory_path() /
                        ("kakeya_cross_backend_" + std::to_string(::getpid()) + ".kkc");
      kakeya::io::write_code_file(path.string(), c.spec(), dim, n, c.bytes_per_vector(), codes);
      const kakeya::io::code_file file = kakeya::io::read_code_file(path.string());
      std::filesystem::remove(path);
      const auto d = kakeya::any_codec::make(file.spec, file.dim);
      const bool same_codes = file.codes == ref_codes;

      for (backend dec : present) {
        std::vector<float> y(file.count * file.dim);
        d.decode(file.codes, y, dec);
        const bool same = same_codes && std::memcmp(y.data(), ref.data(), y.size() * 4) == 0;
        all_same = all_same && same;
        std::printf("%-26s encode %-6s -> decode %-6s: %s\n", spec, kakeya::to_string(enc),
                    kakeya::to_string(dec),
                    same ? "codes and floats identical to scalar" : "DIFFERENT");
      }
    }
  }
  // The same with a typed codec and backend tags: the SIMD backend's codes are the scalar ones.
  const auto typed = kakeya::make_kakeya<512, kakeya::e8>(38);
  std::vector<std::uint8_t> cpu_codes(n * typed.bytes_per_vector());
  kakeya::encode(kakeya::cpu, typed, x, cpu_codes);
#if KAKEYA_WITH_SIMD
  std::vector<std::uint8_t> simd_codes(cpu_codes.size());
  kakeya::encode(kakeya::simd, typed, x, simd_codes);
  const bool tags_agree = simd_codes == cpu_codes;
  all_same = all_same && tags_agree;
  std::printf("typed kakeya_e8<512>: kakeya::simd and kakeya::cpu codes %s\n",
              tags_agree ? "identical" : "DIFFERENT");
#endif
  std::vector<std::uint8_t> any_codes(cpu_codes.size());
  kakeya::any_codec::make("e8:q=38", dim).encode(x, any_codes);
  all_same = all_same && any_codes == cpu_codes; // typed and run-time codecs: the same bytes
  std::printf("%s\n", all_same ? "every backend pair agrees bit for bit" : "MISMATCH");
  return all_same ? 0 : 1;
}
