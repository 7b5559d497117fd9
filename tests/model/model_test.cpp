// scratch
#include <gtest/gtest.h>
#include <iostream>
#include "tests/model/harness.hpp"
using namespace imaplab::model::testing;
TEST(Scratch, Print) {
  Harness h;
  auto a = h.login("alice");
  h.fill("alice", "INBOX", 3);
  for (auto l : {"a1 SELECT INBOX", "a2 FETCH 1:* (FLAGS UID ENVELOPE)", "a3 STORE 1 +FLAGS (\\Deleted)", "a4 EXPUNGE", "a5 LIST \"\" *", "a6 NAMESPACE", "a7 CAPABILITY", "a8 STATUS INBOX (MESSAGES UIDNEXT UNSEEN)", "a9 UID FETCH 1:* BODY.PEEK[HEADER]"})
    std::cout << h.run(a, l) << "\n";
}
