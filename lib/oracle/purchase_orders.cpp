#include "oracle/purchase_orders.hpp"

#include "core/decimal.hpp"
#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "oracle/mapping.hpp"
#include "oracle/read_support.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <utility>

namespace mlc::oracle {

namespace {

using read::flag;
using read::parse_error_text;
using read::text;

constexpr const char* k_action_type = "application/vnd.oracle.adf.action+json";
constexpr const char* k_po_expand = "lines,lines.schedules,lines.schedules.distributions";

// ---------------------------------------------------------------------------------------------
// Writing

void write_distribution(json::Writer& w, const PoDistribution& d, bool amount_based)
{
    w.begin_object();
    w.field("DistributionNumber", d.number);
    w.field("POChargeAccount", d.charge_account);
    // QuantityOrdered is the attribute name the reference gives for draft distributions (the
    // read side also accepts Quantity, which some pods and the simulator use; unconfirmed).
    if (amount_based) {
        w.decimal_field("Amount", d.amount);
    } else {
        w.decimal_field("QuantityOrdered", d.quantity);
    }
    w.end_object();
}

void write_schedule(json::Writer& w, const PoSchedule& s, bool amount_based)
{
    w.begin_object();
    w.field("ScheduleNumber", s.number);
    w.field("ShipToLocation", s.ship_to_location);
    w.field_if_set("NeedByDate", s.need_by_date);
    if (amount_based) {
        w.decimal_field("Amount", s.amount);
    } else {
        w.decimal_field("Quantity", s.quantity);
    }
    w.key("distributions").begin_array();
    for (const auto& d : s.distributions) {
        write_distribution(w, d, amount_based);
    }
    w.end_array();
    w.end_object();
}

void write_line(json::Writer& w, const PoLine& l)
{
    w.begin_object();
    w.field("LineNumber", l.number);
    w.field("LineType", l.line_type);
    w.field("ItemDescription", l.description);
    w.field_if_set("CategoryName", l.category);
    if (l.amount_based) {
        // A services line is priced by amount alone: Oracle refuses Quantity/Price on it.
        w.field_if_set("UOM", l.uom);
        w.decimal_field("Amount", l.amount);
    } else {
        w.field("UOM", l.uom);
        w.decimal_field("Quantity", l.quantity);
        w.decimal_field("Price", l.price);
    }
    w.key("schedules").begin_array();
    for (const auto& s : l.schedules) {
        write_schedule(w, s, l.amount_based);
    }
    w.end_array();
    w.end_object();
}

// ---------------------------------------------------------------------------------------------
// Reading. Bodies are parsed with numbers kept as text, so integers (ids, counts, line numbers)
// are read with json::get_id, which takes digit strings.

int int_of_or(const rapidjson::Value& obj, const char* key, int fallback)
{
    const auto v = json::get_id(obj, key);
    if (!v || *v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) {
        return fallback;
    }
    return static_cast<int>(*v);
}

// A money or quantity member as decimal text: "" when absent or null, an error when it holds
// something that is not a decimal (a wrong amount must not read as no amount).
std::expected<std::string, std::string> decimal_of(const rapidjson::Value& obj, const char* key,
                                                   const std::string& where)
{
    const auto* v = json::find(obj, key);
    if (v == nullptr || v->IsNull()) {
        return std::string{};
    }
    if (auto d = json::get_decimal_text(obj, key)) {
        return std::move(*d);
    }
    return std::unexpected(
        where + ": " + key + " is not a decimal number ("
        + (v->IsString()
               ? "\"" + json::escaped_excerpt({v->GetString(), v->GetStringLength()}) + "\""
               : json::type_name(*v))
        + ")");
}

// The first of several attribute names that is present (names differ between resources/pods).
std::expected<std::string, std::string> decimal_of_any(const rapidjson::Value& obj,
                                                       std::initializer_list<const char*> keys,
                                                       const std::string& where)
{
    for (const char* key : keys) {
        auto d = decimal_of(obj, key, where);
        if (!d || !d->empty()) {
            return d;
        }
    }
    return std::string{};
}

// The child rows: a bare array (framework < 3) or a collection object {"items":[…]} (3+), or
// nullptr when the child is absent (not expanded). A child collection that says hasMore was cut
// at the server's child page size: refused, since a PO read with some lines missing would carry
// wrong totals onward.
std::expected<const rapidjson::Value*, std::string>
po_child_rows(const rapidjson::Value& item, const char* child, const std::string& where)
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
                                       + std::to_string(items->Size())
                                       + " rows; the child page size was exceeded");
            }
            return items;
        }
    }
    return std::unexpected(where + ": " + child + " is neither an array nor a collection");
}

