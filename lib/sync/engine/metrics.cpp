#include "sync/engine/metrics.hpp"

#include "core/file.hpp"
#include "core/json.hpp"
#include "spool/spool.hpp"
#include "store/inbox.hpp"
#include "store/postings.hpp"
#include "store/runs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace mlc::engine {
namespace {

double metrics_epoch_seconds(Clock::time_point t)
{
    return static_cast<double>(
        std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

std::optional<Clock::time_point> metrics_time_of(const std::string& iso)
{
    Clock::time_point t;
    if (!parse_iso8601(iso, t)) {
        return std::nullopt;
    }
    return t;
}

MetricFamily metrics_family(std::string name, std::string help)
{
    return MetricFamily{std::move(name), "gauge", std::move(help), {}};
}

// "GET /rest/v1.0/vendors/sync" -> ("GET", "/rest/v1.0/vendors/sync").
std::pair<std::string, std::string> metrics_split_endpoint(const std::string& key)
{
    const auto space = key.find(' ');
    if (space == std::string::npos) {
        return {"", key};
    }
    return {key.substr(0, space), key.substr(space + 1)};
}

// Records read, written and failed per flow, from the JSON summary a pass leaves in its runs
// row: every member that is a flow's summary (an object with "read" and "applied"); and the API
// calls per endpoint the summary lists ("api_calls": {"GET /suppliers": 3}).
void metrics_add_records(MetricFamily& family, MetricFamily& calls, const store::RunRow& run)
{
    if (run.counts_json.empty()) {
        return;
    }
    const auto doc = json::parse(run.counts_json);
    if (!doc || !doc->IsObject()) {
        return;
    }
    if (const auto* api = json::find(*doc, "api_calls"); api != nullptr && api->IsObject()) {
        for (const auto& c : api->GetObject()) {
            if (!c.value.IsInt64()) {
                continue;
            }
            const auto [method, endpoint] = metrics_split_endpoint(c.name.GetString());
            calls.samples.push_back(
                {{{"command", run.command}, {"method", method}, {"endpoint", endpoint}},
                 static_cast<double>(c.value.GetInt64())});
        }
    }
    for (const auto& member : doc->GetObject()) {
        const auto& flow = member.value;
        if (!flow.IsObject()) {
            continue;
        }
        const auto read = json::get_int64(flow, "read");
        const auto* applied = json::find(flow, "applied");
        if (!read || applied == nullptr || !applied->IsObject()) {
            continue;
        }
        const auto applied_count = [applied](const char* key) {
            return json::get_int64(*applied, key).value_or(0);
        };
        const std::int64_t written = applied_count("created") + applied_count("updated")
                                     + applied_count("linked") + applied_count("retired");
        const std::string name = member.name.GetString();
        for (const auto& [outcome, value] : {std::pair<const char*, std::int64_t>{"read", *read},
                                             {"written", written},
                                             {"failed", applied_count("failed")}}) {
            family.samples.push_back(
                {{{"command", run.command}, {"flow", name}, {"outcome", outcome}},
                 static_cast<double>(value)});
        }
    }
}

std::string metrics_escape_help(std::string_view text)
{
    std::string out;
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

std::string escape_label_value(std::string_view value)
{
    std::string out;
    out.reserve(value.size());
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string render_metrics(const std::vector<MetricFamily>& families)
{
    std::string out;
    for (const auto& f : families) {
        out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, metrics_escape_help(f.help),
                           f.name, f.type);
        for (const auto& s : f.samples) {
            out += f.name;
            if (!s.labels.empty()) {
                out += '{';
                for (std::size_t i = 0; i < s.labels.size(); ++i) {
                    out += fmt::format("{}{}=\"{}\"", i == 0 ? "" : ",", s.labels[i].first,
                                       escape_label_value(s.labels[i].second));
                }
                out += '}';
            }
            out += fmt::format(" {}\n", s.value);
        }
    }
    return out;
}

std::vector<MetricFamily> collect_metrics(store::Database& db,
                                          const std::filesystem::path& spool_dir,
                                          std::string_view command, const ApiObservations& api,
                                          Clock::time_point now)
{
    std::vector<MetricFamily> out;
    const std::string cmd(command);

    auto written = metrics_family("ml_connector_metrics_timestamp_seconds",
                                  "When this file was written (unix time), by which pass.");
    written.samples.push_back({{{"command", cmd}}, metrics_epoch_seconds(now)});
    out.push_back(std::move(written));

    // Each command's last run.
    const auto runs = store::last_run_per_command(db);
    auto run_time = metrics_family(
        "ml_connector_last_run_timestamp_seconds",
        "When the command's last pass ended (unix time); its start when it never finished.");
    auto run_duration = metrics_family("ml_connector_last_run_duration_seconds",
                                       "How long the command's last pass took.");
    auto run_exit = metrics_family(
        "ml_connector_last_run_exit_code",
        "The exit code of the command's last pass: 0 done, 1 records failed or held, 2 usage or "
        "config, 3 unreachable or unauthorized, 130/143 stopped by a signal, -1 killed.");
    auto run_interrupted =
        metrics_family("ml_connector_last_run_interrupted",
                       "1 when the command's last pass did not finish its work (killed or "
                       "stopped by a signal).");
    auto records = metrics_family("ml_connector_last_run_records",
                                  "Records the command's last pass read, wrote (created, "
                                  "updated, linked or retired) and failed, per flow.");
    auto run_calls = metrics_family("ml_connector_last_run_api_calls",
                                    "Requests the command's last pass made, per endpoint (from "
                                    "its summary; by status: ml_connector_api_calls).");
    for (const auto& run : runs) {
        const std::vector<std::pair<std::string, std::string>> labels{{"command", run.command}};
        const auto started = metrics_time_of(run.started_at);
        const auto finished = run.finished_at ? metrics_time_of(*run.finished_at) : std::nullopt;
        if (const auto at = finished ? finished : started; at) {
            run_time.samples.push_back({labels, metrics_epoch_seconds(*at)});
        }
        if (started && finished) {
            run_duration.samples.push_back(
                {labels, std::chrono::duration<double>(*finished - *started).count()});
        }
        if (run.finished_at || run.interrupted) {
            run_exit.samples.push_back({labels, static_cast<double>(run.exit_code.value_or(-1))});
        }
        run_interrupted.samples.push_back({labels, run.interrupted ? 1.0 : 0.0});
        metrics_add_records(records, run_calls, run);
    }
    out.push_back(std::move(run_time));
    out.push_back(std::move(run_duration));
    out.push_back(std::move(run_exit));
    out.push_back(std::move(run_interrupted));
    out.push_back(std::move(records));
    out.push_back(std::move(run_calls));

    // Postings by state: every state, so that a state emptied shows 0 rather than vanishing.
    auto postings = metrics_family("ml_connector_postings",
                                   "Postings (remote writes recorded before they are sent) by "
                                   "state; failed and held wait for replay or a person.");
    const auto counts = store::count_postings_by_status(db);
    for (const char* state : {store::posting_status::pending, store::posting_status::sent,
                              store::posting_status::confirmed, store::posting_status::failed,
                              store::posting_status::held, store::posting_status::superseded}) {
        std::int64_t n = 0;
        for (const auto& c : counts) {
            if (c.status == state) {
                n = c.count;
            }
        }
        postings.samples.push_back({{{"state", state}}, static_cast<double>(n)});
    }
    out.push_back(std::move(postings));

    // The inbox by status.
    store::Inbox inbox(db);
    auto inbox_events = metrics_family(
        "ml_connector_inbox_events",
        "Webhook events taken into the state by status; new: not yet acted on by its pass.");
    std::map<std::string, std::int64_t> by_status{{store::inbox_status::fresh, 0}};
    for (const auto& c : inbox.counts()) {
        by_status[c.status] += c.count;
    }
    for (const auto& [status, n] : by_status) {
        inbox_events.samples.push_back({{{"status", status}}, static_cast<double>(n)});
    }
    out.push_back(std::move(inbox_events));

    // The spool, and the oldest event nobody has acted on (in new/ or new in the inbox).
    spool::SpoolDepth depth;
    std::error_code ec;
    if (std::filesystem::is_directory(spool_dir / "new", ec)) {
        depth = spool::SpoolReader(spool_dir).depth();
    }
    auto spool_files =
        metrics_family("ml_connector_spool_files",
                       "Files in the webhook spool: new (received, not yet taken in), rejected, "
                       "done (kept until pruned), tmp (a write in progress or left by a crash).");
    for (const auto& [part, n] : {std::pair<const char*, std::size_t>{"new", depth.pending},
                                  {"rejected", depth.rejected},
                                  {"done", depth.done},
                                  {"tmp", depth.tmp}}) {
        spool_files.samples.push_back({{{"dir", part}}, static_cast<double>(n)});
    }
    out.push_back(std::move(spool_files));
    std::optional<Clock::time_point> oldest = depth.oldest_pending;
    if (const auto fresh = inbox.oldest_fresh_received_at(); fresh) {
        if (const auto t = metrics_time_of(*fresh); t && (!oldest || *t < *oldest)) {
            oldest = t;
        }
    }
    auto age = metrics_family("ml_connector_oldest_unprocessed_event_age_seconds",
                              "Age of the oldest webhook event not yet acted on (in the spool's "
                              "new/ or new in the inbox); 0 when there is none.");
    age.samples.push_back(
        {{}, oldest ? std::max(0.0, std::chrono::duration<double>(now - *oldest).count()) : 0.0});
    out.push_back(std::move(age));

    // What this process saw.
    auto calls = metrics_family("ml_connector_api_calls",
                                "Requests the pass that wrote this file made, by endpoint and "
                                "outcome (HTTP status, or transport: no answer).");
    for (const auto& [key, n] : api.calls) {
        const auto [method, endpoint] = metrics_split_endpoint(key.first);
        calls.samples.push_back(
            {{{"command", cmd}, {"method", method}, {"endpoint", endpoint}, {"status", key.second}},
             static_cast<double>(n)});
    }
    out.push_back(std::move(calls));
    if (api.procore_rate_limit) {
        const auto& rl = *api.procore_rate_limit;
        const auto one = [&out, &cmd](const char* name, const char* help, std::int64_t value) {
            if (value < 0) {
                return;
            }
            auto f = metrics_family(name, help);
            f.samples.push_back({{{"command", cmd}}, static_cast<double>(value)});
            out.push_back(std::move(f));
        };
        one("ml_connector_procore_rate_limit_limit",
            "Procore's request budget for the current window (X-Rate-Limit-Limit), as last seen.",
            rl.limit);
        one("ml_connector_procore_rate_limit_remaining",
            "Requests left in Procore's current window (X-Rate-Limit-Remaining), as last seen.",
            rl.remaining);
        one("ml_connector_procore_rate_limit_reset_timestamp_seconds",
            "When Procore's window resets (X-Rate-Limit-Reset, unix time), as last seen.",
            rl.reset_epoch);
    }
    return out;
}

std::expected<void, std::string> write_metrics_file(const std::filesystem::path& path,
                                                    const std::string& text)
{
    // 0644 whatever the umask: the collector runs as another user.
    if (auto written = try_write_file_atomically(path, text, 0644); !written) {
        return std::unexpected(path.string() + ": " + written.error());
    }
    return {};
}

} // namespace mlc::engine
