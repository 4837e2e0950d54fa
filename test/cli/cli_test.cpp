// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The kakeya CLI as a user runs it: outputs equal the library's results element for element,
// and every bad input gets a clear message and a nonzero exit, never a crash.
#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "kakeya/codec/any_codec.hpp"
#include "kakeya/core/float_formats.hpp"
#include "kakeya/core/random.hpp"
#include "kakeya/io/npy.hpp"
#include "kakeya/lattice/dn.hpp"
#include "kakeya/lattice/e8.hpp"
#include "kakeya/scalar/lloyd_max.hpp"
#include "kakeya/transform/hadamard.hpp"
#include "kakeya/transform/sign_flip.hpp"
#include "kakeya/version.hpp"

namespace fs = std::filesystem;

namespace {

struct run_result {
  int status;
  std::string out, err;
};

struct fixture {
  fs::path dir;
  std::string exe;
  fixture() {
    const char* e = std::getenv("KAKEYA_CLI");
    BOOST_REQUIRE_MESSAGE(e != nullptr, "KAKEYA_CLI must name the kakeya executable");
    exe = e;
    dir = fs::temp_directory_path() / ("kakeya_cli_test_" + std::to_string(::getpid()));
    fs::create_directories(dir);
  }
  ~fixture() { fs::remove_all(dir); }
  std::string path(const std::string& name) const { return (dir / name).string(); }

