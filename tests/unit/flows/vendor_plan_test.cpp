#include "sync/flows/suppliers/vendor_plan.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace mlc;
using namespace mlc::flows;

namespace {

oracle::Supplier supplier_named(std::int64_t id, std::string name, std::string tax = {})
{
    oracle::Supplier s;
    s.id = id;
    s.number = "N" + std::to_string(id);
    s.name = std::move(name);
    s.status = "ACTIVE";
    s.last_update_date = "2026-01-01T00:00:00.000+00:00";
    s.taxpayer_id = std::move(tax);
    oracle::SupplierAddress a;
    a.line1 = "1 Main St";
    a.city = "Austin";
    a.state = "TX";
    a.postal_code = "78701";
    a.country_code = "us";
    a.ordering = true;
    s.addresses.push_back(a);
    return s;
}

procore::Vendor vendor(std::int64_t id, std::string name, std::string origin = {},
                       std::string tax = {})
{
    procore::Vendor v;
    v.id = id;
    v.name = std::move(name);
    v.origin_id = std::move(origin);
    v.tax_id = std::move(tax);
    return v;
}

constexpr std::string_view k_today = "2026-06-01";

} // namespace

TEST_CASE("normalize_vendor_name ignores case, punctuation and legal forms", "[sync][vendor_plan]")
{
    CHECK(normalize_vendor_name("ACME Builders, Inc.") == "acme builders");
    CHECK(normalize_vendor_name("Acme-Builders LLC") == "acme builders");
    CHECK(normalize_vendor_name("acme builders L.L.C.") == "acme builders");
    CHECK(normalize_vendor_name("The Acme Builders Co., Ltd") == "acme builders");
    CHECK(normalize_vendor_name("Smith & Sons") == "smith and sons");
    CHECK(normalize_vendor_name("O'Brien Electric") == "obrien electric");
    // A name that is only a legal form keeps it (else every "Inc" would match every other).
    CHECK(normalize_vendor_name("Inc.") == "inc");
    CHECK(normalize_vendor_name("  ") == "");
    CHECK(normalize_vendor_name("Acme Builders") != normalize_vendor_name("Acme Build"));
    CHECK(normalize_tax_id("98-0337637") == normalize_tax_id("980337637"));
}

TEST_CASE("map_supplier builds the vendor from the primary address and the status",
          "[sync][vendor_plan]")
{
    auto s = supplier_named(300000047507499, "Acme");
    oracle::SupplierAddress remit;
    remit.line1 = "PO Box 9";
    remit.city = "Dallas";
    remit.remit_to = true;
    s.addresses.insert(s.addresses.begin(), remit);
    auto item = map_supplier(s, k_today);
    CHECK(item.origin_id == "300000047507499");
    CHECK(item.origin_code == "N300000047507499");
    CHECK(item.name == "Acme");
    CHECK(item.address == "1 Main St"); // the ordering (primary) address beats remit-to
    CHECK(item.city == "Austin");
    CHECK(item.country_code == "US");
    CHECK(item.is_active);
    CHECK(item.origin_data.find("2026-01-01T00:00:00.000+00:00") != std::string::npos);
    CHECK_FALSE(item.id.has_value());

    s.addresses.erase(s.addresses.begin() + 1);
    CHECK(map_supplier(s, k_today).city == "Dallas"); // remit-to when there is no primary

    s.status = "INACTIVE";
    CHECK_FALSE(map_supplier(s, k_today).is_active);
    s.status = "ACTIVE";
    s.inactive_date = "2026-06-01";
    CHECK_FALSE(map_supplier(s, k_today).is_active); // inactive from that day
    s.inactive_date = "4712-12-31";
    CHECK(map_supplier(s, k_today).is_active); // Oracle's end of time
}

TEST_CASE("vendor_fingerprint changes with content but not with origin_data or id",
          "[sync][vendor_plan]")
{
    auto item = map_supplier(supplier_named(1, "Acme"), k_today);
    const auto fp = vendor_fingerprint(item);
    auto same = item;
    same.origin_data = "{\"LastUpdateDate\":\"later\"}";
    same.id = 9;
    CHECK(vendor_fingerprint(same) == fp);
    auto renamed = item;
    renamed.name = "Acme 2";
    CHECK(vendor_fingerprint(renamed) != fp);
    auto inactive = item;
    inactive.is_active = false;
    CHECK(vendor_fingerprint(inactive) != fp);
}

