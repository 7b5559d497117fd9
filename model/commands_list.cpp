// LIST and LSUB (RFC 3501 §6.3.8-§6.3.9) with LIST-EXTENDED (RFC 5258: SUBSCRIBED, RECURSIVEMATCH, RETURN
// (SUBSCRIBED CHILDREN)) and LIST-STATUS (RFC 5819). Only mailboxes the user may look up ('l') are listed.
#include <algorithm>
#include <set>

#include "model/acl.hpp"
#include "model/commands.hpp"

namespace imaplab::model {
namespace {

struct ListRequest {
  bool select_subscribed = false;
  bool recursive = false;
  bool return_subscribed = false;
  std::vector<std::string> patterns;  // reference already prefixed
};

// The names the user can see, personal (INBOX first) then shared, each once.
std::vector<MailboxKey> visible_keys(const State& st, const std::string& user) {
  std::vector<MailboxKey> personal, shared;
  for (const auto& [key, id] : st.names) {
    const Mailbox* mb = mailbox_by_id(st, id);
    if (mb == nullptr || !can_see(st, user, *mb)) continue;
    if (key.owner.empty()) shared.push_back(key);
    else if (key.name == "INBOX") personal.insert(personal.begin(), key);
    else personal.push_back(key);
  }
  personal.insert(personal.end(), shared.begin(), shared.end());
  return personal;
}

// Bug zoo list-percent-crosses-delimiter: '%' also takes the delimiter (LST-1).
bool matches_any(const State& st, const std::vector<std::string>& patterns, const std::string& name) {
  const bool sloppy = bug_on(st, Bug::ListPercentCrossesDelimiter);
  return std::any_of(patterns.begin(), patterns.end(), [&](const auto& p) { return pattern_matches(p, name, sloppy); });
}

// Bug zoo has-children-counts-hidden: a child without 'l' counts too, though LIST never shows it (LST-2).
bool has_visible_children(const State& st, const std::string& user, const MailboxKey& key) {
  const bool hidden_count = bug_on(st, Bug::HasChildrenCountsHidden);
  const std::string prefix = key.name + delimiter;
  for (auto it = st.names.lower_bound(MailboxKey{key.owner, prefix}); it != st.names.end(); ++it) {
    if (it->first.owner != key.owner || it->first.name.rfind(prefix, 0) != 0) break;
    const Mailbox* mb = mailbox_by_id(st, it->second);
    if (mb != nullptr && (hidden_count || can_see(st, user, *mb))) return true;
  }
  return false;
}

std::optional<ListRequest> parse_request(Ctx& ctx, const proto::ListArgs& a) {
  ListRequest req;
  for (const auto& o : a.select_options) {
    if (o == "SUBSCRIBED") req.select_subscribed = true;
    else if (o == "RECURSIVEMATCH") req.recursive = true;
    else if (o != "REMOTE") return ctx.bad("Unknown LIST selection option " + o + " (RFC 5258 section 3)"), std::nullopt;
  }
  if (req.recursive && !req.select_subscribed)
    return ctx.bad("RECURSIVEMATCH needs another selection option (RFC 5258 section 3)"), std::nullopt;
  for (const auto& o : a.return_options) {
    if (o == "SUBSCRIBED") req.return_subscribed = true;
    else if (o != "CHILDREN") return ctx.bad("Unknown LIST return option " + o + " (RFC 5258 section 3)"), std::nullopt;
  }
  for (const auto& p : a.patterns) req.patterns.push_back(a.reference + p);
  return req;
}

void send_status_for(Ctx& ctx, const MailboxKey& key, const std::vector<proto::StatusItem>& items) {
  if (items.empty()) return;
  const Mailbox* mb = find_mailbox(ctx.st, key);
  if (mb == nullptr || mb->noselect || !has_rights(ctx.st, ctx.s.user, *mb, "r")) return;
  ctx.untagged(status_data(ctx.st, ctx.s, *mb, items));
}

void list_subscribed(Ctx& ctx, const ListRequest& req, const proto::ListArgs& a) {
  std::set<std::string> listed;
  for (const auto& name : ctx.st.subscriptions[ctx.s.user]) {
    if (!matches_any(ctx.st, req.patterns, name)) continue;
    const auto key = key_for(ctx.s.user, name);
    if (!key) continue;
    ctx.untagged(list_data(ctx.st, ctx.s.user, *key, true));
    send_status_for(ctx, *key, a.return_status);
    listed.insert(name);
  }
  if (!req.recursive) return;
  // RFC 5258 §3.5: a parent that matches with a subscribed child below gets CHILDINFO ("SUBSCRIBED").
  for (const auto& name : ctx.st.subscriptions[ctx.s.user]) {
    for (std::string p = parent_of(name); !p.empty(); p = parent_of(p)) {
      if (listed.count(p) != 0 || !matches_any(ctx.st, req.patterns, p)) continue;
      const auto key = key_for(ctx.s.user, p);
      if (!key) continue;
      proto::ListData d = list_data(ctx.st, ctx.s.user, *key, true);
      d.child_info = {"SUBSCRIBED"};
      ctx.untagged(std::move(d));
      listed.insert(p);
    }
  }
}

}  // namespace

namespace {

// Dynamic programming over (pattern position, name position): O(|pattern| * |name|) for any number of
// wildcards, so a pattern of many '*' cannot blow up (bad input never costs exponential time).
bool match_from(std::string_view pattern, std::string_view name, bool percent_takes_delimiter) {
  std::vector<char> row(name.size() + 1, 0), next(name.size() + 1, 0);
  row[name.size()] = 1;  // the empty pattern matches only the empty rest of the name
  for (std::size_t pi = pattern.size(); pi-- > 0;) {
    const char c = pattern[pi];
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t ni = name.size() + 1; ni-- > 0;) {
      if (c == '*' || c == '%') {
        // Match nothing here, or take one more character (a '%' never takes the delimiter).
        next[ni] = row[ni] || (ni < name.size() && (c == '*' || percent_takes_delimiter || name[ni] != delimiter) && next[ni + 1]);
      } else {
        next[ni] = ni < name.size() && name[ni] == c && row[ni + 1];
      }
    }
    std::swap(row, next);
  }
  return row[0] != 0;
}

}  // namespace

