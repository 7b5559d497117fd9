// The bug zoo's server-layer bugs (model/bugs.hpp): for each, the same exchange with the bug off gives the
// bytes RFC 3501 / RFC 2177 / RFC 5465 require, and with the bug on the wrong ones named in its catalogue line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <string>

#include "tests/server/fake_world.hpp"

namespace imaplab::server {
namespace {

using testing::World;
using ::testing::HasSubstr;
using ::testing::Not;

ServerConfig with_bug(std::optional<model::Bug> bug) {
  ServerConfig config = testing::test_config();
  if (bug) config.model_options.bugs.add(*bug);
  return config;
}

std::string append_command(const std::string& tag, const std::string& subject) {
  const std::string body = "Subject: " + subject + "\r\n\r\nhello\r\n";
  return tag + " APPEND INBOX {" + std::to_string(body.size()) + "+}\r\n" + body + "\r\n";
}

testing::Client& logged_in(World& w) {
  testing::Client& c = w.connect();
  c.take();
  EXPECT_THAT(w.send(c, "l LOGIN alice wonderland\r\n"), HasSubstr("l OK"));
  return c;
}

testing::Client& selected(World& w, int messages) {
  testing::Client& c = logged_in(w);
  for (int i = 0; i < messages; ++i) w.send(c, append_command("a" + std::to_string(i), "m" + std::to_string(i)));
  EXPECT_THAT(w.send(c, "s SELECT INBOX\r\n"), HasSubstr("s OK"));
  return c;
}

// ---- PipelineReorder (SEQ-12) ----

std::string store_then_expunge(std::optional<model::Bug> bug) {
  World w(with_bug(bug));
  testing::Client& c = selected(w, 3);
  return w.send(c, "t STORE 2 +FLAGS (\\Deleted)\r\ne EXPUNGE\r\n");
}

TEST(Zoo, PipelineReorderOffRunsStoreBeforeExpunge) {
  const std::string out = store_then_expunge(std::nullopt);
  EXPECT_LT(out.find("t OK"), out.find("e OK"));
  EXPECT_THAT(out, HasSubstr("* 2 EXPUNGE"));
}

TEST(Zoo, PipelineReorderOnLetsExpungeOvertakeTheStore) {
  const std::string out = store_then_expunge(model::Bug::PipelineReorder);
  ASSERT_NE(out.find("t OK"), std::string::npos);
  EXPECT_GT(out.find("t OK"), out.find("e OK"));   // EXPUNGE completed first
  EXPECT_THAT(out, Not(HasSubstr("* 2 EXPUNGE")));  // so it removed nothing
}

// ---- PushDelayed (NTF-2) ----

// The idler's steps are held while another connection commits two APPENDs, as a slow connection in the
// simulator would be; then the idler runs.
struct TwoAppendsWhileIdlerWaits {
  explicit TwoAppendsWhileIdlerWaits(std::optional<model::Bug> bug) : w(with_bug(bug)), idler(selected(w, 1)) {
    EXPECT_EQ(w.send(idler, "i IDLE\r\n"), "+ idling\r\n");
    testing::Client& other = logged_in(w);
    w.executor.hold(idler.id);
    EXPECT_THAT(w.send(other, append_command("p", "one")), HasSubstr("p OK"));
    EXPECT_THAT(w.send(other, append_command("q", "two")), HasSubstr("q OK"));
    w.executor.release(idler.id);
    w.executor.run();
    received = idler.take();
  }
  World w;
  testing::Client& idler;
  std::string received;
};

TEST(Zoo, PushDelayedOffPushesEveryCommittedChange) {
  TwoAppendsWhileIdlerWaits run(std::nullopt);
  EXPECT_THAT(run.received, HasSubstr("* 3 EXISTS"));
}

TEST(Zoo, PushDelayedOnLeavesTheSecondChangeUnpushed) {
  TwoAppendsWhileIdlerWaits run(model::Bug::PushDelayed);
  EXPECT_THAT(run.received, HasSubstr("* 2 EXISTS"));
  EXPECT_THAT(run.received, Not(HasSubstr("* 3 EXISTS")));
  run.w.advance(10 * 60 * 1000);  // no later event: ten minutes of nothing
  EXPECT_EQ(run.idler.take(), "");
  // Only the next event (here the client's DONE) brings it out.
  EXPECT_THAT(run.w.send(run.idler, "DONE\r\n"), HasSubstr("* 3 EXISTS"));
}

// ---- ExpungeBetweenFetchBatches (SEQ-2) ----

std::string fetch_after_foreign_expunge(std::optional<model::Bug> bug) {
  ServerConfig config = with_bug(bug);
  config.limits.output_batch_bytes = 1;  // one response per batch: a "long" FETCH of three messages
  World w(config);
  testing::Client& reader = selected(w, 3);
  testing::Client& expunger = logged_in(w);
  w.send(expunger, "s SELECT INBOX\r\n");
  EXPECT_THAT(w.send(expunger, "t STORE 1 +FLAGS (\\Deleted)\r\ne EXPUNGE\r\n"), HasSubstr("e OK"));
  return w.send(reader, "f FETCH 1:3 (UID)\r\n");
}

TEST(Zoo, ExpungeBetweenFetchBatchesOffKeepsExpungeOutOfFetch) {
  const std::string out = fetch_after_foreign_expunge(std::nullopt);
  EXPECT_THAT(out, HasSubstr("\r\nf "));  // completed (OK or NO by the fetch= policy, RFC 2180 §4.1)
  EXPECT_THAT(out, Not(HasSubstr("EXPUNGE")));  // RFC 3501 §7.4.1: not during FETCH
}

TEST(Zoo, ExpungeBetweenFetchBatchesOnPutsExpungeInsideTheFetchAnswer) {
  const std::string out = fetch_after_foreign_expunge(model::Bug::ExpungeBetweenFetchBatches);
  const std::size_t expunge = out.find("* 1 EXPUNGE");
  ASSERT_NE(expunge, std::string::npos);
  EXPECT_LT(expunge, out.find("\r\nf "));
  EXPECT_GT(expunge, out.find(" FETCH ("));  // between the FETCH responses
}

// ---- IdleDoneDropsUpdates (NTF-1) ----

// The idler stops reading (window 0) so that updates wait in the model rather than being pushed, then sends
// DONE; RFC 2177 §3 wants them before the tagged OK.
std::string done_after_unread_update(std::optional<model::Bug> bug) {
  ServerConfig config = with_bug(bug);
  config.limits.output_soft_bytes = 1;
  World w(config);
  testing::Client& idler = selected(w, 1);
  idler.transport.window = 0;
  w.send(idler, "i IDLE\r\n");
  testing::Client& other = logged_in(w);
  EXPECT_THAT(w.send(other, append_command("p", "pushed")), HasSubstr("p OK"));
  w.server.on_bytes(idler.id, "DONE\r\n");
  w.executor.run();
  w.set_window(idler, std::numeric_limits<std::size_t>::max());
  return idler.take();
}

TEST(Zoo, IdleDoneDropsUpdatesOffSendsThemBeforeOk) {
  const std::string out = done_after_unread_update(std::nullopt);
  EXPECT_THAT(out, HasSubstr("* 2 EXISTS"));
  EXPECT_LT(out.find("* 2 EXISTS"), out.find("i OK"));
}

TEST(Zoo, IdleDoneDropsUpdatesOnLosesThem) {
  const std::string out = done_after_unread_update(model::Bug::IdleDoneDropsUpdates);
  EXPECT_THAT(out, HasSubstr("i OK"));
  EXPECT_THAT(out, Not(HasSubstr("EXISTS")));
}

}  // namespace
}  // namespace imaplab::server