  run_result run(const std::string& args) const {
    std::string out = path("stdout.txt"), err = path("stderr.txt");
    std::string cmd = "'" + exe + "' " + args + " >'" + out + "' 2>'" + err + "'";
    int raw = std::system(cmd.c_str());
    run_result r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    std::ifstream o(out), e(err);
    std::stringstream so, se;
    so << o.rdbuf();
    se << e.rdbuf();
    r.out = so.str();
    r.err = se.str();
    return r;
  }
  // A failing command: nonzero exit below 128 (no signal), a message on stderr.
  void expect_refused(const std::string& args, const std::string& fragment) const {
    run_result r = run(args);
    BOOST_TEST_CONTEXT("kakeya " << args << "\nstderr: " << r.err) {
      BOOST_TEST(r.status != 0);
      BOOST_TEST(r.status < 128);
      BOOST_TEST(r.err.find(fragment) != std::string::npos);
    }
  }
};

kakeya::io::npy_array random_array(std::size_t rows, std::size_t cols, double scale,
                                   std::uint64_t seed) {
  kakeya::random_stream rng(seed);
  kakeya::io::npy_array a{rows, cols, std::vector<float>(rows * cols)};
  for (auto& v : a.data) v = static_cast<float>(rng.gaussian() * scale);
  return a;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * 4) == 0;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(cli, fixture)

BOOST_AUTO_TEST_CASE(hadamard_matches_the_library) {
  auto x = random_array(33, 256, 3.0, 1);
  kakeya::io::write_npy(path("x.npy"), x);
  BOOST_TEST_REQUIRE(run("hadamard --in " + path("x.npy") + " --out " + path("h.npy")).status == 0);
  auto want = x;
  for (std::size_t i = 0; i < want.rows; ++i)
    kakeya::hadamard_transform(std::span<float>(want.data.data() + i * 256, 256));
  BOOST_TEST(same_bits(kakeya::io::read_npy(path("h.npy")).data, want.data));

  BOOST_TEST_REQUIRE(run("hadamard --seed 9 --in " + path("x.npy") + " --out " + path("r.npy")).status == 0);
  BOOST_TEST_REQUIRE(run("hadamard --seed 9 --inverse --in " + path("r.npy") + " --out " + path("rr.npy")).status == 0);
  auto r = kakeya::io::read_npy(path("r.npy")), rr = kakeya::io::read_npy(path("rr.npy"));
  auto want_r = x;
  for (std::size_t i = 0; i < want_r.rows; ++i)
    kakeya::randomized_hadamard_forward(std::span<float>(want_r.data.data() + i * 256, 256), 9);
  BOOST_TEST(same_bits(r.data, want_r.data));
  for (std::size_t i = 0; i < x.data.size(); ++i) BOOST_TEST(std::fabs(rr.data[i] - x.data[i]) < 1e-5f);
}

BOOST_AUTO_TEST_CASE(nearest_matches_the_library) {
  auto x = random_array(20, 64, 5.0, 2);
  kakeya::io::write_npy(path("x.npy"), x);
  BOOST_TEST_REQUIRE(run("nearest --lattice e8 --q 3 --in " + path("x.npy") + " --out " + path("p.npy")).status == 0);
  auto p = kakeya::io::read_npy(path("p.npy"));
  std::vector<float> want(x.data.size());
  for (std::size_t b = 0; b < x.data.size() / 8; ++b)
    kakeya::e8::box_closest_point(std::span<const float, 8>(x.data.data() + 8 * b, 8), 3,
                                  std::span<float, 8>(want.data() + 8 * b, 8));
  BOOST_TEST(same_bits(p.data, want));
  for (float v : p.data) BOOST_TEST(std::fabs(v) <= 3.0f);

  BOOST_TEST_REQUIRE(run("nearest --lattice d4 --in " + path("x.npy") + " --out " + path("d.npy")).status == 0);
  auto d = kakeya::io::read_npy(path("d.npy"));
  for (std::size_t b = 0; b < x.data.size() / 4; ++b)
    kakeya::d4::closest_point(std::span<const float, 4>(x.data.data() + 4 * b, 4),
                              std::span<float, 4>(want.data() + 4 * b, 4));
  BOOST_TEST(same_bits(d.data, want));
}

BOOST_AUTO_TEST_CASE(fp8_matches_the_library_and_passes_nan) {
  auto x = random_array(4, 32, 200.0, 3);
  x.data[0] = NAN;
  x.data[1] = 1e9f;
  kakeya::io::write_npy(path("x.npy"), x);
  BOOST_TEST_REQUIRE(run("fp8 --format e4m3 --in " + path("x.npy") + " --out " + path("f.npy")).status == 0);
  auto f = kakeya::io::read_npy(path("f.npy"));
  BOOST_TEST(std::isnan(f.data[0]));
  BOOST_TEST(f.data[1] == 448.0f); // saturating by default
  for (std::size_t i = 2; i < x.data.size(); ++i)
    BOOST_TEST(f.data[i] == kakeya::fp8_e4m3::decode(kakeya::fp8_e4m3::encode(x.data[i])));
  BOOST_TEST_REQUIRE(run("fp8 --format e5m2 --no-saturate --in " + path("x.npy") + " --out " + path("g.npy")).status == 0);
  BOOST_TEST(std::isinf(kakeya::io::read_npy(path("g.npy")).data[1]));
}

BOOST_AUTO_TEST_CASE(lloyd_max_prints_the_gaussian_optimum_and_fits) {
  run_result r = run("lloyd-max --bits 2");
  BOOST_TEST_REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  BOOST_TEST(j["bits"].get<int>() == 2);
  BOOST_TEST(j["centroids"].size() == 4u);
  BOOST_TEST(j["thresholds"].size() == 3u);
  BOOST_TEST(std::fabs(j["mse"].get<double>() - 0.117482) < 1e-6);
  auto s = random_array(100, 10, 2.0, 4);
  kakeya::io::write_npy(path("s.npy"), s);
  r = run("lloyd-max --bits 3 --fit " + path("s.npy"));
  BOOST_TEST_REQUIRE(r.status == 0);
  j = nlohmann::json::parse(r.out);
  auto q = kakeya::lloyd_max::fit(s.data, 3);
  BOOST_TEST(j["mse"].get<double>() == q.mse());
  BOOST_TEST(j["centroids"][0].get<float>() == q.centroids()[0]);
}

BOOST_AUTO_TEST_CASE(bad_input_is_refused_cleanly) {
  auto x = random_array(3, 12, 1.0, 5);
  kakeya::io::write_npy(path("x12.npy"), x);
  auto y = random_array(3, 8, 1.0, 6);
  y.data[13] = INFINITY;
  kakeya::io::write_npy(path("inf.npy"), y);
  {
    std::ofstream f(path("junk.npy"));
    f << "this is not an npy file";
  }
  const std::string x12 = path("x12.npy"), out = path("o.npy");
  expect_refused("hadamard --in " + path("missing.npy") + " --out " + out, "cannot open");
  expect_refused("hadamard --in " + x12 + " --out " + out, "power of two");
  expect_refused("hadamard --in " + path("junk.npy") + " --out " + out, "bad magic");
  expect_refused("nearest --lattice e8 --in " + x12 + " --out " + out, "blocks of 8");
  expect_refused("nearest --lattice e9 --in " + x12 + " --out " + out, "unknown lattice");
  expect_refused("nearest --lattice d4 --q 0 --in " + x12 + " --out " + out, "out of range");
  expect_refused("nearest --lattice d4 --q 99999999 --in " + x12 + " --out " + out, "out of range");
  expect_refused("nearest --lattice e8 --in " + path("inf.npy") + " --out " + out, "row 1, column 5");
  expect_refused("fp8 --format e3m4 --in " + x12 + " --out " + out, "e3m4");
  expect_refused("lloyd-max --bits 9", "1..8");
  expect_refused("lloyd-max --bits 3 --fit " + path("inf.npy"), "Inf");
  expect_refused("nearest --lattice d4 --in " + x12 + " --out " + path("no/such/dir/o.npy"), "does not exist");
  expect_refused("frobnicate", "frobnicate");
  BOOST_TEST(!fs::exists(out));
}

BOOST_AUTO_TEST_CASE(info_reports_the_budget) {
  run_result r = run("info --codec e8:q=38 --dim 512");
  BOOST_TEST_REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  BOOST_TEST(j["codec"].get<std::string>() == "e8:q=38");
  BOOST_TEST(j["dim"].get<int>() == 512);
  BOOST_TEST(j["bits_per_vector"].get<int>() == 3296);
  BOOST_TEST(j["bytes_per_vector"].get<int>() == 412);
}

BOOST_AUTO_TEST_CASE(encode_decode_roundtrip_and_eval) {
  auto x = random_array(100, 128, 2.0, 8);
  kakeya::io::write_npy(path("x.npy"), x);
  for (const std::string spec : {"e8:q=38", "d4:q=10", "fp8:block=64,scale=ue8m0", "lloyd-max:bits=4"}) {
    BOOST_TEST_CONTEXT(spec) {
      BOOST_TEST_REQUIRE(run("encode --codec " + spec + " --in " + path("x.npy") + " --out " + path("c.kkc")).status == 0);
      BOOST_TEST_REQUIRE(run("decode --in " + path("c.kkc") + " --out " + path("y.npy")).status == 0);
      BOOST_TEST_REQUIRE(run("roundtrip --backend scalar --codec " + spec + " --in " + path("x.npy") + " --out " + path("z.npy")).status == 0);
      auto y = kakeya::io::read_npy(path("y.npy")), z = kakeya::io::read_npy(path("z.npy"));
      std::vector<float> want(x.data.size());
      kakeya::any_codec::make(spec, 128).roundtrip(x.data, want);
      BOOST_TEST(same_bits(y.data, want));
      BOOST_TEST(same_bits(z.data, want));
    }
  }
  run_result r = run("eval --codecs e8:q=38,fp8:block=64,scale=ue8m0,lloyd-max:bits=3 --in " + path("x.npy"));
  BOOST_TEST_REQUIRE(r.status == 0);
  auto j = nlohmann::json::parse(r.out);
  BOOST_TEST_REQUIRE(j.size() == 3u);
  BOOST_TEST(j[1]["codec"].get<std::string>() == "fp8:block=64,scale=ue8m0");
  for (const auto& row : j) {
    for (const char* key : {"codec", "bits_per_vector", "rel_mse", "cosine", "snr_db",
                            "encode_vectors_per_s", "decode_vectors_per_s"})
      BOOST_TEST(row.contains(key));
    BOOST_TEST(row["rel_mse"].get<double>() > 0.0);
    BOOST_TEST(row["rel_mse"].get<double>() < 0.05);
  }
  BOOST_TEST(j[0]["bits_per_vector"].get<int>() == 848);
}

BOOST_AUTO_TEST_CASE(codec_commands_refuse_bad_input) {
  auto x = random_array(3, 100, 1.0, 9);
  kakeya::io::write_npy(path("x100.npy"), x);
  auto y = random_array(3, 64, 1.0, 9);
  kakeya::io::write_npy(path("x64.npy"), y);
  const std::string out = path("o.kkc");
  expect_refused("encode --codec e8:q=38 --in " + path("x100.npy") + " --out " + out, "dimension 100");
  expect_refused("encode --codec e7:q=38 --in " + path("x64.npy") + " --out " + out, "unknown codec family");
  expect_refused("encode --codec e8:q=0 --in " + path("x64.npy") + " --out " + out, "q must be");
  expect_refused("encode --codec e8:q=38 --backend cuda --in " + path("x64.npy") + " --out " + out, "not available");
  expect_refused("info --codec fp8:block=96 --dim 128", "block must be");
  expect_refused("decode --in " + path("x64.npy") + " --out " + path("o.npy"), "bad magic");
  BOOST_TEST_REQUIRE(run("encode --codec e8:q=38 --in " + path("x64.npy") + " --out " + out).status == 0);
  {
    auto bytes = kakeya::io::read_file(out);
    bytes.resize(bytes.size() - 1);
    std::span<const std::byte> part(bytes);
    kakeya::io::write_file_atomic(path("cut.kkc"), part);
  }
  expect_refused("decode --in " + path("cut.kkc") + " --out " + path("o.npy"), "the file holds");
  BOOST_TEST(!fs::exists(path("o.npy")));
}

namespace {
// A .npy file laid out by hand: the header dict, then `payload` bytes.
void write_raw_npy(const std::string& path, const std::string& dict, std::size_t payload) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64 != 0) h.push_back(' ');
  h.push_back('\n');
  std::string b = "\x93NUMPY";
  b.push_back('\x01');
  b.push_back('\x00');
  b.push_back(static_cast<char>(h.size() & 0xff));
  b.push_back(static_cast<char>(h.size() >> 8));
  b += h;
  b.append(payload, '\0');
  std::ofstream(path, std::ios::binary) << b;
}
} // namespace

