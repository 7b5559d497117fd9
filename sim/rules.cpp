// The rule catalogue of INVARIANTS.md: every ID with its strength, RFC section and a line from the RFC text
// (spec/ beside INVARIANTS.md). Violations and `imaplab rules` read it; a test keeps it in step with the file.
#include <algorithm>

#include "sim/checker.hpp"

namespace imaplab::sim {

const std::vector<RuleInfo>& rules() {
  static const std::vector<RuleInfo> catalogue = {
      {"SEQ-1", "M", "RFC 3501 §7.4.1",
       "An EXPUNGE response MUST NOT be sent when no command is in progress, nor while responding to a FETCH, "
       "STORE, or SEARCH command."},
      {"SEQ-2", "M", "RFC 3501 §7.4.1, §5.5",
       "An EXPUNGE response MUST NOT be sent ... while responding to a FETCH, STORE, or SEARCH command."},
      {"SEQ-3", "M", "RFC 3501 §7.4.1",
       "The EXPUNGE response reports that the specified message sequence number has been permanently removed "
       "from the mailbox. The message sequence number for each successive message in the mailbox is "
       "immediately decremented by 1."},
      {"SEQ-4", "M", "RFC 3501 §2.3.1.2",
       "A relative position from 1 to the number of messages in the mailbox."},
      {"SEQ-5", "M", "RFC 3501 §5.2",
       "it is NOT permitted to send an EXISTS response that would reduce the number of messages in the "
       "mailbox; only the EXPUNGE response can do this."},
      {"SEQ-6", "M", "RFC 3501 §2.3.1.1",
       "Unique identifiers are assigned in a strictly ascending fashion in the mailbox; as each message is "
       "added to the mailbox it is assigned a higher UID than the message(s) which were added previously."},
      {"SEQ-7", "M", "RFC 3501 §2.3.1.1",
       "the unique identifier of a message in a mailbox MUST NOT change during the session"},
      {"SEQ-8", "M", "RFC 3501 §2.3.1.1",
       "as each message is added to the mailbox it is assigned a higher UID than the message(s) which were "
       "added previously."},
      {"SEQ-9", "M", "RFC 3501 §6.4.5, §7.4.2",
       "The FETCH response returns data about a message to the client."},
      {"SEQ-10", "M", "RFC 3501 §2.3.1.1",
       "The combination of mailbox name, UIDVALIDITY, and UID must refer to a single immutable message on "
       "that server forever."},
      {"SEQ-11", "M", "RFC 3501 §6.4.8",
       "A non-existent unique identifier is ignored without any error message generated. ... the UID data "
       "item MUST be included in any FETCH response caused by a UID command"},
      {"SEQ-12", "M", "RFC 3501 §5.5",
       "If the server detects a possible ambiguity, it MUST execute commands to completion in the order given "
       "by the client."},
      {"SEQ-13", "M", "RFC 3501 §5.5",
       "Clients MUST NOT send multiple commands without waiting if an ambiguity would result."},
      {"SEQ-14", "M", "RFC 3501 §6.1.2, §6.4.1",
       "Since any command can return a status update as untagged data, the NOOP command can be used as a "
       "periodic poll for new messages or message status updates"},
      {"SEQ-15", "M", "RFC 3501 §9",
       "seq-number = nz-number / \"*\" ; message sequence number (COPY, FETCH, STORE commands) or unique "
       "identifier (UID COPY, UID FETCH, UID STORE commands)."},
      {"SEQ-16", "M", "RFC 3501 §9, §6.4.8",
       "seq-range = seq-number \":\" seq-number ; two seq-number values and all values between these two "
       "regardless of order. Example: 2:4 and 4:2 are equivalent and indicate values 2, 3, and 4. Example: a "
       "unique identifier sequence range of 3291:* includes the UID of the last message in the mailbox, even if "
       "that value is less than 3291."},
      {"SEQ-17", "M", "RFC 3501 §9, §6.4.8",
       "\"*\" represents the largest number in use. ... a unique identifier sequence range of 3291:* includes the "
       "UID of the last message in the mailbox, even if that value is less than 3291."},
      {"UID-1", "M", "RFC 3501 §2.3.1.1",
       "The next unique identifier value ... MUST NOT change unless new messages are added to the mailbox; "
       "and ... MUST change whenever new messages are added"},
      {"UID-2", "M", "RFC 3501 §2.3.1.1; RFC 4315 §3",
       "Unique identifiers are assigned in a strictly ascending fashion in the mailbox"},
      {"UID-3", "M", "RFC 3501 §2.3.1.1",
       "if a mailbox is deleted and a new mailbox with the same name is created at a later date, the server "
       "must either keep track of unique identifiers from the previous instance of the mailbox, or it must "
       "assign a new unique identifier validity value"},
      {"UID-4", "M", "RFC 3501 §2.3.1.1",
       "If unique identifiers from an earlier session fail to persist in this session, the unique identifier "
       "validity value MUST be greater than the one used in the earlier session."},
      {"FLG-1", "S", "RFC 3501 §6.4.6",
       "The STORE command alters data associated with a message in the mailbox. Normally, STORE will return "
       "the updated value of the data with an untagged FETCH response."},
      {"FLG-2", "S", "RFC 3501 §5.2, §6.4.1",
       "the server SHOULD send any message status updates as untagged data"},
      {"FLG-3", "M", "RFC 3501 §6.4.6", "+FLAGS <flag list> Add the argument to the flags for the message."},
      {"FLG-4", "M", "RFC 3501 §2.3.2",
       "\\Recent Message is \"recently\" arrived in this mailbox. This session is the first session to have "
       "been notified about this message; if the session is read-write, subsequent sessions will not see "
       "\\Recent set for this message."},
      {"FLG-5", "S", "RFC 3501 §6.4.5",
       "The \\Seen flag is implicitly set; if this causes the flags to change, they SHOULD be included as part "
       "of the FETCH responses."},
      {"FLG-6", "M", "RFC 3501 §6.3.2",
       "The EXAMINE command is identical to SELECT and returns the same output; however, the selected mailbox is "
       "identified as read-only. No changes to the permanent state of the mailbox, including per-user state, are "
       "permitted; in particular, EXAMINE MUST NOT cause messages to lose the \\Recent flag."},
      {"FLG-7", "M", "RFC 3501 §6.4.5",
       "BODY.PEEK[<section>]<<partial>> An alternate form of BODY[<section>] that does not implicitly set the "
       "\\Seen flag."},
      {"APP-1", "S", "RFC 3501 §6.3.11",
       "If a flag parenthesized list is specified, the flags SHOULD be set in the resulting message; "
       "otherwise, the flag list of the resulting message is set to empty by default. ... If a "
       "date-time is specified, the internal date SHOULD be set in the resulting message"},
      {"APP-2", "M", "RFC 3501 §6.3.4, §6.3.11",
       "If the destination mailbox does not exist, a server MUST return an error, and MUST NOT automatically "
       "create the mailbox. / [a deleted name with inferiors] will acquire the \\Noselect name attribute."},
      {"MOD-1", "M", "RFC 4551 §3.1.1",
       "The server MUST guarantee that each STORE command performed on the same mailbox ... will get a "
       "different mod-sequence value; mod-sequences never decrease for a mailbox with a given UIDVALIDITY."},
      {"MOD-2", "M", "RFC 4551 §3.1",
       "the server MUST NOT send MODSEQ FETCH data items to a client that has not enabled CONDSTORE"},
      {"MOD-3", "M", "RFC 4551 §3.1.2 (RFC 5162 §3.5)",
       "a server must increment HIGHESTMODSEQ when messages are expunged"},
      {"MOD-4", "M", "RFC 5162 §3.6", "The VANISHED response has the same restrictions on when it can be sent "
                                      "as does the EXPUNGE response"},
      {"CPY-1", "M", "RFC 3501 §6.4.7, §6.3.11",
       "If the COPY command is unsuccessful for any reason, server implementations MUST restore the "
       "destination mailbox to its state before the COPY attempt."},
      {"CPY-2", "M", "RFC 4315 §3",
       "COPYUID: Followed by the UIDVALIDITY of the destination mailbox, a UID set containing the UIDs of the "
       "message(s) in the source mailbox that were copied to the destination mailbox and containing the UIDs "
       "assigned to the copied message(s)"},
      {"CPY-3", "P", "RFC 2180 §4.4",
       "4.4.1 The server MAY disallow the COPY of messages in a multi-access mailbox that contains expunged "
       "messages. / 4.4.2 The server MAY allow the COPY of messages in a multi-access mailbox that contains "
       "expunged messages."},
      {"CPY-4", "M", "RFC 6851 §3.3", "the server MUST ... move the messages ... atomically"},
      {"CPY-5", "S", "RFC 3501 §6.4.7",
       "The flags and internal date of the message(s) SHOULD be preserved, and the Recent flag SHOULD be set, "
       "in the copy."},
      {"MBX-1", "M", "RFC 3501 §6.3.4; RFC 2180 §3",
       "The DELETE command permanently removes the mailbox with the given name."},
      {"MBX-2", "P", "RFC 2180 §3.1-3.3",
       "The server MAY fail the DELETE/RENAME command of a multi-accessed mailbox"},
      {"MBX-3", "P", "RFC 2180 §3.1, §3.3, §3.4",
       "The server MAY allow the RENAME of a multi-accessed mailbox by simply changing the name attribute of "
       "the mailbox."},
      {"MBX-4", "M", "RFC 3501 §6.3.5",
       "If the name has inferior hierarchical names, then the inferior hierarchical names MUST also be "
       "renamed."},
      {"MBX-5", "M", "RFC 3501 §6.3.5",
       "Renaming INBOX is permitted, and has special behavior. It moves all messages in INBOX to a new mailbox "
       "with the given name, leaving INBOX empty."},
      {"MBX-6", "M", "RFC 3501 §6.3.6, §6.3.7, §6.3.9; RFC 5258 §3.1; RFC 5465 §5.5",
       "The UNSUBSCRIBE command removes the specified mailbox name from the server's set of \"active\" or "
       "\"subscribed\" mailboxes as returned by the LSUB command."},
      {"MBX-7", "S", "RFC 3501 §6.3.3, §6.3.5",
       "If the server's hierarchy separator character appears elsewhere in the name, the server SHOULD create "
       "any superior hierarchical names that are needed for the CREATE command to be successfully completed."},
      {"LST-1", "M", "RFC 3501 §6.3.8",
       "The \"%\" character is similar to \"*\", but it does not match a hierarchy delimiter."},
      {"LST-2", "M", "RFC 3501 §6.3.4, §7.2.2; RFC 5258 §4",
       "If the server decides to convert [a deleted name with inferiors] to a \\Noselect mailbox, the name will "
       "acquire the \\Noselect name attribute. / \\HasChildren: The presence of this attribute indicates that "
       "the mailbox has child mailboxes that are accessible to the currently authenticated user."},
      {"LST-3", "M", "RFC 3501 §6.3.8",
       "The LIST command returns a subset of names from the complete set of all names available to the client."
       " ... The character \"*\" is a wildcard, and matches zero or more characters at this position. The "
       "character \"%\" is similar to \"*\", but it does not match a hierarchy delimiter. If the \"%\" wildcard "
       "is the last character of a mailbox name argument, matching levels of hierarchy are also returned."},
      {"EXP-1", "P", "RFC 2180 §4.1", "Fetching of expunged messages"},
      {"EXP-4", "M", "RFC 3501 §6.4.3, §6.4.2; RFC 4315 §2.1; RFC 3691 §2",
       "The UID EXPUNGE command permanently removes all messages that both have the \\Deleted flag set and "
       "have a UID that is included in the specified sequence set from the currently selected mailbox. / No "
       "messages are removed, and no error is given, if the mailbox is selected by an EXAMINE command"},
      {"MOD-5", "M", "RFC 4551 §3.2",
       "if the mod-sequence of any metadata item of the message is greater than the specified UNCHANGEDSINCE "
       "value, then the requested operation MUST NOT be performed. ... the server MUST return in the tagged "
       "response a MODIFIED response code."},
      {"MOD-6", "M", "RFC 4551 §3.3.1",
       "CHANGEDSINCE FETCH modifier allows to create a further subset of the list of messages described by "
       "sequence set.  The information described by message data items is only returned for messages that "
       "have mod-sequence bigger than <mod-sequence>."},
      {"EXP-2", "P", "RFC 2180 §4.2", "Storing of expunged messages"},
      {"EXP-3", "P", "RFC 2180 §4.3",
       "If the server chooses to not return the sequence numbers of expunged messages in the SEARCH results"},
      {"SRC-1", "M", "RFC 3501 §6.4.4, §7.2.5",
       "The number(s) refer to those messages that match the search criteria.  For SEARCH, these are message "
       "sequence numbers; for UID SEARCH, these are unique identifiers."},
      {"SRC-2", "M", "RFC 3501 §6.4.4, §7.2.5",
       "The SEARCH command searches the mailbox for messages that match the given searching criteria. ... The "
       "number(s) refer to those messages that match the search criteria."},
      {"STA-1", "M", "RFC 3501 §6.3.10",
       "MESSAGES The number of messages in the mailbox. ... UNSEEN The number of messages which do not have the "
       "\\Seen flag set."},
      {"STA-2", "M", "RFC 3501 §6.3.1, §7.1",
       "OK [UNSEEN <n>] The message sequence number of the first unseen message in the mailbox."},
      {"NTF-1", "M", "RFC 2177 §3",
       "The IDLE command is terminated by the receipt of a \"DONE\" continuation from the client"},
      {"NTF-2", "Q", "RFC 5465 §6.1.1 (lab bound)",
       "The SELECTED mailbox specifier requires the server to send immediate notifications for the currently "
       "selected mailbox about all specified <message-event>s."},
      {"NTF-3", "M", "RFC 5465 §3.1",
       "a successful NOTIFY SET command ... the server MUST ... behave as a NOOP command"},
      {"NTF-4", "M", "RFC 5465 §3.1",
       "If the STATUS indicator is present, the server MUST send an untagged STATUS response for each mailbox "
       "matched by the mailbox specifiers"},
      {"NTF-5", "M", "RFC 5465 §3.1, §6.1",
       "If one of MessageNew or MessageExpunge is specified, then both events MUST be specified."},
      {"NTF-6", "M", "RFC 5465 §5.1-5.3",
       "the server MUST notify the client by sending an unsolicited FETCH response, which MUST include UID "
       "and FLAGS/ANNOTATION FETCH data items."},
      {"NTF-7", "M", "RFC 5465 §6.1.2",
       "The SELECTED-DELAYED mailbox specifier requires the server to delay a MessageExpunge event until the "
       "client issues a command that allows returning information about expunged messages"},
      {"NTF-8", "M", "RFC 5465 §5.2, §5.3",
       "If the new/appended message is in another mailbox, the server sends an unsolicited STATUS (UIDNEXT "
       "MESSAGES) response for the relevant mailbox."},
      {"NTF-9", "M", "RFC 5465 §5.4, §5.5",
       "When the server notifies the client of a mailbox name change, it generates an unsolicited LIST "
       "response"},
      {"NTF-10", "S", "RFC 5465 §5 (and §5.2 for FETCH of new messages)",
       "The server SHOULD omit notifying the client if the event is caused by this client"},
      {"NTF-11", "M", "RFC 5465 §5.8; RFC 3501 §5.2",
       "the server MUST send an untagged NOTIFICATIONOVERFLOW ... and behave as if a NOTIFY NONE command had "
       "just been received"},
      {"NTF-12", "M", "RFC 5465 §4",
       "while processing any IDLE command, the server MUST send exactly the same events as instructed by the "
       "client using the NOTIFY command."},
      {"NTF-13", "M", "RFC 5465 §5.1, §5.2, §5.3",
       "If the new/appended message is in another mailbox, the server sends an unsolicited STATUS (UIDNEXT "
       "MESSAGES) response for the relevant mailbox. ... If the expunged message or messages are in another "
       "mailbox, the server sends an unsolicited STATUS (UIDNEXT MESSAGES) response"},
      {"ACC-1", "M", "RFC 3501 §3.1, §6.2",
       "In the not authenticated state, the client MUST supply authentication credentials before most "
       "commands will be permitted."},
      {"ACC-2", "M", "RFC 4314 §4; RFC 5465 §5, §5.9",
       "LIST - \"l\" right is required. ... SELECT/EXAMINE/STATUS - \"r\" right on the mailbox. / All event "
       "types described in this document require the 'l' and 'r' rights ... on all observed mailboxes."},
      {"ACC-3", "M", "RFC 4314 §4; RFC 6851 §3.3",
       "Before performing a COPY/APPEND command, the server MUST check if the user has \"i\" right for the "
       "target mailbox. If the user doesn't have \"i\" right, the operation fails. ... EXPUNGE - \"e\" right on "
       "the selected mailbox. ... SETACL/DELETEACL - \"a\" right on the mailbox. ... GETACL - \"a\" right on the "
       "mailbox. ... LISTRIGHTS - \"a\" right on the mailbox. ... DELETE - \"x\" right on the mailbox. ... STORE - "
       "the server MUST check if the user has \"t\" right - when the user modifies \\Deleted flag \"s\" right - when "
       "the user modifies \\Seen flag \"w\" right - for all other message flags. / [RFC 6851 §3.3, paraphrased: MOVE "
       "needs the rights of COPY, STORE \\Deleted and EXPUNGE on the source]"},
      {"ACC-4", "M", "RFC 3501 §6.4, §3.2",
       "In the selected state, commands that manipulate messages in a mailbox are permitted. ... the "
       "following commands are valid in the selected state: CHECK, CLOSE, EXPUNGE, SEARCH, FETCH, STORE, COPY, "
       "and UID."},
      {"SES-1", "M", "RFC 3501 §6.1.3",
       "The server MUST send a BYE untagged response before the (tagged) OK response, and then close the "
       "network connection."},
      {"SES-2", "M", "RFC 3501 §2.2.1, §2.2.2, §7.5",
       "the server sends a command continuation request response if it is ready for the octets (if "
       "appropriate) and the remainder of the command. ... If instead, the server detected an error in the "
       "command, it sends a BAD completion response with a tag matching the command"},
      {"SES-5", "M", "RFC 2177 §3; RFC 5465 §5",
       "the server is free to send untagged EXISTS, EXPUNGE, and other messages at any time (as long as the "
       "client is idling) / the server sends notifications ... as the events happen"},
      {"SES-3", "M", "RFC 3501 §7.1.3",
       "The BAD response indicates an error message from the server.  When tagged, it reports a protocol-level "
       "error in the client's command; the tag indicates the command that caused the error."},
      {"MOD-7", "M", "RFC 4551 §3.2",
       "If the operation is successful, the server MUST update the mod-sequence attribute of the message.  An "
       "untagged FETCH response MUST be sent, even if the .SILENT suffix is specified, and the response MUST "
       "include the MODSEQ message data item."},
      {"MOD-8", "M", "RFC 4551 §3.4, §3.5",
       "If a client specifies a MODSEQ criterion in a SEARCH (or UID SEARCH) command and the server returns a "
       "non-empty SEARCH result, the server MUST also append (to the end of the untagged SEARCH response) the "
       "highest mod-sequence for all messages being returned."},
      {"EXP-5", "M", "RFC 3501 §6.4.2",
       "The CLOSE command permanently removes all messages that have the \\Deleted flag set from the currently "
       "selected mailbox ... No untagged EXPUNGE responses are sent."},
      {"CPY-7", "M", "RFC 3501 §6.3.11, §6.4.7",
       "If the destination mailbox does not exist, a server MUST return an error, and MUST NOT automatically create "
       "the mailbox.  Unless it is certain that the destination mailbox can not be created, the server MUST send "
       "the response code \"[TRYCREATE]\" as the prefix of the text of the tagged NO response."},
      {"ACC-5", "P", "RFC 4314 §2, §3.5",
       "How these rights are combined to determine the user's access is implementation defined.  An "
       "implementation may choose, for example, to use the union of the rights granted to the applicable "
       "identifiers. / The MYRIGHTS command returns the set of rights that the user has to mailbox"},
      {"ACC-6", "S", "RFC 4314 §5.2",
       "The server MUST include a READ-ONLY response code in the tagged OK response to a SELECT command if none of "
       "the following rights is granted to the current user: \"i\", \"e\", and \"shared flag rights\". The server "
       "SHOULD include a READ-WRITE response code in the tagged OK response if at least one of the \"i\", \"e\", or "
       "\"shared flag rights\" is granted to the current user."},
      {"ACC-7", "M", "RFC 4314 §3.1",
       "If the string starts with a plus, the following rights are added to any existing rights for the "
       "identifier.  If the string starts with a minus, the following rights are removed from any existing rights "
       "for the identifier."},
      {"CPY-6", "S", "RFC 4315 §3; RFC 6851 §4.3",
       "server implementations that advertise the UIDPLUS extension SHOULD return these response codes. / "
       "Servers supporting UIDPLUS SHOULD send COPYUID in response to a UID MOVE"},
      {"FLG-8", "S", "RFC 3501 §7.2.6",
       "The FLAGS response occurs as a result of a SELECT or EXAMINE command.  The flag parenthesized list "
       "identifies the flags (at a minimum, the system-defined flags) that are applicable for this mailbox. ... "
       "The update from the FLAGS response MUST be recorded by the client."},
      {"SES-4", "M", "RFC 3501 §7.2.1",
       "The capability listing contains a space-separated listing of capability names that the server supports.  "
       "The capability listing MUST include the atom \"IMAP4rev1\"."},
  };
  return catalogue;
}

const RuleInfo* find_rule(const std::string& id) {
  const auto& all = rules();
  const auto it = std::find_if(all.begin(), all.end(), [&](const RuleInfo& r) { return id == r.id; });
  return it == all.end() ? nullptr : &*it;
}

}  // namespace imaplab::sim
