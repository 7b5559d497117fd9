// Command generation for client agents: turns a CommandMix, the agent's view of its session and an Rng into
// the next IMAP command, and classifies commands for the pipelining rules of RFC 3501 §5.5 (SEQ-13).
// The Workload owns only workload state (the mailbox names it made up, renamed or deleted); the session state
// it reads comes from the agent in a WorkloadView.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "proto/command.hpp"
#include "proto/response.hpp"
#include "sim/agent.hpp"

namespace imaplab::sim {

// How a command constrains the commands sent after it before its tagged reply (RFC 3501 §5.5).
enum class PipelineClass {
  Free,       // others may follow at once (subject to the sequence-number rule)
  Barrier,    // nothing may follow until its tagged reply (it changes what later commands mean)
  Exclusive,  // a barrier that is also sent only when nothing else is in flight (SELECT, IDLE, NOTIFY ...)
};
PipelineClass pipeline_class(const proto::Command& command);

// True when the command names messages by sequence number: non-UID FETCH, STORE, SEARCH, COPY, MOVE, and any
// SEARCH whose keys contain a sequence set (RFC 3501 §5.5: "UID SEARCH + UID SEARCH may be ... invalid").
bool uses_sequence_numbers(const proto::Command& command);

// True for the commands during which the server must not send EXPUNGE (RFC 3501 §7.4.1): FETCH, STORE and
// SEARCH, not their UID forms. Only these may be in flight when a sequence-number command is sent (SEQ-13).
bool forbids_expunge(const proto::Command& command);

// True when a NOTIFY SET asks for MessageExpunge on the SELECTED filter: the server may then send EXPUNGE at
// any time, so the client must use UIDs only (RFC 5465 §5.3, NTF-6).
bool notify_expunges_selected(const proto::Command& command);

// System flags and the workload's keywords as bits, for the agent's record of what it was told.
namespace flag_bits {
inline constexpr std::uint32_t seen = 1u << 0, answered = 1u << 1, flagged = 1u << 2, deleted = 1u << 3,
                               draft = 1u << 4, recent = 1u << 5;
}
// The bit of a flag as written ("\\Seen", "$Label1"); 0 for flags the workload does not use.
std::uint32_t flag_bit(std::string_view flag);

// What the generator may send now, given the commands in flight (decided by the agent).
struct SendWindow {
  bool sequence_numbers = false;  // every command in flight forbids EXPUNGE, and NTF-6 does not apply
  bool exclusive = false;         // nothing is in flight
};

// The agent's session as the generator sees it (borrowed pointers, valid for one call).
struct WorkloadView {
  enum class Phase { Authenticated, Selected };
  Phase phase = Phase::Authenticated;
  bool read_only = false;
  std::string_view selected;                       // the selected mailbox's name
  const std::vector<std::uint32_t>* uids = nullptr;   // MSN order; 0 = not yet known
  const std::vector<std::uint32_t>* flags = nullptr;  // flag_bits per message, as told
  std::uint32_t uidnext = 0;
  std::uint64_t highest_modseq = 0;
  bool condstore_enabled = false;  // MODSEQ / UNCHANGEDSINCE / CHANGEDSINCE may be used
  bool uid_only = false;           // NTF-6
  // Server capabilities the generator cares about.
  bool cap_condstore = false, cap_idle = false, cap_notify = false, cap_move = false, cap_uidplus = false,
       cap_unselect = false, cap_list_extended = false, cap_list_status = false;
};

class Workload {
 public:
  explicit Workload(const AgentConfig& config);

  // The next command (tag left empty), or nullopt when the mix allows nothing in this window.
  std::optional<proto::Command> generate(const WorkloadView& view, SendWindow window, Rng& rng);
  // True when generate() would produce a command in this window (no randomness used).
  bool can_generate(const WorkloadView& view, SendWindow window) const;

  // "UID FETCH first:* (UID FLAGS)": learns the UIDs of messages announced by EXISTS.
  static proto::Command fetch_new_uids(std::uint32_t first_uid);

  // The outcome of a command this workload generated, so renamed and created names are remembered.
  void completed(const proto::Command& command, proto::Condition condition);
  // A LIST response told the hierarchy delimiter.
  void learn_delimiter(char delimiter) { delimiter_ = delimiter; }
  // A GETACL response (RFC 4314 §3.6) named the identifiers of a mailbox's ACL: the other users (and "anyone")
  // whose rights this client may later take away and give back (ACC-2).
  void learn_acl(const proto::AclData& acl);

  // A random RFC 822 message of at most `bytes_max` bytes with a unique Message-ID.
  std::string make_message(Rng& rng);

