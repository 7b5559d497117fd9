// State-machine properties of the model (rapidcheck rc::state): random command sequences from 2-4 sessions
// on a personal INBOX and shared mailboxes, run under every RFC 2180 policy, checking after each step what
// INVARIANTS.md demands of the store and of what each session was told: UIDNEXT and HIGHESTMODSEQ never
// decrease (UID-1, MOD-1), UIDs are never reused (UID-2, UID-3), a new UIDVALIDITY is higher (UID-4), every
// session's MSN list equals what its responses told it (SEQ-3..8) and the store's UIDs after the expunges it
// has been told (SEQ-14), and no EXPUNGE arrives while answering FETCH, STORE or SEARCH or between commands
// unless IDLE or NOTIFY allows it (SEQ-1, SEQ-2, NTF-11).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "model/model.hpp"
#include "model/policy.hpp"
#include "proto/writer.hpp"

// How rapidcheck prints a drawn policy in a counterexample (found by argument-dependent lookup).
namespace imaplab::model {
inline void showValue(const Policy& policy, std::ostream& os) { os << policy.to_string(); }
}  // namespace imaplab::model

namespace imaplab::testing {
namespace {

using model::SessionId;
using proto::CommandKind;

constexpr int sessions_min = 2;
constexpr int sessions_max = 4;
// Sequence-set bounds drawn for commands: small, so shrinking reaches short counterexamples.
constexpr std::uint32_t set_number_max = 5;
// Messages in shared/box before the first generated command.
constexpr int initial_messages = 3;
// The mailboxes commands name: a personal INBOX (each user's own) and two names in the shared namespace.
const char* const mailbox_names[] = {"INBOX", "shared/box", "shared/other"};
const char* const shared_names[] = {"shared/box", "shared/other"};

// What a session's user is: sessions 0, 1 and 3 are alice (who owns the shared hierarchy), session 2 is bob,
// who is granted every right on it, so the shared mailboxes are accessed by two users.
std::string user_of(int session) { return session == 2 ? "bob" : "alice"; }

// ---------------------------------------------------------------------------------------------------------
// The abstract model rapidcheck generates from: only what decides which commands are valid.

struct Abstract {
  int sessions = sessions_min;
  std::vector<bool> idle;  // IDLE sent and not yet DONE: only DONE may follow
};

// ---------------------------------------------------------------------------------------------------------
// The system under test: the same command sequence runs on one Model per policy.

// What one session has been told, rebuilt from the responses it received.
struct Told {
  bool alive = true;
  bool selected = false;
  bool closed_code = false;          // "* OK [CLOSED]" during the current command (RFC 7162 §3.2.11)
  std::uint32_t uidvalidity = 0;     // of the selected mailbox
  std::vector<std::uint32_t> uids;   // per MSN; 0 while an EXISTS announced it and no UID was seen yet
  bool idle = false;
  bool notify = false;               // a NOTIFY SET is in effect: updates may come between commands
  bool notify_expunge = false;       // ... and it has SELECTED with MessageExpunge (RFC 5465 §5.3)
  std::optional<std::uint32_t> select_uidvalidity;  // [UIDVALIDITY n] seen during SELECT/EXAMINE
};

// The store as observed over time, per UIDVALIDITY (one mailbox incarnation: the model gives each new
// mailbox a higher one, ModelOptions::uidvalidity_base).
struct Incarnation {
  std::uint32_t uidnext = 0;
  std::uint64_t highestmodseq = 0;
  std::uint32_t max_uid = 0;
  std::set<std::uint32_t> present;
  std::set<std::uint32_t> gone;
};

// The context a response arrived in.
struct Context {
  bool between_commands = false;
  CommandKind kind = CommandKind::Noop;
  bool uid = false;
};

struct World {
  explicit World(const model::Policy& p, int sessions) : policy(p), model(p, users()) {
    for (int s = 0; s < sessions; ++s) {
      ids.push_back(model.connect());
      told.emplace_back();
      quiet(s, login(s));
    }
    // alice shares the shared hierarchy with bob (RFC 4314 SETACL) and makes the first shared mailbox.
    quiet(0, make("a", CommandKind::SetAcl, proto::AclArgs{"shared", "bob", "lrswipkxtea"}));
    quiet(0, make("a", CommandKind::Create, proto::MailboxArgs{"shared/box"}));
    for (std::size_t s = 0; s < ids.size(); ++s) model.unsolicited(ids[s]);
    observe_store();
    // A few messages, and every session starts with shared/box selected, so that most generated commands
    // meet messages and other sessions from the first step.
    for (int m = 0; m < initial_messages; ++m)
      run(0, make("a", CommandKind::Append, proto::AppendArgs{"shared/box", std::nullopt, std::nullopt, "x\r\n"}));
    for (int s = 0; s < sessions; ++s) run(s, make("a", CommandKind::Select, proto::MailboxArgs{"shared/box"}));
  }

