// Config parsing and validation: the starter config, every error kind's exact message, comments,
// secret-looking keys, the Oracle REST root and the https rule.
#include "core/config.hpp"
#include "core/embedded.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace core_config_test {

namespace {

const std::string k_minimal = R"({
  "oracle": { "base_url": "https://acme.fa.us2.oraclecloud.com",
              "token_url": "https://idcs-1.identity.oraclecloud.com/oauth2/v1/token",
              "client_id": "oid" },
  "procore": { "client_id": "pid", "company_id": 6452 }
})";

std::string replace(std::string text, const std::string& from, const std::string& to)
{
    const auto pos = text.find(from);
    REQUIRE(pos != std::string::npos);
    return text.replace(pos, from.size(), to);
}

std::string error_of(const std::string& text)
{
    try {
        (void)mlc::parse_config(text, "/etc/mlc/ml-connector.json");
    } catch (const mlc::ConfigError& e) {
        CHECK(e.code() == mlc::ExitCode::usage);
        CHECK_FALSE(e.hint().empty());
        return e.what();
    }
    FAIL("no ConfigError for: " << text);
    return {};
}

// The minimal config with `mapping_json` as its mapping section; its parsed cost_codes part.
std::optional<mlc::CostCodeMappingConfig> parse_cost_code_mapping(const std::string& mapping_json)
{
    auto text = k_minimal;
    text.insert(text.rfind('}'), R"(, "mapping": )" + mapping_json);
    return mlc::parse_config(text, "/etc/mlc/ml-connector.json").mapping.cost_codes;
}

} // namespace

TEST_CASE("the starter config parses and carries the example values", "[config]")
{
    const auto cfg = mlc::parse_config(mlc::starter_config_text(), "/srv/mlc/ml-connector.json");
    CHECK(cfg.oracle.base_url == "https://acme.fa.us2.oraclecloud.com");
    CHECK(cfg.oracle.rest_root
          == "https://acme.fa.us2.oraclecloud.com/fscmRestApi/resources/11.13.18.05");
    CHECK(cfg.procore.company_id == 1234);
    CHECK(cfg.state.path == "/srv/mlc/ml-connector.db");
    CHECK(cfg.state.spool_dir == "/srv/mlc/spool");
    CHECK(cfg.state.key_file == "/srv/mlc/ml-connector.key");
    CHECK(cfg.http.max_attempts == 6);
    CHECK(cfg.webhooks.namespace_name == "ml-connector");
    CHECK(cfg.mapping.project(42)->procurement_bu == "US1 Business Unit");
    CHECK(cfg.mapping.commitments.category == "Construction Materials");
    CHECK(cfg.mapping.chart.cost_center_segment == 2);
    CHECK(cfg.mapping.project(42)->business_unit == "US1 Business Unit");
    // The invoices section turns the Payables flow on, with its defaults where not given.
    CHECK(cfg.mapping.invoices.enabled);
    CHECK(cfg.mapping.invoices.statuses == std::vector<std::string>{"approved"});
    CHECK(cfg.mapping.invoices.sweep_every_seconds == 3600);
    CHECK(cfg.mapping.invoices.retainage_account.empty());
    CHECK(cfg.mapping.invoices.write_back);
    CHECK(cfg.mapping.invoices.payments); // Oracle payments come back to Procore by default
    // Every mapping section the schema has is shown working (issue 15 item 9).
    REQUIRE(cfg.mapping.cost_codes);
    CHECK(cfg.mapping.cost_codes->natural_segment == 3);
    CHECK(cfg.mapping.cost_codes->code_segments == std::vector<int>{2, 3});
    CHECK(cfg.mapping.cost_code_accounts.at("01-100") == "101-1000-5100-000-000");
    CHECK(cfg.mapping.cost_types.at("Labor") == "5110");
    CHECK(cfg.mapping.journal.configured);
    std::string schema_text;
    for (const auto& f : mlc::embedded::schemas()) {
        if (f.name == "config.schema.json") {
            schema_text = f.content;
        }
    }
    const auto schema = mlc::json::parse(schema_text);
    REQUIRE(schema);
    const auto& sections = (*schema)["properties"]["mapping"]["properties"];
    for (auto it = sections.MemberBegin(); it != sections.MemberEnd(); ++it) {
        const std::string key = std::string("\"") + it->name.GetString() + "\":";
        CHECK_THAT(mlc::starter_config_text(), Catch::Contains(key));
    }
    // No secret-ish material in the starter text.
    CHECK(mlc::starter_config_text().find("\"client_secret\"") == std::string::npos);
}

