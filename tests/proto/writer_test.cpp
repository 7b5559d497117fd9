// The command and response writers byte for byte: string forms (atom, quoted, literal), every command shape
// of RFC 3501 §9 and the extensions, and every response body.
#include <gtest/gtest.h>

#include <string>

#include "proto/writer.hpp"

namespace imaplab::proto {
namespace {

Command make(std::string tag, CommandKind kind, CommandArgs args = NoArgs{}, bool uid = false) {
  Command c;
  c.tag = std::move(tag);
  c.kind = kind;
  c.args = std::move(args);
  c.uid = uid;
  return c;
}

Response untagged(ResponseBody body) {
  Response r;
  r.body = std::move(body);
  return r;
}

SequenceSet seq(std::vector<SeqRange> ranges) { return SequenceSet{std::move(ranges)}; }

FetchAtt att(FetchAtt::Kind kind) {
  FetchAtt a;
  a.kind = kind;
  return a;
}

SearchKey key(SearchKey::Kind kind) {
  SearchKey k;
  k.kind = kind;
  return k;
}

// ---- strings -------------------------------------------------------------------------------------------

TEST(WriterStrings, AtomQuotedLiteralAndEmpty) {
  EXPECT_EQ(write_command(make("a1", CommandKind::Login, LoginArgs{"fred", "pass word"})),
            "a1 LOGIN fred \"pass word\"\r\n");
  EXPECT_EQ(write_command(make("a1", CommandKind::Login, LoginArgs{"", "q\"b\\s"})),
            "a1 LOGIN \"\" \"q\\\"b\\\\s\"\r\n");
  EXPECT_EQ(write_command(make("a1", CommandKind::Login, LoginArgs{"f(x)", "a%b*c]"})),
            "a1 LOGIN \"f(x)\" \"a%b*c]\"\r\n");
  // CR/LF and 8-bit bytes need a literal.
  EXPECT_EQ(write_command(make("a1", CommandKind::Login, LoginArgs{"u", "line\r\nx"})),
            "a1 LOGIN u {7+}\r\nline\r\nx\r\n");
  EXPECT_EQ(write_command(make("a1", CommandKind::Login, LoginArgs{"u", "\xC3\xA4"}), LiteralStyle::Synchronizing),
            "a1 LOGIN u {2}\r\n\xC3\xA4\r\n");
}

TEST(WriterStrings, NilValueIsQuotedInNstringPositions) {
  MsgAtt a;
  a.kind = MsgAtt::Kind::Rfc822Header;
  a.data = "NIL";
  MsgAtt nil_att;
  nil_att.kind = MsgAtt::Kind::Rfc822Text;
  EXPECT_EQ(write_response(untagged(FetchData{3, {a, nil_att}})), "* 3 FETCH (RFC822.HEADER \"NIL\" RFC822.TEXT NIL)\r\n");
  // In astring positions NIL is an ordinary atom.
  EXPECT_EQ(write_command(make("t", CommandKind::Login, LoginArgs{"NIL", "nil"})), "t LOGIN NIL nil\r\n");
}

TEST(WriterStrings, MailboxesAreModifiedUtf7) {
  EXPECT_EQ(write_command(make("a", CommandKind::Select, MailboxArgs{"INBOX"})), "a SELECT INBOX\r\n");
  EXPECT_EQ(write_command(make("a", CommandKind::Create, MailboxArgs{"Tom & Jerry"})),
            "a CREATE \"Tom &- Jerry\"\r\n");
  EXPECT_EQ(write_command(make("a", CommandKind::Delete, MailboxArgs{"f\xC3\xA4hre"})), "a DELETE f&AOQ-hre\r\n");
  EXPECT_EQ(write_command(make("a", CommandKind::Subscribe, MailboxArgs{""})), "a SUBSCRIBE \"\"\r\n");
  EXPECT_EQ(write_command(make("a", CommandKind::Examine, MailboxArgs{"Drafts", true})),
            "a EXAMINE Drafts (CONDSTORE)\r\n");
}

// ---- commands ------------------------------------------------------------------------------------------

TEST(WriterCommands, NoArgumentCommands) {
  EXPECT_EQ(write_command(make("a001", CommandKind::Capability)), "a001 CAPABILITY\r\n");
  EXPECT_EQ(write_command(make("x", CommandKind::Idle)), "x IDLE\r\n");
  EXPECT_EQ(write_command(make("x", CommandKind::UidExpunge, SetArgs{seq({{3000, 3002}})}, true)),
            "x UID EXPUNGE 3000:3002\r\n");
  EXPECT_EQ(write_command(make("x", CommandKind::Namespace)), "x NAMESPACE\r\n");
  EXPECT_EQ(write_command(make("x", CommandKind::Unselect)), "x UNSELECT\r\n");
}

TEST(WriterCommands, Authenticate) {
  EXPECT_EQ(write_command(make("a", CommandKind::Authenticate, AuthenticateArgs{"PLAIN", std::nullopt})),
            "a AUTHENTICATE PLAIN\r\n");
  EXPECT_EQ(write_command(make("a", CommandKind::Authenticate, AuthenticateArgs{"PLAIN", "AGZyZWQAcHc="})),
            "a AUTHENTICATE PLAIN AGZyZWQAcHc=\r\n");
}

TEST(WriterCommands, ListForms) {
  ListArgs basic;
  basic.reference = "";
  basic.patterns = {"*"};
  EXPECT_EQ(write_command(make("a", CommandKind::List, basic)), "a LIST \"\" *\r\n");
  ListArgs ext;
  ext.select_options = {"SUBSCRIBED", "RECURSIVEMATCH"};
  ext.reference = "~/Mail/";
  ext.patterns = {"%", "foo bar"};
  ext.patterns_parenthesized = true;
  ext.return_options = {"CHILDREN"};
  ext.return_status = {StatusItem::Messages, StatusItem::Unseen};
  EXPECT_EQ(write_command(make("a", CommandKind::List, ext)),
            "a LIST (SUBSCRIBED RECURSIVEMATCH) ~/Mail/ (% \"foo bar\") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))\r\n");
  ListArgs lsub;
  lsub.reference = "#news.";
  lsub.patterns = {"comp.mail.*"};
  EXPECT_EQ(write_command(make("a", CommandKind::Lsub, lsub)), "a LSUB #news. comp.mail.*\r\n");
}

TEST(WriterCommands, StatusRenameAcl) {
  EXPECT_EQ(write_command(make("A042", CommandKind::Status,
                               StatusArgs{"blurdybloop", {StatusItem::UidNext, StatusItem::Messages}})),
            "A042 STATUS blurdybloop (UIDNEXT MESSAGES)\r\n");
  EXPECT_EQ(write_command(make("a", CommandKind::Rename, RenameArgs{"blurdybloop", "sarasoop"})),
            "a RENAME blurdybloop sarasoop\r\n");
  EXPECT_EQ(write_command(make("a", CommandKind::SetAcl, AclArgs{"INBOX", "Fred", "+rwi"})),
            "a SETACL INBOX Fred +rwi\r\n");
  EXPECT_EQ(write_command(make("a", CommandKind::DeleteAcl, AclArgs{"INBOX", "Fred", ""})),
            "a DELETEACL INBOX Fred\r\n");
  EXPECT_EQ(write_command(make("a", CommandKind::GetAcl, MailboxArgs{"INBOX"})), "a GETACL INBOX\r\n");
  EXPECT_EQ(write_command(make("a", CommandKind::ListRights, AclArgs{"~/Mail/saved", "smith", ""})),
            "a LISTRIGHTS ~/Mail/saved smith\r\n");
}

TEST(WriterCommands, AppendLiteralStyles) {
  AppendArgs a;
  a.mailbox = "saved-messages";
  a.flags = std::vector<std::string>{"\\Seen"};
  DateTime t;
  t.date = {1996, 7, 7};
  t.hour = 2;
  t.minute = 44;
  t.second = 25;
  t.zone_minutes = -420;
  a.date = t;
  a.message = "Hi\r\n";
  const Command c = make("A003", CommandKind::Append, a);
  EXPECT_EQ(write_command(c), "A003 APPEND saved-messages (\\Seen) \" 7-Jul-1996 02:44:25 -0700\" {4+}\r\nHi\r\n\r\n");
  const auto parts = write_command_parts(c, LiteralStyle::Synchronizing);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "A003 APPEND saved-messages (\\Seen) \" 7-Jul-1996 02:44:25 -0700\" {4}\r\n");
  EXPECT_EQ(parts[1], "Hi\r\n\r\n");
  EXPECT_EQ(write_command_parts(c, LiteralStyle::NonSynchronizing).size(), 1u);
  AppendArgs empty;
  empty.mailbox = "x";
  EXPECT_EQ(write_command(make("t", CommandKind::Append, empty)), "t APPEND x {0+}\r\n\r\n");
}

TEST(WriterCommands, PartsSplitAfterEverySynchronizingLiteral) {
  const Command c = make("t", CommandKind::Login, LoginArgs{"\xC3\xA4", "\r\n"});
  const auto parts = write_command_parts(c, LiteralStyle::Synchronizing);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "t LOGIN {2}\r\n");
  EXPECT_EQ(parts[1], "\xC3\xA4 {2}\r\n");
  EXPECT_EQ(parts[2], "\r\n\r\n");
  std::string joined;
  for (const auto& p : parts) joined += p;
  EXPECT_EQ(joined, write_command(c, LiteralStyle::Synchronizing));
}

