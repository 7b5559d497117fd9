// BUGGIFY fault sites (server/buggify.hpp): off costs nothing and changes nothing; each site, forced on,
// fires and changes the byte stream or its timing while the answers stay what RFC 3501 requires.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "tests/server/fake_world.hpp"

namespace imaplab::server {
namespace {

using testing::World;
using ::testing::HasSubstr;
using ::testing::Not;

std::string append_command(const std::string& tag, const std::string& subject) {
  const std::string body = "Subject: " + subject + "\r\n\r\nhello\r\n";
  return tag + " APPEND INBOX {" + std::to_string(body.size()) + "+}\r\n" + body + "\r\n";
}

ServerConfig forced(std::uint32_t sites) {
  ServerConfig config = testing::test_config();
  config.buggify = true;
  config.buggify_sites_forced = sites;
  return config;
}

// A fixed session: login, three APPENDs, SELECT, pipelined FETCH/STORE/NOOP, LOGOUT. Returns every byte
// the client received.
std::string session_transcript(World& w) {
  testing::Client& c = w.connect();
  std::string all = c.take();
  all += w.send(c, "l LOGIN alice wonderland\r\n");
  for (int i = 0; i < 3; ++i) all += w.send(c, append_command("a" + std::to_string(i), "m" + std::to_string(i)));
  all += w.send(c, "s SELECT INBOX\r\n");
  all += w.send(c, "f FETCH 1:3 (UID FLAGS BODY.PEEK[])\r\nt STORE 2 +FLAGS (\\Seen)\r\nn NOOP\r\n");
  all += w.send(c, "o LOGOUT\r\n");
  EXPECT_TRUE(c.transport.closed);
  return all;
}

// The transcript without the lines BUGGIFY may add (an informational "* OK Still here", a repeated FLAGS).
std::string without_extras(const std::string& transcript) {
  std::string out;
  std::string previous;
  std::size_t at = 0;
  while (at < transcript.size()) {
    const std::size_t end = transcript.find("\r\n", at);
    const std::string line = transcript.substr(at, end == std::string::npos ? std::string::npos : end + 2 - at);
    at = end == std::string::npos ? transcript.size() : end + 2;
    const bool repeated_flags = line.rfind("* FLAGS ", 0) == 0 && line == previous;
    if (line.rfind("* OK Still here", 0) != 0 && !repeated_flags) out += line;
    previous = line;
  }
  return out;
}

std::string baseline() {
  World w;
  return session_transcript(w);
}

TEST(Buggify, OffEnablesNoSiteAndNeverFires) {
  Buggify off;
  EXPECT_FALSE(off.any_enabled());
  EXPECT_EQ(off.describe(), "none");
  for (std::size_t i = 0; i < fault_site_count; ++i) EXPECT_FALSE(off.fires(static_cast<FaultSite>(i)));
  World w;  // buggify off by default: the server draws no site
  EXPECT_FALSE(w.server.buggify_sites().any_enabled());
}

TEST(Buggify, EachSiteIsEnabledInAboutAQuarterOfTheServers) {
  constexpr int servers = 2000;
  std::array<int, fault_site_count> enabled{};
  for (int s = 0; s < servers; ++s) {
    testing::CountingRandom random(static_cast<std::uint64_t>(s) * 7919);  // a different stream per server
    Buggify b(random);
    for (std::size_t i = 0; i < fault_site_count; ++i) enabled[i] += b.enabled(static_cast<FaultSite>(i));
  }
  for (std::size_t i = 0; i < fault_site_count; ++i) {
    EXPECT_GT(enabled[i], servers / 8) << fault_site_name(static_cast<FaultSite>(i));
    EXPECT_LT(enabled[i], servers * 3 / 8) << fault_site_name(static_cast<FaultSite>(i));
  }
}

TEST(Buggify, OnWithRandomSitesKeepsTheAnswersCorrect) {
  const std::string expected = baseline();
  int with_sites = 0;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    ServerConfig config = testing::test_config();
    config.buggify = true;
    World w(config, seed * 7919);
    with_sites += w.server.buggify_sites().any_enabled();
    EXPECT_EQ(without_extras(session_transcript(w)), expected)
        << "seed " << seed << ", sites " << w.server.buggify_sites().describe();
  }
  EXPECT_GT(with_sites, 20);  // 1 - 0.75^7 of the servers have a site on
}

TEST(Buggify, ExtraUntaggedOkAddsAnInformationalLineBeforeEachCompletion) {
  World w(forced(fault_site_bit(FaultSite::ExtraUntaggedOk)));
  const std::string out = session_transcript(w);
  EXPECT_NE(out, baseline());
  EXPECT_THAT(out, HasSubstr("* OK Still here (RFC 3501 section 7.1.1)\r\nf OK"));
  EXPECT_THAT(out, Not(HasSubstr("Still here (RFC 3501 section 7.1.1)\r\n* BYE")));  // none with LOGOUT's BYE
  EXPECT_EQ(without_extras(out), baseline());
  EXPECT_GT(w.server.buggify_sites().fired(FaultSite::ExtraUntaggedOk), 5u);
}

TEST(Buggify, RepeatFlagsSendsTheSelectFlagsTwice) {
  World w(forced(fault_site_bit(FaultSite::RepeatFlags)));
  const std::string out = session_transcript(w);
  const std::size_t first = out.find("* FLAGS (");
  ASSERT_NE(first, std::string::npos);
  const std::string line = out.substr(first, out.find("\r\n", first) + 2 - first);
  EXPECT_THAT(out, HasSubstr(line + line));
  EXPECT_EQ(without_extras(out), baseline());
}

TEST(Buggify, SplitWriteGivesTheSameBytesInTinyWrites) {
  World plain;
  testing::Client& p = plain.connect();
  plain.send(p, "l LOGIN alice wonderland\r\n");
  const std::size_t plain_writes = p.transport.writes;

  World w(forced(fault_site_bit(FaultSite::SplitWrite)));
  const std::string out = session_transcript(w);
  EXPECT_EQ(out, baseline());
  // Greeting and LOGIN's answer alone are hundreds of bytes: at most 16 a write now.
  World split(forced(fault_site_bit(FaultSite::SplitWrite)));
  testing::Client& s = split.connect();
  split.send(s, "l LOGIN alice wonderland\r\n");
  EXPECT_GT(s.transport.writes, plain_writes * 10);
  EXPECT_TRUE(s.transport.total > 0 && !s.transport.closed);
}

TEST(Buggify, ShortOutputBatchRunsAFetchAsManyOutputSteps) {
  World w(forced(fault_site_bit(FaultSite::ShortOutputBatch)));
  const std::string out = session_transcript(w);
  EXPECT_EQ(out, baseline());
  std::size_t batches = 0;
  for (AwaitPoint p : w.executor.points) batches += p == AwaitPoint::OutputBatch;
  EXPECT_GE(batches, 3u);  // FETCH 1:3: three FETCH responses and the tagged OK, one per batch
}

TEST(Buggify, YieldBeforeParseParsesInAPostedStep) {
  World w(forced(fault_site_bit(FaultSite::YieldBeforeParse)));
  testing::Client& c = w.connect();
  c.take();
  w.executor.points.clear();
  EXPECT_THAT(w.send(c, "l LOGIN alice wonderland\r\n"), HasSubstr("l OK"));
  ASSERT_FALSE(w.executor.points.empty());
  EXPECT_EQ(w.executor.points.front(), AwaitPoint::ReadInput);
  World whole(forced(fault_site_bit(FaultSite::YieldBeforeParse)));
  EXPECT_EQ(session_transcript(whole), baseline());
}

TEST(Buggify, DelayedDeliveryArrivesLaterButWithinTheBound) {
  World w(forced(fault_site_bit(FaultSite::DelayedDelivery)));
  testing::Client& idler = w.connect();
  w.send(idler, "l LOGIN alice wonderland\r\n");
  w.send(idler, append_command("a", "first"));
  w.send(idler, "s SELECT INBOX\r\n");
  EXPECT_EQ(w.send(idler, "i IDLE\r\n"), "+ idling\r\n");
  testing::Client& other = w.connect();
  w.send(other, "l LOGIN alice wonderland\r\n");
  EXPECT_THAT(w.send(other, append_command("p", "pushed")), HasSubstr("p OK"));
  EXPECT_EQ(idler.take(), "");  // not yet: the push waits on a timer
  w.advance(buggify_defaults::delivery_delay_max_ms);
  EXPECT_THAT(idler.take(), HasSubstr("* 2 EXISTS"));
  EXPECT_THAT(w.send(idler, "DONE\r\n"), HasSubstr("i OK"));
}

TEST(Buggify, YieldDeliveryRepostsOnceAndStillDelivers) {
  World w(forced(fault_site_bit(FaultSite::YieldDelivery)));
  testing::Client& watcher = w.connect();
  w.send(watcher, "l LOGIN alice wonderland\r\n");
  w.send(watcher, "s SELECT INBOX\r\n");
  EXPECT_THAT(w.send(watcher, "n NOTIFY SET (SELECTED (MessageNew MessageExpunge))\r\n"), HasSubstr("n OK"));
  testing::Client& other = w.connect();
  w.send(other, "l LOGIN alice wonderland\r\n");
  w.executor.points.clear();
  w.send(other, append_command("p", "notified"));
  std::size_t deliveries = 0;
  for (AwaitPoint p : w.executor.points) deliveries += p == AwaitPoint::NotifyDelivery;
  EXPECT_EQ(deliveries, 2u);  // the first step yielded, the second delivered
  EXPECT_THAT(watcher.take(), HasSubstr("* 1 EXISTS"));
}

}  // namespace
}  // namespace imaplab::server
