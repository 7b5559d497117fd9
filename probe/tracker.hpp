// What each probe session has sent and been told, from the event stream alone: commands awaiting their tagged
// reply, the selected mailbox and its UIDVALIDITY, IDLE and NOTIFY state, continuation requests. The runner
// uses it to pause sessions at checkpoints; behaviour inference and delay measurement read it. Sans-I/O.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "proto/command.hpp"
#include "proto/response.hpp"
#include "sim/event.hpp"

namespace imaplab::probe {

using sim::ClientId;

struct PendingCommand {
  proto::Command command;
  std::size_t sent_index = 0;
  std::uint64_t sent_us = 0;
  std::size_t expunges_seen = 0;  // EXPUNGE / VANISHED received while it was in flight
  std::size_t fetches_seen = 0;   // FETCH received while it was in flight
};

// A command whose tagged reply just arrived.
struct Completion {
  ClientId client = 0;
  PendingCommand pending;
  proto::StatusResponse status;
  std::size_t index = 0;  // the tagged reply's event index
};

struct ClientView {
  bool connected = false;
  bool bye = false;
  std::string user;
  std::map<std::string, PendingCommand> outstanding;  // by tag
  std::optional<std::string> selected;                // wire name, after SELECT/EXAMINE OK
  std::uint32_t uidvalidity = 0;
  std::size_t selected_at = 0;                        // event index of the SELECT's OK
  bool idling = false;                                // IDLE's "+" came, DONE not sent
  std::uint64_t idle_since_us = 0;
  bool notify_selected = false;                       // NOTIFY SET with SELECTED MessageNew in force
  bool plus_pending = false;                          // a "+" came after the last piece sent
  std::uint64_t last_sent_us = 0;
  std::size_t last_sent_index = 0;
  std::uint32_t select_uidvalidity = 0;               // [UIDVALIDITY n] during SELECT/EXAMINE
};

class Tracker {
 public:
  void set_user(ClientId client, std::string user) { clients_[client].user = std::move(user); }
  // Updates the state for one event (appended at `index`); returns the completion it carries, if any.
  std::optional<Completion> observe(const sim::Event& event, std::size_t index);
  const ClientView* client(ClientId id) const;
  const std::map<ClientId, ClientView>& clients() const { return clients_; }
  void reset() { clients_.clear(); }

 private:
  void sent(ClientView& c, const sim::Event& e, std::size_t index);
  std::optional<Completion> received(ClientView& c, const sim::Event& e, std::size_t index);
  void completed(ClientView& c, const Completion& done);
  void renamed_under_others(ClientId author, const proto::RenameArgs& rename);

  std::map<ClientId, ClientView> clients_;
};

}  // namespace imaplab::probe
