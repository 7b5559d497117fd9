// Session rules outside INVARIANTS.md (docs/rules.md): SES-1, the reply to LOGOUT is an untagged BYE and then
// the tagged OK, both before the server closes (RFC 3501 §6.1.3); CPY-6, a COPY/MOVE that copied messages
// names them in COPYUID (RFC 4315 §3, RFC 6851 §4.3); and NTF-1's half for an IDLE ended by a line other than
// DONE, which must not be answered OK (RFC 2177 §3).
#include <algorithm>
#include <cctype>
#include <string>

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;

std::string n(std::uint64_t v) { return std::to_string(v); }

// Commands that may raise a mailbox's UIDNEXT, or make its name stand for another mailbox.
bool adds_or_renames(CommandKind k) {
  return k == CommandKind::Append || k == CommandKind::Copy || k == CommandKind::Move || k == CommandKind::Create ||
         k == CommandKind::Delete || k == CommandKind::Rename;
}

bool is_copy(CommandKind k) { return k == CommandKind::Copy || k == CommandKind::Move; }

// ---- SES-1 ----

bool logout_in_flight(const Ctx& ctx, const ClientState& c) {
  return std::any_of(c.inflight.begin(), c.inflight.end(),
                     [&](const Inflight& f) { return ctx.log[f.sent].command->kind == CommandKind::Logout; });
}

void logout_completed(Ctx& ctx, const ClientState& c, const proto::StatusResponse& st, const Inflight& f,
                      EventIndex index) {
  if (st.condition != proto::Condition::Ok || c.bye) return;
  ctx.rep.report("SES-1", {index}, {f.sent},
                 "LOGOUT was answered OK without an untagged BYE before it (RFC 3501 §6.1.3: \"The server MUST "
                 "send a BYE untagged response before the (tagged) OK response\").");
}

// ---- NTF-1: a line other than DONE ----

// The first raw line this client sent after `sent` (the line that ended its IDLE), or null.
const std::string* line_after(const Ctx& ctx, const ClientState& c, EventIndex sent, EventIndex index) {
  for (EventIndex i = sent + 1; i < index; ++i) {
    const Event& e = ctx.log[i];
    if (e.client == c.id && e.dir == Event::Dir::Sent && e.raw_line) return &*e.raw_line;
  }
  return nullptr;
}

bool is_done(const std::string& line) {
  return line.size() == 4 && std::equal(line.begin(), line.end(), "DONE", [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == y;
         });
}

void idle_completed(Ctx& ctx, const ClientState& c, const proto::StatusResponse& st, const Inflight& f,
                    EventIndex index) {
  if (st.condition != proto::Condition::Ok) return;
  const std::string* line = line_after(ctx, c, f.sent, index);
  if (line == nullptr || is_done(*line)) return;  // no line at all: check_client.cpp's half of NTF-1
  ctx.rep.report("NTF-1", {index}, {f.sent},
                 "IDLE was ended by the line \"" + *line + "\", not DONE, and answered OK (RFC 2177 §3: IDLE is "
                 "terminated by the receipt of a \"DONE\" continuation; any other line is a protocol error, BAD).");
}

// ---- CPY-6 ----

void copy_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  const auto* a = std::get_if<proto::CopyArgs>(&cmd.args);
  // RFC 4315 §3 asks it of "server implementations that advertise the UIDPLUS extension".
  if (a == nullptr || ctx.oracle == nullptr || !c.session.uidplus || !c.authenticated || !c.view.valid || c.bye) return;
  // Another adder in flight (this client's too) could be what raises the destination's UIDNEXT.
  const bool busy = any_in_flight(ctx, [](const proto::Command& other) { return adds_or_renames(other.kind); });
  if (busy) return;
  const auto info = oracle_mailbox(ctx, c, a->mailbox);
  if (!info) return;
  SessionProbe::Copy probe;
  probe.sent = index;
  probe.changes_sent = c.session.adders_seen;
  probe.mailbox = a->mailbox;
  probe.uidvalidity = info->uidvalidity;
  probe.uidnext = info->uidnext;
  c.session.copies.push_back(std::move(probe));
}