// Every kind of bad input in docs/robustness.md, through the CLI: a message naming the problem,
// exit status 1 (library errors) or CLI11's status (bad options), never a signal, and no
// output file (an existing one is left as it was).
BOOST_AUTO_TEST_CASE(every_bad_input_gets_a_message_and_no_output) {
  auto x = random_array(5, 64, 1.0, 10);
  kakeya::io::write_npy(path("x.npy"), x);
  auto nan = x;
  nan.data[3 * 64 + 9] = NAN;
  kakeya::io::write_npy(path("nan.npy"), nan);
  const std::string X = path("x.npy"), out = path("out.kkc"), outn = path("out.npy");
  // .npy files: magic, dtype, order, rank, truncated data, lying header, trailing bytes.
  const std::string d = "'fortran_order': False, 'shape': ";
  write_raw_npy(path("f8.npy"), "{'descr': '<f8', " + d + "(2, 64), }", 2 * 64 * 8);
  write_raw_npy(path("be.npy"), "{'descr': '>f4', " + d + "(2, 64), }", 2 * 64 * 4);
  write_raw_npy(path("fortran.npy"), "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 64), }", 2 * 64 * 4);
  write_raw_npy(path("rank1.npy"), "{'descr': '<f4', " + d + "(64,), }", 64 * 4);
  write_raw_npy(path("rank3.npy"), "{'descr': '<f4', " + d + "(2, 2, 64), }", 4 * 64 * 4);
  write_raw_npy(path("short.npy"), "{'descr': '<f4', " + d + "(2, 64), }", 2 * 64 * 4 - 1);
  write_raw_npy(path("liar.npy"), "{'descr': '<f4', " + d + "(4000000000, 64), }", 64 * 4);
  write_raw_npy(path("long.npy"), "{'descr': '<f4', " + d + "(2, 64), }", 2 * 64 * 4 + 4);
  write_raw_npy(path("garbled.npy"), "{'descr': '<f4', " + d + "(2, 64, }", 2 * 64 * 4);
  const std::pair<const char*, const char*> npys[] = {
      {"f8.npy", "unsupported dtype '<f8'"},   {"be.npy", "unsupported dtype '>f4'"},
      {"fortran.npy", "Fortran-order"},        {"rank1.npy", "expected a 2-D array"},
      {"rank3.npy", "expected a 2-D array"},   {"short.npy", "truncated data"},
      {"liar.npy", "truncated data"},          {"long.npy", "bytes more than its header"},
      {"garbled.npy", "bad .npy header"},
  };
  for (auto [file, msg] : npys) {
    expect_refused("encode --codec e8:q=38 --in " + path(file) + " --out " + out, msg);
    expect_refused("roundtrip --codec e8:q=38 --in " + path(file) + " --out " + outn, msg);
    expect_refused("eval --codecs e8:q=38 --in " + path(file), msg);
  }
  // NaN / Inf: refused with the row and column, on every backend.
  for (const char* b : {"scalar", "simd", "auto"}) {
    expect_refused("encode --backend " + std::string(b) + " --codec e8:q=38 --in " + path("nan.npy") + " --out " + out, "row 3, column 9 holds NaN");
    expect_refused("roundtrip --backend " + std::string(b) + " --codec fp8:block=64 --in " + path("nan.npy") + " --out " + outn, "row 3, column 9 holds NaN");
  }
  expect_refused("eval --codecs e8:q=38 --in " + path("nan.npy"), "row 3, column 9");
  expect_refused("hadamard --in " + path("nan.npy") + " --out " + outn, "row 3, column 9");
  expect_refused("compare --ref " + X + " --in " + path("nan.npy"), "row 3, column 9");
  // Specs: unknown, malformed, out of range; wrong dimension.
  expect_refused("encode --codec e8:q=100000 --in " + X + " --out " + out, "q = 100000 is out of range");
  expect_refused("encode --codec e8:q=x --in " + X + " --out " + out, "must be an integer");
  expect_refused("encode --codec e8:q=3,q=4 --in " + X + " --out " + out, "given twice");
  expect_refused("encode --codec lloyd-max:bits=0 --in " + X + " --out " + out, "bits must be in 1..8");
  expect_refused("encode --codec fp8:block=64,scale=fp4 --in " + X + " --out " + out, "scale must be");
  expect_refused("encode --codec e8:passes=1 --in " + X + " --out " + out, "missing q");
  expect_refused("eval --codecs e8:q=38,d5:q=3 --in " + X, "unknown codec family 'd5'");
  expect_refused("info --codec e8:q=38 --dim 0", "dimension 0");
  expect_refused("encode --codec fp8:block=128 --in " + X + " --out " + out, "not a multiple of the block 128");
  // Options and environment.
  expect_refused("encode --codec e8:q=38 --threads 0 --in " + X + " --out " + out, "--threads");
  expect_refused("encode --codec e8:q=38 --backend gpu --in " + X + " --out " + out, "--backend");
  expect_refused("encode --in " + X + " --out " + out, "--codec");
  ::setenv("KAKEYA_SIMD_ISA", "avx9000", 1);
  expect_refused("encode --backend simd --codec e8:q=38 --in " + X + " --out " + out, "KAKEYA_SIMD_ISA");
  ::unsetenv("KAKEYA_SIMD_ISA");
  ::setenv("KAKEYA_THREADS", "many", 1);
  expect_refused("encode --backend simd --codec e8:q=38 --in " + X + " --out " + out, "KAKEYA_THREADS='many'");
  ::unsetenv("KAKEYA_THREADS");
  BOOST_TEST(!fs::exists(out));
  BOOST_TEST(!fs::exists(outn));

  // Code files: magic, version, spec, shape, size.
  BOOST_TEST_REQUIRE(run("encode --codec e8:q=38 --in " + X + " --out " + path("good.kkc")).status == 0);
  const auto good = kakeya::io::read_file(path("good.kkc"));
  auto corrupt = [&](const std::string& name, auto&& edit) {
    auto b = good;
    edit(b);
    kakeya::io::write_file_atomic(path(name), std::span<const std::byte>(b));
    return path(name);
  };
  auto put = [](std::vector<std::byte>& b, std::size_t at, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b[at + i] = std::byte((v >> (8 * i)) & 0xff);
  };
  auto set_spec = [&](std::vector<std::byte>& b, const std::string& spec) {
    b.erase(b.begin() + 32, b.begin() + 32 + 7); // "e8:q=38"
    b.insert(b.begin() + 32, reinterpret_cast<const std::byte*>(spec.data()),
             reinterpret_cast<const std::byte*>(spec.data()) + spec.size());
    put(b, 10, spec.size(), 2);
  };
  const std::pair<std::string, const char*> kkcs[] = {
      {corrupt("magic.kkc", [](auto& b) { b[1] = std::byte{'X'}; }), "bad magic"},
      {corrupt("version.kkc", [&](auto& b) { put(b, 8, 7, 2); }), "unsupported code file version 7"},
      {corrupt("family.kkc", [&](auto& b) { set_spec(b, "e9:q=38"); }), "unknown codec family 'e9'"},
      {corrupt("q.kkc", [&](auto& b) { set_spec(b, "e8:q=0"); }), "q must be >= 1"},
      {corrupt("ctl.kkc", [&](auto& b) { b[33] = std::byte{'\n'}; }), "non-printable"},
      {corrupt("speclen.kkc", [&](auto& b) { put(b, 10, 0, 2); }), "bad codec spec length 0"},
      {corrupt("dim.kkc", [&](auto& b) { put(b, 12, 100, 4); }), "dimension 100"},
      {corrupt("dim0.kkc", [&](auto& b) { put(b, 12, 0, 4); }), "dimension 0"},
      {corrupt("count.kkc", [&](auto& b) { put(b, 16, 6, 8); }), "the header promises 6 codes"},
      {corrupt("hugecount.kkc", [&](auto& b) { put(b, 16, ~0ull, 8); }), "the header promises"},
      {corrupt("bpv.kkc", [&](auto& b) { put(b, 24, 25, 4); put(b, 16, 11, 8); }), "bytes per vector"},
      {corrupt("reserved.kkc", [&](auto& b) { b[30] = std::byte{1}; }), "reserved"},
      {corrupt("cut.kkc", [](auto& b) { b.resize(b.size() - 5); }), "the file holds"},
      {corrupt("header.kkc", [](auto& b) { b.resize(20); }), "bad magic"},
  };
  for (const auto& [file, msg] : kkcs) expect_refused("decode --in " + file + " --out " + outn, msg);
  BOOST_TEST(!fs::exists(outn));

  // Output paths that cannot be written: nothing left behind, an existing file kept.
  fs::create_directories(path("adir"));
  expect_refused("encode --codec e8:q=38 --in " + X + " --out " + path("adir"), "it is a directory");
  expect_refused("encode --codec e8:q=38 --in " + X + " --out " + path("none/o.kkc"), "does not exist");
  expect_refused("encode --codec e8:q=38 --in " + X + " --out " + X + "/o.kkc", "does not exist");
  expect_refused("decode --in " + path("good.kkc") + " --out " + path("none/o.npy"), "does not exist");
  expect_refused("roundtrip --codec e8:q=38 --in " + X + " --out " + path("adir"), "it is a directory");
  expect_refused("encode --codec e8:q=38 --in " + path("nan.npy") + " --out " + path("good.kkc"), "NaN");
  if (fs::is_character_file("/dev/zero"))
    expect_refused("encode --codec e8:q=38 --in /dev/zero --out " + out, "it is a device");
  if (fs::is_character_file("/dev/full")) { // a full disk; the device node must survive
    expect_refused("encode --codec e8:q=38 --in " + X + " --out /dev/full", "No space left on device");
    BOOST_TEST(fs::is_character_file("/dev/full"));
  }
  BOOST_TEST((kakeya::io::read_file(path("good.kkc")) == good));
  for (const auto& e : fs::directory_iterator(dir))
    BOOST_TEST(e.path().filename().string().find(".tmp") == std::string::npos, e.path());
}

