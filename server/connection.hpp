// One IMAP connection on the environment seam: parses the peer's bytes, runs each command as continuation
// steps posted to the executor (server/README.md, "Interleaving discipline"), writes the model's responses in
// bounded batches, delivers IDLE/NOTIFY updates between commands, and enforces the output bounds and timeouts.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.hpp"
#include "proto/command_parser.hpp"
#include "server/buggify.hpp"
#include "server/config.hpp"
#include "server/env.hpp"
#include "server/output_queue.hpp"

namespace imaplab::server {

class Connection;

// What a connection needs from its server: the shared model, the world, and scheduling that is safe against
// the connection going away (work for a closed connection is dropped).
class ConnectionHost {
 public:
  virtual ~ConnectionHost() = default;
  virtual model::Model& model() = 0;
  virtual const Limits& limits() const = 0;
  // The bug zoo's planted bugs (model/bugs.hpp); the server-layer ones are implemented in Connection.
  virtual const model::BugSet& bugs() const = 0;
  // The server's BUGGIFY fault sites (server/buggify.hpp).
  virtual Buggify& buggify() = 0;
  virtual TimeMs now_ms() const = 0;
  virtual void post(AwaitPoint point, ConnectionId id, std::function<void(Connection&)> work) = 0;
  virtual TimerId schedule_at(ConnectionId id, TimeMs at_ms, std::function<void(Connection&)> work) = 0;
  virtual void cancel_timer(TimerId timer) = 0;
  // The model's state changed: other connections may now have unsolicited updates due.
  virtual void model_changed() = 0;
  // The connection may now (or may no longer) receive updates between commands (IDLE or NOTIFY).
  virtual void set_listening(ConnectionId id, bool listening) = 0;
  virtual void log(std::string_view line) = 0;
};

// IMAP connection states (RFC 3501 §3), as the connection infers them from the model's answers.
enum class SessionState { NotAuthenticated, Authenticated, Selected, Logout };
const char* session_state_name(SessionState state);

class Connection {
 public:
  // Where the connection is in its command cycle.
  enum class Phase {
    Reading,   // between commands: the next input is a new command
    Running,   // a command is between parsing and its last response being queued
    AuthData,  // AUTHENTICATE sent "+": the next line is SASL data (RFC 3501 §6.2.2)
    Idling,    // IDLE sent "+ idling": the next line should be DONE (RFC 2177)
    AwaitTls,  // STARTTLS answered OK: waiting for the OK to leave before TLS starts (RFC 3501 §6.2.1)
    Closed,
  };

  Connection(ConnectionHost& host, ConnectionId id, Transport& transport, bool tls_active, std::string peer);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends the greeting (or BYE when `refuse` names why the connection is not served).
  void start(std::optional<std::string> refuse = std::nullopt);
  void on_bytes(std::string_view bytes);
  void on_writable();
  void on_peer_closed();
  // Server shutdown: BYE with the reason, then close.
  void shutdown(std::string_view reason);

  // Delivery of IDLE/NOTIFY updates: the server calls request_delivery() after model changes; a posted
  // NotifyDelivery step then pulls the updates from the model if the connection can take them.
  bool wants_delivery() const;
  void request_delivery();

  ConnectionId id() const { return id_; }
  bool closed() const { return phase_ == Phase::Closed; }
  Phase phase() const { return phase_; }
  SessionState state() const { return state_; }
  model::SessionId session() const { return session_; }
  std::size_t output_bytes() const { return output_.bytes(); }
  bool notify_active() const { return notify_active_; }

 private:
  // Input and parsing.
  void consume_input();
  bool handle_event(proto::CommandEvent event);
  void handle_parse_error(const proto::ParseError& error);
  void set_reading_paused(bool paused);
  std::string_view unparsed() const;
  // The command cycle: parsed -> store access -> execute -> output batches -> finished.
  void start_command(proto::Command command);
  void execute_command(const proto::Command& command);
  void start_raw_line(std::string line);
  void execute_raw_line(const std::string& line);
  void run_outcome(model::Outcome outcome);
  void queue_output_batch();
  void finish_command();
  void track_state(const proto::Command& command, const model::Outcome& outcome);
  void resume_reading_commands();
  void post_read_input();
  void end_of_input();
  void deliver_unsolicited();
  void write_updates(const std::vector<proto::Response>& updates);
  // BUGGIFY: extra legal responses in a command's answer (server/buggify.hpp).
  void buggify_outcome(model::Outcome& outcome);
  // Bug zoo (model/bugs.hpp), server layer: each is the mistake a real connection loop makes.
  void start_store_task(proto::Command command);                 // PipelineReorder
  void run_store_task(const proto::Command& command);            // PipelineReorder
  void sync_between_batches();                                    // ExpungeBetweenFetchBatches
  void post_delivery_snapshot();                                  // PushDelayed
  // Output.
  void write_response(const proto::Response& response);
  void flush();
  // Timers and ending.
  TimeMs inactivity_limit_ms() const;
  void arm_inactivity_timer();
  void rearm_inactivity_timer();
  void on_inactivity_timer();
  void arm_stall_timer();
  void on_stall_timer();
  void bye_and_close(const std::string& text);
  void drop_output_and_bye(const std::string& text);
  void close_when_flushed(std::string_view reason);
  void close(std::string_view reason);
  void update_listening();
  bool between_commands() const;

  ConnectionHost& host_;
  ConnectionId id_;
  Transport& transport_;
  bool tls_active_;
  std::string peer_;
  model::SessionId session_ = 0;
  bool session_open_ = false;

  Phase phase_ = Phase::Reading;
  SessionState state_ = SessionState::NotAuthenticated;
  proto::CommandParser parser_;
  std::string input_;             // received bytes not yet fed to the parser, from input_offset_
  std::size_t input_offset_ = 0;
  bool input_ended_ = false;      // the peer closed its side; no more bytes will come
  bool reading_paused_ = false;
  bool read_posted_ = false;
  std::uint32_t parse_errors_ = 0;  // consecutive
  std::string tag_;                 // the tag of the command in progress (AUTHENTICATE, IDLE)
  std::optional<proto::Command> running_;
  Phase raw_phase_ = Phase::Reading;  // AuthData or Idling: what the raw line in progress answers
  model::Outcome::Next next_ = model::Outcome::Next::Continue;
  std::vector<proto::Response> pending_;  // the running command's responses; from pending_next_ not yet queued
  std::size_t pending_next_ = 0;
  bool batch_waiting_ = false;           // an output batch waits for the queue to drain below soft
  bool batch_posted_ = false;

  OutputQueue output_;
  bool flush_posted_ = false;
  bool transport_blocked_ = false;  // the transport accepted less than offered; wait for on_writable
  bool close_after_flush_ = false;
  std::string close_reason_;
  bool notify_active_ = false;  // a NOTIFY SET is in force (RFC 5465 §3)
  bool listening_ = false;
  bool delivery_posted_ = false;
  bool delivery_yielded_ = false;  // BUGGIFY YieldDelivery re-posted the pending delivery once already

  TimeMs last_activity_ms_ = 0;
  TimeMs last_write_progress_ms_ = 0;
  TimerId inactivity_timer_ = 0;
  TimerId stall_timer_ = 0;
};

}  // namespace imaplab::server