std::expected<PoDistribution, std::string> parse_distribution(const rapidjson::Value& item,
                                                              const std::string& where)
{
    PoDistribution d;
    d.number = int_of_or(item, "DistributionNumber", 1);
    d.charge_account = text(item, "POChargeAccount");
    const std::string here = where + ", distribution " + std::to_string(d.number);
    // QuantityOrdered per the reference; Quantity on pods (and the simulator) that name it so.
    auto quantity = decimal_of_any(item, {"QuantityOrdered", "Quantity"}, here);
    auto amount = decimal_of(item, "Amount", here);
    if (!quantity || !amount) {
        return std::unexpected(!quantity ? quantity.error() : amount.error());
    }
    d.quantity = std::move(*quantity);
    d.amount = std::move(*amount);
    return d;
}

std::expected<PoSchedule, std::string> parse_schedule(const rapidjson::Value& item,
                                                      const std::string& where)
{
    PoSchedule s;
    s.number = int_of_or(item, "ScheduleNumber", 1);
    const std::string here = where + ", schedule " + std::to_string(s.number);
    // ShipToLocation is what the create body takes; a read may give the code instead
    // (unconfirmed which one a pod returns).
    s.ship_to_location = text(item, "ShipToLocation");
    if (s.ship_to_location.empty()) {
        s.ship_to_location = text(item, "ShipToLocationCode");
    }
    s.need_by_date = text(item, "NeedByDate");
    auto quantity = decimal_of(item, "Quantity", here);
    auto amount = decimal_of(item, "Amount", here);
    if (!quantity || !amount) {
        return std::unexpected(!quantity ? quantity.error() : amount.error());
    }
    s.quantity = std::move(*quantity);
    s.amount = std::move(*amount);
    auto dists = po_child_rows(item, "distributions", here);
    if (!dists) {
        return std::unexpected(dists.error());
    }
    if (*dists != nullptr) {
        for (const auto& d : (*dists)->GetArray()) {
            if (!d.IsObject()) {
                return std::unexpected(here + ": a distribution is not an object");
            }
            auto dist = parse_distribution(d, here);
            if (!dist) {
                return std::unexpected(dist.error());
            }
            s.distributions.push_back(std::move(*dist));
        }
    }
    return s;
}

std::expected<PoLine, std::string> parse_line(const rapidjson::Value& item,
                                              const std::string& where)
{
    PoLine l;
    l.number = int_of_or(item, "LineNumber", 1);
    const std::string here = where + ", line " + std::to_string(l.number);
    l.line_type = text(item, "LineType");
    l.description = text(item, "ItemDescription");
    l.category = text(item, "CategoryName");
    l.uom = text(item, "UOM");
    auto quantity = decimal_of(item, "Quantity", here);
    auto price = decimal_of(item, "Price", here);
    auto amount = decimal_of(item, "Amount", here);
    if (!quantity || !price || !amount) {
        return std::unexpected(!quantity ? quantity.error()
                                         : (!price ? price.error() : amount.error()));
    }
    l.quantity = std::move(*quantity);
    l.price = std::move(*price);
    l.amount = std::move(*amount);
    // A fixed-price services line has an Amount and no Quantity; a goods line has a Quantity
    // (and its Amount, when sent, is the line total).
    l.amount_based = l.quantity.empty() && !l.amount.empty();
    auto schedules = po_child_rows(item, "schedules", here);
    if (!schedules) {
        return std::unexpected(schedules.error());
    }
    if (*schedules != nullptr) {
        for (const auto& s : (*schedules)->GetArray()) {
            if (!s.IsObject()) {
                return std::unexpected(here + ": a schedule is not an object");
            }
            auto schedule = parse_schedule(s, here);
            if (!schedule) {
                return std::unexpected(schedule.error());
            }
            l.schedules.push_back(std::move(*schedule));
        }
    }
    return l;
}