TEST_CASE("plan_vendor: create, skip, update, echo", "[sync][vendor_plan]")
{
    const auto s = supplier_named(5, "Acme");
    auto d = plan_vendor(s, std::nullopt, nullptr, k_today);
    CHECK(d.action == VendorAction::create);
    CHECK_FALSE(d.item.id.has_value());

    VendorLinkState link{.target_key = "77", .fingerprint = d.fingerprint, .origin = "oracle"};
    auto skip = plan_vendor(s, link, nullptr, k_today);
    CHECK(skip.action == VendorAction::skip);
    CHECK(skip.procore_id == 77);

    link.fingerprint = "old";
    auto upd = plan_vendor(s, link, nullptr, k_today);
    CHECK(upd.action == VendorAction::update);
    CHECK(upd.before_fp == "old");
    CHECK(upd.fingerprint == d.fingerprint);

    link.origin = "procore";
    CHECK(plan_vendor(s, link, nullptr, k_today).action == VendorAction::echo);
}

TEST_CASE("plan_vendor links a unique pre-existing vendor and reports ambiguity",
          "[sync][vendor_plan]")
{
    VendorIndex index;
    index.add(vendor(100, "ACME Builders, Inc."));
    index.add(vendor(200, "Beta LLC"));
    index.add(vendor(201, "beta"));
    index.add(vendor(300, "Gamma Co", "999")); // another integration's vendor: never linked
    index.add(vendor(400, "Delta", "", "11-111"));
    index.add(vendor(401, "Delta", "", "22-222"));

    auto acme = plan_vendor(supplier_named(1, "Acme Builders LLC"), std::nullopt, &index, k_today);
    CHECK(acme.action == VendorAction::link);
    CHECK(acme.item.id == 100);
    CHECK(acme.procore_id == 100);

    auto beta = plan_vendor(supplier_named(2, "Beta"), std::nullopt, &index, k_today);
    CHECK(beta.action == VendorAction::ambiguous);
    CHECK(beta.message.find("200") != std::string::npos);
    CHECK(beta.message.find("201") != std::string::npos);

    CHECK(plan_vendor(supplier_named(3, "Gamma"), std::nullopt, &index, k_today).action
          == VendorAction::create);

    // Same name twice, told apart by the tax id.
    auto delta = plan_vendor(supplier_named(4, "Delta", "222-22"), std::nullopt, &index, k_today);
    CHECK(delta.action == VendorAction::link);
    CHECK(delta.item.id == 401);
    // A tax id that matches neither: both have a different known tax id -> a new vendor.
    CHECK(plan_vendor(supplier_named(5, "Delta", "33-333"), std::nullopt, &index, k_today).action
          == VendorAction::create);
    // Without a tax id, the two Deltas are ambiguous.
    CHECK(plan_vendor(supplier_named(6, "Delta"), std::nullopt, &index, k_today).action
          == VendorAction::ambiguous);

    // Our own origin_id already on a vendor (state lost): re-attached, not created again.
    index.add(vendor(500, "Whatever", "7"));
    auto own = plan_vendor(supplier_named(7, "Epsilon"), std::nullopt, &index, k_today);
    CHECK(own.action == VendorAction::link);
    CHECK(own.item.id == 500);
}

TEST_CASE("plan_vendors dedupes SupplierIds and never links two suppliers to one vendor",
          "[sync][vendor_plan]")
{
    VendorIndex index;
    index.add(vendor(100, "Acme"));
    std::map<std::int64_t, VendorLinkState> links;
    auto renamed = supplier_named(1, "Acme Old");
    auto latest = supplier_named(1, "Acme");
    const std::vector<oracle::Supplier> input{renamed, supplier_named(2, "ACME Inc."), latest};
    auto plan = plan_vendors(
        input,
        [&links](std::int64_t id) -> std::optional<VendorLinkState> {
            auto it = links.find(id);
            return it == links.end() ? std::nullopt : std::optional(it->second);
        },
        &index, k_today);
    REQUIRE(plan.decisions.size() == 2);
    CHECK(plan.decisions[0].supplier_id == 2); // first in order after dedupe
    CHECK(plan.decisions[0].action == VendorAction::link);
    CHECK(plan.decisions[1].supplier_id == 1);
    CHECK(plan.decisions[1].item.name == "Acme");            // the last version of supplier 1 won
    CHECK(plan.decisions[1].action == VendorAction::create); // vendor 100 was already claimed
    CHECK(plan.summary.link == 1);
    CHECK(plan.summary.create == 1);
    CHECK(plan.summary.total() == 2);
}
