#pragma once
// Oracle suppliers as plain structs, and the incremental reader that streams them page by page
// (one page in memory at a time) in LastUpdateDate, SupplierId order. The sync code never sees
// the JSON: parse_supplier_page() is the edge.
#include "oracle/client.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlc::oracle {

// One row of the supplier's `addresses` child.
struct SupplierAddress {
    std::int64_t id = 0; // SupplierAddressId
    std::string name;    // AddressName
    std::string line1, line2, line3, line4;
    std::string city;
    std::string state;
    std::string postal_code;
    std::string country_code; // ISO 3166 alpha-2 as Oracle stores it
    bool ordering = false;    // AddressPurposeOrderingFlag: the supplier's primary address
    bool remit_to = false;    // AddressPurposeRemitToFlag
    bool primary = false;     // PrimaryAddressFlag, when the pod exposes one
    bool active = true;       // Status != INACTIVE
};

struct Supplier {
    std::int64_t id = 0;          // SupplierId
    std::string number;           // SupplierNumber
    std::string name;             // Supplier
    std::string status;           // Status: ACTIVE / INACTIVE
    std::string inactive_date;    // InactiveDate, YYYY-MM-DD or empty
    std::string last_update_date; // LastUpdateDate, ISO-8601 as Oracle sent it
    std::string taxpayer_id;      // TaxpayerId (may be masked or absent)
    std::vector<SupplierAddress> addresses;
};

struct SupplierPage {
    PageMeta meta;
    std::vector<Supplier> suppliers;
};

// Parses one `suppliers` collection page. Items missing SupplierId or LastUpdateDate are an
// error (the cursor cannot be advanced past a record without them). The `addresses` child may
// be a bare array (framework v1/v2) or a collection object {"items":[…]} (v3+).
std::expected<SupplierPage, std::string> parse_supplier_page(const std::string& body);

// The fields and child projection the supplier pass reads: one GET per page, no expand.
std::string supplier_fields();

// Where to start reading.
struct SupplierCursor {
    std::string since; // ISO-8601; empty = from the beginning (full read)
    // The compound watermark (LastUpdateDate, SupplierId) of the last applied record. When set,
    // records at exactly that time are read only past that id: thousands of suppliers can
    // share one stamp (a mass update), and re-reading them all on every pass would defeat the
    // incremental read. The overlap (`since` earlier than after_time) still re-reads records
    // committed late with an earlier stamp.
    std::string after_time;
    std::string after_key;
};

// Called once per parsed page; return false to stop reading (the caller's choice).
using SupplierPageSink = std::function<bool(SupplierPage&)>;

struct SupplierReadStats {
    int pages = 0;
    std::int64_t records = 0;
};

// Reads suppliers with LastUpdateDate >= cursor.since, ordered by (LastUpdateDate, SupplierId),
// `page_size` per request (the echoed server limit is followed from the second page on). Stops
// on hasMore=false or a page shorter than the limit. Errors are the HTTP error, or a shape error
// as http::Error{kind=status, message="unexpected response: …"}.
std::expected<SupplierReadStats, http::Error> read_suppliers(Client& client,
                                                             const SupplierCursor& cursor,
                                                             const SupplierPageSink& sink,
                                                             int page_size = 500);

// The q expression (framework v2+ syntax): LastUpdateDate>='<since>', and with a cursor
// "and (LastUpdateDate!='<after_time>' or SupplierId><after_key>)".
std::string supplier_query(const SupplierCursor& cursor);

} // namespace mlc::oracle
