// `ml-connector audit`: lists and exports the audit trail, and `audit verify` recomputes its
// hash chain (exit 1 naming the first broken row). Read-only: it takes no run lock.
#include "admin/audit_query.hpp"
#include "commands.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

namespace {

// --state wins, so the audit of a copied database can be read without its config file.
std::filesystem::path state_path(const Context& ctx)
{
    if (!ctx.global.state_path.empty()) {
        return ctx.global.state_path;
    }
    return ctx.load_config().state.path;
}

struct AuditOptions {
    std::string record;
    std::int64_t run_id = 0;
    std::string action;
    std::string since;
    std::string until;
    int limit = 100;
    std::string format = "table";
    bool json = false;
};

} // namespace

void set_audit_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand("audit", "Show, filter, export and verify the audit trail");
    auto opts = std::make_shared<AuditOptions>();
    auto* record =
        sub->add_option("--record", opts->record,
                        "One record: KIND:ID, e.g. supplier:300000047000123 or vendor:123");
    auto* run = sub->add_option("--run", opts->run_id, "Rows of one run (see ml-connector status)");
    auto* action = sub->add_option("--action", opts->action,
                                   "read, created, updated, linked, skipped, posted, confirmed, "
                                   "failed, held, replayed, drift, state_set, …");
    auto* since =
        sub->add_option("--since", opts->since, "From this time (2026-01-31 or ISO-8601)");
    auto* until = sub->add_option("--until", opts->until, "Up to this time, inclusive");
    sub->add_option("--limit", opts->limit, "The newest N rows (0: all)")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--format", opts->format, "Output format")
        ->capture_default_str()
        ->check(CLI::IsMember({"table", "json", "csv"}));
    sub->add_flag("--json", opts->json, "Same as --format json");

    auto* verify = sub->add_subcommand("verify", "Recompute the hash chain; exit 1 naming the "
                                                 "first broken row");
    verify->callback([&ctx] {
        const auto v = admin::verify_audit(state_path(ctx));
        fmt::print("{}\n", admin::describe(v));
        std::fflush(stdout);
        ctx.exit_code = static_cast<int>(v.ok ? ExitCode::ok : ExitCode::partial);
    });

    sub->callback([&ctx, sub, verify, opts, record, run, action, since, until] {
        if (sub->got_subcommand(verify)) {
            return;
        }
        admin::ListRequest request;
        if (*record) {
            request.record = opts->record;
        }
        if (*run) {
            request.run_id = opts->run_id;
        }
        if (*action) {
            request.action = opts->action;
        }
        if (*since) {
            request.since = opts->since;
        }
        if (*until) {
            request.until = opts->until;
        }
        request.limit = opts->limit;
        request.format = opts->json
                             ? admin::Format::json
                             : admin::parse_format(opts->format).value_or(admin::Format::table);
        std::string note;
        const std::string out = admin::list_audit(state_path(ctx), request, &note);
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
        if (!note.empty() && request.format != admin::Format::table) {
            fmt::print(stderr, "note: {}\n", note);
        }
        ctx.exit_code = static_cast<int>(ExitCode::ok);
    });
}

} // namespace mlc::cmd
