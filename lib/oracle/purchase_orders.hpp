#pragma once
// Oracle purchase orders as plain structs: the body of POST /draftPurchaseOrders (header ->
// lines -> schedules -> distributions, every charge account explicit), the submit action, the
// lookup by the reference we write into a PO (how a lost answer is resolved without a second
// PO), the incremental read of /purchaseOrders with their children (POs born in Oracle going to
// Procore), and a supplier's sites. Money and quantities are decimal text end to end: the page
// parser takes numbers as the text Oracle sent, never through a double.
//
// Attribute names follow the reference (oracle-fusion.md §4, "Purchase orders"); where it says
// unconfirmed this file says so beside the field.
#include "oracle/client.hpp"
#include "oracle/incremental.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlc::oracle {

struct PoDistribution {
    int number = 1; // DistributionNumber
    // POChargeAccount: the concatenated segments ("101-2100-5110-000-000").
    std::string charge_account;
    std::string quantity; // QuantityOrdered (goods), decimal text; may be empty
    std::string amount;   // Amount (services), decimal text; may be empty
};

struct PoSchedule {
    int number = 1;               // ScheduleNumber
    std::string ship_to_location; // ShipToLocation (the location code/name)
    std::string need_by_date;     // NeedByDate, YYYY-MM-DD
    std::string quantity;         // Quantity (goods), decimal text
    std::string amount;           // Amount (services), decimal text
    std::vector<PoDistribution> distributions;
};

struct PoLine {
    int number = 1;            // LineNumber
    std::string line_type;     // LineType: "Goods" (quantity x price) or "Fixed Price Services"
    bool amount_based = false; // how this line is written: Amount instead of Quantity/UOM/Price
    std::string description;   // ItemDescription
    std::string category;      // CategoryName (may be empty: then not sent)
    std::string uom;           // UOM (goods)
    std::string quantity;      // Quantity (goods), decimal text
    std::string price;         // Price (goods), decimal text
    std::string amount;        // Amount: services lines; on read, the line total when sent
    std::vector<PoSchedule> schedules;
};

// A draft purchase order to create. Every business unit, the buyer and the site are sent by
// name: the configuration holds names, and Oracle resolves them (a name it does not know is a
// 400 naming the attribute, kept verbatim).
struct DraftPurchaseOrder {
    std::string procurement_bu;    // ProcurementBU
    std::string requisitioning_bu; // RequisitioningBU
    std::string bill_to_bu;        // BillToBU (empty: not sent)
    std::int64_t supplier_id = 0;  // SupplierId
    std::string supplier;          // Supplier (name; sent too when known)
    std::string supplier_site;     // SupplierSite (the site code)
    std::string buyer_email;       // BuyerEmail
    std::string currency;          // CurrencyCode
    std::string description;       // Description: carries the reference (see po_reference)
    // The reference in a header descriptive flexfield as well, when the customer configured one
    // (mapping.commitments.reference_dff): DFF: [{ <attribute>: <reference> }]. Unconfirmed per
    // pod: the flexfield must exist, so it is off unless configured.
    std::string dff_attribute;
    std::string reference;
    std::vector<PoLine> lines;
};

// The JSON body of POST /draftPurchaseOrders: header, lines, schedules, distributions nested.
// Numbers are written as JSON numbers from their decimal text (never through a double).
std::string draft_purchase_order_json(const DraftPurchaseOrder& po);

// How a PO we created names its Procore commitment: "[MLC <ref>]" at the end of Description,
// e.g. "[MLC POC-562949953421312]". The brackets make a LIKE match exact (123 never matches
// 1234), and neither '%' nor '_' appears in it, so it needs no LIKE escape.
std::string po_reference_tag(const std::string& reference);

// A PO as read back (a draft or a submitted one).
struct PurchaseOrder {
    std::int64_t id = 0;          // POHeaderId
    std::string number;           // OrderNumber
    std::string status;           // Status / StatusCode (INCOMPLETE, PENDING APPROVAL, OPEN …)
    std::int64_t supplier_id = 0; // SupplierId
    std::string supplier;         // Supplier
    std::string supplier_site;    // SupplierSite
    std::string procurement_bu;   // ProcurementBU
    std::string currency;         // CurrencyCode
    std::string description;      // Description
    std::string ordered;          // Ordered (total), decimal text; may be empty
    std::string creation_date;    // CreationDate
    std::string last_update_date; // LastUpdateDate
    std::string self_href;        // links[rel=self].href when present (the item URL to act on)
    bool draft = false;           // read from draftPurchaseOrders
    std::vector<PoLine> lines;    // with schedules and distributions when expanded
};

struct PurchaseOrderPage {
    PageMeta meta;
    std::vector<PurchaseOrder> orders;
};

// One PO object (the POST answer, an item GET) and one collection page. Children may be bare
// arrays (framework < 3) or collection objects {"items":[…]} (3+). Numbers are kept as text.
std::expected<PurchaseOrder, std::string> parse_purchase_order(const std::string& body);
std::expected<PurchaseOrderPage, std::string> parse_purchase_order_page(const std::string& body);

// One site of a supplier (GET /suppliers/{id}/child/sites).
struct SupplierSite {
    std::int64_t id = 0;        // SupplierSiteId
    std::string name;           // SupplierSite
    std::string procurement_bu; // ProcurementBU
    bool purchasing = false;    // SitePurposePurchasingFlag (boolean or "Y"/"N")
    std::string inactive_date;  // InactiveDate (YYYY-MM-DD or empty)
};

using PurchaseOrderPageSink = std::function<bool(PurchaseOrderPage&)>;

class PurchaseOrderApi {
public:
    explicit PurchaseOrderApi(Client& client) : client_(client) {}

    // POST /draftPurchaseOrders with a body from draft_purchase_order_json. Not idempotent: the
    // HTTP client resends it only when the server refused it before acting (429, 503, 401); after
    // any other failure the caller (the outbox) looks the PO up by its reference instead.
    std::expected<PurchaseOrder, http::Error> create_draft(const std::string& body);
    // POST <draft self href or draftPurchaseOrders/{POHeaderId}>/action/submit, body {}
    // (Content-Type application/vnd.oracle.adf.action+json). A second submit of a PO already
    // submitted is refused by Oracle; the caller checks the status first.
    std::expected<void, http::Error> submit(const PurchaseOrder& draft);
    // The PO carrying `reference` (po_reference_tag) in its Description: looked up in
    // draftPurchaseOrders (created, not yet submitted) and then purchaseOrders, with
    // q=Description LIKE '%<tag>'. nullopt when neither has it. More than one match is an
    // error of kind `shape` (someone copied the PO): the caller must not guess.
    std::expected<std::optional<PurchaseOrder>, http::Error>
    find_by_reference(const std::string& reference);
    // Every site of a supplier.
    std::expected<std::vector<SupplierSite>, http::Error> supplier_sites(std::int64_t supplier_id);
    // purchaseOrders with LastUpdateDate >= cursor.since past the compound cursor
    // (LastUpdateDate, POHeaderId), expanded to lines, schedules and distributions, page by page.
    std::expected<ReadStats, http::Error> read_changed(const IncrementalCursor& cursor,
                                                       const PurchaseOrderPageSink& sink,
                                                       int page_size = 100);
    // The given purchaseOrders again (by POHeaderId), expanded the same way.
    std::expected<ReadStats, http::Error> read_by_ids(const std::vector<std::int64_t>& ids,
                                                      const PurchaseOrderPageSink& sink);

private:
    Client& client_;
};

} // namespace mlc::oracle
