// The bug zoo: named, realistic race bugs that can be switched on in the model or the server, to measure how
// fast imaplab finds them (`imaplab bugs`, `--bug NAME`, `imaplab bench-detect`). Each is the kind of mistake a
// real server made. A switched-off bug costs one bit test on its code path.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imaplab::model {

// One entry per bug; the catalogue (bugs.cpp) gives each a name, a one-line description and the rule it breaks.
enum class Bug : std::uint8_t {
};

struct BugInfo {
  Bug bug;
  const char* name;         // kebab-case, e.g. "expunge-during-fetch"
  const char* layer;        // "model" or "server"
  const char* rule;         // the INVARIANTS.md rule a checker should report, e.g. "SEQ-2"
  const char* description;  // one line
};

const std::vector<BugInfo>& bug_catalogue();
const BugInfo* find_bug(std::string_view name);
const BugInfo& bug_info(Bug bug);

// The bugs switched on for one server or run (at most 64).
class BugSet {
 public:
  bool has(Bug bug) const { return (bits_ >> static_cast<unsigned>(bug)) & 1u; }
  void add(Bug bug) { bits_ |= std::uint64_t{1} << static_cast<unsigned>(bug); }
  bool empty() const { return bits_ == 0; }
  bool operator==(const BugSet&) const = default;
  // "name,name" in catalogue order; empty when none.
  std::string to_string() const;
  // From "name,name" (or empty); nullopt and `error` for an unknown name.
  static std::optional<BugSet> parse(std::string_view names, std::string* error = nullptr);

 private:
  std::uint64_t bits_ = 0;
};

}  // namespace imaplab::model