// A COPYUID in the tagged reply, or (MOVE, RFC 6851 §4.3) in an untagged OK this client received meanwhile.
bool has_copyuid(const Ctx& ctx, const ClientState& c, const proto::StatusResponse& st, EventIndex sent,
                 EventIndex index) {
  if (st.code && st.code->name == "COPYUID") return true;
  for (EventIndex i = sent + 1; i < index; ++i) {
    const Event& e = ctx.log[i];
    if (e.client != c.id || e.dir != Event::Dir::Received || !e.response || !e.response->untagged) continue;
    const auto* s = std::get_if<proto::StatusResponse>(&e.response->body);
    if (s != nullptr && s->code && s->code->name == "COPYUID") return true;
  }
  return false;
}

void copy_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                    const Inflight& f, EventIndex index) {
  auto& copies = c.session.copies;
  const auto it = std::find_if(copies.begin(), copies.end(), [&](const auto& p) { return p.sent == f.sent; });
  if (it == copies.end()) return;
  const SessionProbe::Copy probe = *it;
  copies.erase(it);
  if (st.condition != proto::Condition::Ok || c.session.adders_seen != probe.changes_sent) return;
  if (any_in_flight(ctx, [](const proto::Command& other) { return adds_or_renames(other.kind); })) return;
  const auto info = oracle_mailbox(ctx, c, probe.mailbox);
  if (!info || info->uidvalidity != probe.uidvalidity || info->uidnext <= probe.uidnext) return;
  if (has_copyuid(ctx, c, st, f.sent, index)) return;
  ctx.rep.report("CPY-6", {index}, {f.sent},
                 std::string(proto::command_name(cmd.kind)) + " added " + n(info->uidnext - probe.uidnext) +
                     " message(s) to \"" + probe.mailbox + "\" (UIDNEXT " + n(probe.uidnext) + " -> " +
                     n(info->uidnext) + ", no other command could add there meanwhile) but sent no COPYUID "
                     "(RFC 4315 §3: servers that advertise UIDPLUS SHOULD return these response codes; RFC 6851 "
                     "§4.3: SHOULD send COPYUID in response to a UID MOVE).");
}

}  // namespace

void session_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index) {
  if (adds_or_renames(cmd.kind)) {
    for (auto& [id, other] : ctx.clients) ++other.session.adders_seen;
  }
  if (is_copy(cmd.kind)) copy_sent(ctx, c, cmd, index);
}

void session_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                       const Inflight& f, EventIndex index) {
  if (cmd.kind == CommandKind::Logout) logout_completed(ctx, c, st, f, index);
  if (cmd.kind == CommandKind::Idle) idle_completed(ctx, c, st, f, index);
  if (is_copy(cmd.kind) && !ctx.rep.stopped()) copy_completed(ctx, c, cmd, st, f, index);
  if (!ctx.rep.stopped()) own_new_completed(ctx, c, cmd, st, f, index);
}

void session_received(ClientState& c, const proto::Response& r) {
  const std::vector<std::string>* atoms = nullptr;
  if (const auto* d = std::get_if<proto::AtomsData>(&r.body); d && d->kind == proto::AtomsData::Kind::Capability) {
    atoms = &d->atoms;
  } else if (const auto* st = std::get_if<proto::StatusResponse>(&r.body); st && st->code && st->code->name == "CAPABILITY") {
    atoms = &st->code->list;
  }
  if (atoms == nullptr) return;
  c.session.uidplus = std::any_of(atoms->begin(), atoms->end(), [](const std::string& a) {
    return a.size() == 7 && std::equal(a.begin(), a.end(), "UIDPLUS", [](char x, char y) {
      return std::toupper(static_cast<unsigned char>(x)) == y;
    });
  });
}

// Called before the client's session state is reset. A connection the server closed is gone from the oracle
// by now; one the client dropped is not yet (the world tells the server after the checker), and is not judged.
void session_disconnected(Ctx& ctx, ClientState& c, EventIndex index) {
  if (ctx.oracle == nullptr || c.bye || !logout_in_flight(ctx, c) || ctx.oracle->session_of(c.id)) return;
  const auto it = std::find_if(c.inflight.begin(), c.inflight.end(), [&](const Inflight& f) {
    return ctx.log[f.sent].command->kind == CommandKind::Logout;
  });
  ctx.rep.report("SES-1", {index}, {it->sent},
                 "the server closed the connection with LOGOUT unanswered: no untagged BYE and no tagged OK came "
                 "(RFC 3501 §6.1.3: \"The server MUST send a BYE untagged response before the (tagged) OK "
                 "response, and then close the network connection\").");
}

}  // namespace imaplab::sim::detail
