// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3): UTF-8 <-> the 7-bit form sent on the wire. Decoding
// accepts only the one canonical encoding of each name, so names compare equal exactly when their bytes do.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "proto/writer.hpp"

namespace imaplab::proto {
namespace {

// The modified BASE64 alphabet of RFC 3501 §5.1.3: RFC 2152's with ',' in place of '/'.
constexpr char base64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
constexpr int base64_invalid = -1;
constexpr std::uint32_t replacement_char = 0xFFFD;
constexpr std::uint32_t max_code_point = 0x10FFFF;

constexpr std::array<int, 256> make_base64_values() {
  std::array<int, 256> values{};
  for (auto& v : values) v = base64_invalid;
  for (int i = 0; i < 64; ++i) values[static_cast<unsigned char>(base64_chars[i])] = i;
  return values;
}
constexpr std::array<int, 256> base64_values = make_base64_values();

// Printable US-ASCII represents itself outside a shift (RFC 3501 §5.1.3).
constexpr bool is_direct(std::uint32_t c) { return c >= 0x20 && c <= 0x7e; }

// Reads one UTF-8 code point at s[i], advancing i. Invalid sequences (overlong forms, surrogates, truncation,
// values above U+10FFFF) yield U+FFFD for one byte, so encoding is total.
std::uint32_t next_code_point(const std::string& s, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  int extra = 0;
  std::uint32_t cp = 0;
  std::uint32_t min = 0;
  if (lead < 0x80) {
    ++i;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    extra = 1, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3, cp = lead & 0x07, min = 0x10000;
  } else {
    ++i;
    return replacement_char;
  }
  if (i + extra >= s.size()) {  // truncated sequence
    ++i;
    return replacement_char;
  }
  for (int k = 1; k <= extra; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return replacement_char;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > max_code_point || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return replacement_char;
  }
  i += extra + 1;
  return cp;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Accumulates UTF-16 code units and emits modified BASE64, flushing the final partial sextet zero-padded.
class ShiftEncoder {
 public:
  explicit ShiftEncoder(std::string& out) : out_(out) {}
  void add_code_point(std::uint32_t cp) {
    if (cp >= 0x10000) {
      cp -= 0x10000;
      add_unit(0xD800 | (cp >> 10));
      add_unit(0xDC00 | (cp & 0x3FF));
    } else {
      add_unit(cp);
    }
  }
  void finish() {
    if (bits_ > 0) out_ += base64_chars[(buffer_ << (6 - bits_)) & 0x3F];
    buffer_ = 0;
    bits_ = 0;
  }

 private:
  void add_unit(std::uint32_t unit) {
    buffer_ = (buffer_ << 16) | unit;
    bits_ += 16;
    while (bits_ >= 6) {
      bits_ -= 6;
      out_ += base64_chars[(buffer_ >> bits_) & 0x3F];
    }
    buffer_ &= (1u << bits_) - 1;
  }
  std::string& out_;
  std::uint32_t buffer_ = 0;
  int bits_ = 0;
};

// Decodes the base64 between '&' and '-' into UTF-8, appending to out. Rejects bad characters, leftover
// bits that are nonzero or a whole sextet (non-canonical), unpaired surrogates, and printable ASCII that
// must represent itself (RFC 3501 §5.1.3).
bool decode_shift(const std::string& in, std::size_t begin, std::size_t end, std::string& out) {
  std::uint32_t buffer = 0;
  int bits = 0;
  std::uint32_t high_surrogate = 0;
  for (std::size_t i = begin; i < end; ++i) {
    const int v = base64_values[static_cast<unsigned char>(in[i])];
    if (v == base64_invalid) return false;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits < 16) continue;
    bits -= 16;
    const std::uint32_t unit = (buffer >> bits) & 0xFFFF;
    buffer &= (1u << bits) - 1;
    if (high_surrogate != 0) {
      if (unit < 0xDC00 || unit > 0xDFFF) return false;
      append_utf8(out, 0x10000 + ((high_surrogate - 0xD800) << 10) + (unit - 0xDC00));
      high_surrogate = 0;
    } else if (unit >= 0xD800 && unit <= 0xDBFF) {
      high_surrogate = unit;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return false;
    } else if (is_direct(unit)) {
      return false;
    } else {
      append_utf8(out, unit);
    }
  }
  return high_surrogate == 0 && bits < 6 && buffer == 0;
}

}  // namespace

std::string encode_mailbox(const std::string& utf8) {
  std::string out;
  out.reserve(utf8.size() + utf8.size() / 2 + 2);
  std::size_t i = 0;
  while (i < utf8.size()) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (is_direct(c)) {
      out += static_cast<char>(c);
      if (c == '&') out += '-';
      ++i;
      continue;
    }
    // All consecutive non-printable characters go into one shift: the canonical form.
    out += '&';
    ShiftEncoder encoder(out);
    while (i < utf8.size() && !is_direct(static_cast<unsigned char>(utf8[i]))) {
      encoder.add_code_point(next_code_point(utf8, i));
    }
    encoder.finish();
    out += '-';
  }
  return out;
}

std::optional<std::string> decode_mailbox(const std::string& mutf7) {
  std::string out;
  out.reserve(mutf7.size());
  bool previous_was_shift = false;
  std::size_t i = 0;
  while (i < mutf7.size()) {
    const auto c = static_cast<unsigned char>(mutf7[i]);
    if (!is_direct(c)) return std::nullopt;  // 8-bit and control characters are always shifted
    if (c != '&') {
      out += static_cast<char>(c);
      previous_was_shift = false;
      ++i;
      continue;
    }
    const std::size_t end = mutf7.find('-', i + 1);
    if (end == std::string::npos) return std::nullopt;  // unterminated shift
    if (end == i + 1) {
      out += '&';
      previous_was_shift = false;
    } else {
      // Two adjacent shifts are the non-canonical spelling of one (the encoder merges them).
      if (previous_was_shift) return std::nullopt;
      if (!decode_shift(mutf7, i + 1, end, out)) return std::nullopt;
      previous_was_shift = true;
    }
    i = end + 1;
  }
  return out;
}

}  // namespace imaplab::proto