TEST(WriterCommands, FetchForms) {
  FetchArgs macro;
  macro.set = seq({{2, 4}});
  macro.macro = FetchMacro::Fast;
  EXPECT_EQ(write_command(make("a", CommandKind::Fetch, macro)), "a FETCH 2:4 FAST\r\n");

  FetchArgs single;
  single.set = seq({{12, 12}});
  single.atts = {att(FetchAtt::Kind::BodyStructure)};
  EXPECT_EQ(write_command(make("a", CommandKind::Fetch, single)), "a FETCH 12 BODYSTRUCTURE\r\n");
  single.atts_parenthesized = true;
  EXPECT_EQ(write_command(make("a", CommandKind::Fetch, single)), "a FETCH 12 (BODYSTRUCTURE)\r\n");

  FetchArgs full;
  full.set = seq({{1, seq_star}, {7, 7}});
  full.atts_parenthesized = true;
  FetchAtt header = att(FetchAtt::Kind::BodySection);
  header.peek = true;
  header.section.text = Section::Text::HeaderFields;
  header.section.fields = {"From", "Subject"};
  FetchAtt part = att(FetchAtt::Kind::BodySection);
  part.section.part = {1, 2};
  part.section.text = Section::Text::Mime;
  part.partial = Partial{0, 1024};
  FetchAtt whole = att(FetchAtt::Kind::BodySection);
  full.atts = {att(FetchAtt::Kind::Flags), att(FetchAtt::Kind::Uid), header, part, whole,
               att(FetchAtt::Kind::ModSeq)};
  full.changed_since = 12345;
  EXPECT_EQ(write_command(make("a", CommandKind::Fetch, full, true)),
            "a UID FETCH 1:*,7 (FLAGS UID BODY.PEEK[HEADER.FIELDS (From Subject)] BODY[1.2.MIME]<0.1024> BODY[] "
            "MODSEQ) (CHANGEDSINCE 12345)\r\n");
}

