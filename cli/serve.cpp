// `imaplab serve`: the reference IMAP server over TCP (Boost.Asio front, server/asio/), for real clients such
// as mutt, Thunderbird, mbsync, curl and Python's imaplib. --demo fills it with users, mailboxes and mail.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cli/subcommands.hpp"
#include "model/model.hpp"
#include "model/policy.hpp"
#include "server/asio/asio_server.hpp"

namespace imaplab::cli {
namespace {

namespace asio_front = server::asio_front;

struct ServeOptions {
  std::string listen = "127.0.0.1:1143";
  std::string listen_tls;
  std::string users_file;
  std::string policy;
  bool demo = false;
  std::string tls_cert, tls_key;
  bool allow_plaintext = false;
  bool require_tls = false;
  std::vector<std::string> bugs;  // --bug: planted bugs of the zoo (model/bugs.hpp), repeatable or NAME,NAME
};

// Demo passwords are drawn fresh at each start, so a demo server reachable from elsewhere is not an open door.
constexpr std::size_t demo_password_chars = 12;

std::string random_password(std::random_device& device) {
  static constexpr char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string password;
  for (std::size_t i = 0; i < demo_password_chars; ++i) password += alphabet[device() % (sizeof alphabet - 1)];
  return password;
}

std::string demo_message(const std::string& from, const std::string& to, const std::string& subject, int day,
                         const std::string& body) {
  return fmt::format(
      "From: {0} <{0}@example.org>\r\nTo: {1} <{1}@example.org>\r\nSubject: {2}\r\n"
      "Date: {3:02} Mar 2024 10:{3:02}:00 +0000\r\nMessage-ID: <demo-{3}-{0}@example.org>\r\n"
      "Content-Type: text/plain; charset=us-ascii\r\n\r\n{4}\r\n",
      from, to, subject, day, body);
}

proto::Command command(proto::CommandKind kind, proto::CommandArgs args) {
  proto::Command c;
  c.tag = "demo";
  c.kind = kind;
  c.args = std::move(args);
  return c;
}

// Runs one setup command through the model like any client would; a refusal is reported, not fatal.
void run(model::Model& model, model::SessionId session, const proto::Command& c) {
  model::Outcome outcome = model.execute(session, c);
  for (const auto& r : outcome.responses) {
    const auto* status = std::get_if<proto::StatusResponse>(&r.body);
    if (!r.untagged && status != nullptr && status->condition != proto::Condition::Ok) {
      std::fprintf(stderr, "imaplab serve: demo setup: %s refused: %s\n", proto::command_name(c.kind),
                   status->text.c_str());
    }
  }
}

void append(model::Model& model, model::SessionId session, const std::string& box, std::string message,
            std::vector<std::string> flags = {}) {
  proto::AppendArgs args;
  args.mailbox = box;
  if (!flags.empty()) args.flags = std::move(flags);
  args.message = std::move(message);
  run(model, session, command(proto::CommandKind::Append, args));
}

// A session of the demo setup, logged in. It is internal (no network), so it is put in the state after
// STARTTLS first: LOGIN then works also when plaintext login is disabled.
model::SessionId demo_session(model::Model& model, const model::User& user) {
  model::SessionId session = model.connect();
  model.execute(session, command(proto::CommandKind::StartTls, proto::NoArgs{}));
  run(model, session, command(proto::CommandKind::Login, proto::LoginArgs{user.name, user.password}));
  return session;
}

// Two users, personal mailboxes with mail, and a shared mailbox both can use (RFC 4314 ACL).
void populate_demo(model::Model& model, const std::vector<model::User>& demo) {
  const model::User& alice = demo[0];
  const model::User& bob = demo[1];
  using K = proto::CommandKind;
  model::SessionId a = demo_session(model, alice);
  run(model, a, command(K::Create, proto::MailboxArgs{"Work"}));
  run(model, a, command(K::Create, proto::MailboxArgs{"shared/team"}));
  run(model, a, command(K::SetAcl, proto::AclArgs{"shared/team", bob.name, "lrswipkxte"}));
  append(model, a, "INBOX", demo_message(bob.name, alice.name, "Welcome to imaplab", 1, "Hello Alice."),
         {"\\Seen"});
  append(model, a, "INBOX", demo_message(bob.name, alice.name, "Lunch?", 2, "Noon at the usual place?"));
  append(model, a, "INBOX", demo_message("carol", alice.name, "Quarterly report", 3, "Numbers attached."),
         {"\\Flagged"});
  append(model, a, "Work", demo_message(alice.name, bob.name, "Design notes", 4, "One server, two worlds."));
  append(model, a, "shared/team", demo_message(alice.name, "team", "Team agenda", 5, "1. Races. 2. Coffee."));
  model::SessionId b = demo_session(model, bob);
  append(model, b, "INBOX", demo_message(alice.name, bob.name, "Re: Design notes", 6, "Looks good."));
  append(model, b, "shared/team", demo_message(bob.name, "team", "Re: Team agenda", 7, "Add 3. Tests."));
  run(model, a, command(K::Logout, proto::NoArgs{}));
  run(model, b, command(K::Logout, proto::NoArgs{}));
  model.disconnect(a);
  model.disconnect(b);
}

std::optional<std::vector<model::User>> load_users(const std::string& file) {
  if (file.empty()) return std::vector<model::User>{};
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "imaplab serve: cannot read --users %s\n", file.c_str());
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  auto users = model::parse_users(text.str(), &error);
  if (!users) std::fprintf(stderr, "imaplab serve: %s: %s\n", file.c_str(), error.c_str());
  return users;
}

int run_serve(const ServeOptions& options) {
  asio_front::AsioOptions asio;
  asio.stop_on_signals = true;
  if (!options.listen.empty()) {
    asio.listen = asio_front::parse_endpoint(options.listen);
    if (!asio.listen) {
      std::fprintf(stderr, "imaplab serve: --listen wants host:port, got '%s'\n", options.listen.c_str());
      return 2;
    }
  }
  if (!options.listen_tls.empty()) {
    asio.listen_tls = asio_front::parse_endpoint(options.listen_tls);
    if (!asio.listen_tls) {
      std::fprintf(stderr, "imaplab serve: --listen-tls wants host:port, got '%s'\n", options.listen_tls.c_str());
      return 2;
    }
  }
  std::string error;
  auto policy = model::Policy::parse(options.policy, &error);
  if (!policy) {
    std::fprintf(stderr, "imaplab serve: --policy: %s\n", error.c_str());
    return 2;
  }
  if (options.require_tls && (options.tls_cert.empty() || options.tls_key.empty())) {
    std::fprintf(stderr, "imaplab serve: --require-tls needs --tls-cert and --tls-key\n");
    return 2;
  }
  std::string joined_bugs;
  for (const auto& name : options.bugs) joined_bugs += (joined_bugs.empty() ? "" : ",") + name;
  auto bugs = model::BugSet::parse(joined_bugs, &error);
  if (!bugs) {
    std::fprintf(stderr, "imaplab serve: --bug: %s\n", error.c_str());
    return 2;
  }
  asio.config.model_options.bugs = *bugs;
  auto users = load_users(options.users_file);
  if (!users) return 2;
  std::vector<model::User> demo;
  if (options.demo) {
    std::random_device device;
    demo = {{"alice", random_password(device)}, {"bob", random_password(device)}};
    users->insert(users->end(), demo.begin(), demo.end());
  }
  asio.config.policy = *policy;
  asio.config.users = *users;
  asio.config.random_uidvalidity = true;
  // LOGINDISABLED before TLS (RFC 3501 §6.2.3) unless plaintext is allowed: by default only on loopback.
  const bool loopback = !asio.listen || asio_front::is_loopback(asio.listen->host);
  asio.config.model_options.allow_plaintext = !options.require_tls && (options.allow_plaintext || loopback);
  asio.tls_cert_file = options.tls_cert;
  asio.tls_key_file = options.tls_key;
  try {
    asio_front::AsioServer server(asio);
    if (options.demo) populate_demo(server.server().model(), demo);
    std::fprintf(stderr, "imaplab serve: listening on %s:%u%s, policy %s\n",
                 asio.listen ? asio.listen->host.c_str() : "-", unsigned(server.port()),
                 server.tls_port() != 0 ? fmt::format(" and TLS on port {}", server.tls_port()).c_str() : "",
                 policy->to_string().c_str());
    for (const auto& user : demo) std::printf("user %s password %s\n", user.name.c_str(), user.password.c_str());
    if (server.tls_port() != 0) {
      std::printf("listening-tls %s:%u\n", asio.listen_tls->host.c_str(), unsigned(server.tls_port()));
    }
    std::printf("listening %s:%u\n", asio.listen ? asio.listen->host.c_str() : "-", unsigned(server.port()));
    std::fflush(stdout);
    server.run();
    std::fprintf(stderr, "imaplab serve: stopped\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "imaplab serve: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace

void register_serve(CLI::App& app) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* serve = app.add_subcommand("serve", "Run the reference IMAP server over TCP (Boost.Asio)");
  serve->add_option("--listen", options->listen, "host:port for plaintext IMAP with STARTTLS (port 0: any)")
      ->capture_default_str();
  serve->add_option("--listen-tls", options->listen_tls, "host:port for implicit TLS (RFC 8314)");
  serve->add_option("--users", options->users_file, "file of 'name password' lines ('#' comments)");
  serve->add_option("--policy", options->policy,
                    "RFC 2180 policy, e.g. \"delete=ghost rename=inplace fetch=nil store=partial copy=snapshot\"");
  serve->add_flag("--demo", options->demo, "create demo users and mail; prints 'user NAME password PASS' lines");
  serve->add_option("--tls-cert", options->tls_cert, "PEM certificate chain (enables STARTTLS)");
  serve->add_option("--tls-key", options->tls_key, "PEM private key");
  serve->add_flag("--allow-plaintext", options->allow_plaintext,
                  "allow LOGIN without TLS (default: only when listening on loopback)");
  serve->add_flag("--require-tls", options->require_tls, "LOGINDISABLED before TLS, also on loopback")
      ->excludes("--allow-plaintext");
  serve->add_option("--bug", options->bugs, "plant a bug of the zoo (repeatable or NAME,NAME; see `imaplab bugs`)");
  serve->callback([options] { set_exit_code(run_serve(*options)); });
}

}  // namespace imaplab::cli
