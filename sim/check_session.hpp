// The state and hooks of the session rules in sim/check_session.cpp: SES-1 (LOGOUT gets BYE, then OK, before
// the close) and CPY-6 (COPY/MOVE that copied something carry COPYUID), plus NTF-10's own-APPEND half
// (sim/check_notify.cpp). check_internal.hpp includes this header; the hooks are called from check_client.cpp.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "proto/command.hpp"
#include "proto/response.hpp"

namespace imaplab::sim::detail {

using EventIndex = std::size_t;  // as in check_internal.hpp
struct Ctx;
struct ClientState;
struct Inflight;

struct SessionProbe {
  // CPY-6: a COPY/MOVE sent while no other command that may change the store was in flight, with the
  // destination's UIDNEXT then.
  struct Copy {
    EventIndex sent = 0;
    std::uint64_t changes_sent = 0;  // CrossState::store_changes_sent right after the send
    std::string mailbox;
    std::uint32_t uidvalidity = 0, uidnext = 0;
  };
  std::vector<Copy> copies;
  // APPEND/COPY/MOVE/CREATE/DELETE/RENAME commands any client sent while this client was connected: each may
  // raise a destination's UIDNEXT or put another mailbox under its name.
  std::uint64_t adders_seen = 0;
  bool uidplus = false;  // the server advertised UIDPLUS on this connection (CAPABILITY data or code)
  // NTF-10: UIDs of unsolicited FETCHes that arrived while this client's APPEND/COPY/MOVE into its selected
  // mailbox was in flight, with their indices; judged against the APPENDUID/COPYUID of its reply.
  std::vector<std::pair<std::uint32_t, EventIndex>> new_fetches;
};

// check_session.cpp
void session_sent(Ctx& ctx, ClientState& c, const proto::Command& cmd, EventIndex index);
void session_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                       const Inflight& f, EventIndex index);
void session_disconnected(Ctx& ctx, ClientState& c, EventIndex index);
void session_received(ClientState& c, const proto::Response& r);
// check_liveness.cpp (SES-2): at the end of a quiescent run, commands still owed a "+" or a tagged reply.
void check_unanswered(Ctx& ctx);
// check_notify.cpp (NTF-10): every FETCH response, and the reply of the client's APPEND/COPY/MOVE.
void own_new_fetch(Ctx& ctx, ClientState& c, const proto::FetchData& fetch, EventIndex index);
void own_new_completed(Ctx& ctx, ClientState& c, const proto::Command& cmd, const proto::StatusResponse& st,
                       const Inflight& f, EventIndex index);

}  // namespace imaplab::sim::detail
