// The MIME structure of a message (RFC 2822 §2.2, RFC 2045, RFC 2046): header field scanning with folding,
// Content-Type style values with parameters, transfer decoding, and the tree of parts that MessageContent
// builds once. A part is offsets into the message bytes, never a copy, so a small message costs little.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imaplab::model {

// Nesting levels of multipart and message/rfc822 parts that are parsed; a deeper multipart or message part
// is reported as application/octet-stream (as Dovecot does). 24 keeps BODYSTRUCTURE well inside the
// wire layer's parenthesis limit (proto::limits::nesting_depth_max), since each level adds one list and an
// envelope adds three more.
inline constexpr std::size_t mime_depth_max = 24;
// Parts of one message, all levels together; delimiters after the last allowed part are ignored.
inline constexpr std::size_t mime_parts_max = 1000;
// Parameters kept from one Content-Type or Content-Disposition value; later ones are dropped, so that a
// BODYSTRUCTURE parameter list stays far inside proto::limits::list_items_max.
inline constexpr std::size_t mime_params_max = 256;
// A multipart boundary parameter's length. RFC 2046 §5.1.1 allows 70; real mail sometimes has more.
inline constexpr std::size_t boundary_bytes_max = 200;

// How a part's body is interpreted. The declared Content-Type is re-read from the header when needed;
// kind records only what the parser decided about structure.
enum class PartKind : std::uint8_t {
  Leaf,       // a single part; its type comes from its Content-Type (text/plain when absent or malformed)
  Multipart,  // children are the body parts between boundary delimiters (RFC 2046 §5.1)
  Message,    // message/rfc822 (or a multipart/digest child without Content-Type): one child, the
              // encapsulated message whose header and body span this part's body (RFC 2046 §5.2.1)
  PlainText,  // a broken multipart (no boundary, or no delimiter found): text/plain; charset=us-ascii
              // regardless of its header, as RFC 2045 §5.2 and RFC 2046 §5.1.1 suggest
  Opaque,     // a multipart or message part below mime_depth_max or past mime_parts_max:
              // application/octet-stream
};

// One part: [header_begin, body_begin) is its header including the blank line after it (empty when the
// part has no header), [body_begin, body_end) its body. For the top-level part these describe the whole
// message. Offsets are 32-bit: a message is far below 4 GiB (proto::limits::literal_bytes_max).
struct MimePart {
  std::uint32_t header_begin = 0;
  std::uint32_t body_begin = 0;
  std::uint32_t body_end = 0;
  PartKind kind = PartKind::Leaf;
  std::vector<MimePart> children;

  std::string_view header(std::string_view bytes) const {
    return bytes.substr(header_begin, body_begin - header_begin);
  }
  std::string_view body(std::string_view bytes) const { return bytes.substr(body_begin, body_end - body_begin); }
  std::string_view whole(std::string_view bytes) const {
    return bytes.substr(header_begin, body_end - header_begin);
  }
};

// Builds the part tree of a whole message. Never fails: malformed structure degrades as PartKind says.
MimePart parse_message(std::string_view bytes);

// One logical header line (a field and its continuation lines). `raw` is the line as written including
// its line break(s); `name` is empty for a line that is not a field (no colon), which lookups skip.
struct HeaderLine {
  std::string_view name;   // trailing whitespace removed (RFC 2822 §4.5 obs-field allows it)
  std::string_view value;  // everything after the colon, still folded
  std::string_view raw;
};

// Iterates the logical lines of a header, stopping at the blank line that ends it (RFC 2822 §2.2.3).
// Bare LF line ends are accepted as well as CRLF.
class HeaderLines {
 public:
  explicit HeaderLines(std::string_view header) : rest_(header) {}
  bool next(HeaderLine& out);

 private:
  std::string_view rest_;
};

// RFC 2822 §2.2.3 unfolding: removes the line breaks inside a folded value, then trims surrounding
// whitespace. Nothing else is changed (no MIME encoded-word decoding).
std::string unfold(std::string_view value);
// The unfolded value of the first field named `name` (case-insensitive), if any.
std::optional<std::string> find_field(std::string_view header, std::string_view name);

// ASCII case-insensitive comparisons; other bytes compare exactly.
bool iequals(std::string_view a, std::string_view b);
bool icontains(std::string_view haystack, std::string_view needle);
std::string upper(std::string_view s);

// A parameter of a Content-Type or Content-Disposition value (RFC 2045 §5.1, RFC 2183 §2): the name as
// written, the value unquoted.
struct MimeParam {
  std::string name;
  std::string value;
};

// A structured MIME header value: the leading token(s) and the parameters after it. For Content-Type
// `type` and `subtype` are set; for Content-Disposition and Content-Transfer-Encoding only `type`.
struct MimeValue {
  std::string type;
  std::string subtype;
  std::vector<MimeParam> params;
};

// Parses `type/subtype *(; param)` (RFC 2045 §5.1) with comments skipped; nullopt when malformed.
std::optional<MimeValue> parse_content_type(std::string_view unfolded);
// Parses `token *(; param)` (RFC 2183 §2); nullopt when there is no leading token.
std::optional<MimeValue> parse_token_with_params(std::string_view unfolded);
// The value of a parameter by name (case-insensitive).
const std::string* find_param(const std::vector<MimeParam>& params, std::string_view name);

// Body decoding for SEARCH (RFC 2045 §6.7 and §6.8). Malformed input decodes as far as it can.
std::string decode_quoted_printable(std::string_view encoded);
std::string decode_base64(std::string_view encoded);

// Lines of a body for BODYSTRUCTURE body-fld-lines: line feeds, plus one for a last line without one.
std::uint64_t count_lines(std::string_view body);

}  // namespace imaplab::model
