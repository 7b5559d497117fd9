// NOTIFY after a SELECT or EXAMINE that fails: RFC 3501 §6.3.1 leaves no mailbox selected, so the mailbox
// that was selected becomes an "other" mailbox again and its watchers' filters apply (RFC 5465 §5.3, NTF-2).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/model/harness.hpp"

namespace imaplab::model::testing {
namespace {

using Lines = std::vector<std::string>;

constexpr const char* notify_set =
    "n NOTIFY SET (selected-delayed (MessageNew (UID FLAGS) MessageExpunge)) (mailboxes (INBOX work) (MailboxName)) "
    "(subtree work (MessageNew MessageExpunge FlagChange MailboxName))";

// bob watches "work" (NOTIFY as in the NTF-2 trace of seed 5298) and has it selected; another session of bob removes messages.
struct World {
  Harness h;
  SessionId watcher, actor;
  World() {
    actor = h.login("bob");
    watcher = h.login("bob");
    const SessionId alice = h.login("alice");
    h.send(alice, "a0 CREATE shared/private");  // bob may look it up ('l') but not read it ('r')
    h.send(alice, "a1 DELETEACL shared/private anyone");
    h.send(alice, "a2 SETACL shared/private bob l");
    h.send(actor, "o1 CREATE work");
    h.fill("bob", "work", 3);
    h.send(watcher, notify_set);
    h.send(watcher, "w1 SELECT work");
    h.send(actor, "o2 SELECT work");
    h.unsolicited(watcher);
  }
  void remove_one() { h.send(actor, "o3 UID MOVE 3 INBOX"); }
  bool told_status_of_work() {
    const Lines u = h.unsolicited(watcher);
    return has_line(u, "* STATUS work (");
  }
};

class NotifyFailedSelect : public ::testing::TestWithParam<const char*> {};

// The expunge comes after the failed command: "work" is not selected any more.
TEST_P(NotifyFailedSelect, ThenAnExpungeInTheOldMailboxIsToldAsStatus) {
  World w;
  EXPECT_EQ(last(w.h.send(w.watcher, GetParam())).substr(0, 4), "f NO");
  w.remove_one();
  EXPECT_TRUE(w.told_status_of_work());
}

// The expunge comes while "work" is selected (held back by SELECTED-DELAYED), then the command fails: the
// session never gets the EXPUNGE, so it is owed the STATUS instead.
TEST_P(NotifyFailedSelect, AfterAHeldBackExpungeTheOldMailboxIsToldAsStatus) {
  World w;
  w.remove_one();
  EXPECT_EQ(last(w.h.send(w.watcher, GetParam())).substr(0, 4), "f NO");
  EXPECT_TRUE(w.told_status_of_work());
}

// CLOSE and UNSELECT leave the mailbox too; a successful SELECT of another mailbox as well.
TEST(NotifyLeavingMailbox, HeldBackExpungeIsToldAsStatus) {
  for (const char* command : {"f CLOSE", "f UNSELECT", "f SELECT INBOX"}) {
    World w;
    w.remove_one();
    EXPECT_EQ(last(w.h.send(w.watcher, command)).substr(0, 4), "f OK") << command;
    EXPECT_TRUE(w.told_status_of_work()) << command;
  }
}

// Re-selecting the same mailbox tells its state in the SELECT responses: no STATUS of the selected mailbox.
TEST(NotifyLeavingMailbox, ReselectingTheSameMailboxSendsNoStatus) {
  World w;
  w.remove_one();
  EXPECT_EQ(last(w.h.send(w.watcher, "f SELECT work")).substr(0, 4), "f OK");
  EXPECT_FALSE(w.told_status_of_work());
}

INSTANTIATE_TEST_SUITE_P(Commands, NotifyFailedSelect,
                         ::testing::Values("f SELECT c3-tmp0", "f EXAMINE c3-tmp0", "f SELECT shared/private"));

}  // namespace
}  // namespace imaplab::model::testing
