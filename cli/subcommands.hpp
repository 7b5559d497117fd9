// Registration of imaplab's subcommands. Each subcommand file defines one register_* function.
#pragma once
#include <CLI/CLI.hpp>

namespace imaplab::cli {

// Adds every subcommand to the app.
void register_all(CLI::App& app);
// The exit code chosen by the subcommand that ran (0 when it did not set one).
int exit_code();
void set_exit_code(int code);

}  // namespace imaplab::cli
