#include "admin/status.hpp"

#include "core/json_writer.hpp"
#include "spool/spool.hpp"
#include "store/database.hpp"
#include "sync/engine/names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace mlc::admin {

std::string first_line(const std::string& text)
{
    const auto nl = text.find('\n');
    return nl == std::string::npos ? text : text.substr(0, nl);
}

namespace {

FlowPostings flow_postings(store::Postings& postings, const engine::FlowInfo& flow,
                           const std::vector<store::PostingGroup>& groups, int limit)
{
    FlowPostings out;
    out.flow = std::string(flow.name);
    const auto kinds = flow.posting_kinds();
    for (const auto& g : groups) {
        if (std::find(kinds.begin(), kinds.end(), g.kind) == kinds.end()) {
            continue;
        }
        out.groups.push_back(g);
        if (g.status == store::posting_status::failed) {
            out.failed_total += g.count;
        } else if (g.status == store::posting_status::held) {
            out.held_total += g.count;
        } else if (g.status == store::posting_status::sent) {
            out.unconfirmed_total += g.count;
        }
    }
    auto list = [&](const char* status) {
        store::PostingFilter f;
        f.kinds = kinds;
        f.statuses = {status};
        f.limit = limit;
        return postings.list(f);
    };
    out.failed = list(store::posting_status::failed);
    out.held = list(store::posting_status::held);
    out.unconfirmed = list(store::posting_status::sent);
    return out;
}

// "webhooks  18 triggers (install 2026-…, resources from procore)" and, per resource Procore
// does not offer, the pass that relies on its sweep for it.
std::string webhooks_text(const std::vector<store::WebhookCoverageRow>& rows)
{
    if (rows.empty()) {
        return "webhooks  no install recorded (ml-connector webhooks install); passes sweep\n";
    }
    const auto subscribed =
        std::count_if(rows.begin(), rows.end(), [](const auto& c) { return c.subscribed; });
    std::string out =
        fmt::format("webhooks  {} trigger{} (install {}, resources from {})\n", subscribed,
                    subscribed == 1 ? "" : "s", rows.front().checked_at, rows.front().source);
    std::vector<std::pair<const store::WebhookCoverageRow*, std::string>> missing;
    for (const auto& c : rows) {
        if (c.subscribed) {
            continue;
        }
        auto it = std::find_if(missing.begin(), missing.end(), [&](const auto& m) {
            return m.first->resource_name == c.resource_name;
        });
        if (it == missing.end()) {
            missing.emplace_back(&c, c.event_type);
        } else {
            it->second += ", " + c.event_type;
        }
    }
    for (const auto& [c, types] : missing) {
        const auto* route = engine::find_route(c->resource_name);
        out += fmt::format("  no webhook: {} ({}): {} relies on its sweep for {}\n",
                           c->resource_name, types, c->pass.empty() ? "no pass" : c->pass,
                           route != nullptr ? std::string(route->what) : c->resource_name);
    }
    return out;
}

} // namespace

StatusReport read_status(const Config& config, int run_limit, int list_limit)
{
    StatusReport r;
    r.state_path = config.state.path.string();
    r.spool_dir = config.state.spool_dir.string();
    std::error_code ec;
    // The listener and ingest both create the layout; status only looks.
    r.spool_exists = std::filesystem::is_directory(config.state.spool_dir / "new", ec);
    if (r.spool_exists) {
        const spool::SpoolReader reader(config.state.spool_dir);
        const auto d = reader.depth();
        r.spool_new = d.pending;
        r.spool_rejected = d.rejected;
        r.spool_done = d.done;
        r.spool_tmp = d.tmp;
        if (d.oldest_pending) {
            r.oldest_new = format_iso8601(*d.oldest_pending);
        }
    }
    r.state_exists = std::filesystem::exists(config.state.path, ec);
    if (r.state_exists) {
        store::Database db(config.state.path);
        r.inbox = store::Inbox(db).counts();
        r.watermarks = store::Watermarks(db).list();
        r.runs = store::recent_runs(db, run_limit);
        r.postings = store::count_postings_by_status(db);
        store::Postings postings(db);
        const auto groups = postings.groups();
        for (const auto* flow : engine::flows()) {
            r.flows.push_back(flow_postings(postings, *flow, groups, list_limit));
        }
        r.retries = store::Retries(db).counts();
        r.drift = store::Links(db).drifted();
        r.webhooks = store::WebhookCoverage(db).list();
    }
    return r;
}

