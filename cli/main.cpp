// imaplab's command line: one program, one subcommand per job (serve, hunt, replay, minimize, ...).
#include <CLI/CLI.hpp>

#include "cli/subcommands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"imaplab: a deterministic fuzzing and simulation lab for IMAP concurrency"};
  app.set_version_flag("--version", std::string("imaplab ") + IMAPLAB_VERSION);
  app.require_subcommand(1);
  imaplab::cli::register_all(app);
  CLI11_PARSE(app, argc, argv);
  return imaplab::cli::exit_code();
}
