// `imaplab bugs`: the bug zoo's catalogue, the names `--bug NAME` and `imaplab bench-detect --bugs` take, with
// the layer each bug lives in, the INVARIANTS.md rule (and RFC section) a checker should report, and what it does.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/output.hpp"
#include "cli/subcommands.hpp"
#include "model/bugs.hpp"
#include "sim/checker.hpp"

namespace imaplab::cli {
namespace {

const char* rfc_of(const char* rule) {
  const sim::RuleInfo* info = sim::find_rule(rule);
  return info ? info->rfc : "";
}

void print_table() {
  Style st = style_for(stdout);
  std::printf("%s%-34s %-6s %-7s %s%s\n", st.bold(), "bug", "layer", "rule", "what goes wrong", st.reset());
  for (const auto& b : model::bug_catalogue())
    std::printf("%-34s %-6s %-7s %s%s%s%s\n", b.name, b.layer, b.rule, b.description, b.needs ? " (needs " : "",
                b.needs ? b.needs : "", b.needs ? ")" : "");
  std::printf("\n%zu bugs. Switch one on with `imaplab hunt --bug NAME` or `imaplab serve --bug NAME`;\n"
              "measure how fast each strategy finds them with `imaplab bench-detect`.\n",
              model::bug_catalogue().size());
}

void print_json() {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& b : model::bug_catalogue())
    j.push_back({{"name", b.name}, {"layer", b.layer}, {"rule", b.rule}, {"rfc", rfc_of(b.rule)},
                 {"description", b.description}, {"needs", b.needs ? b.needs : ""}});
  std::printf("%s\n", j.dump(2).c_str());
}

}  // namespace

void register_bugs(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("bugs", "List the bug zoo: named race bugs that can be planted in the server");
  cmd->add_flag("--json", *json, "Print the catalogue as JSON");
  cmd->callback([json] {
    if (*json) print_json();
    else print_table();
    set_exit_code(0);
  });
}

}  // namespace imaplab::cli
