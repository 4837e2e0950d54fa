// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE npy
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "kakeya/io/npy.hpp"

namespace fs = std::filesystem;
using kakeya::errc;
using kakeya::error;
using kakeya::io::npy_array;
using kakeya::io::parse_npy;

namespace {

// A file laid out by hand, byte for byte as numpy 1.x writes np.save(f, np.float32 array).
std::vector<std::byte> handmade(const std::string& dict, const std::vector<float>& values,
                                int major = 1, std::size_t drop = 0, std::size_t extra = 0) {
  std::string h = dict;
  std::size_t pre = major == 1 ? 10 : 12;
  while ((pre + h.size() + 1) % 64 != 0) h.push_back(' ');
  h.push_back('\n');
  std::vector<std::byte> out;
  const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  for (auto c : magic) out.push_back(std::byte{c});
  out.push_back(std::byte(major));
  out.push_back(std::byte{0});
  std::size_t n = h.size();
  for (std::size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) out.push_back(std::byte((n >> (8 * i)) & 0xff));
  for (char c : h) out.push_back(std::byte(c));
  std::vector<std::byte> data(values.size() * 4);
  if (!values.empty()) std::memcpy(data.data(), values.data(), data.size());
  data.resize(data.size() - drop);
  out.insert(out.end(), data.begin(), data.end());
  out.insert(out.end(), extra, std::byte{0});
  return out;
}

errc code_of(const std::vector<std::byte>& bytes) {
  try {
    (void)parse_npy(bytes, "test.npy");
  } catch (const error& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e.code();
  }
  BOOST_FAIL("accepted a bad file");
  return errc::invalid_argument;
}

} // namespace

BOOST_AUTO_TEST_CASE(reads_what_numpy_writes) {
  std::vector<float> v = {1.5f, -2.0f, 0.0f, 3.25f, NAN, 1e30f};
  auto bytes = handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", v);
  npy_array a = parse_npy(bytes, "x");
  BOOST_TEST(a.rows == 2u);
  BOOST_TEST(a.cols == 3u);
  BOOST_TEST(a.data[0] == 1.5f);
  BOOST_TEST(a.data[3] == 3.25f);
  BOOST_TEST(std::isnan(a.data[4]));
  BOOST_TEST(a.row(1)[2] == 1e30f);
}

BOOST_AUTO_TEST_CASE(version_2_and_3_and_spacing_variants) {
  std::vector<float> v = {1, 2};
  BOOST_TEST(parse_npy(handmade("{'descr':'<f4','fortran_order':False,'shape':(1,2)}", v, 2), "x").cols == 2u);
  BOOST_TEST(parse_npy(handmade("{\"shape\": (2, 1), \"fortran_order\": False, \"descr\": \"<f4\"}", v, 3), "x").rows == 2u);
  BOOST_TEST(parse_npy(handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }", {}), "x").rows == 0u);
}

BOOST_AUTO_TEST_CASE(refuses_bad_files_with_format_error) {
  std::vector<float> v = {1, 2, 3, 4};
  const std::string good = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  auto bad_magic = handmade(good, v);
  bad_magic[1] = std::byte{'X'};
  BOOST_TEST(code_of(bad_magic) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade(good, v, 1, 3)) == errc::format_error);    // truncated data
  BOOST_TEST(code_of(handmade(good, v, 1, 0, 8)) == errc::format_error); // trailing bytes
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (18446744073709551615, 2), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': False}", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 2)}", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("not a dict", v)) == errc::format_error);
  auto lying_len = handmade(good, v);
  lying_len[8] = std::byte{0xff};
  lying_len[9] = std::byte{0xff};
  BOOST_TEST(code_of(lying_len) == errc::format_error);
  auto bad_version = handmade(good, v);
  bad_version[6] = std::byte{9};
  BOOST_TEST(code_of(bad_version) == errc::format_error);
  std::vector<std::byte> tiny(5, std::byte{0x93});
  BOOST_TEST(code_of(tiny) == errc::format_error);
  // More lying or malformed headers (docs/robustness.md).
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, 2), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), 'x': 1}", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("{'descr': '<f4, 'fortran_order': False, 'shape': (2, 2), }", v)) == errc::format_error);
  BOOST_TEST(code_of(handmade("", v)) == errc::format_error);
  auto v2_cut = handmade(good, v, 2);
  v2_cut.resize(11); // version 2.0 with a cut 4-byte header length
  BOOST_TEST(code_of(v2_cut) == errc::format_error);
  auto v2_huge = handmade(good, v, 2);
  v2_huge[11] = std::byte{0x80}; // header length 2^31 + ...
  BOOST_TEST(code_of(v2_huge) == errc::format_error);
  // A shape whose byte count wraps around 2^64 when multiplied naively.
  BOOST_TEST(code_of(handmade("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", v)) == errc::format_error);
}