// '*' matches anything, '%' anything but the delimiter (RFC 3501 §6.3.8). "inbox" in any case is INBOX.
bool pattern_matches(std::string_view pattern, std::string_view name, bool percent_takes_delimiter) {
  std::string p(pattern);
  if (p.size() >= 5 && normalize_name(p.substr(0, 5)) == "INBOX" && (p.size() == 5 || p[5] == delimiter)) {
    p.replace(0, 5, "INBOX");
  }
  return match_from(p, name, percent_takes_delimiter);
}

proto::ListData list_data(const State& st, const std::string& user, const MailboxKey& key, bool subscribed_attr) {
  proto::ListData d;
  d.delimiter = delimiter;
  d.mailbox = key.name;
  const Mailbox* mb = find_mailbox(st, key);
  if (mb == nullptr || !can_see(st, user, *mb)) {
    d.attributes.push_back("\\NonExistent");
  } else {
    // Bug zoo list-noselect-missing: a placeholder kept for its inferiors loses \\Noselect (LST-2).
    if (mb->noselect && !bug_on(st, Bug::ListNoselectMissing)) d.attributes.push_back("\\Noselect");
    d.attributes.push_back(has_visible_children(st, user, key) ? "\\HasChildren" : "\\HasNoChildren");
  }
  if (subscribed_attr && is_subscribed(st, user, key.name)) d.attributes.push_back("\\Subscribed");
  return d;
}

void cmd_list(Ctx& ctx) {
  const auto* a = ctx.args<proto::ListArgs>();
  if (a == nullptr || a->patterns.empty()) return (void)ctx.bad("LIST needs a reference and a pattern");
  const auto req = parse_request(ctx, *a);
  if (!req) return;
  if (!a->patterns_parenthesized && a->select_options.empty() && a->patterns.front().empty()) {
    // RFC 3501 §6.3.8: the empty pattern asks for the delimiter and the reference's root.
    proto::ListData d;
    d.attributes = {"\\Noselect"};
    d.delimiter = delimiter;
    ctx.untagged(std::move(d));
    return (void)ctx.ok("LIST completed");
  }
  if (req->select_subscribed) {
    list_subscribed(ctx, *req, *a);
    return (void)ctx.ok("LIST completed");
  }
  std::vector<MailboxKey> matching;
  for (const auto& key : visible_keys(ctx.st, ctx.s.user)) {
    if (matches_any(ctx.st, req->patterns, key.name)) matching.push_back(key);
  }
  // Bug zoo list-drops-last-match: of two or more matches, the last is left out (LST-3).
  if (matching.size() >= 2 && bug_on(ctx.st, Bug::ListDropsLastMatch)) matching.pop_back();
  for (const auto& key : matching) {
    ctx.untagged(list_data(ctx.st, ctx.s.user, key, req->return_subscribed));
    send_status_for(ctx, key, a->return_status);
  }
  ctx.ok("LIST completed");
}

// RFC 3501 §6.3.9: subscribed names; with '%', an unsubscribed parent of a subscribed name is \Noselect.
void cmd_lsub(Ctx& ctx) {
  const auto* a = ctx.args<proto::ListArgs>();
  if (a == nullptr || a->patterns.empty()) return (void)ctx.bad("LSUB needs a reference and a pattern");
  const std::string pattern = a->reference + a->patterns.front();
  const auto& subs = ctx.st.subscriptions[ctx.s.user];
  const bool sloppy = bug_on(ctx.st, Bug::ListPercentCrossesDelimiter);  // bug zoo (LST-1)
  std::set<std::string> listed;
  for (const auto& name : subs) {
    if (pattern_matches(pattern, name, sloppy)) {
      proto::ListData d;
      d.lsub = true;
      d.delimiter = delimiter;
      d.mailbox = name;
      const auto key = key_for(ctx.s.user, name);
      const Mailbox* mb = key ? find_mailbox(ctx.st, *key) : nullptr;
      if (mb != nullptr && mb->noselect) d.attributes.push_back("\\Noselect");
      ctx.untagged(std::move(d));
      listed.insert(name);
      continue;
    }
    for (std::string p = parent_of(name); !p.empty(); p = parent_of(p)) {
      if (listed.count(p) != 0 || subs.count(p) != 0 || !pattern_matches(pattern, p, sloppy)) continue;
      proto::ListData d;
      d.lsub = true;
      d.delimiter = delimiter;
      d.mailbox = p;
      d.attributes = {"\\Noselect"};
      ctx.untagged(std::move(d));
      listed.insert(p);
    }
  }
  ctx.ok("LSUB completed");
}

}  // namespace imaplab::model
