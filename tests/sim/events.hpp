// Test helper: builds checker Events from transcript lines in RFC 2180's notation, e.g. "C1: a FETCH 1:* FLAGS"
// (client 1 sent a command), "S1: * 3 EXPUNGE" (client 1 received a response), "C1: DONE" (a raw line: any single token),
// "C1: <connect>" / "C1: <disconnect>". A line may start with "@<microseconds> " to set its virtual time;
// otherwise each line is 10 us after the previous one.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sim/checker.hpp"
#include "sim/event.hpp"

namespace imaplab::sim::testing {

// Throws std::invalid_argument when a line does not parse; tests then fail loudly.
std::vector<Event> events_from(const std::vector<std::string>& lines);

// Feeds every line to `checker`; returns the first fatal violation (nullopt: none).
std::optional<Violation> run_lines(Checker& checker, const std::vector<std::string>& lines,
                                   const StoreOracle* oracle = nullptr);

// A checker with default options (policy defaults, should-rules fatal so canaries of S rules fire too).
Checker make_checker(bool should_is_fatal = true);

}  // namespace imaplab::sim::testing
