#include "admin/audit_query.hpp"

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/database.hpp"
#include "sync/engine/names.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <system_error>

namespace mlc::admin {
namespace {

struct KindPair {
    std::string_view oracle;
    std::string_view procore;
};
constexpr std::array<KindPair, 2> k_kind_pairs{
    {{"supplier", "vendor"}, {"gl_account", "cost_code"}}};

bool is_date_only(std::string_view t)
{
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') {
        return false;
    }
    for (const std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
        if (std::isdigit(static_cast<unsigned char>(t[i])) == 0) {
            return false;
        }
    }
    return true;
}

void require_existing(const std::filesystem::path& state_path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(state_path, ec)) {
        throw UsageError(fmt::format("state database {} does not exist", state_path.string()),
                         "run ml-connector init, or pass --state");
    }
}

// The actions ml-connector writes (engine/names.hpp, the ingest of webhooks, `state`), and any
// other one this trail has: --action names one of them or is a mistake worth saying.
void require_known_action(store::Database& db, const std::string& action)
{
    static constexpr std::array<std::string_view, 21> k_known{engine::action::read,
                                                              engine::action::created,
                                                              engine::action::updated,
                                                              engine::action::linked,
                                                              engine::action::retired,
                                                              engine::action::skipped,
                                                              engine::action::ambiguous,
                                                              engine::action::posted,
                                                              engine::action::confirmed,
                                                              engine::action::failed,
                                                              engine::action::held,
                                                              engine::action::superseded,
                                                              engine::action::replayed,
                                                              engine::action::drift,
                                                              engine::action::rejected,
                                                              "echo",
                                                              "ignored",
                                                              "refused",
                                                              "attention",
                                                              "state_set",
                                                              "state_reset"};
    if (std::ranges::find(k_known, action) != k_known.end()) {
        return;
    }
    std::vector<std::string> present;
    try {
        auto st = db.prepared("SELECT DISTINCT action FROM audit ORDER BY action");
        while (st->executeStep()) {
            present.push_back(st->getColumn(0).getString());
        }
    } catch (...) {
        rethrow_as_store_error(db, "reading audit actions");
    }
    if (std::ranges::find(present, action) != present.end()) {
        return;
    }
    std::string names;
    for (const auto& a : present) {
        names += (names.empty() ? "" : ", ") + a;
    }
    throw UsageError(fmt::format("--action {}: no such action", action),
                     names.empty() ? std::string("the audit trail is empty")
                                   : "actions in this audit trail: " + names);
}

} // namespace

std::expected<RecordRef, std::string> parse_record_ref(std::string_view text)
{
    const auto bad = [&](std::string_view why) {
        return std::unexpected(
            fmt::format("--record '{}': {} (expected KIND:ID, e.g. supplier:300000047000123 "
                        "or vendor:123)",
                        text, why));
    };
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) {
        return bad("no ':'");
    }
    RecordRef ref;
    for (const char c : text.substr(0, colon)) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) == 0 && c != '_') {
            return bad("the kind may hold only letters, digits and '_'");
        }
        ref.kind += static_cast<char>(std::tolower(u));
    }
    ref.key = std::string(text.substr(colon + 1));
    if (ref.kind.empty()) {
        return bad("the kind is empty");
    }
    if (ref.key.empty()) {
        return bad("the id is empty");
    }
    return ref;
}

void apply_record_ref(const RecordRef& ref, store::AuditLog::Filter& filter)
{
    using KeySide = store::AuditLog::Filter::KeySide;
    filter.record_kind = ref.kind;
    filter.key = ref.key;
    filter.key_side = KeySide::either;
    filter.also_kinds.clear();
    for (const auto& pair : k_kind_pairs) {
        if (ref.kind == pair.oracle) {
            filter.also_kinds = {std::string(pair.procore)};
            filter.key_side = KeySide::oracle;
        } else if (ref.kind == pair.procore) {
            filter.also_kinds = {std::string(pair.oracle)};
            filter.key_side = KeySide::procore;
        }
    }
}

std::expected<std::string, std::string> normalize_time_bound(std::string_view text, Bound bound)
{
    const char* option = bound == Bound::since ? "--since" : "--until";
    std::string full(text);
    if (is_date_only(text)) {
        full += bound == Bound::since ? "T00:00:00.000Z" : "T23:59:59.999Z";
    }
    Clock::time_point t;
    if (!parse_iso8601(full, t)) {
        return std::unexpected(fmt::format(
            "{} '{}' is not a time (expected 2026-01-31 or 2026-01-31T12:00:00Z)", option, text));
    }
    return format_iso8601(t);
}

std::expected<store::AuditLog::Filter, std::string> make_filter(const ListRequest& request)
{
    store::AuditLog::Filter filter;
    if (request.record) {
        auto ref = parse_record_ref(*request.record);
        if (!ref) {
            return std::unexpected(ref.error());
        }
        apply_record_ref(*ref, filter);
    }
    filter.run_id = request.run_id;
    if (request.action) {
        if (request.action->empty()) {
            return std::unexpected(std::string("--action is empty"));
        }
        filter.action = request.action;
    }
    if (request.since) {
        auto since = normalize_time_bound(*request.since, Bound::since);
        if (!since) {
            return std::unexpected(since.error());
        }
        filter.since = *since;
    }
    if (request.until) {
        auto until = normalize_time_bound(*request.until, Bound::until);
        if (!until) {
            return std::unexpected(until.error());
        }
        filter.until = *until;
    }
    if (filter.since && filter.until && *filter.since > *filter.until) {
        return std::unexpected(
            fmt::format("--since {} is after --until {}", *request.since, *request.until));
    }
    if (request.limit < 0) {
        return std::unexpected(
            fmt::format("--limit {} is negative (0 means no limit)", request.limit));
    }
    filter.limit = request.limit;
    return filter;
}

std::string list_audit(const std::filesystem::path& state_path, const ListRequest& request,
                       std::string* note)
{
    auto filter = make_filter(request);
    if (!filter) {
        throw UsageError(filter.error(), "see ml-connector audit --help");
    }
    require_existing(state_path);
    store::Database db(state_path);
    if (filter->action) {
        require_known_action(db, *filter->action);
    }
    store::AuditLog log(db);
    const int limit = filter->limit;
    if (limit > 0) {
        filter->limit = limit + 1; // one more than shown: were older rows left out?
    }
    auto rows = log.query(*filter);
    std::string footer;
    if (limit > 0 && rows.size() > static_cast<std::size_t>(limit)) {
        rows.erase(rows.begin()); // oldest first: the extra one is the oldest
        footer = fmt::format("(the newest {} matching rows; older ones: --limit 0, or narrow with "
                             "--record, --run, --action, --since)",
                             limit);
    }
    std::string out = render(rows, request.format);
    if (!footer.empty()) {
        if (request.format == Format::table) {
            out += footer + "\n";
        }
        if (note != nullptr) {
            *note = footer;
        }
    }
    return out;
}

store::AuditLog::Verification verify_audit(const std::filesystem::path& state_path)
{
    require_existing(state_path);
    store::Database db(state_path);
    store::AuditLog log(db);
    return log.verify();
}

std::string describe(const store::AuditLog::Verification& v)
{
    if (v.ok) {
        return fmt::format("audit chain ok: {} rows", v.rows_checked);
    }
    return fmt::format("audit chain broken at row {}: {}", v.first_bad_id.value_or(0), v.reason);
}

} // namespace mlc::admin
