// The probe's human-readable summary (probe/summary.hpp).
#include "probe/summary.hpp"

#include <cstdio>

namespace imaplab::probe {
namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string ms(std::uint64_t us) { return fixed(static_cast<double>(us) / 1000.0, 1) + " ms"; }

}  // namespace

std::uint64_t Summary::violations_total() const {
  std::uint64_t n = 0;
  for (const auto& [rule, count] : violations) n += count;
  return n;
}

std::string format_summary(const Summary& s) {
  std::string out;
  out += "probe of " + s.server + " (seed " + std::to_string(s.seed) + ", " + std::to_string(s.clients) +
         " clients, policy " + s.policy + ", mailboxes under \"" + s.prefix + "\")\n";
  if (!s.capabilities.empty()) out += "capabilities: " + s.capabilities + "\n";
  out += "commands: " + std::to_string(s.commands_total) + " in " + fixed(s.load_seconds, 1) + " s = " +
         fixed(s.commands_per_second(), 1) + " commands/s; responses: " + std::to_string(s.responses_total) + "\n";
  for (const auto& [name, c] : s.commands) {
    out += "  " + name + std::string(name.size() < 12 ? 12 - name.size() : 1, ' ') + std::to_string(c.sent) +
           " sent (" + fixed(s.load_seconds > 0 ? static_cast<double>(c.sent) / s.load_seconds : 0, 1) + "/s), " +
           std::to_string(c.ok) + " OK, " + std::to_string(c.no) + " NO, " + std::to_string(c.bad) + " BAD\n";
  }
  out += "violations: " + std::to_string(s.violations_total()) + "\n";
  for (const auto& [rule, n] : s.violations) out += "  " + rule + ": " + std::to_string(n) + "\n";
  for (const auto& f : s.trace_files) out += "  trace: " + f + "\n";
  if (!s.dismissed.empty()) {
    out += "dismissed checker findings (not violations for a real server):\n";
    for (const auto& [why, n] : s.dismissed) out += "  " + why + ": " + std::to_string(n) + "\n";
  }
  if (!s.warnings.empty()) {
    out += "warnings (SHOULD rules):\n";
    for (const auto& [rule, n] : s.warnings) out += "  " + rule + ": " + std::to_string(n) + "\n";
  }
  out += "behaviours (RFC 2180 §3, other sessions of a deleted/renamed selected mailbox):";
  if (s.behaviours.empty()) out += " none observed";
  out += "\n";
  for (const auto& [kind, seen] : s.behaviours)
    for (const auto& [name, n] : seen) out += "  " + kind + "=" + name + ": " + std::to_string(n) + "\n";
  out += "push delays (tagged OK of a change -> IDLE/NOTIFY push on a watching session):";
  if (s.delays.empty()) out += " none measured";
  out += "\n";
  for (const auto& [type, d] : s.delays) {
    out += "  " + type + ": " + std::to_string(d.delays_us.size()) + " measured";
    if (!d.delays_us.empty())
      out += ", median " + ms(d.percentile_us(50)) + ", p90 " + ms(d.percentile_us(90)) + ", max " +
             ms(d.percentile_us(100));
    out += ", missed " + std::to_string(d.missed) + ", watcher spoke first " + std::to_string(d.abandoned) + "\n";
  }
  out += "connections: " + std::to_string(s.connections) + ", closed by the server " +
         std::to_string(s.server_closes) + ", command timeouts " + std::to_string(s.timeouts) +
         ", checker epochs " + std::to_string(s.epochs) + "\n";
  for (const auto& [why, n] : s.close_reasons) out += "  " + why + ": " + std::to_string(n) + "\n";
  out += "checkpoints: " + std::to_string(s.checkpoints) + " (" + std::to_string(s.checkpoints_compared) +
         " view comparisons, " + std::to_string(s.checkpoints_abandoned) + " abandoned: a session did not settle)\n";
  out += "probe CPU: " + fixed(s.cpu_seconds, 2) + " s over " + fixed(s.wall_seconds, 1) + " s wall (" +
         fixed(s.wall_seconds > 0 ? 100.0 * s.cpu_seconds / s.wall_seconds : 0, 1) + "%)\n";
  out += std::string("clean-up: ") + (s.cleanup_ok ? "done" : "INCOMPLETE (test mailboxes may remain)") + "\n";
  for (const auto& e : s.errors) out += "error: " + e + "\n";
  return out;
}

}  // namespace imaplab::probe
