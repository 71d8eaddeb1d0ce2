#pragma once
// Oracle GL code combinations (accountCombinationsLOV) as plain structs. Two ways to read them:
// incrementally, page by page in (LastUpdateDate, _CODE_COMBINATION_ID) order from a compound
// cursor, where the pod has LastUpdateDate; and whole, filtered by chart, EnabledFlag and
// AccountType in _CODE_COMBINATION_ID order, where it does not (public clients written against
// live pods show no LastUpdateDate on this LOV: reference/oracle-fusion.md §4).
// Attribute names are unconfirmed beyond what those clients show, so the parsing is lenient:
//   - the segments are named by the chart's own segment codes on real pods (`entity`,
//     `department`, `account`, …): the names come from mapping.chart.segments, Segment1..N when
//     it is not set;
//   - flags are JSON booleans on some pods and "Y"/"N" strings on others: both are read;
//   - DetailPostingAllowedFlag (live pods) or DetailPostingAllowed; when neither is sent, a
//     combination is detail-posting unless SummaryFlag says it is a summary account;
//   - _SegmentNDescription (by position) when present; LastUpdateDate when present.
#include "oracle/client.hpp"
#include "oracle/incremental.hpp"

#include <array>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlc::oracle {

inline constexpr std::size_t k_max_segments = 10;

struct AccountCombination {
    std::int64_t id = 0;              // _CODE_COMBINATION_ID
    bool enabled = false;             // EnabledFlag: Y or true
    bool detail_posting = false;      // DetailPostingAllowed(Flag): Y or true
    std::string account_type;         // AccountType: A L O R E
    std::string start_date, end_date; // StartDateActive / EndDateActive (YYYY-MM-DD or empty)
    std::array<std::string, k_max_segments> segments{};     // index 0 = the first segment
    std::array<std::string, k_max_segments> descriptions{}; // _Segment1Description..
    std::string last_update_date;                           // empty when the pod does not send it
};

struct AccountPage {
    PageMeta meta;
    std::vector<AccountCombination> accounts;
};

// The segment attribute names in order: `configured` (mapping.chart.segments) when not empty,
// else Segment1..Segment10.
std::vector<std::string> segment_attributes(const std::vector<std::string>& configured);

// `segment_names` as segment_attributes returns them (empty: Segment1..).
std::expected<AccountPage, std::string>
parse_account_page(const std::string& body, const std::vector<std::string>& segment_names = {});

using AccountPageSink = std::function<bool(AccountPage&)>;

// Reads combinations with LastUpdateDate >= cursor.since past the compound cursor
// (LastUpdateDate, _CODE_COMBINATION_ID), paged like suppliers (see read_collection).
std::expected<ReadStats, http::Error>
read_account_combinations(Client& client, const IncrementalCursor& cursor,
                          const std::vector<std::string>& segment_names,
                          const AccountPageSink& sink, int page_size = 500);

// What a whole read asks Oracle to leave out; the flow filters again on what comes back.
struct AccountFilter {
    std::optional<std::int64_t> chart_of_accounts_id; // _CHART_OF_ACCOUNTS_ID=
    bool enabled_only = true;                         // EnabledFlag='Y'
    std::vector<std::string> account_types;           // AccountType='E' (or … under v2+)
    int framework_version = 4; // REST-Framework-Version: 1 joins with ';' and has no `or`
};

// The q of a whole read: _CHART_OF_ACCOUNTS_ID=5237 and EnabledFlag='Y' and AccountType='E'
// (framework 1: "…;EnabledFlag='Y';AccountType='E'", the form a public client used on a live
// pod, where ` and ` silently matched nothing). Several account types need `or`, which only
// framework 2+ has; under 1 they are left to the flow's own filter.
std::string whole_account_query(const AccountFilter& filter);

// Reads every combination the filter lets through, ordered by _CODE_COMBINATION_ID, 500 a page:
// how a pod without LastUpdateDate is read.
std::expected<ReadStats, http::Error>
read_all_account_combinations(Client& client, const AccountFilter& filter,
                              const std::vector<std::string>& segment_names,
                              const AccountPageSink& sink, int page_size = 500);

// Reads the given combinations again, whatever their LastUpdateDate (see read_by_ids); ordered
// by _CODE_COMBINATION_ID alone, so it works on pods without LastUpdateDate too.
std::expected<ReadStats, http::Error>
read_account_combinations_by_id(Client& client, const std::vector<std::int64_t>& ids,
                                const std::vector<std::string>& segment_names,
                                const AccountPageSink& sink);

// The combination whose segments are exactly `values` (attribute names `names`, in order;
// Segment1.. when empty): q=Segment1='101' and Segment2='2000' and …. nullopt when Oracle has
// none; several (which a chart does not allow) is a shape error.
std::expected<std::optional<AccountCombination>, http::Error>
find_account_by_segments(Client& client, const std::vector<std::string>& names,
                         const std::vector<std::string>& values);

// The q expression: incremental_query(cursor, "_CODE_COMBINATION_ID").
std::string account_query(const IncrementalCursor& cursor);

} // namespace mlc::oracle
