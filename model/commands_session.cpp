// Commands about the connection rather than mailboxes: CAPABILITY, NOOP, LOGOUT (RFC 3501 §6.1), STARTTLS,
// LOGIN, AUTHENTICATE PLAIN (§6.2, RFC 4616, SASL-IR RFC 4959), ENABLE (RFC 5161), NAMESPACE (RFC 2342) and
// IDLE (RFC 2177).
#include <algorithm>

#include "model/commands.hpp"
#include "model/notify.hpp"
#include "model/view.hpp"

namespace imaplab::model {
namespace {

std::optional<std::string> base64_decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  std::size_t pad = 0;
  for (char c : in) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad != 0) return std::nullopt;  // data after padding
    const int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  if (pad > 2) return std::nullopt;
  return out;
}

bool plaintext_allowed(const State& st, const Session& s) { return st.options.allow_plaintext || s.tls; }

const User* find_user(const State& st, const std::string& name, const std::string& password) {
  const auto it = std::find_if(st.users.begin(), st.users.end(),
                               [&](const User& u) { return u.name == name && u.password == password; });
  return it == st.users.end() ? nullptr : &*it;
}

void authenticated(Ctx& ctx, const std::string& user, const char* text) {
  ctx.s.user = user;
  ctx.s.state = SessionState::Authenticated;
  proto::ResponseCode code = make_code("CAPABILITY");
  code.list = capabilities(ctx.st, ctx.s);
  ctx.ok(text, std::move(code));
}

}  // namespace

std::vector<std::string> capabilities(const State& st, const Session& s) {
  std::vector<std::string> caps = {"IMAP4rev1", "LITERAL+", "SASL-IR", "IDLE", "NAMESPACE", "UIDPLUS",
                                   "MOVE", "UNSELECT", "ENABLE", "CONDSTORE", "NOTIFY", "ACL", "RIGHTS=texk",
                                   "LIST-EXTENDED", "LIST-STATUS", "CHILDREN"};
  // Bug zoo capability-without-imap4rev1: the listing lacks the one atom RFC 3501 §7.2.1 requires (SES-4).
  if (bug_on(st, Bug::CapabilityWithoutImap4rev1)) caps.erase(caps.begin());
  if (s.state != SessionState::NotAuthenticated) return caps;
  if (st.options.starttls_available && !s.tls) caps.push_back("STARTTLS");
  if (plaintext_allowed(st, s)) caps.push_back("AUTH=PLAIN");
  else caps.push_back("LOGINDISABLED");
  return caps;
}

void cmd_capability(Ctx& ctx) {
  ctx.untagged(proto::AtomsData{proto::AtomsData::Kind::Capability, capabilities(ctx.st, ctx.s)});
  ctx.ok("CAPABILITY completed");
}

void cmd_noop(Ctx& ctx) { ctx.ok("NOOP completed"); }

void cmd_logout(Ctx& ctx) {
  // Bug zoo logout-without-bye: the untagged BYE that RFC 3501 §6.1.3 requires before the OK is left out (SES-1).
  if (!bug_on(ctx.st, Bug::LogoutWithoutBye)) {
    ctx.out.responses.push_back(untagged_status(proto::Condition::Bye, std::nullopt, "imaplab logging out"));
  }
  close_view(ctx.st, ctx.s);
  ctx.s.state = SessionState::Logout;
  ctx.ok("LOGOUT completed");
  ctx.out.next = Outcome::Next::Close;
}

void cmd_starttls(Ctx& ctx) {
  if (ctx.s.tls) return (void)ctx.bad("TLS is already active (RFC 3501 section 6.2.1)");
  if (!ctx.st.options.starttls_available) return (void)ctx.no("STARTTLS is not available", make_code("CANNOT"));
  ctx.s.tls = true;  // the transport starts TLS before reading the next command
  ctx.ok("Begin TLS negotiation now");
  ctx.out.next = Outcome::Next::StartTls;
}

void cmd_login(Ctx& ctx) {
  const auto* a = ctx.args<proto::LoginArgs>();
  if (a == nullptr) return (void)ctx.bad("LOGIN needs a user name and a password");
  if (!plaintext_allowed(ctx.st, ctx.s))
    return (void)ctx.no("Plaintext login is disabled (RFC 3501 section 6.2.3)", make_code("PRIVACYREQUIRED"));
  if (find_user(ctx.st, a->user, a->password) == nullptr)
    return (void)ctx.no("Invalid credentials", make_code("AUTHENTICATIONFAILED"));
  authenticated(ctx, a->user, "LOGIN completed");
}

