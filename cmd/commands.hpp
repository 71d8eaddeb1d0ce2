#pragma once
// The subcommands, registered in one place (main.cpp). Each lives in its own file and
// declares its options, calls one library function and sets ctx.exit_code.
#include "context.hpp"

#include <CLI/CLI.hpp>

namespace mlc::cmd {

void set_init_command(CLI::App& app, Context& ctx);
void set_creds_command(CLI::App& app, Context& ctx);
void set_ping_command(CLI::App& app, Context& ctx);
void set_audit_command(CLI::App& app, Context& ctx);
void set_sync_suppliers_command(CLI::App& app, Context& ctx);
void set_pull_pos_command(CLI::App& app, Context& ctx);
void set_post_costs_command(CLI::App& app, Context& ctx);
void set_run_command(CLI::App& app, Context& ctx);
void set_replay_command(CLI::App& app, Context& ctx);
void set_listen_command(CLI::App& app, Context& ctx);
void set_ingest_command(CLI::App& app, Context& ctx);
void set_status_command(CLI::App& app, Context& ctx);
void set_webhooks_command(CLI::App& app, Context& ctx);
void set_state_command(CLI::App& app, Context& ctx);
void set_config_command(CLI::App& app, Context& ctx);
void set_reconcile_command(CLI::App& app, Context& ctx);
void set_report_command(CLI::App& app, Context& ctx);
void set_completion_command(CLI::App& app, Context& ctx);

} // namespace mlc::cmd
