// The bug zoo's catalogue and the name <-> switch conversions.
#include "model/bugs.hpp"

namespace imaplab::model {

const std::vector<BugInfo>& bug_catalogue() {
  static const std::vector<BugInfo> catalogue{};
  return catalogue;
}

const BugInfo* find_bug(std::string_view name) {
  for (const auto& info : bug_catalogue())
    if (name == info.name) return &info;
  return nullptr;
}

const BugInfo& bug_info(Bug bug) {
  for (const auto& info : bug_catalogue())
    if (info.bug == bug) return info;
  return bug_catalogue().front();  // unreachable: every Bug has a catalogue entry
}

std::string BugSet::to_string() const {
  std::string out;
  for (const auto& info : bug_catalogue()) {
    if (!has(info.bug)) continue;
    if (!out.empty()) out += ',';
    out += info.name;
  }
  return out;
}

std::optional<BugSet> BugSet::parse(std::string_view names, std::string* error) {
  BugSet set;
  while (!names.empty()) {
    auto comma = names.find(',');
    auto name = names.substr(0, comma);
    names = comma == std::string_view::npos ? std::string_view{} : names.substr(comma + 1);
    if (name.empty()) continue;
    const BugInfo* info = find_bug(name);
    if (!info) {
      if (error) *error = "unknown bug '" + std::string(name) + "' (imaplab bugs lists them)";
      return std::nullopt;
    }
    set.add(info->bug);
  }
  return set;
}

}  // namespace imaplab::model
