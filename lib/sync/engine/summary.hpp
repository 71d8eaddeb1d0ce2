#pragma once
// What a pass is asked to do (PassOptions) and what each of its flows reports (FlowSummary):
// counts per planned and applied action, the first rows per action, every failure and every
// record left for a person, the postings resolved by lookup, and the watermark before and
// after. Rendered the same way for every flow, as JSON (--json) and as text.
#include "core/json_writer.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlc::engine {

struct PassOptions {
    bool dry_run = false;
    bool full = false;     // read everything, ignoring the watermark
    std::string since;     // ISO-8601: start here instead of the watermark
    bool progress = false; // a progress line on stderr (TTY only)
    int page_size = 500;   // records per source GET (Oracle's maximum)
    int batch_size = 1000; // items per batch write (Procore's sync maximum)
    int sample_rows = 5;   // rows shown per action in the plan
};

// One record's line in the plan / report.
struct PlanRow {
    std::string action; // create, update, link, skip, echo, ambiguous, failed, …
    std::string source_key;
    std::string target_key; // empty when unknown
    std::string name;
    std::string message;
};

// The outcome of one flow.
struct FlowSummary {
    std::string flow;   // FlowInfo::name
    std::string title;  // FlowInfo::title
    std::string stream; // watermark stream
    std::int64_t pages = 0;
    std::int64_t read = 0;                       // records read (after dedupe)
    std::int64_t reread = 0;                     // … of which re-read by id (retry queue, replay)
    std::map<std::string, std::int64_t> planned; // action -> count
    std::int64_t created = 0, updated = 0, linked = 0, retired = 0, failed = 0; // applied
    std::int64_t write_calls = 0;   // writes made to the target
    std::int64_t resolved = 0;      // postings a lost answer left `sent`, confirmed by lookup
    std::int64_t lost = 0;          // … found missing remotely: their records are sent again
    std::int64_t superseded = 0;    // postings recorded but never sent (an interrupted pass)
    std::int64_t still_failing = 0; // records whose unchanged content failed before: not resent
    std::int64_t drift = 0;         // hand edits on the target found (and to be restored)
    std::int64_t held = 0;          // records held for a person (changed after post): not sent
    std::string watermark_before;   // "time|key", empty when none
    std::string watermark_after;
    std::map<std::string, std::vector<PlanRow>> samples; // first rows per action
    std::vector<PlanRow> failures; // every record that failed in this pass (also in postings)
    // Every record left for a person to decide (ambiguous matches, drift, still failing), not
    // only the first rows; each is also audited.
    std::vector<PlanRow> attention;
    std::string skipped_reason; // a flow that did not run says why
    // How the source was read when it is not the usual incremental read, and why ("whole:
    // accountCombinationsLOV has no LastUpdateDate"); empty otherwise.
    std::string read_mode;
    // `replay`: each replayed posting's id -> what happened to it.
    std::map<std::int64_t, std::string> replayed;

    std::int64_t planned_count(const std::string& action) const;
};

// The flow as a JSON object (written into `w` as the value of its key).
void write_json(json::Writer& w, const FlowSummary& f);
// The flow for people: a count line, an applied line, sample rows, attention and failures.
std::string to_text(const FlowSummary& f, bool dry_run);
// "API calls: GET /suppliers x3, PATCH /rest/v1.0/vendors/sync x1".
std::string api_calls_text(const std::map<std::string, std::int64_t>& calls);
void write_api_calls(json::Writer& w, const std::map<std::string, std::int64_t>& calls);

} // namespace mlc::engine
