// NameMap: every name an agent sends goes under the run's prefix, and back; the wire bytes follow.
#include <gtest/gtest.h>

#include "probe/names.hpp"
#include "proto/command_parser.hpp"
#include "proto/writer.hpp"

namespace imaplab::probe {
namespace {

proto::Command parse(const std::string& line) {
  auto parsed = proto::parse_command(line + "\r\n");
  return std::get<proto::Command>(parsed);
}

TEST(NameMap, PutsEveryMailboxNameUnderThePrefix) {
  const NameMap names("imaplab-1-2", '/');
  EXPECT_EQ(proto::write_command(names.to_wire(parse("a SELECT main"))), "a SELECT imaplab-1-2/main\r\n");
  EXPECT_EQ(proto::write_command(names.to_wire(parse("a RENAME c1-tmp0 c1-tmp1"))),
            "a RENAME imaplab-1-2/c1-tmp0 imaplab-1-2/c1-tmp1\r\n");
  EXPECT_EQ(proto::write_command(names.to_wire(parse("a UID COPY 1:* work"))), "a UID COPY 1:* imaplab-1-2/work\r\n");
  EXPECT_EQ(proto::write_command(names.to_wire(parse("a STATUS box (MESSAGES)"))),
            "a STATUS imaplab-1-2/box (MESSAGES)\r\n");
}

TEST(NameMap, ListPatternsStayInsideThePrefix) {
  const NameMap names("p", '.');
  const proto::Command c = names.to_wire(parse("a LIST \"\" *"));
  const auto& list = std::get<proto::ListArgs>(c.args);
  EXPECT_EQ(list.reference, "");
  ASSERT_EQ(list.patterns.size(), 1u);
  EXPECT_EQ(list.patterns[0], "p.*");
}

TEST(NameMap, NotifyMailboxFiltersAreRenamed) {
  const NameMap names("p", '/');
  const proto::Command c = names.to_wire(parse("a NOTIFY SET (mailboxes (main work) (MessageNew MessageExpunge))"));
  const auto& groups = std::get<proto::NotifyArgs>(c.args).groups;
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].filter.mailboxes, (std::vector<std::string>{"p/main", "p/work"}));
}

TEST(NameMap, FromWireInvertsAndKeepsForeignNames) {
  const NameMap names("p", '/');
  EXPECT_EQ(names.from_wire("p/main"), std::optional<std::string>("main"));
  EXPECT_EQ(names.from_wire("INBOX"), std::nullopt);
  EXPECT_EQ(names.from_wire("p"), std::nullopt);
  const proto::Command back = names.from_wire(names.to_wire(parse("a RENAME main INBOX.x")));
  EXPECT_EQ(proto::write_command(back), "a RENAME main INBOX.x\r\n");
}

TEST(RenamedFirstPart, FollowsTheAgentsLiteralSplit) {
  const NameMap names("p", '/');
  const proto::Command append = parse("a APPEND main {5+}\r\nhello");
  const auto parts = proto::write_command_parts(append, proto::LiteralStyle::Synchronizing);
  ASSERT_EQ(parts.size(), 2u);
  const auto first = renamed_first_part(parts[0], append, names.to_wire(append));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, "a APPEND p/main {5}\r\n");
  // With LITERAL+ the agent sends the whole command at once.
  const std::string whole = proto::write_command(append, proto::LiteralStyle::NonSynchronizing);
  EXPECT_EQ(renamed_first_part(whole, append, names.to_wire(append)), "a APPEND p/main {5+}\r\nhello\r\n");
}

TEST(RenamedFirstPart, RefusesBytesThatAreNotTheCommand) {
  const NameMap names("p", '/');
  const proto::Command select = parse("a SELECT main");
  EXPECT_EQ(renamed_first_part("a SELECT other\r\n", select, names.to_wire(select)), std::nullopt);
}

TEST(MakePrefix, IsUniquePerSeedAndTime) {
  EXPECT_EQ(make_prefix(7, 1700000000), "imaplab-7-1700000000");
  EXPECT_NE(make_prefix(7, 1700000000), make_prefix(8, 1700000000));
}

}  // namespace
}  // namespace imaplab::probe