std::string to_json(const StatusReport& r)
{
    json::Writer w;
    w.begin_object();
    w.key("state").begin_object();
    w.field("path", r.state_path);
    w.field("exists", r.state_exists);
    w.end_object();
    w.key("spool").begin_object();
    w.field("dir", r.spool_dir);
    w.field("new", static_cast<std::int64_t>(r.spool_new));
    w.field("rejected", static_cast<std::int64_t>(r.spool_rejected));
    w.field("done", static_cast<std::int64_t>(r.spool_done));
    w.field("tmp", static_cast<std::int64_t>(r.spool_tmp));
    w.key("oldest_new");
    if (r.oldest_new) {
        w.string(*r.oldest_new);
    } else {
        w.null();
    }
    w.end_object();
    w.key("inbox").begin_array();
    for (const auto& c : r.inbox) {
        w.begin_object();
        w.field("status", c.status);
        w.field("resource_name", c.resource_name);
        w.field("count", c.count);
        w.end_object();
    }
    w.end_array();
    w.key("watermarks").begin_array();
    for (const auto& m : r.watermarks) {
        w.begin_object();
        w.field("stream", m.stream);
        w.field("cursor_time", m.cursor_time);
        w.field("cursor_key", m.cursor_key);
        w.field("updated_at", m.updated_at);
        w.end_object();
    }
    w.end_array();
    w.key("runs").begin_array();
    for (const auto& run : r.runs) {
        w.begin_object();
        w.field("id", run.id);
        w.field("command", run.command);
        w.field("started_at", run.started_at);
        w.key("finished_at");
        if (run.finished_at) {
            w.string(*run.finished_at);
        } else {
            w.null();
        }
        w.key("exit_code");
        if (run.exit_code) {
            w.integer(*run.exit_code);
        } else {
            w.null();
        }
        w.field("interrupted", run.interrupted);
        w.end_object();
    }
    w.end_array();
    w.key("postings").begin_object();
    for (const auto& p : r.postings) {
        w.field(p.status, p.count);
    }
    w.end_object();
    auto write_list = [&w](const char* name, const std::vector<store::Posting>& list) {
        w.key(name).begin_array();
        for (const auto& p : list) {
            w.begin_object();
            w.field("id", p.id);
            w.field("source_key", p.source_key);
            w.field("kind", p.kind);
            w.field("attempts", static_cast<std::int64_t>(p.attempts));
            w.field("updated_at", p.updated_at);
            if (p.error_class) {
                w.field("error_class", *p.error_class);
            }
            if (p.last_error) {
                w.field("error", first_line(*p.last_error));
            }
            w.end_object();
        }
        w.end_array();
    };
    w.key("flows").begin_object();
    for (const auto& f : r.flows) {
        w.key(f.flow).begin_object();
        w.field("failed", f.failed_total);
        w.field("held", f.held_total);
        w.field("unconfirmed", f.unconfirmed_total);
        w.key("by_kind").begin_array();
        for (const auto& g : f.groups) {
            w.begin_object();
            w.field("kind", g.kind);
            w.field("status", g.status);
            w.field("count", g.count);
            w.field("oldest_id", g.oldest_id);
            w.field("oldest_at", g.oldest_at);
            w.end_object();
        }
        w.end_array();
        write_list("failed_postings", f.failed);
        write_list("held_postings", f.held);
        write_list("unconfirmed_postings", f.unconfirmed);
        w.end_object();
    }
    w.end_object();
    w.key("retries").begin_array();
    for (const auto& q : r.retries) {
        w.begin_object();
        w.field("stream", q.stream);
        w.field("reason", q.reason);
        w.field("count", q.count);
        w.field("earliest_due", q.earliest_due);
        w.end_object();
    }
    w.end_array();
    w.key("webhooks").begin_object();
    w.field("installed", !r.webhooks.empty());
    if (!r.webhooks.empty()) {
        w.field("checked_at", r.webhooks.front().checked_at);
        w.field("resources_source", r.webhooks.front().source);
    }
    w.key("subscribed").begin_array();
    for (const auto& c : r.webhooks) {
        if (c.subscribed) {
            w.begin_object();
            w.field("resource_name", c.resource_name);
            w.field("event_type", c.event_type);
            w.field("pass", c.pass);
            w.end_object();
        }
    }
    w.end_array();
    w.key("sweep_only").begin_array();
    for (const auto& c : r.webhooks) {
        if (!c.subscribed) {
            w.begin_object();
            w.field("resource_name", c.resource_name);
            w.field("event_type", c.event_type);
            w.field("pass", c.pass);
            w.end_object();
        }
    }
    w.end_array();
    w.end_object();
    w.key("drift").begin_array();
    for (const auto& l : r.drift) {
        w.begin_object();
        w.field("kind", l.kind);
        w.field("oracle_key", l.oracle_key.value_or(""));
        w.field("procore_key", l.procore_key.value_or(""));
        w.field("drift", l.drift.value_or(""));
        w.field("since", l.updated_at);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.str();
}

std::string to_text(const StatusReport& r)
{
    std::string out;
    out += fmt::format("spool     {}: {} new, {} rejected, {} done", r.spool_dir, r.spool_new,
                       r.spool_rejected, r.spool_done);
    if (r.oldest_new) {
        out += fmt::format(" (oldest new {})", *r.oldest_new);
    }
    if (!r.spool_exists) {
        out += " (not created yet)";
    }
    out += "\n";
    if (!r.state_exists) {
        out += fmt::format("state     {}: not created yet (ml-connector init)\n", r.state_path);
        return out;
    }
    out += fmt::format("state     {}\n", r.state_path);
    out += "inbox    ";
    if (r.inbox.empty()) {
        out += " empty";
    }
    for (std::size_t i = 0; i < r.inbox.size(); ++i) {
        const auto& c = r.inbox[i];
        out += fmt::format("{} {} {}: {}", i == 0 ? "" : ",", c.status, c.resource_name, c.count);
    }
    out += "\n";
    out += webhooks_text(r.webhooks);
    for (const auto& m : r.watermarks) {
        out += fmt::format("watermark {}: {}{}\n", m.stream, m.cursor_time,
                           m.cursor_key.empty() ? "" : " (id " + m.cursor_key + ")");
    }
    out += "postings ";
    if (r.postings.empty()) {
        out += " none";
    }
    for (std::size_t i = 0; i < r.postings.size(); ++i) {
        out +=
            fmt::format("{} {} {}", i == 0 ? "" : ",", r.postings[i].status, r.postings[i].count);
    }
    out += "\n";
    for (const auto& f : r.flows) {
        if (f.failed_total + f.held_total + f.unconfirmed_total == 0) {
            continue;
        }
        auto oldest = [](const std::vector<store::Posting>& list) {
            return list.empty()
                       ? std::string{}
                       : fmt::format(" (oldest #{} {})", list.front().id, list.front().updated_at);
        };
        out += fmt::format("flow      {}: {} failed{}, {} held{}, {} sent unconfirmed{}\n", f.flow,
                           f.failed_total, oldest(f.failed), f.held_total, oldest(f.held),
                           f.unconfirmed_total, oldest(f.unconfirmed));
        auto lines = [&out](const char* label, const std::vector<store::Posting>& list,
                            std::int64_t total) {
            for (const auto& p : list) {
                out +=
                    fmt::format("  {:<10} #{} {} {}{}: {}\n", label, p.id, p.source_key,
                                p.updated_at, p.error_class ? " " + *p.error_class : std::string{},
                                first_line(p.last_error.value_or("")));
            }
            if (total > static_cast<std::int64_t>(list.size())) {
                out += fmt::format("  … and {} more {}\n",
                                   total - static_cast<std::int64_t>(list.size()), label);
            }
        };
        lines("failed", f.failed, f.failed_total);
        lines("held", f.held, f.held_total);
        lines("sent", f.unconfirmed, f.unconfirmed_total);
    }
    for (const auto& q : r.retries) {
        out += fmt::format("re-read   {} {}: {} (next due {})\n", q.stream, q.reason, q.count,
                           q.earliest_due);
    }
    for (const auto& l : r.drift) {
        out += fmt::format("drift     {} {} (oracle {}): {} since {}\n", l.kind,
                           l.procore_key.value_or("-"), l.oracle_key.value_or("-"),
                           l.drift.value_or(""), l.updated_at);
    }
    for (const auto& run : r.runs) {
        out += fmt::format(
            "run       #{} {} started {} {}\n", run.id, run.command, run.started_at,
            run.finished_at
                ? fmt::format("finished {} exit {}{}", *run.finished_at, run.exit_code.value_or(-1),
                              run.interrupted ? " (stopped by a signal)" : "")
            : run.interrupted ? std::string("interrupted (killed before it finished)")
                              : std::string("not finished"));
    }
    return out;
}

} // namespace mlc::admin