TEST(WriterCommands, StoreForms) {
  StoreArgs s;
  s.set = seq({{2, 4}});
  s.mode = StoreMode::Add;
  s.silent = true;
  s.flags = {"\\Deleted", "$Forwarded"};
  EXPECT_EQ(write_command(make("A003", CommandKind::Store, s)), "A003 STORE 2:4 +FLAGS.SILENT (\\Deleted $Forwarded)\r\n");
  s.mode = StoreMode::Remove;
  s.silent = false;
  s.flags_parenthesized = false;
  s.unchanged_since = 200;
  EXPECT_EQ(write_command(make("A003", CommandKind::Store, s, true)),
            "A003 UID STORE 2:4 (UNCHANGEDSINCE 200) -FLAGS \\Deleted $Forwarded\r\n");
  s.mode = StoreMode::Replace;
  s.unchanged_since.reset();
  s.flags.clear();
  EXPECT_EQ(write_command(make("A", CommandKind::Store, s)), "A STORE 2:4 FLAGS ()\r\n");
}

TEST(WriterCommands, CopyMoveEnable) {
  EXPECT_EQ(write_command(make("A", CommandKind::Copy, CopyArgs{seq({{2, 4}}), "MEETING"})),
            "A COPY 2:4 MEETING\r\n");
  EXPECT_EQ(write_command(make("A", CommandKind::Move, CopyArgs{seq({{9, 3}}), "Trash"}, true)),
            "A UID MOVE 9:3 Trash\r\n");
  EXPECT_EQ(write_command(make("A", CommandKind::Enable, EnableArgs{{"CONDSTORE", "QRESYNC"}})),
            "A ENABLE CONDSTORE QRESYNC\r\n");
}