TEST_CASE("a minimal config gets the documented defaults", "[config]")
{
    const auto cfg = mlc::parse_config(k_minimal, "cfg.json");
    CHECK(cfg.procore.base_url == "https://api.procore.com");
    CHECK(cfg.oracle.scope == "urn:opc:resource:consumer::all");
    CHECK(cfg.oracle.poll_overlap_seconds == 300);
    CHECK(cfg.http.total_timeout_ms == 120'000);
    CHECK(cfg.state.path == "ml-connector.db"); // no folder in the origin: left relative
    CHECK_FALSE(cfg.mapping.invoices.enabled);  // no mapping.invoices: no Payables writes
}

TEST_CASE("large company ids are read exactly", "[config]")
{
    const auto cfg = mlc::parse_config(replace(k_minimal, "6452", "9007199254740993"), "c.json");
    CHECK(cfg.procore.company_id == 9'007'199'254'740'993LL);
}

TEST_CASE("comments are stripped outside strings only", "[config]")
{
    const std::string text = "// leading comment\n"
                             + replace(k_minimal, "\"client_id\": \"oid\" },",
                                       "\"client_id\": \"o//id\" }, // trailing \"quote");
    const auto cfg = mlc::parse_config(text, "c.json");
    CHECK(cfg.oracle.client_id == "o//id");
}

TEST_CASE("type errors name the pointer and the expected type", "[config]")
{
    CHECK(error_of(replace(k_minimal, "6452", "\"6452\""))
          == "config /procore/company_id: expected integer, got string");
    CHECK(error_of(replace(k_minimal, "6452", "64.5"))
          == "config /procore/company_id: expected integer, got number");
    CHECK(error_of("[]") == "config /: expected object, got array");
}

TEST_CASE("a missing required key is named", "[config]")
{
    CHECK(error_of(replace(k_minimal, "\"client_id\": \"oid\"", "\"scope\": \"x\""))
          == "config /oracle: missing required key \"client_id\"");
    CHECK(
        error_of(
            R"({"oracle": {"base_url": "https://a.example.com", "token_url": "https://b.example.com", "client_id": "x"}})")
        == "config /: missing required key \"procore\"");
}

TEST_CASE("an unknown key is refused at every level", "[config]")
{
    CHECK(error_of(replace(k_minimal, "\"client_id\": \"oid\"",
                           "\"client_id\": \"oid\", \"pod_url\": \"x\""))
          == "config /oracle/pod_url: unknown key");
    CHECK(error_of(replace(k_minimal, "\"procore\"", "\"stat\": {}, \"procore\""))
          == "config /stat: unknown key");
}

TEST_CASE("every schema error in a file is reported at once, each with its pointer", "[config]")
{
    // An unknown key, a wrong type in a required key, a range error and a missing required key,
    // in three sections: one ConfigErrors naming all four, in document order of discovery.
    const std::string text = R"({
      "oracle": { "base_url": 5, "token_url": "https://idcs-1.identity.oraclecloud.com/t",
                  "client_id": "oid", "pod_url": "x" },
      "procore": { "client_id": "pid", "company_id": 0 },
      "http": { "max_attempts": "six" },
      "mapping": { "invoices": { "statuses": "approved" } }
    })";
    try {
        (void)mlc::parse_config(text, "/etc/mlc/ml-connector.json");
        FAIL("no error");
    } catch (const mlc::ConfigErrors& e) {
        std::vector<std::string> errors = e.errors();
        std::sort(errors.begin(), errors.end());
        CHECK(errors
              == std::vector<std::string>{
                  "config /http/max_attempts: expected integer, got string",
                  "config /mapping/invoices/statuses: expected array, got string",
                  "config /oracle/base_url: expected string, got integer",
                  "config /oracle/pod_url: unknown key",
                  "config /procore/company_id: expected integer >= 1, got 0"});
        // One line for main's `error:` contract: the same errors joined by "; ".
        const std::string what = e.what();
        CHECK(what.find('\n') == std::string::npos);
        CHECK(std::count(what.begin(), what.end(), ';') == 4);
        CHECK(what.starts_with("config /"));
    }

    // A missing section is one error, not one per key it would have held.
    try {
        (void)mlc::parse_config(R"({"oracle": {"base_url": "https://a.example.com",
                                     "token_url": "https://b.example.com/t", "client_id": "o"}})",
                                "/x.json");
        FAIL("no error");
    } catch (const mlc::ConfigErrors& e) {
        CHECK(e.errors() == std::vector<std::string>{"config /: missing required key \"procore\""});
    }
}

