// FETCH and UID FETCH (RFC 3501 §6.4.5, §6.4.8; CHANGEDSINCE RFC 4551 §3.3.1), with RFC 2180 §4.1's policy
// for messages another session expunged that this client has not been told about.
#include <algorithm>

#include "model/acl.hpp"
#include "model/commands.hpp"
#include "model/events.hpp"
#include "model/fetch.hpp"
#include "model/view.hpp"

namespace imaplab::model {
namespace {

using Kind = proto::FetchAtt::Kind;

bool has_att(const std::vector<proto::FetchAtt>& atts, Kind kind) {
  return std::any_of(atts.begin(), atts.end(), [&](const auto& a) { return a.kind == kind; });
}

proto::FetchAtt att_of(Kind kind) {
  proto::FetchAtt a;
  a.kind = kind;
  return a;
}

std::vector<proto::FetchAtt> requested_atts(Ctx& ctx, const proto::FetchArgs& a) {
  std::vector<proto::FetchAtt> atts = a.macro == proto::FetchMacro::None ? a.atts : expand_macro(a.macro);
  if (ctx.cmd.uid && !has_att(atts, Kind::Uid)) atts.insert(atts.begin(), att_of(Kind::Uid));
  // Bug zoo changedsince-without-modseq: CHANGEDSINCE no longer implies the MODSEQ item (MOD-6).
  if (a.changed_since && !has_att(atts, Kind::ModSeq) && !bug_on(ctx.st, Bug::ChangedsinceWithoutModseq)) {
    atts.push_back(att_of(Kind::ModSeq));
  }
  // RFC 4551 §3.1: implicit enable. Bug zoo fetch-modseq-not-enabling: it is not (MOD-2).
  if (has_att(atts, Kind::ModSeq) && !bug_on(ctx.st, Bug::FetchModseqNotEnabling)) ctx.s.condstore = true;
  return atts;
}

// RFC 3501 §6.4.5: BODY[...] without PEEK, RFC822 and RFC822.TEXT set \Seen (if the user has 's', RFC 4314
// §4); the changed FLAGS then go into the same FETCH response.
bool mark_seen(Ctx& ctx, Mailbox& mb, const Target& t) {
  // Bug zoo examine-sets-seen: a read-only (EXAMINE) session still sets \Seen (RFC 3501 §6.3.2; FLG-6).
  const bool read_only = ctx.s.read_only && !bug_on(ctx.st, Bug::ExamineSetsSeen);
  if (t.expunged || read_only || !has_rights(ctx.st, ctx.s.user, mb, "s")) return false;
  std::vector<std::string> flags = t.message->flags;
  if (std::binary_search(flags.begin(), flags.end(), std::string("\\Seen"))) return false;
  flags.insert(std::upper_bound(flags.begin(), flags.end(), std::string("\\Seen")), "\\Seen");
  flags_changing(ctx.st, ctx.sid, mb, t.uid, t.message->flags);
  if (!set_flags(mb, t.uid, std::move(flags))) return false;
  flags_changed(ctx.st, ctx.sid, mb, t.uid);
  return true;
}

bool has_star(const proto::SequenceSet& set) {
  return std::any_of(set.ranges.begin(), set.ranges.end(),
                     [](const auto& r) { return r.first == proto::seq_star || r.last == proto::seq_star; });
}

// Bug zoo fetch-before-exists: '*' is read against the live mailbox, so messages another session added
// are answered with numbers above the count this session was told, before their EXISTS (SEQ-4).
void add_untold(const Mailbox& mb, const Session& s, std::vector<Target>& targets) {
  auto msn = static_cast<std::uint32_t>(s.view.uids.size());
  for (auto it = mb.messages.upper_bound(s.view.told_max_uid); it != mb.messages.end(); ++it) {
    Target t;
    t.msn = ++msn;
    t.uid = it->first;
    t.message = &it->second;
    targets.push_back(t);
  }
}

// Bug zoo partial-off-by-one: BODY[...]<o.l> answers the data from octet o+1 (one octet short) while still
// claiming origin o (RFC 3501 §6.4.5).
void shift_partials(std::vector<proto::MsgAtt>& atts) {
  for (auto& a : atts) {
    if (a.kind == proto::MsgAtt::Kind::BodySection && a.origin && a.data && a.data->size() > 1) a.data->erase(0, 1);
  }
}

// Bug zoo envelope-reply-to-nil: a header without Reply-To gives a NIL reply-to member instead of the from
// member (RFC 3501 §7.4.2; SEQ-9).
void drop_default_reply_to(std::vector<proto::MsgAtt>& atts, const MessageContent& c) {
  constexpr std::size_t reply_to_member = 4;  // date, subject, from, sender, reply-to, ...
  if (c.header("Reply-To")) return;
  for (auto& a : atts) {
    if (a.kind == proto::MsgAtt::Kind::Envelope && a.value.list.size() > reply_to_member) {
      a.value.list[reply_to_member] = proto::SValue::nil();
    }
  }
}

// Bug zoo body-extension-data: BODY answers BODYSTRUCTURE, extension data and all (RFC 3501 §7.4.2; SEQ-9).
void body_as_bodystructure(std::vector<proto::MsgAtt>& atts, const MessageContent& c) {
  for (auto& a : atts) {
    if (a.kind == proto::MsgAtt::Kind::Body) a.value = c.body_structure(true);
  }
}

// Bug zoo body-lines-off-by-one: every text part's body-fld-lines is one too many (RFC 3501 §7.4.2; SEQ-9).
void bump_text_lines(proto::SValue& part) {
  constexpr std::size_t lines_field = 7;  // type, subtype, params, id, description, encoding, octets, lines
  if (part.kind != proto::SValue::Kind::List || part.list.empty()) return;
  if (part.list.front().kind == proto::SValue::Kind::List) {  // multipart: the children come first
    for (auto& child : part.list) bump_text_lines(child);
    return;
  }
  if (part.list.size() > lines_field && part.list[0].string == "TEXT" &&
      part.list[lines_field].kind == proto::SValue::Kind::Number) {
    ++part.list[lines_field].number;
  }
}

void bump_lines(std::vector<proto::MsgAtt>& atts) {
  for (auto& a : atts) {
    if (a.kind == proto::MsgAtt::Kind::Body || a.kind == proto::MsgAtt::Kind::BodyStructure) bump_text_lines(a.value);
  }
}

// Bug zoo peek-sets-seen: BODY.PEEK[...] sets \Seen like BODY[...] (RFC 3501 §6.4.5; FLG-7).
bool peek_section(const proto::FetchAtt& att) { return att.kind == Kind::BodySection && att.peek; }

void plant_content_bugs(const Ctx& ctx, std::vector<proto::MsgAtt>& answer, const Message& m) {
  if (!m.content) return;
  if (bug_on(ctx.st, Bug::EnvelopeReplyToNil)) drop_default_reply_to(answer, *m.content);
  if (bug_on(ctx.st, Bug::BodyExtensionData)) body_as_bodystructure(answer, *m.content);
  if (bug_on(ctx.st, Bug::BodyLinesOffByOne)) bump_lines(answer);
}

}  // namespace

void cmd_fetch(Ctx& ctx) {
  const auto* a = ctx.args<proto::FetchArgs>();
  Mailbox* mb = ctx.selected_mailbox();
  if (a == nullptr || mb == nullptr) return (void)ctx.bad("FETCH needs a selected mailbox and arguments");
  std::vector<proto::FetchAtt> atts = requested_atts(ctx, *a);
  if (atts.empty()) return (void)ctx.bad("FETCH needs data items");
  auto targets = resolve_set(ctx.st, ctx.s, a->set, ctx.cmd.uid);
  if (!targets) return (void)ctx.no("No such message");  // RFC 2180 §4.1.1 example: numbers the client lacks
  if (bug_on(ctx.st, Bug::FetchBeforeExists) && has_star(a->set)) add_untold(*mb, ctx.s, *targets);
  if (a->changed_since) {
    // Bug zoo changedsince-inclusive keeps mod-sequence == n too (RFC 4551 §3.3.1 says "bigger than"; MOD-6).
    const bool inclusive = bug_on(ctx.st, Bug::ChangedSinceInclusive);
    std::erase_if(*targets, [&](const Target& t) {
      return t.expunged || t.message->modseq < *a->changed_since ||
             (!inclusive && t.message->modseq == *a->changed_since);
    });
  }
  const auto expunged = std::count_if(targets->begin(), targets->end(), [](const Target& t) { return t.expunged; });
  const Policy::Fetch policy = ctx.st.policy.fetch;
  const bool all_gone = expunged > 0 && expunged == static_cast<long>(targets->size());
  if (all_gone && policy != Policy::Fetch::Ghost)
    return (void)ctx.no("Messages have been expunged (RFC 2180 section 4.1)", make_code("EXPUNGEISSUED"));
  const bool implies_seen = std::any_of(atts.begin(), atts.end(), sets_seen) ||
                            (bug_on(ctx.st, Bug::PeekSetsSeen) && std::any_of(atts.begin(), atts.end(), peek_section));
  // The attributes plus FLAGS, for a message whose \Seen this FETCH sets; built once, only when needed.
  std::vector<proto::FetchAtt> with_flags;
  // Bug zoo seen-fetch-without-flags: the FLAGS that RFC 3501 §6.4.5 says SHOULD come are left out (FLG-5).
  if (implies_seen && !has_att(atts, Kind::Flags) && !bug_on(ctx.st, Bug::SeenFetchWithoutFlags)) {
    with_flags = atts;
    with_flags.push_back(att_of(Kind::Flags));
  }
  ctx.out.responses.reserve(ctx.out.responses.size() + targets->size() + 1);
  for (const Target& t : *targets) {
    if (t.expunged && policy == Policy::Fetch::No) continue;
    if (t.expunged && policy != Policy::Fetch::Ghost) {
      ctx.untagged(proto::FetchData{t.msn, nil_atts(t.uid, atts)});
      continue;
    }
    const bool seen_now = implies_seen && mark_seen(ctx, *mb, t);
    const auto& these = seen_now && !with_flags.empty() ? with_flags : atts;
    std::vector<proto::MsgAtt> answer = message_atts(ctx.s, t.uid, *t.message, these);
    if (bug_on(ctx.st, Bug::PartialOffByOne)) shift_partials(answer);
    if (!ctx.st.options.bugs.empty()) plant_content_bugs(ctx.st.options.bugs, *t.message, these, answer);
    plant_content_bugs(ctx, answer, *t.message);
    ctx.untagged(proto::FetchData{t.msn, std::move(answer)});
  }
  if (expunged > 0 && policy == Policy::Fetch::No)
    return (void)ctx.no("Some of the requested messages no longer exist (RFC 2180 section 4.1.2)",
                        make_code("EXPUNGEISSUED"));
  ctx.ok("FETCH completed");
}

}  // namespace imaplab::model
