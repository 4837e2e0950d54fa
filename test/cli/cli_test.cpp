// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
// The kakeya CLI as a user runs it: outputs equal the library's results element for element,
// and every bad input gets a clear message and a nonzero exit, never a crash.
#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
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

BOOST_AUTO_TEST_CASE(version) {
  run_result r = run("--version");
  BOOST_TEST(r.status == 0);
  BOOST_TEST(r.out.find('.') != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
