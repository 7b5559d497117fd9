// The stream of observations every checker consumes: what each client sent and received, when, as bytes and
// as parsed values. The simulator produces it on virtual time; the probe of a real server on real time.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "proto/command.hpp"
#include "proto/response.hpp"

namespace imaplab::sim {

using ClientId = std::uint32_t;  // 1-based, as in the RFC examples' "C1:" / "S1:"

// An optional value kept on the heap, read like std::optional. The checkers' log holds every event of a run,
// and most events carry only one of a Command and a Response: boxed, an Event stays small, so the log grows
// and moves cheaply (a 1,000-message run logs hundreds of thousands of events).
template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(std::nullopt_t) {}
  Boxed(const T& value) : p_(std::make_unique<T>(value)) {}
  Boxed(T&& value) : p_(std::make_unique<T>(std::move(value))) {}
  Boxed(const std::optional<T>& value) : p_(value ? std::make_unique<T>(*value) : nullptr) {}
  Boxed(std::optional<T>&& value) : p_(value ? std::make_unique<T>(std::move(*value)) : nullptr) {}
  Boxed(std::unique_ptr<T> value) : p_(std::move(value)) {}
  Boxed(const Boxed& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (this != &other) p_ = other.p_ ? std::make_unique<T>(*other.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  void reset() { p_.reset(); }
  bool operator==(const Boxed& other) const {
    return has_value() == other.has_value() && (!has_value() || *p_ == *other.p_);
  }

 private:
  std::unique_ptr<T> p_;
};

struct Event {
  enum class Dir { Sent, Received, Connected, Disconnected };
  std::uint64_t time_us = 0;  // virtual time in the simulator, real time since start in a probe
  ClientId client = 0;
  Dir dir = Dir::Sent;
  std::string bytes;          // the whole command or response as on the wire, CRLF and literals included
  // Sent: the Command, or a RawLine's text (IDLE's DONE, AUTHENTICATE data) in `raw_line`.
  // Received: the Response. Connected/Disconnected: neither.
  Boxed<proto::Command> command;
  std::optional<std::string> raw_line;
  Boxed<proto::Response> response;
};

// A broken rule, as every checker reports it (INVARIANTS.md IDs).
struct Violation {
  std::string rule;     // e.g. "SEQ-2"
  std::string rfc;      // e.g. "RFC 3501 §7.4.1"
  std::string message;  // what is wrong, in one or two sentences, quoting the RFC where it helps
  std::vector<std::size_t> offending;  // indices into the event stream: the lines that are wrong
  std::vector<std::size_t> causes;     // indices of the lines that made them wrong
  bool operator==(const Violation&) const = default;
};

}  // namespace imaplab::sim
