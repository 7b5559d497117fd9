// Building a command's outcome, and resolving mailbox names with the errors RFC 3501, RFC 4314 and RFC 5530
// prescribe.
#include "model/context.hpp"

#include "model/acl.hpp"

namespace imaplab::model {

proto::ResponseCode make_code(std::string name) {
  proto::ResponseCode code;
  code.name = std::move(name);
  return code;
}

proto::ResponseCode number_code(std::string name, std::uint64_t number) {
  proto::ResponseCode code = make_code(std::move(name));
  code.number = number;
  return code;
}

proto::Response untagged_status(proto::Condition condition, std::optional<proto::ResponseCode> code,
                                std::string text) {
  proto::Response r;
  r.body = proto::StatusResponse{condition, std::move(code), std::move(text)};
  return r;
}

void Ctx::untagged(proto::ResponseBody body) {
  out.responses.emplace_back().body = std::move(body);  // built in place: a Response is ~250 bytes to move
}

void Ctx::untagged_ok(std::optional<proto::ResponseCode> code, std::string text) {
  out.responses.push_back(untagged_status(proto::Condition::Ok, std::move(code), std::move(text)));
}

void Ctx::tagged(proto::Condition condition, std::optional<proto::ResponseCode> code, std::string text) {
  proto::Response r;
  r.tag = cmd.tag;
  r.untagged = false;
  r.body = proto::StatusResponse{condition, std::move(code), std::move(text)};
  out.responses.push_back(std::move(r));
}

bool Ctx::ok(std::string text, std::optional<proto::ResponseCode> code) {
  tagged(proto::Condition::Ok, std::move(code), std::move(text));
  return false;
}

bool Ctx::no(std::string text, std::optional<proto::ResponseCode> code) {
  tagged(proto::Condition::No, std::move(code), std::move(text));
  return false;
}

bool Ctx::bad(std::string text, std::optional<proto::ResponseCode> code) {
  tagged(proto::Condition::Bad, std::move(code), std::move(text));
  return false;
}

namespace {

void answer_missing(Ctx& ctx, const std::string& name, Missing missing) {
  const std::string normalized = normalize_name(name);
  if (const auto it = ctx.s.renamed.find(normalized);
      it != ctx.s.renamed.end() && ctx.st.policy.newname_code) {
    proto::ResponseCode code = make_code("NEWNAME");
    code.list = {it->first, it->second};
    ctx.no("Mailbox has been renamed (RFC 2180 section 3.4)", std::move(code));
    return;
  }
  if (missing == Missing::TryCreate) ctx.no("Mailbox does not exist", make_code("TRYCREATE"));
  else ctx.no("Mailbox does not exist", make_code("NONEXISTENT"));
}

}  // namespace

Mailbox* lookup(Ctx& ctx, const std::string& name, std::string_view rights, Missing missing,
                bool need_selectable) {
  const auto key = key_for(ctx.s.user, name);
  Mailbox* mb = key ? find_mailbox(ctx.st, *key) : nullptr;
  if (mb == nullptr || !can_see(ctx.st, ctx.s.user, *mb) || (need_selectable && mb->noselect)) {
    answer_missing(ctx, name, missing);
    return nullptr;
  }
  if (!has_rights(ctx.st, ctx.s.user, *mb, rights)) {
    ctx.no("Permission denied (RFC 4314 section 4)", make_code("NOPERM"));
    return nullptr;
  }
  return mb;
}

}  // namespace imaplab::model
