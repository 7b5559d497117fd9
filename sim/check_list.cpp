// LST-1 and LST-2: what a LIST or LSUB reply may name and how LIST describes a name. LST-1 [C] matches each
// solicited reply name against the command's reference and patterns with a matcher of its own (RFC 3501
// §6.3.8), not the model's; LST-2 [O] compares LIST's \Noselect and \HasChildren/\HasNoChildren with the true
// names (RFC 3501 §6.3.4, §7.2.2; RFC 5258 §4) while no command that could change them was in flight.
#include <algorithm>
#include <cctype>
#include <vector>

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;

// Matching costs O(pattern * name); longer patterns or names are not judged.
constexpr std::size_t match_chars_max = 1024;

bool has_attribute(const proto::ListData& list, const char* attribute) {
  const std::string want(attribute);
  return std::any_of(list.attributes.begin(), list.attributes.end(), [&](const std::string& a) {
    return a.size() == want.size() && std::equal(a.begin(), a.end(), want.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  });
}

// The name's first five characters are INBOX in some case, as the whole name or its first level: they compare
// case-insensitively (RFC 3501 §5.1).
bool inbox_led(const std::string& name, char delimiter) {
  if (name.size() < 5 || (name.size() > 5 && name[5] != delimiter)) return false;
  std::string head = name.substr(0, 5);
  for (char& ch : head) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return head == "INBOX";
}

// RFC 3501 §6.3.8: '*' matches zero or more characters, '%' likewise but not the hierarchy delimiter. Walks
// the set of pattern positions reachable after each character of the name (a nondeterministic automaton).
// With `fold`, the first five characters of the name compare case-insensitively (an INBOX-led name).
bool wildcard_match(const std::string& pattern, const std::string& name, char delimiter, bool fold) {
  std::vector<char> at(pattern.size() + 1, 0), next(pattern.size() + 1, 0);
  const auto close = [&](std::vector<char>& set) {  // a wildcard may match nothing: step over it
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (set[i] && (pattern[i] == '*' || pattern[i] == '%')) set[i + 1] = 1;
    }
  };
  at[0] = 1;
  close(at);
  for (std::size_t ni = 0; ni < name.size(); ++ni) {
    const char ch = name[ni];
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
      if (!at[i]) continue;
      const char p = pattern[i];
      if (p == '*' || (p == '%' && ch != delimiter)) {
        next[i] = 1;
      } else if (p != '%') {
        const bool same = fold && ni < 5 ? std::toupper(static_cast<unsigned char>(p)) ==
                                               std::toupper(static_cast<unsigned char>(ch))
                                         : p == ch;
        if (same) next[i + 1] = 1;
      }
    }
    close(next);
    std::swap(at, next);
  }
  return at[pattern.size()] != 0;
}

// The one LIST or LSUB of this client in flight that a reply of this kind answers, or nullptr when there is
// none, two, or the reply could be a NOTIFY push (RFC 5465 §5.4, §5.5) instead.
const Inflight* solicited_by(const Ctx& ctx, const ClientState& c, const proto::ListData& list) {
  if (c.notify.active || c.notifies > 0 || c.idle) return nullptr;
  const Inflight* found = nullptr;
  for (const Inflight& f : c.inflight) {
    const proto::Command* cmd = ctx.log[f.sent].command ? &*ctx.log[f.sent].command : nullptr;
    if (cmd == nullptr || (cmd->kind != CommandKind::List && cmd->kind != CommandKind::Lsub)) continue;
    if (found != nullptr) return nullptr;
    found = &f;
  }
  if (found == nullptr || (ctx.log[found->sent].command->kind == CommandKind::Lsub) != list.lsub) return nullptr;
  return found;
}

