// The rule catalogue and the Checker's contract: every INVARIANTS.md ID is catalogued with its RFC section,
// a quiet transcript produces nothing, and S-rule findings are warnings unless made fatal.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "sim/check_internal.hpp"
#include "tests/sim/events.hpp"

namespace imaplab::sim::testing {
namespace {

// The rule IDs a Markdown file lists, one "- ID " line each (INVARIANTS.md's style).
std::set<std::string> listed_ids(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::set<std::string> ids;
  const std::regex id(R"(^- ([A-Z]{3}-[0-9]+) )");
  std::string line;
  while (std::getline(text, line)) {
    std::smatch m;
    if (std::regex_search(line, m, id)) ids.insert(m[1]);
  }
  return ids;
}

std::set<std::string> invariant_ids() { return listed_ids(std::string(IMAPLAB_SHARED_DIR) + "/INVARIANTS.md"); }

TEST(Checker, CatalogueHasEveryInvariant) {
  const auto ids = invariant_ids();
  ASSERT_GE(ids.size(), 50u) << "INVARIANTS.md not found or changed format";
  for (const auto& id : ids) {
    const RuleInfo* r = find_rule(id);
    ASSERT_NE(r, nullptr) << id;
    EXPECT_NE(std::string(r->rfc).find("RFC"), std::string::npos) << id;
    EXPECT_GT(std::string(r->text).size(), 20u) << id;
    EXPECT_TRUE(std::set<std::string>({"M", "S", "P", "Q"}).count(r->strength)) << id;
  }
  EXPECT_EQ(find_rule("XYZ-1"), nullptr);
}

// Rules the catalogue adds beyond INVARIANTS.md are documented, one "- ID [..] S/M: ..." line each, in
// docs/rules.md; and every rule documented there is catalogued.
TEST(Checker, CatalogueExtrasAreDocumented) {
  const auto ids = invariant_ids();
  const auto documented = listed_ids(std::string(IMAPLAB_SOURCE_DIR) + "/docs/rules.md");
  ASSERT_GE(documented.size(), 9u) << "docs/rules.md not found or changed format";
  for (const auto& rule : rules()) {
    if (ids.count(rule.id) == 0) {
      EXPECT_TRUE(documented.count(rule.id)) << rule.id << " is not in docs/rules.md";
    }
  }
  for (const auto& d : documented) {
    EXPECT_NE(find_rule(d), nullptr) << d;
    EXPECT_EQ(ids.count(d), 0u) << d << " is already an INVARIANTS.md rule";
  }
}

TEST(Checker, QuietSessionHasNoViolation) {
  Checker checker = make_checker();
  EXPECT_FALSE(run_lines(checker, {"C1: <connect>", "S1: * OK ready", "C1: a1 LOGIN alice secret",
                                   "S1: a1 OK done", "C1: a2 SELECT INBOX", "S1: * 2 EXISTS", "S1: * 0 RECENT",
                                   "S1: * FLAGS (\\Seen \\Deleted)", "S1: * OK [UIDVALIDITY 9] ok",
                                   "S1: * OK [UIDNEXT 5] ok", "S1: a2 OK [READ-WRITE] done",
                                   "C1: a3 FETCH 1:* (UID FLAGS)", "S1: * 1 FETCH (UID 3 FLAGS (\\Seen))",
                                   "S1: * 2 FETCH (UID 4 FLAGS ())", "S1: a3 OK done", "C1: a4 LOGOUT",
                                   "S1: * BYE bye", "S1: a4 OK done", "C1: <disconnect>"}));
  EXPECT_EQ(checker.events().size(), 19u);
  EXPECT_TRUE(checker.warnings().empty());
}

TEST(Checker, ShouldRulesAreWarningsUnlessFatal) {
  std::vector<Event> log = events_from({"C1: a1 NOOP", "S1: a1 OK done"});
  CheckerOptions lenient;
  detail::Reporter rep(lenient, log);
  rep.report("FLG-1", {1}, {0}, "STORE said nothing.");
  EXPECT_FALSE(rep.stopped());
  ASSERT_EQ(rep.warnings().size(), 1u);
  EXPECT_EQ(rep.warnings()[0].rule, "FLG-1");
  EXPECT_NE(rep.warnings()[0].message.find("C1: a1 NOOP"), std::string::npos);
  rep.report("SEQ-1", {1}, {}, "bad.");
  EXPECT_TRUE(rep.stopped());
  EXPECT_TRUE(rep.take_new_fatal());
  EXPECT_FALSE(rep.take_new_fatal());

  CheckerOptions strict;
  strict.should_is_fatal = true;
  detail::Reporter fatal(strict, log);
  fatal.report("FLG-1", {1}, {}, "STORE said nothing.");
  EXPECT_TRUE(fatal.stopped());
  EXPECT_TRUE(fatal.warnings().empty());
}

TEST(Checker, DisconnectForgetsTheSession) {
  Checker checker = make_checker();
  EXPECT_FALSE(run_lines(checker, {"C1: <connect>", "C1: a1 LOGIN alice secret", "S1: a1 OK done",
                                   "C1: a2 SELECT INBOX", "S1: * 3 EXISTS", "S1: a2 OK done", "C1: <disconnect>",
                                   "C1: <connect>", "C1: b1 LOGIN alice secret", "S1: b1 OK done",
                                   "C1: b2 SELECT INBOX", "S1: * 1 EXISTS", "S1: b2 OK done"}));
}

}  // namespace
}  // namespace imaplab::sim::testing
