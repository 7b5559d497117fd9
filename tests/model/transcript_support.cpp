// The transcript runner of transcript.hpp: replays RFC-style scripts ("C1: ...", "S2: ...") against a Model
// and compares what each session is sent with the RFC's lines, allowing the differences the RFCs allow.
#include "tests/model/transcript.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <sstream>
#include <variant>

#include "proto/command_parser.hpp"
#include "proto/response_parser.hpp"
#include "proto/writer.hpp"

namespace imaplab::testing {
namespace {

constexpr std::string_view crlf = "\r\n";
constexpr std::string_view elision = "[...]";
constexpr std::string_view glob_marker = "...";
constexpr char unordered_marker = '~';

std::string strip_crlf(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// "..." in an expected line stands for any text (the RFC examples' ". . ."), including CRLF inside literals.
bool glob_matches(std::string_view pattern, std::string_view text) {
  std::vector<std::string_view> pieces;
  for (std::size_t pos = 0;;) {
    const auto next = pattern.find(glob_marker, pos);
    pieces.push_back(pattern.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + glob_marker.size();
  }
  if (text.substr(0, pieces.front().size()) != pieces.front()) return false;
  std::size_t at = pieces.front().size();
  for (std::size_t i = 1; i + 1 < pieces.size(); ++i) {
    const auto found = text.find(pieces[i], at);
    if (found == std::string_view::npos) return false;
    at = found + pieces[i].size();
  }
  const auto last = pieces.back();
  return text.size() >= at + last.size() && text.substr(text.size() - last.size()) == last;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool iequal(std::string_view a, std::string_view b) { return upper(a) == upper(b); }

// The size announced by a literal "{k}" or "{k+}" ending the line, if any.
std::optional<std::size_t> trailing_literal(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  const auto open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = line.substr(open + 1, line.size() - open - 2);
  if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) return std::nullopt;
  return n;
}

// One status response split at its parts: tag ("*" when untagged), status word, and the code in brackets.
struct StatusParts {
  std::string tag;
  std::string condition;
  std::optional<std::string> code;
};

std::optional<StatusParts> status_parts(std::string_view line) {
  const auto sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return std::nullopt;
  const auto rest = line.substr(sp1 + 1);
  const auto sp2 = rest.find(' ');
  const std::string word = upper(rest.substr(0, sp2));
  if (word != "OK" && word != "NO" && word != "BAD" && word != "BYE" && word != "PREAUTH") return std::nullopt;
  StatusParts parts{std::string(line.substr(0, sp1)), word, std::nullopt};
  if (sp2 == std::string_view::npos) return parts;
  const auto text = rest.substr(sp2 + 1);
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close != std::string_view::npos) parts.code = std::string(text.substr(0, close + 1));
  }
  return parts;
}

std::optional<proto::Response> parse(std::string_view text) {
  std::string bytes = strip_crlf(text);
  bytes += crlf;
  auto parsed = proto::parse_response(bytes);
  if (auto* r = std::get_if<proto::Response>(&parsed)) return *r;
  return std::nullopt;
}

bool is_significant_list_attribute(const std::string& a) {
  const std::string u = upper(a);
  return u == "\\NONEXISTENT" || u == "\\NOSELECT" || u == "\\NOACCESS" || u == "\\SUBSCRIBED";
}

bool list_matches(const proto::ListData& e, const proto::ListData& a) {
  if (e.lsub != a.lsub || e.delimiter != a.delimiter || e.mailbox != a.mailbox || e.old_name != a.old_name)
    return false;
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::any_of(v.begin(), v.end(), [&](const std::string& y) { return iequal(x, y); });
  };
  for (const auto& attr : e.attributes)
    if (!has(a.attributes, attr)) return false;
  for (const auto& attr : a.attributes)
    if (is_significant_list_attribute(attr) && !has(e.attributes, attr)) return false;
  return true;
}

bool status_data_matches(const proto::StatusData& e, const proto::StatusData& a) {
  if (e.mailbox != a.mailbox) return false;
  return std::all_of(e.items.begin(), e.items.end(), [&](const auto& item) {
    return std::find(a.items.begin(), a.items.end(), item) != a.items.end();
  });
}

bool fetch_matches(const proto::FetchData& e, const proto::FetchData& a) {
  if (e.number != a.number || e.atts.size() != a.atts.size()) return false;
  std::vector<bool> used(a.atts.size(), false);
  for (const auto& att : e.atts) {
    bool found = false;
    for (std::size_t i = 0; i < a.atts.size() && !found; ++i) {
      if (!used[i] && a.atts[i] == att) used[i] = found = true;
    }
    if (!found) return false;
  }
  return true;
}

// Compares two parsed responses with the tolerances described in transcript.hpp.
bool values_match(const proto::Response& e, const proto::Response& a) {
  if (e.tag != a.tag || e.untagged != a.untagged || e.body.index() != a.body.index()) return false;
  if (auto* es = std::get_if<proto::StatusResponse>(&e.body)) {
    const auto& as = std::get<proto::StatusResponse>(a.body);
    return es->condition == as.condition && (!es->code || es->code == as.code);
  }
  if (auto* el = std::get_if<proto::ListData>(&e.body)) return list_matches(*el, std::get<proto::ListData>(a.body));
  if (auto* ed = std::get_if<proto::StatusData>(&e.body))
    return status_data_matches(*ed, std::get<proto::StatusData>(a.body));
  if (auto* ef = std::get_if<proto::FetchData>(&e.body))
    return fetch_matches(*ef, std::get<proto::FetchData>(a.body));
  return e.body == a.body;
}

bool status_matches(const StatusParts& e, std::string_view expected, std::string_view actual, std::string* why) {
  const auto a = status_parts(actual);
  if (!a || a->tag != e.tag || a->condition != e.condition) {
    if (why) *why = "different tag or status word";
    return false;
  }
  // Quoting may differ ([NEWNAME FOO BAR] and [NEWNAME "FOO" "BAR"] are the same code).
  auto unquoted = [](std::string code) {
    code.erase(std::remove(code.begin(), code.end(), '"'), code.end());
    return code;
  };
  if (!e.code || (a->code && iequal(unquoted(*a->code), unquoted(*e.code)))) return true;
  // The codes differ as text; they may still be the same value written differently (quoting, spacing).
  const auto pe = parse(expected), pa = parse(actual);
  if (pe && pa && values_match(*pe, *pa)) return true;
  if (why) *why = "response code differs: expected " + *e.code + ", got " + (a->code ? *a->code : "none");
  return false;
}

std::string show(std::string_view written) {
  std::string out = strip_crlf(written);
  for (std::size_t pos = 0; (pos = out.find(crlf, pos)) != std::string::npos;) out.replace(pos, 2, "\n         ");
  return out;
}

// One step of a script: a command of client n, or an expected response for client n.
struct Step {
  bool command = false;
  int client = 1;
  std::string text;
  int line = 0;  // 1-based line in the script, for messages
};

std::optional<Step> script_line(std::string_view raw, int number) {
  while (!raw.empty() && (raw.back() == '\r')) raw.remove_suffix(1);
  std::size_t i = 0;
  while (i < raw.size() && (raw[i] == ' ' || raw[i] == '\t')) ++i;
  if (i >= raw.size() || (raw[i] != 'C' && raw[i] != 'S')) return std::nullopt;
  Step out;
  out.command = raw[i] == 'C';
  out.line = number;
  std::size_t j = i + 1;
  int client = 0;
  while (j < raw.size() && std::isdigit(static_cast<unsigned char>(raw[j]))) client = client * 10 + (raw[j++] - '0');
  if (j >= raw.size() || raw[j] != ':') return std::nullopt;
  out.client = client == 0 ? 1 : client;
  std::string_view text = raw.substr(j + 1);
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  out.text = std::string(text);
  return out;
}

// Joins literal contents: a line ending in {k} takes the next lines of the same client (each with CRLF) until
// k bytes are taken; the line after them continues the command or response.
std::vector<Step> parse_script(std::string_view script, std::string* error) {
  std::vector<Step> lines;
  int number = 0;
  std::size_t start = 0;
  while (start <= script.size()) {
    const auto end = std::min(script.find('\n', start), script.size());
    ++number;
    if (auto l = script_line(script.substr(start, end - start), number)) lines.push_back(*l);
    start = end + 1;
  }
  std::vector<Step> steps;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Step step = lines[i];
    while (auto k = trailing_literal(step.text)) {
      step.text += crlf;
      std::size_t need = *k;
      std::size_t j = i + 1;
      auto same = [&](std::size_t at) {
        return at < lines.size() && lines[at].command == step.command && lines[at].client == step.client;
      };
      while (need > 0) {
        while (j < lines.size() && !same(j)) ++j;
        if (j >= lines.size() || lines[j].text.size() + crlf.size() > need) {
          if (error) *error = "script line " + std::to_string(step.line) + ": literal contents do not add up";
          return {};
        }
        step.text += lines[j].text;
        step.text += crlf;
        need -= lines[j].text.size() + crlf.size();
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(j));
      }
      while (j < lines.size() && !same(j)) ++j;
      if (j >= lines.size()) break;
      step.text += lines[j].text;  // the continuation after the literal
      lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(j));
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace

std::vector<model::User> default_users() {
  return {{"alice", "alice"}, {"bob", "bob"}, {"carol", "carol"}};
}

std::string small_message(const std::string& subject) {
  return "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: " + subject +
         "\r\nDate: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\nHello, " + subject + ".\r\n";
}

bool response_matches(std::string_view expected_text, std::string_view actual_text, std::string* why) {
  const std::string expected = strip_crlf(expected_text);
  const std::string actual = strip_crlf(actual_text);
  if (expected == actual) return true;
  if (expected.find(glob_marker) != std::string::npos) {
    if (glob_matches(expected, actual)) return true;
    if (why) *why = "does not match the pattern (\"...\" stands for any text)";
    return false;
  }
  if (const auto parts = status_parts(expected)) return status_matches(*parts, expected, actual, why);
  const auto pe = parse(expected);
  const auto pa = parse(actual);
  if (!pe) {
    if (why) *why = "the expected line does not parse as a response and is not equal";
    return false;
  }
  if (pa && values_match(*pe, *pa)) return true;
  if (why) *why = pa ? "different response" : "the actual response does not parse";
  return false;
}

Transcript::Transcript(model::Policy policy, std::vector<model::User> users)
    : users_(users), model_(policy, std::move(users)) {}

Transcript::Client& Transcript::client(int n) { return clients_[n]; }

const Transcript::Client& Transcript::client(int n) const {
  static const Client none;
  const auto it = clients_.find(n);
  return it == clients_.end() ? none : it->second;
}

void Transcript::connect(int n) {
  Client& c = client(n);
  c.session = model_.connect();
  c.connected = true;
  c.queue.push_back(proto::write_response(model_.greeting(c.session)));
  log_.push_back("S" + std::to_string(n) + ": " + show(c.queue.back()));
}

void Transcript::login(int n, const std::string& user) {
  Client& c = client(n);
  c.session = model_.connect();
  c.connected = true;
  std::string password = user;
  for (const auto& u : users_)
    if (u.name == user) password = u.password;
  const auto replies = exec(n, "L" + std::to_string(n) + " LOGIN " + user + " " + password);
  if (replies.empty() || !status_parts(replies.back()) || status_parts(replies.back())->condition != "OK")
    ADD_FAILURE() << "client " << n << " could not log in as " << user << ": "
                  << (replies.empty() ? "no reply" : show(replies.back()));
}

model::SessionId Transcript::session(int n) const { return client(n).session; }
bool Transcript::connected(int n) const { return client(n).connected; }

void Transcript::after_response(int n, const proto::Response& response) {
  if (const auto* s = std::get_if<proto::StatusResponse>(&response.body)) {
    if (response.untagged && s->condition == proto::Condition::Bye) {
      Client& c = client(n);
      if (c.connected) {
        c.connected = false;
        model_.disconnect(c.session);
      }
    }
  }
}

void Transcript::take(int n, const model::Outcome& outcome, std::vector<std::string>& out) {
  for (const auto& response : outcome.responses) {
    out.push_back(proto::write_response(response));
    log_.push_back("S" + std::to_string(n) + ": " + show(out.back()));
  }
  Client& c = client(n);
  for (const auto& response : outcome.responses) after_response(n, response);
  if (outcome.next == model::Outcome::Next::Close && c.connected) {
    c.connected = false;
    model_.disconnect(c.session);
  }
}

// Runs the bytes of one command (or DONE) for client n; returns its written responses.
std::vector<std::string> Transcript::send(int n, const std::string& bytes, std::string* error) {
  std::vector<std::string> out;
  Client& c = client(n);
  log_.push_back("C" + std::to_string(n) + ": " + show(bytes));
  if (!c.connected) {
    if (error) *error = "client " + std::to_string(n) + " is not connected";
    return out;
  }
  if (c.idle_tag) {
    if (!iequal(strip_crlf(bytes), "DONE")) {
      if (error) *error = "client " + std::to_string(n) + " is idling; only DONE can be sent";
      return out;
    }
    const std::string tag = *c.idle_tag;
    c.idle_tag.reset();
    take(n, model_.idle_done(c.session, tag), out);
    return out;
  }
  auto parsed = proto::parse_command(bytes);
  if (auto* bad = std::get_if<proto::ParseError>(&parsed)) {
    // What the server does with input it cannot parse (RFC 3501 §7.1.3): BAD, tagged when a tag was read.
    proto::Response r;
    r.tag = bad->tag.value_or("");
    r.untagged = !bad->tag.has_value();
    r.body = proto::StatusResponse{proto::Condition::Bad, std::nullopt, "parse error: " + bad->message};
    model::Outcome o;
    o.responses.push_back(r);
    take(n, o, out);
    return out;
  }
  const auto& command = std::get<proto::Command>(parsed);
  const auto outcome = model_.execute(c.session, command);
  take(n, outcome, out);
  if (outcome.next == model::Outcome::Next::Idle) c.idle_tag = command.tag;
  return out;
}

void Transcript::poll() {
  for (auto& [n, c] : clients_) {
    if (!c.connected) continue;
    const auto updates = model_.unsolicited(c.session);
    for (const auto& response : updates) {
      c.queue.push_back(proto::write_response(response));
      log_.push_back("S" + std::to_string(n) + ": " + show(c.queue.back()) + "   (between commands)");
    }
    for (const auto& response : updates) after_response(n, response);
  }
}

std::vector<std::string> Transcript::exec(int n, const std::string& line) {
  std::string error;
  auto out = send(n, line + std::string(crlf), &error);
  if (!error.empty()) ADD_FAILURE() << error;
  poll();
  return out;
}

std::vector<std::string> Transcript::setup(int n, const std::string& line) {
  auto out = exec(n, line);
  const auto parts = out.empty() ? std::nullopt : status_parts(out.back());
  if (!parts || parts->condition != "OK")
    ADD_FAILURE() << "setup step failed: C" << n << ": " << line << " -> "
                  << (out.empty() ? std::string("no reply") : show(out.back()));
  return out;
}

void Transcript::append(int n, const std::string& mailbox, const std::string& message, const std::string& flags) {
  std::string error;
  std::string bytes = "P" + std::to_string(n) + " APPEND " + mailbox + (flags.empty() ? "" : " " + flags) + " {" +
                      std::to_string(message.size()) + "+}\r\n" + message + "\r\n";
  const auto out = send(n, bytes, &error);
  if (!error.empty()) ADD_FAILURE() << error;
  poll();
  const auto parts = out.empty() ? std::nullopt : status_parts(out.back());
  if (!parts || parts->condition != "OK")
    ADD_FAILURE() << "setup APPEND to " << mailbox << " failed: " << (out.empty() ? "no reply" : show(out.back()));
}

void Transcript::clear(int n) {
  client(n).queue.clear();
  client(n).eliding = false;
}

void Transcript::clear_all() {
  for (auto& entry : clients_) clear(entry.first);
}

const std::vector<std::string>& Transcript::queued(int n) const { return client(n).queue; }

bool Transcript::flush_elision(int n, std::string* error) {
  Client& c = client(n);
  if (c.eliding) {
    c.queue.clear();
    c.eliding = false;
    return true;
  }
  if (c.queue.empty()) return true;
  if (error) {
    *error = "client " + std::to_string(n) + " was sent responses the script does not show:";
    for (const auto& q : c.queue) *error += "\n    S" + std::to_string(n) + ": " + show(q);
  }
  return false;
}

bool Transcript::expect(int n, const std::string& expected, std::string* error) {
  Client& c = client(n);
  if (expected == elision) {
    c.eliding = true;
    return true;
  }
  std::string why;
  if (!expected.empty() && expected.front() == unordered_marker) {
    std::string wanted = expected.substr(1);
    wanted.erase(0, wanted.find_first_not_of(' '));
    for (std::size_t i = 0; i < c.queue.size() && c.queue[i].rfind("* ", 0) == 0; ++i) {
      if (response_matches(wanted, c.queue[i], nullptr)) {
        c.queue.erase(c.queue.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
      }
    }
    if (error) *error = "no untagged response for client " + std::to_string(n) + " before its next tagged one matches";
    return false;
  }
  if (c.eliding) {
    for (std::size_t i = 0; i < c.queue.size(); ++i) {
      if (response_matches(expected, c.queue[i], nullptr)) {
        c.queue.erase(c.queue.begin(), c.queue.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        c.eliding = false;
        return true;
      }
    }
    if (error) *error = "no response for client " + std::to_string(n) + " matches after [...]";
    return false;
  }
  if (c.queue.empty()) {
    if (error) *error = "client " + std::to_string(n) + " was sent nothing (more)";
    return false;
  }
  if (!response_matches(expected, c.queue.front(), &why)) {
    if (error) *error = "got      S" + std::to_string(n) + ": " + show(c.queue.front()) + "\n  (" + why + ")";
    return false;
  }
  c.queue.erase(c.queue.begin());
  return true;
}

::testing::AssertionResult Transcript::run(std::string_view script) {
  std::string error;
  const auto steps = parse_script(script, &error);
  auto fail = [&](const Step* step, const std::string& message) {
    std::ostringstream out;
    if (step)
      out << "script line " << step->line << ": " << (step->command ? "C" : "S") << step->client << ": "
          << show(step->text) << "\n  " << message;
    else
      out << message;
    out << "\n--- exchange so far (policy " << model_.policy().to_string() << ") ---";
    for (const auto& l : log_) out << "\n  " << l;
    return ::testing::AssertionFailure() << out.str();
  };
  if (!error.empty()) return fail(nullptr, error);
  for (const auto& step : steps) {
    if (step.command) {
      if (!flush_elision(step.client, &error)) return fail(&step, error);
      std::string bytes = step.text + std::string(crlf);
      auto out = send(step.client, bytes, &error);
      if (!error.empty()) return fail(&step, error);
      auto& queue = client(step.client).queue;
      queue.insert(queue.end(), out.begin(), out.end());
      poll();
    } else if (!expect(step.client, step.text, &error)) {
      return fail(&step, error);
    }
  }
  for (auto& entry : clients_)
    if (!flush_elision(entry.first, &error)) return fail(nullptr, error);
  return ::testing::AssertionSuccess();
}

}  // namespace imaplab::testing
