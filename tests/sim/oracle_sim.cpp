#include "oracle_sim.hpp"

#include "json_util.hpp"
#include "oracle_query.hpp"

#include <fmt/format.h>
#include <zip.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace mlc::sim {

using oq::BadRequest;
using oq::Kind;
using oq::v_bool;
using oq::v_date;
using oq::v_int;
using oq::v_null;
using oq::v_num;
using oq::v_str;
using oq::v_str_or_null;
using oq::v_time;

// Named (not anonymous) because OracleSim::State, which has external linkage, holds these.
namespace oracle_impl {

constexpr const char* k_rest_prefix = "/fscmRestApi/resources/";
constexpr const char* k_journal_import_job =
    "/oracle/apps/ess/financials/generalLedger/programs/common,JournalImportLauncher";
constexpr std::size_t k_gl_min_fields = 149;
constexpr std::int64_t k_day_ms = 86400000;
// The sim's one ledger (the reference's live example) and GL's application id.
constexpr std::int64_t k_ledger_id = 300000046975971;
constexpr const char* k_ledger_name = "US Primary Ledger";
constexpr std::int64_t k_gl_application_id = 101;
constexpr std::int64_t k_ap_application_id = 200;

// ---------------------------------------------------------------------------------------
// Records

struct Address {
    std::int64_t id = 0;
    std::string name, line1, line2, line3, line4, city, state, postal, country_code = "US",
                                                                       country = "United States";
    bool ordering = true, remit_to = true, rfq = false;
    std::string status = "ACTIVE";
    std::int64_t created = 0, updated = 0;
};

struct Site {
    std::int64_t id = 0;
    std::string name;
    std::int64_t procurement_bu_id = 300000046987012;
    std::string procurement_bu = "US1 Business Unit";
    std::int64_t address_id = 0;
    std::string address_name;
    bool purchasing = true, pay = true;
    std::string inactive_date;
    std::int64_t created = 0, updated = 0;
};

struct Supplier {
    std::int64_t id = 0, party_id = 0;
    std::string name, number, alternate_name, type_code = "SUPPLIER",
                                              relationship = "SPEND_AUTHORIZED";
    std::string tax_org_type = "CORPORATION", status = "ACTIVE", inactive_date, taxpayer_id, duns;
    std::string created_by = "PROCUREMENT.MANAGER", updated_by = "PROCUREMENT.MANAGER";
    std::int64_t created = 0, updated = 0;
    std::vector<Address> addresses;
    std::vector<Site> sites;
};

// The segment codes of the live-pod shape's chart (SimOptions::accounts_pod_shape).
const std::array<const char*, 5> k_pod_segment_codes{"entity", "department", "account",
                                                     "subAccount", "future1"};

struct Account {
    std::int64_t id = 0, chart_id = 101;
    std::string enabled = "Y", posting = "Y", type = "E", start_date = "2020-01-01", end_date;
    std::string seg[5], desc[5];
    std::int64_t updated = 0;
    std::string concatenated() const
    {
        return seg[0] + "-" + seg[1] + "-" + seg[2] + "-" + seg[3] + "-" + seg[4];
    }
};

// Money to the cent, so JSON shows 1234.5 and never 1234.4999999999998.
double cents(double v)
{
    return std::round(v * 100) / 100;
}

// Quantities are null on amount-based (Fixed Price Services) rows.
struct PoDistribution {
    std::int64_t id = 0;
    std::int64_t number = 1;
    double quantity = 0, amount = 0;
    bool amount_based = false;
    std::string charge_account;
};

struct PoSchedule {
    std::int64_t id = 0;
    std::int64_t number = 1;
    std::string ship_to_location, ship_to_org, need_by, promised;
    double quantity = 0, amount = 0;
    bool amount_based = false;
    std::vector<PoDistribution> distributions;
};

// LineType "Goods" is quantity based (Amount = Quantity x Price); "Fixed Price Services" is
// amount based (Amount given; Quantity and Price null unless sent).
struct PoLine {
    std::int64_t id = 0;
    std::int64_t number = 1;
    std::string line_type = "Goods", item, description, category, uom = "Each";
    double quantity = 0, price = 0, amount = 0;
    bool amount_based = false, has_quantity = true, has_price = true;
    std::vector<PoSchedule> schedules;
    double line_amount() const { return amount_based ? cents(amount) : cents(quantity * price); }
};

struct PurchaseOrder {
    std::int64_t id = 0;
    std::string number;
    std::int64_t supplier_id = 0, supplier_site_id = 0;
    std::string supplier, supplier_site, procurement_bu, requisitioning_bu,
        sold_to_le = "US1 Legal Entity";
    std::string bill_to_bu, buyer, buyer_email, currency_code = "USD", status = "OPEN", description;
    std::string payment_terms = "Net 30";
    std::int64_t created = 0, updated = 0;
    std::vector<PoLine> lines;
    std::vector<std::pair<std::string, std::string>> dff; // header DFF attributes, as sent
    double ordered() const
    {
        double sum = 0;
        for (const auto& l : lines)
            sum += l.line_amount();
        return cents(sum);
    }
};

struct ReqLine {
    std::int64_t id = 0, number = 1;
    std::string line_type = "Goods", description, uom = "Each", currency_code = "USD",
                requester_email;
    double quantity = 0, price = 0;
};

struct Requisition {
    std::int64_t id = 0;
    std::string number, requisitioning_bu, preparer_email, description, status = "INCOMPLETE";
    std::int64_t created = 0, updated = 0;
    std::vector<ReqLine> lines;
};

struct InvoiceDistribution {
    std::int64_t id = 0, number = 1;
    std::string line_type = "Item", combination, accounting_date;
    double amount = 0;
};

struct InvoiceLine {
    std::int64_t number = 1;
    std::string line_type = "Item", description, combination, po_number;
    double amount = 0;
    std::vector<InvoiceDistribution> distributions;
};

struct Invoice {
    std::int64_t id = 0;
    std::string hash, number, currency = "USD", payment_currency = "USD", invoice_date, terms_date,
                              due_date;
    std::string accounting_date, business_unit, supplier, supplier_number, supplier_site,
        invoice_type = "Standard";
    std::string description, payment_terms = "Net 30", validation = "Not Validated",
                             approval = "Required", paid = "Unpaid";
    double amount = 0;
    std::int64_t created = 0, updated = 0;
    std::vector<InvoiceLine> lines;
};

// A payablesPayments row and the invoices it pays (relatedInvoices), made through /_sim/mutate
// ("payments": create pays one invoice, "void" voids a payment).
struct RelatedInvoice {
    std::int64_t id = 0, invoice_id = 0; // InvoicePaymentId, InvoiceId
    std::string invoice_number, accounting_date;
    double amount = 0;
};

struct Payment {
    std::int64_t id = 0, payment_id = 0, number = 0; // CheckId, PaymentId, PaymentNumber
    std::string currency = "USD", date, status = "Negotiable", void_date, method = "Check",
                supplier, supplier_site, business_unit;
    double amount = 0;
    std::int64_t created = 0, updated = 0;
    std::vector<RelatedInvoice> invoices;
};

struct JournalLine {
    std::int64_t number = 1;
    std::string account, description, reference;
    double debit = 0, credit = 0;
    bool has_debit = false, has_credit = false;
};

struct JournalHeader {
    std::int64_t id = 0;
    std::string name, description, category, currency, accounting_date, period, external_reference;
    double total_dr = 0, total_cr = 0;
    std::vector<JournalLine> lines;
};

struct JournalBatch {
    std::int64_t id = 0;
    std::string name, description, status = "U", posting_status = "Unposted",
                                   approval_status = "Not required";
    std::string period, ledger_name, source;
    std::int64_t group_id = 0, request_id = 0, created = 0, updated = 0;
    std::vector<JournalHeader> headers;
};

struct RejectedRow {
    std::int64_t request_id = 0, row_number = 0;
    std::string code, description, reference1, reference4, source, group_id, account, entered_dr,
        entered_cr;
};

// One row of accountingPeriodStatusLOV: a month of the ledger's calendar for one application.
struct AccountingPeriod {
    std::string name; // "Jul-26"
    std::int64_t ledger_id = k_ledger_id, application_id = k_gl_application_id;
    std::string closing_status; // O open, F future-enterable, C closed, N never opened, P permanent
    std::string start_date, end_date; // YYYY-MM-DD, inclusive
    std::int64_t year = 0, number = 0;
};

struct EssJob {
    std::int64_t id = 0;
    std::string final_status = "SUCCEEDED", detail, source, group_id, ledger_id;
    int polls = 0;
    bool committed = false;
    std::int64_t submitted_ms = 0; // virtual clock at importBulkData
    std::int64_t rows_in_file = 0, rows_selected = 0, rows_imported = 0, rows_rejected = 0;
    std::vector<JournalBatch> batches;
    std::vector<RejectedRow> rejected;
};

// Rows in the collection's natural order (LastUpdateDate, then id), indexed by id.
template <class T> struct Table {
    std::vector<T> rows;
    std::unordered_map<std::int64_t, std::size_t> by_id;
    std::int64_t (*id_of)(const T&) = nullptr;
    std::int64_t (*updated_of)(const T&) = nullptr;

    void reindex()
    {
        auto less = [this](const T& a, const T& b) {
            auto ua = updated_of(a), ub = updated_of(b);
            return ua != ub ? ua < ub : id_of(a) < id_of(b);
        };
        if (!std::is_sorted(rows.begin(), rows.end(), less))
            std::sort(rows.begin(), rows.end(), less);
        by_id.clear();
        by_id.reserve(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i)
            by_id[id_of(rows[i])] = i;
    }
    T* find(std::int64_t id)
    {
        auto it = by_id.find(id);
        return it == by_id.end() ? nullptr : &rows[it->second];
    }
    std::vector<const T*> view() const
    {
        std::vector<const T*> v;
        v.reserve(rows.size());
        for (const auto& r : rows)
            v.push_back(&r);
        return v;
    }
};

// ---------------------------------------------------------------------------------------
// Attribute helpers

template <class T> using Get = std::function<oq::Val(const T&)>;

template <class T>
std::function<bool(T&, const rapidjson::Value&)> set_string(std::string T::*member)
{
    return [member](T& row, const rapidjson::Value& v) {
        if (v.IsNull()) {
            row.*member = "";
            return true;
        }
        if (!v.IsString())
            return false;
        row.*member = std::string(v.GetString(), v.GetStringLength());
        return true;
    };
}
template <class T> std::function<bool(T&, const rapidjson::Value&)> set_date(std::string T::*member)
{
    return [member](T& row, const rapidjson::Value& v) {
        if (v.IsNull()) {
            row.*member = "";
            return true;
        }
        std::int64_t ms = 0;
        if (!v.IsString() || !parse_timestamp(v.GetString(), ms))
            return false;
        row.*member = std::string(v.GetString()).substr(0, 10);
        return true;
    };
}
template <class T> std::function<bool(T&, const rapidjson::Value&)> set_number(double T::*member)
{
    return [member](T& row, const rapidjson::Value& v) {
        if (!v.IsNumber())
            return false;
        row.*member = v.GetDouble();
        return true;
    };
}
template <class T> oq::Attr<T> str_attr(std::string name, std::string T::*m, bool settable = false)
{
    return {std::move(name), Kind::Str, [m](const T& r) { return v_str_or_null(r.*m); },
            settable ? set_string<T>(m) : nullptr};
}
template <class T> oq::Attr<T> date_attr(std::string name, std::string T::*m, bool settable = false)
{
    return {std::move(name), Kind::Date, [m](const T& r) { return v_date(r.*m); },
            settable ? set_date<T>(m) : nullptr};
}
template <class T> oq::Attr<T> int_attr(std::string name, std::int64_t T::*m)
{
    return {std::move(name), Kind::Int, [m](const T& r) { return v_int(r.*m); }};
}
template <class T> oq::Attr<T> num_attr(std::string name, double T::*m, bool settable = false)
{
    return {std::move(name), Kind::Num, [m](const T& r) { return v_num(r.*m); },
            settable ? set_number<T>(m) : nullptr};
}
template <class T> oq::Attr<T> bool_attr(std::string name, bool T::*m)
{
    return {std::move(name), Kind::Bool, [m](const T& r) { return v_bool(r.*m); }};
}
template <class T> oq::Attr<T> time_attr(std::string name, std::int64_t T::*m)
{
    return {std::move(name), Kind::Time, [m](const T& r) { return v_time(r.*m); }};
}

template <class P, class C>
oq::ChildDef<P> child(const std::string& name, const oq::ResourceDef<C>& def,
                      std::vector<C> P::*member)
{
    oq::ChildDef<P> c;
    c.name = name;
    c.write = [&def, member](json::Writer& w, const P& parent, const oq::Ctx& ctx,
                             const std::string& href, const std::string& path) {
        oq::write_children(w, def, parent.*member, ctx, href, path);
    };
    c.serve = [&def, member](const P& parent, const httplib::Request& req,
                             const std::string& href) {
        std::vector<const C*> rows;
        for (const auto& r : parent.*member)
            rows.push_back(&r);
        return oq::serve_collection(def, rows, {}, req, href);
    };
    return c;
}

// The header DFF child: one row of the string attributes sent on POST (none if none were).
// Its attributes are the customer's flexfield segments, so it has no fixed schema and no `q`.
void write_dff_rows(json::Writer& w, const PurchaseOrder& p, bool only_data,
                    const std::string& href)
{
    w.StartArray();
    if (!p.dff.empty()) {
        w.StartObject();
        w.Key("POHeaderId");
        w.Int64(p.id);
        for (const auto& [name, value] : p.dff) {
            json::key(w, name);
            if (value.empty())
                w.Null();
            else
                json::write_string(w, value);
        }
        if (!only_data) {
            w.Key("links");
            w.StartArray();
            oq::write_link(w, "self", href + "/" + std::to_string(p.id), "DFF", "item");
            w.EndArray();
        }
        w.EndObject();
    }
    w.EndArray();
}

void write_dff_envelope_tail(json::Writer& w, const PurchaseOrder& p, bool only_data,
                             const std::string& href)
{
    const std::int64_t n = p.dff.empty() ? 0 : 1;
    w.Key("count");
    w.Int64(n);
    w.Key("hasMore");
    w.Bool(false);
    w.Key("limit");
    w.Int64(25);
    w.Key("offset");
    w.Int64(0);
    if (!only_data) {
        w.Key("links");
        w.StartArray();
        oq::write_link(w, "self", href, "DFF", "collection");
        w.EndArray();
    }
}

oq::ChildDef<PurchaseOrder> dff_child()
{
    oq::ChildDef<PurchaseOrder> c;
    c.name = "DFF";
    c.write = [](json::Writer& w, const PurchaseOrder& p, const oq::Ctx& ctx,
                 const std::string& href, const std::string&) {
        if (ctx.version < 3)
            return write_dff_rows(w, p, ctx.only_data, href);
        w.StartObject();
        w.Key("items");
        write_dff_rows(w, p, ctx.only_data, href);
        write_dff_envelope_tail(w, p, ctx.only_data, href);
        w.EndObject();
    };
    c.serve = [](const PurchaseOrder& p, const httplib::Request& req, const std::string& href) {
        const oq::Ctx ctx = oq::make_ctx(req);
        rapidjson::StringBuffer buf;
        json::Writer w(buf);
        w.StartObject();
        w.Key("items");
        write_dff_rows(w, p, ctx.only_data, href);
        write_dff_envelope_tail(w, p, ctx.only_data, href);
        w.EndObject();
        return std::string(buf.GetString(), buf.GetSize());
    };
    return c;
}

std::string id_key(std::int64_t id)
{
    return std::to_string(id);
}

// ---------------------------------------------------------------------------------------
// Small utilities

std::string base64_decode(const std::string& in, bool& ok)
{
    static const std::string chars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int val = 0, bits = -8;
    ok = true;
    for (char c : in) {
        if (c == '=' || c == '\n' || c == '\r')
            continue;
        auto pos = chars.find(c);
        if (pos == std::string::npos) {
            ok = false;
            return {};
        }
        val = (val << 6) + static_cast<int>(pos);
        bits += 6;
        if (bits >= 0) {
            out.push_back(static_cast<char>((val >> bits) & 0xFF));
            bits -= 8;
        }
        val &= 0xFFFFFF;
    }
    return out;
}

bool unzip_entry(const std::string& zip_bytes, const std::string& name, std::string& out,
                 std::string& error)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(zip_bytes.data(), zip_bytes.size(), 0, &err);
    if (!src) {
        error = "the document is not a zip archive";
        return false;
    }
    zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &err);
    if (!za) {
        zip_source_free(src);
        zip_error_fini(&err);
        error = "the document is not a readable zip archive";
        return false;
    }
    zip_int64_t idx = zip_name_locate(za, name.c_str(), 0);
    if (idx < 0) {
        zip_close(za);
        error = "the zip archive has no " + name;
        return false;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    zip_file_t* f = nullptr;
    if (zip_stat_index(za, static_cast<zip_uint64_t>(idx), 0, &st) != 0
        || !(f = zip_fopen_index(za, static_cast<zip_uint64_t>(idx), 0))) {
        zip_close(za);
        error = "cannot read " + name + " in the zip archive";
        return false;
    }
    out.resize(static_cast<std::size_t>(st.size));
    auto got = zip_fread(f, out.data(), st.size);
    zip_fclose(f);
    zip_close(za);
    if (got < 0 || static_cast<zip_uint64_t>(got) != st.size) {
        error = "cannot read " + name + " in the zip archive";
        return false;
    }
    return true;
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text)
{
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field.push_back('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field.push_back(c);
            }
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            if (any || !field.empty()) {
                row.push_back(std::move(field));
                rows.push_back(std::move(row));
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field.push_back(c);
            any = true;
        }
    }
    if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

