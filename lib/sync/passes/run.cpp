#include "sync/passes/run.hpp"

#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "core/stop.hpp"
#include "store/lock.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/names.hpp"
#include "sync/flows/journals/journals.hpp"
#include "sync/passes/ingest.hpp"
#include "sync/passes/post_costs.hpp"
#include "sync/passes/pull_pos.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <map>

namespace mlc::passes {
namespace {

using RunPassState = RunPassOutcome::State;

constexpr std::string_view k_run_pass_order[] = {
    engine::command::ingest, engine::command::sync_suppliers, engine::command::pull_pos,
    engine::command::post_costs};

// The passes a pass needs to have run without a fatal failure: the spool is in before anything
// reads the inbox; vendors and cost codes exist before commitments and costs charge them.
std::vector<std::string_view> run_pass_needs(std::string_view pass)
{
    if (pass == engine::command::sync_suppliers) {
        return {engine::command::ingest};
    }
    if (pass == engine::command::pull_pos || pass == engine::command::post_costs) {
        return {engine::command::sync_suppliers};
    }
    return {};
}

// Why a pass has nothing to do under this config ("" when it has): run alone it would fail
// every record (pull-pos without projects) or do nothing (post-costs without a journal), and a
// customer who does not use a flow must not see `run` fail for it.
std::string run_pass_not_configured(const Config& config, std::string_view pass)
{
    if (pass == engine::command::pull_pos && config.mapping.projects.empty()) {
        return "mapping.projects is not configured (no project to post commitments for)";
    }
    if (pass == engine::command::post_costs && !config.mapping.journal.configured) {
        return "mapping.journal is not configured";
    }
    return {};
}

int run_exit_rank(ExitCode code)
{
    switch (code) {
    case ExitCode::ok:
        return 0;
    case ExitCode::partial:
        return 1;
    case ExitCode::usage:
        return 2;
    case ExitCode::unreachable:
        return 3;
    case ExitCode::locked:
        return 4;
    case ExitCode::interrupted:
    case ExitCode::terminated:
        return 5;
    }
    return 5; // a code outside the contract: the worst, so that it is seen
}

bool run_exit_is_fatal(ExitCode code)
{
    return code != ExitCode::ok && code != ExitCode::partial;
}

std::string run_signal_name(int signal)
{
    return signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "a signal";
}

void run_check_names(const std::vector<std::string>& names, std::string_view option)
{
    const auto passes = run_pass_names();
    for (const auto& name : names) {
        if (std::ranges::find(passes, name) == passes.end()) {
            throw UsageError(fmt::format("run {}: unknown pass '{}'", option, name),
                             "the passes are ingest, sync-suppliers, pull-pos, post-costs");
        }
    }
}

// Runs one pass as its own command would, with connections of its own (its API call counts are
// its own), and fills `out` with its summary and exit code. Throws what the pass throws.
void run_one_pass(const Config& config, Clock& clock, const RunOptions& options,
                  RunPassOutcome& out)
{
    engine::PassOptions pass;
    pass.dry_run = options.dry_run;
    pass.full = options.full;
    pass.progress = options.progress;
    if (out.name == engine::command::ingest) {
        const auto ingested = run_ingest(config, clock);
        out.ingested = ingested.summary;
        out.exit_code = ingested.code;
        return;
    }
    engine::Connections connections(config, clock);
    if (out.name == engine::command::sync_suppliers) {
        SyncSuppliersOptions sync;
        sync.pass = pass;
        out.summary = run_sync_suppliers(config, connections, clock, sync);
    } else if (out.name == engine::command::pull_pos) {
        PullPosOptions pull;
        pull.pass = pass;
        out.summary = run_pull_pos(config, connections, clock, pull);
    } else {
        PostCostsOptions post;
        post.pass = pass;
        auto posted = run_post_costs(config, connections, clock, post);
        if (options.dry_run && !posted.journals.empty()) {
            // The controller's table, as `post-costs --dry-run` prints it.
            out.detail_text =
                flows::journal_table(posted.journals, config.mapping.chart.delimiter) + "\n";
        }
        out.summary = std::move(posted.pass);
    }
    out.exit_code = out.summary->exit_code;
}

} // namespace

std::span<const std::string_view> run_pass_names()
{
    return k_run_pass_order;
}

ExitCode worse_exit(ExitCode a, ExitCode b)
{
    return run_exit_rank(b) > run_exit_rank(a) ? b : a;
}

RunResult run_all(const Config& config, Clock& clock, const RunOptions& options)
{
    run_check_names(options.only, "--only");
    run_check_names(options.skip, "--skip");
    if (!options.only.empty() && !options.skip.empty()) {
        throw UsageError("run: --only and --skip cannot be combined",
                         "name the passes to run with --only, or those to leave out with --skip");
    }
    // First in, last out, as in a pass: a signal between two passes is kept for the next one.
    const stop::Scope stop_scope;
    // One lock for the whole run: each pass's own lock joins it, so no other process gets in
    // between two passes.
    const store::RunLock lock(config.state.path, std::string(engine::command::run), clock,
                              store::RunLock::Nesting::join);

    RunResult result;
    result.dry_run = options.dry_run;
    // A pass that failed fatally, or was skipped because of one -> why its dependents skip.
    std::map<std::string_view, std::string> blocked;
    for (const auto name : run_pass_names()) {
        RunPassOutcome out;
        out.name = std::string(name);
        const auto listed = [&](const std::vector<std::string>& names) {
            return std::ranges::find(names, name) != names.end();
        };
        std::string reason;
        for (const auto need : run_pass_needs(name)) {
            if (const auto it = blocked.find(need); it != blocked.end()) {
                reason = it->second;
                blocked.emplace(name, it->second);
                break;
            }
        }
        if (!options.only.empty() && !listed(options.only)) {
            out.reason = "not selected (--only)";
        } else if (listed(options.skip)) {
            out.reason = "left out (--skip)";
        } else if (result.stop_signal != 0) {
            out.reason =
                fmt::format("the run was stopped by {}", run_signal_name(result.stop_signal));
        } else if (const int signal = stop::requested(); signal != 0) {
            result.stop_signal = signal;
            result.exit_code = worse_exit(result.exit_code, static_cast<ExitCode>(128 + signal));
            out.reason = fmt::format("the run was stopped by {}", run_signal_name(signal));
        } else if (!reason.empty()) {
            out.reason = reason;
        } else if (auto why = run_pass_not_configured(config, name); !why.empty()) {
            out.reason = std::move(why);
        } else if (options.dry_run && name == engine::command::ingest) {
            out.reason = "a dry run takes nothing into the state store";
        } else {
            log::debug("run: {}", name);
            try {
                run_one_pass(config, clock, options, out);
                out.state = RunPassState::ran;
            } catch (const stop::Interrupted& e) {
                out.state = RunPassState::failed;
                out.exit_code = e.code();
                out.error = e.what();
                out.hint = e.hint();
                result.stop_signal = e.signal();
            } catch (const Fatal& e) {
                out.state = RunPassState::failed;
                out.exit_code = e.code();
                out.error = e.what();
                out.hint = e.hint();
            } catch (const std::exception& e) {
                out.state = RunPassState::failed;
                out.exit_code = ExitCode::usage;
                out.error = std::string("internal: ") + e.what();
                out.hint = "please report this";
            }
            if (out.state == RunPassState::failed && run_exit_is_fatal(out.exit_code)) {
                blocked.emplace(name, fmt::format("{} failed (exit {})", name,
                                                  static_cast<int>(out.exit_code)));
            }
            result.exit_code = worse_exit(result.exit_code, out.exit_code);
        }
        result.passes.push_back(std::move(out));
    }
    return result;
}

std::string to_json(const RunResult& result)
{
    json::Writer w;
    w.begin_object();
    w.field("command", engine::command::run);
    w.field("dry_run", result.dry_run);
    w.field("exit_code", static_cast<int>(result.exit_code));
    if (result.stop_signal != 0) {
        w.field("stopped_by", run_signal_name(result.stop_signal));
    }
    w.key("passes").begin_array();
    for (const auto& p : result.passes) {
        w.begin_object();
        w.field("pass", p.name);
        switch (p.state) {
        case RunPassState::ran:
            w.field("status", "ran");
            w.field("exit_code", static_cast<int>(p.exit_code));
            if (p.summary) {
                w.key("summary").raw_json(passes::to_json(*p.summary));
            } else if (p.ingested) {
                w.key("summary").raw_json(engine::to_json(*p.ingested));
            }
            break;
        case RunPassState::failed:
            w.field("status", "failed");
            w.field("exit_code", static_cast<int>(p.exit_code));
            w.field("error", log::redact(p.error));
            if (!p.hint.empty()) {
                w.field("hint", log::redact(p.hint));
            }
            break;
        case RunPassState::skipped:
            w.field("status", "skipped");
            w.field("reason", p.reason);
            break;
        }
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.str();
}

std::string to_text(const RunResult& result)
{
    std::string out;
    for (const auto& p : result.passes) {
        if (p.state != RunPassState::ran) {
            continue;
        }
        out += fmt::format("== {} ==\n", p.name);
        out += p.detail_text;
        if (p.summary) {
            out += passes::to_text(*p.summary);
        } else if (p.ingested) {
            out += engine::to_text(*p.ingested) + "\n";
        }
        out += "\n";
    }
    out += fmt::format("run{}:\n", result.dry_run ? " (dry run)" : "");
    for (const auto& p : result.passes) {
        std::string what;
        switch (p.state) {
        case RunPassState::ran:
            what = p.exit_code == ExitCode::ok
                       ? "exit 0"
                       : fmt::format("exit {} (records failed or held: see above)",
                                     static_cast<int>(p.exit_code));
            break;
        case RunPassState::failed:
            what = fmt::format("exit {}: {}", static_cast<int>(p.exit_code), log::redact(p.error));
            break;
        case RunPassState::skipped:
            what = "skipped: " + p.reason;
            break;
        }
        out += fmt::format("  {:<15} {}\n", p.name, what);
    }
    out += fmt::format("run: exit {}\n", static_cast<int>(result.exit_code));
    return out;
}

} // namespace mlc::passes
