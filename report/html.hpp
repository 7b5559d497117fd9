// Building blocks for imaplab's HTML pages: escaping of untrusted text (everything in a trace is peer data) and
// the display forms of protocol bytes.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace imaplab::report {

// Escapes text for an HTML text node or a double- or single-quoted attribute value: & < > " ' become entities.
std::string html_escape(std::string_view text);

// Protocol bytes shown to a reader: CRLF becomes a line break, other control and 8-bit bytes become \xHH, so
// nothing a peer sent can change the page's encoding or layout. The final CRLF is left out.
std::string display_bytes(std::string_view bytes);

// The first line of display_bytes(), cut to `chars_max` characters ("..." marks a cut).
std::string first_line(std::string_view bytes, std::size_t chars_max);

// A stable, attribute-safe identifier fragment: letters and digits kept, everything else '-'.
std::string slug(std::string_view text);

}  // namespace imaplab::report
