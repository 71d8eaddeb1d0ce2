// `ml-connector state list | show STREAM | set STREAM --time T [--key K] | reset STREAM`: the
// per-stream watermarks, read and moved by hand (admin/state.hpp).
#include "admin/state.hpp"

#include "commands.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {
namespace {

struct StateOptions {
    std::string stream;
    std::string time;
    std::string key;
    bool dry_run = false;
    bool json = false;
};

void print_state_output(const std::string& text)
{
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

} // namespace

void set_state_command(CLI::App& app, Context& ctx)
{
    auto* state = app.add_subcommand(
        "state", "Per-stream watermarks: list, show, set or reset a stream's cursor");
    state->require_subcommand(1);
    auto opts = std::make_shared<StateOptions>();

    auto* list = state->add_subcommand("list", "Every stream's cursor");
    list->add_flag("--json", opts->json, "Machine-readable output");
    list->callback([&ctx, opts] {
        const auto streams = admin::list_state(ctx.load_config());
        print_state_output(opts->json ? admin::state_list_json(streams)
                                      : admin::render_state_list(streams));
        ctx.exit_code = 0;
    });

    auto* show = state->add_subcommand("show", "One stream's cursor");
    show->add_option("STREAM", opts->stream, "e.g. oracle.suppliers")->required();
    show->add_flag("--json", opts->json, "Machine-readable output");
    show->callback([&ctx, opts] {
        const auto mark = admin::show_state(ctx.load_config(), opts->stream);
        print_state_output(opts->json ? admin::state_list_json({mark})
                                      : admin::render_state_list({mark}));
        ctx.exit_code = 0;
    });

    auto* set = state->add_subcommand(
        "set", "Move a stream's cursor: its next pass reads records changed from --time on");
    set->add_option("STREAM", opts->stream, "e.g. oracle.suppliers")->required();
    set->add_option("--time", opts->time, "2026-11-01 (midnight UTC) or an ISO-8601 time")
        ->required();
    set->add_option("--key", opts->key,
                    "The id of the last record taken at --time (default: none, so every record "
                    "at --time is read again)");
    set->add_flag("--dry-run", opts->dry_run, "Say what would change; change nothing");
    set->add_flag("--json", opts->json, "Machine-readable output");
    set->callback([&ctx, opts] {
        const auto change =
            admin::set_state(ctx.load_config(), opts->stream, opts->time, opts->key, opts->dry_run);
        print_state_output(opts->json ? admin::state_change_json(change)
                                      : admin::render_state_change(change));
        ctx.exit_code = 0;
    });

    auto* reset = state->add_subcommand(
        "reset", "Forget a stream's cursor: its next pass reads it from the beginning (records "
                 "already linked are matched, not created again)");
    reset->add_option("STREAM", opts->stream, "e.g. oracle.suppliers")->required();
    reset->add_flag("--dry-run", opts->dry_run, "Say what would change; change nothing");
    reset->add_flag("--json", opts->json, "Machine-readable output");
    reset->callback([&ctx, opts] {
        const auto change = admin::reset_state(ctx.load_config(), opts->stream, opts->dry_run);
        print_state_output(opts->json ? admin::state_change_json(change)
                                      : admin::render_state_change(change));
        ctx.exit_code = 0;
    });
}

} // namespace mlc::cmd