TEST(WriterCommands, SearchKeysNestingOrNot) {
  SearchArgs s;
  SearchKey flagged = key(SearchKey::Kind::Flagged);
  SearchKey since = key(SearchKey::Kind::Since);
  since.date = {1994, 2, 1};
  SearchKey from = key(SearchKey::Kind::From);
  from.value = "Smith";
  SearchKey not_from = key(SearchKey::Kind::Not);
  not_from.children = {from};
  s.keys = {flagged, since, not_from};
  EXPECT_EQ(write_command(make("A282", CommandKind::Search, s)),
            "A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM Smith\r\n");

  SearchKey subject = key(SearchKey::Kind::Subject);
  subject.value = "hello world";
  SearchKey header = key(SearchKey::Kind::Header);
  header.field = "Message-ID";
  header.value = "";
  SearchKey and_key = key(SearchKey::Kind::And);
  and_key.children = {subject, header};
  SearchKey uid = key(SearchKey::Kind::Uid);
  uid.set = seq({{1, 100}});
  SearchKey either = key(SearchKey::Kind::Or);
  either.children = {and_key, uid};
  SearchKey larger = key(SearchKey::Kind::Larger);
  larger.number = 4096;
  SearchKey kw = key(SearchKey::Kind::Keyword);
  kw.value = "$Junk";
  SearchKey modseq = key(SearchKey::Kind::ModSeq);
  modseq.number = 620162338;
  SearchKey set = key(SearchKey::Kind::SequenceSet);
  set.set = seq({{1, 5}, {seq_star, seq_star}});
  SearchArgs t;
  t.charset = "UTF-8";
  t.keys = {either, larger, kw, modseq, set};
  EXPECT_EQ(write_command(make("t", CommandKind::Search, t, true)),
            "t UID SEARCH CHARSET UTF-8 OR (SUBJECT \"hello world\" HEADER Message-ID \"\") UID 1:100 LARGER 4096 "
            "KEYWORD $Junk MODSEQ 620162338 1:5,*\r\n");

  SearchKey body = key(SearchKey::Kind::Body);
  body.value = "gr\xC3\xBC\xC3\x9F";
  SearchArgs u;
  u.charset = "UTF-8";
  u.keys = {body};
  EXPECT_EQ(write_command(make("u", CommandKind::Search, u), LiteralStyle::Synchronizing),
            "u SEARCH CHARSET UTF-8 BODY {6}\r\ngr\xC3\xBC\xC3\x9F\r\n");
}

TEST(WriterCommands, NotifyForms) {
  NotifyArgs none;
  none.mode = NotifyArgs::Mode::None;
  EXPECT_EQ(write_command(make("a", CommandKind::Notify, none)), "a NOTIFY NONE\r\n");

  NotifyArgs set;
  set.mode = NotifyArgs::Mode::Set;
  set.status = true;
  NotifyEvent new_event;
  new_event.kind = NotifyEventKind::MessageNew;
  FetchAtt headers = att(FetchAtt::Kind::BodySection);
  headers.peek = true;
  headers.section.text = Section::Text::HeaderFields;
  headers.section.fields = {"from", "to", "subject"};
  new_event.fetch_atts = {att(FetchAtt::Kind::Uid), headers};
  NotifyEvent expunge;
  expunge.kind = NotifyEventKind::MessageExpunge;
  NotifyEventGroup selected{NotifyFilter{NotifyFilter::Kind::Selected, {}},
                            std::vector<NotifyEvent>{new_event, expunge}};
  NotifyEvent plain_new;
  plain_new.kind = NotifyEventKind::MessageNew;
  NotifyEventGroup subtree{NotifyFilter{NotifyFilter::Kind::Subtree, {"Lists"}}, std::vector<NotifyEvent>{plain_new}};
  NotifyEvent other;
  other.kind = NotifyEventKind::Other;
  other.name = "FancyEvent";
  NotifyEventGroup mailboxes{NotifyFilter{NotifyFilter::Kind::Mailboxes, {"misc", "Tom & Jerry"}},
                             std::vector<NotifyEvent>{other}};
  NotifyEventGroup quiet{NotifyFilter{NotifyFilter::Kind::Personal, {}}, std::nullopt};
  set.groups = {selected, subtree, mailboxes, quiet};
  EXPECT_EQ(write_command(make("b", CommandKind::Notify, set)),
            "b NOTIFY SET STATUS (selected (MessageNew (UID BODY.PEEK[HEADER.FIELDS (from to subject)]) "
            "MessageExpunge)) (subtree Lists (MessageNew)) (mailboxes (misc \"Tom &- Jerry\") (FancyEvent)) "
            "(personal NONE)\r\n");

  NotifyArgs add;
  add.mode = NotifyArgs::Mode::Add;
  NotifyEvent mailbox_name;
  mailbox_name.kind = NotifyEventKind::MailboxName;
  add.groups = {NotifyEventGroup{NotifyFilter{NotifyFilter::Kind::SelectedDelayed, {}},
                                 std::vector<NotifyEvent>{mailbox_name}}};
  EXPECT_EQ(write_command(make("c", CommandKind::Notify, add)), "c NOTIFY ADD (selected-delayed (MailboxName))\r\n");
}

