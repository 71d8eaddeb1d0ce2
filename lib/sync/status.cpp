#include "sync/status.hpp"

#include "core/json_writer.hpp"
#include "spool/spool.hpp"
#include "store/database.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace mlc::sync {

StatusReport read_status(const Config& config, int run_limit)
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
        w.end_object();
    }
    w.end_array();
    w.key("postings").begin_object();
    for (const auto& p : r.postings) {
        w.field(p.status, p.count);
    }
    w.end_object();
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
    for (const auto& run : r.runs) {
        out += fmt::format("run       #{} {} started {} {}\n", run.id, run.command, run.started_at,
                           run.finished_at ? fmt::format("finished {} exit {}", *run.finished_at,
                                                         run.exit_code.value_or(-1))
                                           : std::string("not finished"));
    }
    return out;
}

} // namespace mlc::sync
