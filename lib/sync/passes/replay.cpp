#include "sync/passes/replay.hpp"

#include "core/json_writer.hpp"
#include "store/postings.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"
#include "sync/passes/flow_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace mlc::passes {

namespace {

// --kind names a flow (its every posting kind) or one posting kind.
std::vector<std::string> expand_kinds(const std::vector<std::string>& kinds)
{
    std::vector<std::string> out;
    for (const auto& k : kinds) {
        if (const auto* f = engine::find_flow(k)) {
            const auto all = f->posting_kinds();
            out.insert(out.end(), all.begin(), all.end());
        } else if (engine::flow_of_posting_kind(k) != nullptr) {
            out.push_back(k);
        } else {
            std::string known;
            for (const auto* flow : engine::flows()) {
                known += (known.empty() ? "" : ", ") + std::string(flow->name);
                for (const auto& pk : flow->posting_kinds()) {
                    known += ", " + pk;
                }
            }
            throw UsageError("--kind '" + k + "' is not a flow or a posting kind",
                             "one of: " + known);
        }
    }
    return out;
}

std::vector<store::Posting> select(store::Postings& postings, const ReplayOptions& o)
{
    store::PostingFilter filter;
    filter.ids = o.postings;
    filter.kinds = expand_kinds(o.kinds);
    if (!o.since.empty()) {
        Clock::time_point t{};
        if (!parse_iso8601(o.since, t)) {
            throw UsageError("--since '" + o.since + "' is not an ISO-8601 time",
                             "e.g. --since 2026-01-31T00:00:00Z");
        }
        filter.updated_since = format_iso8601(t);
    }
    const bool by_id = !o.postings.empty();
    if (o.failed) {
        filter.statuses.emplace_back(store::posting_status::failed);
    }
    if (o.held) {
        filter.statuses.emplace_back(store::posting_status::held);
    }
    if (!by_id && filter.statuses.empty()) {
        // Nothing asked for: what needs resolving: failed, and sent but never confirmed.
        filter.statuses = {store::posting_status::failed, store::posting_status::sent,
                           store::posting_status::pending};
    }
    auto selected = postings.list(filter);
    // A pending posting never sent has nothing to resolve: the next pass re-plans it.
    std::erase_if(selected, [&](const store::Posting& p) {
        return !by_id && p.status == store::posting_status::pending && p.attempts == 0;
    });
    for (const auto id : o.postings) {
        if (std::none_of(selected.begin(), selected.end(),
                         [id](const store::Posting& p) { return p.id == id; })) {
            throw UsageError(fmt::format("no posting with id {}{}", id,
                                         filter.kinds.empty() && filter.statuses.empty()
                                             ? ""
                                             : " matching the other selectors"),
                             "see `ml-connector status` for failed postings and their ids");
        }
    }
    return selected;
}

} // namespace

ReplayResult run_replay(const Config& config, engine::Connections& connections, Clock& clock,
                        const ReplayOptions& options)
{
    engine::PassRun run(config, engine::command::replay, options.pass.dry_run, clock, &connections);
    return run.guard([&] {
        ReplayResult result;
        auto& pass = result.pass;
        pass.command = std::string(engine::command::replay);
        pass.dry_run = options.pass.dry_run;
        pass.run_id = run.run_id();
        pass.interrupted_runs = run.interrupted_runs();

        store::Postings postings(run.db());
        const auto selected = select(postings, options);
        std::map<std::string, std::vector<store::Posting>> by_flow;
        for (const auto& p : selected) {
            ReplayedPosting row{.id = p.id,
                                .source_key = p.source_key,
                                .kind = p.kind,
                                .status_before = p.status,
                                .status_after = p.status,
                                .outcome = {}};
            if (const auto* f = engine::flow_of_posting_kind(p.kind)) {
                by_flow[std::string(f->name)].push_back(p);
            } else {
                row.outcome = "no flow owns postings of kind " + p.kind + "; left as it is";
            }
            result.postings.push_back(std::move(row));
        }

        engine::Context ctx{config, connections, clock, run};
        std::map<std::int64_t, std::string> outcomes;
        for (const auto& entry : flow_table()) {
            const auto it = by_flow.find(std::string(entry.info->name));
            if (it == by_flow.end()) {
                continue;
            }
            engine::FlowScope scope;
            scope.incremental = false;
            scope.resend_unchanged = true;
            scope.replay = it->second;
            auto summary = entry.run(ctx, options.pass, scope);
            for (const auto& [id, text] : summary.replayed) {
                outcomes[id] = text;
            }
            pass.flows.push_back(std::move(summary));
        }
        for (auto& row : result.postings) {
            if (const auto p = postings.find(row.id)) {
                row.status_after = p->status;
            }
            if (row.outcome.empty()) {
                const auto it = outcomes.find(row.id);
                row.outcome = it != outcomes.end() ? it->second
                                                   : (row.status_after == row.status_before
                                                          ? std::string("unchanged")
                                                          : "now " + row.status_after);
            }
        }
        pass.api_calls = connections.calls().snapshot();
        pass.exit_code = exit_code_of(pass.flows);
        run.finish(pass.exit_code, to_json(result));
        return result;
    });
}

std::string to_json(const ReplayResult& result)
{
    json::Writer w;
    w.begin_object();
    w.field("command", result.pass.command);
    w.field("dry_run", result.pass.dry_run);
    if (result.pass.run_id) {
        w.field("run_id", *result.pass.run_id);
    }
    w.field("exit_code", static_cast<int>(result.pass.exit_code));
    w.key("postings").begin_array();
    for (const auto& p : result.postings) {
        w.begin_object();
        w.field("id", p.id);
        w.field("source_key", p.source_key);
        w.field("kind", p.kind);
        w.field("status_before", p.status_before);
        w.field("status_after", p.status_after);
        w.field("outcome", p.outcome);
        w.end_object();
    }
    w.end_array();
    for (const auto& f : result.pass.flows) {
        w.key(f.flow);
        engine::write_json(w, f);
    }
    engine::write_api_calls(w, result.pass.api_calls);
    w.end_object();
    return w.str();
}

std::string to_text(const ReplayResult& result)
{
    std::string out;
    if (result.postings.empty()) {
        out += "replay: nothing to replay (no posting matches)\n";
    }
    for (const auto& p : result.postings) {
        out += fmt::format("posting {} {} ({}): {} -> {}: {}\n", p.id, p.source_key, p.kind,
                           p.status_before, p.status_after, p.outcome);
    }
    for (const auto& f : result.pass.flows) {
        out += engine::to_text(f, result.pass.dry_run);
    }
    out += engine::api_calls_text(result.pass.api_calls);
    return out;
}

} // namespace mlc::passes
