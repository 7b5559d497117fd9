// Golden transcripts from the RFCs (RFC 3501 §8, RFC 2180 §3-§4, every example of RFC 5465), kept in
// tests/proto/data: every client line parses as a Command and every server line as a Response, and writing
// the parsed value gives back the line, or the normalized form the data file documents after "=> ".
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "proto/command_parser.hpp"
#include "proto/response_parser.hpp"
#include "proto/writer.hpp"

namespace imaplab::proto {
namespace {

// One message of a transcript file.
struct GoldenEntry {
  std::size_t line = 0;      // 1-based line in the file, for failure messages
  std::string wire;          // the message as sent, with CRLF
  std::string expected;      // what the writer must produce (wire unless "=> " said otherwise)
  bool must_reject = false;  // "! " lines
};

std::string read_file_crlf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// The size n of a literal announced at the end of the line ("{n}" or "{n+}"), if any.
std::optional<std::size_t> trailing_literal(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  const std::size_t open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = line.substr(open + 1, line.size() - open - 2);
  if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return std::stoul(std::string(digits));
}

// Reads one message starting at pos: lines, and after a line ending in {n} the n literal bytes.
std::string read_message(const std::string& text, std::size_t& pos, std::size_t& line_number) {
  std::string message;
  for (;;) {
    const std::size_t eol = text.find("\r\n", pos);
    const std::size_t end = eol == std::string::npos ? text.size() : eol;
    const std::string_view line(text.data() + pos, end - pos);
    message.append(line);
    message.append("\r\n");
    pos = std::min(text.size(), end + 2);
    ++line_number;
    const auto literal = trailing_literal(line);
    if (!literal) return message;
    const std::string data = text.substr(pos, *literal);
    for (const char c : data) line_number += c == '\n' ? 1 : 0;
    message.append(data);
    pos += data.size();
  }
}

std::vector<GoldenEntry> read_golden(const std::string& path) {
  const std::string text = read_file_crlf(path);
  std::vector<GoldenEntry> entries;
  std::size_t pos = 0;
  std::size_t line_number = 1;
  while (pos < text.size()) {
    const std::string_view rest(text.data() + pos, text.size() - pos);
    if (rest.starts_with("#") || rest.starts_with("\r\n")) {
      const std::size_t eol = text.find("\r\n", pos);
      pos = eol == std::string::npos ? text.size() : eol + 2;
      ++line_number;
      continue;
    }
    if (rest.starts_with("=> ")) {
      pos += 3;
      if (!entries.empty()) entries.back().expected = read_message(text, pos, line_number);
      continue;
    }
    GoldenEntry entry;
    entry.must_reject = rest.starts_with("! ");
    if (entry.must_reject) pos += 2;
    entry.line = line_number;
    entry.wire = read_message(text, pos, line_number);
    entry.expected = entry.wire;
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::string data_path(const std::string& name) { return std::string(IMAPLAB_SOURCE_DIR) + "/tests/proto/data/" + name; }

void check_client_transcript(const std::string& name) {
  const auto entries = read_golden(data_path(name));
  ASSERT_FALSE(entries.empty()) << "no messages in " << name;
  for (const GoldenEntry& e : entries) {
    SCOPED_TRACE(name + ":" + std::to_string(e.line) + ": " + e.wire);
    const auto parsed = parse_command(e.wire);
    if (e.must_reject) {
      EXPECT_TRUE(std::holds_alternative<ParseError>(parsed));
      continue;
    }
    if (const auto* error = std::get_if<ParseError>(&parsed)) {
      ADD_FAILURE() << "parse error: " << error->message;
      continue;
    }
    // The RFC transcripts send synchronizing literals.
    EXPECT_EQ(write_command(std::get<Command>(parsed), LiteralStyle::Synchronizing), e.expected);
  }
}

void check_server_transcript(const std::string& name) {
  const auto entries = read_golden(data_path(name));
  ASSERT_FALSE(entries.empty()) << "no messages in " << name;
  for (const GoldenEntry& e : entries) {
    SCOPED_TRACE(name + ":" + std::to_string(e.line) + ": " + e.wire);
    const auto parsed = parse_response(e.wire);
    if (e.must_reject) {
      EXPECT_TRUE(std::holds_alternative<ParseError>(parsed));
      continue;
    }
    if (const auto* error = std::get_if<ParseError>(&parsed)) {
      ADD_FAILURE() << "parse error: " << error->message;
      continue;
    }
    EXPECT_EQ(write_response(std::get<Response>(parsed)), e.expected);
  }
}

TEST(GoldenReader, ReadsLiteralsNormalizationsAndRejections) {
  const std::string path = testing::TempDir() + "golden_reader_test.txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << "# comment\n\na1 x {4}\nab\n)\n=> a1 y\n! bad\n";
  }
  const auto entries = read_golden(path);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].wire, "a1 x {4}\r\nab\r\n)\r\n");
  EXPECT_EQ(entries[0].expected, "a1 y\r\n");
  EXPECT_EQ(entries[0].line, 3u);
  EXPECT_TRUE(entries[1].must_reject);
  EXPECT_EQ(entries[1].wire, "bad\r\n");
  EXPECT_EQ(entries[1].line, 7u);
}

TEST(Golden, Rfc3501SampleSessionClient) { check_client_transcript("rfc3501_s8.client.txt"); }
TEST(Golden, Rfc3501SampleSessionServer) { check_server_transcript("rfc3501_s8.server.txt"); }
TEST(Golden, Rfc2180ExamplesClient) { check_client_transcript("rfc2180.client.txt"); }
TEST(Golden, Rfc2180ExamplesServer) { check_server_transcript("rfc2180.server.txt"); }
TEST(Golden, Rfc5465ExamplesClient) { check_client_transcript("rfc5465.client.txt"); }
TEST(Golden, Rfc5465ExamplesServer) { check_server_transcript("rfc5465.server.txt"); }

}  // namespace
}  // namespace imaplab::proto
