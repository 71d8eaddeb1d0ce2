#include "admin/state.hpp"

#include "admin/audit_query.hpp"
#include "core/error.hpp"
#include "core/json_writer.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/lock.hpp"
#include "sync/engine/names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace mlc::admin {
namespace {

std::string cursor_of(const store::Watermark& w)
{
    return w.cursor_key.empty() ? w.cursor_time : w.cursor_time + " after id " + w.cursor_key;
}

std::string names_of(const std::vector<store::Watermark>& list)
{
    if (list.empty()) {
        return "no stream has a cursor yet: a pass stores one as it reads";
    }
    std::string names;
    for (const auto& w : list) {
        names += (names.empty() ? "" : ", ") + w.stream;
    }
    return "streams with a cursor: " + names + " (ml-connector state list)";
}

// A stream a flow keeps: a flow's own ("oracle.suppliers"), its sweep ("procore.costs.sweep")
// or a per-project one ("procore.costs:direct_costs:219542").
bool known_stream(std::string_view stream)
{
    return std::ranges::any_of(engine::flows(), [stream](const engine::FlowInfo* f) {
        const std::string_view base = f->stream;
        return stream == base
               || (stream.size() > base.size() + 1 && stream.starts_with(base)
                   && (stream[base.size()] == '.' || stream[base.size()] == ':'));
    });
}

// ISO-8601 with an offset, or a bare date (midnight UTC), in the form the flows store: the
// same reading as audit --since.
std::string normalized_time(const std::string& text)
{
    auto at = normalize_time_bound(text, Bound::since);
    if (!at) {
        throw UsageError(fmt::format("--time {}: not a date or an ISO-8601 time", text),
                         "e.g. 2026-11-01 or 2026-11-01T08:00:00Z");
    }
    return std::move(*at);
}

// The audit row of a change, keyed like the stream's system so `audit --record` finds it.
store::AuditEntry audit_row(const StateChange& c, std::string_view command)
{
    store::AuditEntry e;
    e.command = std::string(command);
    e.record_kind = "watermark";
    if (c.stream.starts_with("procore.")) {
        e.procore_key = c.stream;
    } else {
        e.oracle_key = c.stream;
    }
    e.action = c.after ? "state_set" : "state_reset";
    if (c.before) {
        e.before_fp = c.before->cursor_time + "|" + c.before->cursor_key;
    }
    if (c.after) {
        e.after_fp = c.after->cursor_time + "|" + c.after->cursor_key;
    }
    e.message = c.after ? fmt::format("cursor set by hand to {}", cursor_of(*c.after))
                        : std::string("cursor removed by hand: the next pass reads the stream "
                                      "from the beginning");
    return e;
}

template <class Change>
StateChange change_state(const Config& config, const std::string& stream, bool dry_run,
                         const Clock& clock, std::string_view command, Change&& change)
{
    const store::RunLock lock(config.state.path, std::string(command), clock);
    store::Database db(config.state.path, clock);
    store::Watermarks marks(db);
    StateChange c;
    c.stream = stream;
    c.dry_run = dry_run;
    c.before = marks.get(stream);
    change(c, marks);
    if (!dry_run) {
        store::Transaction tx(db);
        if (c.after) {
            marks.set(*c.after);
        } else {
            marks.remove(stream);
        }
        c.audit_id = store::AuditLog(db, clock).append(audit_row(c, command));
        tx.commit();
    }
    return c;
}

} // namespace

std::vector<store::Watermark> list_state(const Config& config)
{
    std::error_code ec;
    if (!std::filesystem::exists(config.state.path, ec)) {
        return {};
    }
    store::Database db(config.state.path);
    return store::Watermarks(db).list();
}

store::Watermark show_state(const Config& config, const std::string& stream)
{
    const auto list = list_state(config);
    const auto it = std::ranges::find(list, stream, &store::Watermark::stream);
    if (it == list.end()) {
        throw UsageError(fmt::format("state: stream {} has no cursor", stream), names_of(list));
    }
    return *it;
}

StateChange set_state(const Config& config, const std::string& stream, const std::string& time,
                      const std::string& key, bool dry_run, const Clock& clock)
{
    const std::string at = normalized_time(time);
    if (!key.empty() && !std::ranges::all_of(key, [](char ch) { return ch >= '0' && ch <= '9'; })) {
        throw UsageError(fmt::format("--key {}: a record id is digits", key));
    }
    return change_state(config, stream, dry_run, clock, "state set",
                        [&](StateChange& c, store::Watermarks& marks) {
                            if (!c.before && !known_stream(stream)) {
                                throw UsageError(fmt::format("state: no stream {}", stream),
                                                 names_of(marks.list())
                                                     + "; or a flow's own, e.g. "
                                                       "oracle.suppliers");
                            }
                            c.after = store::Watermark{stream, at, key, ""};
                        });
}

StateChange reset_state(const Config& config, const std::string& stream, bool dry_run,
                        const Clock& clock)
{
    return change_state(config, stream, dry_run, clock, "state reset",
                        [&](StateChange& c, store::Watermarks& marks) {
                            if (!c.before) {
                                throw UsageError(
                                    fmt::format("state: stream {} has no cursor", stream),
                                    names_of(marks.list()));
                            }
                        });
}

std::string render_state_list(const std::vector<store::Watermark>& list)
{
    if (list.empty()) {
        return "no stream has a cursor yet\n";
    }
    std::size_t width = std::string_view("STREAM").size();
    for (const auto& w : list) {
        width = std::max(width, w.stream.size());
    }
    std::string out = fmt::format("{:<{}}  {:<29}  {:<16}  {}\n", "STREAM", width, "CURSOR TIME",
                                  "AFTER ID", "STORED AT");
    for (const auto& w : list) {
        out += fmt::format("{:<{}}  {:<29}  {:<16}  {}\n", w.stream, width, w.cursor_time,
                           w.cursor_key.empty() ? "-" : w.cursor_key, w.updated_at);
    }
    return out;
}

std::string render_state_change(const StateChange& c)
{
    const std::string before = c.before ? cursor_of(*c.before) : std::string("(none)");
    const std::string after =
        c.after ? cursor_of(*c.after) : std::string("(none: the next pass reads it whole)");
    return fmt::format("{}{}: {} -> {}\n", c.dry_run ? "dry run, nothing changed: " : "", c.stream,
                       before, after);
}

std::string state_list_json(const std::vector<store::Watermark>& list)
{
    json::Writer w;
    w.begin_object().key("streams").begin_array();
    for (const auto& m : list) {
        w.begin_object()
            .field("stream", m.stream)
            .field("cursor_time", m.cursor_time)
            .field("cursor_key", m.cursor_key)
            .field("updated_at", m.updated_at)
            .end_object();
    }
    w.end_array().end_object();
    return w.str() + "\n";
}

std::string state_change_json(const StateChange& c)
{
    json::Writer w;
    auto cursor = [&w](const char* name, const std::optional<store::Watermark>& m) {
        w.key(name);
        if (!m) {
            w.null();
            return;
        }
        w.begin_object()
            .field("cursor_time", m->cursor_time)
            .field("cursor_key", m->cursor_key)
            .end_object();
    };
    w.begin_object().field("stream", c.stream).field("dry_run", c.dry_run);
    cursor("before", c.before);
    cursor("after", c.after);
    if (c.audit_id != 0) {
        w.field("audit_id", c.audit_id);
    }
    w.end_object();
    return w.str() + "\n";
}

} // namespace mlc::admin