// ---- responses -----------------------------------------------------------------------------------------

TEST(WriterResponses, StatusResponsesAndCodes) {
  Response tagged;
  tagged.tag = "A142";
  tagged.untagged = false;
  ResponseCode rw;
  rw.name = "READ-WRITE";
  tagged.body = StatusResponse{Condition::Ok, rw, "SELECT completed"};
  EXPECT_EQ(write_response(tagged), "A142 OK [READ-WRITE] SELECT completed\r\n");

  ResponseCode uidnext;
  uidnext.name = "UIDNEXT";
  uidnext.number = 4392;
  EXPECT_EQ(write_response(untagged(StatusResponse{Condition::Ok, uidnext, "Predicted next UID"})),
            "* OK [UIDNEXT 4392] Predicted next UID\r\n");

  ResponseCode perm;
  perm.name = "PERMANENTFLAGS";
  perm.list = {"\\Deleted", "\\Seen", "\\*"};
  EXPECT_EQ(write_response(untagged(StatusResponse{Condition::Ok, perm, "Limited"})),
            "* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");

  ResponseCode copyuid;
  copyuid.name = "COPYUID";
  copyuid.number = 38505;
  copyuid.set1 = seq({{304, 304}, {319, 320}});
  copyuid.set2 = seq({{3956, 3958}});
  tagged.body = StatusResponse{Condition::Ok, copyuid, "Done"};
  EXPECT_EQ(write_response(tagged), "A142 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");

  ResponseCode appenduid;
  appenduid.name = "APPENDUID";
  appenduid.number = 38505;
  appenduid.set1 = seq({{3955, 3955}});
  tagged.body = StatusResponse{Condition::Ok, appenduid, "APPEND completed"};
  EXPECT_EQ(write_response(tagged), "A142 OK [APPENDUID 38505 3955] APPEND completed\r\n");

  ResponseCode newname;
  newname.name = "NEWNAME";
  newname.list = {"old", "new box"};
  EXPECT_EQ(write_response(untagged(StatusResponse{Condition::No, newname, "renamed"})),
            "* NO [NEWNAME \"old\" \"new box\"] renamed\r\n");

  ResponseCode badevent;
  badevent.name = "BADEVENT";
  badevent.list = {"MessageNew", "MessageExpunge"};
  tagged.body = StatusResponse{Condition::No, badevent, "Unsupported event"};
  EXPECT_EQ(write_response(tagged), "A142 NO [BADEVENT (MessageNew MessageExpunge)] Unsupported event\r\n");

  ResponseCode modified;
  modified.name = "MODIFIED";
  modified.set1 = seq({{7, 7}, {9, 9}});
  tagged.body = StatusResponse{Condition::Ok, modified, "Conditional STORE failed"};
  EXPECT_EQ(write_response(tagged), "A142 OK [MODIFIED 7,9] Conditional STORE failed\r\n");

  ResponseCode unknown;
  unknown.name = "X-SOMETHING";
  unknown.text = "1 2 (3)";
  EXPECT_EQ(write_response(untagged(StatusResponse{Condition::Bad, unknown, "eh"})),
            "* BAD [X-SOMETHING 1 2 (3)] eh\r\n");

  ResponseCode capability;
  capability.name = "CAPABILITY";
  capability.list = {"IMAP4rev1", "NOTIFY"};
  EXPECT_EQ(write_response(untagged(StatusResponse{Condition::Preauth, capability, ""})),
            "* PREAUTH [CAPABILITY IMAP4rev1 NOTIFY]\r\n");
  EXPECT_EQ(write_response(untagged(StatusResponse{Condition::Bye, std::nullopt, "Autologout"})),
            "* BYE Autologout\r\n");
}