void cmd_authenticate(Ctx& ctx) {
  const auto* a = ctx.args<proto::AuthenticateArgs>();
  if (a == nullptr) return (void)ctx.bad("AUTHENTICATE needs a mechanism");
  if (a->mechanism != "PLAIN") return (void)ctx.no("Unsupported authentication mechanism", make_code("CANNOT"));
  if (!plaintext_allowed(ctx.st, ctx.s))
    return (void)ctx.no("PLAIN needs TLS here (RFC 3501 section 6.2.2)", make_code("PRIVACYREQUIRED"));
  if (a->initial_response) return finish_authenticate(ctx, *a->initial_response);
  ctx.s.auth_tag = ctx.cmd.tag;
  proto::Response r;
  r.untagged = false;
  r.body = proto::ContinuationData{""};
  ctx.out.responses.push_back(std::move(r));
  ctx.out.next = Outcome::Next::AuthContinue;
}

// RFC 4616: message = [authzid] NUL authcid NUL passwd, base64-encoded; "=" is the empty response (RFC 4959).
void finish_authenticate(Ctx& ctx, const std::string& line) {
  ctx.s.auth_tag.reset();
  if (line == "*") return (void)ctx.bad("AUTHENTICATE cancelled (RFC 3501 section 6.2.2)");
  const auto decoded = line == "=" ? std::optional<std::string>("") : base64_decode(line);
  if (!decoded) return (void)ctx.bad("Invalid base64 in AUTHENTICATE data");
  const auto first = decoded->find('\0');
  const auto second = first == std::string::npos ? std::string::npos : decoded->find('\0', first + 1);
  if (second == std::string::npos)
    return (void)ctx.no("Malformed PLAIN message (RFC 4616 section 2)", make_code("AUTHENTICATIONFAILED"));
  const std::string authzid = decoded->substr(0, first);
  const std::string authcid = decoded->substr(first + 1, second - first - 1);
  const std::string password = decoded->substr(second + 1);
  if (find_user(ctx.st, authcid, password) == nullptr)
    return (void)ctx.no("Invalid credentials", make_code("AUTHENTICATIONFAILED"));
  if (!authzid.empty() && authzid != authcid)
    return (void)ctx.no("Cannot act as another user", make_code("AUTHORIZATIONFAILED"));
  authenticated(ctx, authcid, "AUTHENTICATE completed");
}

void cmd_enable(Ctx& ctx) {
  const auto* a = ctx.args<proto::EnableArgs>();
  if (a == nullptr || a->capabilities.empty()) return (void)ctx.bad("ENABLE needs capability names");
  std::vector<std::string> enabled;
  for (const auto& cap : a->capabilities) {
    // RFC 5161 §3.1: ENABLED lists only what this command newly enabled.
    if (cap == "CONDSTORE" && !ctx.s.condstore) {
      // Bug zoo enable-condstore-ignored: ENABLED is answered but CONDSTORE stays off (MOD-2).
      ctx.s.condstore = !bug_on(ctx.st, Bug::EnableCondstoreIgnored);
      enabled.push_back(cap);
    }
  }
  ctx.untagged(proto::AtomsData{proto::AtomsData::Kind::Enabled, enabled});
  ctx.ok("ENABLE completed");
}

void cmd_namespace(Ctx& ctx) {
  proto::NamespaceData ns;
  ns.personal = std::vector<proto::NamespaceData::Entry>{{"", delimiter}};
  ns.shared = std::vector<proto::NamespaceData::Entry>{{std::string(shared_root) + delimiter, delimiter}};
  ctx.untagged(std::move(ns));
  ctx.ok("NAMESPACE completed");
}

// "+ idling", then whatever is already due; updates flow until DONE (Model::idle_done).
void cmd_idle(Ctx& ctx) {
  proto::Response r;
  r.untagged = false;
  r.body = proto::ContinuationData{"idling"};
  ctx.out.responses.push_back(std::move(r));
  ctx.s.idle = true;
  ctx.s.idle_tag = ctx.cmd.tag;
  // Bug zoo IdleStartHoldsUpdates (breaks NTF-2; its server half skips the delivery after "+"): what is
  // already pending is not sent at IDLE's start.
  const auto options = between_commands(ctx.st, ctx.s);
  if (options && !bug_on(ctx.st, Bug::IdleStartHoldsUpdates)) flush(ctx.st, ctx.s, *options, ctx.out.responses);
  for (auto& n : drain_notices(ctx.st, ctx.s)) ctx.out.responses.push_back(std::move(n));
  ctx.out.next = Outcome::Next::Idle;
}

}  // namespace imaplab::model
