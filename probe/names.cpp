// Renaming test mailboxes between the agents' names and the run's prefix on the wire (probe/names.hpp).
#include "probe/names.hpp"

#include "proto/writer.hpp"

namespace imaplab::probe {
namespace {

// A piece that ends where a synchronizing literal's data must wait for "+" (RFC 3501 §7.5): "{12}\r\n".
bool ends_with_sync_literal(const std::string& bytes) {
  if (bytes.size() < 5 || bytes.compare(bytes.size() - 3, 3, "}\r\n") != 0) return false;
  std::size_t i = bytes.size() - 4;
  if (bytes[i] < '0' || bytes[i] > '9') return false;
  while (i > 0 && bytes[i] >= '0' && bytes[i] <= '9') --i;
  return bytes[i] == '{';
}

}  // namespace

std::optional<std::string> NameMap::from_wire(const std::string& wire) const {
  const std::string head = prefix_ + delimiter_;
  if (wire.size() <= head.size() || wire.compare(0, head.size(), head) != 0) return std::nullopt;
  return wire.substr(head.size());
}

template <class F>
proto::Command NameMap::rename_all(proto::Command c, const F& rename) {
  if (auto* a = std::get_if<proto::MailboxArgs>(&c.args)) {
    a->mailbox = rename(a->mailbox);
  } else if (auto* r = std::get_if<proto::RenameArgs>(&c.args)) {
    r->from = rename(r->from);
    r->to = rename(r->to);
  } else if (auto* l = std::get_if<proto::ListArgs>(&c.args)) {
    // LIST "" "*" becomes LIST "" "prefix/*": the reference stays empty, the pattern carries the prefix.
    for (std::string& p : l->patterns) p = rename(l->reference + p);
    l->reference.clear();
  } else if (auto* s = std::get_if<proto::StatusArgs>(&c.args)) {
    s->mailbox = rename(s->mailbox);
  } else if (auto* ap = std::get_if<proto::AppendArgs>(&c.args)) {
    ap->mailbox = rename(ap->mailbox);
  } else if (auto* cp = std::get_if<proto::CopyArgs>(&c.args)) {
    cp->mailbox = rename(cp->mailbox);
  } else if (auto* n = std::get_if<proto::NotifyArgs>(&c.args)) {
    for (auto& g : n->groups)
      for (std::string& m : g.filter.mailboxes) m = rename(m);
  } else if (auto* acl = std::get_if<proto::AclArgs>(&c.args)) {
    acl->mailbox = rename(acl->mailbox);
  }
  return c;
}

proto::Command NameMap::to_wire(proto::Command command) const {
  return rename_all(std::move(command), [this](const std::string& n) { return to_wire(n); });
}

proto::Command NameMap::from_wire(proto::Command command) const {
  return rename_all(std::move(command), [this](const std::string& n) { return from_wire(n).value_or(n); });
}

std::optional<std::string> renamed_first_part(const std::string& bytes, const proto::Command& original,
                                              const proto::Command& renamed) {
  const auto style = ends_with_sync_literal(bytes) ? proto::LiteralStyle::Synchronizing
                                                   : proto::LiteralStyle::NonSynchronizing;
  const auto before = proto::write_command_parts(original, style);
  const auto after = proto::write_command_parts(renamed, style);
  if (before.empty() || before.front() != bytes || before.size() != after.size()) return std::nullopt;
  for (std::size_t i = 1; i < before.size(); ++i)
    if (before[i] != after[i]) return std::nullopt;
  return after.front();
}

std::string make_prefix(std::uint64_t seed, std::uint64_t unix_seconds) {
  return "imaplab-" + std::to_string(seed) + "-" + std::to_string(unix_seconds);
}

}  // namespace imaplab::probe