std::expected<PurchaseOrder, std::string> purchase_order_of(const rapidjson::Value& item)
{
    if (!item.IsObject()) {
        return std::unexpected(std::string("a purchase order is not an object"));
    }
    const auto id = json::get_id(item, "POHeaderId");
    if (!id) {
        return std::unexpected(std::string("a purchase order has no integer POHeaderId"));
    }
    PurchaseOrder po;
    po.id = *id;
    const std::string where = "purchase order " + std::to_string(po.id);
    po.number = text(item, "OrderNumber");
    // StatusCode is the code (OPEN, PENDING APPROVAL); Status may be its display name.
    po.status = text(item, "StatusCode");
    if (po.status.empty()) {
        po.status = text(item, "Status");
    }
    po.supplier_id = json::get_id(item, "SupplierId").value_or(0);
    po.supplier = text(item, "Supplier");
    po.supplier_site = text(item, "SupplierSite");
    po.procurement_bu = text(item, "ProcurementBU");
    po.currency = text(item, "CurrencyCode");
    po.description = text(item, "Description");
    auto ordered = decimal_of(item, "Ordered", where);
    if (!ordered) {
        return std::unexpected(ordered.error());
    }
    po.ordered = std::move(*ordered);
    po.creation_date = text(item, "CreationDate");
    po.last_update_date = text(item, "LastUpdateDate");
    po.self_href = self_href_of(item);
    auto lines = po_child_rows(item, "lines", where);
    if (!lines) {
        return std::unexpected(lines.error());
    }
    if (*lines != nullptr) {
        for (const auto& l : (*lines)->GetArray()) {
            if (!l.IsObject()) {
                return std::unexpected(where + ": a line is not an object");
            }
            auto line = parse_line(l, where);
            if (!line) {
                return std::unexpected(line.error());
            }
            po.lines.push_back(std::move(*line));
        }
    }
    return po;
}

std::expected<SupplierSite, std::string> supplier_site_of(const rapidjson::Value& item)
{
    const auto id = json::get_id(item, "SupplierSiteId");
    if (!item.IsObject() || !id) {
        return std::unexpected(std::string("a supplier site has no integer SupplierSiteId"));
    }
    SupplierSite s;
    s.id = *id;
    s.name = text(item, "SupplierSite");
    s.procurement_bu = text(item, "ProcurementBU");
    s.purchasing = flag(item, "SitePurposePurchasingFlag");
    s.inactive_date = text(item, "InactiveDate");
    return s;
}

// A POST of a JSON body under the REST root (or to an absolute URL). Never resent by the HTTP
// layer after it may have been applied: a create or submit is not idempotent.
http::Result post(Client& client, const std::string& url, const std::string& content_type,
                  const std::string& body, const std::string& path_template)
{
    http::Request request;
    request.method = "POST";
    request.url = url;
    request.headers.set("Accept", "application/json");
    request.headers.set("Content-Type", content_type);
    request.body = body;
    return client.http().send(std::move(request),
                              {.path_template = path_template, .idempotent = false});
}

const CollectionSpec& purchase_order_collection()
{
    // expand, not fields: Oracle ignores expand when fields is given.
    static const CollectionSpec spec{.resource = "purchaseOrders",
                                     .path_template = "/purchaseOrders",
                                     .key_attribute = "POHeaderId",
                                     .fields = {},
                                     .expand = k_po_expand,
                                     .order_by = {}};
    return spec;
}

} // namespace

