#include "oracle/account_combinations.hpp"

#include "core/json.hpp"

namespace mlc::oracle {

namespace {

// A flag as Oracle sends it: a JSON boolean on some pods, "Y"/"N" on others (never a plain
// truthiness test: "N" is a non-empty string). nullopt when absent or neither.
std::optional<bool> flag_if_set(const rapidjson::Value& item, const char* key)
{
    if (auto b = json::get_bool(item, key)) {
        return *b;
    }
    const auto s = json::get_string(item, key);
    if (!s) {
        return std::nullopt;
    }
    if (*s == "Y" || *s == "y" || *s == "true" || *s == "TRUE") {
        return true;
    }
    if (*s == "N" || *s == "n" || *s == "false" || *s == "FALSE") {
        return false;
    }
    return std::nullopt;
}

} // namespace

std::vector<std::string> segment_attributes(const std::vector<std::string>& configured)
{
    if (!configured.empty()) {
        return configured;
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < k_max_segments; ++i) {
        out.push_back("Segment" + std::to_string(i + 1));
    }
    return out;
}

std::expected<AccountPage, std::string>
parse_account_page(const std::string& body, const std::vector<std::string>& segment_names)
{
    auto doc = json::parse(body);
    if (!doc) {
        return std::unexpected("malformed JSON: " + doc.error().message);
    }
    const auto* items = json::find(*doc, "items");
    if (items == nullptr || !items->IsArray()) {
        return std::unexpected(std::string("not a collection (no items array)"));
    }
    const auto names = segment_attributes(segment_names);
    AccountPage page;
    page.meta.count = static_cast<int>(items->Size());
    page.meta.has_more = json::get_bool(*doc, "hasMore").value_or(false);
    page.meta.limit = json::get_int(*doc, "limit").value_or(0);
    page.meta.offset = json::get_int(*doc, "offset").value_or(0);
    for (const auto& item : items->GetArray()) {
        const auto id = json::get_id(item, "_CODE_COMBINATION_ID");
        if (!item.IsObject() || !id) {
            return std::unexpected(std::string("an item has no integer _CODE_COMBINATION_ID"));
        }
        AccountCombination a;
        a.id = *id;
        a.enabled = flag_if_set(item, "EnabledFlag").value_or(false);
        auto detail = flag_if_set(item, "DetailPostingAllowedFlag");
        if (!detail) {
            detail = flag_if_set(item, "DetailPostingAllowed");
        }
        a.detail_posting = detail ? *detail : !flag_if_set(item, "SummaryFlag").value_or(false);
        a.account_type = json::get_string(item, "AccountType").value_or("");
        a.start_date = json::get_string(item, "StartDateActive").value_or("");
        a.end_date = json::get_string(item, "EndDateActive").value_or("");
        a.last_update_date = json::get_string(item, "LastUpdateDate").value_or("");
        for (std::size_t i = 0; i < k_max_segments && i < names.size(); ++i) {
            const std::string desc = "_Segment" + std::to_string(i + 1) + "Description";
            a.segments[i] = json::get_string(item, names[i].c_str()).value_or("");
            a.descriptions[i] = json::get_string(item, desc.c_str()).value_or("");
        }
        page.accounts.push_back(std::move(a));
    }
    return page;
}

std::string account_query(const IncrementalCursor& cursor)
{
    return incremental_query(cursor, "_CODE_COMBINATION_ID");
}

std::string whole_account_query(const AccountFilter& filter)
{
    const bool v1 = filter.framework_version < 2;
    std::vector<std::string> parts;
    if (filter.chart_of_accounts_id) {
        parts.push_back("_CHART_OF_ACCOUNTS_ID=" + std::to_string(*filter.chart_of_accounts_id));
    }
    if (filter.enabled_only) {
        parts.emplace_back("EnabledFlag='Y'");
    }
    auto quoted = [](const std::string& v) {
        std::string out = "'";
        for (const char c : v) {
            out += c;
            if (c == '\'') {
                out += c;
            }
        }
        return out + "'";
    };
    if (filter.account_types.size() == 1) {
        parts.push_back("AccountType=" + quoted(filter.account_types.front()));
    } else if (filter.account_types.size() > 1 && !v1) {
        std::string any;
        for (const auto& t : filter.account_types) {
            any += (any.empty() ? "(" : " or ") + std::string("AccountType=") + quoted(t);
        }
        parts.push_back(any + ")");
    }
    std::string q;
    for (const auto& p : parts) {
        q += (q.empty() ? "" : (v1 ? ";" : " and ")) + p;
    }
    return q;
}

namespace {

const CollectionSpec& account_collection()
{
    static const CollectionSpec spec{.resource = "accountCombinationsLOV",
                                     .path_template = "/accountCombinationsLOV",
                                     .key_attribute = "_CODE_COMBINATION_ID",
                                     .fields = {},
                                     .expand = {},
                                     .order_by = {}};
    return spec;
}

// Reads that do not need LastUpdateDate (whole, by id) order by the key alone: a pod without
// the attribute refuses an orderBy naming it.
const CollectionSpec& account_collection_by_key()
{
    static const CollectionSpec spec{.resource = "accountCombinationsLOV",
                                     .path_template = "/accountCombinationsLOV",
                                     .key_attribute = "_CODE_COMBINATION_ID",
                                     .fields = {},
                                     .expand = {},
                                     .order_by = "_CODE_COMBINATION_ID:asc"};
    return spec;
}

auto page_parser(const std::vector<std::string>& segment_names)
{
    return [names = segment_attributes(segment_names)](const std::string& body) {
        return parse_account_page(body, names);
    };
}

} // namespace

std::expected<ReadStats, http::Error>
read_account_combinations(Client& client, const IncrementalCursor& cursor,
                          const std::vector<std::string>& segment_names,
                          const AccountPageSink& sink, int page_size)
{
    return read_collection(client, account_collection(), account_query(cursor),
                           parsed_pages(page_parser(segment_names), sink), page_size);
}

std::expected<ReadStats, http::Error>
read_all_account_combinations(Client& client, const AccountFilter& filter,
                              const std::vector<std::string>& segment_names,
                              const AccountPageSink& sink, int page_size)
{
    return read_collection(client, account_collection_by_key(), whole_account_query(filter),
                           parsed_pages(page_parser(segment_names), sink), page_size);
}

std::expected<ReadStats, http::Error>
read_account_combinations_by_id(Client& client, const std::vector<std::int64_t>& ids,
                                const std::vector<std::string>& segment_names,
                                const AccountPageSink& sink)
{
    return read_by_ids(client, account_collection_by_key(), ids,
                       parsed_pages(page_parser(segment_names), sink));
}

std::expected<std::optional<AccountCombination>, http::Error>
find_account_by_segments(Client& client, const std::vector<std::string>& names,
                         const std::vector<std::string>& values)
{
    const auto attributes = segment_attributes(names);
    std::string q;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string name = i < attributes.size() && !attributes[i].empty()
                                     ? attributes[i]
                                     : "Segment" + std::to_string(i + 1);
        std::string value;
        for (const char c : values[i]) {
            value += c;
            if (c == '\'') {
                value += c; // '' is a quote inside a quoted literal
            }
        }
        q += (q.empty() ? "" : " and ") + name + "='" + value + "'";
    }
    Query query;
    query.q = q;
    query.limit = 2;
    auto got = client.get("accountCombinationsLOV", query, "/accountCombinationsLOV");
    if (!got) {
        return std::unexpected(got.error());
    }
    auto page = parse_account_page(got->body, attributes);
    if (!page) {
        return std::unexpected(http::shape_error(got->status, page.error()));
    }
    if (page->accounts.size() > 1) {
        return std::unexpected(
            http::shape_error(got->status, "several account combinations match " + q));
    }
    if (page->accounts.empty()) {
        return std::optional<AccountCombination>{};
    }
    return std::optional<AccountCombination>{std::move(page->accounts.front())};
}

} // namespace mlc::oracle
