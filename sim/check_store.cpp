// White-box [O] rules through the StoreOracle: message data matches the stored message (SEQ-9), and at a
// checkpoint (NOOP/CHECK, NOTIFY SET) the client's view equals the server session's (SEQ-14, NTF-3).
#include <algorithm>

#include "sim/check_internal.hpp"

namespace imaplab::sim::detail {
namespace {

std::string n(std::uint64_t v) { return std::to_string(v); }

void report_content(Ctx& ctx, const ClientState& c, std::uint32_t uid, EventIndex index, const std::string& what) {
  ctx.rep.report("SEQ-9", {index}, {c.view.selected_at},
                 "the FETCH for UID " + n(uid) + " of \"" + c.view.mailbox + "\" returned " + what +
                     " that is not the stored message's.");
}

}  // namespace

void store_fetch(Ctx& ctx, const ClientState& c, std::uint32_t uid, const proto::FetchData& fetch,
                 EventIndex index) {
  if (ctx.oracle == nullptr) return;
  const std::string* stored = nullptr;
  bool looked = false;
  for (const auto& a : fetch.atts) {
    using K = proto::MsgAtt::Kind;
    const bool body = a.kind == K::Rfc822 || (a.kind == K::BodySection && a.section == proto::Section{});
    const bool size = a.kind == K::Rfc822Size && a.number != 0;  // 0 may be a NIL placeholder (§4.1.3)
    if (!(body && a.data && !a.data->empty()) && !size) continue;  // "" may be a placeholder
    if (!looked) {
      stored = ctx.oracle->content(c.view.mailbox, c.view.uidvalidity, uid);
      looked = true;
    }
    if (stored == nullptr) return;  // renamed away or never seen by the oracle: undecidable, skip
    if (size && a.number != stored->size()) {
      report_content(ctx, c, uid, index, "RFC822.SIZE " + n(a.number) + " (stored: " + n(stored->size()) + ")");
      return;
    }
    if (!body) continue;
    const std::size_t origin = a.origin.value_or(0);
    const bool matches = origin <= stored->size() && stored->compare(origin, a.data->size(), *a.data) == 0 &&
                         (a.origin.has_value() || a.data->size() == stored->size());
    if (!matches) {
      report_content(ctx, c, uid, index, "body data (" + n(a.data->size()) + " octets)");
      return;
    }
  }
}

void store_checkpoint(Ctx& ctx, const ClientState& c, const char* rule, EventIndex sent, EventIndex done) {
  // Sound only when nothing else can be on its way to the client: no other command in flight, and no NOTIFY
  // updates for the selected mailbox that the server may have produced after this reply.
  if (ctx.oracle == nullptr || !c.inflight.empty() || c.notifies > 0 || c.idle) return;
  if (c.notify.active && c.notify.any_selected()) return;
  if (!c.view_usable() || c.bye) return;
  const auto session = ctx.oracle->session_of(c.id);
  if (!session) return;
  const std::vector<std::uint32_t> truth = ctx.oracle->model().session_view(*session);
  const View& v = c.view;
  // An empty session view for a non-empty client view means the server deselected the session (delete=bye,
  // rename=bye: a BYE is on its way); and a mailbox of that name with another UIDVALIDITY is not this one.
  if (truth.empty() && v.count() > 0) return;
  if (const auto info = ctx.oracle->model().mailbox(v.mailbox);
      info && v.uidvalidity != 0 && info->uidvalidity != v.uidvalidity) {
    return;
  }
  if (truth.size() != v.count()) {
    ctx.rep.report(rule, {done}, {sent},
                   "after this command completed the client knows " + n(v.count()) + " messages in \"" +
                       v.mailbox + "\" but the server's session holds " + n(truth.size()) +
                       ": pending updates must be sent before the tagged reply.");
    return;
  }
  for (std::size_t i = 0; i < truth.size(); ++i) {
    if (v.entries[i].uid != 0 && v.entries[i].uid != truth[i]) {
      ctx.rep.report(rule, {done}, {sent, v.entries[i].cause},
                     "after this command completed message " + n(i + 1) + " is UID " + n(v.entries[i].uid) +
                         " for the client but UID " + n(truth[i]) + " in the server's session.");
      return;
    }
  }
}

}  // namespace imaplab::sim::detail
