// SPDX-FileCopyrightText: 2026 kakeyalattice contributors
// SPDX-License-Identifier: Apache-2.0
#define BOOST_TEST_MODULE code_file
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <vector>

#include "kakeya/io/code_file.hpp"

using namespace kakeya;
namespace fs = std::filesystem;

namespace {
std::vector<std::byte> file_bytes(const std::string& spec, std::uint32_t dim, std::uint64_t n,
                                  std::uint32_t bpv, std::size_t payload) {
  std::vector<std::byte> b;
  for (auto c : io::code_file_magic) b.push_back(std::byte(c));
  io::detail::put_le(b, 1, 2);
  io::detail::put_le(b, spec.size(), 2);
  io::detail::put_le(b, dim, 4);
  io::detail::put_le(b, n, 8);
  io::detail::put_le(b, bpv, 4);
  io::detail::put_le(b, 0, 4);
  for (char c : spec) b.push_back(std::byte(c));
  for (std::size_t i = 0; i < payload; ++i) b.push_back(std::byte(i * 7));
  return b;
}
errc code_of(const std::vector<std::byte>& b) {
  try {
    io::parse_code_file(b, "t.kkc");
  } catch (const error& e) {
    BOOST_TEST_MESSAGE(e.what());
    return e.code();
  }
  BOOST_FAIL("accepted");
  return errc::io_error;
}
} // namespace

BOOST_AUTO_TEST_CASE(layout_is_as_documented) {
  fs::path p = fs::temp_directory_path() / "kakeya_code_file_test.kkc";
  std::vector<std::uint8_t> codes = {1, 2, 3, 4, 5, 6};
  io::write_code_file(p.string(), "e8:q=38", 8, 3, 2, codes);
  auto raw = io::read_file(p.string());
  BOOST_TEST(raw.size() == 32u + 7u + 6u);
  BOOST_TEST(static_cast<int>(raw[0]) == 0x89);
  BOOST_TEST(static_cast<char>(raw[1]) == 'K');
  BOOST_TEST(static_cast<int>(raw[8]) == 1);   // version
  BOOST_TEST(static_cast<int>(raw[10]) == 7);  // spec length
  BOOST_TEST(static_cast<int>(raw[12]) == 8);  // dim
  BOOST_TEST(static_cast<int>(raw[16]) == 3);  // count
  BOOST_TEST(static_cast<int>(raw[24]) == 2);  // bytes per vector
  BOOST_TEST(static_cast<char>(raw[32]) == 'e');
  BOOST_TEST(static_cast<int>(raw[39]) == 1);  // first code byte
  io::code_file f = io::read_code_file(p.string());
  BOOST_TEST(f.spec == "e8:q=38");
  BOOST_TEST(f.dim == 8u);
  BOOST_TEST(f.count == 3u);
  BOOST_TEST(f.bytes_per_vector == 2u);
  BOOST_TEST(f.codes == codes, boost::test_tools::per_element());
  fs::remove(p);
}

BOOST_AUTO_TEST_CASE(corrupt_files_are_refused) {
  BOOST_TEST(io::parse_code_file(file_bytes("e8:q=38", 128, 2, 106, 212), "ok").count == 2u);
  auto bad_magic = file_bytes("e8:q=38", 128, 2, 106, 212);
  bad_magic[3] = std::byte{'X'};
  BOOST_TEST(code_of(bad_magic) == errc::format_error);
  auto bad_version = file_bytes("e8:q=38", 128, 2, 106, 212);
  bad_version[8] = std::byte{2};
  BOOST_TEST(code_of(bad_version) == errc::format_error);
  BOOST_TEST(code_of(file_bytes("e8:q=38", 128, 2, 106, 211)) == errc::format_error);  // truncated
  BOOST_TEST(code_of(file_bytes("e8:q=38", 128, 2, 106, 213)) == errc::format_error);  // trailing
  BOOST_TEST(code_of(file_bytes("e8:q=38", 128, ~0ull, 106, 212)) == errc::format_error); // lying count
  BOOST_TEST(code_of(file_bytes("e8:q=38", 128, 2, 0, 0)) == errc::format_error);
  BOOST_TEST(code_of(file_bytes("e8:q=38", 0, 2, 106, 212)) == errc::format_error);
  BOOST_TEST(code_of(file_bytes("e8 q=38", 128, 2, 106, 212)) == errc::format_error);   // space in spec
  auto long_spec = file_bytes("e8:q=38", 128, 2, 106, 0);
  long_spec[10] = std::byte{200};
  BOOST_TEST(code_of(long_spec) == errc::format_error);
  auto reserved = file_bytes("e8:q=38", 128, 2, 106, 212);
  reserved[28] = std::byte{1};
  BOOST_TEST(code_of(reserved) == errc::format_error);
  std::vector<std::byte> tiny(10, std::byte{0x89});
  BOOST_TEST(code_of(tiny) == errc::format_error);
}
