// Parsing, printing and enumeration of the RFC 2180 policy matrix (model/policy.hpp).
#include "model/policy.hpp"

#include <array>
#include <utility>

namespace imaplab::model {
namespace {

constexpr std::array<std::pair<Policy::Delete, std::string_view>, 3> delete_names{{
    {Policy::Delete::Fail, "fail"}, {Policy::Delete::Ghost, "ghost"}, {Policy::Delete::Bye, "bye"}}};
constexpr std::array<std::pair<Policy::Rename, std::string_view>, 3> rename_names{{
    {Policy::Rename::Fail, "fail"}, {Policy::Rename::Bye, "bye"}, {Policy::Rename::Inplace, "inplace"}}};
constexpr std::array<std::pair<Policy::Fetch, std::string_view>, 4> fetch_names{{
    {Policy::Fetch::Ghost, "ghost"}, {Policy::Fetch::No, "no"}, {Policy::Fetch::Nil, "nil"},
    {Policy::Fetch::RefuseExpunge, "refuse-expunge"}}};
constexpr std::array<std::pair<Policy::Store, std::string_view>, 2> store_names{{
    {Policy::Store::Partial, "partial"}, {Policy::Store::None, "none"}}};
constexpr std::array<std::pair<Policy::Copy, std::string_view>, 2> copy_names{{
    {Policy::Copy::Fail, "fail"}, {Policy::Copy::Snapshot, "snapshot"}}};
constexpr std::array<std::pair<bool, std::string_view>, 2> bool_names{{{true, "yes"}, {false, "no"}}};

template <class Table, class E>
std::string_view name_of(const Table& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

template <class Table, class E>
bool value_of(const Table& table, std::string_view name, E& out) {
  for (const auto& [v, n] : table) {
    if (n == name) {
      out = v;
      return true;
    }
  }
  return false;
}

bool fail(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

// Applies one "key=value" word to the policy.
bool apply(Policy& p, std::string_view word, std::string* error) {
  const auto eq = word.find('=');
  if (eq == std::string_view::npos) return fail(error, "policy word without '=': " + std::string(word));
  const std::string_view key = word.substr(0, eq), value = word.substr(eq + 1);
  bool ok = false;
  if (key == "delete") ok = value_of(delete_names, value, p.del);
  else if (key == "rename") ok = value_of(rename_names, value, p.rename);
  else if (key == "fetch") ok = value_of(fetch_names, value, p.fetch);
  else if (key == "store") ok = value_of(store_names, value, p.store);
  else if (key == "copy") ok = value_of(copy_names, value, p.copy);
  else if (key == "newname") ok = value_of(bool_names, value, p.newname_code);
  else return fail(error, "unknown policy key: " + std::string(key));
  if (!ok) return fail(error, "bad value for " + std::string(key) + ": " + std::string(value));
  return true;
}

}  // namespace

std::optional<Policy> Policy::parse(std::string_view text, std::string* error) {
  Policy p;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t') ++j;
    if (j > i && !apply(p, text.substr(i, j - i), error)) return std::nullopt;
    i = j;
  }
  return p;
}

// newname is printed only when it differs from the default, so the usual line stays the documented one.
std::string Policy::to_string() const {
  std::string out = "delete=" + std::string(name_of(delete_names, del));
  out += " rename=" + std::string(name_of(rename_names, rename));
  out += " fetch=" + std::string(name_of(fetch_names, fetch));
  out += " store=" + std::string(name_of(store_names, store));
  out += " copy=" + std::string(name_of(copy_names, copy));
  if (!newname_code) out += " newname=no";
  return out;
}

std::vector<Policy> Policy::all() {
  std::vector<Policy> out;
  for (const auto& d : delete_names)
    for (const auto& r : rename_names)
      for (const auto& f : fetch_names)
        for (const auto& s : store_names)
          for (const auto& c : copy_names) {
            Policy p;
            p.del = d.first;
            p.rename = r.first;
            p.fetch = f.first;
            p.store = s.first;
            p.copy = c.first;
            out.push_back(p);
          }
  return out;
}

}  // namespace imaplab::model
