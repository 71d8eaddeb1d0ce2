#pragma once
// Oracle GL code combinations (accountCombinationsLOV) as plain structs, read page by page in
// LastUpdateDate, _CODE_COMBINATION_ID order from a compound cursor. The attribute names follow the
// simulator and the GL_CODE_COMBINATIONS table (the reference marks them unconfirmed):
// _CODE_COMBINATION_ID, EnabledFlag, DetailPostingAllowed, AccountType, Segment1..N,
// _SegmentNDescription.
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
    bool enabled = false;             // EnabledFlag = Y
    bool detail_posting = false;      // DetailPostingAllowed = Y
    std::string account_type;         // AccountType: A L O R E
    std::string start_date, end_date; // StartDateActive / EndDateActive (YYYY-MM-DD or empty)
    std::array<std::string, k_max_segments> segments{};     // Segment1.. (index 0 = Segment1)
    std::array<std::string, k_max_segments> descriptions{}; // _Segment1Description..
    std::string last_update_date;
};

struct AccountPage {
    PageMeta meta;
    std::vector<AccountCombination> accounts;
};

std::expected<AccountPage, std::string> parse_account_page(const std::string& body);

using AccountPageSink = std::function<bool(AccountPage&)>;

// Reads combinations with LastUpdateDate >= cursor.since past the compound cursor
// (LastUpdateDate, _CODE_COMBINATION_ID), paged like suppliers (see read_collection).
std::expected<ReadStats, http::Error> read_account_combinations(Client& client,
                                                                const IncrementalCursor& cursor,
                                                                const AccountPageSink& sink,
                                                                int page_size = 500);

// Reads the given combinations again, whatever their LastUpdateDate (see read_by_ids).
std::expected<ReadStats, http::Error>
read_account_combinations_by_id(Client& client, const std::vector<std::int64_t>& ids,
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