BOOST_AUTO_TEST_CASE(write_then_read_round_trip_and_alignment) {
  fs::path dir = fs::temp_directory_path() / "kakeya_npy_test";
  fs::create_directories(dir);
  std::string path = (dir / "a.npy").string();
  std::vector<float> v(3 * 5);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i) * 0.5f - 3.0f;
  kakeya::io::write_npy(path, 3, 5, v);
  auto raw = kakeya::io::read_file(path);
  BOOST_TEST((raw.size() - v.size() * 4) % 64 == 0u); // data starts 64-byte aligned
  npy_array a = kakeya::io::read_npy(path);
  BOOST_TEST(a.rows == 3u);
  BOOST_TEST(a.cols == 5u);
  BOOST_TEST(a.data == v);
  // A failed write leaves the existing file untouched and no temporary behind.
  BOOST_CHECK_THROW(kakeya::io::write_npy(path, 3, 6, v), error);
  BOOST_TEST(kakeya::io::read_npy(path).data == v);
  BOOST_CHECK_THROW(kakeya::io::write_npy((dir / "missing" / "b.npy").string(), 3, 5, v), error);
  std::size_t files = 0;
  for (auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
  BOOST_TEST(files == 1u);
  try {
    kakeya::io::read_npy((dir / "nope.npy").string());
    BOOST_FAIL("read a missing file");
  } catch (const error& e) {
    BOOST_TEST(e.code() == errc::io_error);
  }
  // A symbolic link: the file it points to is replaced, the link stays.
  fs::create_symlink("a.npy", dir / "link.npy");
  std::vector<float> w(2 * 5, 7.0f);
  kakeya::io::write_npy((dir / "link.npy").string(), 2, 5, w);
  BOOST_TEST(fs::is_symlink(dir / "link.npy"));
  BOOST_TEST(kakeya::io::read_npy(path).data == w);
  fs::remove_all(dir);
}

// Devices and FIFOs are written in place: renaming a temporary over /dev/full would replace the
// device node (as root). A failing device write is an io_error.
BOOST_AUTO_TEST_CASE(writes_to_devices_go_in_place) {
  std::vector<float> v(4, 1.0f);
  if (fs::is_character_file("/dev/zero")) // an endless input is refused, not read until OOM
    BOOST_CHECK_THROW(kakeya::io::read_npy("/dev/zero"), error);
  if (fs::is_character_file("/dev/null")) {
    kakeya::io::write_npy("/dev/null", 2, 2, v);
    BOOST_TEST(fs::is_character_file("/dev/null"));
  }
  if (fs::is_character_file("/dev/full")) {
    try {
      kakeya::io::write_npy("/dev/full", 2, 2, v);
      BOOST_FAIL("a write to /dev/full succeeded");
    } catch (const error& e) {
      BOOST_TEST(e.code() == errc::io_error);
      BOOST_TEST_MESSAGE(e.what());
    }
    BOOST_TEST(fs::is_character_file("/dev/full"));
  }
}