TEST_CASE("range and pattern errors say what was expected", "[config]")
{
    CHECK(error_of(replace(k_minimal, "6452", "0"))
          == "config /procore/company_id: expected integer >= 1, got 0");
    CHECK(error_of(
              replace(k_minimal, "\"https://acme.fa.us2.oraclecloud.com\"", "\"acme.example.com\""))
          == "config /oracle/base_url: expected an http(s) URL, got \"acme.example.com\"");
    CHECK(error_of(replace(k_minimal, "\"oid\"", "\"\""))
          == "config /oracle/client_id: expected a non-empty string");
}

TEST_CASE("malformed JSON names file, line and column", "[config]")
{
    const std::string text = "{\n  \"oracle\": {\n    \"base_url\": \"x\"\n    \"token_url\": 1\n}";
    CHECK(
        error_of(text)
        == "config /etc/mlc/ml-connector.json:4:5: Missing a comma or '}' after an object member.");
}

TEST_CASE("secret-looking keys are refused with a pointer to creds set", "[config]")
{
    for (const std::string key :
         {"client_secret", "secret", "password", "token", "Webhook_Secret"}) {
        const auto text = replace(k_minimal, "\"client_id\": \"pid\"",
                                  "\"client_id\": \"pid\", \"" + key + "\": \"hunter22\"");
        try {
            (void)mlc::parse_config(text, "c.json");
            FAIL("accepted " << key);
        } catch (const mlc::ConfigError& e) {
            const std::string what = e.what();
            CHECK(what == "config /procore/" + key + ": secrets do not belong in the config file");
            CHECK(std::string(e.hint()).find("ml-connector creds set") != std::string::npos);
            CHECK(what.find("hunter22") == std::string::npos);
        }
    }
    // Nested anywhere, even in the free-form mapping.
    CHECK(error_of(replace(k_minimal, "\"procore\"",
                           "\"mapping\": {\"x\": [{\"password\": \"p\"}]}, \"procore\""))
          == "config /mapping/x/0/password: secrets do not belong in the config file");
    // token_url is not a secret.
    CHECK_NOTHROW(mlc::parse_config(k_minimal, "c.json"));
}

TEST_CASE("the Oracle REST root is appended once", "[config]")
{
    const std::string root = "/fscmRestApi/resources/11.13.18.05";
    CHECK(mlc::oracle_rest_root("https://a.oraclecloud.com") == "https://a.oraclecloud.com" + root);
    CHECK(mlc::oracle_rest_root("https://a.oraclecloud.com///")
          == "https://a.oraclecloud.com" + root);
    CHECK(mlc::oracle_rest_root("https://a.oraclecloud.com" + root + "/")
          == "https://a.oraclecloud.com" + root);
    CHECK(mlc::oracle_rest_root("https://a.oraclecloud.com/fscmRestApi/resources/latest")
          == "https://a.oraclecloud.com/fscmRestApi/resources/latest");
    CHECK(mlc::oracle_rest_root("http://127.0.0.1:9000/fscmRestApi/resources")
          == "http://127.0.0.1:9000" + root);
    CHECK(mlc::oracle_rest_root("http://127.0.0.1:9000/fscmRestApi")
          == "http://127.0.0.1:9000" + root);
}

