// Test mailbox names: the agents work on short names ("main", "c2-tmp1"); on the wire every name lives under
// one prefix per run ("imaplab-7-1732300000/main"), so a probe never touches mail it did not create and
// clean-up can delete everything it made. Sans-I/O; used by sessions, setup, clean-up and replay.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "proto/command.hpp"

namespace imaplab::probe {

class NameMap {
 public:
  NameMap(std::string prefix, char delimiter) : prefix_(std::move(prefix)), delimiter_(delimiter) {}

  const std::string& prefix() const { return prefix_; }
  char delimiter() const { return delimiter_; }

  std::string to_wire(const std::string& name) const { return prefix_ + delimiter_ + name; }
  // The agent's name for a wire name under the prefix; nullopt for names outside it.
  std::optional<std::string> from_wire(const std::string& wire) const;

  // Every mailbox name, LIST reference/pattern and NOTIFY mailbox filter of the command, renamed.
  proto::Command to_wire(proto::Command command) const;
  // The inverse for names under the prefix; other names are kept.
  proto::Command from_wire(proto::Command command) const;

 private:
  template <class F>
  static proto::Command rename_all(proto::Command command, const F& rename);

  std::string prefix_;
  char delimiter_;
};

// The bytes to send instead of an agent's piece `bytes` (the first part of `original`, split at synchronizing
// literals as the agent split it) when the command goes out as `renamed`. nullopt when the rename would change
// a later part (a name inside a synchronizing literal), which the caller must refuse to send.
std::optional<std::string> renamed_first_part(const std::string& bytes, const proto::Command& original,
                                              const proto::Command& renamed);

// A prefix unique to one run: "imaplab-<seed>-<unix seconds>".
std::string make_prefix(std::uint64_t seed, std::uint64_t unix_seconds);

}  // namespace imaplab::probe
