#include "sync/engine/summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace mlc::engine {

namespace {

void write_rows(json::Writer& w, const std::vector<PlanRow>& rows)
{
    w.begin_array();
    for (const auto& r : rows) {
        w.begin_object();
        w.field("action", r.action);
        // "oracle_key"/"procore_key" are the names scripts read since the first release; the
        // source and target sides are given by the flow.
        w.field("oracle_key", r.source_key);
        if (!r.target_key.empty()) {
            w.field("procore_key", r.target_key);
        }
        // The same by role, for flows whose source is Procore (commitments, costs).
        w.field("source_key", r.source_key);
        if (!r.target_key.empty()) {
            w.field("target_key", r.target_key);
        }
        w.field("name", r.name);
        if (!r.message.empty()) {
            w.field("message", r.message);
        }
        w.end_object();
    }
    w.end_array();
}

// The planned actions always listed (zero or not), so scripts can rely on the keys.
constexpr const char* k_actions[] = {"create", "update",    "link",     "skip",
                                     "echo",   "ambiguous", "filtered", "retire"};

} // namespace

std::int64_t FlowSummary::planned_count(const std::string& action) const
{
    const auto it = planned.find(action);
    return it == planned.end() ? 0 : it->second;
}

void write_json(json::Writer& w, const FlowSummary& f)
{
    w.begin_object();
    if (!f.skipped_reason.empty()) {
        w.field("skipped", f.skipped_reason);
    }
    if (!f.read_mode.empty()) {
        w.field("read_mode", f.read_mode);
    }
    w.field("pages", f.pages);
    w.field("read", f.read);
    w.field("reread", f.reread);
    w.key("planned").begin_object();
    for (const char* a : k_actions) {
        w.field(a, f.planned_count(a));
    }
    for (const auto& [action, n] : f.planned) {
        if (std::find_if(std::begin(k_actions), std::end(k_actions),
                         [&](const char* a) { return action == a; })
            == std::end(k_actions)) {
            w.field(action, n);
        }
    }
    w.end_object();
    w.key("applied").begin_object();
    w.field("created", f.created);
    w.field("updated", f.updated);
    w.field("linked", f.linked);
    w.field("retired", f.retired);
    w.field("failed", f.failed);
    w.end_object();
    w.key("postings").begin_object();
    w.field("resolved", f.resolved);
    w.field("lost", f.lost);
    w.field("superseded", f.superseded);
    w.field("still_failing", f.still_failing);
    w.field("held", f.held);
    w.end_object();
    w.field("drift", f.drift);
    w.field("write_calls", f.write_calls);
    w.key("watermark").begin_object();
    w.field("stream", f.stream);
    w.field("before", f.watermark_before);
    w.field("after", f.watermark_after);
    w.end_object();
    w.key("samples").begin_object();
    for (const auto& [action, rows] : f.samples) {
        w.key(action);
        write_rows(w, rows);
    }
    w.end_object();
    w.key("failures");
    write_rows(w, f.failures);
    w.key("attention");
    write_rows(w, f.attention);
    w.end_object();
}

std::string to_text(const FlowSummary& f, bool dry_run)
{
    std::string out;
    const std::string title = f.title.empty() ? f.flow : f.title;
    if (!f.skipped_reason.empty()) {
        return fmt::format("{}: skipped ({})\n", title, f.skipped_reason);
    }
    std::string counts;
    for (const char* a : {"create", "update", "link", "skip", "echo", "ambiguous", "filtered"}) {
        counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", a, f.planned_count(a));
    }
    if (f.planned_count("retire") > 0 || f.flow == "cost_codes") {
        counts += fmt::format(", retire {}", f.planned_count("retire"));
    }
    // A flow's own actions (post, reverse, unchanged, waiting, …), when it has any.
    static constexpr std::array<std::string_view, 9> k_shown{
        "create", "update", "link", "skip", "echo", "ambiguous", "filtered", "retire", "held"};
    for (const auto& [action, n] : f.planned) {
        if (n > 0 && std::ranges::find(k_shown, action) == k_shown.end()) {
            counts += fmt::format(", {} {}", action, n);
        }
    }
    out += fmt::format("{}{}: read {} in {} page{}{}; {}\n", title,
                       dry_run ? " (dry run, nothing written)" : "", f.read, f.pages,
                       f.pages == 1 ? "" : "s",
                       f.reread > 0 ? fmt::format(" ({} re-read by id)", f.reread) : "", counts);
    if (!f.read_mode.empty()) {
        out += "  read " + f.read_mode + "\n";
    }
    if (!dry_run) {
        out += fmt::format(
            "  applied: {} created, {} updated, {} linked, {}{} failed in {} write "
            "call{}; watermark {}\n",
            f.created, f.updated, f.linked,
            f.retired > 0 || f.flow == "cost_codes" ? fmt::format("{} retired, ", f.retired) : "",
            f.failed, f.write_calls, f.write_calls == 1 ? "" : "s",
            f.watermark_after.empty() ? "(none)" : f.watermark_after);
    }
    if (f.held > 0) {
        out += fmt::format("  held: {} (waiting on a person or a period: not sent; see status)\n",
                           f.held);
    }
    if (f.resolved + f.lost + f.superseded + f.still_failing + f.drift > 0) {
        out += fmt::format("  postings: {} resolved by lookup, {} lost and sent again, {} never "
                           "sent (superseded), {} still failing unchanged; {} drift\n",
                           f.resolved, f.lost, f.superseded, f.still_failing, f.drift);
    }
    auto row_line = [](const PlanRow& r) {
        return fmt::format("  {:<9} {} \"{}\"{}{}\n", r.action, r.source_key, r.name,
                           r.target_key.empty() ? "" : " -> " + r.target_key,
                           r.message.empty() ? "" : "  (" + r.message + ")");
    };
    for (const char* a : {"create", "update", "link", "retire", "post", "reverse"}) {
        const auto it = f.samples.find(a);
        if (it == f.samples.end()) {
            continue;
        }
        for (const auto& r : it->second) {
            out += row_line(r);
        }
        const auto n = f.planned_count(a);
        if (n > static_cast<std::int64_t>(it->second.size())) {
            out += fmt::format("  … and {} more to {}\n",
                               n - static_cast<std::int64_t>(it->second.size()), a);
        }
    }
    // Every record someone has to act on, not a sample.
    for (const auto& r : f.attention) {
        out += row_line(r);
    }
    for (const auto& r : f.failures) {
        out += fmt::format("  failed    {} \"{}\": {}\n", r.source_key, r.name, r.message);
    }
    return out;
}

std::string api_calls_text(const std::map<std::string, std::int64_t>& calls)
{
    std::string text;
    for (const auto& [endpoint, count] : calls) {
        text += fmt::format("{}{} x{}", text.empty() ? "" : ", ", endpoint, count);
    }
    return "API calls: " + (text.empty() ? std::string("none") : text) + "\n";
}

void write_api_calls(json::Writer& w, const std::map<std::string, std::int64_t>& calls)
{
    w.key("api_calls").begin_object();
    std::int64_t total = 0;
    for (const auto& [endpoint, n] : calls) {
        w.field(endpoint, n);
        total += n;
    }
    w.end_object();
    w.field("api_calls_total", total);
}

} // namespace mlc::engine