TEST_CASE("plain http is allowed only for loopback hosts", "[config]")
{
    CHECK_NOTHROW(mlc::require_secure_url("https://x.example.com", "/oracle/base_url"));
    CHECK_NOTHROW(mlc::require_secure_url("http://127.0.0.1:8080/x", "/oracle/base_url"));
    CHECK_NOTHROW(mlc::require_secure_url("http://127.1.2.3", "/oracle/base_url"));
    CHECK_NOTHROW(mlc::require_secure_url("http://localhost:1", "/oracle/base_url"));
    CHECK_NOTHROW(mlc::require_secure_url("http://[::1]:9/p", "/oracle/base_url"));
    CHECK_THROWS_WITH(
        mlc::require_secure_url("http://acme.example.com", "/oracle/base_url"),
        Catch::StartsWith("config /oracle/base_url: plain http is allowed only for loopback"));
    CHECK_THROWS_AS(mlc::require_secure_url("http://127.0.0.1.evil.com", "/p"), mlc::ConfigError);
    CHECK_THROWS_AS(mlc::require_secure_url("http://localhost.evil.com", "/p"), mlc::ConfigError);
    CHECK_THROWS_AS(mlc::require_secure_url("ftp://127.0.0.1", "/p"), mlc::ConfigError);
    CHECK(
        error_of(replace(k_minimal, "\"pid\"", "\"pid\", \"base_url\": \"http://api.procore.com\""))
            .starts_with("config /procore/base_url: plain http"));
    const auto cfg = mlc::parse_config(
        replace(k_minimal, "\"https://acme.fa.us2.oraclecloud.com\"", "\"http://127.0.0.1:4010/\""),
        "c");
    CHECK(cfg.oracle.rest_root == "http://127.0.0.1:4010/fscmRestApi/resources/11.13.18.05");
}

TEST_CASE("load_config resolves state paths against the file's folder", "[config]")
{
    mlc::test::TempDir dir;
    const auto file = dir.path() / "ml-connector.json";
    std::ofstream(file) << replace(
        k_minimal, "\"procore\"",
        "\"state\": {\"path\": \"db/state.db\", \"key_file\": \"/abs/k\"}, \"procore\"");
    const auto cfg = mlc::load_config(file);
    CHECK(cfg.state.path == dir.path() / "db/state.db");
    CHECK(cfg.state.key_file == "/abs/k");
    CHECK(cfg.state.spool_dir == dir.path() / "spool");
    CHECK(cfg.file == file);
}

TEST_CASE("load_config on a missing file says so and points at init", "[config]")
{
    mlc::test::TempDir dir;
    const auto file = dir.path() / "nope.json";
    try {
        (void)mlc::load_config(file);
        FAIL("loaded a missing file");
    } catch (const mlc::ConfigError& e) {
        CHECK(std::string(e.what()) == "config: cannot read " + file.string());
        CHECK(e.hint() == "run ml-connector init");
    }
}

