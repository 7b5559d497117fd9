// SES-2 (docs/rules.md), judged when a simulated run stands still (Checker::stalled: no work ready and no timer
// due within the NOTIFY bound, also at the run's quiescent end): every command a connected client finished
// sending has its tagged reply, and a client that sent a synchronizing literal's first line, or an IDLE or
// AUTHENTICATE, got the "+" it waits for or a tagged reply (RFC 3501 §2.2.1, §2.2.2, §7.5; RFC 2177 §3); then an
// unparseable tagged line is owed its tagged BAD too (§7.1.3; followed in sim/check_codes.cpp).
#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>

#include "proto/command_parser.hpp"
#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

using proto::CommandKind;

// Whether `bytes` ends with a synchronizing literal's "{n}" CRLF: the client must now wait for "+" (RFC 3501
// §7.5). A LITERAL+ literal ("{n+}", RFC 7888) waits for nothing.
bool ends_with_sync_literal(std::string_view bytes) {
  if (bytes.size() < 5 || !bytes.ends_with("}\r\n")) return false;
  const std::size_t open = bytes.rfind('{');
  if (open == std::string_view::npos) return false;
  std::size_t n = 0;
  const auto r = std::from_chars(bytes.data() + open + 1, bytes.data() + bytes.size() - 3, n);
  return r.ec == std::errc() && r.ptr == bytes.data() + bytes.size() - 3;
}

// What a command still in flight waits for, from the client's events since it was sent.
struct Exchange {
  std::string sent;               // the command's bytes so far: its first line and the literal parts sent
  std::uint32_t pluses = 0;       // "+" continuations received since the send
  std::uint32_t raw_lines = 0;    // raw lines sent since (DONE, AUTHENTICATE data, another line ending IDLE)
  bool plus_after_last_part = false;
  EventIndex last = 0;            // the latest event of the exchange
};

Exchange follow(const Ctx& ctx, const ClientState& c, const Inflight& f) {
  Exchange x;
  x.sent = ctx.log[f.sent].bytes;
  x.last = f.sent;
  for (EventIndex i = f.sent + 1; i < ctx.log.size(); ++i) {
    const Event& e = ctx.log[i];
    if (e.client != c.id) continue;
    if (e.dir == Event::Dir::Sent) {
      if (e.command) break;  // the next command: this one's parts were all sent before it
      if (e.raw_line) {
        ++x.raw_lines;
      } else {
        x.sent += e.bytes;
        x.plus_after_last_part = false;
      }
      x.last = i;
    } else if (e.dir == Event::Dir::Received && e.response &&
               std::holds_alternative<proto::ContinuationData>(e.response->body)) {
      ++x.pluses;
      x.plus_after_last_part = true;
      x.last = i;
    }
  }
  return x;
}

// Whose turn it is in the exchange: true when the client has what it needs to go on (it was given "+" and has
// not answered it), so a reply from the server is not yet owed; false with `why` set when the server owes one.
bool clients_turn(const Ctx& ctx, const Inflight& f, const Exchange& x, std::string& why) {
  const proto::Command& cmd = *ctx.log[f.sent].command;
  const std::string name(proto::command_name(cmd.kind));
  if (cmd.kind == CommandKind::Idle || cmd.kind == CommandKind::Authenticate) {
    // One "+" per line the client owes (IDLE: DONE; AUTHENTICATE PLAIN: its data), so more "+" than lines
    // means the client holds the turn; otherwise the server owes a "+" or the tagged reply.
    if (x.pluses > x.raw_lines) return true;
    why = x.raw_lines == 0 && x.pluses == 0 && cmd.kind == CommandKind::Idle
              ? "IDLE got neither \"+\" nor a tagged reply (RFC 2177 §3: the server answers IDLE with a "
                "continuation request)"
              : name + " was sent to its end (the client's last line went out) and got no tagged reply";
    return false;
  }
  if (std::holds_alternative<proto::Command>(proto::parse_command(x.sent))) {
    why = name + " was sent whole and got no tagged reply (RFC 3501 §2.2.2: the server completion result "
                 "response ... is tagged with the same tag as the client command)";
    return false;
  }
  if (!ends_with_sync_literal(x.sent)) return true;  // not a transcript this rule can read
  if (x.plus_after_last_part) return true;           // "+" came: the literal is the client's to send
  why = name + " announced a synchronizing literal and got neither \"+\" nor a tagged NO/BAD (RFC 3501 §2.2.1: "
               "the server sends a command continuation request response if it is ready for the octets ... If "
               "instead, the server detected an error in the command, it sends a BAD completion response)";
  return false;
}

// SES-5: a client the server may push to now (RFC 2177 §3: during IDLE "the server is free to send untagged
// EXISTS, EXPUNGE, and other messages at any time"; RFC 5465 §5: with NOTIFY, also between commands) to which the
// true store owes updates it would send. While the run stands still everything the server wrote was read (a
// download is always ready work), so nothing holds the push back: a server that forgot to ask for a delivery
// (after its output drained, or when IDLE began) leaves it owed until some unrelated change comes.
}  // namespace

void check_owed_push(Ctx& ctx) {
  if (ctx.oracle == nullptr) return;
  for (const auto& [id, c] : ctx.clients) {
    if (!c.connected || c.bye || !c.authenticated || c.notifies > 0 || c.auths > 0 || c.selects > 0) continue;
    const bool idling = c.idling() && c.inflight.size() == 1;
    const bool notified = c.notify.active && c.inflight.empty();
    if (!idling && !notified) continue;
    const auto session = ctx.oracle->session_of(c.id);
    if (!session || !ctx.oracle->model().has_unsolicited(*session)) continue;
    const EventIndex since = idling ? c.idle_since : c.last_completed_sent;
    ctx.rep.report("SES-5", {ctx.log.size() - 1}, {since},
                   "the run stands still (no work ready, no timer due within the NOTIFY bound, all output read), "
                   "yet client " + std::to_string(c.id) + (idling ? ", idling," : ", with a NOTIFY set and no "
                   "command in flight,") + " is owed updates the true store holds for its session (RFC 2177 §3: "
                   "during IDLE the server is free to send untagged EXISTS, EXPUNGE, and other messages at any "
                   "time; RFC 5465 §5); a server that asks for no delivery leaves them waiting for an unrelated "
                   "change.");
    return;
  }
}

// Judged only while the run stands still: a connected client that was not told BYE, whose command is in flight and whose
// turn it is not. A client that left, or that the server said BYE to, may have commands no one will answer.
void check_unanswered(Ctx& ctx) {
  for (const auto& [id, c] : ctx.clients) {
    if (!c.connected || c.bye) continue;
    for (const Inflight& f : c.inflight) {
      if (!ctx.log[f.sent].command) continue;
      const Exchange x = follow(ctx, c, f);
      std::string why;
      if (clients_turn(ctx, f, x, why)) continue;
      ctx.rep.report("SES-2", {x.last}, {f.sent},
                     "the run stands still (no work ready, no timer due within the NOTIFY bound), yet " + why +
                         ".");
      return;
    }
  }
  check_unanswered_lines(ctx);  // tagged lines the server cannot parse (check_codes.cpp)
}

}  // namespace imaplab::sim::detail
