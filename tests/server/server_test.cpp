// The server on a fake world (manual clock, FIFO executor, recording transports): greeting, the command
// cycle, literals, bad input, pipelining, IDLE and NOTIFY delivery, output bounds and timeouts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/server/fake_world.hpp"

namespace imaplab::server {
namespace {

using testing::World;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr TimeMs minute_ms = 60 * 1000;

std::string login(World& w, testing::Client& c, const char* user = "alice", const char* password = "wonderland") {
  return w.send(c, std::string("l LOGIN ") + user + " " + password + "\r\n");
}

// An authenticated client with INBOX selected after `messages` APPENDs.
testing::Client& selected_client(World& w, int messages = 0) {
  testing::Client& c = w.connect();
  c.take();
  EXPECT_THAT(login(w, c), HasSubstr("l OK"));
  for (int i = 0; i < messages; ++i) {
    const std::string body = "Subject: m" + std::to_string(i) + "\r\n\r\nbody\r\n";
    EXPECT_THAT(w.send(c, "ap APPEND INBOX {" + std::to_string(body.size()) + "+}\r\n" + body + "\r\n"),
                HasSubstr("ap OK"));
  }
  EXPECT_THAT(w.send(c, "s SELECT INBOX\r\n"), HasSubstr("s OK"));
  return c;
}

std::string append_command(const std::string& tag, const std::string& subject) {
  const std::string body = "Subject: " + subject + "\r\n\r\nhello\r\n";
  return tag + " APPEND INBOX {" + std::to_string(body.size()) + "+}\r\n" + body + "\r\n";
}

TEST(Server, GreetsWithCapabilities) {
  World w;
  testing::Client& c = w.connect();
  const std::string greeting = c.take();
  EXPECT_THAT(greeting, StartsWith("* OK [CAPABILITY IMAP4rev1"));
  EXPECT_THAT(greeting, HasSubstr("\r\n"));
  EXPECT_EQ(w.server.connection(c.id)->state(), SessionState::NotAuthenticated);
}

TEST(Server, LoginSelectFetch) {
  World w;
  testing::Client& c = selected_client(w, 2);
  EXPECT_EQ(w.server.connection(c.id)->state(), SessionState::Selected);
  const std::string fetch = w.send(c, "f FETCH 1:2 (UID FLAGS)\r\n");
  EXPECT_THAT(fetch, HasSubstr("* 1 FETCH (UID 1 FLAGS ("));
  EXPECT_THAT(fetch, HasSubstr("* 2 FETCH (UID 2 FLAGS ("));
  EXPECT_THAT(fetch, HasSubstr("f OK"));
  EXPECT_THAT(w.send(c, "o LOGOUT\r\n"), AllOf(HasSubstr("* BYE"), HasSubstr("o OK")));
  EXPECT_TRUE(c.transport.closed);
  EXPECT_EQ(w.server.connection(c.id), nullptr);
}

TEST(Server, WrongPasswordStaysUnauthenticated) {
  World w;
  testing::Client& c = w.connect();
  EXPECT_THAT(login(w, c, "alice", "nope"), HasSubstr("l NO"));
  EXPECT_EQ(w.server.connection(c.id)->state(), SessionState::NotAuthenticated);
}

TEST(Server, AuthenticatePlainUsesAContinuationLine) {
  World w;
  testing::Client& c = w.connect();
  c.take();
  // RFC 3501 §6.2.2: "+" then one line of base64 SASL data; "\0alice\0wonderland" (RFC 4616).
  EXPECT_THAT(w.send(c, "a AUTHENTICATE PLAIN\r\n"), StartsWith("+"));
  EXPECT_THAT(w.send(c, "AGFsaWNlAHdvbmRlcmxhbmQ=\r\n"), HasSubstr("a OK"));
  EXPECT_EQ(w.server.connection(c.id)->state(), SessionState::Authenticated);
  // A cancelled exchange ("*") leaves the connection usable.
  testing::Client& d = w.connect();
  d.take();
  w.send(d, "b AUTHENTICATE PLAIN\r\n");
  EXPECT_THAT(w.send(d, "*\r\n"), HasSubstr("b BAD"));
  EXPECT_THAT(w.send(d, "n NOOP\r\n"), HasSubstr("n OK"));
}

TEST(Server, SynchronizingLiteralGetsContinuation) {
  World w;
  testing::Client& c = w.connect();
  login(w, c);
  // Before the "+" the client sends nothing more (RFC 3501 §7.5); the server must ask for the data.
  EXPECT_EQ(w.send(c, "a APPEND INBOX {7}\r\n"), "+ Ready for literal data\r\n");
  EXPECT_THAT(w.send(c, "Hi: x\r\n\r\n"), HasSubstr("a OK"));
}

TEST(Server, NonSynchronizingLiteralNeedsNoContinuation) {
  World w;
  testing::Client& c = w.connect();
  login(w, c);
  const std::string out = w.send(c, "a APPEND INBOX {7+}\r\nHi: x\r\n\r\n");
  EXPECT_THAT(out, Not(HasSubstr("+ ")));
  EXPECT_THAT(out, HasSubstr("a OK"));
}

TEST(Server, LiteralSplitAtEveryByteStillWorks) {
  World w;
  testing::Client& c = w.connect();
  login(w, c);
  const std::string command = append_command("a", "split") + "b NOOP\r\n";
  std::string out;
  for (char byte : command) out += w.send(c, std::string(1, byte));
  EXPECT_THAT(out, HasSubstr("a OK"));
  EXPECT_THAT(out, HasSubstr("b OK"));
}

TEST(Server, BadLinesGetBadAndTheConnectionResyncs) {
  World w;
  testing::Client& c = w.connect();
  c.take();
  EXPECT_THAT(w.send(c, "\x01\x02garbage\r\n"), StartsWith("* BAD"));
  EXPECT_THAT(w.send(c, "x FROBNICATE\r\n"), StartsWith("x BAD"));
  EXPECT_THAT(w.send(c, "y NOOP\r\n"), StartsWith("y OK"));
  EXPECT_FALSE(c.transport.closed);
}

TEST(Server, EndlessGarbageGetsBye) {
  ServerConfig config = testing::test_config();
  config.limits.parse_errors_max = 5;
  World w(config);
  testing::Client& c = w.connect();
  c.take();
  std::string out;
  for (int i = 0; i < 4; ++i) out += w.send(c, "!!!\r\n");
  EXPECT_FALSE(c.transport.closed);
  out += w.send(c, "!!!\r\n");
  EXPECT_THAT(out, HasSubstr("* BYE"));
  EXPECT_TRUE(c.transport.closed);
}

TEST(Server, PipelinedCommandsRunInOrder) {
  World w;
  testing::Client& c = selected_client(w, 3);
  // RFC 3501 §5.5: STORE then EXPUNGE then FETCH depend on each other; SEQ-12.
  const std::string out =
      w.send(c, "a STORE 2 +FLAGS (\\Deleted)\r\nb EXPUNGE\r\nc FETCH 1:* (UID)\r\nd NOOP\r\n");
  const auto a = out.find("a OK"), b = out.find("b OK"), c_ok = out.find("c OK"), d = out.find("d OK");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(c_ok, std::string::npos);
  ASSERT_NE(d, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c_ok);
  EXPECT_LT(c_ok, d);
  EXPECT_THAT(out, HasSubstr("* 2 EXPUNGE"));
  EXPECT_THAT(out.substr(b), HasSubstr("* 2 FETCH (UID 3)"));
  EXPECT_THAT(out, Not(HasSubstr("(UID 2)")));
}

TEST(Server, NextCommandStartsOnlyAfterThePreviousOneIsQueued) {
  World w;
  testing::Client& c = selected_client(w, 1);
  w.executor.points.clear();
  w.send(c, "a NOOP\r\nb NOOP\r\n");
  // Each command: store access; between them the next command is read as its own step.
  const std::vector<AwaitPoint> expected = {AwaitPoint::StoreAccess, AwaitPoint::ReadInput, AwaitPoint::StoreAccess};
  EXPECT_EQ(w.executor.points, expected);
}

TEST(Server, IdleReceivesPushFromAnotherConnection) {
  World w;
  testing::Client& idler = selected_client(w, 1);
  EXPECT_EQ(w.send(idler, "i IDLE\r\n"), "+ idling\r\n");
  testing::Client& other = w.connect();
  login(w, other, "alice", "wonderland");
  EXPECT_THAT(w.send(other, append_command("p", "pushed")), HasSubstr("p OK"));
  // Nothing sent by the idler: the update arrives on its own (RFC 2177, NTF-1).
  EXPECT_THAT(idler.take(), HasSubstr("* 2 EXISTS"));
  EXPECT_THAT(w.send(idler, "DONE\r\n"), HasSubstr("i OK"));
  EXPECT_EQ(w.server.connection(idler.id)->phase(), Connection::Phase::Reading);
}

TEST(Server, IdleEndedByAnythingButDoneIsBad) {
  World w;
  testing::Client& idler = selected_client(w, 0);
  w.send(idler, "i IDLE\r\n");
  EXPECT_THAT(w.send(idler, "NOTDONE\r\n"), HasSubstr("i BAD"));
  EXPECT_THAT(w.send(idler, "n NOOP\r\n"), HasSubstr("n OK"));
}

TEST(Server, NotifyDeliversBetweenCommands) {
  World w;
  testing::Client& watcher = selected_client(w, 1);
  EXPECT_THAT(w.send(watcher, "n NOTIFY SET (SELECTED (MessageNew MessageExpunge))\r\n"), HasSubstr("n OK"));
  testing::Client& other = w.connect();
  login(w, other, "alice", "wonderland");
  w.send(other, append_command("p", "notified"));
  // RFC 5465 §5.2: the new message is announced without any command in progress.
  EXPECT_THAT(watcher.take(), HasSubstr("* 2 EXISTS"));
}

TEST(Server, NoUpdatesBetweenCommandsWithoutNotify) {
  World w;
  testing::Client& plain = selected_client(w, 1);
  testing::Client& other = w.connect();
  login(w, other, "alice", "wonderland");
  w.send(other, append_command("p", "quiet"));
  EXPECT_EQ(plain.take(), "");  // RFC 3501 §5.2: only during a command
  EXPECT_THAT(w.send(plain, "n NOOP\r\n"), HasSubstr("* 2 EXISTS"));
}

TEST(Server, SlowReaderIsBoundedAndThenDisconnected) {
  ServerConfig config = testing::test_config();
  config.limits.output_soft_bytes = 2000;
  World w(config);
  testing::Client& c = selected_client(w, 20);
  c.transport.window = 0;  // the peer stops reading
  std::string pipeline;
  for (int i = 0; i < 200; ++i) pipeline += "f" + std::to_string(i) + " FETCH 1:* (BODY.PEEK[])\r\n";
  w.send(c, pipeline);
  const std::size_t queued = w.server.connection(c.id)->output_bytes();
  // The queue stops growing at the soft bound plus at most one batch: no further command is run.
  EXPECT_GT(queued, config.limits.output_soft_bytes);
  EXPECT_LT(queued, config.limits.output_soft_bytes + config.limits.output_batch_bytes + 4096);
  w.advance(config.limits.write_stall_ms - 1);
  EXPECT_FALSE(c.transport.closed);
  w.advance(1);
  EXPECT_TRUE(c.transport.closed);
  EXPECT_EQ(w.server.connection(c.id), nullptr);
}

TEST(Server, SlowReaderThatCatchesUpGetsEverythingInOrder) {
  ServerConfig config = testing::test_config();
  config.limits.output_soft_bytes = 500;
  config.limits.output_batch_bytes = 300;
  World w(config);
  testing::Client& c = selected_client(w, 10);
  c.transport.window = 0;
  std::string pipeline;
  for (int i = 0; i < 20; ++i) pipeline += "f" + std::to_string(i) + " FETCH 1:* (UID)\r\n";
  w.send(c, pipeline);
  std::string all;
  for (int round = 0; round < 1000 && all.find("f19 OK") == std::string::npos; ++round) {
    w.set_window(c, 100);  // a slow trickle
    all += c.take();
  }
  std::size_t last = 0;
  for (int i = 0; i < 20; ++i) {
    const std::size_t at = all.find("f" + std::to_string(i) + " OK");
    ASSERT_NE(at, std::string::npos) << i;
    EXPECT_GT(at, last);
    last = at;
  }
}

TEST(Server, OutputOverTheHardLimitGetsBye) {
  ServerConfig config = testing::test_config();
  config.limits.output_hard_bytes = 1000;
  World w(config);
  testing::Client& c = selected_client(w, 0);
  const std::string body = "A: b\r\n\r\n" + std::string(5000, 'x');
  EXPECT_THAT(w.send(c, "a APPEND INBOX {" + std::to_string(body.size()) + "+}\r\n" + body + "\r\n"),
              HasSubstr("a OK"));
  w.send(c, "n NOOP\r\n");
  c.transport.window = 0;
  w.send(c, "f FETCH 1 BODY.PEEK[]\r\n");
  EXPECT_TRUE(c.transport.closed);
}

TEST(Server, NotifyClientThatFallsBehindGetsOverflow) {
  ServerConfig config = testing::test_config();
  config.limits.notify_backlog_bytes = 300;
  World w(config);
  testing::Client& watcher = selected_client(w, 0);
  EXPECT_THAT(w.send(watcher, "n NOTIFY SET (SELECTED (MessageNew MessageExpunge))\r\n"), HasSubstr("n OK"));
  watcher.transport.window = 0;
  testing::Client& other = w.connect();
  login(w, other, "alice", "wonderland");
  for (int i = 0; i < 40; ++i) w.send(other, append_command("p" + std::to_string(i), "flood"));
  const std::size_t after_flood = w.server.connection(watcher.id)->output_bytes();
  for (int i = 0; i < 20; ++i) w.send(other, append_command("q" + std::to_string(i), "more"));
  // RFC 5465 §5.8: once overflowed, NOTIFY is off and the queue stops growing.
  EXPECT_EQ(w.server.connection(watcher.id)->output_bytes(), after_flood);
  EXPECT_FALSE(w.server.connection(watcher.id)->notify_active());
  w.set_window(watcher, std::size_t(-1));
  EXPECT_THAT(watcher.take(), HasSubstr("* OK [NOTIFICATIONOVERFLOW]"));
  EXPECT_FALSE(watcher.transport.closed);
}

TEST(Server, AutologoutAfterThirtyMinutesOnTheFakeClock) {
  World w;
  testing::Client& c = w.connect();
  login(w, c);
  w.advance(29 * minute_ms);
  EXPECT_THAT(w.send(c, "n NOOP\r\n"), HasSubstr("n OK"));  // activity moves the deadline
  w.advance(30 * minute_ms - 1);
  EXPECT_FALSE(c.transport.closed);
  w.advance(1);
  EXPECT_THAT(c.take(), HasSubstr("* BYE"));
  EXPECT_TRUE(c.transport.closed);
}

TEST(Server, LoginTimeoutIsShorter) {
  World w;
  testing::Client& c = w.connect();
  c.take();
  w.advance(defaults::login_timeout_ms);
  EXPECT_THAT(c.take(), HasSubstr("* BYE"));
  EXPECT_TRUE(c.transport.closed);
}

TEST(Server, IdleTimesOutAfterItsOwnLimit) {
  World w;
  testing::Client& c = selected_client(w, 0);
  w.send(c, "i IDLE\r\n");
  w.advance(30 * minute_ms);
  EXPECT_FALSE(c.transport.closed);  // RFC 2177 §3: clients re-IDLE every 29 minutes; we allow more
  w.advance(defaults::idle_timeout_ms - 30 * minute_ms);
  EXPECT_TRUE(c.transport.closed);
}

TEST(Server, HalfClosedPeerStillGetsItsAnswers) {
  World w;
  testing::Client& c = w.connect();
  c.take();
  w.server.on_bytes(c.id, "a NOOP\r\nb CAPABILITY\r\n");
  w.server.on_peer_closed(c.id);
  w.executor.run();
  const std::string out = c.take();
  EXPECT_THAT(out, HasSubstr("a OK"));
  EXPECT_THAT(out, HasSubstr("b OK"));
  EXPECT_TRUE(c.transport.closed);
}

TEST(Server, LiteralHeaderWithoutDataWaitsThenTimesOut) {
  World w;
  testing::Client& c = w.connect();
  login(w, c);
  EXPECT_EQ(w.send(c, "a APPEND INBOX {100}\r\n"), "+ Ready for literal data\r\n");
  testing::Client& other = w.connect();
  EXPECT_THAT(login(w, other, "bob", "builder"), HasSubstr("l OK"));  // others are served meanwhile
  w.advance(defaults::autologout_ms);
  EXPECT_TRUE(c.transport.closed);
}

TEST(Server, StartTlsDiscardsPipelinedPlaintext) {
  ServerConfig config = testing::test_config();
  config.model_options.starttls_available = true;
  config.model_options.allow_plaintext = false;
  World w(config);
  testing::Client& c = w.connect(/*tls_available=*/true);
  EXPECT_THAT(c.take(), AllOf(HasSubstr("STARTTLS"), HasSubstr("LOGINDISABLED")));
  // The LOGIN after STARTTLS in the same packet is an injection attempt (CVE-2011-0411): dropped.
  const std::string out = w.send(c, "t STARTTLS\r\nl LOGIN alice wonderland\r\n");
  EXPECT_THAT(out, HasSubstr("t OK"));
  EXPECT_THAT(out, Not(HasSubstr("l ")));
  EXPECT_TRUE(c.transport.tls);
  EXPECT_THAT(w.send(c, "c CAPABILITY\r\n"), AllOf(Not(HasSubstr("LOGINDISABLED")), Not(HasSubstr("STARTTLS"))));
  EXPECT_THAT(login(w, c), HasSubstr("l OK"));
}

TEST(Server, StartTlsWithoutCertificateIsRefused) {
  World w;
  testing::Client& c = w.connect(/*tls_available=*/false);
  EXPECT_THAT(c.take(), Not(HasSubstr("STARTTLS")));
  EXPECT_THAT(w.send(c, "t STARTTLS\r\n"), AllOf(StartsWith("t "), Not(HasSubstr("t OK"))));
  EXPECT_FALSE(c.transport.tls);
}

TEST(Server, InputIsPausedWhileACommandWaitsForASlowReader) {
  ServerConfig config = testing::test_config();
  config.limits.input_pause_bytes = 1000;
  config.limits.output_soft_bytes = 100;
  World w(config);
  testing::Client& c = selected_client(w, 5);
  c.transport.window = 0;
  std::string pipeline;
  for (int i = 0; i < 100; ++i) pipeline += "f FETCH 1:* (UID FLAGS)\r\n";
  w.send(c, pipeline);
  EXPECT_TRUE(c.transport.paused);
  w.set_window(c, std::size_t(-1));
  for (int i = 0; i < 100 && c.transport.paused; ++i) w.set_window(c, std::size_t(-1));
  EXPECT_FALSE(c.transport.paused);
}

TEST(Server, TooManyConnectionsGetBye) {
  ServerConfig config = testing::test_config();
  config.limits.connections_max = 1;
  World w(config);
  testing::Client& first = w.connect();
  testing::Client& second = w.connect();
  EXPECT_THAT(first.take(), StartsWith("* OK"));
  EXPECT_THAT(second.take(), StartsWith("* BYE"));
  EXPECT_TRUE(second.transport.closed);
}

TEST(Server, ShutdownSaysByeToEveryone) {
  World w;
  testing::Client& a = w.connect();
  testing::Client& b = selected_client(w, 0);
  a.take();
  w.server.shutdown("Server shutting down");
  w.executor.run();
  EXPECT_THAT(a.take(), HasSubstr("* BYE Server shutting down"));
  EXPECT_THAT(b.take(), HasSubstr("* BYE"));
  EXPECT_EQ(w.server.connection_count(), 0u);
}

}  // namespace
}  // namespace imaplab::server
