#include "oracle/journals.hpp"

#include "core/json.hpp"
#include "oracle/read_support.hpp"

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <limits>
#include <utility>

namespace mlc::oracle {

namespace {

using read::parse_error_text;
using read::text;

int nonnegative_int_of(const rapidjson::Value& obj, const char* key)
{
    const auto v = json::get_id(obj, key);
    if (!v || *v < 0 || *v > std::numeric_limits<int>::max()) {
        return 0;
    }
    return static_cast<int>(*v);
}

// One page's items, handed on; an error says why the page is not what was expected.
using ItemsHandler = std::function<std::expected<void, std::string>(const rapidjson::Value& items)>;

// GETs every page of `resource` with `query` (offset paging, following the echoed limit, ending
// on hasMore false or a short page, as read_collection does). Bodies are parsed with numbers kept
// as text, so ids are read with get_id and amounts with get_decimal_text.
std::expected<void, http::Error> read_all(Client& client, const std::string& resource, Query query,
                                          const std::string& path_template,
                                          const ItemsHandler& on_items)
{
    for (;;) {
        auto result = client.get(resource, query, path_template);
        if (!result) {
            return std::unexpected(result.error());
        }
        auto doc = json::parse_numbers_as_text(result->body);
        if (!doc) {
            return std::unexpected(
                http::shape_error(result->status, parse_error_text(doc.error())));
        }
        const auto* items = json::find(*doc, "items");
        if (items == nullptr || !items->IsArray()) {
            return std::unexpected(http::shape_error(
                result->status, resource + ": not a collection (no items array)"));
        }
        if (auto handled = on_items(*items); !handled) {
            return std::unexpected(http::shape_error(result->status, handled.error()));
        }
        const int count = static_cast<int>(items->Size());
        const bool has_more = json::get_bool(*doc, "hasMore").value_or(false);
        const int echoed = nonnegative_int_of(*doc, "limit");
        const int limit = echoed > 0 ? echoed : query.limit;
        if (!has_more || count == 0 || count < limit) {
            return {};
        }
        query.offset += count;
        query.limit = limit;
    }
}

// The rows of an expanded child: a bare array (framework < 3) or a collection object {"items"}
// (3+); nullptr when the child is absent. A child collection cut short (hasMore) is refused:
// a batch read with some journals missing would look like a batch without them, and the caller
// would resend what Oracle already has.
std::expected<const rapidjson::Value*, std::string>
journal_child_items(const rapidjson::Value& item, const char* child, const std::string& where)
{
    const auto* v = json::find(item, child);
    if (v == nullptr || v->IsNull()) {
        return nullptr;
    }
    if (v->IsArray()) {
        return v;
    }
    if (v->IsObject()) {
        const auto* items = json::find(*v, "items");
        if (items != nullptr && items->IsArray()) {
            if (json::get_bool(*v, "hasMore").value_or(false)) {
                return std::unexpected(where + ": " + child + " is paged (hasMore) after "
                                       + std::to_string(items->Size()) + " rows");
            }
            return items;
        }
    }
    return std::unexpected(where + ": " + child + " is neither an array nor a collection");
}

// A total as the exact text Oracle sent; "" when absent or null.
std::expected<std::string, std::string> total_of(const rapidjson::Value& obj, const char* key,
                                                 const std::string& where)
{
    const auto* v = json::find(obj, key);
    if (v == nullptr || v->IsNull()) {
        return std::string{};
    }
    if (auto d = json::get_decimal_text(obj, key)) {
        return std::move(*d);
    }
    return std::unexpected(where + ": " + key + " is not a decimal number");
}

// The journals of one batch (`base` holds the batch's attributes), appended to `out`.
std::expected<void, std::string> add_headers(const LedgerJournal& base,
                                             const rapidjson::Value& headers,
                                             const std::string& where, const JournalSink& out)
{
    for (const auto& header : headers.GetArray()) {
        const auto header_id = json::get_id(header, "JeHeaderId");
        if (!header.IsObject() || !header_id) {
            return std::unexpected(where + ": a journal without an integer JeHeaderId");
        }
        LedgerJournal j = base;
        j.header_id = *header_id;
        const std::string here = where + ", journal " + std::to_string(j.header_id);
        j.journal_name = text(header, "JournalName");
        auto dr = total_of(header, "RunningTotalEnteredDr", here);
        auto cr = total_of(header, "RunningTotalEnteredCr", here);
        if (!dr || !cr) {
            return std::unexpected(!dr ? dr.error() : cr.error());
        }
        j.total_dr = std::move(*dr);
        j.total_cr = std::move(*cr);
        j.currency = text(header, "CurrencyCode");
        out(std::move(j));
    }
    return {};
}

LedgerJournal batch_base(const rapidjson::Value& batch, std::int64_t batch_id)
{
    LedgerJournal base;
    base.batch_id = batch_id;
    base.batch_name = text(batch, "BatchName");
    if (base.batch_name.empty()) {
        base.batch_name = text(batch, "Name");
    }
    base.batch_status = text(batch, "Status");
    base.posting_status = text(batch, "PostingStatus");
    base.period = text(batch, "AccountingPeriodName");
    return base;
}

std::expected<std::vector<LedgerJournal>, std::string>
parse_journal_batches(const rapidjson::Value& items)
{
    std::vector<LedgerJournal> out;
    for (const auto& batch : items.GetArray()) {
        const auto batch_id = json::get_id(batch, "JeBatchId");
        if (!batch.IsObject() || !batch_id) {
            return std::unexpected(
                std::string("journalBatches: a batch without an integer JeBatchId"));
        }
        const LedgerJournal base = batch_base(batch, *batch_id);
        const std::string where = "journal batch " + std::to_string(base.batch_id);
        auto headers = journal_child_items(batch, "journalHeaders", where);
        if (!headers) {
            return std::unexpected(headers.error());
        }
        if (*headers == nullptr) {
            // Not expanded: the caller asked for journalHeaders, so a batch without the child
            // is a server that ignored expand; what its journals hold cannot be told.
            return std::unexpected(where + ": journalHeaders is missing (expand ignored?)");
        }
        if (auto added = add_headers(base, **headers, where,
                                     [&out](LedgerJournal&& j) { out.push_back(std::move(j)); });
            !added) {
            return std::unexpected(added.error());
        }
    }
    return out;
}

} // namespace

std::expected<std::vector<LedgerJournal>, std::string>
parse_journal_batch_page(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    const auto* items = json::find(*doc, "items");
    if (items == nullptr || !items->IsArray()) {
        return std::unexpected(std::string("journalBatches: not a collection (no items array)"));
    }
    return parse_journal_batches(*items);
}

namespace {

std::expected<std::vector<PeriodStatus>, std::string>
parse_period_statuses(const rapidjson::Value& items)
{
    std::vector<PeriodStatus> out;
    for (const auto& item : items.GetArray()) {
        if (!item.IsObject()) {
            return std::unexpected(
                std::string("accountingPeriodStatusLOV: an item is not an object"));
        }
        PeriodStatus p;
        p.name = text(item, "PeriodNameId");
        p.closing_status = text(item, "ClosingStatus");
        // Dates come as YYYY-MM-DD; a timestamp form keeps its date part.
        p.start_date = text(item, "StartDate").substr(0, 10);
        p.end_date = text(item, "EndDate").substr(0, 10);
        if (p.name.empty() || p.start_date.size() != 10 || p.end_date.size() != 10) {
            return std::unexpected("accountingPeriodStatusLOV: period \"" + p.name
                                   + "\" lacks PeriodNameId, StartDate or EndDate");
        }
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace

std::expected<std::vector<PeriodStatus>, std::string>
parse_period_status_page(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    const auto* items = json::find(*doc, "items");
    if (items == nullptr || !items->IsArray()) {
        return std::unexpected(
            std::string("accountingPeriodStatusLOV: not a collection (no items array)"));
    }
    return parse_period_statuses(*items);
}

std::expected<void, http::Error> find_journals_each(Client& client, const std::string& batch_name,
                                                    const JournalSink& each)
{
    // A server whose equality is looser than ours (case, blanks) must not confirm another batch.
    const JournalSink out = [&](LedgerJournal&& j) {
        if (j.batch_name == batch_name) {
            each(std::move(j));
        }
    };
    Query query;
    query.q = "BatchName='" + quote_literal(batch_name) + "'";
    // No expand: a batch's journals are read through its child resource, 500 a page, so a batch
    // of tens of thousands is neither one huge answer held in memory nor cut short by the cap the
    // framework puts on expanded children. Journals a server sends inline anyway are taken.
    query.order_by = "JeBatchId:asc"; // a stable order for offset paging
    query.limit = 100;
    std::vector<LedgerJournal> to_page;
    auto read =
        read_all(client, "journalBatches", query, "/journalBatches",
                 [&](const rapidjson::Value& items) -> std::expected<void, std::string> {
                     for (const auto& batch : items.GetArray()) {
                         const auto batch_id = json::get_id(batch, "JeBatchId");
                         if (!batch.IsObject() || !batch_id) {
                             return std::unexpected(std::string(
                                 "journalBatches: a batch without an integer JeBatchId"));
                         }
                         const LedgerJournal base = batch_base(batch, *batch_id);
                         const std::string where = "journal batch " + std::to_string(base.batch_id);
                         auto headers = journal_child_items(batch, "journalHeaders", where);
                         if (!headers || *headers == nullptr) {
                             to_page.push_back(base);
                             continue;
                         }
                         if (auto added = add_headers(base, **headers, where, out); !added) {
                             return std::unexpected(added.error());
                         }
                     }
                     return {};
                 });
    if (!read) {
        return std::unexpected(read.error());
    }
    for (const auto& base : to_page) {
        if (base.batch_name != batch_name) {
            continue;
        }
        Query headers;
        headers.order_by = "JeHeaderId:asc";
        headers.limit = 500;
        const std::string where = "journal batch " + std::to_string(base.batch_id);
        auto paged = read_all(
            client, "journalBatches/" + std::to_string(base.batch_id) + "/child/journalHeaders",
            headers, "/journalBatches/{id}/child/journalHeaders",
            [&](const rapidjson::Value& items) -> std::expected<void, std::string> {
                return add_headers(base, items, where, out);
            });
        if (!paged) {
            return std::unexpected(paged.error());
        }
    }
    return {};
}

namespace {

// The first of `keys` present with a non-empty text, else "".
std::string ledger_first_text(const rapidjson::Value& obj, std::initializer_list<const char*> keys)
{
    for (const char* key : keys) {
        if (auto v = text(obj, key); !v.empty()) {
            return v;
        }
    }
    return {};
}

std::string ledger_source_of(const rapidjson::Value& obj)
{
    return ledger_first_text(obj, {"JournalSource", "UserJeSourceName", "Source"});
}

// A line amount: the first spelling present; "" when absent or null.
std::expected<std::string, std::string> ledger_amount(const rapidjson::Value& line, const char* key,
                                                      const char* other, const std::string& where)
{
    const auto* v = json::find(line, key);
    const char* used = key;
    if (v == nullptr || v->IsNull()) {
        v = json::find(line, other);
        used = other;
    }
    if (v == nullptr || v->IsNull()) {
        return std::string{};
    }
    return total_of(line, used, where);
}

// The journals (with their lines) of one batch's page of headers.
std::expected<void, std::string> ledger_add_lines(const LedgerLine& batch,
                                                  const rapidjson::Value& headers,
                                                  const LedgerLineSink& each)
{
    const std::string where = "journal batch " + std::to_string(batch.batch_id);
    for (const auto& header : headers.GetArray()) {
        const auto header_id = json::get_id(header, "JeHeaderId");
        if (!header.IsObject() || !header_id) {
            return std::unexpected(where + ": a journal without an integer JeHeaderId");
        }
        LedgerLine base = batch;
        base.header_id = *header_id;
        base.journal_name = text(header, "JournalName");
        base.accounting_date = text(header, "AccountingDate").substr(0, 10);
        if (base.source.empty()) {
            base.source = ledger_source_of(header);
        }
        const std::string here = where + ", journal " + std::to_string(base.header_id);
        auto lines = journal_child_items(header, "journalLines", here);
        if (!lines) {
            return std::unexpected(lines.error());
        }
        if (*lines == nullptr) {
            return std::unexpected(here + ": journalLines is missing (expand ignored?)");
        }
        for (const auto& line : (*lines)->GetArray()) {
            if (!line.IsObject()) {
                return std::unexpected(here + ": a line is not an object");
            }
            LedgerLine l = base;
            l.line_number = json::get_id(line, "JeLineNumber").value_or(0);
            l.account = text(line, "AccountCombination");
            const std::string at = here + " line " + std::to_string(l.line_number);
            auto dr = ledger_amount(line, "EnteredDebitAmount", "EnteredDr", at);
            auto cr = ledger_amount(line, "EnteredCreditAmount", "EnteredCr", at);
            if (!dr || !cr) {
                return std::unexpected(!dr ? dr.error() : cr.error());
            }
            if (l.account.empty()) {
                return std::unexpected(at + ": no AccountCombination");
            }
            l.debit = std::move(*dr);
            l.credit = std::move(*cr);
            each(std::move(l));
        }
    }
    return {};
}

} // namespace

std::expected<void, http::Error> read_period_lines(Client& client, const std::string& period,
                                                   const std::string& ledger_name,
                                                   const BatchFilter& wanted,
                                                   const LedgerLineSink& each)
{
    Query query;
    query.q = "AccountingPeriodName='" + quote_literal(period) + "'";
    if (!ledger_name.empty()) {
        query.q += " and LedgerName='" + quote_literal(ledger_name) + "'";
    }
    query.order_by = "JeBatchId:asc"; // a stable order for offset paging
    query.limit = 100;
    std::vector<LedgerLine> batches;
    auto listed = read_all(client, "journalBatches", query, "/journalBatches",
                           [&](const rapidjson::Value& items) -> std::expected<void, std::string> {
                               for (const auto& batch : items.GetArray()) {
                                   const auto batch_id = json::get_id(batch, "JeBatchId");
                                   if (!batch.IsObject() || !batch_id) {
                                       return std::unexpected(std::string(
                                           "journalBatches: a batch without an integer JeBatchId"));
                                   }
                                   LedgerLine b;
                                   b.batch_id = *batch_id;
                                   b.batch_name = ledger_first_text(batch, {"BatchName", "Name"});
                                   b.source = ledger_source_of(batch);
                                   // A server looser than our q (case, blanks) must not add another
                                   // period's batches.
                                   const auto p = text(batch, "AccountingPeriodName");
                                   if ((p.empty() || p == period) && wanted(b.source)) {
                                       batches.push_back(std::move(b));
                                   }
                               }
                               return {};
                           });
    if (!listed) {
        return std::unexpected(listed.error());
    }
    for (const auto& batch : batches) {
        Query headers;
        headers.expand = "journalLines";
        headers.order_by = "JeHeaderId:asc";
        headers.limit = 500;
        auto read = read_all(
            client, "journalBatches/" + std::to_string(batch.batch_id) + "/child/journalHeaders",
            headers, "/journalBatches/{id}/child/journalHeaders",
            [&](const rapidjson::Value& items) -> std::expected<void, std::string> {
                return ledger_add_lines(batch, items, each);
            });
        if (!read) {
            return std::unexpected(read.error());
        }
    }
    return {};
}

std::expected<std::vector<LedgerJournal>, http::Error> find_journals(Client& client,
                                                                     const std::string& batch_name)
{
    std::vector<LedgerJournal> out;
    auto read = find_journals_each(client, batch_name,
                                   [&out](LedgerJournal&& j) { out.push_back(std::move(j)); });
    if (!read) {
        return std::unexpected(read.error());
    }
    return out;
}

std::expected<std::vector<PeriodStatus>, http::Error> read_periods(Client& client,
                                                                   std::int64_t ledger_id)
{
    Query query;
    // GL's application id is 101 (reference §4, Periods); framework v2+ joins with `and`.
    query.q = "LedgerId=" + std::to_string(ledger_id) + " and ApplicationId=101";
    query.order_by = "StartDate:asc";
    query.limit = 500;
    std::vector<PeriodStatus> out;
    auto read = read_all(client, "accountingPeriodStatusLOV", query, "/accountingPeriodStatusLOV",
                         [&out](const rapidjson::Value& items) -> std::expected<void, std::string> {
                             auto page = parse_period_statuses(items);
                             if (!page) {
                                 return std::unexpected(page.error());
                             }
                             out.insert(out.end(), std::make_move_iterator(page->begin()),
                                        std::make_move_iterator(page->end()));
                             return {};
                         });
    if (!read) {
        return std::unexpected(read.error());
    }
    // Sorted here too: the order is the contract, whatever the server did with orderBy.
    std::stable_sort(out.begin(), out.end(), [](const PeriodStatus& a, const PeriodStatus& b) {
        return a.start_date < b.start_date;
    });
    return out;
}

const PeriodStatus* period_of(const std::vector<PeriodStatus>& periods, const std::string& date)
{
    if (date.size() < 10) {
        return nullptr;
    }
    const std::string day = date.substr(0, 10);
    // An adjusting period (one day, e.g. "Adj-26" on Dec 31) overlaps a regular period; a cost
    // dated that day belongs in the regular one: the match that starts first, then ends last.
    const PeriodStatus* found = nullptr;
    for (const auto& p : periods) {
        if (p.start_date > day || day > p.end_date) {
            continue;
        }
        if (found == nullptr || p.start_date < found->start_date
            || (p.start_date == found->start_date && p.end_date > found->end_date)) {
            found = &p;
        }
    }
    return found;
}

} // namespace mlc::oracle
