// imaplab-load: a load generator for `imaplab serve`. N connections (default 500) each pipeline a mix of
// APPEND/FETCH/STORE/EXPUNGE against their own mailbox for T seconds on loopback, then verify that every
// APPEND answered OK (and not flagged for expunge) is still there. Reports commands/s, p50/p99 latency and
// the server's peak memory (VmHWM). A benchmark, not a test: it measures and prints.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "proto/response_parser.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string imaplab;  // spawn `imaplab serve --demo` when set
  std::string host = "127.0.0.1";
  int port = 0;
  std::string user, password;
  pid_t server_pid = 0;
  int connections = 500;
  int seconds = 30;
  int pipeline = 8;  // commands in flight per connection
  int body_bytes = 512;
};

// One command of the mix; `keep` APPENDs must survive, scratch APPENDs carry \Deleted for EXPUNGE.
enum class Kind { AppendKeep, AppendScratch, Fetch, FetchBody, Store, Expunge, Setup, Verify };
constexpr Kind mix[] = {Kind::AppendKeep, Kind::Fetch, Kind::Store, Kind::AppendScratch,
                        Kind::FetchBody,  Kind::Store, Kind::Fetch, Kind::Expunge};

struct Stats {
  std::uint64_t commands = 0, not_ok = 0;
  std::vector<std::uint32_t> latency_us;
  std::uint64_t kept = 0, missing = 0, verified_connections = 0;
};

class LoadConnection : public std::enable_shared_from_this<LoadConnection> {
 public:
  LoadConnection(asio::io_context& io, const Options& options, int index, Stats& stats, Clock::time_point& end,
                 int& running)
      : socket_(io), options_(options), index_(index), stats_(stats), end_(end), running_(running) {
    body_ = "From: load@example.org\r\nSubject: load " + std::to_string(index) + "\r\n\r\n" +
            std::string(std::size_t(options.body_bytes), 'x') + "\r\n";
  }

  void start(const tcp::endpoint& endpoint) {
    socket_.async_connect(endpoint, [self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return self->fail("connect: " + ec.message());
      self->socket_.set_option(tcp::no_delay(true));
      self->read();
    });
  }

 private:
  struct Pending {
    std::string tag;
    Kind kind;
    Clock::time_point sent;
    bool load = false;
  };

  void fail(const std::string& why) {
    std::fprintf(stderr, "imaplab-load: connection %d: %s\n", index_, why.c_str());
    finish();
  }
  void finish() {
    if (done_) return;
    done_ = true;
    boost::system::error_code ignored;
    socket_.close(ignored);
    --running_;
  }