TEST_CASE("mapping.cost_codes is read into its struct and bad values are named by pointer",
          "[config][cost_codes]")
{
    using mlc::ConfigError;
    CHECK_FALSE(parse_cost_code_mapping("{}").has_value());
    CHECK_FALSE(mlc::parse_config(k_minimal, "/etc/mlc/ml-connector.json").mapping.cost_codes);
    auto m = parse_cost_code_mapping(
        R"({"cost_codes":{"natural_account_segment":"Segment3","code_segments":[2,3],
        "account_types":["E"],"account_ranges":[["5000","5999"]],"list_name":"GL"}})");
    REQUIRE(m.has_value());
    CHECK(m->natural_segment == 3);
    CHECK(m->code_segments == std::vector<int>{2, 3});
    CHECK(m->account_types == std::vector<std::string>{"E"});
    CHECK(m->ranges.size() == 1);
    CHECK(m->list_name == "GL");
    CHECK_THROWS_WITH(parse_cost_code_mapping(R"({"cost_codes":{}})"),
                      Catch::Contains("/mapping/cost_codes/natural_account_segment"));
    CHECK_THROWS_AS(parse_cost_code_mapping(R"({"cost_codes":{"natural_account_segment":99}})"),
                    ConfigError);
    CHECK_THROWS_WITH(
        parse_cost_code_mapping(
            R"({"cost_codes":{"natural_account_segment":3,"account_ranges":[["1"]]}})"),
        Catch::Contains("/mapping/cost_codes/account_ranges/0"));
    CHECK_THROWS_AS(parse_cost_code_mapping(R"({"cost_codes":[]})"), ConfigError);
}

namespace {

mlc::Config with_mapping(const std::string& mapping_json, const std::string& procore_extra = "")
{
    auto text = k_minimal;
    text.insert(text.rfind('}'), R"(, "mapping": )" + mapping_json);
    if (!procore_extra.empty()) {
        text = replace(text, R"("company_id": 6452)", R"("company_id": 6452, )" + procore_extra);
    }
    return mlc::parse_config(text, "/etc/mlc/ml-connector.json");
}

std::string mapping_error(const std::string& mapping_json)
{
    auto text = k_minimal;
    text.insert(text.rfind('}'), R"(, "mapping": )" + mapping_json);
    return error_of(text);
}

} // namespace

TEST_CASE("mapping.projects: a project's entry over the default, field by field",
          "[config][mapping]")
{
    const auto cfg = with_mapping(R"({
        "projects": {"default": {"procurement_bu": "US1 BU", "requisitioning_bu": "US1 BU",
                                 "ship_to_location": "US1 HQ", "buyer_email": "b@x.com",
                                 "currency": "USD", "cost_center": "1000"},
                     "219542": {"cost_center": "2100", "currency": "CAD"}}})");
    const auto p = cfg.mapping.project(219542);
    REQUIRE(p.has_value());
    CHECK(p->cost_center == "2100");
    CHECK(p->currency == "CAD");
    CHECK(p->procurement_bu == "US1 BU");
    CHECK(p->ship_to_location == "US1 HQ");
    const auto other = cfg.mapping.project(7);
    REQUIRE(other.has_value());
    CHECK(other->cost_center == "1000");
    CHECK(cfg.mapping.project_ids() == std::vector<std::int64_t>{219542});

    const auto none = with_mapping(R"({"projects": {"5": {"cost_center": "5000"}}})");
    CHECK_FALSE(none.mapping.project(6).has_value());
    CHECK(none.mapping.project(5)->cost_center == "5000");

    CHECK_THAT(mapping_error(R"({"projects": {"acme": {}}})"),
               Catch::Contains("/mapping/projects/acme"));
    CHECK_THAT(mapping_error(R"({"projects": {"5": {"cost_centre": "1"}}})"),
               Catch::Contains("/mapping/projects/5/cost_centre: unknown key"));
    CHECK_THAT(mapping_error(R"({"projects": {"5": {"currency": "usd"}}})"),
               Catch::Contains("/mapping/projects/5/currency"));
}