TEST(WriterResponses, ListAndLsub) {
  ListData d;
  d.attributes = {"\\Noselect"};
  d.delimiter = '/';
  d.mailbox = "~/Mail/foo";
  EXPECT_EQ(write_response(untagged(d)), "* LIST (\\Noselect) \"/\" ~/Mail/foo\r\n");
  d.lsub = true;
  d.delimiter = std::nullopt;
  d.attributes.clear();
  d.mailbox = "a \"b\"";
  EXPECT_EQ(write_response(untagged(d)), "* LSUB () NIL \"a \\\"b\\\"\"\r\n");
  ListData renamed;
  renamed.delimiter = '\\';
  renamed.mailbox = "NewMailbox";
  renamed.old_name = "OldMailbox";
  EXPECT_EQ(write_response(untagged(renamed)), "* LIST () \"\\\\\" NewMailbox (\"OLDNAME\" (OldMailbox))\r\n");
  renamed.child_info = {"SUBSCRIBED"};
  renamed.old_name.reset();
  EXPECT_EQ(write_response(untagged(renamed)), "* LIST () \"\\\\\" NewMailbox (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n");
}

TEST(WriterResponses, StatusSearchNumbers) {
  EXPECT_EQ(write_response(untagged(StatusData{"blurdybloop", {{StatusItem::Messages, 231}, {StatusItem::UidNext, 44292}}})),
            "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n");
  EXPECT_EQ(write_response(untagged(SearchData{{2, 84, 882}, std::nullopt})), "* SEARCH 2 84 882\r\n");
  EXPECT_EQ(write_response(untagged(SearchData{})), "* SEARCH\r\n");
  EXPECT_EQ(write_response(untagged(SearchData{{2, 5}, 917162500})), "* SEARCH 2 5 (MODSEQ 917162500)\r\n");
  EXPECT_EQ(write_response(untagged(NumberData{NumberData::Kind::Exists, 23})), "* 23 EXISTS\r\n");
  EXPECT_EQ(write_response(untagged(NumberData{NumberData::Kind::Recent, 5})), "* 5 RECENT\r\n");
  EXPECT_EQ(write_response(untagged(NumberData{NumberData::Kind::Expunge, 3})), "* 3 EXPUNGE\r\n");
}

TEST(WriterResponses, AtomsVanishedAclNamespaceContinuation) {
  EXPECT_EQ(write_response(untagged(AtomsData{AtomsData::Kind::Capability, {"IMAP4rev1", "AUTH=PLAIN"}})),
            "* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n");
  EXPECT_EQ(write_response(untagged(AtomsData{AtomsData::Kind::Enabled, {}})), "* ENABLED\r\n");
  EXPECT_EQ(write_response(untagged(AtomsData{AtomsData::Kind::Flags, {"\\Answered", "$Forwarded"}})),
            "* FLAGS (\\Answered $Forwarded)\r\n");
  EXPECT_EQ(write_response(untagged(VanishedData{true, seq({{41, 41}, {43, 116}})})),
            "* VANISHED (EARLIER) 41,43:116\r\n");
  EXPECT_EQ(write_response(untagged(VanishedData{false, seq({{5444, 5444}})})), "* VANISHED 5444\r\n");

  AclData acl;
  acl.mailbox = "INBOX";
  acl.entries = {{"Fred", "rwipslxetad"}, {"-Fred", ""}};
  EXPECT_EQ(write_response(untagged(acl)), "* ACL INBOX Fred rwipslxetad -Fred \"\"\r\n");
  AclData lr;
  lr.kind = AclData::Kind::ListRights;
  lr.mailbox = "~/Mail/saved";
  lr.identifier = "smith";
  lr.rights = {"la", "r", "swicdkxte"};
  EXPECT_EQ(write_response(untagged(lr)), "* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n");
  AclData my;
  my.kind = AclData::Kind::MyRights;
  my.mailbox = "INBOX";
  my.rights = {"rwiptsldaex"};
  EXPECT_EQ(write_response(untagged(my)), "* MYRIGHTS INBOX rwiptsldaex\r\n");

  NamespaceData ns;
  ns.personal = std::vector<NamespaceData::Entry>{{"", '/'}};
  ns.shared = std::vector<NamespaceData::Entry>{{"#shared/", '/'}, {"#public", std::nullopt}};
  EXPECT_EQ(write_response(untagged(ns)), "* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\")(\"#public\" NIL))\r\n");

  Response cont;
  cont.untagged = false;
  cont.body = ContinuationData{"Ready for literal data"};
  EXPECT_EQ(write_response(cont), "+ Ready for literal data\r\n");
}

