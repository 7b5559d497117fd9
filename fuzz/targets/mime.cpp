// Fuzz target: MessageContent over arbitrary bytes. ENVELOPE, BODY, BODYSTRUCTURE, every section of the
// first parts and SEARCH must work on any message without crashing, and their structural promises hold:
// HEADER + TEXT is the whole message, every part in BODYSTRUCTURE is fetchable, nesting fits the wire limits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "model/message.hpp"
#include "model/mime.hpp"
#include "proto/limits.hpp"

namespace {

using imaplab::model::MessageContent;
using imaplab::model::MimePart;
using imaplab::model::PartKind;
using imaplab::proto::SValue;
using Text = imaplab::proto::Section::Text;

// Inputs are cut to this size, so every run stays fast.
constexpr std::size_t input_bytes_max = 64 * 1024;
// Parts whose sections are fetched and compared; fetching copies bytes, so the walk is bounded.
constexpr std::size_t walked_parts_max = 64;
// Parentheses a FETCH response adds around BODYSTRUCTURE: the msg-att list.
constexpr std::size_t fetch_nesting_depth = 1;

void require(bool ok) {
  if (!ok) std::abort();
}

// Depth and widest list of an SValue; the recursion follows the value, whose depth is what is checked.
void measure(const SValue& v, std::size_t depth, std::size_t& depth_max, std::size_t& width_max) {
  if (v.kind != SValue::Kind::List) return;
  depth_max = std::max(depth_max, depth + 1);
  width_max = std::max(width_max, v.list.size());
  for (const auto& child : v.list) measure(child, depth + 1, depth_max, width_max);
}

void check_wire_limits(const SValue& v) {
  std::size_t depth = 0;
  std::size_t width = 0;
  measure(v, 0, depth, width);
  require(depth + fetch_nesting_depth <= imaplab::proto::limits::nesting_depth_max);
  require(width <= imaplab::proto::limits::list_items_max);
}

imaplab::proto::Section section(const std::vector<std::uint32_t>& part, Text text) {
  return imaplab::proto::Section{part, text, {"Subject", "content-type"}};
}

class Walker {
 public:
  explicit Walker(const MessageContent& c) : c_(c) {}

  // A message (top level or encapsulated) at `path`: its parts are numbered below `path`.
  void message(const MimePart& m, std::vector<std::uint32_t>& path) {
    if (m.kind == PartKind::Multipart) {
      for (std::size_t i = 0; i < m.children.size() && walked_ < walked_parts_max; ++i) {
        path.push_back(static_cast<std::uint32_t>(i + 1));
        part(m.children[i], path);
        path.pop_back();
      }
    } else {
      path.push_back(1);
      part(m, path);
      path.pop_back();
    }
  }

 private:
  void part(const MimePart& p, std::vector<std::uint32_t>& path) {
    ++walked_;
    const auto body = c_.section(section(path, Text::None));
    require(body.has_value() && body->size() == p.body_end - p.body_begin);
    require(c_.section(section(path, Text::Mime)).has_value());
    if (p.kind == PartKind::Message) {
      const auto header = c_.section(section(path, Text::Header));
      const auto text = c_.section(section(path, Text::Text));
      require(header && text && *header + *text == *body);
      require(c_.section(section(path, Text::HeaderFields)).has_value());
      message(p.children.front(), path);
    } else if (p.kind == PartKind::Multipart) {
      message(p, path);
    } else {
      require(!c_.section(section(path, Text::Header)).has_value());
    }
  }

  const MessageContent& c_;
  std::size_t walked_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > input_bytes_max) size = input_bytes_max;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const MessageContent c(bytes);

  require(c.envelope().list.size() == 10);
  check_wire_limits(c.envelope());
  check_wire_limits(c.body_structure(true));
  check_wire_limits(c.body_structure(false));
  const auto header = c.section(section({}, Text::Header));
  const auto text = c.section(section({}, Text::Text));
  require(header && text && *header + *text == bytes);
  require(c.section(section({}, Text::None)) == bytes);
  (void)c.section(section({}, Text::HeaderFieldsNot));
  (void)c.sent_date();

  std::vector<std::uint32_t> path;
  Walker(c).message(c.mime_root(), path);

  // An arbitrary part path taken from the input must be answered or refused, never crash.
  std::vector<std::uint32_t> arbitrary;
  for (std::size_t i = 0; i < std::min<std::size_t>(size, 6); ++i) arbitrary.push_back(data[i] % 4);
  (void)c.section(section(arbitrary, Text::Text));
  (void)c.section(section(arbitrary, Text::None));

  imaplab::proto::SearchKey key;
  key.value = bytes.substr(0, std::min<std::size_t>(size, 4));
  imaplab::model::SearchSubject subject;
  subject.content = &c;
  for (const auto kind : {imaplab::proto::SearchKey::Kind::Body, imaplab::proto::SearchKey::Kind::Text,
                          imaplab::proto::SearchKey::Kind::From, imaplab::proto::SearchKey::Kind::SentOn}) {
    key.kind = kind;
    (void)imaplab::model::search_matches(key, subject);
  }
  return 0;
}
