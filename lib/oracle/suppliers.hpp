#pragma once
// Oracle suppliers as plain structs, and the incremental reader that streams them page by page
// (one page in memory at a time) in LastUpdateDate, SupplierId order. The sync code never sees
// the JSON: parse_supplier_page() is the edge.
#include "oracle/client.hpp"
#include "oracle/incremental.hpp"

#include <cstdint>
#include <expected>
#include <functional>
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

// Where to start reading (the compound cursor, see oracle/incremental.hpp).
using SupplierCursor = IncrementalCursor;

// Called once per parsed page; return false to stop reading (the caller's choice).
using SupplierPageSink = std::function<bool(SupplierPage&)>;

using SupplierReadStats = ReadStats;

// Reads suppliers with LastUpdateDate >= cursor.since past the cursor, ordered by
// (LastUpdateDate, SupplierId), `page_size` per request (see read_collection).
std::expected<SupplierReadStats, http::Error> read_suppliers(Client& client,
                                                             const SupplierCursor& cursor,
                                                             const SupplierPageSink& sink,
                                                             int page_size = 500);

// Reads the given suppliers again (a handful: one GET per 50 ids), whatever their
// LastUpdateDate: how a pass re-evaluates records whose mapping changes with the date alone.
std::expected<SupplierReadStats, http::Error>
read_suppliers_by_id(Client& client, const std::vector<std::int64_t>& ids,
                     const SupplierPageSink& sink);

// The q expression: incremental_query(cursor, "SupplierId").
std::string supplier_query(const SupplierCursor& cursor);

} // namespace mlc::oracle