// LST-1: the name matches the reference followed by one of the patterns.
void check_pattern(Ctx& ctx, const Inflight& f, const proto::ListData& list, EventIndex index) {
  const auto* a = std::get_if<proto::ListArgs>(&ctx.log[f.sent].command->args);
  if (a == nullptr || !list.delimiter || list.mailbox.empty() || list.mailbox.size() > match_chars_max) return;
  for (const std::string& p : a->patterns) {
    if (p.empty() || a->reference.size() + p.size() > match_chars_max) return;  // §6.3.8's root query: not judged
    const std::string full = a->reference + p;
    if (wildcard_match(full, list.mailbox, *list.delimiter, inbox_led(list.mailbox, *list.delimiter))) return;
  }
  std::string patterns;
  for (const std::string& p : a->patterns) patterns += (patterns.empty() ? "\"" : ", \"") + a->reference + p + "\"";
  ctx.rep.report("LST-1", {index}, {f.sent},
                 std::string(list.lsub ? "LSUB" : "LIST") + " returned \"" + list.mailbox + "\", which the reference "
                 "and pattern " + patterns + " do not match: '%' matches no hierarchy delimiter ('" +
                 std::string(1, *list.delimiter) + "') and other characters match only themselves (RFC 3501 §6.3.8).");
}

// The client's SRC-1/STA-1 quiet probe (check_search.cpp) still stands for its only command, this LIST: no
// command that could change names, rights or messages was in flight anywhere since it was sent.
bool names_quiet(const Ctx& ctx, const ClientState& c) {
  return ctx.oracle != nullptr && c.quiet.active && c.inflight.size() == 1 && c.inflight.front().sent == c.quiet.sent &&
         c.quiet.changes_sent == ctx.cross.store_changes_sent && !c.idle && !c.notify.active && c.notifies == 0 &&
         !c.bye && !c.user.empty();
}

// LST-2: \Noselect exactly on placeholders, \HasChildren / \HasNoChildren as the visible inferiors say.
void check_attributes(Ctx& ctx, const ClientState& c, const proto::ListData& list, EventIndex index) {
  if (list.lsub || list.mailbox.empty() || has_attribute(list, "\\NonExistent") || !names_quiet(ctx, c)) return;
  const auto truth = ctx.oracle->model().name_info(c.user, list.mailbox);
  if (!truth.visible) return;  // ACC-2's business
  std::string why;
  if (has_attribute(list, "\\Noselect") != truth.noselect) {
    why = truth.noselect ? "LIST did not mark \"" + list.mailbox + "\" \\Noselect, but the store keeps it only as the "
                           "name of inferiors after its DELETE (RFC 3501 §6.3.4: it \"will acquire the \\Noselect "
                           "name attribute\"; §7.2.2)"
                         : "LIST marked \"" + list.mailbox + "\" \\Noselect, but it is a selectable mailbox in the "
                           "store (RFC 3501 §7.2.2)";
  } else if (has_attribute(list, "\\HasChildren") && !truth.visible_children) {
    why = "LIST marked \"" + list.mailbox + "\" \\HasChildren, but the store has no name below it that the user may "
          "look up (RFC 5258 §4; RFC 3348)";
  } else if (has_attribute(list, "\\HasNoChildren") && truth.visible_children) {
    why = "LIST marked \"" + list.mailbox + "\" \\HasNoChildren, but the store has a name below it that the user "
          "may look up (RFC 5258 §4; RFC 3348)";
  }
  if (why.empty()) return;
  ctx.rep.report("LST-2", {index}, {c.quiet.sent},
                 why + "; no command that changes names or rights was in flight since the LIST was sent.");
}

}  // namespace

bool list_pattern_matches(const std::string& pattern, const std::string& name, char delimiter, bool inbox_fold) {
  return wildcard_match(pattern, name, delimiter, inbox_fold && inbox_led(name, delimiter));
}

void list_observe(Ctx& ctx, ClientState& c, EventIndex index) {
  const Event& e = ctx.log[index];
  if (e.dir != Event::Dir::Received || !e.response || ctx.rep.stopped()) return;
  const auto* list = std::get_if<proto::ListData>(&e.response->body);
  if (list == nullptr) return;
  const Inflight* f = solicited_by(ctx, c, *list);
  if (f == nullptr) return;
  check_pattern(ctx, *f, *list, index);
  if (!ctx.rep.stopped()) check_attributes(ctx, c, *list, index);
}

}  // namespace imaplab::sim::detail
