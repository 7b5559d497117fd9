// Throughput of the wire layer on realistic traffic: the command parser over a client mix, the response
// parser over FETCH responses, and both writers. Reports items/s and bytes/s; the targets are >= 2 million
// commands/s and >= 1 million FETCH responses/s parsed on one core.
#include <benchmark/benchmark.h>

#include <string>
#include <variant>
#include <vector>

#include "proto/command_parser.hpp"
#include "proto/response_parser.hpp"
#include "proto/writer.hpp"

namespace imaplab::proto {
namespace {

constexpr std::size_t append_literal_bytes = 4096;
constexpr std::size_t fetch_body_bytes = 2048;

std::string message_of(std::size_t bytes) {
  std::string m = "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: benchmark\r\n\r\n";
  while (m.size() + 2 <= bytes) m += (m.size() % 64 == 62) ? "\r\n" : "x";
  m.resize(bytes, 'x');
  return m;
}

// A client mix weighted toward what mail clients send most: UID FETCH, STORE, SEARCH, plus APPEND with a
// 4 KiB literal and a NOTIFY SET with several groups.
std::vector<std::string> command_mix() {
  std::vector<std::string> mix = {
      "a1 UID FETCH 1:* (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (From To Cc Subject Date "
      "Message-ID References In-Reply-To)])\r\n",
      "a2 UID FETCH 4827:4900 (FLAGS MODSEQ) (CHANGEDSINCE 12345678)\r\n",
      "a3 STORE 1:5,9,12:20 +FLAGS.SILENT (\\Seen $Forwarded)\r\n",
      "a4 UID STORE 4900 -FLAGS.SILENT (\\Deleted)\r\n",
      "a5 UID SEARCH OR (SINCE 1-Feb-2024 FROM \"alice@example.org\") NOT (SEEN BEFORE 1-Jan-2020) UNDELETED\r\n",
      "a6 SEARCH CHARSET UTF-8 SUBJECT \"quarterly report\" LARGER 10000 NOT KEYWORD $Junk\r\n",
      "a7 NOTIFY SET STATUS (selected (MessageNew (UID FLAGS BODY.PEEK[HEADER.FIELDS (From Subject)]) "
      "MessageExpunge FlagChange)) (subtree Lists (MessageNew MessageExpunge)) (mailboxes (INBOX Drafts Sent) "
      "(MessageNew MessageExpunge FlagChange)) (personal (MailboxName SubscriptionChange))\r\n",
      "a8 UID FETCH 4901 (UID FLAGS BODYSTRUCTURE ENVELOPE)\r\n",
      "a9 NOOP\r\n",
      "a10 UID COPY 4800:4810 Archive/2024\r\n",
  };
  mix.push_back("a11 APPEND Sent (\\Seen) \"17-Jul-2024 02:44:25 -0700\" {" + std::to_string(append_literal_bytes) +
                "+}\r\n" + message_of(append_literal_bytes) + "\r\n");
  return mix;
}

std::string envelope() {
  return "(\"Wed, 17 Jul 2024 02:23:25 -0700\" \"Re: quarterly report\" ((\"Alice Example\" NIL \"alice\" "
         "\"example.org\")) ((\"Alice Example\" NIL \"alice\" \"example.org\")) ((\"Alice Example\" NIL \"alice\" "
         "\"example.org\")) ((NIL NIL \"bob\" \"example.org\")) NIL NIL \"<123@example.org>\" "
         "\"<456@example.org>\")";
}

// FETCH responses as a server sends them after a client's UID FETCH: mostly metadata, every eighth with a
// body literal.
std::vector<std::string> fetch_response_mix() {
  std::vector<std::string> mix;
  for (int i = 1; i <= 8; ++i) {
    const std::string n = std::to_string(1000 + i);
    if (i == 8) {
      mix.push_back("* " + n + " FETCH (UID " + n + " BODY[] {" + std::to_string(fetch_body_bytes) + "}\r\n" +
                    message_of(fetch_body_bytes) + " FLAGS (\\Seen))\r\n");
    } else {
      mix.push_back("* " + n + " FETCH (FLAGS (\\Seen $Forwarded) UID " + n + " RFC822.SIZE 44827 ENVELOPE " +
                    envelope() + ")\r\n");
    }
  }
  return mix;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string all;
  for (const auto& p : parts) all += p;
  return all;
}

// Feeds a whole stream to one parser, as a connection would, and counts the values it produced.
template <typename Parser, typename Value>
std::size_t parse_stream(Parser& parser, std::string_view stream) {
  std::size_t values = 0;
  while (!stream.empty()) {
    auto r = parser.feed(stream);
    stream.remove_prefix(r.consumed);
    if (std::holds_alternative<Value>(r.event)) ++values;
    benchmark::DoNotOptimize(r.event);
  }
  return values;
}

void BM_CommandParser(benchmark::State& state) {
  const auto mix = command_mix();
  const std::string stream = joined(mix);
  CommandParser parser;
  for (auto _ : state) {
    const std::size_t n = parse_stream<CommandParser, Command>(parser, stream);
    if (n != mix.size()) state.SkipWithError("a command of the mix did not parse");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * mix.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_CommandParser);

// The same mix without the APPEND, so the 4 KiB literal copy does not dominate the per-command cost.
void BM_CommandParserNoAppend(benchmark::State& state) {
  auto mix = command_mix();
  mix.pop_back();
  const std::string stream = joined(mix);
  CommandParser parser;
  for (auto _ : state) {
    const std::size_t n = parse_stream<CommandParser, Command>(parser, stream);
    if (n != mix.size()) state.SkipWithError("a command of the mix did not parse");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * mix.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_CommandParserNoAppend);

void BM_FetchResponseParser(benchmark::State& state) {
  const auto mix = fetch_response_mix();
  const std::string stream = joined(mix);
  ResponseParser parser;
  for (auto _ : state) {
    const std::size_t n = parse_stream<ResponseParser, Response>(parser, stream);
    if (n != mix.size()) state.SkipWithError("a response of the mix did not parse");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * mix.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
}
BENCHMARK(BM_FetchResponseParser);

template <typename Value, typename Parse>
std::vector<Value> parse_all(const std::vector<std::string>& texts, Parse parse) {
  std::vector<Value> values;
  for (const auto& t : texts) {
    auto parsed = parse(t);
    if (auto* v = std::get_if<Value>(&parsed)) values.push_back(std::move(*v));
  }
  return values;
}

void BM_CommandWriter(benchmark::State& state) {
  const auto commands = parse_all<Command>(command_mix(), [](const std::string& t) { return parse_command(t); });
  if (commands.size() != command_mix().size()) state.SkipWithError("a command of the mix did not parse");
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& c : commands) {
      std::string out = write_command(c);
      bytes += out.size();
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * commands.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_CommandWriter);

void BM_FetchResponseWriter(benchmark::State& state) {
  const auto responses =
      parse_all<Response>(fetch_response_mix(), [](const std::string& t) { return parse_response(t); });
  if (responses.size() != fetch_response_mix().size()) state.SkipWithError("a response of the mix did not parse");
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& r : responses) {
      std::string out = write_response(r);
      bytes += out.size();
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * responses.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_FetchResponseWriter);

}  // namespace
}  // namespace imaplab::proto

BENCHMARK_MAIN();