 private:
  enum Op : std::uint8_t {
    Select, Examine, Fetch, UidFetch, Store, UidStore, Search, Copy, Move, Append, Expunge,
    UidExpunge, Close, Create, Delete, Rename, Subscribe, List, Status, Noop, Check, Idle, Notify, Logout,
    Acl, OpCount
  };
  using Weights = std::array<std::uint32_t, OpCount>;
  void fill_weights(const WorkloadView& view, SendWindow window, Weights& out) const;
  proto::Command build(Op op, const WorkloadView& view, SendWindow window, Rng& rng);

  proto::Command make_fetch(const WorkloadView& view, bool uid, Rng& rng);
  proto::Command make_store(const WorkloadView& view, bool uid, Rng& rng);
  proto::Command make_search(const WorkloadView& view, bool uid, bool sequence_numbers, Rng& rng);
  proto::Command make_copy(const WorkloadView& view, bool uid, bool move, Rng& rng);
  proto::Command make_append(const WorkloadView& view, Rng& rng);
  proto::Command make_rename(Rng& rng);
  proto::Command make_list(const WorkloadView& view, Rng& rng);
  proto::Command make_status(const WorkloadView& view, Rng& rng);
  proto::Command make_notify(const WorkloadView& view, Rng& rng);
  proto::Command make_acl(Rng& rng);
  proto::Command next_acl_followup();
  proto::Command start_right_probe(const std::string& mailbox, const std::vector<std::string>& peers, Rng& rng);
  void boost_right_probe(const WorkloadView& view, SendWindow window, Weights& out) const;
  void track_right_probe(const proto::Command& command, const WorkloadView& view);

  proto::SequenceSet msn_set(std::size_t count, bool wide, Rng& rng) const;
  proto::SequenceSet uid_set(const WorkloadView& view, bool wide, Rng& rng) const;
  static proto::SequenceSet deleted_uids(const WorkloadView& view);
  proto::SearchKey search_key(const WorkloadView& view, bool uid, bool sequence_numbers, int depth,
                              Rng& rng) const;
  std::vector<proto::FetchAtt> fetch_atts(const WorkloadView& view, bool cheap, Rng& rng) const;
  std::vector<std::string> some_flags(Rng& rng) const;

  // Mailbox names.
  std::string current_name(const std::string& original) const;
  std::string pick_mailbox(Rng& rng) const;
  std::string pick_scratch(Rng& rng) const;
  // "work/sub": a child of a configured mailbox other than INBOX, the same name for every client of a user.
  std::optional<std::string> child_of_configured(Rng& rng) const;
  std::string pick_deletable(Rng& rng) const;
  const std::string* renamable(Rng& rng) const;

  ClientId id_;
  std::string user_;
  CommandMix mix_;
  std::uint32_t message_bytes_max_;
  std::vector<std::string> mailboxes_;  // configured names (shared ones included)
  std::vector<std::string> scratch_;    // this client's own names, "c<id>-tmp<k>"
  // Configured mailboxes this client renamed away: (original, current).
  std::vector<std::pair<std::string, std::string>> renamed_;
  std::optional<char> delimiter_;
  std::uint64_t messages_made_ = 0;
  std::vector<proto::Date> appended_dates_;  // INTERNALDATE days this agent APPENDed (SEARCH boundaries)
  std::vector<std::uint64_t> appended_sizes_;  // RFC822.SIZEs of messages it APPENDed (LARGER/SMALLER boundaries)
  // Mailbox -> identifiers of other users its GETACL listed (learn_acl), in name order for determinism.
  std::map<std::string, std::vector<std::string>> acl_peers_;
  // ACC-3 (RFC 4314 §4): a right this client took from its own user on a shared mailbox, and tries now.
  struct RightProbe {
    std::string mailbox;
    char right = 0;            // 'i': COPY/MOVE into the mailbox; 'e': EXPUNGE in it after a fresh SELECT
    bool anyone = false;       // "anyone" lost the right too (the rights add up, RFC 4314 §2)
    bool armed = false;        // every revocation was sent: the user lacks the right once they complete
    bool reselected = false;   // 'e': a SELECT of the mailbox was sent since arming
    std::uint32_t tries = 0;     // commands sent that need the right
    std::uint32_t commands = 0;  // commands sent since arming
  };
  std::optional<RightProbe> right_probe_;
  std::vector<proto::AclArgs> acl_followups_;  // SETACLs to send at the next ACL ops, in order
  std::vector<std::uint32_t> weights_;  // reused by generate()
};

}  // namespace imaplab::sim
