// The MIME structure parser (RFC 2045, RFC 2046) and the header scanning it rests on (RFC 2822 §2.2).
// Everything here accepts any bytes: bare LF line ends, a missing header/body separator, NUL and 8-bit
// bytes; structure it cannot make sense of degrades to a plain part instead of failing.
#include "model/mime.hpp"

#include <algorithm>

namespace imaplab::model {
namespace {

bool is_wsp(char c) { return c == ' ' || c == '\t'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char upper_char(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// The offset just past the line starting at `pos` (past its LF), or the size of `s` when it has none.
std::size_t line_end(std::string_view s, std::size_t pos) {
  const std::size_t nl = s.find('\n', pos);
  return nl == std::string_view::npos ? s.size() : nl + 1;
}

bool is_blank_line(std::string_view s, std::size_t pos) {
  return (pos < s.size() && s[pos] == '\n') ||
         (pos + 1 < s.size() && s[pos] == '\r' && s[pos + 1] == '\n') || (pos + 1 == s.size() && s[pos] == '\r');
}

// Where the body starts: just past the first blank line at or after `begin`, or `s.size()` when the
// header never ends (RFC 2822 §2.1: the separator is optional when there is no body).
std::size_t body_start(std::string_view s, std::size_t begin) {
  for (std::size_t pos = begin; pos < s.size(); pos = line_end(s, pos)) {
    if (is_blank_line(s, pos)) return line_end(s, pos);
  }
  return s.size();
}

// RFC 2822 §2.2: a field name is printable US-ASCII except the colon.
bool is_field_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c > 32 && c < 127; });
}

enum class Delimiter { None, Part, Close };

// RFC 2046 §5.1.1: a delimiter line is "--" boundary, "--" more for the close delimiter, then only
// transport padding (whitespace) before the line break.
Delimiter delimiter_at(std::string_view s, std::size_t pos, std::string_view boundary) {
  if (s.size() - pos < boundary.size() + 2 || s[pos] != '-' || s[pos + 1] != '-' ||
      s.compare(pos + 2, boundary.size(), boundary) != 0) {
    return Delimiter::None;
  }
  std::size_t i = pos + 2 + boundary.size();
  Delimiter kind = Delimiter::Part;
  if (s.size() - i >= 2 && s[i] == '-' && s[i + 1] == '-') {
    kind = Delimiter::Close;
    i += 2;
  }
  for (; i < s.size() && s[i] != '\n'; ++i) {
    if (!is_wsp(s[i]) && s[i] != '\r') return Delimiter::None;
  }
  return kind;
}

// Builds the part tree, counting parts against mime_parts_max. Recursion is bounded by mime_depth_max.
class StructureParser {
 public:
  explicit StructureParser(std::string_view bytes) : bytes_(bytes) {}

  MimePart part(std::size_t begin, std::size_t end, std::size_t depth, bool digest_child) {
    ++parts_;
    const std::string_view region = bytes_.substr(0, end);
    MimePart p;
    p.header_begin = static_cast<std::uint32_t>(begin);
    p.body_begin = static_cast<std::uint32_t>(body_start(region, begin));
    p.body_end = static_cast<std::uint32_t>(end);
    const auto field = find_field(p.header(bytes_), "Content-Type");
    const auto type = field ? parse_content_type(*field) : std::nullopt;
    // RFC 2046 §5.1.5: in a multipart/digest a part without (usable) Content-Type is message/rfc822.
    const bool message = type ? iequals(type->type, "message") && iequals(type->subtype, "rfc822") : digest_child;
    const bool multipart = type && iequals(type->type, "multipart");
    if (!message && !multipart) return p;
    if (depth >= mime_depth_max || parts_ >= mime_parts_max) {
      p.kind = PartKind::Opaque;
    } else if (message) {
      p.kind = PartKind::Message;
      p.children.push_back(part(p.body_begin, p.body_end, depth + 1, false));
    } else {
      split_multipart(p, *type, depth);
    }
    return p;
  }

