// Tests of the incremental command parser: every command kind of command.hpp, events around literals and raw
// lines, errors with and without a tag. Every input is also fed split at each byte offset and byte by byte,
// and must give the same events.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/command_parser.hpp"
#include "tests/proto/split_feed.hpp"

namespace imaplab::proto {
namespace {

// The events of `input`, the same fed whole and split anywhere. Like a server, it calls expect_line() after
// AUTHENTICATE and IDLE.
std::vector<CommandEvent> events_of(std::string_view input) {
  const auto after_event = [](CommandParser& parser, const CommandEvent& event) {
    if (const auto* cmd = std::get_if<Command>(&event))
      if (cmd->kind == CommandKind::Idle || cmd->kind == CommandKind::Authenticate) parser.expect_line();
  };
  return testing::events_of<CommandParser, CommandEvent>(input, after_event, false);
}

Command parse_ok(std::string_view input) {
  const auto events = events_of(input);
  EXPECT_EQ(events.size(), 1u) << input;
  if (events.size() != 1 || !std::holds_alternative<Command>(events[0])) {
    ADD_FAILURE() << "not one command: " << input;
    return {};
  }
  return std::get<Command>(events[0]);
}

ParseError parse_error(std::string_view input) {
  const auto events = events_of(input);
  EXPECT_EQ(events.size(), 1u) << input;
  if (events.empty() || !std::holds_alternative<ParseError>(events.back())) {
    ADD_FAILURE() << "not an error: " << input;
    return {};
  }
  return std::get<ParseError>(events.back());
}

template <typename Args>
Args args_of(std::string_view input, CommandKind kind) {
  const Command cmd = parse_ok(input);
  EXPECT_EQ(cmd.kind, kind) << input;
  if (!std::holds_alternative<Args>(cmd.args)) {
    ADD_FAILURE() << "wrong argument type: " << input;
    return {};
  }
  return std::get<Args>(cmd.args);
}

SequenceSet set(std::vector<SeqRange> ranges) { return SequenceSet{std::move(ranges)}; }

TEST(CommandParser, NoArgumentCommandsInAnyCase) {
  const std::pair<const char*, CommandKind> cases[] = {
      {"a CAPABILITY\r\n", CommandKind::Capability}, {"a noop\r\n", CommandKind::Noop},
      {"a LoGoUt\r\n", CommandKind::Logout},          {"a STARTTLS\r\n", CommandKind::StartTls},
      {"a check\r\n", CommandKind::Check},            {"a CLOSE\r\n", CommandKind::Close},
      {"a unselect\r\n", CommandKind::Unselect},      {"a EXPUNGE\r\n", CommandKind::Expunge},
      {"a Namespace\r\n", CommandKind::Namespace},    {"a IDLE\r\n", CommandKind::Idle},
  };
  for (const auto& [input, kind] : cases) {
    const Command cmd = parse_ok(input);
    EXPECT_EQ(cmd.tag, "a");
    EXPECT_EQ(cmd.kind, kind) << input;
    EXPECT_FALSE(cmd.uid);
    EXPECT_TRUE(std::holds_alternative<NoArgs>(cmd.args));
  }
}

TEST(CommandParser, TagsKeepTheirCharacters) {
  EXPECT_EQ(parse_ok("A0001.x]y NOOP\r\n").tag, "A0001.x]y");
  EXPECT_EQ(parse_ok("a1 NOOP\n").tag, "a1");  // a bare LF is accepted
}

TEST(CommandParser, Login) {
  const auto a = args_of<LoginArgs>("a1 LOGIN \"fred smith\" {5+}\r\nse\"c\\\r\n", CommandKind::Login);
  EXPECT_EQ(a.user, "fred smith");
  EXPECT_EQ(a.password, "se\"c\\");
  const auto b = args_of<LoginArgs>("a1 login bob \"p\\\"w\\\\\"\r\n", CommandKind::Login);
  EXPECT_EQ(b.user, "bob");
  EXPECT_EQ(b.password, "p\"w\\");
}

TEST(CommandParser, Authenticate) {
  const auto a = args_of<AuthenticateArgs>("a AUTHENTICATE plain\r\n", CommandKind::Authenticate);
  EXPECT_EQ(a.mechanism, "PLAIN");
  EXPECT_FALSE(a.initial_response);
  const auto b = args_of<AuthenticateArgs>("a AUTHENTICATE PLAIN AGJvYgBwdw==\r\n", CommandKind::Authenticate);
  EXPECT_EQ(b.initial_response, "AGJvYgBwdw==");
  const auto c = args_of<AuthenticateArgs>("a AUTHENTICATE PLAIN =\r\n", CommandKind::Authenticate);
  EXPECT_EQ(c.initial_response, "=");
}

TEST(CommandParser, RawLinesAfterAuthenticateAndIdle) {
  const auto events = events_of("a AUTHENTICATE PLAIN\r\nAGJvYgBwdw==\r\nb IDLE\r\nDONE\r\nc NOOP\r\n");
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(std::get<RawLine>(events[1]).text, "AGJvYgBwdw==");
  EXPECT_EQ(std::get<Command>(events[2]).kind, CommandKind::Idle);
  EXPECT_EQ(std::get<RawLine>(events[3]).text, "DONE");
  EXPECT_EQ(std::get<Command>(events[4]).tag, "c");
}

TEST(CommandParser, RawLineIsNotParsedForLiterals) {
  CommandParser parser;
  parser.expect_line();
  const auto r = parser.feed("done {5}\r\n");
  EXPECT_EQ(r.consumed, 10u);
  EXPECT_EQ(std::get<RawLine>(r.event).text, "done {5}");
  // The next line is a command again.
  EXPECT_TRUE(std::holds_alternative<Command>(parser.feed("a NOOP\r\n").event));
}

TEST(CommandParser, SelectExamineAndInboxNormalization) {
  const auto a = args_of<MailboxArgs>("a SELECT inbox\r\n", CommandKind::Select);
  EXPECT_EQ(a.mailbox, "INBOX");
  EXPECT_FALSE(a.condstore);
  const auto b = args_of<MailboxArgs>("a examine \"InBoX\" (condstore)\r\n", CommandKind::Examine);
  EXPECT_EQ(b.mailbox, "INBOX");
  EXPECT_TRUE(b.condstore);
  // Only INBOX itself is case-insensitive; children keep their case.
  EXPECT_EQ(args_of<MailboxArgs>("a SELECT inbox/Sub\r\n", CommandKind::Select).mailbox, "inbox/Sub");
  EXPECT_EQ(parse_error("a SELECT x (QRESYNC)\r\n").tag, "a");
}

TEST(CommandParser, MailboxNamesAreDecodedFromModifiedUtf7) {
  EXPECT_EQ(args_of<MailboxArgs>("a CREATE Entw&APw-rfe\r\n", CommandKind::Create).mailbox,
            "Entw\xC3\xBC" "rfe");
  EXPECT_EQ(args_of<MailboxArgs>("a CREATE \"a&-b\"\r\n", CommandKind::Create).mailbox, "a&b");
  const ParseError e = parse_error("a CREATE &Jjo\r\n");
  EXPECT_EQ(e.tag, "a");
  EXPECT_NE(e.message.find("5.1.3"), std::string::npos);
}

TEST(CommandParser, OneMailboxCommands) {
  EXPECT_EQ(args_of<MailboxArgs>("a DELETE foo\r\n", CommandKind::Delete).mailbox, "foo");
  EXPECT_EQ(args_of<MailboxArgs>("a SUBSCRIBE {3+}\r\nx y\r\n", CommandKind::Subscribe).mailbox, "x y");
  EXPECT_EQ(args_of<MailboxArgs>("a UNSUBSCRIBE \"\"\r\n", CommandKind::Unsubscribe).mailbox, "");
  EXPECT_EQ(args_of<MailboxArgs>("a GETACL INBOX\r\n", CommandKind::GetAcl).mailbox, "INBOX");
  EXPECT_EQ(args_of<MailboxArgs>("a MYRIGHTS Shared\r\n", CommandKind::MyRights).mailbox, "Shared");
  const auto r = args_of<RenameArgs>("a RENAME old/a \"new b\"\r\n", CommandKind::Rename);
  EXPECT_EQ(r.from, "old/a");
  EXPECT_EQ(r.to, "new b");
}

TEST(CommandParser, ListForms) {
  const auto plain = args_of<ListArgs>("a LIST \"\" *\r\n", CommandKind::List);
  EXPECT_EQ(plain.reference, "");
  EXPECT_EQ(plain.patterns, std::vector<std::string>{"*"});
  EXPECT_FALSE(plain.patterns_parenthesized);
  const auto pct = args_of<ListArgs>("a list ~/Mail/ %]x\r\n", CommandKind::List);
  EXPECT_EQ(pct.reference, "~/Mail/");
  EXPECT_EQ(pct.patterns, std::vector<std::string>{"%]x"});
  // RFC 5258 §6 extended form with select options, several patterns and return options.
  const auto ext = args_of<ListArgs>(
      "a LIST (subscribed RecursiveMatch) \"\" (INBOX \"Drafts\" %) RETURN (children STATUS (MESSAGES uidnext))\r\n",
      CommandKind::List);
  EXPECT_EQ(ext.select_options, (std::vector<std::string>{"SUBSCRIBED", "RECURSIVEMATCH"}));
  EXPECT_EQ(ext.patterns, (std::vector<std::string>{"INBOX", "Drafts", "%"}));
  EXPECT_TRUE(ext.patterns_parenthesized);
  EXPECT_EQ(ext.return_options, std::vector<std::string>{"CHILDREN"});
  EXPECT_EQ(ext.return_status, (std::vector<StatusItem>{StatusItem::Messages, StatusItem::UidNext}));
  const auto empty = args_of<ListArgs>("a LIST () \"\" x RETURN ()\r\n", CommandKind::List);
  EXPECT_TRUE(empty.select_options.empty());
  EXPECT_TRUE(empty.return_options.empty());
  const auto lsub = args_of<ListArgs>("a LSUB \"#news.\" comp.mail.*\r\n", CommandKind::Lsub);
  EXPECT_EQ(lsub.reference, "#news.");
  EXPECT_EQ(lsub.patterns, std::vector<std::string>{"comp.mail.*"});
}

TEST(CommandParser, Status) {
  const auto a = args_of<StatusArgs>(
      "a STATUS blurdybloop (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)\r\n", CommandKind::Status);
  EXPECT_EQ(a.mailbox, "blurdybloop");
  EXPECT_EQ(a.items, (std::vector<StatusItem>{StatusItem::Messages, StatusItem::Recent, StatusItem::UidNext,
                                              StatusItem::UidValidity, StatusItem::Unseen,
                                              StatusItem::HighestModSeq}));
  EXPECT_EQ(parse_error("a STATUS x (SIZE)\r\n").tag, "a");
  EXPECT_EQ(parse_error("a STATUS x ()\r\n").tag, "a");
}

TEST(CommandParser, AppendWithSynchronizingLiteral) {
  const auto events = events_of(
      "A003 APPEND saved-messages (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {11}\r\nhello world\r\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(std::get<NeedContinuation>(events[0]).literal_bytes, 11u);
  const Command cmd = std::get<Command>(events[1]);
  const auto& a = std::get<AppendArgs>(cmd.args);
  EXPECT_EQ(a.mailbox, "saved-messages");
  EXPECT_EQ(a.flags, std::vector<std::string>{"\\Seen"});
  ASSERT_TRUE(a.date);
  EXPECT_EQ(a.date->date, (Date{1994, 2, 7}));
  EXPECT_EQ(a.date->hour, 21);
  EXPECT_EQ(a.date->second, 25);
  EXPECT_EQ(a.date->zone_minutes, -480);
  EXPECT_EQ(a.message, "hello world");
}

TEST(CommandParser, NonSynchronizingLiteralNeedsNoContinuation) {
  const auto a = args_of<AppendArgs>("a APPEND x {5+}\r\n\r\nab\r\n", CommandKind::Append);
  EXPECT_EQ(a.message, "\r\nab\r");  // literal bytes are data, even CR and LF
  EXPECT_FALSE(a.flags);
  EXPECT_FALSE(a.date);
  const auto b = args_of<AppendArgs>("a APPEND x () {0+}\r\n\r\n", CommandKind::Append);
  EXPECT_EQ(b.flags, std::vector<std::string>{});
  EXPECT_EQ(b.message, "");
}

TEST(CommandParser, ContinuationIsReportedOncePerSynchronizingLiteral) {
  const auto events = events_of("a LOGIN {3}\r\nbob {2}\r\npw\r\n");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0], CommandEvent(NeedContinuation{3}));
  EXPECT_EQ(events[1], CommandEvent(NeedContinuation{2}));
  const auto& a = std::get<LoginArgs>(std::get<Command>(events[2]).args);
  EXPECT_EQ(a.user, "bob");
  EXPECT_EQ(a.password, "pw");
}

TEST(CommandParser, ContinuationConsumesThroughTheAnnouncingLine) {
  CommandParser parser;
  const std::string input = "a APPEND x {3}\r\nabc\r\n";
  const auto first = parser.feed(input);
  EXPECT_EQ(first.consumed, 16u);
  EXPECT_EQ(first.event, CommandEvent(NeedContinuation{3}));
  const auto second = parser.feed(std::string_view(input).substr(first.consumed));
  EXPECT_EQ(second.consumed, 5u);
  EXPECT_TRUE(std::holds_alternative<Command>(second.event));
}

TEST(CommandParser, EnableUpperCases) {
  const auto a = args_of<EnableArgs>("a ENABLE condstore Utf8=Accept\r\n", CommandKind::Enable);
  EXPECT_EQ(a.capabilities, (std::vector<std::string>{"CONDSTORE", "UTF8=ACCEPT"}));
  EXPECT_EQ(parse_error("a ENABLE\r\n").tag, "a");
}

TEST(CommandParser, AclCommands) {
  const auto set_acl = args_of<AclArgs>("a SETACL INBOX/Drafts Chris +cda\r\n", CommandKind::SetAcl);
  EXPECT_EQ(set_acl.mailbox, "INBOX/Drafts");
  EXPECT_EQ(set_acl.identifier, "Chris");
  EXPECT_EQ(set_acl.rights, "+cda");
  const auto del = args_of<AclArgs>("a DELETEACL inbox \"-fred\"\r\n", CommandKind::DeleteAcl);
  EXPECT_EQ(del.mailbox, "INBOX");
  EXPECT_EQ(del.identifier, "-fred");
  const auto lr = args_of<AclArgs>("a LISTRIGHTS ~/Mail/saved smith\r\n", CommandKind::ListRights);
  EXPECT_EQ(lr.identifier, "smith");
  EXPECT_EQ(lr.rights, "");
}

TEST(CommandParser, FetchMacrosAndAtts) {
  const auto all = args_of<FetchArgs>("a FETCH 1:* all\r\n", CommandKind::Fetch);
  EXPECT_EQ(all.set, set({{1, seq_star}}));
  EXPECT_EQ(all.macro, FetchMacro::All);
  EXPECT_TRUE(all.atts.empty());
  EXPECT_EQ(args_of<FetchArgs>("a FETCH 1 FAST\r\n", CommandKind::Fetch).macro, FetchMacro::Fast);
  EXPECT_EQ(args_of<FetchArgs>("a FETCH 1 full\r\n", CommandKind::Fetch).macro, FetchMacro::Full);

  const auto one = args_of<FetchArgs>("a FETCH 2,4:3,* flags\r\n", CommandKind::Fetch);
  EXPECT_EQ(one.set, set({{2, 2}, {4, 3}, {seq_star, seq_star}}));
  EXPECT_FALSE(one.atts_parenthesized);
  ASSERT_EQ(one.atts.size(), 1u);
  EXPECT_EQ(one.atts[0].kind, FetchAtt::Kind::Flags);

  using FK = FetchAtt::Kind;
  const auto many = args_of<FetchArgs>(
      "a FETCH 1 (ENVELOPE FLAGS INTERNALDATE RFC822 RFC822.HEADER RFC822.SIZE RFC822.TEXT BODY BODYSTRUCTURE "
      "UID MODSEQ)\r\n",
      CommandKind::Fetch);
  EXPECT_TRUE(many.atts_parenthesized);
  std::vector<FK> kinds;
  for (const auto& att : many.atts) kinds.push_back(att.kind);
  EXPECT_EQ(kinds, (std::vector<FK>{FK::Envelope, FK::Flags, FK::InternalDate, FK::Rfc822, FK::Rfc822Header,
                                    FK::Rfc822Size, FK::Rfc822Text, FK::Body, FK::BodyStructure, FK::Uid,
                                    FK::ModSeq}));
}

TEST(CommandParser, FetchBodySections) {
  const auto a = args_of<FetchArgs>(
      "a FETCH 1 (BODY[] body.peek[HEADER.FIELDS (From \"To\")]<0.2048> BODY[1.2.MIME] BODY[3.TEXT]<5.1> "
      "BODY[header] BODY[TEXT] BODY.PEEK[4] BODY[header.fields.not (X-A)])\r\n",
      CommandKind::Fetch);
  ASSERT_EQ(a.atts.size(), 8u);
  EXPECT_EQ(a.atts[0].kind, FetchAtt::Kind::BodySection);
  EXPECT_EQ(a.atts[0].section, Section{});
  EXPECT_FALSE(a.atts[0].peek);
  EXPECT_TRUE(a.atts[1].peek);
  EXPECT_EQ(a.atts[1].section.text, Section::Text::HeaderFields);
  EXPECT_EQ(a.atts[1].section.fields, (std::vector<std::string>{"From", "To"}));
  EXPECT_EQ(a.atts[1].partial, (Partial{0, 2048}));
  EXPECT_EQ(a.atts[2].section.part, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(a.atts[2].section.text, Section::Text::Mime);
  EXPECT_EQ(a.atts[3].section.part, std::vector<std::uint32_t>{3});
  EXPECT_EQ(a.atts[3].section.text, Section::Text::Text);
  EXPECT_EQ(a.atts[3].partial, (Partial{5, 1}));
  EXPECT_EQ(a.atts[4].section.text, Section::Text::Header);
  EXPECT_EQ(a.atts[5].section.text, Section::Text::Text);
  EXPECT_EQ(a.atts[6].section.part, std::vector<std::uint32_t>{4});
  EXPECT_EQ(a.atts[6].section.text, Section::Text::None);
  EXPECT_EQ(a.atts[7].section.text, Section::Text::HeaderFieldsNot);
  EXPECT_EQ(parse_error("a FETCH 1 BODY[MIME]\r\n").tag, "a");   // MIME needs a part
  EXPECT_EQ(parse_error("a FETCH 1 BODY.PEEK\r\n").tag, "a");    // PEEK needs a section
  EXPECT_EQ(parse_error("a FETCH 1 BODY[0]\r\n").tag, "a");      // parts are nz-numbers
  EXPECT_EQ(parse_error("a FETCH 1 BODY[]<1.0>\r\n").tag, "a");  // length is an nz-number
}

TEST(CommandParser, FetchChangedSinceAndUidFetch) {
  const Command cmd = parse_ok("a UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345)\r\n");
  EXPECT_EQ(cmd.kind, CommandKind::Fetch);
  EXPECT_TRUE(cmd.uid);
  const auto& a = std::get<FetchArgs>(cmd.args);
  EXPECT_EQ(a.changed_since, 12345u);
  EXPECT_EQ(a.set, set({{300, 500}}));
}

TEST(CommandParser, StoreForms) {
  const auto a = args_of<StoreArgs>("a STORE 2:4 +FLAGS (\\Deleted)\r\n", CommandKind::Store);
  EXPECT_EQ(a.mode, StoreMode::Add);
  EXPECT_FALSE(a.silent);
  EXPECT_EQ(a.flags, std::vector<std::string>{"\\Deleted"});
  EXPECT_TRUE(a.flags_parenthesized);
  const auto b = args_of<StoreArgs>("a STORE 1 -flags.silent \\Seen $Junk\r\n", CommandKind::Store);
  EXPECT_EQ(b.mode, StoreMode::Remove);
  EXPECT_TRUE(b.silent);
  EXPECT_FALSE(b.flags_parenthesized);
  EXPECT_EQ(b.flags, (std::vector<std::string>{"\\Seen", "$Junk"}));
  const auto c = args_of<StoreArgs>("a STORE 1 (UNCHANGEDSINCE 320162338) FLAGS ()\r\n", CommandKind::Store);
  EXPECT_EQ(c.mode, StoreMode::Replace);
  EXPECT_EQ(c.unchanged_since, 320162338u);
  EXPECT_TRUE(c.flags.empty());
  const Command uid = parse_ok("a uid store 7 FLAGS.SILENT (\\Answered)\r\n");
  EXPECT_TRUE(uid.uid);
  EXPECT_EQ(uid.kind, CommandKind::Store);
  EXPECT_EQ(parse_error("a STORE 1 *FLAGS (\\Seen)\r\n").tag, "a");
}

TEST(CommandParser, CopyMoveAndUidForms) {
  const auto c = args_of<CopyArgs>("a COPY 2:4 MEETING\r\n", CommandKind::Copy);
  EXPECT_EQ(c.set, set({{2, 4}}));
  EXPECT_EQ(c.mailbox, "MEETING");
  const Command m = parse_ok("a UID MOVE 42 inbox\r\n");
  EXPECT_EQ(m.kind, CommandKind::Move);
  EXPECT_TRUE(m.uid);
  EXPECT_EQ(std::get<CopyArgs>(m.args).mailbox, "INBOX");
  const Command x = parse_ok("a UID EXPUNGE 3000:3002,3005\r\n");
  EXPECT_EQ(x.kind, CommandKind::UidExpunge);
  EXPECT_TRUE(x.uid);
  EXPECT_EQ(std::get<SetArgs>(x.args).set, set({{3000, 3002}, {3005, 3005}}));
  EXPECT_EQ(parse_error("a UID NOOP\r\n").tag, "a");
  EXPECT_EQ(parse_error("a UID UID FETCH 1 FLAGS\r\n").tag, "a");
}

TEST(CommandParser, SearchKeys) {
  using SK = SearchKey::Kind;
  const auto a = args_of<SearchArgs>(
      "a SEARCH CHARSET UTF-8 FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\" OR seen (deleted 1:3) "
      "HEADER X-Foo bar BEFORE \"21-dec-2000\" LARGER 100 UID 5:* KEYWORD $Junk MODSEQ 720162338 2,4\r\n",
      CommandKind::Search);
  EXPECT_EQ(a.charset, "UTF-8");
  ASSERT_EQ(a.keys.size(), 11u);
  EXPECT_EQ(a.keys[0].kind, SK::Flagged);
  EXPECT_EQ(a.keys[1].kind, SK::Since);
  EXPECT_EQ(a.keys[1].date, (Date{1994, 2, 1}));
  EXPECT_EQ(a.keys[2].kind, SK::Not);
  ASSERT_EQ(a.keys[2].children.size(), 1u);
  EXPECT_EQ(a.keys[2].children[0].kind, SK::From);
  EXPECT_EQ(a.keys[2].children[0].value, "Smith");
  EXPECT_EQ(a.keys[3].kind, SK::Or);
  ASSERT_EQ(a.keys[3].children.size(), 2u);
  EXPECT_EQ(a.keys[3].children[1].kind, SK::And);
  EXPECT_EQ(a.keys[3].children[1].children[1].kind, SK::SequenceSet);
  EXPECT_EQ(a.keys[3].children[1].children[1].set, set({{1, 3}}));
  EXPECT_EQ(a.keys[4].kind, SK::Header);
  EXPECT_EQ(a.keys[4].field, "X-Foo");
  EXPECT_EQ(a.keys[4].value, "bar");
  EXPECT_EQ(a.keys[5].date, (Date{2000, 12, 21}));
  EXPECT_EQ(a.keys[6].number, 100u);
  EXPECT_EQ(a.keys[7].set, set({{5, seq_star}}));
  EXPECT_EQ(a.keys[8].value, "$Junk");
  EXPECT_EQ(a.keys[9].kind, SK::ModSeq);
  EXPECT_EQ(a.keys[9].number, 720162338u);
  EXPECT_EQ(a.keys[10].set, set({{2, 2}, {4, 4}}));
}

TEST(CommandParser, EverySimpleSearchKey) {
  const std::pair<const char*, SearchKey::Kind> cases[] = {
      {"ALL", SearchKey::Kind::All}, {"ANSWERED", SearchKey::Kind::Answered}, {"DELETED", SearchKey::Kind::Deleted},
      {"DRAFT", SearchKey::Kind::Draft}, {"NEW", SearchKey::Kind::New}, {"OLD", SearchKey::Kind::Old},
      {"RECENT", SearchKey::Kind::Recent}, {"SEEN", SearchKey::Kind::Seen},
      {"UNANSWERED", SearchKey::Kind::Unanswered}, {"UNDELETED", SearchKey::Kind::Undeleted},
      {"UNDRAFT", SearchKey::Kind::Undraft}, {"UNFLAGGED", SearchKey::Kind::Unflagged},
      {"UNSEEN", SearchKey::Kind::Unseen}, {"BCC x", SearchKey::Kind::Bcc}, {"BODY x", SearchKey::Kind::Body},
      {"CC x", SearchKey::Kind::Cc}, {"SUBJECT x", SearchKey::Kind::Subject}, {"TEXT x", SearchKey::Kind::Text},
      {"TO x", SearchKey::Kind::To}, {"ON 1-Jan-2000", SearchKey::Kind::On},
      {"SENTBEFORE 1-Jan-2000", SearchKey::Kind::SentBefore}, {"SENTON 1-Jan-2000", SearchKey::Kind::SentOn},
      {"SENTSINCE 1-Jan-2000", SearchKey::Kind::SentSince}, {"SMALLER 5", SearchKey::Kind::Smaller},
      {"UNKEYWORD x", SearchKey::Kind::Unkeyword},
  };
  for (const auto& [key, kind] : cases) {
    const auto a = args_of<SearchArgs>(std::string("a SEARCH ") + key + "\r\n", CommandKind::Search);
    ASSERT_EQ(a.keys.size(), 1u) << key;
    EXPECT_EQ(a.keys[0].kind, kind) << key;
  }
}

TEST(CommandParser, SearchModSeqWithEntry) {
  const auto a = args_of<SearchArgs>("a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n", CommandKind::Search);
  ASSERT_EQ(a.keys.size(), 1u);
  EXPECT_EQ(a.keys[0].number, 620162338u);
  EXPECT_EQ(parse_error("a SEARCH SINCE 1-Foo-2000\r\n").tag, "a");
  EXPECT_EQ(parse_error("a SEARCH OR SEEN\r\n").tag, "a");
  EXPECT_EQ(parse_error("a SEARCH\r\n").tag, "a");
}

TEST(CommandParser, NotifyRfc5465) {
  const auto a = args_of<NotifyArgs>(
      "a NOTIFY SET STATUS (selected (MessageNew (uid body.peek[header.fields (from to subject)]) "
      "MessageExpunge)) (subtree Lists (MessageNew MessageExpunge MailboxName)) "
      "(mailboxes (INBOX \"a b\") NONE) (Selected-Delayed (FlagChange)) (inboxes (SubscriptionChange "
      "MailboxMetadataChange ServerMetadataChange AnnotationChange)) (personal (XFoo)) (subscribed NONE)\r\n",
      CommandKind::Notify);
  EXPECT_EQ(a.mode, NotifyArgs::Mode::Set);
  EXPECT_TRUE(a.status);
  ASSERT_EQ(a.groups.size(), 7u);
  EXPECT_EQ(a.groups[0].filter.kind, NotifyFilter::Kind::Selected);
  ASSERT_TRUE(a.groups[0].events);
  ASSERT_EQ(a.groups[0].events->size(), 2u);
  const NotifyEvent& new_event = (*a.groups[0].events)[0];
  EXPECT_EQ(new_event.kind, NotifyEventKind::MessageNew);
  ASSERT_EQ(new_event.fetch_atts.size(), 2u);
  EXPECT_EQ(new_event.fetch_atts[1].section.fields, (std::vector<std::string>{"from", "to", "subject"}));
  EXPECT_EQ(a.groups[1].filter.kind, NotifyFilter::Kind::Subtree);
  EXPECT_EQ(a.groups[1].filter.mailboxes, std::vector<std::string>{"Lists"});
  EXPECT_EQ((*a.groups[1].events)[2].kind, NotifyEventKind::MailboxName);
  EXPECT_EQ(a.groups[2].filter.mailboxes, (std::vector<std::string>{"INBOX", "a b"}));
  EXPECT_FALSE(a.groups[2].events);
  EXPECT_EQ(a.groups[3].filter.kind, NotifyFilter::Kind::SelectedDelayed);
  EXPECT_EQ(a.groups[4].filter.kind, NotifyFilter::Kind::Inboxes);
  EXPECT_EQ((*a.groups[4].events)[3].kind, NotifyEventKind::AnnotationChange);
  EXPECT_EQ(a.groups[5].filter.kind, NotifyFilter::Kind::Personal);
  EXPECT_EQ((*a.groups[5].events)[0], (NotifyEvent{NotifyEventKind::Other, "XFoo", {}}));
  EXPECT_EQ(a.groups[6].filter.kind, NotifyFilter::Kind::Subscribed);

  const auto none = args_of<NotifyArgs>("a notify none\r\n", CommandKind::Notify);
  EXPECT_EQ(none.mode, NotifyArgs::Mode::None);
  EXPECT_TRUE(none.groups.empty());
  EXPECT_EQ(parse_error("a NOTIFY SET (selected ())\r\n").tag, "a");
  EXPECT_EQ(parse_error("a NOTIFY SET (everything (MessageNew))\r\n").tag, "a");
}

TEST(CommandParser, NotifySeedDraftForms) {
  // draft-ietf-lemonade-imap-notify-00 §3 example, with its message-match-criteria.
  const auto a = args_of<NotifyArgs>(
      "d notify add status (mailboxes misc (MessageNew (uid) (all))) (personal (MailboxCreate MailboxDelete "
      "MailboxRename QuotaExceed QuotaWithin QuotaChange FlagChange (seen)))\r\n",
      CommandKind::Notify);
  EXPECT_EQ(a.mode, NotifyArgs::Mode::Add);
  EXPECT_TRUE(a.status);
  ASSERT_EQ(a.groups.size(), 2u);
  EXPECT_EQ(a.groups[0].filter.mailboxes, std::vector<std::string>{"misc"});
  ASSERT_TRUE(a.groups[0].events);
  ASSERT_EQ(a.groups[0].events->size(), 1u);
  EXPECT_EQ((*a.groups[0].events)[0].fetch_atts.size(), 1u);
  std::vector<NotifyEventKind> kinds;
  for (const auto& e : *a.groups[1].events) kinds.push_back(e.kind);
  // The draft's own examples leave out the parentheses around the events.
  const auto b = args_of<NotifyArgs>(
      "b notify set status (selected MessageNew (uid body.peek[header.fields (from to subject)]) (all) "
      "MessageExpunge) (subtree Lists MessageNew (uid) (all))\r\n",
      CommandKind::Notify);
  ASSERT_EQ(b.groups.size(), 2u);
  ASSERT_TRUE(b.groups[0].events);
  ASSERT_EQ(b.groups[0].events->size(), 2u);
  EXPECT_EQ((*b.groups[0].events)[0].fetch_atts.size(), 2u);
  EXPECT_EQ((*b.groups[0].events)[1].kind, NotifyEventKind::MessageExpunge);
  EXPECT_EQ(b.groups[1].filter.mailboxes, std::vector<std::string>{"Lists"});
  EXPECT_EQ(kinds, (std::vector<NotifyEventKind>{NotifyEventKind::MailboxCreate, NotifyEventKind::MailboxDelete,
                                                 NotifyEventKind::MailboxRename, NotifyEventKind::QuotaExceed,
                                                 NotifyEventKind::QuotaWithin, NotifyEventKind::QuotaChange,
                                                 NotifyEventKind::FlagChange}));
}

TEST(CommandParser, ErrorsCarryTheTagWhenOneWasRead) {
  const ParseError unknown = parse_error("a17 FROB x\r\n");
  EXPECT_EQ(unknown.tag, "a17");
  EXPECT_FALSE(unknown.message.empty());
  EXPECT_EQ(parse_error("a17 FETCH\r\n").tag, "a17");
  EXPECT_EQ(parse_error("a17 NOOP extra\r\n").tag, "a17");
  EXPECT_EQ(parse_error("a17\r\n").tag, "a17");
  EXPECT_EQ(parse_error("\r\n").tag, std::nullopt);
  EXPECT_EQ(parse_error("* NOOP\r\n").tag, std::nullopt);
  EXPECT_EQ(parse_error("+a NOOP\r\n").tag, std::nullopt);
}

TEST(CommandParser, ResynchronizesAtTheNextLine) {
  const auto events = events_of("a FETCH (\r\nb NOOP\r\nc SELECT\r\nd LOGOUT\r\n");
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(std::get<ParseError>(events[0]).tag, "a");
  EXPECT_EQ(std::get<Command>(events[1]).tag, "b");
  EXPECT_EQ(std::get<ParseError>(events[2]).tag, "c");
  EXPECT_EQ(std::get<Command>(events[3]).kind, CommandKind::Logout);
}

TEST(CommandParser, ParseCommandHelper) {
  const auto ok = parse_command("a LOGIN {3}\r\nbob pw\r\n");
  ASSERT_TRUE(std::holds_alternative<Command>(ok));
  EXPECT_EQ(std::get<LoginArgs>(std::get<Command>(ok).args).user, "bob");
  EXPECT_TRUE(std::holds_alternative<ParseError>(parse_command("a NOOP")));
  EXPECT_TRUE(std::holds_alternative<ParseError>(parse_command("a NOOP\r\nb NOOP\r\n")));
}

TEST(CommandParser, CommandNames) {
  EXPECT_STREQ(command_name(CommandKind::Fetch), "FETCH");
  EXPECT_STREQ(command_name(CommandKind::UidExpunge), "EXPUNGE");
  EXPECT_STREQ(command_name(CommandKind::SetAcl), "SETACL");
  EXPECT_STREQ(command_name(CommandKind::StartTls), "STARTTLS");
}

}  // namespace
}  // namespace imaplab::proto