  void read() {
    socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](const boost::system::error_code& ec,
                                                                                std::size_t n) {
      if (self->done_) return;
      if (ec) return self->fail("read: " + ec.message());
      self->on_bytes(std::string_view(self->buffer_.data(), n));
      if (!self->done_) self->read();
    });
  }

  void on_bytes(std::string_view bytes) {
    while (!bytes.empty() && !done_) {
      auto result = parser_.feed(bytes);
      bytes.remove_prefix(result.consumed);
      if (auto* response = std::get_if<imaplab::proto::Response>(&result.event)) {
        on_response(*response);
      } else if (std::holds_alternative<imaplab::proto::ParseError>(result.event)) {
        return fail("unparseable response: " + std::get<imaplab::proto::ParseError>(result.event).message);
      } else if (result.consumed == 0) {
        break;
      }
    }
    flush();
  }

  void on_response(const imaplab::proto::Response& response) {
    if (!greeted_) {
      greeted_ = true;
      send(Kind::Setup, "LOGIN " + options_.user + " " + options_.password);
      send(Kind::Setup, "CREATE load/" + std::to_string(index_));
      send(Kind::Setup, "SELECT load/" + std::to_string(index_));
      return;
    }
    if (auto* search = std::get_if<imaplab::proto::SearchData>(&response.body)) {
      found_.insert(search->numbers.begin(), search->numbers.end());
    }
    const auto* status = std::get_if<imaplab::proto::StatusResponse>(&response.body);
    if (response.untagged || status == nullptr || pending_.empty()) return;
    Pending done = std::move(pending_.front());
    pending_.pop_front();
    if (done.tag != response.tag) return fail("response for " + response.tag + ", expected " + done.tag);
    const bool ok = status->condition == imaplab::proto::Condition::Ok;
    if (done.load) {
      ++stats_.commands;
      if (!ok) ++stats_.not_ok;
      stats_.latency_us.push_back(std::uint32_t(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - done.sent).count()));
    }
    if (ok && done.kind == Kind::AppendKeep && status->code && status->code->name == "APPENDUID" &&
        !status->code->set1.ranges.empty()) {
      last_uid_ = status->code->set1.ranges.front().first;
      kept_.push_back(last_uid_);
    }
    if (done.kind == Kind::Verify) return verify();
    if (pending_.empty() && !loading_ && !verifying_ && Clock::now() < end_) loading_ = true;
    top_up();
  }

  void top_up() {
    if (Clock::now() >= end_) {
      loading_ = false;
      if (pending_.empty() && !verifying_) {
        verifying_ = true;
        send(Kind::Verify, "UID SEARCH UNDELETED");
      }
      return;
    }
    if (!loading_) return;
    // Refill in bursts once half the window is answered, as a pipelining client sends several at once.
    if (pending_.size() > std::size_t(options_.pipeline) / 2) return;
    while (pending_.size() < std::size_t(options_.pipeline)) send_load(mix[next_++ % std::size(mix)]);
  }

  void send_load(Kind kind) {
    const std::string uid = last_uid_ != 0 ? std::to_string(last_uid_) : "*";
    switch (kind) {
      case Kind::AppendKeep:
        return send(kind, "APPEND load/" + std::to_string(index_) + " {" + std::to_string(body_.size()) + "+}\r\n" +
                              body_, true);
      case Kind::AppendScratch:
        return send(kind, "APPEND load/" + std::to_string(index_) + " (\\Deleted) {" +
                              std::to_string(body_.size()) + "+}\r\n" + body_, true);
      case Kind::Fetch: return send(kind, "UID FETCH " + uid + " (FLAGS)", true);
      case Kind::FetchBody: return send(kind, "UID FETCH " + uid + " (FLAGS BODY.PEEK[])", true);
      case Kind::Store: return send(kind, "UID STORE " + uid + " +FLAGS (\\Seen)", true);
      case Kind::Expunge: return send(kind, "EXPUNGE", true);
      default: return;
    }
  }

  void send(Kind kind, const std::string& text, bool load = false) {
    std::string tag = "t" + std::to_string(++tag_counter_);
    out_ += tag + " " + text + "\r\n";
    pending_.push_back(Pending{std::move(tag), kind, Clock::now(), load});
  }

  void flush() {
    if (writing_ || out_.empty() || done_) return;
    writing_ = true;
    inflight_.swap(out_);
    out_.clear();
    asio::async_write(socket_, asio::buffer(inflight_),
                      [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                        self->writing_ = false;
                        self->inflight_.clear();
                        if (ec) return self->fail("write: " + ec.message());
                        self->flush();
                      });
  }

  void verify() {
    std::uint64_t missing = 0;
    for (std::uint32_t uid : kept_) missing += found_.count(uid) == 0;
    stats_.kept += kept_.size();
    stats_.missing += missing;
    ++stats_.verified_connections;
    finish();
  }

  tcp::socket socket_;
  const Options& options_;
  int index_;
  Stats& stats_;
  Clock::time_point& end_;
  int& running_;
  std::string body_;
  std::array<char, 64 * 1024> buffer_{};
  imaplab::proto::ResponseParser parser_;
  std::deque<Pending> pending_;
  std::string out_, inflight_;
  bool writing_ = false, greeted_ = false, loading_ = false, verifying_ = false, done_ = false;
  std::uint64_t tag_counter_ = 0, next_ = 0;
  std::uint32_t last_uid_ = 0;
  std::vector<std::uint32_t> kept_;
  std::set<std::uint32_t> found_;
};