// Decimal text -> cents; false if malformed (no thousands separators, '.' decimals).
bool parse_cents(const std::string& text, std::int64_t& cents)
{
    if (text.empty()) {
        cents = 0;
        return true;
    }
    std::size_t i = 0;
    bool neg = false;
    if (text[0] == '-') {
        neg = true;
        ++i;
    }
    std::int64_t whole = 0, frac = 0;
    int frac_digits = 0;
    bool digits = false, dot = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (c < '0' || c > '9')
            return false;
        digits = true;
        if (dot) {
            if (frac_digits >= 2) {
                if (c != '0')
                    return false; // sub-cent amounts are not accepted
                continue;
            }
            frac = frac * 10 + (c - '0');
            ++frac_digits;
        } else {
            whole = whole * 10 + (c - '0');
        }
    }
    if (!digits)
        return false;
    if (frac_digits == 1)
        frac *= 10;
    cents = whole * 100 + frac;
    if (neg)
        cents = -cents;
    return true;
}

std::string date_of(std::int64_t ms)
{
    return oracle_timestamp(ms).substr(0, 10);
}

std::string period_name(const std::string& yyyy_mm_dd)
{
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (yyyy_mm_dd.size() < 7)
        return {};
    int m = std::atoi(yyyy_mm_dd.substr(5, 2).c_str());
    if (m < 1 || m > 12)
        return {};
    return fmt::format("{}-{}", months[m - 1], yyyy_mm_dd.substr(2, 2));
}