TEST(WriterResponses, FetchAttributes) {
  MsgAtt flags;
  flags.kind = MsgAtt::Kind::Flags;
  flags.flags = {"\\Seen", "$Forwarded"};
  MsgAtt uid;
  uid.kind = MsgAtt::Kind::Uid;
  uid.number = 4827313;
  MsgAtt size;
  size.kind = MsgAtt::Kind::Rfc822Size;
  size.number = 44827;
  MsgAtt date;
  date.kind = MsgAtt::Kind::InternalDate;
  date.date = DateTime{{1996, 7, 17}, 2, 44, 25, -420};
  MsgAtt modseq;
  modseq.kind = MsgAtt::Kind::ModSeq;
  modseq.number = 12121231000;
  EXPECT_EQ(write_response(untagged(FetchData{12, {flags, uid, size, date, modseq}})),
            "* 12 FETCH (FLAGS (\\Seen $Forwarded) UID 4827313 RFC822.SIZE 44827 "
            "INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" MODSEQ (12121231000))\r\n");

  MsgAtt envelope;
  envelope.kind = MsgAtt::Kind::Envelope;
  envelope.value = SValue::lst({SValue::str("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)"), SValue::str("NIL"),
                                SValue::nil(), SValue::lst({SValue::lst({SValue::str("Terry Gray"), SValue::nil(),
                                                                         SValue::str("gray"),
                                                                         SValue::str("cac.washington.edu")})}),
                                SValue::str("\xC3\xA4")});
  MsgAtt body;
  body.kind = MsgAtt::Kind::Body;
  body.value = SValue::lst({SValue::str("TEXT"), SValue::str("PLAIN"), SValue::num(3028), SValue::num(92)});
  EXPECT_EQ(write_response(untagged(FetchData{1, {envelope, body}})),
            "* 1 FETCH (ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"NIL\" NIL ((\"Terry Gray\" NIL \"gray\" "
            "\"cac.washington.edu\")) {2}\r\n\xC3\xA4) BODY (\"TEXT\" \"PLAIN\" 3028 92))\r\n");

  MsgAtt section;
  section.kind = MsgAtt::Kind::BodySection;
  section.section.text = Section::Text::HeaderFields;
  section.section.fields = {"From", "To"};
  section.data = "From: a\r\n\r\n";
  MsgAtt partial;
  partial.kind = MsgAtt::Kind::BodySection;
  partial.section.part = {2};
  partial.origin = 0;
  partial.data = "short";
  MsgAtt missing;
  missing.kind = MsgAtt::Kind::BodySection;
  missing.section.part = {3};
  missing.section.text = Section::Text::Text;
  MsgAtt empty;
  empty.kind = MsgAtt::Kind::Rfc822;
  empty.data = "";
  MsgAtt structure;
  structure.kind = MsgAtt::Kind::BodyStructure;
  structure.value = SValue::lst({});
  EXPECT_EQ(write_response(untagged(FetchData{127, {section, partial, missing, empty, structure}})),
            "* 127 FETCH (BODY[HEADER.FIELDS (From To)] {11}\r\nFrom: a\r\n\r\n BODY[2]<0> \"short\" BODY[3.TEXT] NIL "
            "RFC822 \"\" BODYSTRUCTURE ())\r\n");
}

// append_response writes the bytes write_response returns after whatever the buffer already holds.
TEST(WriteResponse, AppendKeepsWhatTheBufferHolds) {
  MsgAtt flags;
  flags.kind = MsgAtt::Kind::Flags;
  flags.flags = {"\\Seen"};
  const Response fetch = untagged(FetchData{3, {flags}});
  std::string buf = "* 2 EXISTS\r\n";
  append_response(buf, fetch);
  append_response(buf, fetch);
  EXPECT_EQ(buf, "* 2 EXISTS\r\n" + write_response(fetch) + write_response(fetch));
  EXPECT_EQ(write_response(fetch), "* 3 FETCH (FLAGS (\\Seen))\r\n");
}

}  // namespace
}  // namespace imaplab::proto