// `kakeya --version` prints the project version of meson.build, which version.hpp carries.
BOOST_AUTO_TEST_CASE(version) {
  run_result r = run("--version");
  BOOST_TEST(r.status == 0);
  BOOST_TEST(r.out == std::string(KAKEYA_VERSION_STRING) + "\n");
  BOOST_TEST(KAKEYA_VERSION == KAKEYA_VERSION_MAJOR * 10000 + KAKEYA_VERSION_MINOR * 100 +
                                   KAKEYA_VERSION_PATCH);
  BOOST_TEST(std::string(KAKEYA_VERSION_STRING) ==
             std::to_string(KAKEYA_VERSION_MAJOR) + "." + std::to_string(KAKEYA_VERSION_MINOR) +
                 "." + std::to_string(KAKEYA_VERSION_PATCH));
}

BOOST_AUTO_TEST_CASE(voronoi_codecs_and_rd) {
  auto x = random_array(64, 128, 2.0, 12);
  kakeya::io::write_npy(path("v.npy"), x);
  for (const std::string spec : {"e8v:rate=4", "d4v:rate=3,betas=3/4/5/6.5,dither=9", "e8v:q=40,budget=6"}) {
    BOOST_TEST_CONTEXT(spec) {
      BOOST_TEST_REQUIRE(run("encode --codec " + spec + " --in " + path("v.npy") + " --out " + path("v.kkc")).status == 0);
      BOOST_TEST_REQUIRE(run("decode --in " + path("v.kkc") + " --out " + path("vy.npy")).status == 0);
      std::vector<float> want(x.data.size());
      kakeya::any_codec::make(spec, 128).roundtrip(x.data, want);
      BOOST_TEST(same_bits(kakeya::io::read_npy(path("vy.npy")).data, want));
    }
  }
  run_result r = run("rd --codecs e8v,lloyd-max:bits=3,e8:q=4 --source gaussian --dim 64 --vectors 200 --svg " +
                     path("rd.svg"));
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  auto j = nlohmann::json::parse(r.out);
  BOOST_TEST_REQUIRE(j.size() == 8u); // e8v sweeps rate 1..6
  BOOST_TEST(j[0]["codec"].get<std::string>() == "e8v:rate=1");
  // D = 64: one code block of 8 scale blocks, budget 6: C(14, 8) = 3003 profiles (12 bits),
  // 8 · 32 index bits
  BOOST_TEST(j[3]["bits_per_vector"].get<int>() == 11 + 12 + 8 * 32);
  for (const auto& row : j) {
    for (const char* key : {"codec", "family", "rate", "bits_per_dim", "rel_mse", "snr_db", "gap_db"})
      BOOST_TEST(row.contains(key));
    const double bpd = row["bits_per_dim"].get<double>();
    BOOST_TEST(row["gap_db"].get<double>() ==
                   10 * std::log10(row["rel_mse"].get<double>() / std::pow(2.0, -2 * bpd)),
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(row["gap_db"].get<double>() > 0.0); // nothing beats Shannon
  }
  std::ifstream svg(path("rd.svg"));
  std::stringstream ss;
  ss << svg.rdbuf();
  BOOST_TEST(ss.str().find("<svg") == 0u);
  BOOST_TEST(ss.str().find("e8v") != std::string::npos);
  BOOST_TEST(run("rd --codecs e8v:rate=0 --source gaussian").status != 0);
  BOOST_TEST(run("rd --codecs e8v --source " + path("missing.npy")).status != 0);
}

BOOST_AUTO_TEST_CASE(ball_codecs_and_rd) {
  auto x = random_array(64, 128, 2.0, 13);
  kakeya::io::write_npy(path("b.npy"), x);
  for (const std::string spec : {"e8b:rate=4", "e8b:rate=2.5,radius=1"}) {
    BOOST_TEST_CONTEXT(spec) {
      BOOST_TEST_REQUIRE(run("encode --codec " + spec + " --backend simd --in " + path("b.npy") + " --out " + path("b.kkc")).status == 0);
      BOOST_TEST_REQUIRE(run("decode --backend scalar --in " + path("b.kkc") + " --out " + path("by.npy")).status == 0);
      std::vector<float> want(x.data.size());
      kakeya::any_codec::make(spec, 128).roundtrip(x.data, want);
      BOOST_TEST(same_bits(kakeya::io::read_npy(path("by.npy")).data, want));
    }
  }
  run_result r = run("rd --codecs e8b,e8b:rate=3.5 --source gaussian --dim 128 --vectors 300 --backend scalar");
  BOOST_TEST_REQUIRE(r.status == 0, r.err);
  auto j = nlohmann::json::parse(r.out);
  BOOST_TEST_REQUIRE(j.size() == 7u); // e8b sweeps rate 1..6
  BOOST_TEST(j[3]["codec"].get<std::string>() == "e8b:rate=4");
  BOOST_TEST(j[3]["rate"].get<int>() == 4);
  BOOST_TEST(j[6]["rate"].get<double>() == 3.5);
  BOOST_TEST(j[3]["bits_per_vector"].get<int>() == 13 + 512); // ue8m<5> gain, 4 · 128 index bits
  BOOST_TEST(j[6]["bits_per_vector"].get<int>() == 13 + 448);
  for (const auto& row : j) BOOST_TEST(row["gap_db"].get<double>() < 2.5, row["codec"].get<std::string>());
  BOOST_TEST(run("rd --codecs e8b:rate=9 --source gaussian").status != 0);
}

BOOST_AUTO_TEST_SUITE_END()