 private:
  void split_multipart(MimePart& p, const MimeValue& type, std::size_t depth) {
    const std::string* boundary = find_param(type.params, "boundary");
    if (boundary == nullptr || boundary->empty() || boundary->size() > boundary_bytes_max) {
      p.kind = PartKind::PlainText;
      return;
    }
    p.kind = PartKind::Multipart;
    const bool digest = iequals(type.subtype, "digest");
    const std::string_view region = bytes_.substr(0, p.body_end);
    std::optional<std::size_t> part_begin;  // set once the first delimiter is seen; before it is preamble
    for (std::size_t pos = p.body_begin; pos < region.size(); pos = line_end(region, pos)) {
      const Delimiter d = delimiter_at(region, pos, *boundary);
      if (d == Delimiter::None) continue;
      if (part_begin) add_child(p, *part_begin, content_end(*part_begin, pos), depth, digest);
      if (d == Delimiter::Close) {
        part_begin.reset();  // the rest is epilogue
        break;
      }
      part_begin = line_end(region, pos);
    }
    if (part_begin) add_child(p, *part_begin, region.size(), depth, digest);  // no close delimiter
    if (p.children.empty()) p.kind = PartKind::PlainText;
  }

  // RFC 2046 §5.1.1: the line break before a delimiter belongs to the delimiter, not to the part.
  std::size_t content_end(std::size_t begin, std::size_t delimiter) const {
    std::size_t e = delimiter;
    if (e > begin && bytes_[e - 1] == '\n') --e;
    if (e > begin && bytes_[e - 1] == '\r') --e;
    return e;
  }

  void add_child(MimePart& p, std::size_t begin, std::size_t end, std::size_t depth, bool digest) {
    if (parts_ >= mime_parts_max) return;
    p.children.push_back(part(begin, end, depth + 1, digest));
  }

  std::string_view bytes_;
  std::size_t parts_ = 0;
};

// A reader of RFC 2045 structured values: tokens, quoted strings, specials, with comments skipped.
class ValueLexer {
 public:
  explicit ValueLexer(std::string_view s) : s_(s) {}

  bool done() {
    skip_cfws();
    return i_ >= s_.size();
  }
  bool take(char c) {
    skip_cfws();
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  // RFC 2045 §5.1 token: no space, controls or tspecials. 8-bit bytes are accepted.
  std::string token() {
    skip_cfws();
    const std::size_t start = i_;
    while (i_ < s_.size() && is_token_char(s_[i_])) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  // A parameter value: a quoted string, or (leniently) anything up to `;`, whitespace or a comment,
  // because real mail writes values such as name=a/b.txt unquoted.
  std::string value() {
    skip_cfws();
    if (i_ < s_.size() && s_[i_] == '"') return quoted();
    const std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ';' && s_[i_] != '(' && !is_space(s_[i_])) ++i_;
    return std::string(s_.substr(start, i_ - start));
  }
  void skip_past(char c) {
    while (i_ < s_.size() && s_[i_] != c) ++i_;
  }

 private:
  static bool is_space(char c) { return is_wsp(c) || c == '\r' || c == '\n'; }
  static bool is_token_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u == 127) return false;
    return std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
  }
  void skip_cfws() {
    while (i_ < s_.size()) {
      if (is_space(s_[i_])) {
        ++i_;
      } else if (s_[i_] == '(') {
        skip_comment();
      } else {
        return;
      }
    }
  }
  // RFC 2822 §3.2.3 comments nest and may hold quoted pairs; an unterminated one runs to the end.
  void skip_comment() {
    std::size_t level = 0;
    for (; i_ < s_.size(); ++i_) {
      if (s_[i_] == '\\') {
        ++i_;
      } else if (s_[i_] == '(') {
        ++level;
      } else if (s_[i_] == ')' && --level == 0) {
        ++i_;
        return;
      }
    }
    i_ = s_.size();  // a quoted pair at the very end stepped past it
  }
  std::string quoted() {
    std::string out;
    for (++i_; i_ < s_.size(); ++i_) {
      if (s_[i_] == '"') {
        ++i_;
        break;
      }
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      if (s_[i_] != '\r' && s_[i_] != '\n') out += s_[i_];
    }
    return out;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

std::vector<MimeParam> parse_params(ValueLexer& lex) {
  std::vector<MimeParam> params;
  while (!lex.done() && params.size() < mime_params_max) {
    if (!lex.take(';')) {
      lex.skip_past(';');  // junk between parameters: resynchronize at the next separator
      continue;
    }
    MimeParam param;
    param.name = lex.token();
    if (param.name.empty() || !lex.take('=')) continue;
    param.value = lex.value();
    params.push_back(std::move(param));
  }
  return params;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const char l = lower(c);
  if (l >= 'a' && l <= 'f') return l - 'a' + 10;
  return -1;
}

}  // namespace

MimePart parse_message(std::string_view bytes) {
  return StructureParser(bytes).part(0, bytes.size(), 0, false);
}

bool HeaderLines::next(HeaderLine& out) {
  if (rest_.empty() || is_blank_line(rest_, 0)) return false;
  std::size_t end = line_end(rest_, 0);
  while (end < rest_.size() && is_wsp(rest_[end])) end = line_end(rest_, end);  // continuation lines
  out.raw = rest_.substr(0, end);
  rest_.remove_prefix(end);
  const std::size_t colon = out.raw.find(':');
  std::string_view name = colon == std::string_view::npos ? std::string_view() : out.raw.substr(0, colon);
  while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);
  const bool field = colon != std::string_view::npos && is_field_name(name);
  out.name = field ? name : std::string_view();
  out.value = field ? out.raw.substr(colon + 1) : out.raw;
  return true;
}