TEST_CASE("mapping.commitments, chart, cost types and accounts: defaults and values",
          "[config][mapping]")
{
    const auto defaults = with_mapping("{}");
    const auto& c = defaults.mapping.commitments;
    CHECK(c.statuses == std::vector<std::string>{"Approved"});
    CHECK(c.purchase_orders);
    CHECK(c.work_orders);
    CHECK_FALSE(c.supplier_site.has_value());
    CHECK(c.uom == "Each");
    CHECK(c.goods_line_type == "Goods");
    CHECK(c.services_line_type == "Fixed Price Services");
    CHECK(defaults.mapping.chart.delimiter == '-');
    CHECK(defaults.mapping.chart.cost_center_segment == 2);
    CHECK(defaults.procore.sweep_every_seconds == 86400);

    const auto cfg = with_mapping(R"({
        "chart": {"delimiter": ".", "cost_center_segment": 3,
                  "segments": ["company", "lob", "department", "account"]},
        "commitments": {"statuses": ["Approved", "Complete"], "types": ["work_order"],
                        "supplier_site": "MAIN", "category": "Construction Materials",
                        "uom": "EA", "reference_dff": "procoreRef", "need_by_days": 14},
        "cost_codes": {"accounts": {"01-100": "101-1000-5110-000-000"}},
        "cost_types": {"Labor": "5100"}})",
                                  R"("sweep_every": "30m")");
    const auto& m = cfg.mapping;
    CHECK(m.chart.delimiter == '.');
    CHECK(m.chart.cost_center_segment == 3);
    CHECK(m.chart.segments.size() == 4);
    CHECK(m.commitments.statuses == std::vector<std::string>{"Approved", "Complete"});
    CHECK_FALSE(m.commitments.purchase_orders);
    CHECK(m.commitments.work_orders);
    CHECK(m.commitments.supplier_site == "MAIN");
    CHECK(m.commitments.category == "Construction Materials");
    CHECK(m.commitments.reference_dff == "procoreRef");
    CHECK(m.commitments.need_by_days == 14);
    CHECK(m.cost_code_accounts.at("01-100") == "101-1000-5110-000-000");
    CHECK(m.cost_types.at("Labor") == "5100");
    CHECK_FALSE(m.cost_codes.has_value()); // accounts alone: no GL account -> cost code flow
    CHECK(cfg.procore.sweep_every_seconds == 1800);

    CHECK_THAT(mapping_error(R"({"chart": {"cost_center_segment": 5, "segments": ["a", "b"]}})"),
               Catch::Contains("/mapping/chart/cost_center_segment"));
    CHECK_THAT(mapping_error(R"({"commitments": {"types": ["subcontract"]}})"),
               Catch::Contains("/mapping/commitments/types/0"));
    CHECK_THAT(mapping_error(R"({"commitments": {"statuses": "Approved"}})"),
               Catch::Contains("/mapping/commitments/statuses: expected array, got string"));
    CHECK_THAT(mapping_error(R"({"cost_types": {"Labor": 5100}})"),
               Catch::Contains("/mapping/cost_types/Labor"));
    CHECK_THAT(mapping_error(R"({"comitments": {}})"),
               Catch::Contains("/mapping/comitments: unknown key"));
    auto text = k_minimal;
    text = replace(text, R"("company_id": 6452)", R"("company_id": 6452, "sweep_every": "1 day")");
    CHECK_THAT(error_of(text), Catch::Contains("/procore/sweep_every"));
}

TEST_CASE("a sweep interval is at most 100 years however many digits it has", "[config]")
{
    const auto sweep_every = [](const std::string& value) {
        return replace(k_minimal, R"("company_id": 6452)",
                       R"("company_id": 6452, "sweep_every": ")" + value + R"(")");
    };
    CHECK(mlc::parse_config(sweep_every("36500d"), "c.json").procore.sweep_every_seconds
          == 36500LL * 86400);
    CHECK(error_of(sweep_every("36501d"))
          == "config /procore/sweep_every: 36501d is longer than 100 years (36500d)");
    // Past what an int64 holds (once a std::out_of_range escaping the config parser), and past
    // it once multiplied (once a signed overflow).
    CHECK_THAT(error_of(sweep_every("99999999999999999999h")),
               Catch::Contains("/procore/sweep_every: 99999999999999999999h is longer"));
    CHECK_THAT(error_of(sweep_every("9999999999999999h")),
               Catch::Contains("/procore/sweep_every: 9999999999999999h is longer"));
    auto invoices = k_minimal;
    invoices.insert(invoices.rfind('}'),
                    R"(, "mapping": {"invoices": {"sweep_every": "9999999999999999d"}})");
    CHECK_THAT(error_of(invoices), Catch::Contains("/mapping/invoices/sweep_every: "));
}

} // namespace core_config_test