  static std::vector<model::User> users() { return {{"alice", "alice"}, {"bob", "bob"}}; }
  static proto::Command make(std::string tag, CommandKind kind, proto::CommandArgs args, bool uid = false) {
    proto::Command c;
    c.tag = std::move(tag);
    c.kind = kind;
    c.uid = uid;
    c.args = std::move(args);
    return c;
  }
  proto::Command login(int s) const {
    return make("a", CommandKind::Login, proto::LoginArgs{user_of(s), user_of(s)});
  }
  void quiet(int s, const proto::Command& c) { model.execute(ids[s], c); }
  void run(int s, const proto::Command& c);

  model::Policy policy;
  model::Model model;
  std::vector<SessionId> ids;
  std::vector<Told> told;
  std::map<std::uint32_t, Incarnation> history;
  std::uint32_t uidvalidity_max = 0;
  std::string failure;  // the first broken rule, with its evidence

  void fail(const std::string& what) {
    if (failure.empty()) failure = "policy \"" + policy.to_string() + "\": " + what;
  }

  // --- responses -------------------------------------------------------------------------------------
  void take(int s, const proto::Response& r, const Context& ctx);
  void take_number(int s, const proto::NumberData& n, const Context& ctx);
  void take_fetch(int s, const proto::FetchData& f);
  void take_status(int s, const proto::Response& r, const proto::StatusResponse& st);
  void take_completion(int s, const proto::Command& c, const proto::StatusResponse& st);
  void done(int s);
  void poll();
  void disconnect(int s);

