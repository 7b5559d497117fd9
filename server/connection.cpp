// One IMAP connection: the command cycle as continuation steps, output bounds, IDLE/NOTIFY delivery and
// timeouts. The discipline it keeps is described in server/README.md.
#include "server/connection.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "proto/writer.hpp"

namespace imaplab::server {
namespace {

// Input already parsed is dropped from the front of the buffer once it is at least this large.
constexpr std::size_t input_compact_bytes = 64 * 1024;

proto::Response status_response(std::string tag, proto::Condition condition, std::string text) {
  proto::Response response;
  response.untagged = tag.empty();
  response.tag = std::move(tag);
  response.body = proto::StatusResponse{condition, std::nullopt, std::move(text)};
  return response;
}

proto::Response continuation(std::string text) {
  proto::Response response;
  response.untagged = false;
  response.body = proto::ContinuationData{std::move(text)};
  return response;
}

// The tagged completion of `tag` among the responses, if any.
const proto::StatusResponse* tagged_status(const std::vector<proto::Response>& responses, const std::string& tag) {
  for (auto it = responses.rbegin(); it != responses.rend(); ++it) {
    if (it->untagged || it->tag != tag) continue;
    if (const auto* status = std::get_if<proto::StatusResponse>(&it->body)) return status;
  }
  return nullptr;
}

bool tagged_ok(const model::Outcome& outcome, const std::string& tag) {
  const proto::StatusResponse* status = tagged_status(outcome.responses, tag);
  return status != nullptr && status->condition == proto::Condition::Ok;
}

bool says_bye(const model::Outcome& outcome) {
  return std::any_of(outcome.responses.begin(), outcome.responses.end(), [](const proto::Response& r) {
    const auto* status = std::get_if<proto::StatusResponse>(&r.body);
    return r.untagged && status != nullptr && status->condition == proto::Condition::Bye;
  });
}

bool is_done_line(std::string_view line) {
  return line.size() == 4 && std::equal(line.begin(), line.end(), "DONE", [](char a, char b) {
           return (a >= 'a' && a <= 'z' ? char(a - 'a' + 'A') : a) == b;
         });
}

}  // namespace

const char* session_state_name(SessionState state) {
  switch (state) {
    case SessionState::NotAuthenticated: return "not-authenticated";
    case SessionState::Authenticated: return "authenticated";
    case SessionState::Selected: return "selected";
    case SessionState::Logout: return "logout";
  }
  return "?";
}

Connection::Connection(ConnectionHost& host, ConnectionId id, Transport& transport, bool tls_active,
                       std::string peer)
    : host_(host), id_(id), transport_(transport), tls_active_(tls_active), peer_(std::move(peer)) {}

// ---- Start, input and parsing ----

void Connection::start(std::optional<std::string> refuse) {
  last_activity_ms_ = last_write_progress_ms_ = host_.now_ms();
  host_.log("conn " + std::to_string(id_) + " accepted from " + peer_ + (tls_active_ ? " (tls)" : ""));
  if (refuse) {
    write_response(status_response("", proto::Condition::Bye, *refuse));
    close_when_flushed(*refuse);
    if (!closed()) close(*refuse);
    return;
  }
  session_ = host_.model().connect();
  session_open_ = true;
  if (tls_active_) {
    // Implicit TLS (RFC 8314): the model has no per-session TLS flag at connect(), so the session is put
    // into the state a completed STARTTLS leaves (TLS on, LOGIN allowed, no STARTTLS advertised).
    proto::Command starttls;
    starttls.tag = "tls";
    starttls.kind = proto::CommandKind::StartTls;
    host_.model().execute(session_, starttls);
  }
  proto::Response greeting = host_.model().greeting(session_);
  const auto* status = std::get_if<proto::StatusResponse>(&greeting.body);
  if (status != nullptr && status->condition == proto::Condition::Preauth) state_ = SessionState::Authenticated;
  write_response(greeting);
  if (status != nullptr && status->condition == proto::Condition::Bye) {
    close_when_flushed("refused by the model");
    return;
  }
  flush();
  arm_inactivity_timer();
}

std::string_view Connection::unparsed() const {
  return std::string_view(input_).substr(input_offset_);
}

void Connection::on_bytes(std::string_view bytes) {
  // Plaintext that follows STARTTLS before TLS starts is discarded, never parsed as if it had come over TLS
  // (RFC 3501 §6.2.1; the command-injection attack of CVE-2011-0411).
  if (closed() || phase_ == Phase::AwaitTls || input_ended_) return;
  last_activity_ms_ = host_.now_ms();
  input_.append(bytes);
  // BUGGIFY: parse in a later step, as a server whose read handler only queues the bytes would.
  if (phase_ == Phase::Reading && host_.buggify().fires(FaultSite::YieldBeforeParse)) {
    post_read_input();
    return;
  }
  consume_input();
}

void Connection::set_reading_paused(bool paused) {
  if (paused == reading_paused_ || closed()) return;
  reading_paused_ = paused;
  transport_.pause_reading(paused);
}

void Connection::consume_input() {
  // Pipelining backpressure: a peer that does not read its answers gets no further command run.
  const bool gated = phase_ == Phase::Reading && output_.bytes() > host_.limits().output_soft_bytes;
  while (!gated && !closed() && input_offset_ < input_.size() &&
         (phase_ == Phase::Reading || phase_ == Phase::AuthData || phase_ == Phase::Idling)) {
    proto::CommandFeedResult result = parser_.feed(unparsed());
    input_offset_ += std::min(result.consumed, input_.size() - input_offset_);
    if (!handle_event(std::move(result.event))) break;
  }
  if (closed()) return;
  if (input_offset_ == input_.size()) {
    input_.clear();
    input_offset_ = 0;
  } else if (input_offset_ >= input_compact_bytes) {
    input_.erase(0, input_offset_);
    input_offset_ = 0;
  }
  set_reading_paused(unparsed().size() > host_.limits().input_pause_bytes);
  if (input_ended_ && unparsed().empty() && phase_ != Phase::Running) end_of_input();
}

// Returns true when parsing may go on with the remaining input.
bool Connection::handle_event(proto::CommandEvent event) {
  if (std::holds_alternative<proto::NeedMore>(event)) return false;
  if (std::holds_alternative<proto::NeedContinuation>(event)) {
    // A synchronizing literal (RFC 3501 §7.5); LITERAL+ literals never get here (RFC 7888). Bug zoo
    // LiteralNoContinuation (breaks SES-2): the "+" is never sent, and the client waits for it forever.
    if (!host_.bugs().has(model::Bug::LiteralNoContinuation)) write_response(continuation("Ready for literal data"));
    flush();
    return !closed();
  }
  if (auto* error = std::get_if<proto::ParseError>(&event)) {
    handle_parse_error(*error);
    return !closed() && phase_ == Phase::Reading;
  }
  if (auto* line = std::get_if<proto::RawLine>(&event)) {
    // Bug zoo DoneCaseSensitive (breaks SES-2): "done" and "Done" are not DONE to it (RFC 3501 §9 makes the
    // ABNF's strings case-insensitive), so the line is dropped and the IDLE goes on, never answered.
    if (phase_ == Phase::Idling && host_.bugs().has(model::Bug::DoneCaseSensitive) && line->text != "DONE" &&
        is_done_line(line->text)) {
      parser_.expect_line();
      return true;
    }
    start_raw_line(std::move(line->text));
    return false;
  }
  parse_errors_ = 0;
  start_command(std::move(std::get<proto::Command>(event)));
  return !closed() && phase_ == Phase::Reading;  // only a planted PipelineReorder leaves it reading
}

void Connection::handle_parse_error(const proto::ParseError& error) {
  if (phase_ == Phase::AuthData || phase_ == Phase::Idling) {
    // An unreadable line where SASL data or DONE was due: cancel the exchange ("*", RFC 3501 §6.2.2) or end
    // IDLE with BAD, as for any other line that is not DONE.
    start_raw_line(phase_ == Phase::AuthData ? "*" : "");
    return;
  }
  ++parse_errors_;
  // RFC 3501 §7.1.3: a BAD is tagged when the tag can be found. Bug zoo TaggedParseErrorUntaggedBad (breaks
  // SES-2): it is always untagged, so the command never gets its tagged completion.
  const bool untagged = host_.bugs().has(model::Bug::TaggedParseErrorUntaggedBad);
  write_response(status_response(untagged ? std::string() : error.tag.value_or(""), proto::Condition::Bad,
                                 error.message));
  if (parse_errors_ >= host_.limits().parse_errors_max) {
    host_.log("conn " + std::to_string(id_) + " error: " + std::to_string(parse_errors_) +
              " unparseable commands in a row");
    bye_and_close("Too many unparseable commands in a row");
    return;
  }
  // The BAD ends the command like any completion: NOTIFY events that came while its line was arriving are due
  // now (RFC 5465 §5), as after finish_command (hunt seed 3069093: a RENAME's LIST was never sent).
  request_delivery();
  flush();
}

// ---- The command cycle ----

void Connection::start_command(proto::Command command) {
  if (host_.bugs().has(model::Bug::PipelineReorder) && command.kind == proto::CommandKind::Store) {
    start_store_task(std::move(command));
    return;
  }
  phase_ = Phase::Running;
  tag_ = command.tag;
  running_ = std::move(command);
  update_listening();
  host_.post(AwaitPoint::StoreAccess, id_, [](Connection& c) { c.execute_command(*c.running_); });
}

void Connection::execute_command(const proto::Command& command) {
  model::Outcome outcome;
  if (command.kind == proto::CommandKind::StartTls && !transport_.can_start_tls()) {
    // No certificate configured, or TLS is already on: RFC 3501 §6.2.1 allows only OK or BAD.
    outcome.responses.push_back(status_response(
        command.tag, proto::Condition::Bad, "STARTTLS is not available on this connection (RFC 3501 section 6.2.1)"));
  } else {
    // The one atomic step: the command takes effect at this instant (server/README.md).
    outcome = host_.model().execute(session_, command);
    host_.model_changed();
  }
  track_state(command, outcome);
  run_outcome(std::move(outcome));
}

void Connection::start_raw_line(std::string line) {
  raw_phase_ = phase_;
  phase_ = Phase::Running;
  update_listening();
  host_.post(AwaitPoint::StoreAccess, id_,
             [line = std::move(line)](Connection& c) { c.execute_raw_line(line); });
}

void Connection::execute_raw_line(const std::string& line) {
  model::Outcome outcome;
  if (raw_phase_ == Phase::AuthData) {
    outcome = host_.model().authenticate_data(session_, tag_, line);
    if (tagged_ok(outcome, tag_)) state_ = SessionState::Authenticated;
  } else {
    outcome = host_.model().idle_done(session_, tag_);
    if (host_.bugs().has(model::Bug::IdleDoneDropsUpdates)) {
      // Bug zoo IdleDoneDropsUpdates (breaks NTF-1, RFC 2177 §3): the server empties its IDLE update queue on
      // DONE, believing it was flushed while idling, so the updates due before the tagged OK are lost.
      std::erase_if(outcome.responses, [](const proto::Response& r) {
        const auto* status = std::get_if<proto::StatusResponse>(&r.body);
        return r.untagged && (status == nullptr || status->condition != proto::Condition::Bye);
      });
    }
    // Bug zoo IdleEndsOnAnyLine (breaks NTF-1): any line ends IDLE as DONE does, with a tagged OK.
    if (!is_done_line(line) && !host_.bugs().has(model::Bug::IdleEndsOnAnyLine)) {
      // RFC 2177 §3: IDLE is ended by "DONE" only; anything else is a protocol error.
      for (auto& response : outcome.responses) {
        if (!response.untagged && response.tag == tag_) {
          response.body = proto::StatusResponse{proto::Condition::Bad, std::nullopt,
                                                "Expected DONE to end IDLE (RFC 2177 section 3)"};
        }
      }
    }
  }
  host_.model_changed();
  if (says_bye(outcome)) state_ = SessionState::Logout;
  run_outcome(std::move(outcome));
}

void Connection::track_state(const proto::Command& command, const model::Outcome& outcome) {
  const bool ok = tagged_ok(outcome, command.tag);
  const bool completed = tagged_status(outcome.responses, command.tag) != nullptr;
  using K = proto::CommandKind;
  switch (command.kind) {
    case K::Login:
    case K::Authenticate:
      if (ok) state_ = SessionState::Authenticated;
      break;
    case K::Select:
    case K::Examine:
      // A failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1).
      if (ok) state_ = SessionState::Selected;
      else if (completed && state_ == SessionState::Selected) state_ = SessionState::Authenticated;
      break;
    case K::Close:
    case K::Unselect:
      if (ok) state_ = SessionState::Authenticated;
      break;
    case K::Logout:
      state_ = SessionState::Logout;
      break;
    case K::Notify:
      if (ok) notify_active_ = std::get<proto::NotifyArgs>(command.args).mode != proto::NotifyArgs::Mode::None;
      break;
    default:
      break;
  }
  if (says_bye(outcome)) state_ = SessionState::Logout;
  if (ok && (command.kind == K::Login || command.kind == K::Authenticate)) rearm_inactivity_timer();
}

void Connection::run_outcome(model::Outcome outcome) {
  buggify_outcome(outcome);
  next_ = outcome.next;
  pending_ = std::move(outcome.responses);  // kept whole; pending_next_ walks it batch by batch
  pending_next_ = 0;
  queue_output_batch();
}

// One bounded batch of the running command's responses; the rest follow as later steps, and wait while the
// peer has more than output_soft_bytes unread.
void Connection::queue_output_batch() {
  batch_posted_ = false;
  if (closed()) return;
  std::size_t queued = 0;
  // BUGGIFY: one response per batch, so a long answer gives every other connection many chances to run.
  const std::size_t batch_bytes =
      host_.buggify().fires(FaultSite::ShortOutputBatch) ? 1 : host_.limits().output_batch_bytes;
  while (pending_next_ < pending_.size() && queued < batch_bytes) {
    queued += output_.append_response(pending_[pending_next_++]);
  }
  flush();
  if (closed()) return;
  if (pending_next_ == pending_.size()) {
    pending_.clear();
    pending_next_ = 0;
    finish_command();
  } else if (output_.bytes() > host_.limits().output_soft_bytes) {
    batch_waiting_ = true;
  } else {
    if (host_.bugs().has(model::Bug::ExpungeBetweenFetchBatches)) sync_between_batches();
    batch_posted_ = true;
    host_.post(AwaitPoint::OutputBatch, id_, [](Connection& c) { c.queue_output_batch(); });
  }
}

void Connection::finish_command() {
  running_.reset();
  using Next = model::Outcome::Next;
  switch (next_) {
    case Next::Continue:
      phase_ = Phase::Reading;
      break;
    case Next::Close:
      phase_ = Phase::Reading;
      // Bug zoo logout-closes-early: LOGOUT closes at once, losing the BYE and OK not yet written (SES-1).
      if (host_.bugs().has(model::Bug::LogoutClosesEarly) && state_ == SessionState::Logout) {
        close("logout");
        return;
      }
      close_when_flushed(state_ == SessionState::Logout ? "logout" : "closed after BYE");
      return;
    case Next::StartTls:
      phase_ = Phase::AwaitTls;
      input_.clear();
      input_offset_ = 0;
      parser_ = proto::CommandParser();
      flush();  // starts TLS once the OK has been accepted by the transport
      return;
    case Next::Idle:
      phase_ = Phase::Idling;
      parser_.expect_line();
      rearm_inactivity_timer();
      break;
    case Next::AuthContinue:
      phase_ = Phase::AuthData;
      parser_.expect_line();
      break;
  }
  if (raw_phase_ == Phase::Idling && phase_ == Phase::Reading) rearm_inactivity_timer();
  const bool after_done = raw_phase_ == Phase::Idling;
  raw_phase_ = Phase::Reading;
  update_listening();
  // Bug zoo IdleStartHoldsUpdates (breaks NTF-2; with its model half in cmd_idle): no delivery is asked for
  // after "+ idling", so updates pending at IDLE's start wait for the next change in the store.
  if (!(next_ == model::Outcome::Next::Idle && host_.bugs().has(model::Bug::IdleStartHoldsUpdates))) {
    request_delivery();
  }
  // Bug zoo DonePipelinedStalls (breaks SES-2): commands pipelined behind DONE (RFC 3501 §5.5) are not read
  // until more input arrives.
  if (!(after_done && host_.bugs().has(model::Bug::DonePipelinedStalls))) resume_reading_commands();
}

void Connection::resume_reading_commands() {
  if (closed() || phase_ == Phase::Running || phase_ == Phase::AwaitTls) return;
  if (!unparsed().empty()) {
    post_read_input();
    return;
  }
  if (input_ended_) end_of_input();
}

void Connection::post_read_input() {
  if (read_posted_) return;
  read_posted_ = true;
  host_.post(AwaitPoint::ReadInput, id_, [](Connection& c) {
    c.read_posted_ = false;
    c.consume_input();
  });
}

// The peer closed its sending side and everything it sent has been handled. A half-closed peer may still
// read, so the answers already queued are sent before the connection closes.
void Connection::end_of_input() {
  if (closed()) return;
  if (phase_ == Phase::Reading) {
    close_when_flushed("peer closed the connection");
  } else if (phase_ != Phase::Running) {
    close("peer closed the connection");
  }
}

void Connection::on_peer_closed() {
  if (closed()) return;
  input_ended_ = true;
  if (phase_ == Phase::Running) return;  // finish_command() resumes and then ends
  if (unparsed().empty()) {
    end_of_input();
  } else {
    resume_reading_commands();
  }
}

// ---- NOTIFY and IDLE delivery ----

bool Connection::between_commands() const {
  return phase_ == Phase::Reading && !running_ && unparsed().empty() && parser_.buffered_bytes() == 0;
}

bool Connection::wants_delivery() const {
  if (closed() || !session_open_) return false;
  const bool deliverable = phase_ == Phase::Idling || (notify_active_ && between_commands());
  return deliverable && host_.model().has_unsolicited(session_);
}

void Connection::request_delivery() {
  if (delivery_posted_ || !wants_delivery()) return;
  delivery_posted_ = true;
  if (host_.bugs().has(model::Bug::PushDelayed)) {
    post_delivery_snapshot();
    return;
  }
  Buggify& buggify = host_.buggify();
  if (buggify.fires(FaultSite::DelayedDelivery)) {
    // BUGGIFY: a push that waits for a batching timer, well within the lab's NTF-2 bound.
    const TimeMs delay_ms = buggify.one_to(buggify_defaults::delivery_delay_max_ms);
    host_.schedule_at(id_, host_.now_ms() + delay_ms, [](Connection& c) { c.deliver_unsolicited(); });
    return;
  }
  host_.post(AwaitPoint::NotifyDelivery, id_, [](Connection& c) { c.deliver_unsolicited(); });
}

// Bug zoo PushDelayed (breaks NTF-2): the push is rendered when the change is signalled, and signals that
// come while it waits to be written are coalesced into it, although it does not contain their changes.
// Those stay in the model until some later event asks for a delivery again.
void Connection::post_delivery_snapshot() {
  std::vector<proto::Response> updates = host_.model().unsolicited(session_);
  host_.post(AwaitPoint::NotifyDelivery, id_, [updates = std::move(updates)](Connection& c) {
    c.delivery_posted_ = false;
    if (!c.closed()) c.write_updates(updates);
  });
}

void Connection::deliver_unsolicited() {
  delivery_posted_ = false;
  const bool yielded = std::exchange(delivery_yielded_, false);
  if (!wants_delivery()) return;
  if (!yielded && host_.buggify().fires(FaultSite::YieldDelivery)) {
    // BUGGIFY: let whatever else is ready run first (a command arriving meanwhile takes precedence).
    delivery_yielded_ = delivery_posted_ = true;
    host_.post(AwaitPoint::NotifyDelivery, id_, [](Connection& c) { c.deliver_unsolicited(); });
    return;
  }
  const Limits& limits = host_.limits();
  if (notify_active_ && output_.bytes() > limits.notify_backlog_bytes) {
    // RFC 5465 §5.8: the client fell too far behind; it is told so and NOTIFY is off from here on.
    host_.log("conn " + std::to_string(id_) + " error: NOTIFICATIONOVERFLOW after " +
              std::to_string(output_.bytes()) + " unread bytes");
    write_response(host_.model().notification_overflow(session_));
    notify_active_ = false;
    update_listening();
    flush();
    return;
  }
  // Without NOTIFY the updates can wait in the model (they are what the session has not been told yet), so
  // an IDLE client that does not read only stops being fed; on_writable resumes the delivery.
  if (!notify_active_ && output_.bytes() > limits.output_soft_bytes) return;
  write_updates(host_.model().unsolicited(session_));
}

void Connection::write_updates(const std::vector<proto::Response>& updates) {
  bool bye = false;
  for (const proto::Response& response : updates) {
    const auto* status = std::get_if<proto::StatusResponse>(&response.body);
    bye = bye || (response.untagged && status != nullptr && status->condition == proto::Condition::Bye);
    if (status != nullptr && status->code && status->code->name == "NOTIFICATIONOVERFLOW") {
      notify_active_ = false;  // the model's own event-count bound overflowed (RFC 5465 §5.8)
    }
    write_response(response);
  }
  update_listening();
  if (bye) {
    // The model ended the session (e.g. delete=bye, RFC 2180 §3.3).
    state_ = SessionState::Logout;
    close_when_flushed("BYE from the model");
    return;
  }
  flush();
}

void Connection::update_listening() {
  const bool listening = !closed() && (phase_ == Phase::Idling || notify_active_);
  if (listening == listening_) return;
  listening_ = listening;
  host_.set_listening(id_, listening);
}

// ---- BUGGIFY and the server-layer bugs of the zoo ----

void Connection::buggify_outcome(model::Outcome& outcome) {
  Buggify& buggify = host_.buggify();
  if (!buggify.any_enabled()) return;
  auto& responses = outcome.responses;
  for (std::size_t i = 0; i < responses.size(); ++i) {
    const auto* atoms = std::get_if<proto::AtomsData>(&responses[i].body);
    if (responses[i].untagged && atoms != nullptr && atoms->kind == proto::AtomsData::Kind::Flags &&
        buggify.fires(FaultSite::RepeatFlags)) {
      responses.insert(responses.begin() + static_cast<std::ptrdiff_t>(i) + 1, responses[i]);
      ++i;
    }
  }
  const bool completes = !responses.empty() && !responses.back().untagged &&
                         std::holds_alternative<proto::StatusResponse>(responses.back().body);
  if (completes && !says_bye(outcome) && buggify.fires(FaultSite::ExtraUntaggedOk)) {
    responses.insert(responses.end() - 1,
                     status_response("", proto::Condition::Ok, "Still here (RFC 3501 section 7.1.1)"));
  }
}

// Bug zoo PipelineReorder (breaks SEQ-12, RFC 3501 §5.5): STORE is handed to a flag-writer task that loads
// the messages' flags and then writes them back, two store accesses, while the connection reads on as if
// the STORE were done. A pipelined EXPUNGE (one store access) then runs before the STORE it depends on.
void Connection::start_store_task(proto::Command command) {
  host_.post(AwaitPoint::StoreAccess, id_, [command = std::move(command)](Connection& c) {
    c.host_.post(AwaitPoint::StoreAccess, c.id_, [command](Connection& c2) { c2.run_store_task(command); });
  });
}

void Connection::run_store_task(const proto::Command& command) {
  model::Outcome outcome = host_.model().execute(session_, command);
  host_.model_changed();
  for (const proto::Response& response : outcome.responses) write_response(response);
  flush();
}

// Bug zoo ExpungeBetweenFetchBatches (breaks SEQ-2, RFC 3501 §7.4.1): the gap between two output batches
// is taken for "between commands", and the session is brought up to date there as an IDLE or NOTIFY
// delivery would, so the EXPUNGEs pending for it land inside the answer of a long FETCH.
void Connection::sync_between_batches() {
  if (state_ != SessionState::Selected || !session_open_) return;
  proto::Command noop;
  noop.tag = tag_;
  noop.kind = proto::CommandKind::Noop;
  for (const proto::Response& response : host_.model().execute(session_, noop).responses) {
    if (response.untagged) write_response(response);
  }
}

// ---- Output ----

void Connection::write_response(const proto::Response& response) { output_.append_response(response); }

void Connection::flush() {
  if (closed()) return;
  if (!output_.empty()) {
    const bool was_blocked = transport_blocked_;
    // BUGGIFY: a tiny write now and the rest in a later step, as when a socket takes a few bytes at a time.
    // Never while closing: close() sends only what the transport has accepted.
    Buggify& buggify = host_.buggify();
    const bool split = !close_after_flush_ && output_.bytes() > 1 && buggify.fires(FaultSite::SplitWrite);
    const std::size_t offered =
        split ? std::min<std::size_t>(output_.bytes() - 1, buggify.one_to(buggify_defaults::split_write_piece_bytes_max))
              : output_.bytes();
    const std::size_t accepted = output_.flush_to(transport_, offered);
    // The stall clock starts when the transport first refuses bytes, not at the last write long ago.
    if (accepted > 0 || !was_blocked) last_write_progress_ms_ = host_.now_ms();
    transport_blocked_ = accepted < offered;
    if (transport_blocked_) arm_stall_timer();
    if (split && !transport_blocked_ && !flush_posted_) {
      flush_posted_ = true;
      host_.post(AwaitPoint::OutputBatch, id_, [](Connection& c) {
        c.flush_posted_ = false;
        c.flush();
      });
    }
  }
  if (output_.bytes() > host_.limits().output_hard_bytes) {
    drop_output_and_bye("Too much unread output");
    return;
  }
  if (!output_.empty()) return;
  if (close_after_flush_) {
    close(close_reason_);
  } else if (phase_ == Phase::AwaitTls) {
    transport_.start_tls();
    tls_active_ = true;
    phase_ = Phase::Reading;
    update_listening();
  }
}

void Connection::on_writable() {
  if (closed()) return;
  transport_blocked_ = false;
  flush();
  if (closed() || output_.bytes() > host_.limits().output_soft_bytes) return;
  if (batch_waiting_) {
    batch_waiting_ = false;
    batch_posted_ = true;
    host_.post(AwaitPoint::OutputBatch, id_, [](Connection& c) { c.queue_output_batch(); });
    return;
  }
  resume_reading_commands();
  // Bug zoo DrainForgetsDelivery (breaks SES-5): the updates deliver_unsolicited held back while the output was
  // full stay in the model until some other event asks for a delivery.
  if (!host_.bugs().has(model::Bug::DrainForgetsDelivery)) request_delivery();
}

// ---- Timers and closing ----

TimeMs Connection::inactivity_limit_ms() const {
  const Limits& limits = host_.limits();
  if (phase_ == Phase::Idling) return limits.idle_timeout_ms;
  if (state_ == SessionState::NotAuthenticated) return limits.login_timeout_ms;
  return limits.autologout_ms;
}

void Connection::arm_inactivity_timer() {
  if (inactivity_timer_ != 0 || closed()) return;
  inactivity_timer_ = host_.schedule_at(id_, last_activity_ms_ + inactivity_limit_ms(), [](Connection& c) {
    c.inactivity_timer_ = 0;
    c.on_inactivity_timer();
  });
}

void Connection::rearm_inactivity_timer() {
  if (inactivity_timer_ != 0) host_.cancel_timer(inactivity_timer_);
  inactivity_timer_ = 0;
  arm_inactivity_timer();
}

// The timer fires at the deadline computed when it was armed; activity since then moves the deadline, so
// it re-arms instead of re-scheduling on every command.
void Connection::on_inactivity_timer() {
  if (closed()) return;
  if (host_.now_ms() < last_activity_ms_ + inactivity_limit_ms()) {
    arm_inactivity_timer();
    return;
  }
  std::string reason;
  if (phase_ == Phase::Idling) reason = "IDLE timed out (RFC 2177 section 3)";
  else if (state_ == SessionState::NotAuthenticated) reason = "No login in time (RFC 3501 section 5.4)";
  else reason = "Autologout; idle for too long (RFC 3501 section 5.4)";
  host_.log("conn " + std::to_string(id_) + " timeout: " + reason);
  bye_and_close(reason);
}

void Connection::arm_stall_timer() {
  if (stall_timer_ != 0 || closed()) return;
  stall_timer_ = host_.schedule_at(id_, last_write_progress_ms_ + host_.limits().write_stall_ms,
                                   [](Connection& c) {
                                     c.stall_timer_ = 0;
                                     c.on_stall_timer();
                                   });
}

void Connection::on_stall_timer() {
  if (closed() || !transport_blocked_) return;
  if (host_.now_ms() < last_write_progress_ms_ + host_.limits().write_stall_ms) {
    arm_stall_timer();
    return;
  }
  drop_output_and_bye("Not reading responses");
}

// The peer does not read: what it has not taken is dropped, and it is offered a BYE it will probably not
// see before the connection closes.
void Connection::drop_output_and_bye(const std::string& text) {
  host_.log("conn " + std::to_string(id_) + " error: " + text + " (" + std::to_string(output_.bytes()) +
            " bytes queued)");
  output_.clear();
  bye_and_close(text);
}

void Connection::bye_and_close(const std::string& text) {
  if (closed()) return;
  pending_.clear();
  pending_next_ = 0;
  if (session_open_) {
    write_response(host_.model().bye(session_, text));
  } else {
    write_response(status_response("", proto::Condition::Bye, text));
  }
  state_ = SessionState::Logout;
  close_after_flush_ = true;
  close_reason_ = text;
  flush();
  close(text);  // a no-op when flush() already closed
}

void Connection::close_when_flushed(std::string_view reason) {
  if (closed()) return;
  close_after_flush_ = true;
  close_reason_ = std::string(reason);
  flush();
}

void Connection::shutdown(std::string_view reason) { bye_and_close(std::string(reason)); }

void Connection::close(std::string_view reason) {
  if (closed()) return;
  phase_ = Phase::Closed;
  if (inactivity_timer_ != 0) host_.cancel_timer(inactivity_timer_);
  if (stall_timer_ != 0) host_.cancel_timer(stall_timer_);
  inactivity_timer_ = stall_timer_ = 0;
  update_listening();
  if (session_open_) {
    session_open_ = false;
    host_.model().disconnect(session_);
    host_.model_changed();
  }
  transport_.close();
  host_.log("conn " + std::to_string(id_) + " closed: " + std::string(reason));
}

}  // namespace imaplab::server
