// The users file: one "name password" per line, '#' starts a comment, blank lines are ignored.
#include <set>

#include "model/model.hpp"

namespace imaplab::model {
namespace {

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '\r') ++j;
    if (j > i) out.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::optional<std::vector<User>> parse_users(std::string_view text, std::string* error) {
  std::vector<User> users;
  std::set<std::string> seen;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto w = words(line);
    if (w.empty()) continue;
    if (w.size() != 2 || !seen.insert(w[0]).second) {
      if (error != nullptr) {
        *error = "line " + std::to_string(line_number) +
                 (w.size() != 2 ? ": expected \"name password\"" : ": duplicate user " + w[0]);
      }
      return std::nullopt;
    }
    users.push_back(User{w[0], w[1]});
  }
  return users;
}

}  // namespace imaplab::model
