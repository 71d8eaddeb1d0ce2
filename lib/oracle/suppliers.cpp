#include "oracle/suppliers.hpp"

#include "core/json.hpp"
#include "oracle/read_support.hpp"

#include <utility>

namespace mlc::oracle {

namespace {

using read::child_rows;
using read::flag;
using read::text;

SupplierAddress parse_address(const rapidjson::Value& item)
{
    SupplierAddress a;
    a.id = json::get_id(item, "SupplierAddressId").value_or(0);
    a.name = text(item, "AddressName");
    a.line1 = text(item, "AddressLine1");
    a.line2 = text(item, "AddressLine2");
    a.line3 = text(item, "AddressLine3");
    a.line4 = text(item, "AddressLine4");
    a.city = text(item, "City");
    a.state = text(item, "State");
    a.postal_code = text(item, "PostalCode");
    a.country_code = text(item, "CountryCode");
    if (a.country_code.empty()) {
        a.country_code = text(item, "Country");
    }
    a.ordering = flag(item, "AddressPurposeOrderingFlag");
    a.remit_to = flag(item, "AddressPurposeRemitToFlag");
    a.primary = flag(item, "PrimaryAddressFlag");
    if (auto status = json::get_string(item, "Status")) {
        a.active = *status != "INACTIVE" && *status != "I";
    }
    return a;
}

} // namespace

std::expected<SupplierPage, std::string> parse_supplier_page(const std::string& body)
{
    auto doc = json::parse_in_place(body); // the document does not leave this function
    if (!doc) {
        return std::unexpected("malformed JSON at line " + std::to_string(doc.error().line) + ": "
                               + doc.error().message);
    }
    const auto* items = json::find(*doc, "items");
    if (items == nullptr || !items->IsArray()) {
        return std::unexpected(std::string("not a collection (no items array)"));
    }
    SupplierPage page;
    page.meta.count = static_cast<int>(items->Size());
    page.meta.has_more = json::get_bool(*doc, "hasMore").value_or(false);
    page.meta.limit = json::get_int(*doc, "limit").value_or(0);
    page.meta.offset = json::get_int(*doc, "offset").value_or(0);
    page.suppliers.reserve(items->Size());
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
        const auto& item = (*items)[i];
        if (!item.IsObject()) {
            return std::unexpected("item " + std::to_string(i) + " is not an object");
        }
        Supplier s;
        const auto id = json::get_id(item, "SupplierId");
        if (!id) {
            return std::unexpected("item " + std::to_string(i) + " has no integer SupplierId");
        }
        s.id = *id;
        s.last_update_date = text(item, "LastUpdateDate");
        if (s.last_update_date.empty()) {
            return std::unexpected("supplier " + std::to_string(s.id) + " has no LastUpdateDate");
        }
        s.number = text(item, "SupplierNumber");
        s.name = text(item, "Supplier");
        s.status = text(item, "Status");
        s.inactive_date = text(item, "InactiveDate");
        s.taxpayer_id = text(item, "TaxpayerId");
        if (const auto* addresses = child_rows(item, "addresses")) {
            for (const auto& a : addresses->GetArray()) {
                if (a.IsObject()) {
                    s.addresses.push_back(parse_address(a));
                }
            }
        }
        page.suppliers.push_back(std::move(s));
    }
    return page;
}

std::string supplier_fields()
{
    return "SupplierId,SupplierNumber,Supplier,Status,InactiveDate,LastUpdateDate,TaxpayerId;"
           "addresses:SupplierAddressId,AddressName,AddressLine1,AddressLine2,AddressLine3,"
           "AddressLine4,City,State,PostalCode,CountryCode,AddressPurposeOrderingFlag,"
           "AddressPurposeRemitToFlag,Status";
}

std::string supplier_query(const SupplierCursor& cursor)
{
    return incremental_query(cursor, "SupplierId");
}

namespace {

const CollectionSpec& supplier_collection()
{
    static const CollectionSpec spec{.resource = "suppliers",
                                     .path_template = "/suppliers",
                                     .key_attribute = "SupplierId",
                                     .fields = supplier_fields(),
                                     .expand = {},
                                     .order_by = {}};
    return spec;
}

} // namespace

std::expected<SupplierReadStats, http::Error> read_suppliers(Client& client,
                                                             const SupplierCursor& cursor,
                                                             const SupplierPageSink& sink,
                                                             int page_size)
{
    return read_collection(client, supplier_collection(), supplier_query(cursor),
                           parsed_pages(parse_supplier_page, sink), page_size);
}

std::expected<SupplierReadStats, http::Error>
read_suppliers_by_id(Client& client, const std::vector<std::int64_t>& ids,
                     const SupplierPageSink& sink)
{
    return read_by_ids(client, supplier_collection(), ids, parsed_pages(parse_supplier_page, sink));
}

} // namespace mlc::oracle