std::string url_decode(const std::string& s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size()
                   && std::isxdigit(static_cast<unsigned char>(s[i + 1]))
                   && std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::map<std::string, std::string> parse_form(const std::string& body)
{
    std::map<std::string, std::string> out;
    std::size_t start = 0;
    while (start <= body.size()) {
        auto amp = body.find('&', start);
        if (amp == std::string::npos)
            amp = body.size();
        auto pair = body.substr(start, amp - start);
        auto eq = pair.find('=');
        if (!pair.empty()) {
            if (eq == std::string::npos)
                out[url_decode(pair)] = "";
            else
                out[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
        }
        start = amp + 1;
    }
    return out;
}

} // namespace oracle_impl

using namespace oracle_impl;

// ---------------------------------------------------------------------------------------
// State

struct OracleSim::State {
    const SimOptions& options;
    VirtualClock& clock;
    std::mutex mutex;
    Rng rng;
    std::int64_t next_id = 300000050000000; // ids handed out after seeding
    std::int64_t next_order_number = 104000;
    std::int64_t next_requisition = 21000;
    std::int64_t next_request_id = 5412000;
    std::map<std::string, std::int64_t> tokens; // access token -> expiry (virtual ms)

    Table<Supplier> suppliers;
    Table<Account> accounts;
    Table<PurchaseOrder> purchase_orders, drafts;
    Table<Requisition> requisitions;
    Table<Invoice> invoices;
    Table<JournalBatch> journals;
    Table<Payment> payments;
    std::int64_t next_payment_number = 1001;
    std::unordered_map<std::string, std::int64_t> invoice_by_hash;
    std::unordered_map<std::string, std::int64_t>
        account_by_segments; // "101-1000-5110-000-000" -> id
    std::map<std::int64_t, EssJob> jobs;
    std::vector<RejectedRow> rejected;
    std::vector<AccountingPeriod> periods; // by StartDate, then ApplicationId

    oq::ResourceDef<Address> address_def;
    oq::ResourceDef<Site> site_def;
    oq::ResourceDef<Supplier> supplier_def;
    oq::ResourceDef<Account> account_def;
    // accountCombinationsLOV as public clients written against live pods show it (options
    // accounts_pod_shape): served instead of account_def when that option is on.
    oq::ResourceDef<Account> account_pod_def;
    oq::ResourceDef<PoDistribution> po_dist_def;
    oq::ResourceDef<PoSchedule> po_sched_def;
    oq::ResourceDef<PoLine> po_line_def;
    oq::ResourceDef<PurchaseOrder> po_def, draft_def;
    oq::ResourceDef<ReqLine> req_line_def;
    oq::ResourceDef<Requisition> req_def;
    oq::ResourceDef<InvoiceDistribution> inv_dist_def;
    oq::ResourceDef<InvoiceLine> inv_line_def;
    oq::ResourceDef<Invoice> invoice_def;
    oq::ResourceDef<RelatedInvoice> paid_inv_def;
    oq::ResourceDef<Payment> payment_def;
    oq::ResourceDef<JournalLine> je_line_def;
    oq::ResourceDef<JournalHeader> je_header_def;
    oq::ResourceDef<JournalBatch> batch_def;
    oq::ResourceDef<AccountingPeriod> period_def;

    State(const SimOptions& o, VirtualClock& c) : options(o), clock(c), rng(o.seed)
    {
        suppliers.id_of = [](const Supplier& s) { return s.id; };
        suppliers.updated_of = [](const Supplier& s) { return s.updated; };
        accounts.id_of = [](const Account& a) { return a.id; };
        accounts.updated_of = [](const Account& a) { return a.updated; };
        purchase_orders.id_of = drafts.id_of = [](const PurchaseOrder& p) { return p.id; };
        purchase_orders.updated_of =
            drafts.updated_of = [](const PurchaseOrder& p) { return p.updated; };
        requisitions.id_of = [](const Requisition& r) { return r.id; };
        requisitions.updated_of = [](const Requisition& r) { return r.updated; };
        invoices.id_of = [](const Invoice& i) { return i.id; };
        invoices.updated_of = [](const Invoice& i) { return i.updated; };
        payments.id_of = [](const Payment& p) { return p.id; };
        payments.updated_of = [](const Payment& p) { return p.updated; };
        journals.id_of = [](const JournalBatch& b) { return b.id; };
        journals.updated_of = [](const JournalBatch& b) { return b.updated; };
        define_resources();
    }

    std::int64_t new_id() { return next_id++; }

    void define_resources();
    void seed(const SimOptions& o, std::int64_t now);
    void seed_periods(std::int64_t now);
    // The GL period of `ledger` whose dates hold `date` (YYYY-MM-DD), or the one named `name`.
    const AccountingPeriod* gl_period_of_date(std::int64_t ledger, const std::string& date) const;
    const AccountingPeriod* gl_period_named(std::int64_t ledger, const std::string& name) const;
    const Account* find_account(const std::string& combination) const
    {
        auto it = account_by_segments.find(combination);
        if (it == account_by_segments.end())
            return nullptr;
        auto pos = accounts.by_id.find(it->second);
        return pos == accounts.by_id.end() ? nullptr : &accounts.rows[pos->second];
    }
    void index_accounts()
    {
        accounts.reindex();
        account_by_segments.clear();
        for (const auto& a : accounts.rows)
            account_by_segments[a.concatenated()] = a.id;
    }
    std::string invoice_hash(std::int64_t id) const
    {
        return fmt::format("00020000000EACED00057708{:016X}", id);
    }

    // REST handlers (oracle_sim.cpp); each runs under `mutex`, throws BadRequest for a 400.
    void handle_rest(const httplib::Request& req, httplib::Response& res,
                     const std::vector<std::string>& segs, const std::string& base);
    void create_draft_po(const httplib::Request& req, httplib::Response& res,
                         const std::string& href);
    std::vector<PoLine> parse_po_lines(const rapidjson::Value& lines);
    bool supplier_inactive(const Supplier& s) const;
    void submit_draft_po(const httplib::Request& req, httplib::Response& res,
                         const std::string& key, const std::string& base);
    void create_requisition(const httplib::Request& req, httplib::Response& res,
                            const std::string& href);
    void create_invoice(const httplib::Request& req, httplib::Response& res,
                        const std::string& href);
    std::pair<int, std::string> mutate_journal(const std::string& op,
                                               std::optional<std::int64_t> id,
                                               const rapidjson::Value& fields, std::int64_t now);
    std::pair<int, std::string> mutate_payment(const std::string& op,
                                               std::optional<std::int64_t> id,
                                               const rapidjson::Value& fields, std::int64_t now);
    void patch_invoice(const httplib::Request& req, httplib::Response& res, Invoice& inv,
                       const std::string& href);
    void erp_post(const httplib::Request& req, httplib::Response& res);
    void import_journals(EssJob& job, const std::string& csv);
    std::string poll_job(EssJob& job);
    void finish_job(EssJob& job);
    void finish_due_jobs();
    std::string job_log(const EssJob& job) const;
    void ess_execution_details(const httplib::Request& req, httplib::Response& res,
                               const std::string& finder, const std::string& href);
    void ess_status(const httplib::Request& req, httplib::Response& res, const std::string& href);
};

void OracleSim::State::define_resources()
{
    address_def.name = "addresses";
    address_def.key = [](const Address& a) { return id_key(a.id); };
    address_def.schema.attrs = {
        int_attr("SupplierAddressId", &Address::id),
        str_attr("AddressName", &Address::name),
        str_attr("CountryCode", &Address::country_code, true),
        str_attr("Country", &Address::country),
        str_attr("AddressLine1", &Address::line1),
        str_attr("AddressLine2", &Address::line2),
        str_attr("AddressLine3", &Address::line3),
        str_attr("AddressLine4", &Address::line4),
        str_attr("City", &Address::city),
        str_attr("State", &Address::state),
        str_attr("PostalCode", &Address::postal),
        bool_attr("AddressPurposeOrderingFlag", &Address::ordering),
        bool_attr("AddressPurposeRemitToFlag", &Address::remit_to),
        bool_attr("AddressPurposeRFQOrBiddingFlag", &Address::rfq),
        str_attr("Status", &Address::status),
        time_attr("CreationDate", &Address::created),
        time_attr("LastUpdateDate", &Address::updated),
    };
    site_def.name = "sites";
    site_def.key = [](const Site& s) { return id_key(s.id); };
    site_def.schema.attrs = {
        int_attr("SupplierSiteId", &Site::id),
        str_attr("SupplierSite", &Site::name),
        int_attr("ProcurementBUId", &Site::procurement_bu_id),
        str_attr("ProcurementBU", &Site::procurement_bu),
        int_attr("SupplierAddressId", &Site::address_id),
        str_attr("SupplierAddressName", &Site::address_name),
        bool_attr("SitePurposePurchasingFlag", &Site::purchasing),
        bool_attr("SitePurposePayFlag", &Site::pay),
        date_attr("InactiveDate", &Site::inactive_date),
        time_attr("CreationDate", &Site::created),
        time_attr("LastUpdateDate", &Site::updated),
    };
    supplier_def.name = "suppliers";
    supplier_def.key = [](const Supplier& s) { return id_key(s.id); };
    supplier_def.schema.attrs = {
        int_attr("SupplierId", &Supplier::id),
        int_attr("SupplierPartyId", &Supplier::party_id),
        str_attr("Supplier", &Supplier::name, true),
        str_attr("SupplierNumber", &Supplier::number, true),
        str_attr("AlternateName", &Supplier::alternate_name, true),
        str_attr("TaxOrganizationTypeCode", &Supplier::tax_org_type, true),
        str_attr("SupplierTypeCode", &Supplier::type_code, true),
        str_attr("BusinessRelationshipCode", &Supplier::relationship, true),
        str_attr("Status", &Supplier::status, true),
        date_attr("InactiveDate", &Supplier::inactive_date, true),
        str_attr("TaxpayerId", &Supplier::taxpayer_id, true),
        {"TaxpayerIdExistsFlag", Kind::Bool,
         [](const Supplier& s) { return v_bool(!s.taxpayer_id.empty()); }},
        {"TaxpayerCountryCode", Kind::Str, [](const Supplier&) { return v_str("US"); }},
        str_attr("DUNSNumber", &Supplier::duns, true),
        {"CreationSourceCode", Kind::Str, [](const Supplier&) { return v_str("WEB_SERVICE"); }},
        time_attr("CreationDate", &Supplier::created),
        str_attr("CreatedBy", &Supplier::created_by),
        time_attr("LastUpdateDate", &Supplier::updated),
        str_attr("LastUpdatedBy", &Supplier::updated_by),
    };
    supplier_def.children = {child("addresses", address_def, &Supplier::addresses),
                             child("sites", site_def, &Supplier::sites)};

    account_def.name = "accountCombinationsLOV";
    account_def.key = [](const Account& a) { return id_key(a.id); };
    account_def.schema.attrs = {
        int_attr("_CODE_COMBINATION_ID", &Account::id),
        int_attr("_CHART_OF_ACCOUNTS_ID", &Account::chart_id),
        str_attr("EnabledFlag", &Account::enabled, true),
        str_attr("DetailPostingAllowed", &Account::posting, true),
        str_attr("AccountType", &Account::type, true),
        date_attr("StartDateActive", &Account::start_date, true),
        date_attr("EndDateActive", &Account::end_date, true),
    };
    for (std::size_t i = 0; i < 5; ++i) {
        account_def.schema.attrs.push_back({fmt::format("Segment{}", i + 1), Kind::Str,
                                            [i](const Account& a) { return v_str(a.seg[i]); },
                                            [i](Account& a, const rapidjson::Value& v) {
                                                if (!v.IsString())
                                                    return false;
                                                a.seg[i] = v.GetString();
                                                return true;
                                            }});
    }
    for (std::size_t i = 0; i < 5; ++i) {
        account_def.schema.attrs.push_back({fmt::format("_Segment{}Description", i + 1), Kind::Str,
                                            [i](const Account& a) { return v_str(a.desc[i]); },
                                            [i](Account& a, const rapidjson::Value& v) {
                                                if (!v.IsString())
                                                    return false;
                                                a.desc[i] = v.GetString();
                                                return true;
                                            }});
    }
    account_def.schema.attrs.push_back(time_attr("LastUpdateDate", &Account::updated));

    // The live-pod shape (reference/oracle-fusion.md §4, a C# client's COAResponse): segments
    // under the chart's own segment codes, flags as "Y"/"N" strings with
    // DetailPostingAllowedFlag and SummaryFlag, and no LastUpdateDate nor segment descriptions
    // (so an orderBy or q naming them is a 400, like any attribute the resource lacks).
    account_pod_def.name = "accountCombinationsLOV";
    account_pod_def.key = account_def.key;
    account_pod_def.schema.attrs = {
        int_attr("_CODE_COMBINATION_ID", &Account::id),
        int_attr("_CHART_OF_ACCOUNTS_ID", &Account::chart_id),
        str_attr("EnabledFlag", &Account::enabled, true),
        str_attr("DetailPostingAllowedFlag", &Account::posting, true),
        {"SummaryFlag", Kind::Str, [](const Account&) { return v_str("N"); }},
        {"DetailBudgetingAllowedFlag", Kind::Str, [](const Account&) { return v_str("Y"); }},
        str_attr("AccountType", &Account::type, true),
        date_attr("StartDateActive", &Account::start_date, true),
        date_attr("EndDateActive", &Account::end_date, true),
    };
    for (std::size_t i = 0; i < 5; ++i) {
        account_pod_def.schema.attrs.push_back({k_pod_segment_codes[i], Kind::Str,
                                                [i](const Account& a) { return v_str(a.seg[i]); },
                                                [i](Account& a, const rapidjson::Value& v) {
                                                    if (!v.IsString())
                                                        return false;
                                                    a.seg[i] = v.GetString();
                                                    return true;
                                                }});
    }

    po_dist_def.name = "distributions";
    po_dist_def.key = [](const PoDistribution& d) { return id_key(d.id); };
    po_dist_def.schema.attrs = {
        int_attr("PODistributionId", &PoDistribution::id),
        int_attr("DistributionNumber", &PoDistribution::number),
        {"Quantity", Kind::Num,
         [](const PoDistribution& d) { return d.amount_based ? v_null() : v_num(d.quantity); }},
        {"Amount", Kind::Num, [](const PoDistribution& d) { return v_num(cents(d.amount)); }},
        str_attr("POChargeAccount", &PoDistribution::charge_account)};
    po_sched_def.name = "schedules";
    po_sched_def.key = [](const PoSchedule& s) { return id_key(s.id); };
    po_sched_def.schema.attrs = {
        int_attr("LineLocationId", &PoSchedule::id),
        int_attr("ScheduleNumber", &PoSchedule::number),
        str_attr("ShipToLocation", &PoSchedule::ship_to_location),
        str_attr("ShipToOrganization", &PoSchedule::ship_to_org),
        {"Quantity", Kind::Num,
         [](const PoSchedule& sc) { return sc.amount_based ? v_null() : v_num(sc.quantity); }},
        {"Amount", Kind::Num, [](const PoSchedule& sc) { return v_num(cents(sc.amount)); }},
        date_attr("NeedByDate", &PoSchedule::need_by),
        date_attr("PromisedDate", &PoSchedule::promised)};
    po_sched_def.children = {child("distributions", po_dist_def, &PoSchedule::distributions)};
    po_line_def.name = "lines";
    po_line_def.key = [](const PoLine& l) { return id_key(l.id); };
    po_line_def.schema.attrs = {
        int_attr("POLineId", &PoLine::id),
        int_attr("LineNumber", &PoLine::number),
        str_attr("LineType", &PoLine::line_type),
        str_attr("Item", &PoLine::item),
        str_attr("ItemDescription", &PoLine::description),
        str_attr("CategoryName", &PoLine::category),
        {"Quantity", Kind::Num,
         [](const PoLine& l) { return l.has_quantity ? v_num(l.quantity) : v_null(); }},
        str_attr("UOM", &PoLine::uom),
        {"Price", Kind::Num,
         [](const PoLine& l) { return l.has_price ? v_num(l.price) : v_null(); }},
        {"Amount", Kind::Num, [](const PoLine& l) { return v_num(l.line_amount()); }}};
    po_line_def.children = {child("schedules", po_sched_def, &PoLine::schedules)};
    po_def.name = "purchaseOrders";
    po_def.key = [](const PurchaseOrder& p) { return id_key(p.id); };
    po_def.schema.attrs = {
        int_attr("POHeaderId", &PurchaseOrder::id),
        str_attr("OrderNumber", &PurchaseOrder::number),
        int_attr("SupplierId", &PurchaseOrder::supplier_id),
        str_attr("Supplier", &PurchaseOrder::supplier),
        int_attr("SupplierSiteId", &PurchaseOrder::supplier_site_id),
        str_attr("SupplierSite", &PurchaseOrder::supplier_site),
        str_attr("ProcurementBU", &PurchaseOrder::procurement_bu, true),
        str_attr("RequisitioningBU", &PurchaseOrder::requisitioning_bu, true),
        str_attr("SoldToLegalEntity", &PurchaseOrder::sold_to_le),
        str_attr("BillToBU", &PurchaseOrder::bill_to_bu, true),
        str_attr("Buyer", &PurchaseOrder::buyer, true),
        str_attr("BuyerEmail", &PurchaseOrder::buyer_email, true),
        {"Currency", Kind::Str,
         [](const PurchaseOrder& p) {
             // Both arms as views: a std::string arm would make a temporary the view outlives.
             return v_str(p.currency_code == "USD" ? std::string_view("US Dollar")
                                                   : std::string_view(p.currency_code));
         }},
        str_attr("CurrencyCode", &PurchaseOrder::currency_code, true),
        str_attr("Status", &PurchaseOrder::status, true),
        str_attr("StatusCode", &PurchaseOrder::status),
        str_attr("Description", &PurchaseOrder::description, true),
        str_attr("PaymentTerms", &PurchaseOrder::payment_terms, true),
        {"Ordered", Kind::Num, [](const PurchaseOrder& p) { return v_num(p.ordered()); }},
        {"TotalTax", Kind::Num, [](const PurchaseOrder&) { return v_num(0); }},
        time_attr("CreationDate", &PurchaseOrder::created),
        time_attr("LastUpdateDate", &PurchaseOrder::updated),
    };
    po_def.children = {child("lines", po_line_def, &PurchaseOrder::lines), dff_child()};
    draft_def = po_def;
    draft_def.name = "draftPurchaseOrders";

    req_line_def.name = "lines";
    req_line_def.key = [](const ReqLine& l) { return id_key(l.id); };
    req_line_def.schema.attrs = {int_attr("RequisitionLineId", &ReqLine::id),
                                 int_attr("LineNumber", &ReqLine::number),
                                 str_attr("LineType", &ReqLine::line_type),
                                 str_attr("ItemDescription", &ReqLine::description),
                                 num_attr("Quantity", &ReqLine::quantity),
                                 str_attr("UOM", &ReqLine::uom),
                                 num_attr("Price", &ReqLine::price),
                                 str_attr("CurrencyCode", &ReqLine::currency_code),
                                 str_attr("RequesterEmail", &ReqLine::requester_email)};
    req_def.name = "purchaseRequisitions";
    req_def.key = [](const Requisition& r) { return id_key(r.id); };
    req_def.schema.attrs = {int_attr("RequisitionHeaderId", &Requisition::id),
                            str_attr("Requisition", &Requisition::number),
                            str_attr("RequisitioningBU", &Requisition::requisitioning_bu),
                            str_attr("PreparerEmail", &Requisition::preparer_email),
                            str_attr("Description", &Requisition::description),
                            str_attr("DocumentStatus", &Requisition::status),
                            time_attr("CreationDate", &Requisition::created),
                            time_attr("LastUpdateDate", &Requisition::updated)};
    req_def.children = {child("lines", req_line_def, &Requisition::lines)};

    inv_dist_def.name = "invoiceDistributions";
    inv_dist_def.key = [](const InvoiceDistribution& d) { return id_key(d.id); };
    inv_dist_def.schema.attrs = {
        int_attr("InvoiceDistributionId", &InvoiceDistribution::id),
        int_attr("DistributionLineNumber", &InvoiceDistribution::number),
        str_attr("DistributionLineType", &InvoiceDistribution::line_type),
        num_attr("DistributionAmount", &InvoiceDistribution::amount),
        str_attr("DistributionCombination", &InvoiceDistribution::combination),
        date_attr("AccountingDate", &InvoiceDistribution::accounting_date)};
    inv_line_def.name = "invoiceLines";
    inv_line_def.key = [](const InvoiceLine& l) { return id_key(l.number); };
    inv_line_def.schema.attrs = {int_attr("LineNumber", &InvoiceLine::number),
                                 str_attr("LineType", &InvoiceLine::line_type),
                                 num_attr("LineAmount", &InvoiceLine::amount),
                                 str_attr("Description", &InvoiceLine::description),
                                 str_attr("DistributionCombination", &InvoiceLine::combination),
                                 str_attr("PurchaseOrderNumber", &InvoiceLine::po_number)};
    inv_line_def.children = {
        child("invoiceDistributions", inv_dist_def, &InvoiceLine::distributions)};
    invoice_def.name = "invoices";
    invoice_def.key = [](const Invoice& i) { return i.hash; };
    invoice_def.schema.attrs = {
        int_attr("InvoiceId", &Invoice::id),
        str_attr("InvoiceNumber", &Invoice::number, true),
        str_attr("InvoiceCurrency", &Invoice::currency, true),
        str_attr("PaymentCurrency", &Invoice::payment_currency, true),
        num_attr("InvoiceAmount", &Invoice::amount, true),
        date_attr("InvoiceDate", &Invoice::invoice_date, true),
        date_attr("TermsDate", &Invoice::terms_date, true),
        date_attr("DueDate", &Invoice::due_date),
        date_attr("AccountingDate", &Invoice::accounting_date, true),
        str_attr("BusinessUnit", &Invoice::business_unit),
        str_attr("Supplier", &Invoice::supplier),
        str_attr("SupplierNumber", &Invoice::supplier_number),
        str_attr("SupplierSite", &Invoice::supplier_site, true),
        str_attr("InvoiceType", &Invoice::invoice_type),
        str_attr("Description", &Invoice::description, true),
        str_attr("PaymentTerms", &Invoice::payment_terms, true),
        str_attr("ValidationStatus", &Invoice::validation),
        str_attr("ApprovalStatus", &Invoice::approval),
        str_attr("PaidStatus", &Invoice::paid),
        time_attr("CreationDate", &Invoice::created),
        time_attr("LastUpdateDate", &Invoice::updated),
    };
    invoice_def.children = {child("invoiceLines", inv_line_def, &Invoice::lines)};
    paid_inv_def.name = "relatedInvoices";
    paid_inv_def.key = [](const RelatedInvoice& r) { return id_key(r.id); };
    paid_inv_def.schema.attrs = {int_attr("InvoicePaymentId", &RelatedInvoice::id),
                                 int_attr("InvoiceId", &RelatedInvoice::invoice_id),
                                 str_attr("InvoiceNumber", &RelatedInvoice::invoice_number),
                                 num_attr("PaymentAmount", &RelatedInvoice::amount),
                                 date_attr("AccountingDate", &RelatedInvoice::accounting_date)};
    payment_def.name = "payablesPayments";
    payment_def.key = [](const Payment& p) { return id_key(p.id); };
    payment_def.schema.attrs = {int_attr("CheckId", &Payment::id),
                                int_attr("PaymentId", &Payment::payment_id),
                                int_attr("PaymentNumber", &Payment::number),
                                num_attr("PaymentAmount", &Payment::amount),
                                str_attr("PaymentCurrency", &Payment::currency),
                                date_attr("PaymentDate", &Payment::date),
                                str_attr("PaymentStatus", &Payment::status),
                                date_attr("VoidDate", &Payment::void_date),
                                str_attr("PaymentMethod", &Payment::method),
                                str_attr("Supplier", &Payment::supplier),
                                str_attr("SupplierSite", &Payment::supplier_site),
                                str_attr("BusinessUnit", &Payment::business_unit),
                                time_attr("CreationDate", &Payment::created),
                                time_attr("LastUpdateDate", &Payment::updated)};
    payment_def.children = {child("relatedInvoices", paid_inv_def, &Payment::invoices)};

    je_line_def.name = "journalLines";
    je_line_def.key = [](const JournalLine& l) { return id_key(l.number); };
    je_line_def.schema.attrs = {
        int_attr("JeLineNumber", &JournalLine::number),
        str_attr("AccountCombination", &JournalLine::account),
        {"EnteredDebitAmount", Kind::Num,
         [](const JournalLine& l) { return l.has_debit ? v_num(l.debit) : v_null(); }},
        {"EnteredCreditAmount", Kind::Num,
         [](const JournalLine& l) { return l.has_credit ? v_num(l.credit) : v_null(); }},
        str_attr("Description", &JournalLine::description),
        str_attr("Reference", &JournalLine::reference)};
    je_header_def.name = "journalHeaders";
    je_header_def.key = [](const JournalHeader& h) { return id_key(h.id); };
    je_header_def.schema.attrs = {int_attr("JeHeaderId", &JournalHeader::id),
                                  str_attr("JournalName", &JournalHeader::name),
                                  str_attr("JournalDescription", &JournalHeader::description),
                                  str_attr("JournalCategory", &JournalHeader::category),
                                  str_attr("CurrencyCode", &JournalHeader::currency),
                                  date_attr("AccountingDate", &JournalHeader::accounting_date),
                                  str_attr("PeriodName", &JournalHeader::period),
                                  str_attr("ExternalReference", &JournalHeader::external_reference),
                                  num_attr("RunningTotalEnteredDr", &JournalHeader::total_dr),
                                  num_attr("RunningTotalEnteredCr", &JournalHeader::total_cr)};
    je_header_def.children = {child("journalLines", je_line_def, &JournalHeader::lines)};
    batch_def.name = "journalBatches";
    batch_def.key = [](const JournalBatch& b) { return id_key(b.id); };
    batch_def.schema.attrs = {int_attr("JeBatchId", &JournalBatch::id),
                              str_attr("BatchName", &JournalBatch::name),
                              str_attr("Name", &JournalBatch::name),
                              str_attr("BatchDescription", &JournalBatch::description),
                              str_attr("Status", &JournalBatch::status),
                              str_attr("PostingStatus", &JournalBatch::posting_status),
                              str_attr("ApprovalStatus", &JournalBatch::approval_status),
                              str_attr("AccountingPeriodName", &JournalBatch::period),
                              str_attr("LedgerName", &JournalBatch::ledger_name),
                              str_attr("Source", &JournalBatch::source),
                              int_attr("GroupId", &JournalBatch::group_id),
                              int_attr("RequestId", &JournalBatch::request_id),
                              time_attr("CreationDate", &JournalBatch::created),
                              time_attr("LastUpdateDate", &JournalBatch::updated)};
    batch_def.children = {child("journalHeaders", je_header_def, &JournalBatch::headers)};

    period_def.name = "accountingPeriodStatusLOV";
    period_def.key = [](const AccountingPeriod& p) {
        return fmt::format("{},{},{}", p.application_id, p.ledger_id, p.name);
    };
    period_def.schema.attrs = {str_attr("PeriodNameId", &AccountingPeriod::name),
                               int_attr("LedgerId", &AccountingPeriod::ledger_id),
                               int_attr("ApplicationId", &AccountingPeriod::application_id),
                               str_attr("ClosingStatus", &AccountingPeriod::closing_status),
                               date_attr("StartDate", &AccountingPeriod::start_date),
                               date_attr("EndDate", &AccountingPeriod::end_date),
                               int_attr("PeriodYear", &AccountingPeriod::year),
                               int_attr("PeriodNumber", &AccountingPeriod::number)};
}

// ---------------------------------------------------------------------------------------
// Seed data

namespace {

const std::vector<std::string> k_name_first = {
    "Summit",  "Granite",  "Keystone",  "Ironwood",   "Bluewater", "Redline",   "Cornerstone",
    "Pioneer", "Lakeside", "Northgate", "Silverline", "Harbor",    "Evergreen", "Prairie",
    "Cascade", "Liberty",  "Meridian",  "Tri-County", "Atlas",     "Frontier"};
const std::vector<std::string> k_name_trade = {
    "Concrete", "Steel Erectors",  "Electric",    "Plumbing",        "Mechanical",
    "Drywall",  "Roofing",         "Excavation",  "Glass & Glazing", "Paving",
    "Masonry",  "Fire Protection", "HVAC",        "Lumber Supply",   "Crane Rental",
    "Painting", "Flooring",        "Landscaping", "Surveying",       "Demolition"};
const std::vector<std::string> k_name_suffix = {"LLC",   "Inc.",        "Co.", "Corporation",
                                                "Group", "Partners LP", "Ltd."};
const std::vector<std::string> k_streets = {
    "Main St",    "Industrial Pkwy", "Commerce Dr", "Oak Ave",      "Harbor Blvd",
    "Airport Rd", "Mill St",         "Quarry Ln",   "Riverside Dr", "Enterprise Way"};
struct CityInfo {
    const char* city;
    const char* state;
    const char* zip;
};
const std::vector<CityInfo> k_cities = {{"Austin", "TX", "787"},    {"Denver", "CO", "802"},
                                        {"Phoenix", "AZ", "850"},   {"Columbus", "OH", "432"},
                                        {"Raleigh", "NC", "276"},   {"Portland", "OR", "972"},
                                        {"Nashville", "TN", "372"}, {"Sacramento", "CA", "958"},
                                        {"Tampa", "FL", "336"},     {"Boise", "ID", "837"}};
const std::vector<std::string> k_tax_org = {"CORPORATION", "CORPORATION", "PARTNERSHIP",
                                            "INDIVIDUAL", "LLC"};
const std::vector<std::string> k_business_units = {"US1 Business Unit"};

struct NaturalAccount {
    const char* code;
    const char* description;
    const char* type;
};
const std::vector<NaturalAccount> k_natural = {
    {"5110", "Subcontract Costs", "E"}, {"5120", "Materials", "E"},
    {"5130", "Equipment Rental", "E"},  {"5140", "Direct Labor", "E"},
    {"5150", "Permits and Fees", "E"},  {"5160", "General Conditions", "E"},
    {"1410", "Prepaid Expenses", "A"},  {"1510", "Construction in Progress", "A"},
    {"2110", "Accounts Payable", "L"},  {"2150", "Accrued Liabilities", "L"},
    {"2160", "Retainage Payable", "L"}, {"4100", "Contract Revenue", "R"},
    {"3100", "Retained Earnings", "O"}, {"6100", "Office Expense", "E"}};
const std::vector<std::pair<const char*, const char*>> k_companies = {
    {"101", "Acme Construction US"}, {"102", "Acme Builders West"}};
const std::vector<std::pair<const char*, const char*>> k_cost_centers = {
    {"1000", "Corporate"},
    {"2000", "Field Operations"},
    {"3100", "Northern Region Projects"},
    {"4200", "Southern Region Projects"},
    {"5300", "Special Projects"},
    {"6400", "Preconstruction"}};

} // namespace

void OracleSim::State::seed(const SimOptions& o, std::int64_t now)
{
    // Suppliers: created over the last ~2 years; LastUpdateDate in clusters that share a stamp.
    const std::int64_t start = now - 720 * k_day_ms;
    std::int64_t stamp = start;
    int cluster_left = 0;
    suppliers.rows.reserve(static_cast<std::size_t>(std::max(0, o.suppliers)));
    std::int64_t sid = 300000047000001;
    std::set<std::string> seeded_names;
    for (int i = 0; i < o.suppliers; ++i) {
        Supplier s;
        s.id = sid;
        sid += rng.between(1, 40);
        s.party_id = s.id + 1000000;
        s.number = std::to_string(10001 + i);
        s.name =
            rng.pick(k_name_first) + " " + rng.pick(k_name_trade) + " " + rng.pick(k_name_suffix);
        // Oracle keeps supplier names unique: a name drawn twice gets the index.
        if (i >= 20 * 20 || !seeded_names.insert(s.name).second)
            s.name += " " + std::to_string(i);
        s.alternate_name =
            s.name.substr(0, s.name.find(' ')) + " " + std::to_string(rng.between(1, 99));
        s.tax_org_type = rng.pick(k_tax_org);
        if (rng.between(1, 10) <= 7)
            s.taxpayer_id =
                fmt::format("{:02}-{:07}", rng.between(10, 99), rng.between(0, 9999999));
        if (rng.between(1, 10) <= 5)
            s.duns = fmt::format("{:09}", rng.between(100000000, 999999999));
        if (cluster_left == 0) {
            stamp += rng.between(60, 36 * 3600) * 1000 + rng.between(0, 999);
            cluster_left = static_cast<int>(rng.between(1, 6));
        }
        --cluster_left;
        s.updated = std::min(stamp, now - 60000);
        s.created = s.updated - rng.between(0, 200) * k_day_ms;
        if (rng.between(1, 100) <= 8) {
            s.status = "INACTIVE";
            s.inactive_date = date_of(s.updated);
        }
        const int n_addr = rng.between(1, 10) <= 8 ? 1 : 2;
        for (int a = 0; a < n_addr; ++a) {
            Address ad;
            ad.id = s.id + 200000000 + a;
            const auto& c = rng.pick(k_cities);
            ad.name = a == 0 ? std::string(c.city) + "-MAIN" : std::string(c.city) + "-REMIT";
            ad.line1 = fmt::format("{} {}", rng.between(100, 9999), rng.pick(k_streets));
            if (rng.between(1, 4) == 1)
                ad.line2 = fmt::format("Suite {}", rng.between(100, 900));
            ad.city = c.city;
            ad.state = c.state;
            ad.postal = fmt::format("{}{:02}", c.zip, rng.between(1, 99));
            ad.ordering = a == 0;
            ad.remit_to = true;
            ad.created = s.created;
            ad.updated = s.created;
            Site site;
            site.id = s.id + 400000000 + a;
            site.name = a == 0 ? std::string(c.city).substr(0, 6) + "-PUR"
                               : std::string(c.city).substr(0, 6) + "-PAY";
            for (auto& ch : site.name)
                ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            site.address_id = ad.id;
            site.address_name = ad.name;
            site.purchasing = a == 0;
            site.created = s.created;
            site.updated = s.created;
            s.addresses.push_back(std::move(ad));
            s.sites.push_back(std::move(site));
        }
        suppliers.rows.push_back(std::move(s));
    }
    suppliers.reindex();

    // Code combinations: company x cost center x natural account, unique and deterministic.
    std::int64_t aid = 300000012345001;
    int made = 0;
    for (std::size_t k = 0; made < o.accounts; ++k) {
        const std::size_t per_company = k_cost_centers.size() * k_natural.size();
        if (k >= per_company * k_companies.size())
            break;
        const auto& co = k_companies[k / per_company];
        const auto& cc = k_cost_centers[(k / k_natural.size()) % k_cost_centers.size()];
        const auto& na = k_natural[k % k_natural.size()];
        Account a;
        a.id = aid++;
        a.seg[0] = co.first;
        a.seg[1] = cc.first;
        a.seg[2] = na.code;
        a.seg[3] = "000";
        a.seg[4] = "000";
        a.desc[0] = co.second;
        a.desc[1] = cc.second;
        a.desc[2] = na.description;
        a.desc[3] = "No Sub-Account";
        a.desc[4] = "No Intercompany";
        a.type = na.type;
        // A few disabled or summary-only combinations, never the first few (tests rely on those).
        if (made >= 10 && rng.between(1, 100) <= 5) {
            a.enabled = "N";
            a.end_date = date_of(now - 30 * k_day_ms);
        } else if (made >= 10 && rng.between(1, 100) <= 3) {
            a.posting = "N";
        }
        a.updated = start + static_cast<std::int64_t>(made / 4) * 3600000 * 7;
        accounts.rows.push_back(std::move(a));
        ++made;
    }
    index_accounts();

    // A few approved purchase orders and invoices against the first suppliers.
    const int n_po = std::min(o.suppliers, 12);
    for (int i = 0; i < n_po && !accounts.rows.empty(); ++i) {
        const auto& s = suppliers.rows[static_cast<std::size_t>(i)];
        if (s.status != "ACTIVE")
            continue;
        PurchaseOrder p;
        p.id = new_id();
        p.number = std::to_string(next_order_number++);
        p.supplier_id = s.id;
        p.supplier = s.name;
        p.supplier_site_id = s.sites.front().id;
        p.supplier_site = s.sites.front().name;
        p.procurement_bu = p.requisitioning_bu = p.bill_to_bu = "US1 Business Unit";
        p.buyer = "Calvin Roth";
        p.buyer_email = "calvin.roth@example.com";
        p.description = fmt::format("Materials and services for job {}", 2400 + i);
        p.updated = p.created = now - rng.between(1, 90) * k_day_ms;
        const int n_lines = static_cast<int>(rng.between(1, 3));
        for (int l = 0; l < n_lines; ++l) {
            PoLine line;
            line.id = new_id();
            line.number = l + 1;
            line.description = rng.pick(k_name_trade) + " work package";
            line.quantity = static_cast<double>(rng.between(1, 50));
            line.price = static_cast<double>(rng.between(2500, 250000)) / 100.0;
            PoSchedule sch;
            sch.id = new_id();
            sch.ship_to_location = "Austin Yard";
            sch.ship_to_org = "US1 Inventory Org";
            sch.quantity = line.quantity;
            sch.amount = line.line_amount();
            sch.need_by = date_of(now + rng.between(5, 60) * k_day_ms);
            PoDistribution d;
            d.id = new_id();
            d.quantity = line.quantity;
            d.amount = sch.amount;
            d.charge_account = accounts.rows.front().concatenated();
            sch.distributions.push_back(d);
            line.schedules.push_back(std::move(sch));
            p.lines.push_back(std::move(line));
        }
        purchase_orders.rows.push_back(std::move(p));
    }
    purchase_orders.reindex();
    const int n_inv = std::min(o.suppliers, 6);
    for (int i = 0; i < n_inv && !accounts.rows.empty(); ++i) {
        const auto& s = suppliers.rows[static_cast<std::size_t>(i)];
        Invoice inv;
        inv.id = new_id();
        inv.hash = invoice_hash(inv.id);
        inv.number = fmt::format("INV-{}", 7000 + i);
        inv.business_unit = "US1 Business Unit";
        inv.supplier = s.name;
        inv.supplier_number = s.number;
        inv.supplier_site = s.sites.back().name;
        auto when = now - rng.between(5, 60) * k_day_ms;
        inv.invoice_date = inv.terms_date = inv.accounting_date = date_of(when);
        inv.due_date = date_of(when + 30 * k_day_ms);
        inv.amount = static_cast<double>(rng.between(10000, 5000000)) / 100.0;
        inv.created = inv.updated = when;
        InvoiceLine line;
        line.amount = inv.amount;
        line.description = "Progress billing";
        line.combination = accounts.rows.front().concatenated();
        InvoiceDistribution d;
        d.id = new_id();
        d.amount = inv.amount;
        d.combination = line.combination;
        d.accounting_date = inv.accounting_date;
        line.distributions.push_back(d);
        inv.lines.push_back(std::move(line));
        invoice_by_hash[inv.hash] = inv.id;
        invoices.rows.push_back(std::move(inv));
    }
    invoices.reindex();
}

// GL (101) and Payables (200) periods of the one ledger, one per month, fixed at start: from
// a year before the earlier of the Procore seed's first month and now, to a year after now.
// From the seed's first month to now's month they are Open (so journals for any seeded cost
// or commitment post), earlier ones Closed, next month Future-enterable, later Never opened.
// No random draws: the rest of the seed does not move.
void OracleSim::State::seed_periods(std::int64_t now)
{
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto month_index = [](std::int64_t ms) {
        const auto d = date_of(ms);
        return std::atoi(d.substr(0, 4).c_str()) * 12 + std::atoi(d.substr(5, 2).c_str()) - 1;
    };
    const int seed_month = month_index(k_seed_base_ms);
    const int now_month = month_index(now);
    const int first = std::min(seed_month, now_month) - 12;
    const int last = now_month + 12;
    periods.clear();
    for (int m = first; m <= last; ++m) {
        const int year = m / 12, month = m % 12 + 1;
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        const int last_day = days[month - 1] + (month == 2 && leap ? 1 : 0);
        AccountingPeriod p;
        p.name = fmt::format("{}-{:02}", months[month - 1], year % 100);
        p.start_date = fmt::format("{:04}-{:02}-01", year, month);
        p.end_date = fmt::format("{:04}-{:02}-{:02}", year, month, last_day);
        p.year = year;
        p.number = month;
        p.closing_status = m < seed_month       ? "C"
                           : m <= now_month     ? "O"
                           : m == now_month + 1 ? "F"
                                                : "N";
        for (auto app : {k_gl_application_id, k_ap_application_id}) {
            p.application_id = app;
            periods.push_back(p);
        }
    }
}

const AccountingPeriod* OracleSim::State::gl_period_of_date(std::int64_t ledger,
                                                            const std::string& date) const
{
    for (const auto& p : periods)
        if (p.ledger_id == ledger && p.application_id == k_gl_application_id && p.start_date <= date
            && date <= p.end_date)
            return &p;
    return nullptr;
}

const AccountingPeriod* OracleSim::State::gl_period_named(std::int64_t ledger,
                                                          const std::string& name) const
{
    for (const auto& p : periods)
        if (p.ledger_id == ledger && p.application_id == k_gl_application_id && p.name == name)
            return &p;
    return nullptr;
}

// ---------------------------------------------------------------------------------------
// OracleSim

OracleSim::OracleSim(const SimOptions& options, VirtualClock& clock)
    : options_(options), clock_(clock), state_(std::make_unique<State>(options, clock))
{
    state_->seed(options_, clock_.now_ms());
    state_->seed_periods(clock_.now_ms());
}

OracleSim::~OracleSim() = default;

std::string OracleSim::issue_token()
{
    std::lock_guard lock(state_->mutex);
    auto token = fmt::format("eyJhbGciOiJSUzI1NiJ9.sim.{:016x}{:016x}", state_->rng.next(),
                             state_->rng.next());
    state_->tokens[token] =
        clock_.now_ms() + static_cast<std::int64_t>(options_.oracle_token_ttl) * 1000;
    return token;
}

namespace {

// Errors: text/plain by default (framework v1), the ADF JSON shape when the client asks for it.
void oracle_error(const httplib::Request& req, httplib::Response& res, int status,
                  const std::string& detail, const std::string& code = "")
{
    res.status = status;
    if (req.get_header_value("Accept").find("application/vnd.oracle.adf.error+json")
        != std::string::npos) {
        rapidjson::StringBuffer buf;
        json::Writer w(buf);
        w.StartObject();
        w.Key("title");
        json::write_string(w, status == 404
                                  ? "Not Found"
                                  : (status == 405 ? "Method Not Allowed" : "Bad Request"));
        w.Key("status");
        json::write_string(w, std::to_string(status));
        w.Key("o:errorDetails");
        w.StartArray();
        w.StartObject();
        w.Key("detail");
        json::write_string(w, detail);
        w.Key("o:errorCode");
        json::write_string(w, code.empty() ? (status == 404 ? "27024" : "27023") : code);
        w.EndObject();
        w.EndArray();
        w.EndObject();
        res.set_content(std::string(buf.GetString(), buf.GetSize()),
                        "application/vnd.oracle.adf.error+json");
        return;
    }
    res.set_content(detail, "text/plain");
}

void json_ok(httplib::Response& res, int status, std::string body,
             const char* type = "application/vnd.oracle.adf.resourceitem+json")
{
    res.status = status;
    res.set_content(std::move(body), type);
}

std::vector<std::string> split_path(const std::string& s)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        auto slash = s.find('/', start);
        if (slash == std::string::npos)
            slash = s.size();
        if (slash > start)
            out.push_back(s.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

std::optional<std::int64_t> to_id(const std::string& s)
{
    try {
        std::size_t used = 0;
        auto v = std::stoll(s, &used);
        if (used == s.size())
            return v;
    } catch (...) {
    }
    return std::nullopt;
}

// A required attribute of a POST body, or a BadRequest naming it.
std::string need_string(const rapidjson::Value& obj, const char* key, const std::string& where)
{
    auto v = json::get_string(obj, key);
    if (!v || v->empty())
        throw BadRequest{fmt::format("The attribute {} is required{}.", key, where)};
    return *v;
}
double need_number(const rapidjson::Value& obj, const char* key, const std::string& where)
{
    auto v = json::get_number(obj, key);
    if (!v)
        throw BadRequest{
            fmt::format("The attribute {} is required and must be a number{}.", key, where)};
    return *v;
}

template <class T>
std::string item_json(const oq::ResourceDef<T>& def, const T& row, const std::string& href)
{
    oq::Ctx ctx;
    ctx.expand_all = true;
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    oq::write_item(w, def, row, ctx, href, "");
    return {buf.GetString(), buf.GetSize()};
}

} // namespace

void OracleSim::mount(httplib::Server& server)
{
    mount_admin(server, *this, stats_, faults_, clock_);

    server.Post("/oauth2/v1/token", [this](const httplib::Request& req, httplib::Response& res) {
        auto oauth_error = [&res](int status, const char* error, const char* description) {
            rapidjson::StringBuffer buf;
            json::Writer w(buf);
            w.StartObject();
            w.Key("error");
            w.String(error);
            w.Key("error_description");
            w.String(description);
            w.EndObject();
            res.status = status;
            res.set_content(std::string(buf.GetString(), buf.GetSize()), "application/json");
        };
        auto form = parse_form(req.body);
        std::string id, secret;
        auto auth = req.get_header_value("Authorization");
        if (auth.rfind("Basic ", 0) == 0) {
            bool ok = false;
            auto decoded = base64_decode(auth.substr(6), ok);
            auto colon = decoded.find(':');
            if (ok && colon != std::string::npos) {
                id = decoded.substr(0, colon);
                secret = decoded.substr(colon + 1);
            }
        } else {
            id = form["client_id"];
            secret = form["client_secret"];
        }
        if (id != options_.oracle_client_id || secret != options_.oracle_client_secret
            || id.empty()) {
            oauth_error(401, "invalid_client", "Client authentication failed.");
            return;
        }
        auto grant = form.find("grant_type");
        if (grant == form.end() || grant->second != "client_credentials") {
            oauth_error(400, "unsupported_grant_type",
                        "The grant type is missing or not supported; use client_credentials.");
            return;
        }
        auto token = issue_token();
        rapidjson::StringBuffer buf;
        json::Writer w(buf);
        w.StartObject();
        w.Key("access_token");
        json::write_string(w, token);
        w.Key("token_type");
        w.String("Bearer");
        w.Key("expires_in");
        w.Int(options_.oracle_token_ttl);
        w.EndObject();
        res.set_content(std::string(buf.GetString(), buf.GetSize()), "application/json");
    });

    auto rest = [this](const httplib::Request& req, httplib::Response& res) {
        const auto version = req.matches[1].str();
        if (version != "11.13.18.05" && version != "latest") {
            oracle_error(req, res, 404,
                         "The requested REST version " + version + " does not exist.");
            return;
        }
        auto auth = req.get_header_value("Authorization");
        bool authorized = false;
        if (auth.rfind("Bearer ", 0) == 0) {
            std::lock_guard lock(state_->mutex);
            auto it = state_->tokens.find(auth.substr(7));
            authorized = it != state_->tokens.end() && it->second > clock_.now_ms();
        }
        if (!authorized) {
            res.status = 401;
            res.set_content("Unauthorized: the access token is missing, expired or not valid.",
                            "text/plain");
            return;
        }
        const std::string base = "http://" + req.get_header_value("Host") + k_rest_prefix + version;
        // httplib also splits the query on ';', which Oracle uses inside finder= and v1 q=:
        // re-read the parameters from the raw target, split on '&' only.
        httplib::Request raw = req;
        raw.params.clear();
        if (auto qm = req.target.find('?'); qm != std::string::npos)
            for (const auto& [k, v] : parse_form(req.target.substr(qm + 1)))
                raw.params.emplace(k, v);
        try {
            state_->handle_rest(raw, res, split_path(req.matches[2].str()), base);
        } catch (const BadRequest& e) {
            oracle_error(req, res, 400, e.message);
        }
    };
    const char* pattern = R"(/fscmRestApi/resources/([^/]+)/(.+))";
    server.Get(pattern, rest);
    server.Post(pattern, rest);
    server.Patch(pattern, rest);
    server.Delete(pattern, rest);
}

// Dispatches one authenticated REST call; throws BadRequest for a 400.
void OracleSim::State::handle_rest(const httplib::Request& req, httplib::Response& res,
                                   const std::vector<std::string>& segs, const std::string& base)
{
    auto& st = *this;
    std::lock_guard lock(st.mutex);
    // ESS jobs run whether or not anyone polls: those due on the virtual clock finish first.
    st.finish_due_jobs();
    const std::string& resource = segs.at(0);
    const std::string href = base + "/" + resource;
    const bool get = req.method == "GET";

    auto not_found = [&] { oracle_error(req, res, 404, "The requested resource was not found."); };
    auto method_not_allowed = [&] {
        oracle_error(req, res, 405,
                     "Invalid operation " + req.method + " for the specified resource.");
    };

    // Generic GET of a table-backed resource: collection, item, child collection.
    auto serve_get = [&](auto& def, auto& table, const std::string& id_name, auto find_by_key) {
        using T = typename std::remove_reference_t<decltype(table.rows)>::value_type;
        if (segs.size() == 1) {
            if (req.has_param("finder"))
                throw BadRequest{"The finder " + req.get_param_value("finder")
                                 + " is not valid for this resource."};
            json_ok(
                res, 200,
                oq::serve_collection(def, table.view(), {{"LastUpdateDate"}, {id_name}}, req, href),
                "application/vnd.oracle.adf.resourcecollection+json");
            return;
        }
        const T* row = find_by_key(segs[1]);
        if (!row)
            return not_found();
        const std::string item_href = href + "/" + segs[1];
        if (segs.size() == 2) {
            json_ok(res, 200, oq::serve_item(def, *row, req, item_href));
            return;
        }
        if (segs.size() == 4 && segs[2] == "child") {
            for (const auto& c : def.children) {
                if (c.name != segs[3])
                    continue;
                json_ok(res, 200, c.serve(*row, req, item_href + "/child/" + c.name),
                        "application/vnd.oracle.adf.resourcecollection+json");
                return;
            }
        }
        not_found();
    };
    auto by_numeric = [](auto& table) {
        return [&table](const std::string& key) -> decltype(table.find(0)) {
            auto id = to_id(key);
            return id ? table.find(*id) : nullptr;
        };
    };

    if (resource == "suppliers") {
        if (!get)
            return method_not_allowed();
        return serve_get(st.supplier_def, st.suppliers, "SupplierId", by_numeric(st.suppliers));
    }
    if (resource == "accountCombinationsLOV") {
        if (!get)
            return method_not_allowed();
        return serve_get(st.options.accounts_pod_shape ? st.account_pod_def : st.account_def,
                         st.accounts, "_CODE_COMBINATION_ID", by_numeric(st.accounts));
    }
    if (resource == "purchaseOrders") {
        if (!get) {
            return oracle_error(
                req, res, 405,
                "Invalid operation create for the specified resource. Purchase orders are created "
                "through draftPurchaseOrders.");
        }
        return serve_get(st.po_def, st.purchase_orders, "POHeaderId",
                         by_numeric(st.purchase_orders));
    }
    if (resource == "draftPurchaseOrders") {
        if (get)
            return serve_get(st.draft_def, st.drafts, "POHeaderId", by_numeric(st.drafts));
        if (req.method == "POST" && segs.size() == 1)
            return create_draft_po(req, res, href);
        if (req.method == "POST" && segs.size() == 4 && segs[2] == "action" && segs[3] == "submit")
            return submit_draft_po(req, res, segs[1], base);
        return method_not_allowed();
    }
    if (resource == "purchaseRequisitions") {
        if (get)
            return serve_get(st.req_def, st.requisitions, "RequisitionHeaderId",
                             by_numeric(st.requisitions));
        if (req.method == "POST" && segs.size() == 1)
            return create_requisition(req, res, href);
        return method_not_allowed();
    }
    if (resource == "invoices") {
        auto by_hash = [&st](const std::string& key) -> Invoice* {
            auto it = st.invoice_by_hash.find(key);
            return it == st.invoice_by_hash.end() ? nullptr : st.invoices.find(it->second);
        };
        if (get)
            return serve_get(st.invoice_def, st.invoices, "InvoiceId", by_hash);
        if (req.method == "POST" && segs.size() == 1)
            return create_invoice(req, res, href);
        if (req.method == "PATCH" && segs.size() == 2) {
            Invoice* inv = by_hash(segs[1]);
            if (!inv)
                return not_found();
            return patch_invoice(req, res, *inv, href + "/" + segs[1]);
        }
        return method_not_allowed();
    }
    if (resource == "payablesPayments") {
        // Payments are made in Oracle (here: /_sim/mutate); the REST resource is read only.
        if (!get)
            return method_not_allowed();
        return serve_get(st.payment_def, st.payments, "CheckId", by_numeric(st.payments));
    }
    if (resource == "accountingPeriodStatusLOV") {
        if (!get)
            return method_not_allowed();
        if (segs.size() != 1)
            return not_found();
        if (req.has_param("finder"))
            throw BadRequest{"The finder " + req.get_param_value("finder")
                             + " is not valid for this resource."};
        std::vector<const AccountingPeriod*> rows;
        rows.reserve(st.periods.size());
        for (const auto& p : st.periods)
            rows.push_back(&p);
        return json_ok(res, 200,
                       oq::serve_collection(st.period_def, rows, {{"StartDate"}, {"ApplicationId"}},
                                            req, href),
                       "application/vnd.oracle.adf.resourcecollection+json");
    }
    if (resource == "journalBatches") {
        if (!get)
            return method_not_allowed();
        return serve_get(st.batch_def, st.journals, "JeBatchId", by_numeric(st.journals));
    }
    if (resource == "erpintegrations") {
        if (get && segs.size() == 1)
            return ess_status(req, res, href);
        if (req.method == "POST" && segs.size() == 1)
            return erp_post(req, res);
        return method_not_allowed();
    }
    not_found();
}

// ---------------------------------------------------------------------------------------
// draftPurchaseOrders, purchaseRequisitions

// Lines -> schedules -> distributions of a draftPurchaseOrders POST (and of an Oracle-born PO
// made through /_sim/mutate). Throws BadRequest naming the attribute and the line.
std::vector<PoLine> OracleSim::State::parse_po_lines(const rapidjson::Value& lines)
{
    auto& st = *this;
    if (!lines.IsArray() || lines.Empty())
        throw BadRequest{
            "The attribute lines is required: a draft purchase order needs at least one line."};
    std::vector<PoLine> out;
    std::int64_t line_no = 0;
    for (const auto& l : lines.GetArray()) {
        ++line_no;
        const auto where = fmt::format(" on line {}", line_no);
        if (!l.IsObject())
            throw BadRequest{"The line is not a JSON object" + where + "."};
        PoLine line;
        line.id = st.new_id();
        line.number = json::get_int(l, "LineNumber").value_or(line_no);
        line.line_type = need_string(l, "LineType", where);
        if (line.line_type != "Goods" && line.line_type != "Fixed Price Services")
            throw BadRequest{"The value " + line.line_type
                             + " of the attribute LineType is not valid" + where
                             + ". Use Goods or Fixed Price Services."};
        line.amount_based = line.line_type == "Fixed Price Services";
        line.item = json::get_string(l, "Item").value_or("");
        line.description = json::get_string(l, "ItemDescription").value_or("");
        if (line.item.empty() && line.description.empty())
            throw BadRequest{"The attribute ItemDescription or Item is required" + where + "."};
        line.category = json::get_string(l, "CategoryName").value_or("");
        if (line.amount_based) {
            line.amount = cents(need_number(l, "Amount", where));
            if (line.amount <= 0)
                throw BadRequest{"The attribute Amount must be greater than zero" + where + "."};
            auto qty = json::get_number(l, "Quantity");
            auto price = json::get_number(l, "Price");
            line.has_quantity = qty.has_value();
            line.has_price = price.has_value();
            line.quantity = qty.value_or(0);
            line.price = price.value_or(0);
            line.uom = json::get_string(l, "UOM").value_or("");
        } else {
            line.quantity = need_number(l, "Quantity", where);
            if (line.quantity <= 0)
                throw BadRequest{"The attribute Quantity must be greater than zero" + where + "."};
            line.uom = need_string(l, "UOM", where);
            line.price = need_number(l, "Price", where);
            if (line.price < 0)
                throw BadRequest{"The attribute Price must not be negative" + where + "."};
        }
        auto schedules = l.FindMember("schedules");
        if (schedules == l.MemberEnd() || !schedules->value.IsArray() || schedules->value.Empty())
            throw BadRequest{"The attribute schedules is required" + where + "."};
        std::int64_t sch_no = 0;
        const std::size_t n_schedules = schedules->value.Size();
        for (const auto& s : schedules->value.GetArray()) {
            ++sch_no;
            const auto swhere = fmt::format("{}, schedule {}", where, sch_no);
            PoSchedule sch;
            sch.id = st.new_id();
            sch.amount_based = line.amount_based;
            sch.number = json::get_int(s, "ScheduleNumber").value_or(sch_no);
            sch.ship_to_location = need_string(s, "ShipToLocation", swhere);
            sch.ship_to_org = json::get_string(s, "ShipToOrganization").value_or("");
            sch.need_by = json::get_string(s, "NeedByDate").value_or("");
            sch.promised = json::get_string(s, "PromisedDate").value_or("");
            if (sch.need_by.empty() && sch.promised.empty())
                throw BadRequest{"The attribute NeedByDate or PromisedDate is required" + swhere
                                 + "."};
            std::int64_t ms = 0;
            if ((!sch.need_by.empty() && !parse_timestamp(sch.need_by, ms))
                || (!sch.promised.empty() && !parse_timestamp(sch.promised, ms)))
                throw BadRequest{"The date value is not valid" + swhere + "; use YYYY-MM-DD."};
            if (line.amount_based) {
                sch.amount = cents(
                    json::get_number(s, "Amount").value_or(n_schedules == 1 ? line.amount : 0));
            } else {
                sch.quantity = json::get_number(s, "Quantity").value_or(line.quantity);
                sch.amount = cents(sch.quantity * line.price);
            }
            auto dists = s.FindMember("distributions");
            if (dists != s.MemberEnd() && dists->value.IsArray()) {
                std::int64_t d_no = 0;
                const std::size_t n_dists = dists->value.Size();
                for (const auto& d : dists->value.GetArray()) {
                    ++d_no;
                    PoDistribution dist;
                    dist.id = st.new_id();
                    dist.amount_based = line.amount_based;
                    dist.number = json::get_int(d, "DistributionNumber").value_or(d_no);
                    if (line.amount_based) {
                        dist.amount = cents(
                            json::get_number(d, "Amount").value_or(n_dists == 1 ? sch.amount : 0));
                    } else {
                        dist.quantity = json::get_number(d, "Quantity").value_or(sch.quantity);
                        dist.amount = cents(dist.quantity * line.price);
                    }
                    dist.charge_account = json::get_string(d, "POChargeAccount").value_or("");
                    if (!dist.charge_account.empty()) {
                        const Account* a = st.find_account(dist.charge_account);
                        if (!a || a->enabled != "Y" || a->posting != "Y")
                            throw BadRequest{
                                "The value " + dist.charge_account
                                + " of the attribute POChargeAccount is not a valid account"
                                + swhere + "."};
                    }
                    sch.distributions.push_back(std::move(dist));
                }
            }
            line.schedules.push_back(std::move(sch));
        }
        out.push_back(std::move(line));
    }
    return out;
}

// A supplier is inactive when its Status says so or its InactiveDate has come.
bool OracleSim::State::supplier_inactive(const Supplier& s) const
{
    return s.status != "ACTIVE"
           || (!s.inactive_date.empty() && s.inactive_date <= date_of(clock.now_ms()));
}

void OracleSim::State::create_draft_po(const httplib::Request& req, httplib::Response& res,
                                       const std::string& href)
{
    auto& st = *this;
    rapidjson::Document doc;
    std::string error;
    if (!json::parse(req.body, doc, error) || !doc.IsObject())
        throw BadRequest{"The request body is not a valid JSON object. " + error};
    PurchaseOrder p;
    p.procurement_bu = need_string(doc, "ProcurementBU", "");
    p.requisitioning_bu = need_string(doc, "RequisitioningBU", "");
    p.bill_to_bu = json::get_string(doc, "BillToBU").value_or(p.requisitioning_bu);
    const Supplier* sup = nullptr;
    if (auto sid = json::get_int(doc, "SupplierId")) {
        sup = st.suppliers.find(*sid);
        if (!sup)
            throw BadRequest{
                fmt::format("The value {} of the attribute SupplierId is not valid.", *sid)};
    } else if (auto name = json::get_string(doc, "Supplier")) {
        for (const auto& s : st.suppliers.rows)
            if (s.name == *name)
                sup = &s;
        if (!sup)
            throw BadRequest{"The value " + *name + " of the attribute Supplier is not valid."};
    } else {
        throw BadRequest{"The attribute Supplier or SupplierId is required."};
    }
    if (supplier_inactive(*sup))
        throw BadRequest{"The value " + sup->name
                         + " of the attribute Supplier is not valid: the supplier is inactive."};
    // The site must belong to the supplier, be a purchasing site of the PO's procurement BU, and
    // be active.
    auto site_name = need_string(doc, "SupplierSite", "");
    const Site* site = nullptr;
    for (const auto& s : sup->sites)
        if (s.name == site_name)
            site = &s;
    const std::string bad_site =
        "The value " + site_name + " of the attribute SupplierSite is not valid";
    if (!site)
        throw BadRequest{bad_site + " for the supplier " + sup->name + "."};
    if (site->procurement_bu != p.procurement_bu)
        throw BadRequest{bad_site + ": the site belongs to the procurement business unit "
                         + site->procurement_bu + ", not " + p.procurement_bu + "."};
    if (!site->purchasing)
        throw BadRequest{bad_site + ": the site is not a purchasing site."};
    if (!site->inactive_date.empty() && site->inactive_date <= date_of(clock.now_ms()))
        throw BadRequest{bad_site + ": the site is inactive."};
    p.currency_code = need_string(doc, "CurrencyCode", "");
    p.buyer_email = json::get_string(doc, "BuyerEmail").value_or("");
    p.buyer = json::get_string(doc, "Buyer").value_or("");
    if (p.buyer.empty() && p.buyer_email.empty())
        throw BadRequest{"The attribute Buyer or BuyerEmail is required."};
    p.description = json::get_string(doc, "Description").value_or("");
    p.supplier_id = sup->id;
    p.supplier = sup->name;
    p.supplier_site_id = site->id;
    p.supplier_site = site->name;
    if (auto dff = doc.FindMember("DFF"); dff != doc.MemberEnd()) {
        const std::string bad_dff =
            "The attribute DFF is not valid: send an array of one object of string attributes.";
        if (!dff->value.IsArray() || dff->value.Size() > 1)
            throw BadRequest{bad_dff};
        for (const auto& row : dff->value.GetArray()) {
            if (!row.IsObject())
                throw BadRequest{bad_dff};
            for (const auto& m : row.GetObject()) {
                if (!m.value.IsString() && !m.value.IsNull())
                    throw BadRequest{bad_dff};
                p.dff.emplace_back(m.name.GetString(),
                                   m.value.IsString() ? m.value.GetString() : "");
            }
        }
    }
    auto lines = doc.FindMember("lines");
    if (lines == doc.MemberEnd())
        throw BadRequest{
            "The attribute lines is required: a draft purchase order needs at least one line."};
    p.lines = parse_po_lines(lines->value);
    p.id = st.new_id();
    p.number = std::to_string(st.next_order_number++);
    p.status = "INCOMPLETE";
    p.created = p.updated = clock.now_ms();
    st.drafts.rows.push_back(p);
    st.drafts.reindex();
    json_ok(res, 201, item_json(st.draft_def, p, href + "/" + std::to_string(p.id)));
}

void OracleSim::State::submit_draft_po(const httplib::Request& req, httplib::Response& res,
                                       const std::string& key, const std::string& base)
{
    auto& st = *this;
    auto id = to_id(key);
    PurchaseOrder* draft = id ? st.drafts.find(*id) : nullptr;
    if (!draft)
        return oracle_error(req, res, 404, "The requested resource was not found.");
    PurchaseOrder po = *draft;
    po.status = "OPEN";
    po.updated = clock.now_ms();
    st.drafts.rows.erase(st.drafts.rows.begin()
                         + static_cast<std::ptrdiff_t>(st.drafts.by_id[po.id]));
    st.drafts.reindex();
    st.purchase_orders.rows.push_back(po);
    st.purchase_orders.reindex();
    (void)base;
    json_ok(res, 200, json::object1("result", "SUCCESS"),
            "application/vnd.oracle.adf.actionresult+json");
}

void OracleSim::State::create_requisition(const httplib::Request& req, httplib::Response& res,
                                          const std::string& href)
{
    auto& st = *this;
    rapidjson::Document doc;
    std::string error;
    if (!json::parse(req.body, doc, error) || !doc.IsObject())
        throw BadRequest{"The request body is not a valid JSON object. " + error};
    Requisition r;
    r.requisitioning_bu = need_string(doc, "RequisitioningBU", "");
    r.preparer_email = need_string(doc, "PreparerEmail", "");
    r.description = json::get_string(doc, "Description").value_or("");
    auto lines = doc.FindMember("lines");
    if (lines != doc.MemberEnd() && lines->value.IsArray()) {
        std::int64_t n = 0;
        for (const auto& l : lines->value.GetArray()) {
            ++n;
            const auto where = fmt::format(" on line {}", n);
            ReqLine line;
            line.id = st.new_id();
            line.number = json::get_int(l, "LineNumber").value_or(n);
            line.line_type = json::get_string(l, "LineType").value_or("Goods");
            line.description = need_string(l, "ItemDescription", where);
            line.quantity = need_number(l, "Quantity", where);
            line.uom = need_string(l, "UOM", where);
            line.price = need_number(l, "Price", where);
            line.currency_code = json::get_string(l, "CurrencyCode").value_or("USD");
            line.requester_email = json::get_string(l, "RequesterEmail").value_or(r.preparer_email);
            r.lines.push_back(std::move(line));
        }
    }
    r.id = st.new_id();
    r.number = std::to_string(st.next_requisition++);
    r.created = r.updated = clock.now_ms();
    st.requisitions.rows.push_back(r);
    st.requisitions.reindex();
    json_ok(res, 201, item_json(st.req_def, r, href + "/" + std::to_string(r.id)));
}

// ---------------------------------------------------------------------------------------
// invoices

void OracleSim::State::create_invoice(const httplib::Request& req, httplib::Response& res,
                                      const std::string& href)
{
    auto& st = *this;
    rapidjson::Document doc;
    std::string error;
    if (!json::parse(req.body, doc, error) || !doc.IsObject())
        throw BadRequest{"The request body is not a valid JSON object. " + error};
    Invoice inv;
    inv.number = need_string(doc, "InvoiceNumber", "");
    inv.currency = need_string(doc, "InvoiceCurrency", "");
    inv.payment_currency = json::get_string(doc, "PaymentCurrency").value_or(inv.currency);
    inv.amount = need_number(doc, "InvoiceAmount", "");
    inv.invoice_date = need_string(doc, "InvoiceDate", "");
    std::int64_t inv_ms = 0;
    if (!parse_timestamp(inv.invoice_date, inv_ms))
        throw BadRequest{"The value of the attribute InvoiceDate is not a valid date."};
    inv.invoice_date = date_of(inv_ms);
    inv.business_unit = need_string(doc, "BusinessUnit", "");
    const Supplier* sup = nullptr;
    auto number = json::get_string(doc, "SupplierNumber");
    auto name = json::get_string(doc, "Supplier");
    if (!number && !name)
        throw BadRequest{"The attribute Supplier or SupplierNumber is required."};
    for (const auto& s : st.suppliers.rows)
        if ((number && s.number == *number) || (!number && name && s.name == *name))
            sup = &s;
    if (!sup)
        throw BadRequest{"The supplier " + number.value_or(name.value_or("")) + " is not valid."};
    inv.supplier = sup->name;
    inv.supplier_number = sup->number;
    inv.supplier_site = need_string(doc, "SupplierSite", "");
    bool site_ok = std::any_of(sup->sites.begin(), sup->sites.end(),
                               [&](const Site& s) { return s.name == inv.supplier_site; });
    if (!site_ok)
        throw BadRequest{"The value " + inv.supplier_site
                         + " of the attribute SupplierSite is not valid for the supplier "
                         + sup->name + "."};
    for (const auto& other : st.invoices.rows)
        if (other.number == inv.number && other.supplier_number == inv.supplier_number)
            throw BadRequest{"The invoice number " + inv.number
                             + " already exists for the supplier " + sup->name + "."};
    inv.description = json::get_string(doc, "Description").value_or("");
    inv.payment_terms = json::get_string(doc, "PaymentTerms").value_or("Net 30");
    inv.accounting_date = json::get_string(doc, "AccountingDate").value_or(inv.invoice_date);
    // Defaults derived once, at creation (a later PATCH does not cascade them).
    inv.terms_date = inv.invoice_date;
    inv.due_date = date_of(inv_ms + 30 * k_day_ms);
    auto check_combination = [&](const std::string& combination, const std::string& where) {
        const Account* a = st.find_account(combination);
        if (!a || a->enabled != "Y" || a->posting != "Y")
            throw BadRequest{"The value " + combination
                             + " of the attribute DistributionCombination is not a valid account"
                             + where + "."};
    };
    auto lines = doc.FindMember("invoiceLines");
    if (lines != doc.MemberEnd() && lines->value.IsArray()) {
        std::int64_t n = 0;
        for (const auto& l : lines->value.GetArray()) {
            ++n;
            const auto where = fmt::format(" on invoice line {}", n);
            InvoiceLine line;
            line.number = json::get_int(l, "LineNumber").value_or(n);
            line.line_type = json::get_string(l, "LineType").value_or("Item");
            line.amount = need_number(l, "LineAmount", where);
            line.description = json::get_string(l, "Description").value_or("");
            line.combination = json::get_string(l, "DistributionCombination").value_or("");
            line.po_number = json::get_string(l, "PurchaseOrderNumber").value_or("");
            if (!line.combination.empty())
                check_combination(line.combination, where);
            auto dists = l.FindMember("invoiceDistributions");
            if (dists != l.MemberEnd() && dists->value.IsArray()) {
                std::int64_t dn = 0;
                for (const auto& d : dists->value.GetArray()) {
                    ++dn;
                    const auto dwhere = fmt::format("{}, distribution {}", where, dn);
                    InvoiceDistribution dist;
                    dist.id = st.new_id();
                    dist.number = json::get_int(d, "DistributionLineNumber").value_or(dn);
                    dist.line_type = json::get_string(d, "DistributionLineType").value_or("Item");
                    dist.amount = need_number(d, "DistributionAmount", dwhere);
                    dist.combination = need_string(d, "DistributionCombination", dwhere);
                    check_combination(dist.combination, dwhere);
                    dist.accounting_date = inv.accounting_date;
                    line.distributions.push_back(std::move(dist));
                }
            }
            inv.lines.push_back(std::move(line));
        }
    }
    inv.id = st.new_id();
    inv.hash = st.invoice_hash(inv.id);
    inv.created = inv.updated = clock.now_ms();
    st.invoice_by_hash[inv.hash] = inv.id;
    st.invoices.rows.push_back(inv);
    st.invoices.reindex();
    json_ok(res, 201, item_json(st.invoice_def, inv, href + "/" + inv.hash));
}

void OracleSim::State::patch_invoice(const httplib::Request& req, httplib::Response& res,
                                     Invoice& inv, const std::string& href)
{
    auto& st = *this;
    rapidjson::Document doc;
    std::string error;
    if (!json::parse(req.body, doc, error) || !doc.IsObject())
        throw BadRequest{"The request body is not a valid JSON object. " + error};
    // Payables takes no changes to a validated or paid invoice's amounts or lines.
    if (inv.paid != "Unpaid" || inv.validation == "Validated")
        throw BadRequest{"The invoice " + inv.number + " can't be updated because it's "
                         + (inv.paid != "Unpaid" ? inv.paid : inv.validation) + "."};
    // Validate everything first so a rejected PATCH changes nothing.
    Invoice updated = inv;
    for (const auto& m : doc.GetObject()) {
        std::string name(m.name.GetString(), m.name.GetStringLength());
        if (name == "invoiceLines") {
            if (req.get_header_value("Upsert-Mode") != "true")
                throw BadRequest{"Child rows in a PATCH need the header Upsert-Mode: true."};
            if (!m.value.IsArray())
                throw BadRequest{"The attribute invoiceLines must be an array."};
            for (const auto& l : m.value.GetArray()) {
                auto number = json::get_int(l, "LineNumber");
                if (!number)
                    throw BadRequest{
                        "The attribute LineNumber is required on each invoice line in a PATCH."};
                auto it = std::find_if(updated.lines.begin(), updated.lines.end(),
                                       [&](const InvoiceLine& x) { return x.number == *number; });
                if (it == updated.lines.end()) {
                    updated.lines.push_back({});
                    it = updated.lines.end() - 1;
                    it->number = *number;
                }
                if (auto v = json::get_number(l, "LineAmount"))
                    it->amount = *v;
                if (auto v = json::get_string(l, "Description"))
                    it->description = *v;
                auto dists = l.FindMember("invoiceDistributions");
                if (dists == l.MemberEnd() || !dists->value.IsArray())
                    continue;
                for (const auto& d : dists->value.GetArray()) {
                    auto did = json::get_int(d, "InvoiceDistributionId");
                    auto dit = std::find_if(
                        it->distributions.begin(), it->distributions.end(),
                        [&](const InvoiceDistribution& x) { return did && x.id == *did; });
                    if (dit == it->distributions.end()) {
                        it->distributions.push_back({});
                        dit = it->distributions.end() - 1;
                        dit->id = st.new_id();
                        dit->number = static_cast<std::int64_t>(it->distributions.size());
                        dit->accounting_date = updated.accounting_date;
                    }
                    if (auto v = json::get_number(d, "DistributionAmount"))
                        dit->amount = *v;
                    if (auto v = json::get_string(d, "DistributionCombination")) {
                        const Account* a = st.find_account(*v);
                        if (!a || a->enabled != "Y" || a->posting != "Y")
                            throw BadRequest{"The value " + *v
                                             + " of the attribute DistributionCombination is not a "
                                               "valid account."};
                        dit->combination = *v;
                    }
                }
            }
            continue;
        }
        int idx = st.invoice_def.schema.index_of(name);
        if (idx < 0)
            throw BadRequest{"The attribute " + name + " is not valid for the resource invoices."};
        const auto& attr = st.invoice_def.schema.attrs[static_cast<std::size_t>(idx)];
        if (name == "InvoiceId") {
            if (json::get_int(doc, "InvoiceId") != inv.id)
                throw BadRequest{"The attribute InvoiceId cannot be changed."};
            continue;
        }
        if (!attr.set)
            throw BadRequest{"The attribute " + name + " cannot be updated."};
        if (!attr.set(updated, m.value))
            throw BadRequest{"The value of the attribute " + name + " is not valid."};
    }
    // No cascade: TermsDate, DueDate, lines and distributions keep their values.
    updated.updated = clock.now_ms();
    inv = std::move(updated);
    const Invoice copy = inv;
    st.invoices.reindex();
    json_ok(res, 200, item_json(st.invoice_def, copy, href));
}

// ---------------------------------------------------------------------------------------
// erpintegrations: importBulkData + ESS job status

namespace {

void write_echo(json::Writer& w, const rapidjson::Value& doc, const std::string& reqst_id)
{
    w.StartObject();
    for (const auto& m : doc.GetObject()) {
        if (std::string_view(m.name.GetString()) == "ReqstId")
            continue;
        w.Key(m.name.GetString(), m.name.GetStringLength());
        m.value.Accept(w);
    }
    w.Key("ReqstId");
    json::write_string(w, reqst_id);
    w.EndObject();
}

} // namespace

void OracleSim::State::erp_post(const httplib::Request& req, httplib::Response& res)
{
    auto& st = *this;
    rapidjson::Document doc;
    std::string error;
    if (!json::parse(req.body, doc, error) || !doc.IsObject())
        throw BadRequest{"The request body is not a valid JSON object. " + error};
    auto operation = need_string(doc, "OperationName", "");
    if (operation == "getESSJobStatus") {
        auto id = json::get_int(doc, "ReqstId");
        auto it = id ? st.jobs.find(*id) : st.jobs.end();
        if (it == st.jobs.end())
            throw BadRequest{"The request id is not valid."};
        auto status = poll_job(it->second);
        rapidjson::StringBuffer buf;
        json::Writer w(buf);
        w.StartObject();
        w.Key("OperationName");
        w.String("getESSJobStatus");
        w.Key("ReqstId");
        json::write_string(w, std::to_string(*id));
        w.Key("RequestStatus");
        json::write_string(w, status);
        w.EndObject();
        return json_ok(res, 201, std::string(buf.GetString(), buf.GetSize()));
    }
    if (operation != "importBulkData")
        throw BadRequest{
            "The simulator supports OperationName importBulkData and getESSJobStatus only."};

    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    const auto job_name = json::get_string(doc, "JobName").value_or("");
    if (job_name != k_journal_import_job) {
        // The real service accepts the call and answers 201 with ReqstId -1: a silent rejection.
        write_echo(w, doc, "-1");
        return json_ok(res, 201, std::string(buf.GetString(), buf.GetSize()));
    }
    EssJob job;
    job.id = st.next_request_id++;
    job.submitted_ms = clock.now_ms();
    auto fail = [&](const std::string& why) {
        job.final_status = "ERROR";
        job.detail = why;
    };
    auto params = json::get_string(doc, "ParameterList").value_or("");
    std::vector<std::string> args;
    {
        std::size_t start = 0;
        while (true) {
            auto comma = params.find(',', start);
            args.push_back(params.substr(start, comma == std::string::npos ? std::string::npos
                                                                           : comma - start));
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
    }
    std::string csv;
    if (args.size() != 7) {
        fail(fmt::format("ParameterList has {} positions; Journal Import needs 7 "
                         "(DataAccessSetId,SourceName,LedgerId,GroupId,PostErrorsToSuspense,"
                         "CreateSummary,ImportDFF).",
                         args.size()));
    } else {
        job.source = args[1];
        job.ledger_id = args[2];
        job.group_id = args[3];
        bool ok = false;
        auto zip = base64_decode(json::get_string(doc, "DocumentContent").value_or(""), ok);
        std::string why;
        if (!ok || zip.empty())
            fail("DocumentContent is not valid base64.");
        else if (!unzip_entry(zip, "GlInterface.csv", csv, why))
            fail(why);
    }
    if (job.final_status != "ERROR")
        import_journals(job, csv);
    write_echo(w, doc, std::to_string(job.id));
    const auto id = job.id;
    st.jobs.emplace(id, std::move(job));
    if (options.ess_polls_to_finish <= 0)
        poll_job(st.jobs[id]);
    json_ok(res, 201, std::string(buf.GetString(), buf.GetSize()));
}

// Journal Import over GlInterface.csv: selects rows by source + group (+ ledger), validates,
// groups rows into journals (REFERENCE1 batch + REFERENCE4 journal) and rejects bad journals whole.
void OracleSim::State::import_journals(EssJob& job, const std::string& csv)
{
    auto& st = *this;
    // 0-based positions of the columns used (the reference numbers them from 1).
    enum : std::size_t {
        STATUS = 0,
        LEDGER_ID = 1,
        ACCOUNTING_DATE = 2,
        SOURCE = 3,
        CATEGORY = 4,
        CURRENCY = 5,
        DATE_CREATED = 6,
        ACTUAL_FLAG = 7,
        SEGMENT1 = 8,
        ENTERED_DR = 38,
        ENTERED_CR = 39,
        REFERENCE1 = 42,
        REFERENCE2 = 43,
        REFERENCE4 = 45,
        REFERENCE5 = 46,
        REFERENCE6 = 47,
        REFERENCE10 = 51,
        REFERENCE21 = 52,
        GROUP_ID = 66,
        LEDGER_NAME = 91,
        PERIOD_NAME = 94
    };
    struct Row {
        std::int64_t number;
        std::vector<std::string> f;
        std::string code, why;
        std::int64_t dr = 0, cr = 0;
        std::string account;
    };
    auto rows_raw = parse_csv(csv);
    job.rows_in_file = static_cast<std::int64_t>(rows_raw.size());
    std::map<std::pair<std::string, std::string>, std::vector<Row>>
        groups; // (REFERENCE1, REFERENCE4)
    std::vector<std::pair<std::string, std::string>> journal_order;
    auto reject_row = [&](const Row& r) {
        RejectedRow rr;
        rr.request_id = job.id;
        rr.row_number = r.number;
        rr.code = r.code;
        rr.description = r.why;
        auto get = [&](std::size_t i) { return i < r.f.size() ? r.f[i] : std::string(); };
        rr.reference1 = get(REFERENCE1);
        rr.reference4 = get(REFERENCE4);
        rr.source = get(SOURCE);
        rr.group_id = get(GROUP_ID);
        rr.account = r.account;
        rr.entered_dr = get(ENTERED_DR);
        rr.entered_cr = get(ENTERED_CR);
        job.rejected.push_back(std::move(rr));
        ++job.rows_rejected;
    };
    const std::int64_t ledger = to_id(job.ledger_id).value_or(0);
    std::int64_t n = 0;
    for (auto& f : rows_raw) {
        Row r{++n, std::move(f), {}, {}, 0, 0, {}};
        if (r.f.size() < k_gl_min_fields) {
            // Too short to be read by position: the interface loader rejects the row outright.
            r.code = "EM01";
            r.why =
                fmt::format("The row has {} fields; the GL_INTERFACE template needs at least {}.",
                            r.f.size(), k_gl_min_fields);
            ++job.rows_selected;
            reject_row(r);
            continue;
        }
        if (r.f[SOURCE] != job.source || r.f[GROUP_ID] != job.group_id
            || r.f[LEDGER_ID] != job.ledger_id)
            continue; // not selected by this run: stays in the interface table, untouched
        ++job.rows_selected;
        std::int64_t ms = 0;
        r.account = r.f[SEGMENT1] + "-" + r.f[SEGMENT1 + 1] + "-" + r.f[SEGMENT1 + 2] + "-"
                    + r.f[SEGMENT1 + 3] + "-" + r.f[SEGMENT1 + 4];
        const Account* acct = st.find_account(r.account);
        if (r.f[STATUS] != "NEW") {
            r.code = "EM02";
            r.why = "STATUS must be NEW.";
        } else if (r.f[DATE_CREATED].empty() || !parse_timestamp(r.f[DATE_CREATED], ms)) {
            r.code = "EM03";
            r.why = "DATE_CREATED is required (YYYY/MM/DD).";
        } else if (r.f[ACCOUNTING_DATE].empty() || !parse_timestamp(r.f[ACCOUNTING_DATE], ms)) {
            r.code = "EM04";
            r.why = "ACCOUNTING_DATE is missing or not a date (YYYY/MM/DD).";
        } else if (const auto* named = st.gl_period_named(ledger, r.f[PERIOD_NAME]);
                   !r.f[PERIOD_NAME].empty()
                   && (!named || date_of(ms) < named->start_date
                       || named->end_date < date_of(ms))) {
            r.code = "EM05";
            r.why = fmt::format("PERIOD_NAME {} is not a period of ledger {} that contains the "
                                "ACCOUNTING_DATE {}.",
                                r.f[PERIOD_NAME], job.ledger_id, date_of(ms));
        } else if (const auto* period = st.gl_period_of_date(ledger, date_of(ms));
                   !period || (period->closing_status != "O" && period->closing_status != "F")) {
            r.code = "EP01";
            r.why = fmt::format("This date {} is not in any open or future enterable period.",
                                date_of(ms));
        } else if (r.f[CURRENCY].empty() || r.f[CATEGORY].empty()) {
            r.code = "EC01";
            r.why = "CURRENCY_CODE and USER_JE_CATEGORY_NAME are required.";
        } else if (r.f[ACTUAL_FLAG] != "A") {
            r.code = "EB01";
            r.why = "ACTUAL_FLAG must be A for actual journals.";
        } else if (!acct || acct->enabled != "Y" || acct->posting != "Y") {
            r.code = "EF04";
            r.why = "The account " + r.account
                    + " is not a valid, enabled code combination that allows detail posting.";
        } else if (!parse_cents(r.f[ENTERED_DR], r.dr) || !parse_cents(r.f[ENTERED_CR], r.cr)
                   || (r.f[ENTERED_DR].empty() == r.f[ENTERED_CR].empty())) {
            r.code = "EU01";
            r.why =
                "Each line needs exactly one of ENTERED_DR or ENTERED_CR, a plain decimal amount.";
        }
        auto key = std::make_pair(r.f[REFERENCE1], r.f[REFERENCE4]);
        if (!groups.count(key))
            journal_order.push_back(key);
        groups[key].push_back(std::move(r));
    }
    const auto now = clock.now_ms();
    std::map<std::string, std::size_t> batch_index; // batch name -> index in job.batches
    for (const auto& key : journal_order) {
        auto& rows = groups[key];
        std::int64_t dr = 0, cr = 0;
        bool bad = false;
        for (const auto& r : rows) {
            bad = bad || !r.code.empty();
            dr += r.dr;
            cr += r.cr;
        }
        if (!bad && dr != cr) {
            for (auto& r : rows) {
                r.code = "EU02";
                r.why = fmt::format(
                    "The journal {} / {} is unbalanced: debits {:.2f}, credits {:.2f}.", key.first,
                    key.second, static_cast<double>(dr) / 100.0, static_cast<double>(cr) / 100.0);
            }
            bad = true;
        }
        if (bad) {
            for (auto& r : rows) {
                if (r.code.empty()) {
                    r.code = "EU03";
                    r.why = "Another line of the same journal has an error; the journal is "
                            "rejected whole.";
                }
                reject_row(r);
            }
            continue;
        }
        const auto& first = rows.front().f;
        std::string batch_name = key.first.empty()
                                     ? fmt::format("{} A {} {}", job.source, job.id, date_of(now))
                                     : key.first;
        auto [it, inserted] = batch_index.try_emplace(batch_name, job.batches.size());
        if (inserted) {
            JournalBatch b;
            b.id = st.new_id();
            b.name = batch_name;
            b.description = first[REFERENCE2];
            std::int64_t ms = 0;
            parse_timestamp(first[ACCOUNTING_DATE], ms);
            b.period = first[PERIOD_NAME].empty() ? period_name(date_of(ms)) : first[PERIOD_NAME];
            b.ledger_name = first[LEDGER_NAME].empty() ? k_ledger_name : first[LEDGER_NAME];
            b.source = job.source;
            b.group_id = to_id(job.group_id).value_or(0);
            b.request_id = job.id;
            job.batches.push_back(std::move(b));
        }
        auto& batch = job.batches[it->second];
        JournalHeader h;
        h.id = st.new_id();
        h.name = key.second.empty() ? fmt::format("{} A {}", first[CATEGORY], job.id) : key.second;
        h.description = first[REFERENCE5];
        h.category = first[CATEGORY];
        h.currency = first[CURRENCY];
        std::int64_t ms = 0;
        parse_timestamp(first[ACCOUNTING_DATE], ms);
        h.accounting_date = date_of(ms);
        h.period = batch.period;
        h.external_reference = first[REFERENCE6];
        std::int64_t line_no = 0;
        for (const auto& r : rows) {
            JournalLine l;
            l.number = ++line_no;
            l.account = r.account;
            l.description = r.f[REFERENCE10];
            l.reference = r.f[REFERENCE21];
            l.has_debit = !r.f[ENTERED_DR].empty();
            l.has_credit = !r.f[ENTERED_CR].empty();
            l.debit = static_cast<double>(r.dr) / 100.0;
            l.credit = static_cast<double>(r.cr) / 100.0;
            h.lines.push_back(std::move(l));
            ++job.rows_imported;
        }
        h.total_dr = static_cast<double>(dr) / 100.0;
        h.total_cr = static_cast<double>(cr) / 100.0;
        batch.headers.push_back(std::move(h));
    }
    if (job.rows_in_file == 0)
        job.detail = "GlInterface.csv has no rows.";
}

// One status poll: WAIT, then RUNNING, then the terminal state; the import becomes visible
// (journals, rejected rows) when the job finishes: at the poll that ends it, or once the virtual
// clock has run ess_seconds past its submission (finish_due_jobs), whichever comes first.
std::string OracleSim::State::poll_job(EssJob& job)
{
    ++job.polls;
    const int needed = options.ess_polls_to_finish;
    if (!job.committed && job.polls < needed)
        return job.polls * 2 <= needed ? "WAIT" : "RUNNING";
    finish_job(job);
    return job.final_status;
}

void OracleSim::State::finish_job(EssJob& job)
{
    auto& st = *this;
    if (job.committed)
        return;
    job.committed = true;
    const auto now = clock.now_ms();
    for (auto& b : job.batches) {
        b.created = b.updated = now;
        st.journals.rows.push_back(b);
    }
    st.journals.reindex();
    st.rejected.insert(st.rejected.end(), job.rejected.begin(), job.rejected.end());
}

void OracleSim::State::finish_due_jobs()
{
    const auto now = clock.now_ms();
    const auto run_ms = static_cast<std::int64_t>(std::max(0, options.ess_seconds)) * 1000;
    for (auto& [id, job] : jobs)
        if (!job.committed && now - job.submitted_ms >= run_ms)
            finish_job(job);
}

namespace {

// The Import Journals child's own outcome. The parent (the ReqstId the client polls) still
// says SUCCEEDED: the reference warns that a SUCCEEDED parent does not prove rows imported.
std::string import_outcome(const EssJob& job)
{
    if (job.final_status == "ERROR")
        return "ERROR";
    if (job.rows_rejected > 0)
        return job.rows_imported > 0 ? "WARNING" : "ERROR";
    return "SUCCEEDED";
}

} // namespace

// The Import Journals log (format UNCONFIRMED, see README): a header while the job runs; once
// it has finished, the counts and one line per rejected row.
std::string OracleSim::State::job_log(const EssJob& job) const
{
    std::string log = "Journal Import started\n";
    log += fmt::format("Request id: {}\n", job.id);
    log +=
        fmt::format("Source: {}; Ledger: {}; Group: {}\n", job.source, job.ledger_id, job.group_id);
    if (!job.committed)
        return log;
    if (job.final_status == "ERROR") {
        log += fmt::format("Journal Import could not read its file: {}\n", job.detail);
    } else {
        log += fmt::format("Rows selected: {}\n", job.rows_selected);
        for (const auto& r : job.rejected)
            log += fmt::format("Rejected row {}: status {}; batch {}; journal {}; {}\n",
                               r.row_number, r.code, r.reference1, r.reference4, r.description);
        log += fmt::format("Rows imported: {}\n", job.rows_imported);
        log += fmt::format("Rows rejected: {}\n", job.rows_rejected);
    }
    log += fmt::format("Journal Import completed with status {}\n", import_outcome(job));
    return log;
}

// GET erpintegrations?finder=ESSJobExecutionDetailsRF;requestId=N,fileType=LOG: one item whose
// DocumentContent is a base64 zip holding ImportJournals_<N>.log.
void OracleSim::State::ess_execution_details(const httplib::Request&, httplib::Response& res,
                                             const std::string& finder, const std::string& href)
{
    auto& st = *this;
    auto param = [&](const std::string& name) -> std::optional<std::string> {
        auto pos = finder.find(name + "=");
        if (pos == std::string::npos)
            return std::nullopt;
        auto value = finder.substr(pos + name.size() + 1);
        return value.substr(0, value.find(','));
    };
    auto request_id = param("requestId");
    if (!request_id)
        throw BadRequest{"The finder ESSJobExecutionDetailsRF needs requestId."};
    auto id = to_id(*request_id);
    if (!id)
        throw BadRequest{"The value " + *request_id + " of requestId is not a valid number."};
    auto file_type = param("fileType");
    if (!file_type || (*file_type != "LOG" && *file_type != "ALL"))
        throw BadRequest{"The finder ESSJobExecutionDetailsRF needs fileType=LOG (or ALL)."};
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartObject();
    w.Key("items");
    w.StartArray();
    auto it = st.jobs.find(*id);
    if (it != st.jobs.end()) {
        const auto name = std::to_string(*id);
        const auto zip =
            zip_single_file(fmt::format("ImportJournals_{}.log", name), job_log(it->second));
        w.StartObject();
        w.Key("ReqstId");
        json::write_string(w, name);
        w.Key("FileName");
        json::write_string(w, name + ".zip");
        w.Key("ContentType");
        w.String("zip");
        w.Key("FileType");
        json::write_string(w, *file_type);
        w.Key("DocumentContent");
        json::write_string(w, base64_encode(zip));
        w.EndObject();
    }
    w.EndArray();
    w.Key("count");
    w.Int(it != st.jobs.end() ? 1 : 0);
    w.Key("hasMore");
    w.Bool(false);
    w.Key("limit");
    w.Int(25);
    w.Key("offset");
    w.Int(0);
    w.Key("links");
    w.StartArray();
    oq::write_link(w, "self", href, "erpintegrations", "collection");
    w.EndArray();
    w.EndObject();
    json_ok(res, 200, std::string(buf.GetString(), buf.GetSize()),
            "application/vnd.oracle.adf.resourcecollection+json");
}

void OracleSim::State::ess_status(const httplib::Request& req, httplib::Response& res,
                                  const std::string& href)
{
    auto& st = *this;
    if (!req.has_param("finder"))
        throw BadRequest{"The erpintegrations collection needs a finder, e.g. "
                         "finder=ESSJobStatusRF;requestId=<id>."};
    auto finder = req.get_param_value("finder");
    const std::string name = finder.substr(0, finder.find(';'));
    if (name == "ESSJobExecutionDetailsRF")
        return ess_execution_details(req, res, finder, href);
    if (name != "ESSJobStatusRF")
        throw BadRequest{"The finder " + name + " is not supported by the simulator."};
    auto pos = finder.find("requestId=");
    if (pos == std::string::npos)
        throw BadRequest{"The finder ESSJobStatusRF needs requestId."};
    auto value = finder.substr(pos + 10);
    value = value.substr(0, value.find(','));
    auto id = to_id(value);
    if (!id)
        throw BadRequest{"The value " + value + " of requestId is not a valid number."};
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartObject();
    w.Key("items");
    w.StartArray();
    auto it = st.jobs.find(*id);
    if (it != st.jobs.end()) {
        auto status = poll_job(it->second);
        w.StartObject();
        w.Key("OperationName");
        w.String("getESSJobStatus");
        w.Key("ReqstId");
        json::write_string(w, std::to_string(*id));
        w.Key("RequestStatus");
        json::write_string(w, status);
        w.EndObject();
    }
    w.EndArray();
    w.Key("count");
    w.Int(it != st.jobs.end() ? 1 : 0);
    w.Key("hasMore");
    w.Bool(false);
    w.Key("limit");
    w.Int(25);
    w.Key("offset");
    w.Int(0);
    w.Key("links");
    w.StartArray();
    oq::write_link(w, "self", href, "erpintegrations", "collection");
    w.EndArray();
    w.EndObject();
    json_ok(res, 200, std::string(buf.GetString(), buf.GetSize()),
            "application/vnd.oracle.adf.resourcecollection+json");
}

// ---------------------------------------------------------------------------------------
// Admin API

std::optional<std::string> OracleSim::data_json(const std::string& collection)
{
    auto& st = *state_;
    std::lock_guard lock(st.mutex);
    st.finish_due_jobs();
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    if (collection == "accounting_periods") {
        w.StartArray();
        oq::Ctx ctx;
        ctx.only_data = true;
        for (const auto& p : st.periods)
            oq::write_item(w, st.period_def, p, ctx, "", "");
        w.EndArray();
    } else if (collection == "suppliers") {
        oq::dump_rows(w, st.supplier_def, st.suppliers.rows);
    } else if (collection == "account_combinations") {
        oq::dump_rows(w, st.account_def, st.accounts.rows);
    } else if (collection == "purchase_orders") {
        oq::dump_rows(w, st.po_def, st.purchase_orders.rows);
    } else if (collection == "draft_purchase_orders") {
        oq::dump_rows(w, st.draft_def, st.drafts.rows);
    } else if (collection == "requisitions") {
        oq::dump_rows(w, st.req_def, st.requisitions.rows);
    } else if (collection == "invoices") {
        oq::dump_rows(w, st.invoice_def, st.invoices.rows);
    } else if (collection == "payments") {
        oq::dump_rows(w, st.payment_def, st.payments.rows);
    } else if (collection == "journals") {
        oq::dump_rows(w, st.batch_def, st.journals.rows);
    } else if (collection == "gl_interface_rejected") {
        w.StartArray();
        for (const auto& r : st.rejected) {
            w.StartObject();
            w.Key("REQUEST_ID");
            w.Int64(r.request_id);
            w.Key("ROW_NUMBER");
            w.Int64(r.row_number);
            w.Key("STATUS");
            json::write_string(w, r.code);
            w.Key("STATUS_DESCRIPTION");
            json::write_string(w, r.description);
            w.Key("USER_JE_SOURCE_NAME");
            json::write_string(w, r.source);
            w.Key("GROUP_ID");
            json::write_string(w, r.group_id);
            w.Key("REFERENCE1");
            json::write_string(w, r.reference1);
            w.Key("REFERENCE4");
            json::write_string(w, r.reference4);
            w.Key("ACCOUNT");
            json::write_string(w, r.account);
            w.Key("ENTERED_DR");
            json::write_string(w, r.entered_dr);
            w.Key("ENTERED_CR");
            json::write_string(w, r.entered_cr);
            w.EndObject();
        }
        w.EndArray();
    } else if (collection == "ess_jobs") {
        w.StartArray();
        for (const auto& [id, j] : st.jobs) {
            w.StartObject();
            w.Key("ReqstId");
            json::write_string(w, std::to_string(id));
            w.Key("FinalStatus");
            json::write_string(w, j.final_status);
            w.Key("Finished");
            w.Bool(j.committed);
            w.Key("ImportStatus");
            json::write_string(w, j.committed ? import_outcome(j) : "RUNNING");
            w.Key("Polls");
            w.Int(j.polls);
            w.Key("Detail");
            json::write_string(w, j.detail);
            w.Key("SourceName");
            json::write_string(w, j.source);
            w.Key("LedgerId");
            json::write_string(w, j.ledger_id);
            w.Key("GroupId");
            json::write_string(w, j.group_id);
            w.Key("RowsInFile");
            w.Int64(j.rows_in_file);
            w.Key("RowsSelected");
            w.Int64(j.rows_selected);
            w.Key("RowsImported");
            w.Int64(j.rows_imported);
            w.Key("RowsRejected");
            w.Int64(j.rows_rejected);
            w.EndObject();
        }
        w.EndArray();
    } else {
        return std::nullopt;
    }
    return std::string(buf.GetString(), buf.GetSize());
}

namespace {

template <class T>
std::pair<int, std::string> apply_fields(const oq::ResourceDef<T>& def, T& row,
                                         const rapidjson::Value& fields)
{
    for (const auto& m : fields.GetObject()) {
        std::string name(m.name.GetString(), m.name.GetStringLength());
        int idx = def.schema.index_of(name);
        if (idx < 0)
            return {400, json::object1("error", "unknown attribute " + name)};
        const auto& attr = def.schema.attrs[static_cast<std::size_t>(idx)];
        if (!attr.set)
            return {400, json::object1("error", "attribute " + name + " is read-only")};
        if (!attr.set(row, m.value))
            return {400, json::object1("error", "bad value for " + name)};
    }
    return {200, {}};
}

} // namespace

std::pair<int, std::string> OracleSim::State::mutate_payment(const std::string& op,
                                                             std::optional<std::int64_t> id,
                                                             const rapidjson::Value& fields,
                                                             std::int64_t now)
{
    auto& st = *this;
    auto paid_status = [&st](Invoice& inv) {
        double paid = 0;
        for (const auto& p : st.payments.rows)
            if (p.void_date.empty())
                for (const auto& r : p.invoices)
                    if (r.invoice_id == inv.id)
                        paid += r.amount;
        inv.paid =
            paid <= 0 ? "Unpaid" : (cents(paid) >= cents(inv.amount) ? "Paid" : "Partially paid");
    };
    if (op == "void") {
        Payment* p = id ? st.payments.find(*id) : nullptr;
        if (!p)
            return {404, json::object1("error", "no such payment")};
        p->status = "Voided";
        p->void_date = date_of(now);
        p->updated = now;
        for (const auto& r : p->invoices)
            if (Invoice* inv = st.invoices.find(r.invoice_id)) {
                paid_status(*inv);
                inv->updated = now;
            }
        st.invoices.reindex();
        st.payments.reindex();
        return {200, json::object1("voided", std::to_string(*id))};
    }
    if (op != "create")
        return {400, json::object1("error", "payments: op must be create or void")};
    const auto invoice_id = json::get_int(fields, "InvoiceId");
    Invoice* inv = invoice_id ? st.invoices.find(*invoice_id) : nullptr;
    if (!inv)
        return {400, json::object1("error", "payments: InvoiceId names no invoice")};
    const auto amount = json::get_number(fields, "Amount").value_or(inv->amount);
    Payment p;
    p.id = st.new_id();
    p.payment_id = st.new_id();
    p.number = st.next_payment_number++;
    p.amount = cents(amount);
    p.currency = inv->payment_currency;
    p.date = json::get_string(fields, "PaymentDate").value_or(date_of(now));
    p.supplier = inv->supplier;
    p.supplier_site = inv->supplier_site;
    p.business_unit = inv->business_unit;
    p.created = p.updated = now;
    RelatedInvoice r;
    r.id = st.new_id();
    r.invoice_id = inv->id;
    r.invoice_number = inv->number;
    r.accounting_date = p.date;
    r.amount = p.amount;
    p.invoices.push_back(r);
    const std::int64_t check_id = p.id;
    st.payments.rows.push_back(std::move(p));
    st.payments.reindex();
    paid_status(*inv);
    inv->updated = now;
    st.invoices.reindex();
    return {200, json::object1("CheckId", std::to_string(check_id))};
}

// A journal made in Oracle by a person (collection "journals"):
//   create: a batch of one journal, {"BatchName", "Source"? (default Manual), "AccountingDate",
//           "AccountingPeriodName"? (default: the date's month), "JournalName", "lines":
//           [{"AccountCombination", "EnteredDebitAmount" | "EnteredCreditAmount",
//           "Description"?}]};
//   update: one line edited after import, {"JournalName", "JeLineNumber", "EnteredDebitAmount"?,
//           "EnteredCreditAmount"?}; the journal's running totals follow;
//   delete: a batch removed (id = JeBatchId).
std::pair<int, std::string> OracleSim::State::mutate_journal(const std::string& op,
                                                             std::optional<std::int64_t> id,
                                                             const rapidjson::Value& fields,
                                                             std::int64_t now)
{
    auto& st = *this;
    const auto totals = [](JournalHeader& h) {
        h.total_dr = h.total_cr = 0;
        for (const auto& l : h.lines) {
            h.total_dr += l.has_debit ? l.debit : 0;
            h.total_cr += l.has_credit ? l.credit : 0;
        }
    };
    if (op == "delete") {
        const auto before = st.journals.rows.size();
        std::erase_if(st.journals.rows, [&](const JournalBatch& b) { return id && b.id == *id; });
        if (st.journals.rows.size() == before)
            return {404, json::object1("error", "no journal batch with that JeBatchId")};
        st.journals.reindex();
        return {200, json::object1("deleted", std::to_string(*id))};
    }
    if (op == "update") {
        const auto name = json::get_string(fields, "JournalName");
        const auto number = json::get_int(fields, "JeLineNumber");
        if (!name || !number)
            return {400, json::object1("error", "JournalName and JeLineNumber are required")};
        for (auto& b : st.journals.rows) {
            for (auto& h : b.headers) {
                if (h.name != *name)
                    continue;
                for (auto& l : h.lines) {
                    if (l.number != *number)
                        continue;
                    if (auto dr = json::get_number(fields, "EnteredDebitAmount")) {
                        l.debit = *dr;
                        l.has_debit = true;
                    }
                    if (auto cr = json::get_number(fields, "EnteredCreditAmount")) {
                        l.credit = *cr;
                        l.has_credit = true;
                    }
                    totals(h);
                    b.updated = now;
                    return {200, json::object1("updated", *name)};
                }
            }
        }
        return {404, json::object1("error", "no such journal line")};
    }
    if (op != "create")
        return {400, json::object1("error", "journals supports create, update and delete")};
    JournalBatch b;
    b.id = st.new_id();
    b.name = json::get_string(fields, "BatchName").value_or("Manual " + std::to_string(b.id));
    b.source = json::get_string(fields, "Source").value_or("Manual");
    b.ledger_name = k_ledger_name;
    b.status = "P";
    b.posting_status = "Posted";
    b.created = b.updated = now;
    JournalHeader h;
    h.id = st.new_id();
    h.name = json::get_string(fields, "JournalName").value_or(b.name);
    h.category = json::get_string(fields, "JournalCategory").value_or("Adjustment");
    h.currency = json::get_string(fields, "CurrencyCode").value_or("USD");
    h.accounting_date = json::get_string(fields, "AccountingDate").value_or(date_of(now));
    b.period =
        json::get_string(fields, "AccountingPeriodName").value_or(period_name(h.accounting_date));
    h.period = b.period;
    const auto lm = fields.FindMember("lines");
    const rapidjson::Value* lines = lm == fields.MemberEnd() ? nullptr : &lm->value;
    if (lines == nullptr || !lines->IsArray() || lines->Empty())
        return {400, json::object1("error", "a journal needs lines")};
    std::int64_t n = 0;
    for (const auto& in : lines->GetArray()) {
        JournalLine l;
        l.number = ++n;
        l.account = json::get_string(in, "AccountCombination").value_or("");
        l.description = json::get_string(in, "Description").value_or("");
        if (auto dr = json::get_number(in, "EnteredDebitAmount")) {
            l.debit = *dr;
            l.has_debit = true;
        }
        if (auto cr = json::get_number(in, "EnteredCreditAmount")) {
            l.credit = *cr;
            l.has_credit = true;
        }
        if (l.account.empty() || l.has_debit == l.has_credit)
            return {400, json::object1("error", "each line needs AccountCombination and one of "
                                                "EnteredDebitAmount, EnteredCreditAmount")};
        h.lines.push_back(std::move(l));
    }
    totals(h);
    b.headers.push_back(std::move(h));
    st.journals.rows.push_back(b);
    st.journals.reindex();
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    oq::Ctx ctx;
    ctx.only_data = true;
    ctx.expand_all = true;
    oq::write_item(w, st.batch_def, st.journals.rows.back(), ctx, "", "");
    return {200, std::string(buf.GetString(), buf.GetSize())};
}

std::pair<int, std::string> OracleSim::mutate(const std::string& body)
{
    auto& st = *state_;
    rapidjson::Document doc;
    std::string error;
    if (!json::parse(body, doc, error) || !doc.IsObject())
        return {400, json::object1("error", error.empty() ? "body must be an object" : error)};
    const auto op = json::get_string(doc, "op").value_or("");
    const auto collection = json::get_string(doc, "collection").value_or("");
    // Fields come either under "fields" or at the top level (minus op/collection/id).
    rapidjson::Document fields(rapidjson::kObjectType);
    if (auto f = doc.FindMember("fields"); f != doc.MemberEnd() && f->value.IsObject()) {
        fields.CopyFrom(f->value, fields.GetAllocator());
    } else {
        for (const auto& m : doc.GetObject()) {
            std::string_view n(m.name.GetString(), m.name.GetStringLength());
            if (n == "op" || n == "collection" || n == "id")
                continue;
            fields.AddMember(rapidjson::Value(m.name, fields.GetAllocator()),
                             rapidjson::Value(m.value, fields.GetAllocator()),
                             fields.GetAllocator());
        }
    }
    std::lock_guard lock(st.mutex);
    const auto now = clock_.now_ms();
    auto id = json::get_int(doc, "id");

    // A period is named, not numbered: PeriodNameId (+ LedgerId, ApplicationId: the sim's
    // ledger and GL by default); only ClosingStatus changes.
    if (collection == "accounting_periods") {
        if (op != "update")
            return {400, json::object1("error", "accounting_periods supports op update only")};
        const auto name = json::get_string(fields, "PeriodNameId");
        const auto ledger = json::get_int(fields, "LedgerId").value_or(k_ledger_id);
        const auto app = json::get_int(fields, "ApplicationId").value_or(k_gl_application_id);
        const auto status = json::get_string(fields, "ClosingStatus");
        if (!name)
            return {400, json::object1("error", "PeriodNameId is required")};
        if (!status || status->size() != 1
            || std::string("OFCNP").find(*status) == std::string::npos)
            return {400, json::object1("error", "ClosingStatus must be one of O, F, C, N, P")};
        for (const auto& m : fields.GetObject()) {
            const std::string_view n(m.name.GetString(), m.name.GetStringLength());
            if (n != "PeriodNameId" && n != "LedgerId" && n != "ApplicationId"
                && n != "ClosingStatus")
                return {400, json::object1("error", "attribute " + std::string(n)
                                                        + " of a period is read-only or unknown")};
        }
        for (auto& p : st.periods) {
            if (p.name != *name || p.ledger_id != ledger || p.application_id != app)
                continue;
            p.closing_status = *status;
            oq::Ctx ctx;
            ctx.only_data = true;
            rapidjson::StringBuffer b;
            json::Writer w(b);
            oq::write_item(w, st.period_def, p, ctx, "", "");
            return {200, std::string(b.GetString(), b.GetSize())};
        }
        return {404,
                json::object1("error", fmt::format("no period {} of ledger {} for application {}",
                                                   *name, ledger, app))};
    }

    // Children and references that are not plain attributes, taken out of `fields`:
    // a supplier's first address ("address": {…}) and a site to add or change ("site": {…});
    // a purchase order's supplier (SupplierId or Supplier, SupplierSite) and its "lines".
    auto take = [&](const char* name) {
        auto doc_part = std::make_unique<rapidjson::Document>();
        if (auto m = fields.FindMember(name); m != fields.MemberEnd()) {
            doc_part->CopyFrom(m->value, doc_part->GetAllocator());
            fields.RemoveMember(name);
        }
        return doc_part;
    };
    auto address_fields = take("address");
    auto site_fields = take("site");
    std::unique_ptr<rapidjson::Document> po_supplier_id, po_supplier, po_site, po_lines;
    if (collection == "purchase_orders") {
        po_supplier_id = take("SupplierId");
        po_supplier = take("Supplier");
        po_site = take("SupplierSite");
        po_lines = take("lines");
    }
    auto apply_extra = [&](auto& row, bool creating) -> std::pair<int, std::string> {
        using T = std::remove_reference_t<decltype(row)>;
        auto bad = [](const std::string& m) {
            return std::make_pair(400, json::object1("error", m));
        };
        if constexpr (std::is_same_v<T, Supplier>) {
            if (address_fields->IsObject() && address_fields->MemberCount() > 0) {
                if (row.addresses.empty())
                    return bad("the supplier has no address");
                auto r = apply_fields(st.address_def, row.addresses.front(), *address_fields);
                if (r.first != 200)
                    return r;
            }
            if (!site_fields->IsNull()) {
                if (!site_fields->IsObject())
                    return bad("site must be an object");
                auto name = json::get_string(*site_fields, "SupplierSite");
                if (!name || name->empty())
                    return bad("site needs SupplierSite (its name)");
                Site* site = nullptr;
                for (auto& existing : row.sites)
                    if (existing.name == *name)
                        site = &existing;
                if (!site) {
                    Site fresh;
                    fresh.id = st.new_id();
                    fresh.name = *name;
                    if (!row.addresses.empty()) {
                        fresh.address_id = row.addresses.front().id;
                        fresh.address_name = row.addresses.front().name;
                    }
                    fresh.created = now;
                    row.sites.push_back(fresh);
                    site = &row.sites.back();
                }
                for (const auto& m : site_fields->GetObject()) {
                    const std::string_view n(m.name.GetString(), m.name.GetStringLength());
                    const auto& v = m.value;
                    if (n == "SupplierSite")
                        continue;
                    if (n == "ProcurementBU" && v.IsString())
                        site->procurement_bu = v.GetString();
                    else if (n == "ProcurementBUId" && v.IsInt64())
                        site->procurement_bu_id = v.GetInt64();
                    else if (n == "SitePurposePurchasingFlag" && v.IsBool())
                        site->purchasing = v.GetBool();
                    else if (n == "SitePurposePayFlag" && v.IsBool())
                        site->pay = v.GetBool();
                    else if (n == "InactiveDate" && (v.IsNull() || v.IsString()))
                        site->inactive_date =
                            v.IsNull() ? "" : std::string(v.GetString()).substr(0, 10);
                    else
                        return bad("unknown or bad site attribute " + std::string(n));
                }
                site->updated = now;
            }
        }
        if constexpr (std::is_same_v<T, PurchaseOrder>) {
            const Supplier* sup = nullptr;
            if (!po_supplier_id->IsNull()) {
                sup = po_supplier_id->IsInt64() ? st.suppliers.find(po_supplier_id->GetInt64())
                                                : nullptr;
                if (!sup)
                    return bad("SupplierId names no supplier");
            } else if (!po_supplier->IsNull()) {
                for (const auto& sp : st.suppliers.rows)
                    if (po_supplier->IsString() && sp.name == po_supplier->GetString())
                        sup = &sp;
                if (!sup)
                    return bad("Supplier names no supplier");
            } else if (creating) {
                return bad("a purchase order needs SupplierId or Supplier");
            }
            if (sup) {
                row.supplier_id = sup->id;
                row.supplier = sup->name;
                const Site* site = nullptr;
                for (const auto& si : sup->sites)
                    if (po_site->IsString() ? si.name == po_site->GetString()
                                            : site == nullptr && si.purchasing)
                        site = &si;
                if (!site)
                    return bad("SupplierSite names no site of the supplier");
                row.supplier_site_id = site->id;
                row.supplier_site = site->name;
            }
            if (!po_lines->IsNull()) {
                try {
                    row.lines = st.parse_po_lines(*po_lines);
                } catch (const BadRequest& e) {
                    return bad(e.message);
                }
            }
        }
        return {200, {}};
    };

    auto run = [&](auto& def, auto& table, auto make_new,
                   auto deactivate) -> std::pair<int, std::string> {
        using T = typename std::remove_reference_t<decltype(table.rows)>::value_type;
        if (op == "create") {
            T row = make_new();
            auto r = apply_fields(def, row, fields);
            if (r.first == 200)
                r = apply_extra(row, true);
            if (r.first != 200)
                return r;
            table.rows.push_back(row);
            table.reindex();
            oq::Ctx ctx;
            ctx.only_data = true;
            ctx.expand_all = true;
            return {201, [&] {
                        rapidjson::StringBuffer b;
                        json::Writer w(b);
                        oq::write_item(w, def, row, ctx, "", "");
                        return std::string(b.GetString(), b.GetSize());
                    }()};
        }
        if (!id)
            return {400, json::object1("error", "id is required for " + op)};
        T* row = table.find(*id);
        if (!row)
            return {404, json::object1("error", fmt::format("no {} with id {}", collection, *id))};
        if (op == "delete") {
            table.rows.erase(table.rows.begin() + static_cast<std::ptrdiff_t>(table.by_id[*id]));
            table.reindex();
            return {200, json::object1("deleted", std::to_string(*id))};
        }
        T copy = *row;
        if (op == "update") {
            auto r = apply_fields(def, copy, fields);
            if (r.first == 200)
                r = apply_extra(copy, false);
            if (r.first != 200)
                return r;
        } else if (op == "deactivate") {
            deactivate(copy);
        } else {
            return {400, json::object1("error", "op must be create, update, deactivate or delete")};
        }
        copy.updated = now;
        *row = copy;
        table.reindex();
        oq::Ctx ctx;
        ctx.only_data = true;
        ctx.expand_all = true;
        rapidjson::StringBuffer b;
        json::Writer w(b);
        oq::write_item(w, def, copy, ctx, "", "");
        return {200, std::string(b.GetString(), b.GetSize())};
    };

    if (collection == "suppliers") {
        return run(
            st.supplier_def, st.suppliers,
            [&] {
                Supplier s;
                s.id = st.new_id();
                s.party_id = s.id + 1000000;
                s.number = std::to_string(900000 + s.id % 100000);
                s.created = s.updated = now;
                s.created_by = s.updated_by = "SIM.MUTATE";
                Address a;
                a.id = st.new_id();
                a.name = "HQ";
                a.line1 = "1 Sim Way";
                a.city = "Austin";
                a.state = "TX";
                a.postal = "78701";
                a.created = a.updated = now;
                Site site;
                site.id = st.new_id();
                site.name = "HQ-PUR";
                site.address_id = a.id;
                site.address_name = a.name;
                site.created = site.updated = now;
                s.addresses.push_back(a);
                s.sites.push_back(site);
                return s;
            },
            [&](Supplier& s) {
                s.status = "INACTIVE";
                s.inactive_date = date_of(now);
            });
    }
    if (collection == "account_combinations") {
        auto r = run(
            st.account_def, st.accounts,
            [&] {
                Account a;
                a.id = st.new_id();
                a.seg[3] = a.seg[4] = "000";
                return a;
            },
            [&](Account& a) {
                a.enabled = "N";
                a.end_date = date_of(now);
            });
        st.index_accounts();
        return r;
    }
    // A payment of one invoice (fields InvoiceId, Amount, PaymentDate): the invoice's
    // PaidStatus follows; "void" (id = CheckId) voids a payment and reopens what it paid.
    if (collection == "payments") {
        return st.mutate_payment(op, id, fields, now);
    }
    if (collection == "purchase_orders") {
        return run(
            st.po_def, st.purchase_orders,
            [&] {
                // An Oracle-born PO (made in Oracle, not from a Procore draft): OPEN.
                PurchaseOrder p;
                p.id = st.new_id();
                p.number = std::to_string(st.next_order_number++);
                p.procurement_bu = p.requisitioning_bu = p.bill_to_bu = "US1 Business Unit";
                p.buyer = "Calvin Roth";
                p.buyer_email = "calvin.roth@example.com";
                p.created = p.updated = now;
                return p;
            },
            [](PurchaseOrder& p) { p.status = "CLOSED"; });
    }
    if (collection == "journals") {
        return st.mutate_journal(op, id, fields, now);
    }
    return {400, json::object1("error",
                               "mutate supports suppliers, account_combinations, purchase_orders, "
                               "payments, journals and accounting_periods")};
}

// ---------------------------------------------------------------------------------------
// Test helpers

std::string base64_encode(const std::string& in)
{
    static const char* chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t val = 0;
    int bits = -6;
    for (char ch : in) {
        val = (val << 8) + static_cast<unsigned char>(ch);
        bits += 8;
        while (bits >= 0) {
            out.push_back(chars[(val >> bits) & 0x3F]);
            bits -= 6;
        }
    }
    if (bits > -6)
        out.push_back(chars[((val << 8) >> (bits + 8)) & 0x3F]);
    while (out.size() % 4)
        out.push_back('=');
    return out;
}

std::optional<std::string> unzip_base64_file(const std::string& base64_zip, const std::string& name)
{
    bool ok = false;
    const auto zip = base64_decode(base64_zip, ok);
    std::string out, error;
    if (!ok || !unzip_entry(zip, name, out, error))
        return std::nullopt;
    return out;
}

std::string zip_single_file(const std::string& name, const std::string& content)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &err);
    if (!out)
        throw std::runtime_error("zip: cannot create buffer");
    zip_t* za = zip_open_from_source(out, ZIP_TRUNCATE, &err);
    if (!za) {
        zip_source_free(out);
        throw std::runtime_error("zip: cannot open buffer");
    }
    zip_source_keep(out);
    zip_source_t* file = zip_source_buffer(za, content.data(), content.size(), 0);
    if (!file || zip_file_add(za, name.c_str(), file, ZIP_FL_ENC_UTF_8) < 0) {
        if (file)
            zip_source_free(file);
        zip_discard(za);
        zip_source_free(out);
        throw std::runtime_error("zip: cannot add file");
    }
    if (zip_close(za) < 0) {
        zip_discard(za);
        zip_source_free(out);
        throw std::runtime_error("zip: cannot write archive");
    }
    std::string bytes;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_source_stat(out, &st) == 0 && zip_source_open(out) == 0) {
        bytes.resize(static_cast<std::size_t>(st.size));
        auto got = zip_source_read(out, bytes.data(), st.size);
        bytes.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
        zip_source_close(out);
    }
    zip_source_free(out);
    return bytes;
}

} // namespace mlc::sim
