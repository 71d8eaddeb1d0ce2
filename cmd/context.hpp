#pragma once
// What every subcommand file shares: the global options and the way a command reports its
// exit code back to main. A subcommand file declares its options in set_<name>_command(app,
// ctx), calls one library function from its callback, prints the result and sets ctx.exit_code.
#include "core/config.hpp"
#include "core/error.hpp"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

namespace mlc::cmd {

struct GlobalOptions {
    std::string config_path;  // --config, else $ML_CONNECTOR_CONFIG, else ./ml-connector.json
    std::string state_path;   // --state, overrides state.path from the config
    std::string metrics_file; // --metrics-file, overrides metrics.file from the config
    std::string log_format = "text";
    int verbose = 0;    // -v, -vv
    bool quiet = false; // -q
};

struct Context {
    GlobalOptions global;
    int exit_code = 0;

    std::filesystem::path config_file() const;
    // Loads and validates the config; applies --state and --metrics-file. Throws ConfigError.
    Config load_config() const;
    // A pass's summary on stdout, then flushed. Under -q a text summary only when the pass did
    // not end with exit 0 (set exit_code first): cron mails what needs a person, not every quiet
    // run. JSON (`json`) is always printed: a script asked for it.
    void report(const std::string& text, bool json) const;
};

} // namespace mlc::cmd