std::string draft_purchase_order_json(const DraftPurchaseOrder& po)
{
    json::Writer w;
    w.begin_object();
    w.field("ProcurementBU", po.procurement_bu);
    w.field("RequisitioningBU", po.requisitioning_bu);
    w.field_if_set("BillToBU", po.bill_to_bu);
    if (po.supplier_id != 0) {
        w.field("SupplierId", po.supplier_id);
    }
    w.field_if_set("Supplier", po.supplier);
    w.field("SupplierSite", po.supplier_site);
    w.field("BuyerEmail", po.buyer_email);
    w.field("CurrencyCode", po.currency);
    w.field("Description", po.description);
    if (!po.dff_attribute.empty()) {
        w.key("DFF").begin_array();
        w.begin_object().field(po.dff_attribute, po.reference).end_object();
        w.end_array();
    }
    w.key("lines").begin_array();
    for (const auto& line : po.lines) {
        write_line(w, line);
    }
    w.end_array();
    w.end_object();
    return w.str();
}

std::string po_reference_tag(const std::string& reference)
{
    return "[MLC " + reference + "]";
}

std::expected<PurchaseOrder, std::string> parse_purchase_order(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    return purchase_order_of(*doc);
}

std::expected<PurchaseOrderPage, std::string> parse_purchase_order_page(const std::string& body)
{
    auto doc = json::parse_numbers_as_text(body);
    if (!doc) {
        return std::unexpected(parse_error_text(doc.error()));
    }
    const auto* items = json::find(*doc, "items");
    if (items == nullptr || !items->IsArray()) {
        return std::unexpected(std::string("not a collection (no items array)"));
    }
    PurchaseOrderPage page;
    page.meta = page_meta_of(*doc, *items);
    page.orders.reserve(items->Size());
    for (const auto& item : items->GetArray()) {
        auto po = purchase_order_of(item);
        if (!po) {
            return std::unexpected(po.error());
        }
        // The cursor cannot be advanced past a record without its stamp.
        if (po->last_update_date.empty()) {
            return std::unexpected("purchase order " + std::to_string(po->id)
                                   + " has no LastUpdateDate");
        }
        page.orders.push_back(std::move(*po));
    }
    return page;
}

std::expected<PurchaseOrder, http::Error> PurchaseOrderApi::create_draft(const std::string& body)
{
    auto result = post(client_, client_.rest_root() + "/draftPurchaseOrders", k_item_content_type,
                       body, "/draftPurchaseOrders");
    if (!result) {
        return std::unexpected(result.error());
    }
    auto po = parse_purchase_order(result->body);
    if (!po) {
        return std::unexpected(http::shape_error(result->status, po.error()));
    }
    po->draft = true;
    return std::move(*po);
}

std::expected<void, http::Error> PurchaseOrderApi::submit(const PurchaseOrder& draft)
{
    std::string item_url = draft.self_href;
    if (item_url.empty()) {
        if (draft.id == 0) {
            return std::unexpected(http::Error{
                .kind = http::ErrorKind::shape,
                .status = 0,
                .message = "submit: the draft purchase order has neither a self link nor a "
                           "POHeaderId",
                .body = {},
                .attempts = 0,
                .transport = http::TransportErrorKind::other});
        }
        item_url = client_.rest_root() + "/draftPurchaseOrders/" + std::to_string(draft.id);
    }
    while (!item_url.empty() && item_url.back() == '/') {
        item_url.pop_back();
    }
    auto result = post(client_, item_url + "/action/submit", k_action_type, "{}",
                       "/draftPurchaseOrders/{id}/action/submit");
    if (!result) {
        return std::unexpected(result.error());
    }
    return {};
}

