// The workload's ACL commands for ACC-3 (RFC 4314 §4): a revocation of 'i' or 'e' reaches the user (its own
// entry and "anyone"'s, RFC 4314 §2), and a client that took such a right from its own user tries the command
// that needs it before giving the right back.
#include <gtest/gtest.h>

#include "sim/workload.hpp"

namespace imaplab::sim {
namespace {

using proto::Command;
using proto::CommandKind;

constexpr const char* shared_box = "shared/box1";
constexpr int commands_generated = 4000;

// A client of user1 that knows the ACL of shared/box1 (as its GETACL would have told it) and does only ACL
// commands, SELECT, COPY/MOVE and EXPUNGE.
Workload acl_workload() {
  AgentConfig config;
  config.id = 1;
  config.user = "user1";
  config.mailboxes = {"INBOX", "work", shared_box};
  CommandMix mix{};
  for (std::uint32_t CommandMix::*f : {&CommandMix::examine, &CommandMix::fetch, &CommandMix::uid_fetch,
                                        &CommandMix::store, &CommandMix::uid_store, &CommandMix::search,
                                        &CommandMix::append, &CommandMix::uid_expunge, &CommandMix::close,
                                        &CommandMix::create, &CommandMix::del, &CommandMix::rename,
                                        &CommandMix::subscribe, &CommandMix::list, &CommandMix::status,
                                        &CommandMix::check, &CommandMix::idle, &CommandMix::notify}) {
    mix.*f = 0;
  }
  mix.acl = 3;
  config.mix = mix;
  Workload w(config);
  proto::AclData acl;
  acl.mailbox = shared_box;
  acl.entries = {{"anyone", "lrswipkxtecd"}, {"user1", "lrswipkxteacd"}, {"user2", "lrswipkxtecd"}};
  w.learn_acl(acl);
  return w;
}

const proto::AclArgs* setacl(const Command& c) {
  return c.kind == CommandKind::SetAcl ? std::get_if<proto::AclArgs>(&c.args) : nullptr;
}

// Generates commands in the Selected state; a SELECT changes the selected mailbox, as the agent's view would.
std::vector<Command> generate(Workload& w, std::uint64_t seed) {
  const std::vector<std::uint32_t> uids = {1, 2, 3}, flags = {0, 0, 0};
  std::string selected = "INBOX";
  WorkloadView view;
  view.phase = WorkloadView::Phase::Selected;
  view.uids = &uids;
  view.flags = &flags;
  view.uidnext = 4;
  view.cap_move = view.cap_uidplus = true;
  Rng rng(seed);
  std::vector<Command> out;
  for (int i = 0; i < commands_generated; ++i) {
    view.selected = selected;
    auto c = w.generate(view, SendWindow{true, true}, rng);
    if (!c) continue;
    if (c->kind == CommandKind::Select) selected = std::get<proto::MailboxArgs>(c->args).mailbox;
    out.push_back(std::move(*c));
  }
  return out;
}

// The index of the first SETACL after `from` for `identifier` with `rights`, or out.size().
std::size_t find_setacl(const std::vector<Command>& out, std::size_t from, const std::string& identifier,
                        const std::string& rights) {
  for (std::size_t i = from; i < out.size(); ++i) {
    const auto* a = setacl(out[i]);
    if (a != nullptr && a->identifier == identifier && a->rights == rights) return i;
  }
  return out.size();
}

TEST(WorkloadAcl, OwnRevocationIsTriedThenGivenBack) {
  Workload w = acl_workload();
  const std::vector<Command> out = generate(w, 7);
  int probes = 0;
  for (const char right : {'i', 'e'}) {
    const std::string minus = std::string("-") + right, plus = std::string("+") + right;
    for (std::size_t at = find_setacl(out, 0, "user1", minus); at < out.size();
         at = find_setacl(out, at + 1, "user1", minus)) {
      // The next ACL command takes the same right from "anyone", whose rights add to the user's own.
      const std::size_t anyone = find_setacl(out, at + 1, "anyone", minus);
      ASSERT_LT(anyone, out.size());
      for (std::size_t i = at + 1; i < anyone; ++i) EXPECT_NE(out[i].kind, CommandKind::SetAcl) << i;
      const std::size_t back = find_setacl(out, anyone + 1, "user1", plus);
      if (back + 1 >= out.size()) break;  // the run ended during the probe or its give-back
      ASSERT_LT(find_setacl(out, back + 1, "anyone", plus), out.size()) << "probe at command " << at;
      // Between them, the command that needs the right, on the probed mailbox.
      bool tried = false;
      std::string selected;
      for (std::size_t i = anyone + 1; i < back; ++i) {
        if (const auto* s = std::get_if<proto::MailboxArgs>(&out[i].args); s && out[i].kind == CommandKind::Select)
          selected = s->mailbox;
        const auto* copy = std::get_if<proto::CopyArgs>(&out[i].args);
        if (right == 'i' && copy != nullptr && copy->mailbox == shared_box) tried = true;
        const bool expunge = out[i].kind == CommandKind::Expunge || out[i].kind == CommandKind::UidExpunge;
        if (right == 'e' && expunge && selected == shared_box) tried = true;
      }
      EXPECT_TRUE(tried) << "probe of '" << right << "' at command " << at;
      ++probes;
    }
  }
  EXPECT_GE(probes, 4);
}

TEST(WorkloadAcl, RevokingAPeersInsertOrExpungeRightAlsoTakesItFromAnyone) {
  Workload w = acl_workload();
  const std::vector<Command> out = generate(w, 11);
  int pairs = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto* a = setacl(out[i]);
    if (a == nullptr || a->identifier != "user2" || (a->rights != "-i" && a->rights != "-e")) continue;
    std::size_t next = i + 1;
    while (next < out.size() && setacl(out[next]) == nullptr && out[next].kind != CommandKind::DeleteAcl) ++next;
    if (next == out.size()) break;
    const auto* b = setacl(out[next]);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->identifier, "anyone");
    EXPECT_EQ(b->rights, a->rights);
    ++pairs;
  }
  EXPECT_GE(pairs, 2);
}

}  // namespace
}  // namespace imaplab::sim