  // --- checks ----------------------------------------------------------------------------------------
  void observe_store();
  void check_view(int s, bool must_be_current);
  void check_all_views(int actor, bool actor_current);
};

std::string who(int s) { return "session " + std::to_string(s); }

std::string written(const proto::Response& r) {
  std::string w = proto::write_response(r);
  while (!w.empty() && (w.back() == '\n' || w.back() == '\r')) w.pop_back();
  return w;
}

void World::disconnect(int s) {
  if (!told[s].alive) return;
  told[s].alive = false;
  model.disconnect(ids[s]);
}

void World::take_number(int s, const proto::NumberData& n, const Context& ctx) {
  Told& t = told[s];
  if (n.kind == proto::NumberData::Kind::Exists) {
    if (n.number < t.uids.size())
      fail(who(s) + ": EXISTS " + std::to_string(n.number) + " lowers the count " +
           std::to_string(t.uids.size()) + " (SEQ-5, RFC 3501 §7.3.1)");
    else
      t.uids.resize(n.number, 0);
    return;
  }
  if (n.kind != proto::NumberData::Kind::Expunge) return;
  const bool sequence_command = !ctx.uid && (ctx.kind == CommandKind::Fetch || ctx.kind == CommandKind::Store ||
                                             ctx.kind == CommandKind::Search);
  if (!ctx.between_commands && sequence_command)
    fail(who(s) + ": EXPUNGE while answering " + proto::command_name(ctx.kind) + " (SEQ-2, RFC 3501 §7.4.1)");
  if (ctx.between_commands && !t.idle && !t.notify_expunge)
    fail(who(s) + ": EXPUNGE between commands without IDLE or NOTIFY MessageExpunge (SEQ-1, RFC 3501 §5.2)");
  if (n.number < 1 || n.number > t.uids.size()) {
    fail(who(s) + ": * " + std::to_string(n.number) + " EXPUNGE outside 1.." + std::to_string(t.uids.size()) +
         " (SEQ-3)");
    return;
  }
  t.uids.erase(t.uids.begin() + (n.number - 1));
}

void World::take_fetch(int s, const proto::FetchData& f) {
  Told& t = told[s];
  if (f.number < 1 || f.number > t.uids.size()) {
    fail(who(s) + ": * " + std::to_string(f.number) + " FETCH beyond the count " + std::to_string(t.uids.size()) +
         " (SEQ-4)");
    return;
  }
  for (const auto& att : f.atts) {
    if (att.kind != proto::MsgAtt::Kind::Uid) continue;
    auto& known = t.uids[f.number - 1];
    if (known == 0) known = static_cast<std::uint32_t>(att.number);
    else if (known != att.number)
      fail(who(s) + ": message " + std::to_string(f.number) + " was UID " + std::to_string(known) + ", now " +
           std::to_string(att.number) + " (SEQ-7)");
  }
}

void World::take_status(int s, const proto::Response& r, const proto::StatusResponse& st) {
  Told& t = told[s];
  if (!r.untagged) return;
  if (st.condition == proto::Condition::Bye) {
    disconnect(s);
    return;
  }
  if (!st.code) return;
  if (st.code->name == "UIDVALIDITY" && st.code->number) t.select_uidvalidity = *st.code->number;
  if (st.code->name == "CLOSED") t.closed_code = true;
  if (st.code->name == "NOTIFICATIONOVERFLOW") t.notify = t.notify_expunge = false;
}

// The effect of a tagged completion on what the session knows it has selected (RFC 3501 §6.3.1, §6.4.2).
void World::take_completion(int s, const proto::Command& c, const proto::StatusResponse& st) {
  Told& t = told[s];
  const bool ok = st.condition == proto::Condition::Ok;
  switch (c.kind) {
    case CommandKind::Select:
    case CommandKind::Examine:
      t.selected = ok;
      if (!ok) t.uids.clear();
      if (ok && !t.select_uidvalidity) fail(who(s) + ": SELECT OK without [UIDVALIDITY] (RFC 3501 §6.3.1)");
      t.uidvalidity = t.select_uidvalidity.value_or(0);
      break;
    case CommandKind::Delete:
    case CommandKind::Rename:
      // A session that deletes or renames its own selected mailbox may leave the selected state, but only
      // when it is told so ([CLOSED]); otherwise it is still selected (RFC 3501 §6.3.4 says nothing else).
      if (ok && t.selected && t.closed_code) {
        t.selected = false;
        t.uids.clear();
      }
      break;
    case CommandKind::Close:
    case CommandKind::Unselect:
      if (ok) {
        t.selected = false;
        t.uids.clear();
      }
      break;
    case CommandKind::Notify:
      if (ok) {
        const auto& args = std::get<proto::NotifyArgs>(c.args);
        const bool none = args.mode == proto::NotifyArgs::Mode::None;
        bool expunge = false;
        for (const auto& g : args.groups) {
          if (g.filter.kind != proto::NotifyFilter::Kind::Selected || !g.events) continue;
          for (const auto& e : *g.events) expunge = expunge || e.kind == proto::NotifyEventKind::MessageExpunge;
        }
        t.notify = !none;
        t.notify_expunge = args.mode == proto::NotifyArgs::Mode::Add ? (t.notify_expunge || expunge) : expunge;
      }
      break;
    default:
      break;
  }
}

void World::take(int s, const proto::Response& r, const Context& ctx) {
  if (ctx.between_commands) {
    const auto* st = std::get_if<proto::StatusResponse>(&r.body);
    const bool always_allowed = st && (st->condition == proto::Condition::Bye ||
                                       (st->code && st->code->name == "NOTIFICATIONOVERFLOW"));
    if (!always_allowed && !told[s].idle && !told[s].notify)
      fail(who(s) + ": \"" + written(r) + "\" between commands without IDLE or NOTIFY (NTF-11, RFC 5465 §3.1)");
  }
  if (const auto* n = std::get_if<proto::NumberData>(&r.body)) take_number(s, *n, ctx);
  else if (const auto* f = std::get_if<proto::FetchData>(&r.body)) take_fetch(s, *f);
  else if (const auto* st = std::get_if<proto::StatusResponse>(&r.body)) take_status(s, r, *st);
  else if (std::holds_alternative<proto::VanishedData>(r.body))
    fail(who(s) + ": VANISHED without QRESYNC (RFC 5162 §3.6)");
}

void World::poll() {
  for (std::size_t s = 0; s < ids.size(); ++s) {
    if (!told[s].alive) continue;
    for (const auto& r : model.unsolicited(ids[s])) take(static_cast<int>(s), r, Context{true});
  }
}

void World::run(int s, const proto::Command& c) {
  Told& t = told[s];
  if (!t.alive || t.idle) return;  // a disconnected session, or an IDLE the abstract model did not foresee
  if (c.kind == CommandKind::Select || c.kind == CommandKind::Examine) {
    t.selected = false;  // RFC 3501 §6.3.1: the old selection ends when SELECT starts
    t.uids.clear();
    t.select_uidvalidity.reset();
  }
  t.closed_code = false;
  const auto outcome = model.execute(ids[s], c);
  const Context ctx{false, c.kind, c.uid};
  for (const auto& r : outcome.responses) {
    take(s, r, ctx);
    const auto* st = std::get_if<proto::StatusResponse>(&r.body);
    if (st && !r.untagged && r.tag == c.tag) take_completion(s, c, *st);
  }
  if (outcome.next == model::Outcome::Next::Idle) t.idle = true;
  if (outcome.next == model::Outcome::Next::Close) disconnect(s);
  poll();
  observe_store();
  // NOOP and SELECT report everything (RFC 3501 §6.1.2, §6.3.1); CHECK need not (§6.4.1).
  const bool current = (c.kind == CommandKind::Noop || c.kind == CommandKind::Select || c.kind == CommandKind::Examine) &&
                       !outcome.responses.empty() &&
                       std::holds_alternative<proto::StatusResponse>(outcome.responses.back().body) &&
                       std::get<proto::StatusResponse>(outcome.responses.back().body).condition ==
                           proto::Condition::Ok;
  check_all_views(s, current);
}

void World::done(int s) {
  Told& t = told[s];
  if (!t.alive || !t.idle) return;
  t.idle = false;
  const auto outcome = model.idle_done(ids[s], "a");
  const Context ctx{false, CommandKind::Idle, false};
  for (const auto& r : outcome.responses) take(s, r, ctx);
  if (outcome.next == model::Outcome::Next::Close) disconnect(s);
  poll();
  observe_store();
  check_all_views(s, true);  // the end of IDLE reports everything pending (RFC 2177)
}

// UID-1, UID-2, UID-3, UID-4 and MOD-1 against the white-box store.
void World::observe_store() {
  std::set<std::uint32_t> validities;
  for (const auto& mb : model.mailboxes()) {
    const std::string name = "mailbox " + mb.owner + ":" + mb.name;
    if (!validities.insert(mb.uidvalidity).second)
      fail(name + " shares UIDVALIDITY " + std::to_string(mb.uidvalidity) + " with another mailbox");
    auto [it, fresh] = history.try_emplace(mb.uidvalidity);
    Incarnation& inc = it->second;
    if (fresh && mb.uidvalidity <= uidvalidity_max)
      fail(name + ": new UIDVALIDITY " + std::to_string(mb.uidvalidity) + " is not above " +
           std::to_string(uidvalidity_max) + " (UID-4)");
    uidvalidity_max = std::max(uidvalidity_max, mb.uidvalidity);
    if (mb.uidnext < inc.uidnext) fail(name + ": UIDNEXT decreased (UID-1, RFC 3501 §2.3.1.1)");
    if (mb.highestmodseq < inc.highestmodseq) fail(name + ": HIGHESTMODSEQ decreased (MOD-1, RFC 4551 §3.1.1)");
    if (!std::is_sorted(mb.uids.begin(), mb.uids.end())) fail(name + ": UIDs not ascending");
    std::set<std::uint32_t> now(mb.uids.begin(), mb.uids.end());
    for (std::uint32_t uid : mb.uids) {
      if (uid >= mb.uidnext) fail(name + ": UID " + std::to_string(uid) + " >= UIDNEXT (RFC 3501 §2.3.1.1)");
      if (inc.gone.count(uid)) fail(name + ": UID " + std::to_string(uid) + " reused after it was expunged (UID-2)");
      else if (!inc.present.count(uid) && uid <= inc.max_uid)
        fail(name + ": new UID " + std::to_string(uid) + " not above " + std::to_string(inc.max_uid) + " (UID-2)");
    }
    for (std::uint32_t uid : inc.present)
      if (!now.count(uid)) inc.gone.insert(uid);
    inc.present = std::move(now);
    if (!mb.uids.empty()) inc.max_uid = std::max(inc.max_uid, mb.uids.back());
    inc.uidnext = std::max(inc.uidnext, mb.uidnext);
    inc.highestmodseq = std::max(inc.highestmodseq, mb.highestmodseq);
  }
}

std::string list(const std::vector<std::uint32_t>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + std::to_string(v[i]);
  return out + "]";
}

// The session's view in the model equals what its responses told it; it lies between the store's UIDs and
// those plus the expunges not yet told; after NOOP/CHECK/SELECT/DONE it is the store's list (SEQ-14).
void World::check_view(int s, bool must_be_current) {
  Told& t = told[s];
  if (!t.alive) return;
  const auto view = model.session_view(ids[s]);
  if (view.size() != t.uids.size()) {
    fail(who(s) + ": session_view " + list(view) + " but the responses told " + list(t.uids) + " (SEQ-3, SEQ-5)");
    return;
  }
  for (std::size_t i = 0; i < view.size(); ++i) {
    if (t.uids[i] == 0) t.uids[i] = view[i];
    else if (t.uids[i] != view[i])
      fail(who(s) + ": MSN " + std::to_string(i + 1) + " told UID " + std::to_string(t.uids[i]) +
           ", session_view says " + std::to_string(view[i]) + " (SEQ-7)");
  }
  if (std::adjacent_find(t.uids.begin(), t.uids.end(), std::greater_equal<>()) != t.uids.end())
    fail(who(s) + ": UIDs not strictly ascending in MSN order " + list(t.uids) + " (SEQ-6, SEQ-8)");
  if (!t.selected) return;
  const auto inc = history.find(t.uidvalidity);
  std::optional<std::vector<std::uint32_t>> store;
  for (const auto& mb : model.mailboxes())
    if (mb.uidvalidity == t.uidvalidity) store = mb.uids;
  if (!store || inc == history.end()) return;  // a ghost (RFC 2180 §3.2): no longer in the namespace
  const std::uint32_t known_max = t.uids.empty() ? 0 : t.uids.back();
  for (std::uint32_t uid : *store)
    if (uid <= known_max && !std::binary_search(t.uids.begin(), t.uids.end(), uid))
      fail(who(s) + ": store has UID " + std::to_string(uid) + " which the session's view " + list(t.uids) +
           " lacks");
  for (std::uint32_t uid : t.uids)
    if (!std::binary_search(store->begin(), store->end(), uid) && !inc->second.gone.count(uid))
      fail(who(s) + ": view has UID " + std::to_string(uid) + " which the store never expunged");
  if (must_be_current && *store != t.uids)
    fail(who(s) + ": after the command completed its view " + list(t.uids) + " differs from the store " +
         list(*store) + " (SEQ-14, RFC 3501 §6.1.2)");
}

void World::check_all_views(int actor, bool actor_current) {
  for (std::size_t s = 0; s < ids.size(); ++s)
    check_view(static_cast<int>(s), actor_current && static_cast<int>(s) == actor);
}

// The policies one generated sequence runs under: the drawn one, and four that between them take every value
// of every dimension of the matrix.
std::vector<model::Policy> policies_for(const model::Policy& drawn) {
  std::vector<model::Policy> out{drawn};
  using P = model::Policy;
  for (int k = 0; k < 4; ++k) {
    P p;
    p.del = static_cast<P::Delete>(k % 3);
    p.rename = static_cast<P::Rename>((k + 1) % 3);
    p.fetch = static_cast<P::Fetch>(k);
    p.store = static_cast<P::Store>(k % 2);
    p.copy = static_cast<P::Copy>((k / 2) % 2);
    out.push_back(p);
  }
  return out;
}

struct Sut {
  std::vector<World> worlds;
  Sut(const model::Policy& drawn, int sessions) {
    for (const auto& p : policies_for(drawn)) worlds.emplace_back(p, sessions);
  }
  void run(int s, const proto::Command& c, const std::string& text) {
    for (auto& w : worlds) {
      w.run(s, c);
      report(w, s, text);
    }
  }
  void done(int s) {
    for (auto& w : worlds) {
      w.done(s);
      report(w, s, "DONE");
    }
  }
  static void report(const World& w, int s, const std::string& text) {
    if (!w.failure.empty()) RC_FAIL("after s" + std::to_string(s) + ": " + text + "\n  " + w.failure);
  }
};

// ---------------------------------------------------------------------------------------------------------
// Commands. Each draws its arguments in its constructor from small generators (so shrinking gives short,
// simple counterexamples) and builds the proto::Command directly, independent of the parser.

using Base = rc::state::Command<Abstract, Sut>;

int draw_session(const Abstract& a, bool idle) {
  std::vector<int> candidates;
  for (int s = 0; s < a.sessions; ++s)
    if (a.idle[s] == idle) candidates.push_back(s);
  RC_PRE(!candidates.empty());
  return *rc::gen::elementOf(candidates);
}

proto::SequenceSet draw_set() {
  const auto a = *rc::gen::inRange<std::uint32_t>(1, set_number_max + 1);
  const auto b = *rc::gen::inRange<std::uint32_t>(0, set_number_max + 1);  // 0 is "*"
  return proto::SequenceSet{{proto::SeqRange{a, b == 0 ? proto::seq_star : std::max(a, b)}}};
}

std::string set_text(const proto::SequenceSet& set) {
  const auto& r = set.ranges.front();
  const auto end = [](std::uint32_t n) { return n == proto::seq_star ? std::string("*") : std::to_string(n); };
  return r.first == r.last ? end(r.first) : end(r.first) + ":" + end(r.last);
}

// A command that runs one IMAP command on one session.
struct Imap : Base {
  int session = 0;
  proto::Command command;
  std::string text;
  void checkPreconditions(const Abstract& a) const override {
    RC_PRE(session < a.sessions && !a.idle[session]);
  }
  void run(const Abstract&, Sut& sut) const override { sut.run(session, command, text); }
  void show(std::ostream& os) const override { os << "s" << session << ": " << text; }
};

struct Append : Imap {
  explicit Append(const Abstract& a) {
    session = draw_session(a, false);
    const std::string mailbox = *rc::gen::elementOf(std::vector<std::string>(std::begin(mailbox_names),
                                                                              std::end(mailbox_names)));
    const bool deleted = *rc::gen::arbitrary<bool>();
    proto::AppendArgs args{mailbox, std::nullopt, std::nullopt, "Subject: x\r\n\r\nx\r\n"};
    if (deleted) args.flags = std::vector<std::string>{"\\Deleted"};
    command = World::make("a", CommandKind::Append, args);
    text = "APPEND " + mailbox + (deleted ? " (\\Deleted)" : "");
  }
};

struct Select : Imap {
  explicit Select(const Abstract& a) {
    session = draw_session(a, false);
    const std::string mailbox = *rc::gen::elementOf(std::vector<std::string>(std::begin(mailbox_names),
                                                                              std::end(mailbox_names)));
    const bool examine = *rc::gen::arbitrary<bool>();
    command = World::make("a", examine ? CommandKind::Examine : CommandKind::Select, proto::MailboxArgs{mailbox});
    text = std::string(examine ? "EXAMINE " : "SELECT ") + mailbox;
  }
};

struct Fetch : Imap {
  explicit Fetch(const Abstract& a) {
    session = draw_session(a, false);
    const bool uid = *rc::gen::arbitrary<bool>();
    proto::FetchArgs args;
    args.set = draw_set();
    args.atts = {proto::FetchAtt{proto::FetchAtt::Kind::Flags}};
    args.atts_parenthesized = true;
    command = World::make("a", CommandKind::Fetch, args, uid);
    text = std::string(uid ? "UID " : "") + "FETCH " + set_text(args.set) + " (FLAGS)";
  }
};

struct Store : Imap {
  explicit Store(const Abstract& a) {
    session = draw_session(a, false);
    const bool uid = *rc::gen::arbitrary<bool>();
    proto::StoreArgs args;
    args.set = draw_set();
    args.mode = *rc::gen::element(proto::StoreMode::Add, proto::StoreMode::Remove);
    args.silent = *rc::gen::arbitrary<bool>();
    args.flags = {*rc::gen::element(std::string("\\Deleted"), std::string("\\Seen"))};
    command = World::make("a", CommandKind::Store, args, uid);
    text = std::string(uid ? "UID " : "") + "STORE " + set_text(args.set) +
           (args.mode == proto::StoreMode::Add ? " +FLAGS" : " -FLAGS") + (args.silent ? ".SILENT (" : " (") +
           args.flags.front() + ")";
  }
};

struct Expunge : Imap {
  explicit Expunge(const Abstract& a) {
    session = draw_session(a, false);
    const bool uid = *rc::gen::arbitrary<bool>();
    if (uid) {
      const auto set = draw_set();
      command = World::make("a", CommandKind::UidExpunge, proto::SetArgs{set}, true);
      text = "UID EXPUNGE " + set_text(set);
    } else {
      command = World::make("a", CommandKind::Expunge, proto::NoArgs{});
      text = "EXPUNGE";
    }
  }
};

struct Copy : Imap {
  explicit Copy(const Abstract& a) {
    session = draw_session(a, false);
    const bool uid = *rc::gen::arbitrary<bool>();
    const bool move = *rc::gen::arbitrary<bool>();
    const std::string mailbox = *rc::gen::elementOf(std::vector<std::string>(std::begin(mailbox_names),
                                                                              std::end(mailbox_names)));
    const auto set = draw_set();
    command = World::make("a", move ? CommandKind::Move : CommandKind::Copy, proto::CopyArgs{set, mailbox}, uid);
    text = std::string(uid ? "UID " : "") + (move ? "MOVE " : "COPY ") + set_text(set) + " " + mailbox;
  }
};

struct Simple : Imap {
  explicit Simple(const Abstract& a) {
    session = draw_session(a, false);
    const auto kind = *rc::gen::element(CommandKind::Noop, CommandKind::Close, CommandKind::Search,
                                        CommandKind::Check);
    const bool uid = kind == CommandKind::Search && *rc::gen::arbitrary<bool>();
    if (kind == CommandKind::Search)
      command = World::make("a", kind, proto::SearchArgs{std::nullopt, {proto::SearchKey{}}}, uid);
    else
      command = World::make("a", kind, proto::NoArgs{});
    text = std::string(uid ? "UID " : "") + proto::command_name(kind) + (kind == CommandKind::Search ? " ALL" : "");
  }
};

struct Mailboxes : Imap {
  explicit Mailboxes(const Abstract& a) {
    session = draw_session(a, false);
    const auto kind = *rc::gen::element(CommandKind::Create, CommandKind::Delete, CommandKind::Rename);
    const std::vector<std::string> names(std::begin(shared_names), std::end(shared_names));
    const std::string name = *rc::gen::elementOf(names);
    if (kind == CommandKind::Rename) {
      const std::string to = name == names[0] ? names[1] : names[0];
      command = World::make("a", kind, proto::RenameArgs{name, to});
      text = "RENAME " + name + " " + to;
    } else {
      command = World::make("a", kind, proto::MailboxArgs{name});
      text = std::string(proto::command_name(kind)) + " " + name;
    }
  }
};

proto::NotifyEventGroup group(proto::NotifyFilter::Kind filter, std::vector<proto::NotifyEventKind> events,
                              bool uid_att = false) {
  proto::NotifyEventGroup g;
  g.filter.kind = filter;
  std::vector<proto::NotifyEvent> list;
  for (auto kind : events) {
    proto::NotifyEvent e;
    e.kind = kind;
    if (kind == proto::NotifyEventKind::MessageNew && uid_att) e.fetch_atts = {proto::FetchAtt{proto::FetchAtt::Kind::Uid}};
    list.push_back(e);
  }
  g.events = list;
  return g;
}

struct Notify : Imap {
  explicit Notify(const Abstract& a) {
    session = draw_session(a, false);
    using E = proto::NotifyEventKind;
    using F = proto::NotifyFilter::Kind;
    proto::NotifyArgs args;
    switch (*rc::gen::inRange(0, 4)) {
      case 0:
        args.mode = proto::NotifyArgs::Mode::None;
        text = "NOTIFY NONE";
        break;
      case 1:
        args.mode = proto::NotifyArgs::Mode::Set;
        args.groups = {group(F::Selected, {E::MessageNew, E::MessageExpunge}, true)};
        text = "NOTIFY SET (selected (MessageNew (UID) MessageExpunge))";
        break;
      case 2:
        args.mode = proto::NotifyArgs::Mode::Set;
        args.groups = {group(F::SelectedDelayed, {E::MessageNew, E::MessageExpunge, E::FlagChange})};
        text = "NOTIFY SET (selected-delayed (MessageNew MessageExpunge FlagChange))";
        break;
      default:
        args.mode = proto::NotifyArgs::Mode::Set;
        args.groups = {group(F::Selected, {E::MessageNew, E::MessageExpunge, E::FlagChange}),
                       group(F::Personal, {E::MessageNew, E::MessageExpunge, E::MailboxName})};
        text = "NOTIFY SET (selected (MessageNew MessageExpunge FlagChange)) "
               "(personal (MessageNew MessageExpunge MailboxName))";
        break;
    }
    command = World::make("a", CommandKind::Notify, args);
  }
};

struct Idle : Imap {
  explicit Idle(const Abstract& a) {
    session = draw_session(a, false);
    command = World::make("a", CommandKind::Idle, proto::NoArgs{});
    text = "IDLE";
  }
  void apply(Abstract& a) const override { a.idle[session] = true; }
};

struct Done : Base {
  int session = 0;
  explicit Done(const Abstract& a) { session = draw_session(a, true); }
  void checkPreconditions(const Abstract& a) const override { RC_PRE(session < a.sessions && a.idle[session]); }
  void apply(Abstract& a) const override { a.idle[session] = false; }
  void run(const Abstract&, Sut& sut) const override { sut.done(session); }
  void show(std::ostream& os) const override { os << "s" << session << ": DONE"; }
};

// Weighted by repetition: message traffic more often than mailbox management.
const auto command_generator =
    rc::state::gen::execOneOfWithArgs<Append, Append, Select, Select, Select, Fetch, Fetch, Store, Store, Store, Expunge,
                                      Expunge, Copy, Simple, Simple, Mailboxes, Notify, Idle, Done, Done>();

RC_GTEST_PROP(ModelStateMachine, InvariantsHoldUnderEveryPolicy, ()) {
  const int sessions = *rc::gen::inRange(sessions_min, sessions_max + 1);
  const auto drawn = *rc::gen::elementOf(model::Policy::all());
  Abstract initial{sessions, std::vector<bool>(sessions, false)};
  Sut sut(drawn, sessions);
  for (const auto& w : sut.worlds)
    if (!w.failure.empty()) RC_FAIL("setting up: " + w.failure);
  rc::state::check(initial, sut, command_generator);
}

// The matrix itself, which the property relies on to cover every policy: every combination of the five
// dimensions is in Policy::all(), and each prints and parses back.
TEST(ModelStateMachine, PolicyMatrixIsComplete) {
  using P = model::Policy;
  const auto all = P::all();
  for (int d = 0; d < 3; ++d)
    for (int r = 0; r < 3; ++r)
      for (int f = 0; f < 4; ++f)
        for (int st = 0; st < 2; ++st)
          for (int c = 0; c < 2; ++c) {
            const bool found = std::any_of(all.begin(), all.end(), [&](const P& p) {
              return p.del == static_cast<P::Delete>(d) && p.rename == static_cast<P::Rename>(r) &&
                     p.fetch == static_cast<P::Fetch>(f) && p.store == static_cast<P::Store>(st) &&
                     p.copy == static_cast<P::Copy>(c);
            });
            EXPECT_TRUE(found) << d << r << f << st << c;
          }
  for (const auto& p : all) {
    const auto back = P::parse(p.to_string());
    ASSERT_TRUE(back.has_value()) << p.to_string();
    EXPECT_EQ(*back, p) << p.to_string();
  }
}

}  // namespace
}  // namespace imaplab::testing