std::string unfold(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\n') continue;
    if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n') continue;
    out += value[i];
  }
  const auto space = [](char c) { return is_wsp(c) || c == '\r'; };
  while (!out.empty() && space(out.back())) out.pop_back();
  const auto first = std::find_if_not(out.begin(), out.end(), space);
  out.erase(out.begin(), first);
  return out;
}

std::optional<std::string> find_field(std::string_view header, std::string_view name) {
  HeaderLines lines(header);
  HeaderLine line;
  while (lines.next(line)) {
    if (!line.name.empty() && iequals(line.name, name)) return unfold(line.value);
  }
  return std::nullopt;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool icontains(std::string_view haystack, std::string_view needle) {
  const auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                              [](char x, char y) { return lower(x) == lower(y); });
  return it != haystack.end() || needle.empty();
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), upper_char);
  return out;
}

std::optional<MimeValue> parse_content_type(std::string_view unfolded) {
  ValueLexer lex(unfolded);
  MimeValue v;
  v.type = lex.token();
  if (v.type.empty() || !lex.take('/')) return std::nullopt;
  v.subtype = lex.token();
  if (v.subtype.empty()) return std::nullopt;
  v.params = parse_params(lex);
  return v;
}

std::optional<MimeValue> parse_token_with_params(std::string_view unfolded) {
  ValueLexer lex(unfolded);
  MimeValue v;
  v.type = lex.token();
  if (v.type.empty()) return std::nullopt;
  v.params = parse_params(lex);
  return v;
}

const std::string* find_param(const std::vector<MimeParam>& params, std::string_view name) {
  for (const auto& p : params) {
    if (iequals(p.name, name)) return &p.value;
  }
  return nullptr;
}

std::string decode_quoted_printable(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (i + 2 < in.size() && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
      i += 2;
    } else if (i + 1 < in.size() && in[i + 1] == '\n') {
      i += 1;  // soft line break, RFC 2045 §6.7 rule 5
    } else if (i + 2 < in.size() && in[i + 1] == '\r' && in[i + 2] == '\n') {
      i += 2;
    } else {
      out += in[i];  // a lone "=" is kept, as RFC 2045 §6.7 note 1 recommends
    }
  }
  return out;
}

std::string decode_base64(std::string_view in) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(in.size() / 4 * 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    if (c == '=') break;
    const std::size_t v = alphabet.find(c);
    if (v == std::string_view::npos) continue;  // RFC 2045 §6.8: other characters are ignored
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::uint64_t count_lines(std::string_view body) {
  const auto lf = static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n'));
  return lf + (!body.empty() && body.back() != '\n' ? 1 : 0);
}

}  // namespace imaplab::model