std::expected<std::optional<PurchaseOrder>, http::Error>
PurchaseOrderApi::find_by_reference(const std::string& reference)
{
    const std::string tag = po_reference_tag(reference);
    Query query;
    query.q = "Description LIKE '%" + quote_literal(tag) + "'";
    query.limit = 25;
    query.only_data = true;

    std::vector<PurchaseOrder> found;
    for (const auto& [resource, draft] : {std::pair<const char*, bool>{"draftPurchaseOrders", true},
                                          std::pair<const char*, bool>{"purchaseOrders", false}}) {
        auto result = client_.get(resource, query, std::string("/") + resource);
        if (!result) {
            return std::unexpected(result.error());
        }
        auto page = parse_purchase_order_page(result->body);
        if (!page) {
            return std::unexpected(http::shape_error(result->status, page.error()));
        }
        for (auto& po : page->orders) {
            // The server's LIKE may be looser than ours (case, a trailing blank): only a
            // Description that carries the tag counts.
            if (po.description.find(tag) == std::string::npos) {
                continue;
            }
            po.draft = draft;
            // A PO under change can show in both resources with one POHeaderId (unconfirmed):
            // one PO, and the purchaseOrders row (read second) says where it stands.
            auto same = std::find_if(found.begin(), found.end(),
                                     [&po](const PurchaseOrder& f) { return f.id == po.id; });
            if (same != found.end()) {
                *same = std::move(po);
            } else {
                found.push_back(std::move(po));
            }
        }
    }
    if (found.empty()) {
        return std::optional<PurchaseOrder>{};
    }
    if (found.size() > 1) {
        std::string numbers;
        for (const auto& po : found) {
            numbers += (numbers.empty() ? "" : ", ")
                       + (po.number.empty() ? "POHeaderId " + std::to_string(po.id) : po.number);
        }
        return std::unexpected(
            http::Error{.kind = http::ErrorKind::shape,
                        .status = 200,
                        .message = std::to_string(found.size()) + " purchase orders carry " + tag
                                   + ": " + numbers
                                   + " (a copied PO?); resolve by hand, the reference must be "
                                     "on one PO only",
                        .body = {},
                        .attempts = 1,
                        .transport = http::TransportErrorKind::other});
    }
    return std::optional<PurchaseOrder>(std::move(found.front()));
}

std::expected<std::vector<SupplierSite>, http::Error>
PurchaseOrderApi::supplier_sites(std::int64_t supplier_id)
{
    Query query;
    query.order_by = "SupplierSiteId:asc";
    query.limit = 500;
    query.only_data = true;
    const std::string resource = "suppliers/" + std::to_string(supplier_id) + "/child/sites";
    std::vector<SupplierSite> sites;
    for (;;) {
        auto result = client_.get(resource, query, "/suppliers/{id}/child/sites");
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
            return std::unexpected(
                http::shape_error(result->status, "sites: not a collection (no items array)"));
        }
        for (const auto& item : items->GetArray()) {
            auto site = supplier_site_of(item);
            if (!site) {
                return std::unexpected(http::shape_error(result->status, site.error()));
            }
            sites.push_back(std::move(*site));
        }
        const PageMeta meta = page_meta_of(*doc, *items);
        // The echoed limit, as in read_collection: a pod capping at 499 is not a short page.
        const int limit = meta.limit > 0 ? meta.limit : query.limit;
        if (!meta.has_more || meta.count < limit || meta.count == 0) {
            break;
        }
        query.offset += meta.count;
        query.limit = limit;
    }
    return sites;
}

std::expected<ReadStats, http::Error>
PurchaseOrderApi::read_changed(const IncrementalCursor& cursor, const PurchaseOrderPageSink& sink,
                               int page_size)
{
    return read_collection(client_, purchase_order_collection(),
                           incremental_query(cursor, "POHeaderId"),
                           parsed_pages(parse_purchase_order_page, sink), page_size);
}

std::expected<ReadStats, http::Error>
PurchaseOrderApi::read_by_ids(const std::vector<std::int64_t>& ids,
                              const PurchaseOrderPageSink& sink)
{
    return oracle::read_by_ids(client_, purchase_order_collection(), ids,
                               parsed_pages(parse_purchase_order_page, sink));
}

} // namespace mlc::oracle