// Starts `imaplab serve --demo` on a free loopback port and reads its port and alice's password.
bool spawn_server(Options& options) {
  int out[2];
  if (pipe(out) != 0) return false;
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    if (std::FILE* devnull = std::fopen("/dev/null", "w")) dup2(fileno(devnull), 2);
    execl(options.imaplab.c_str(), options.imaplab.c_str(), "serve", "--listen", "127.0.0.1:0", "--demo",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  options.server_pid = pid;
  std::FILE* in = fdopen(out[0], "r");
  char line[512];
  while (std::fgets(line, sizeof line, in) != nullptr) {
    char name[128], password[128], address[256];
    if (std::sscanf(line, "user %127s password %127s", name, password) == 2 && std::string(name) == "alice") {
      options.user = name;
      options.password = password;
    } else if (std::sscanf(line, "listening %255s", address) == 1) {
      const std::string a(address);
      options.port = std::atoi(a.substr(a.rfind(':') + 1).c_str());
      return !options.user.empty();
    }
  }
  return false;
}

std::string vm_hwm(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return line.substr(6);
  }
  return " unknown";
}

std::uint32_t percentile(std::vector<std::uint32_t>& values, double p) {
  if (values.empty()) return 0;
  const std::size_t k = std::min(values.size() - 1, std::size_t(p * double(values.size())));
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(k), values.end());
  return values[k];
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--imaplab") o.imaplab = value;
    else if (key == "--port") o.port = std::atoi(value.c_str());
    else if (key == "--user") o.user = value;
    else if (key == "--password") o.password = value;
    else if (key == "--server-pid") o.server_pid = pid_t(std::atoi(value.c_str()));
    else if (key == "--connections") o.connections = std::atoi(value.c_str());
    else if (key == "--seconds") o.seconds = std::atoi(value.c_str());
    else if (key == "--pipeline") o.pipeline = std::atoi(value.c_str());
    else if (key == "--body-bytes") o.body_bytes = std::atoi(value.c_str());
    else std::fprintf(stderr, "imaplab-load: unknown option %s\n", key.c_str());
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse_options(argc, argv);
  if (!options.imaplab.empty() && !spawn_server(options)) {
    std::fprintf(stderr, "imaplab-load: could not start %s serve --demo\n", options.imaplab.c_str());
    return 1;
  }
  if (options.port == 0 || options.user.empty()) {
    std::fprintf(stderr,
                 "usage: imaplab-load --imaplab PATH | --port P --user U --password W [--server-pid PID]\n"
                 "       [--connections 500] [--seconds 30] [--pipeline 8] [--body-bytes 512]\n");
    return 2;
  }
  asio::io_context io(1);
  Stats stats;
  int running = options.connections;
  // Load starts when the last connection is set up: the clock starts at the first load command.
  Clock::time_point end = Clock::now() + std::chrono::seconds(options.seconds);
  const tcp::endpoint endpoint(asio::ip::make_address(options.host), std::uint16_t(options.port));
  std::vector<std::shared_ptr<LoadConnection>> connections;
  for (int i = 0; i < options.connections; ++i) {
    connections.push_back(std::make_shared<LoadConnection>(io, options, i, stats, end, running));
    connections.back()->start(endpoint);
  }
  const auto started = Clock::now();
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const std::string hwm = options.server_pid != 0 ? vm_hwm(options.server_pid) : " unknown";
  if (!options.imaplab.empty()) {
    kill(options.server_pid, SIGTERM);
    waitpid(options.server_pid, nullptr, 0);
  }
  std::printf("connections        %d (pipeline %d, %d s)\n", options.connections, options.pipeline, options.seconds);
  std::printf("commands           %llu (%llu not OK)\n", (unsigned long long)stats.commands,
              (unsigned long long)stats.not_ok);
  std::printf("commands/s         %.0f\n", double(stats.commands) / double(options.seconds));
  std::printf("wall time          %.1f s (with connection setup and verification)\n", seconds);
  std::printf("latency p50        %.2f ms\n", percentile(stats.latency_us, 0.50) / 1000.0);
  std::printf("latency p99        %.2f ms\n", percentile(stats.latency_us, 0.99) / 1000.0);
  std::printf("server VmHWM      %s\n", hwm.c_str());
  std::printf("appends verified   %llu kept, %llu missing, %llu/%d connections verified\n",
              (unsigned long long)stats.kept, (unsigned long long)stats.missing,
              (unsigned long long)stats.verified_connections, options.connections);
  const bool ok = stats.missing == 0 && stats.verified_connections == std::uint64_t(options.connections);
  std::printf("%s\n", ok ? "PASS: every APPEND that got OK is present" : "FAIL");
  return ok ? 0 : 1;
}
