// The list of imaplab's subcommands and the exit code the one that ran chose.
#include "cli/subcommands.hpp"

namespace imaplab::cli {
namespace {
int chosen_exit_code = 0;  // set once by the subcommand that ran; main() returns it
}  // namespace

void register_serve(CLI::App& app);     // cli/serve.cpp
void register_hunt(CLI::App& app);      // cli/hunt.cpp
void register_replay(CLI::App& app);    // cli/replay.cpp
void register_minimize(CLI::App& app);  // cli/replay.cpp
void register_report(CLI::App& app);    // cli/report.cpp
void register_bugs(CLI::App& app);      // cli/bugs.cpp
void register_bench_detect(CLI::App& app);  // cli/bench_detect.cpp
void register_probe(CLI::App& app);    // cli/probe.cpp

void register_all(CLI::App& app) {
  register_hunt(app);
  register_replay(app);
  register_minimize(app);
  register_report(app);
  register_serve(app);
  register_bugs(app);
  register_bench_detect(app);
  register_probe(app);
}

int exit_code() { return chosen_exit_code; }
void set_exit_code(int code) { chosen_exit_code = code; }

}  // namespace imaplab::cli
