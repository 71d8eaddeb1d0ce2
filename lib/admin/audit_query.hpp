#pragma once
// What `ml-connector audit` does, minus the command line: turn the user's filters (a
// `kind:key` record reference, a run, an action, a time window, a limit) into an
// AuditLog::Filter, read the rows from the state database and render them; and verify the
// chain. Reading never takes the run lock, so it is safe while a pass is running.
#include "admin/audit_render.hpp"
#include "store/audit_log.hpp"

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace mlc::admin {

// A record named on the command line: `supplier:300000047000123`, `vendor:123`.
struct RecordRef {
    std::string kind;
    std::string key;
};

// Splits at the first ':'; the kind is [a-z0-9_]+ (lowercased) and the key is not empty.
// The error names the input and the expected shape.
std::expected<RecordRef, std::string> parse_record_ref(std::string_view text);

// The filter for a record reference. Records that have a counterpart in the other system are
// audited under either name, so the pairs (supplier, vendor) and (gl_account, cost_code)
// match each other's rows: `supplier:ID` finds rows whose Oracle key is ID, `vendor:ID` rows
// whose Procore key is ID, in both kinds. Any other kind matches exactly, on either key.
void apply_record_ref(const RecordRef& ref, store::AuditLog::Filter& filter);

// A --since / --until bound in the form stored in audit.at. Accepts ISO-8601 with an optional
// fraction and Z or an offset (converted to UTC), or a date YYYY-MM-DD, which means the start
// of that day (UTC) for `since` and its last millisecond for `until`.
enum class Bound { since, until };
std::expected<std::string, std::string> normalize_time_bound(std::string_view text, Bound bound);

struct ListRequest {
    std::optional<std::string> record; // "kind:key"
    std::optional<std::int64_t> run_id;
    std::optional<std::string> action;
    std::optional<std::string> since;
    std::optional<std::string> until;
    int limit = 100; // <= 0: all
    Format format = Format::table;
};

// The AuditLog filter for a request, or a usage error message.
std::expected<store::AuditLog::Filter, std::string> make_filter(const ListRequest& request);

// Opens the state database at `state_path` and renders the matching rows. Throws UsageError
// for a bad filter or a state database that does not exist (it is never created here), and
// StoreError if it cannot be read. An --action that no row has and that is not one of the
// actions ml-connector writes is a UsageError listing those there are (a typo, not "no rows").
// When --limit cut older rows off, the table ends with a line saying so, and `note` (when
// given) receives that line for the other formats, which cmd prints on stderr.
std::string list_audit(const std::filesystem::path& state_path, const ListRequest& request,
                       std::string* note = nullptr);

// Opens the state database and recomputes the chain. Throws like list_audit.
store::AuditLog::Verification verify_audit(const std::filesystem::path& state_path);
// "audit chain ok: N rows" or "audit chain broken at row ID: REASON".
std::string describe(const store::AuditLog::Verification& v);

} // namespace mlc::admin
