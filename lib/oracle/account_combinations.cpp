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

std::expected<int, http::Error> read_account_combinations(Client& client, const std::string& since,
                                                          const AccountPageSink& sink,
                                                          int page_size)
{
    Query query;
    if (!since.empty()) {
        query.q = "LastUpdateDate>='" + since + "'";
    }
    query.order_by = "LastUpdateDate:asc,_CODE_COMBINATION_ID:asc";
    query.limit = page_size;
    int pages = 0;
    for (;;) {
        auto result = client.get("accountCombinationsLOV", query, "/accountCombinationsLOV");
        if (!result) {
            return std::unexpected(result.error());
        }
        auto page = parse_account_page(result->body);
        if (!page) {
            return std::unexpected(http::Error{.kind = http::ErrorKind::status,
                                               .status = result->status,
                                               .message = "unexpected response: " + page.error(),
                                               .body = {},
                                               .attempts = 1});
        }
        ++pages;
        const int limit = page->meta.limit > 0 ? page->meta.limit : query.limit;
        const bool more = page->meta.has_more && page->meta.count >= limit && page->meta.count > 0;
        if (!sink(*page) || !more) {
            break;
        }
        query.offset += page->meta.count;
        query.limit = limit;
    }
    return pages;
}

} // namespace mlc::oracle
