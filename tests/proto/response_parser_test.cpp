// Tests of the incremental response parser: every response kind and response code of response.hpp, literals
// read in place, errors with and without a tag. Every input is also fed split at each byte offset and byte by
// byte, and must give the same events.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "proto/response_parser.hpp"
#include "tests/proto/split_feed.hpp"

namespace imaplab::proto {
namespace {

// The events of `input`, the same fed whole and split anywhere; the input must end with a whole response.
std::vector<ResponseEvent> events_of(std::string_view input) {
  return testing::events_of<ResponseParser, ResponseEvent>(input, [](ResponseParser&, const ResponseEvent&) {}, true);
}

Response parse_ok(std::string_view input) {
  const auto events = events_of(input);
  EXPECT_EQ(events.size(), 1u) << input;
  if (events.size() != 1 || !std::holds_alternative<Response>(events[0])) {
    ADD_FAILURE() << "not one response: " << input
                  << (events.size() == 1 && std::holds_alternative<ParseError>(events[0])
                          ? " error: " + std::get<ParseError>(events[0]).message
                          : std::string());
    return {};
  }
  return std::get<Response>(events[0]);
}

template <typename Body>
Body body_of(std::string_view input) {
  const Response r = parse_ok(input);
  if (!std::holds_alternative<Body>(r.body)) {
    ADD_FAILURE() << "wrong body type: " << input;
    return {};
  }
  return std::get<Body>(r.body);
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

ResponseCode code_of(std::string_view input) {
  const auto s = body_of<StatusResponse>(input);
  if (!s.code) {
    ADD_FAILURE() << "no code: " << input;
    return {};
  }
  return *s.code;
}

SequenceSet set(std::vector<SeqRange> ranges) { return SequenceSet{std::move(ranges)}; }

TEST(ResponseParser, TaggedAndUntaggedConditions) {
  const Response ok = parse_ok("a1 OK LOGIN completed\r\n");
  EXPECT_EQ(ok.tag, "a1");
  EXPECT_FALSE(ok.untagged);
  EXPECT_EQ(std::get<StatusResponse>(ok.body), (StatusResponse{Condition::Ok, std::nullopt, "LOGIN completed"}));
  EXPECT_EQ(body_of<StatusResponse>("a2 no [TRYCREATE] no such mailbox\r\n").condition, Condition::No);
  EXPECT_EQ(body_of<StatusResponse>("a3 BAD\r\n").text, "");
  const Response bye = parse_ok("* BYE Autologout; idle for too long\r\n");
  EXPECT_TRUE(bye.untagged);
  EXPECT_EQ(bye.tag, "");
  EXPECT_EQ(std::get<StatusResponse>(bye.body).condition, Condition::Bye);
  EXPECT_EQ(body_of<StatusResponse>("* PREAUTH IMAP4rev1 server logged in as Smith\r\n").condition,
            Condition::Preauth);
  EXPECT_EQ(body_of<StatusResponse>("* NO disk is 98% full\r\n").text, "disk is 98% full");
  EXPECT_EQ(body_of<StatusResponse>("* BAD {5}\r\n").text, "{5}");  // resp-text never announces a literal
  EXPECT_EQ(parse_error("a1 BYE now\r\n").tag, "a1");
}

TEST(ResponseParser, ResponseCodesWithoutArguments) {
  for (const char* name : {"ALERT", "PARSE", "READ-ONLY", "READ-WRITE", "TRYCREATE", "UIDNOTSTICKY", "NOMODSEQ",
                           "NOTIFICATIONOVERFLOW", "CLOSED", "UNAVAILABLE", "AUTHENTICATIONFAILED",
                           "AUTHORIZATIONFAILED", "EXPIRED", "PRIVACYREQUIRED", "CONTACTADMIN", "NOPERM", "INUSE",
                           "EXPUNGEISSUED", "CORRUPTION", "SERVERBUG", "CLIENTBUG", "CANNOT", "LIMIT",
                           "OVERQUOTA", "ALREADYEXISTS", "NONEXISTENT"}) {
    const auto s = body_of<StatusResponse>(std::string("* NO [") + name + "] text here\r\n");
    ASSERT_TRUE(s.code) << name;
    EXPECT_EQ(s.code->name, name);
    EXPECT_EQ(s.code->text, "");
    EXPECT_EQ(s.text, "text here");
  }
  EXPECT_EQ(code_of("* ok [read-only]\r\n").name, "READ-ONLY");  // upper-cased; text may be missing
}

TEST(ResponseParser, ResponseCodesWithArguments) {
  EXPECT_EQ(code_of("* OK [UIDNEXT 4392] Predicted next UID\r\n").number, 4392u);
  EXPECT_EQ(code_of("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n").number, 3857529045u);
  EXPECT_EQ(code_of("* OK [UNSEEN 12] Message 12 is first unseen\r\n").number, 12u);
  EXPECT_EQ(code_of("* OK [HIGHESTMODSEQ 715194045007] Highest\r\n").number, 715194045007u);
  const auto perm = code_of("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
  EXPECT_EQ(perm.list, (std::vector<std::string>{"\\Deleted", "\\Seen", "\\*"}));
  const auto caps = code_of("* OK [CAPABILITY IMAP4rev1 LITERAL+ NOTIFY] ready\r\n");
  EXPECT_EQ(caps.list, (std::vector<std::string>{"IMAP4rev1", "LITERAL+", "NOTIFY"}));
  EXPECT_EQ(code_of("a NO [BADCHARSET (UTF-8 \"US-ASCII\")] x\r\n").list,
            (std::vector<std::string>{"UTF-8", "US-ASCII"}));
  EXPECT_TRUE(code_of("a NO [BADCHARSET] x\r\n").list.empty());
  const auto append = code_of("A003 OK [APPENDUID 38505 3955] APPEND completed\r\n");
  EXPECT_EQ(append.number, 38505u);
  EXPECT_EQ(append.set1, set({{3955, 3955}}));
  const auto copy = code_of("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
  EXPECT_EQ(copy.number, 38505u);
  EXPECT_EQ(copy.set1, set({{304, 304}, {319, 320}}));
  EXPECT_EQ(copy.set2, set({{3956, 3958}}));
  EXPECT_EQ(code_of("d105 OK [MODIFIED 7,9] Conditional STORE failed\r\n").set1, set({{7, 7}, {9, 9}}));
  EXPECT_EQ(code_of("* OK [NEWNAME inbox \"new &AOQ-\"] renamed\r\n").list,
            (std::vector<std::string>{"INBOX", "new \xC3\xA4"}));
  EXPECT_EQ(code_of("B002 NO [NEWNAME FOO BAR] Mailbox has been renamed\r\n").list,
            (std::vector<std::string>{"FOO", "BAR"}));  // RFC 2180 §4.4.2's example
  EXPECT_EQ(code_of("a NO [BADEVENT (MessageNew MessageExpunge)] x\r\n").list,
            (std::vector<std::string>{"MessageNew", "MessageExpunge"}));
  const auto unknown = code_of("* OK [X-FOO 1 (a b) \"c\"] hi\r\n");
  EXPECT_EQ(unknown.name, "X-FOO");
  EXPECT_EQ(unknown.text, "1 (a b) \"c\"");
  EXPECT_EQ(parse_error("* OK [UIDNEXT x] y\r\n").tag, std::nullopt);
  EXPECT_EQ(parse_error("a OK [UIDNEXT] y\r\n").tag, "a");
}

TEST(ResponseParser, Continuation) {
  const Response c = parse_ok("+ Ready for additional command text\r\n");
  EXPECT_FALSE(c.untagged);
  EXPECT_EQ(c.tag, "");
  EXPECT_EQ(std::get<ContinuationData>(c.body).text, "Ready for additional command text");
  EXPECT_EQ(body_of<ContinuationData>("+\r\n").text, "");
  EXPECT_EQ(body_of<ContinuationData>("+ \r\n").text, "");
  EXPECT_EQ(body_of<ContinuationData>("+ YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+i {3}\r\n").text,
            "YGgGCSqGSIb3EgECAgIAb1kwV6ADAgEFoQMCAQ+i {3}");
}

TEST(ResponseParser, CapabilityEnabledFlags) {
  EXPECT_EQ(body_of<AtomsData>("* CAPABILITY IMAP4rev1 STARTTLS AUTH=GSSAPI\r\n"),
            (AtomsData{AtomsData::Kind::Capability, {"IMAP4rev1", "STARTTLS", "AUTH=GSSAPI"}}));
  EXPECT_EQ(body_of<AtomsData>("* ENABLED CONDSTORE\r\n"), (AtomsData{AtomsData::Kind::Enabled, {"CONDSTORE"}}));
  EXPECT_EQ(body_of<AtomsData>("* ENABLED\r\n"), (AtomsData{AtomsData::Kind::Enabled, {}}));
  EXPECT_EQ(body_of<AtomsData>("* FLAGS (\\Answered \\Flagged $Forwarded)\r\n"),
            (AtomsData{AtomsData::Kind::Flags, {"\\Answered", "\\Flagged", "$Forwarded"}}));
  EXPECT_EQ(parse_error("* CAPABILITY\r\n").tag, std::nullopt);
}

TEST(ResponseParser, ListAndLsub) {
  const auto l = body_of<ListData>("* LIST (\\Noselect \\HasChildren) \"/\" ~/Mail/foo\r\n");
  EXPECT_FALSE(l.lsub);
  EXPECT_EQ(l.attributes, (std::vector<std::string>{"\\Noselect", "\\HasChildren"}));
  EXPECT_EQ(l.delimiter, '/');
  EXPECT_EQ(l.mailbox, "~/Mail/foo");
  const auto nil = body_of<ListData>("* LSUB () NIL inbox\r\n");
  EXPECT_TRUE(nil.lsub);
  EXPECT_EQ(nil.delimiter, std::nullopt);
  EXPECT_EQ(nil.mailbox, "INBOX");
  EXPECT_EQ(body_of<ListData>("* LIST () \"\\\\\" {3}\r\na\"b\r\n").mailbox, "a\"b");
  const auto renamed = body_of<ListData>("* LIST () \"/\" \"new\" (\"OLDNAME\" (\"old &AOQ-\"))\r\n");
  EXPECT_EQ(renamed.old_name, "old \xC3\xA4");
  const auto child = body_of<ListData>(
      "* LIST (\\NonExistent) \".\" Foo (CHILDINFO (\"SUBSCRIBED\") X-EXT (1 (a)) OLDNAME (Bar))\r\n");
  EXPECT_EQ(child.attributes, std::vector<std::string>{"\\NonExistent"});
  EXPECT_EQ(child.child_info, std::vector<std::string>{"SUBSCRIBED"});
  EXPECT_EQ(child.old_name, "Bar");
  EXPECT_EQ(parse_error("* LIST () \"ab\" x\r\n").tag, std::nullopt);  // delimiter is one char
}

TEST(ResponseParser, StatusData) {
  const auto s = body_of<StatusData>("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 HIGHESTMODSEQ 7011231777)\r\n");
  EXPECT_EQ(s.mailbox, "blurdybloop");
  EXPECT_EQ(s.items, (std::vector<std::pair<StatusItem, std::uint64_t>>{{StatusItem::Messages, 231},
                                                                        {StatusItem::UidNext, 44292},
                                                                        {StatusItem::HighestModSeq, 7011231777}}));
  EXPECT_TRUE(body_of<StatusData>("* STATUS \"a b\" ()\r\n").items.empty());
  const auto all = body_of<StatusData>("* STATUS x (RECENT 1 UIDVALIDITY 2 UNSEEN 3)\r\n");
  EXPECT_EQ(all.items.size(), 3u);
}

TEST(ResponseParser, SearchData) {
  EXPECT_EQ(body_of<SearchData>("* SEARCH 2 84 882\r\n"), (SearchData{{2, 84, 882}, std::nullopt}));
  EXPECT_EQ(body_of<SearchData>("* SEARCH\r\n"), SearchData{});
  EXPECT_EQ(body_of<SearchData>("* SEARCH 2 5 6 7 (MODSEQ 917162500)\r\n"), (SearchData{{2, 5, 6, 7}, 917162500}));
  EXPECT_EQ(parse_error("* SEARCH 0\r\n").tag, std::nullopt);
}

TEST(ResponseParser, NumberData) {
  EXPECT_EQ(body_of<NumberData>("* 23 EXISTS\r\n"), (NumberData{NumberData::Kind::Exists, 23}));
  EXPECT_EQ(body_of<NumberData>("* 0 exists\r\n"), (NumberData{NumberData::Kind::Exists, 0}));
  EXPECT_EQ(body_of<NumberData>("* 5 RECENT\r\n"), (NumberData{NumberData::Kind::Recent, 5}));
  EXPECT_EQ(body_of<NumberData>("* 44 EXPUNGE\r\n"), (NumberData{NumberData::Kind::Expunge, 44}));
  EXPECT_EQ(parse_error("* 0 EXPUNGE\r\n").tag, std::nullopt);
  EXPECT_EQ(parse_error("* 4 FOO\r\n").tag, std::nullopt);
}

TEST(ResponseParser, FetchSimpleItems) {
  const auto f = body_of<FetchData>(
      "* 12 FETCH (FLAGS (\\Seen \\Recent) UID 4827313 RFC822.SIZE 44827 MODSEQ (624140003) "
      "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\")\r\n");
  EXPECT_EQ(f.number, 12u);
  ASSERT_EQ(f.atts.size(), 5u);
  EXPECT_EQ(f.atts[0].kind, MsgAtt::Kind::Flags);
  EXPECT_EQ(f.atts[0].flags, (std::vector<std::string>{"\\Seen", "\\Recent"}));
  EXPECT_EQ(f.atts[1].kind, MsgAtt::Kind::Uid);
  EXPECT_EQ(f.atts[1].number, 4827313u);
  EXPECT_EQ(f.atts[2].number, 44827u);
  EXPECT_EQ(f.atts[3].kind, MsgAtt::Kind::ModSeq);
  EXPECT_EQ(f.atts[3].number, 624140003u);
  EXPECT_EQ(f.atts[4].kind, MsgAtt::Kind::InternalDate);
  EXPECT_EQ(f.atts[4].date.date, (Date{1996, 7, 17}));
  EXPECT_EQ(f.atts[4].date.hour, 2);
  EXPECT_EQ(f.atts[4].date.zone_minutes, -420);
}

TEST(ResponseParser, FetchLiteralsAndSections) {
  const auto f = body_of<FetchData>(
      "* 2 FETCH (BODY[HEADER.FIELDS (From To)] {11}\r\nFrom: a\r\n\r\n BODY[1.2]<5> \"par)t\" RFC822 NIL "
      "RFC822.HEADER {0}\r\n RFC822.TEXT \"t\" BODY[] {7}\r\n{4}\r\nab)\r\n");
  ASSERT_EQ(f.atts.size(), 6u);
  EXPECT_EQ(f.atts[0].kind, MsgAtt::Kind::BodySection);
  EXPECT_EQ(f.atts[0].section.text, Section::Text::HeaderFields);
  EXPECT_EQ(f.atts[0].section.fields, (std::vector<std::string>{"From", "To"}));
  EXPECT_EQ(f.atts[0].data, "From: a\r\n\r\n");
  EXPECT_EQ(f.atts[1].section.part, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(f.atts[1].origin, 5u);
  EXPECT_EQ(f.atts[1].data, "par)t");
  EXPECT_EQ(f.atts[2].kind, MsgAtt::Kind::Rfc822);
  EXPECT_EQ(f.atts[2].data, std::nullopt);
  EXPECT_EQ(f.atts[3].kind, MsgAtt::Kind::Rfc822Header);
  EXPECT_EQ(f.atts[3].data, "");
  EXPECT_EQ(f.atts[4].kind, MsgAtt::Kind::Rfc822Text);
  EXPECT_EQ(f.atts[5].data, "{4}\r\nab");  // literal data is never read as an announcement
}

TEST(ResponseParser, FetchEnvelopeAndBodystructureAsValues) {
  const auto f = body_of<FetchData>(
      "* 12 FETCH (ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary\" "
      "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) NIL NIL NIL NIL NIL NIL \"<B27397-0100000@cac>\") "
      "BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23)(\"TEXT\" \"PLAIN\" "
      "NIL NIL NIL \"7BIT\" 4554 73) \"MIXED\") BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 3028 92))\r\n");
  ASSERT_EQ(f.atts.size(), 3u);
  EXPECT_EQ(f.atts[0].kind, MsgAtt::Kind::Envelope);
  ASSERT_EQ(f.atts[0].value.kind, SValue::Kind::List);
  ASSERT_EQ(f.atts[0].value.list.size(), 10u);
  EXPECT_EQ(f.atts[0].value.list[1], SValue::str("IMAP4rev1 WG mtg summary"));
  EXPECT_EQ(f.atts[0].value.list[2].list[0].list[2], SValue::str("gray"));
  EXPECT_EQ(f.atts[0].value.list[3], SValue::nil());
  EXPECT_EQ(f.atts[1].kind, MsgAtt::Kind::BodyStructure);
  ASSERT_EQ(f.atts[1].value.list.size(), 3u);  // two parts without SP between them, then the subtype
  EXPECT_EQ(f.atts[1].value.list[0].list[6], SValue::num(1152));
  EXPECT_EQ(f.atts[1].value.list[2], SValue::str("MIXED"));
  EXPECT_EQ(f.atts[2].kind, MsgAtt::Kind::Body);
  EXPECT_EQ(f.atts[2].value.list.size(), 8u);
}

TEST(ResponseParser, Vanished) {
  EXPECT_EQ(body_of<VanishedData>("* VANISHED (EARLIER) 300:310,405,411\r\n"),
            (VanishedData{true, set({{300, 310}, {405, 405}, {411, 411}})}));
  EXPECT_EQ(body_of<VanishedData>("* VANISHED 405\r\n"), (VanishedData{false, set({{405, 405}})}));
}

TEST(ResponseParser, AclResponses) {
  const auto acl = body_of<AclData>("* ACL INBOX Fred rwipsldexta- \"a b\" lr\r\n");
  EXPECT_EQ(acl.kind, AclData::Kind::Acl);
  EXPECT_EQ(acl.mailbox, "INBOX");
  EXPECT_EQ(acl.entries, (std::vector<std::pair<std::string, std::string>>{{"Fred", "rwipsldexta-"}, {"a b", "lr"}}));
  const auto lr = body_of<AclData>("* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n");
  EXPECT_EQ(lr.kind, AclData::Kind::ListRights);
  EXPECT_EQ(lr.identifier, "smith");
  EXPECT_EQ(lr.rights, (std::vector<std::string>{"la", "r", "swicdkxte"}));
  const auto my = body_of<AclData>("* MYRIGHTS inbox rwiptsldaex\r\n");
  EXPECT_EQ(my.kind, AclData::Kind::MyRights);
  EXPECT_EQ(my.mailbox, "INBOX");
  EXPECT_EQ(my.rights, std::vector<std::string>{"rwiptsldaex"});
}

TEST(ResponseParser, Namespace) {
  const auto n = body_of<NamespaceData>(
      "* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")(\"#other.\" NIL \"X-PARAM\" (\"FLAG1\"))) NIL\r\n");
  ASSERT_TRUE(n.personal);
  EXPECT_EQ(*n.personal, (std::vector<NamespaceData::Entry>{{"", '/'}}));
  ASSERT_TRUE(n.other);
  EXPECT_EQ(*n.other, (std::vector<NamespaceData::Entry>{{"~", '/'}, {"#other.", std::nullopt}}));
  EXPECT_FALSE(n.shared);
}

TEST(ResponseParser, SequencesOfResponsesAndResync) {
  const auto events = events_of(
      "* 3 EXISTS\r\n* FROB\r\n* 1 FETCH (BODY[] {2}\r\nhi)\r\n+ go\r\nA1 OK [READ-WRITE] SELECT completed\r\n");
  ASSERT_EQ(events.size(), 5u);
  EXPECT_TRUE(std::holds_alternative<Response>(events[0]));
  EXPECT_EQ(std::get<ParseError>(events[1]).tag, std::nullopt);
  EXPECT_EQ(std::get<FetchData>(std::get<Response>(events[2]).body).atts[0].data, "hi");
  EXPECT_TRUE(std::holds_alternative<ContinuationData>(std::get<Response>(events[3]).body));
  EXPECT_EQ(std::get<Response>(events[4]).tag, "A1");
}

TEST(ResponseParser, ErrorsCarryTheTag) {
  EXPECT_EQ(parse_error("A7 MAYBE so\r\n").tag, "A7");
  EXPECT_EQ(parse_error("* 1 FETCH (FLAGS (\\Seen) UID)\r\n").tag, std::nullopt);
  EXPECT_EQ(parse_error("\r\n").tag, std::nullopt);
}

TEST(ResponseParser, ParseResponseHelper) {
  EXPECT_TRUE(std::holds_alternative<Response>(parse_response("* OK hi\r\n")));
  EXPECT_TRUE(std::holds_alternative<ParseError>(parse_response("* OK hi")));
  EXPECT_TRUE(std::holds_alternative<ParseError>(parse_response("* OK hi\r\n* OK\r\n")));
}

}  // namespace
}  // namespace imaplab::proto
