#include "oracle/account_combinations.hpp"

#include "core/json.hpp"

namespace mlc::oracle {

namespace {

bool yes(const rapidjson::Value& item, const char* key)
{
    if (auto b = json::get_bool(item, key)) {
        return *b;
    }
    const auto s = json::get_string(item, key).value_or("");
    return s == "Y" || s == "y" || s == "true";
}

} // namespace

std::expected<AccountPage, std::string> parse_account_page(const std::string& body)
{
    auto doc = json::parse(body);
    if (!doc) {
        return std::unexpected("malformed JSON: " + doc.error().message);
    }
    const auto* items = json::find(*doc, "items");
    if (items == nullptr || !items->IsArray()) {
        return std::unexpected(std::string("not a collection (no items array)"));
    }
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
        a.enabled = yes(item, "EnabledFlag");
        a.detail_posting = yes(item, "DetailPostingAllowed");
        a.account_type = json::get_string(item, "AccountType").value_or("");
        a.start_date = json::get_string(item, "StartDateActive").value_or("");
        a.end_date = json::get_string(item, "EndDateActive").value_or("");
        a.last_update_date = json::get_string(item, "LastUpdateDate").value_or("");
        if (a.last_update_date.empty()) {
            return std::unexpected("combination " + std::to_string(a.id)
                                   + " has no LastUpdateDate");
        }
        for (std::size_t i = 0; i < k_max_segments; ++i) {
            const std::string seg = "Segment" + std::to_string(i + 1);
            const std::string desc = "_Segment" + std::to_string(i + 1) + "Description";
            a.segments[i] = json::get_string(item, seg.c_str()).value_or("");
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

namespace {

const CollectionSpec& account_collection()
{
    static const CollectionSpec spec{.resource = "accountCombinationsLOV",
                                     .path_template = "/accountCombinationsLOV",
                                     .key_attribute = "_CODE_COMBINATION_ID",
                                     .fields = {},
                                     .expand = {}};
    return spec;
}

} // namespace

std::expected<ReadStats, http::Error> read_account_combinations(Client& client,
                                                                const IncrementalCursor& cursor,
                                                                const AccountPageSink& sink,
                                                                int page_size)
{
    return read_collection(client, account_collection(), account_query(cursor),
                           parsed_pages(parse_account_page, sink), page_size);
}

std::expected<ReadStats, http::Error>
read_account_combinations_by_id(Client& client, const std::vector<std::int64_t>& ids,
                                const AccountPageSink& sink)
{
    return read_by_ids(client, account_collection(), ids, parsed_pages(parse_account_page, sink));
}

std::expected<std::optional<AccountCombination>, http::Error>
find_account_by_segments(Client& client, const std::vector<std::string>& names,
                         const std::vector<std::string>& values)
{
    std::string q;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string name =
            i < names.size() && !names[i].empty() ? names[i] : "Segment" + std::to_string(i + 1);
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
    auto page = parse_account_page(got->body);
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
