// Tests of the Oracle Fusion simulator over HTTP, against in-process Simulators on port 0:
// token endpoint, REST query rules, errors, faults, stats, invoices, draft POs, Journal
// Import through erpintegrations, admin mutate, sample shapes and pages at 100,000 suppliers.
#include "oracle_sim.hpp"
#include "sample_shape.hpp"
#include "simulators.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace mlc::sim;

using mlc::sim::testing::load_sample;
using mlc::sim::testing::Numbers;
using mlc::sim::testing::same_shape;

namespace {

const std::string k_root = "/fscmRestApi/resources/11.13.18.05";

rapidjson::Document parse(const std::string& body)
{
    rapidjson::Document d;
    d.Parse(body.c_str());
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

std::string fmt_hex(unsigned char c)
{
    static const char* hex = "0123456789ABCDEF";
    return std::string{'%', hex[c >> 4], hex[c & 15]};
}

// Percent-encoding for query values (q contains quotes, spaces, > and +).
std::string enc(const std::string& s)
{
    std::string out;
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
            out.push_back(static_cast<char>(c));
        else
            out += fmt_hex(c);
    }
    return out;
}

struct Sim {
    Simulators sims;
    std::string token;

    static SimOptions opts(int suppliers = 60)
    {
        SimOptions o;
        o.seed = 7;
        o.suppliers = suppliers;
        o.accounts = 40;
        o.ess_polls_to_finish = 3;
        return o;
    }
    explicit Sim(SimOptions o = opts()) : sims(std::move(o))
    {
        sims.start();
        token = sims.oracle().issue_token();
    }
    httplib::Client client() const
    {
        httplib::Client c(sims.oracle_base_url());
        c.set_read_timeout(10, 0);
        return c;
    }
    httplib::Headers auth(int version = 0, bool json_errors = false) const
    {
        httplib::Headers h{{"Authorization", "Bearer " + token}};
        if (version > 0)
            h.emplace("REST-Framework-Version", std::to_string(version));
        if (json_errors)
            h.emplace("Accept", "application/vnd.oracle.adf.error+json");
        return h;
    }
    httplib::Result get(const std::string& path, int version = 0, bool json_errors = false) const
    {
        return client().Get((k_root + path).c_str(), auth(version, json_errors));
    }
    httplib::Result post(const std::string& path, const std::string& body) const
    {
        return client().Post((k_root + path).c_str(), auth(), body,
                             "application/vnd.oracle.adf.resourceitem+json");
    }
    rapidjson::Document data(const std::string& collection) const
    {
        auto r = client().Get(("/_sim/data/" + collection).c_str());
        REQUIRE(r);
        REQUIRE(r->status == 200);
        return parse(r->body);
    }
};

// ---- GlInterface.csv helpers

std::string gl_row(const std::map<int, std::string>& at, std::size_t fields = 150)
{
    std::vector<std::string> f(fields);
    for (const auto& [pos, v] : at)
        if (static_cast<std::size_t>(pos) <= fields)
            f[static_cast<std::size_t>(pos - 1)] = v;
    std::string out;
    for (std::size_t i = 0; i < f.size(); ++i)
        out += (i ? "," : "") + f[i];
    return out + "\n";
}

std::string gl_line(const std::string& group, const std::string& batch, const std::string& journal,
                    const std::vector<std::string>& seg, const std::string& dr,
                    const std::string& cr, const std::string& source = "Procore",
                    std::size_t fields = 150)
{
    std::map<int, std::string> at{
        {1, "NEW"},  {2, "300000046975971"}, {3, "2026/07/15"}, {4, source}, {5, "Adjustment"},
        {6, "USD"},  {7, "2026/07/15"},      {8, "A"},          {39, dr},    {40, cr},
        {43, batch}, {46, journal},          {52, "line"},      {67, group}, {95, "Jul-26"}};
    for (std::size_t i = 0; i < seg.size(); ++i)
        at[static_cast<int>(9 + i)] = seg[i];
    return gl_row(at, fields);
}

std::string
import_body(const std::string& csv, const std::string& group, const std::string& source = "Procore",
            const std::string& job =
                "/oracle/apps/ess/financials/generalLedger/programs/common,JournalImportLauncher",
            std::string content = "")
{
    if (content.empty())
        content = base64_encode(zip_single_file("GlInterface.csv", csv));
    return R"({"OperationName":"importBulkData","DocumentContent":")" + content
           + R"(","ContentType":"zip","FileName":"GlInterface.zip","DocumentAccount":"fin$/generalLedger$/import$","JobName":")"
           + job + R"(","ParameterList":"300000046975980,)" + source + ",300000046975971," + group
           + R"(,N,N,N","CallbackURL":"#NULL","NotificationCode":"10","JobOptions":"ExtractFileType=ALL"})";
}

std::vector<std::string> first_account(const Sim& s)
{
    auto accts = s.data("account_combinations");
    const auto& a = accts[0];
    return {a["Segment1"].GetString(), a["Segment2"].GetString(), a["Segment3"].GetString(),
            a["Segment4"].GetString(), a["Segment5"].GetString()};
}

std::string run_job_to_end(const Sim& s, const std::string& reqst_id, int max_polls = 10)
{
    std::string last;
    for (int i = 0; i < max_polls; ++i) {
        auto r = s.get("/erpintegrations?finder=ESSJobStatusRF;requestId=" + reqst_id);
        REQUIRE(r);
        REQUIRE(r->status == 200);
        auto d = parse(r->body);
        REQUIRE(d["items"].Size() == 1);
        last = d["items"][0]["RequestStatus"].GetString();
        if (last == "SUCCEEDED" || last == "ERROR")
            return last;
    }
    return last;
}

} // namespace

TEST_CASE("oracle token endpoint: Basic and form credentials, bad ones, grant type",
          "[sim][oracle]")
{
    Sim s;
    auto c = s.client();
    c.set_basic_auth(s.sims.options().oracle_client_id.c_str(),
                     s.sims.options().oracle_client_secret.c_str());
    auto ok = c.Post("/oauth2/v1/token",
                     "grant_type=client_credentials&scope=urn%3Aopc%3Aresource%3Aconsumer%3A%3Aall",
                     "application/x-www-form-urlencoded;charset=UTF-8");
    REQUIRE(ok);
    REQUIRE(ok->status == 200);
    auto d = parse(ok->body);
    CHECK(std::string(d["token_type"].GetString()) == "Bearer");
    CHECK(d["expires_in"].GetInt() == 3600);
    const std::string token = d["access_token"].GetString();
    auto r =
        s.client().Get((k_root + "/suppliers").c_str(), {{"Authorization", "Bearer " + token}});
    REQUIRE(r);
    CHECK(r->status == 200);

    auto form = s.client().Post("/oauth2/v1/token",
                                "grant_type=client_credentials&client_id="
                                    + s.sims.options().oracle_client_id
                                    + "&client_secret=" + s.sims.options().oracle_client_secret,
                                "application/x-www-form-urlencoded");
    CHECK(form->status == 200);

    auto bad = s.client();
    bad.set_basic_auth(s.sims.options().oracle_client_id.c_str(), "wrong");
    auto b = bad.Post("/oauth2/v1/token", "grant_type=client_credentials",
                      "application/x-www-form-urlencoded");
    REQUIRE(b);
    CHECK(b->status == 401);
    CHECK(std::string(parse(b->body)["error"].GetString()) == "invalid_client");
    CHECK(b->body.find("wrong") == std::string::npos);

    auto missing = c.Post("/oauth2/v1/token", "scope=x", "application/x-www-form-urlencoded");
    CHECK(missing->status == 400);
    CHECK(std::string(parse(missing->body)["error"].GetString()) == "unsupported_grant_type");
}

TEST_CASE("oracle bearer tokens expire on the virtual clock", "[sim][oracle]")
{
    Sim s;
    REQUIRE(s.get("/suppliers")->status == 200);
    auto none = s.client().Get((k_root + "/suppliers").c_str());
    CHECK(none->status == 401);
    auto unknown =
        s.client().Get((k_root + "/suppliers").c_str(), {{"Authorization", "Bearer nope"}});
    CHECK(unknown->status == 401);
    CHECK(unknown->get_header_value("Content-Type").find("text/plain") == 0);
    REQUIRE(
        s.client().Post("/_sim/clock", R"({"advance_seconds":3601})", "application/json")->status
        == 200);
    auto expired = s.get("/suppliers");
    CHECK(expired->status == 401);
}

TEST_CASE("oracle paging: default 25, cap 500, hasMore, offset, totalResults", "[sim][oracle]")
{
    Sim s(Sim::opts(620));
    auto d = parse(s.get("/suppliers")->body);
    CHECK(d["count"].GetInt() == 25);
    CHECK(d["limit"].GetInt() == 25);
    CHECK(d["hasMore"].GetBool());
    CHECK_FALSE(d.HasMember("totalResults"));
    CHECK(std::string(d["links"][0]["rel"].GetString()) == "self");

    auto big = parse(s.get("/suppliers?limit=1000&onlyData=true")->body);
    CHECK(big["limit"].GetInt() == 500);
    CHECK(big["count"].GetInt() == 500);
    CHECK(big["hasMore"].GetBool());

    auto last = parse(s.get("/suppliers?limit=500&offset=500&totalResults=true")->body);
    CHECK(last["count"].GetInt() == 120);
    CHECK_FALSE(last["hasMore"].GetBool());
    CHECK(last["totalResults"].GetInt() == 620);
    CHECK(last["offset"].GetInt() == 500);

    // Pages don't overlap and cover everything exactly once.
    std::set<std::int64_t> ids;
    for (int off = 0; off < 620; off += 100) {
        auto p = parse(s.get("/suppliers?limit=100&onlyData=true&orderBy=LastUpdateDate:asc,"
                             "SupplierId:asc&offset="
                             + std::to_string(off))
                           ->body);
        for (const auto& it : p["items"].GetArray())
            ids.insert(it["SupplierId"].GetInt64());
    }
    CHECK(ids.size() == 620);

    CHECK(s.get("/suppliers?limit=abc")->status == 400);
    CHECK(s.get("/suppliers?offset=-1")->status == 400);
}

TEST_CASE("oracle q filters: version 1 and version 2 rules", "[sim][oracle]")
{
    Sim s;
    auto one = parse(s.get("/suppliers?q=" + enc("SupplierNumber='10001'"))->body);
    REQUIRE(one["count"].GetInt() == 1);
    CHECK(std::string(one["items"][0]["SupplierNumber"].GetString()) == "10001");

    auto v1 = s.get("/suppliers?q=" + enc("SupplierNumber='10001';Status='ACTIVE'"));
    CHECK(v1->status == 200);
    CHECK(parse(v1->body)["count"].GetInt() == 1);
    auto raw = s.get("/suppliers?q=SupplierNumber=10001;Status=ACTIVE&limit=5"); // ';' unencoded
    REQUIRE(raw->status == 200);
    CHECK(parse(raw->body)["count"].GetInt() == 1);
    // v1 has no and/or operators
    auto v1and = s.get("/suppliers?q=" + enc("SupplierNumber='10001' and Status='ACTIVE'"));
    CHECK(v1and->status == 400);
    CHECK(v1and->get_header_value("Content-Type").find("text/plain") == 0);
    // v2 rejects the v1 separator
    auto v2semi = s.get("/suppliers?q=" + enc("SupplierNumber='10001';Status='ACTIVE'"), 2);
    CHECK(v2semi->status == 400);
    CHECK(v2semi->body.find(";") != std::string::npos);
    auto v2 = parse(
        s.get("/suppliers?q="
                  + enc("(SupplierNumber='10001' or SupplierNumber='10002') and Status!='NOPE'"),
              2)
            ->body);
    CHECK(v2["count"].GetInt() == 2);
    auto like =
        parse(s.get("/suppliers?limit=500&q=" + enc("SupplierNumber LIKE '1000%'"), 2)->body);
    CHECK(like["count"].GetInt() == 9); // 10001..10009

    CHECK(s.get("/suppliers?q=" + enc("NoSuchAttr='x'"))->status == 400);
    CHECK(s.get("/suppliers?q=" + enc("SupplierId='abc'"))->status == 400);
    CHECK(s.get("/suppliers?q=" + enc("(SupplierNumber='1'"), 2)->status == 400);

    // Timestamps compare as instants, whatever the offset.
    auto all = parse(s.get("/suppliers?limit=500&onlyData=true&orderBy=LastUpdateDate:asc")->body);
    const std::string mid = all["items"][30]["LastUpdateDate"].GetString();
    std::int64_t ms = 0;
    REQUIRE(parse_timestamp(mid, ms));
    std::int64_t later_count = 0;
    for (const auto& it : all["items"].GetArray()) {
        std::int64_t t = 0;
        parse_timestamp(it["LastUpdateDate"].GetString(), t);
        later_count += t >= ms ? 1 : 0;
    }
    // The same instant written at -05:00.
    std::int64_t shifted = ms - 5 * 3600 * 1000;
    std::string local = oracle_timestamp(shifted).substr(0, 23) + "-05:00";
    auto f = parse(s.get("/suppliers?limit=500&q=" + enc("LastUpdateDate>='" + local + "'"))->body);
    CHECK(f["count"].GetInt64() == later_count);
    auto f2 =
        parse(s.get("/suppliers?limit=500&q=" + enc("LastUpdateDate>='" + mid + "'"), 2)->body);
    CHECK(f2["count"].GetInt64() == later_count);
}

TEST_CASE("oracle orderBy, fields, onlyData, expand and children", "[sim][oracle]")
{
    Sim s;
    auto desc = parse(s.get("/suppliers?limit=50&orderBy=Supplier:desc&onlyData=true")->body);
    for (rapidjson::SizeType i = 1; i < desc["items"].Size(); ++i)
        CHECK(std::string(desc["items"][i - 1]["Supplier"].GetString())
              >= std::string(desc["items"][i]["Supplier"].GetString()));
    CHECK(s.get("/suppliers?orderBy=Nope:asc")->status == 400);
    CHECK(s.get("/suppliers?orderBy=Supplier:sideways")->status == 400);

    auto proj = parse(s.get("/suppliers?fields=SupplierId,Supplier&onlyData=true&limit=1")->body);
    REQUIRE(proj["items"][0].MemberCount() == 2);
    CHECK(proj["items"][0]["SupplierId"].IsInt64());
    auto with_links = parse(s.get("/suppliers?fields=SupplierId&limit=1")->body);
    CHECK(with_links["items"][0].HasMember("links"));
    CHECK(s.get("/suppliers?fields=Bogus")->status == 400);

    auto exp = parse(s.get("/suppliers?expand=addresses,sites&limit=3")->body);
    const auto& sup = exp["items"][0];
    REQUIRE(sup["addresses"].IsArray());
    CHECK(sup["addresses"][0]["SupplierAddressId"].IsInt64());
    CHECK(sup["addresses"][0]["AddressPurposeRemitToFlag"].IsBool());
    CHECK(sup["sites"][0]["SupplierSite"].IsString());
    CHECK(sup["LastUpdateDate"].GetStringLength() == 29); // 2026-11-27T16:15:49.123+00:00
    CHECK(s.get("/suppliers?expand=nothing")->status == 400);

    const auto id = std::to_string(sup["SupplierId"].GetInt64());
    auto item = parse(s.get("/suppliers/" + id)->body);
    CHECK_FALSE(item.HasMember("items"));
    CHECK(std::to_string(item["SupplierId"].GetInt64()) == id);
    auto sites =
        parse(s.get("/suppliers/" + id + "/child/sites?q="
                    + enc("SupplierSite='"
                          + std::string(sup["sites"][0]["SupplierSite"].GetString()) + "'"))
                  ->body);
    CHECK(sites["count"].GetInt() == 1);
    CHECK(s.get("/suppliers/999")->status == 404);

    // Framework v3+: nested children come back as collection objects.
    auto v3 = parse(s.get("/suppliers?expand=addresses&limit=1", 3)->body);
    CHECK(v3["items"][0]["addresses"].IsObject());
    CHECK(v3["items"][0]["addresses"]["items"].IsArray());

    auto latest = s.client().Get("/fscmRestApi/resources/latest/suppliers?limit=1", s.auth());
    CHECK(latest->status == 200);
    CHECK(s.client().Get("/fscmRestApi/resources/9.9/suppliers", s.auth())->status == 404);
}

TEST_CASE("oracle errors are text by default and ADF JSON on request", "[sim][oracle]")
{
    Sim s;
    auto text = s.get("/suppliers?q=" + enc("Bogus=1"));
    CHECK(text->status == 400);
    CHECK(text->get_header_value("Content-Type").find("text/plain") == 0);
    CHECK(text->body.find("Bogus") != std::string::npos);
    auto js = s.get("/suppliers?q=" + enc("Bogus=1"), 0, true);
    CHECK(js->status == 400);
    auto d = parse(js->body);
    CHECK(std::string(d["status"].GetString()) == "400");
    CHECK(d["o:errorDetails"][0]["detail"].IsString());
    CHECK(d["o:errorDetails"][0]["o:errorCode"].IsString());
    CHECK(s.get("/noSuchResource")->status == 404);
    CHECK(s.post("/suppliers/1", "{}")->status == 405);
    CHECK(s.post("/purchaseOrders", "{}")->status == 405);
}

TEST_CASE("oracle code combinations: segments, flags, descriptions, q", "[sim][oracle]")
{
    Sim s;
    auto d = parse(s.get("/accountCombinationsLOV?limit=500&onlyData=true")->body);
    REQUIRE(d["count"].GetInt() == 40);
    const auto& a = d["items"][0];
    CHECK(a["_CODE_COMBINATION_ID"].IsInt64());
    CHECK(a["_CHART_OF_ACCOUNTS_ID"].IsInt64());
    CHECK(std::string(a["EnabledFlag"].GetString()) == "Y");
    CHECK(a["DetailPostingAllowed"].IsString());
    CHECK(a["Segment3"].IsString());
    CHECK(a["_Segment3Description"].IsString());
    auto f =
        parse(s.get("/accountCombinationsLOV?q=" + enc("Segment3='5110';EnabledFlag='Y'"))->body);
    CHECK(f["count"].GetInt() >= 1);
    for (const auto& it : f["items"].GetArray())
        CHECK(std::string(it["Segment3"].GetString()) == "5110");
}

TEST_CASE("oracle faults and stats on the Oracle listener", "[sim][oracle]")
{
    Sim s;
    auto c = s.client();
    REQUIRE(c.Post("/_sim/faults", R"({"path":"suppliers","status":429,"retry_after":3})",
                   "application/json")
                ->status
            == 201);
    auto r = s.get("/suppliers");
    CHECK(r->status == 429);
    CHECK(r->get_header_value("Retry-After") == "3");
    REQUIRE(
        c.Post("/_sim/faults", R"({"path":"suppliers","status":503})", "application/json")->status
        == 201);
    CHECK(s.get("/suppliers")->status == 503);
    REQUIRE(
        c.Post("/_sim/faults", R"({"path":"suppliers","status":401})", "application/json")->status
        == 201);
    CHECK(s.get("/suppliers")->status == 401);
    REQUIRE(c.Post("/_sim/faults", R"({"path":"suppliers","truncate":true})", "application/json")
                ->status
            == 201);
    auto t = s.get("/suppliers");
    CHECK((!t || t->body.size() < 1000));
    CHECK(s.get("/suppliers")->status == 200);

    REQUIRE(c.Post("/_sim/stats/reset", "", "application/json")->status == 200);
    s.get("/suppliers/300000047000001");
    s.get("/suppliers/300000047000002");
    auto stats = parse(c.Get("/_sim/stats")->body);
    CHECK(stats["total"].GetInt() == 2);
    CHECK(s.sims.oracle().stats().count("GET", k_root + "/suppliers/{id}") == 2);
}

TEST_CASE("oracle admin mutate bumps LastUpdateDate for incremental polling", "[sim][oracle]")
{
    Sim s;
    auto c = s.client();
    auto before =
        parse(s.get("/suppliers?limit=1&orderBy=LastUpdateDate:desc&onlyData=true")->body);
    const std::string watermark = before["items"][0]["LastUpdateDate"].GetString();
    auto none = parse(s.get("/suppliers?q=" + enc("LastUpdateDate>'" + watermark + "'"))->body);
    CHECK(none["count"].GetInt() == 0);

    REQUIRE(c.Post("/_sim/clock", R"({"advance_seconds":60})", "application/json")->status == 200);
    auto up = c.Post(
        "/_sim/mutate",
        R"({"op":"update","collection":"suppliers","id":300000047000001,"Supplier":"Renamed Builders LLC"})",
        "application/json");
    REQUIRE(up->status == 200);
    auto changed = parse(s.get("/suppliers?q=" + enc("LastUpdateDate>'" + watermark + "'"))->body);
    REQUIRE(changed["count"].GetInt() == 1);
    CHECK(std::string(changed["items"][0]["Supplier"].GetString()) == "Renamed Builders LLC");

    auto de = c.Post("/_sim/mutate",
                     R"({"op":"deactivate","collection":"suppliers","id":300000047000001})",
                     "application/json");
    REQUIRE(de->status == 200);
    auto item = parse(s.get("/suppliers/300000047000001")->body);
    CHECK(std::string(item["Status"].GetString()) == "INACTIVE");
    CHECK(item["InactiveDate"].IsString());

    auto cr = c.Post("/_sim/mutate",
                     R"({"op":"create","collection":"suppliers","Supplier":"New Vendor Inc."})",
                     "application/json");
    REQUIRE(cr->status == 201);
    CHECK(parse(s.get("/suppliers?q=" + enc("Supplier='New Vendor Inc.'"))->body)["count"].GetInt()
          == 1);
    auto del =
        c.Post("/_sim/mutate", R"({"op":"delete","collection":"suppliers","id":300000047000001})",
               "application/json");
    CHECK(del->status == 200);
    CHECK(s.get("/suppliers/300000047000001")->status == 404);

    CHECK(c.Post("/_sim/mutate", R"({"op":"update","collection":"suppliers","id":1})",
                 "application/json")
              ->status
          == 404);
    const auto other = std::to_string(s.data("suppliers")[1]["SupplierId"].GetInt64());
    CHECK(c.Post("/_sim/mutate",
                 R"({"op":"update","collection":"suppliers","SupplierId":5,"id":)" + other + "}",
                 "application/json")
              ->status
          == 400);
    CHECK(c.Post("/_sim/mutate", "{bad", "application/json")->status == 400);
}

TEST_CASE("oracle payablesPayments: a payment pays an invoice, is read incrementally, voids",
          "[sim][oracle]")
{
    Sim s;
    auto c = s.client();
    auto invoices = s.data("invoices");
    REQUIRE(invoices.Size() > 0);
    const auto invoice_id = invoices[0]["InvoiceId"].GetInt64();
    const std::string number = invoices[0]["InvoiceNumber"].GetString();
    auto none = parse(s.get("/payablesPayments?onlyData=true")->body);
    CHECK(none["count"].GetInt() == 0);
    CHECK(s.post("/payablesPayments", "{}")->status == 405); // payments are made in Oracle

    auto made =
        c.Post("/_sim/mutate",
               R"({"op":"create","collection":"payments","fields":{"InvoiceId":)"
                   + std::to_string(invoice_id) + R"(,"Amount":10.5,"PaymentDate":"2026-11-20"}})",
               "application/json");
    REQUIRE(made->status == 200);
    const auto check_id = std::stoll(parse(made->body)["CheckId"].GetString());
    auto page = parse(s.get("/payablesPayments?expand=relatedInvoices&q="
                            + enc("LastUpdateDate>='2000-01-01T00:00:00Z'"))
                          ->body);
    REQUIRE(page["count"].GetInt() == 1);
    const auto& p = page["items"][0];
    CHECK(p["CheckId"].GetInt64() == check_id);
    CHECK(p["PaymentAmount"].GetDouble() == Approx(10.5));
    CHECK(std::string(p["PaymentDate"].GetString()) == "2026-11-20");
    CHECK(std::string(p["PaymentStatus"].GetString()) == "Negotiable");
    REQUIRE(p["relatedInvoices"].Size() == 1);
    CHECK(p["relatedInvoices"][0]["InvoiceId"].GetInt64() == invoice_id);
    CHECK(std::string(p["relatedInvoices"][0]["InvoiceNumber"].GetString()) == number);
    CHECK(p["relatedInvoices"][0]["InvoicePaymentId"].IsInt64());
    auto paid = parse(
        s.get("/invoices?onlyData=true&q=" + enc("InvoiceId=" + std::to_string(invoice_id)))->body);
    CHECK(std::string(paid["items"][0]["PaidStatus"].GetString()) == "Partially paid");

    REQUIRE(c.Post("/_sim/clock", R"({"advance_seconds":60})", "application/json")->status == 200);
    auto voided =
        c.Post("/_sim/mutate",
               R"({"op":"void","collection":"payments","id":)" + std::to_string(check_id) + "}",
               "application/json");
    REQUIRE(voided->status == 200);
    auto after = parse(s.get("/payablesPayments/" + std::to_string(check_id))->body);
    CHECK(std::string(after["PaymentStatus"].GetString()) == "Voided");
    CHECK(after["VoidDate"].IsString());
    paid = parse(
        s.get("/invoices?onlyData=true&q=" + enc("InvoiceId=" + std::to_string(invoice_id)))->body);
    CHECK(std::string(paid["items"][0]["PaidStatus"].GetString()) == "Unpaid");
    CHECK(c.Post("/_sim/mutate",
                 R"({"op":"create","collection":"payments","fields":{"InvoiceId":1}})",
                 "application/json")
              ->status
          == 400);
}

TEST_CASE("oracle invoices: POST validates accounts, PATCH via self link does not cascade",
          "[sim][oracle]")
{
    Sim s;
    auto sups = s.data("suppliers");
    const auto& sup = sups[0];
    const std::string number = sup["SupplierNumber"].GetString();
    const std::string site = sup["sites"][0]["SupplierSite"].GetString();
    auto seg = first_account(s);
    const std::string combo = seg[0] + "-" + seg[1] + "-" + seg[2] + "-" + seg[3] + "-" + seg[4];
    auto body = [&](const std::string& inv_no, const std::string& comb) {
        return R"({"InvoiceNumber":")" + inv_no
               + R"(","InvoiceCurrency":"USD","InvoiceAmount":1500.25,"InvoiceDate":"2026-07-01",)"
               + R"("BusinessUnit":"US1 Business Unit","SupplierNumber":")" + number
               + R"(","SupplierSite":")" + site
               + R"(","invoiceLines":[{"LineNumber":1,"LineAmount":1500.25,"invoiceDistributions":[{"DistributionLineNumber":1,)"
               + R"("DistributionAmount":1500.25,"DistributionCombination":")" + comb + R"("}]}]})";
    };
    auto bad = s.post("/invoices", body("PRO-1", "999-9999-9999-000-000"));
    CHECK(bad->status == 400);
    CHECK(bad->body.find("DistributionCombination") != std::string::npos);
    auto missing = s.post("/invoices", R"({"InvoiceNumber":"X"})");
    CHECK(missing->status == 400);

    auto created = s.post("/invoices", body("PRO-1", combo));
    REQUIRE(created->status == 201);
    auto inv = parse(created->body);
    CHECK(std::string(inv["DueDate"].GetString()) == "2026-07-31");
    CHECK(s.post("/invoices", body("PRO-1", combo))->status
          == 400); // duplicate number for the supplier

    std::string self;
    for (const auto& l : inv["links"].GetArray())
        if (std::string(l["rel"].GetString()) == "self")
            self = l["href"].GetString();
    REQUIRE(!self.empty());
    CHECK(self.find(std::to_string(inv["InvoiceId"].GetInt64()))
          == std::string::npos); // a hash key, not the id
    const auto path = self.substr(self.find("/fscmRestApi"));
    auto patched = s.client().Patch(path.c_str(), s.auth(),
                                    R"({"InvoiceDate":"2026-08-15","InvoiceAmount":99})",
                                    "application/vnd.oracle.adf.resourceitem+json");
    REQUIRE(patched);
    REQUIRE(patched->status == 200);
    auto p = parse(patched->body);
    CHECK(std::string(p["InvoiceDate"].GetString()) == "2026-08-15");
    CHECK(std::string(p["TermsDate"].GetString()) == "2026-07-01");
    CHECK(std::string(p["DueDate"].GetString()) == "2026-07-31");
    CHECK(p["InvoiceAmount"].GetDouble() == 99.0);
    CHECK(p["invoiceLines"][0]["LineAmount"].GetDouble() == 1500.25);
    CHECK(s.client()
              .Patch(path.c_str(), s.auth(), R"({"ValidationStatus":"Validated"})",
                     "application/json")
              ->status
          == 400);
    CHECK(s.client().Patch(path.c_str(), s.auth(), R"({"Nope":1})", "application/json")->status
          == 400);
    auto q = parse(
        s.get("/invoices?q=" + enc("InvoiceNumber='PRO-1';SupplierNumber='" + number + "'"))->body);
    CHECK(q["count"].GetInt() == 1);
}

TEST_CASE("oracle draft purchase orders: validation, create, submit", "[sim][oracle]")
{
    Sim s;
    auto sups = s.data("suppliers");
    std::string name, site;
    for (const auto& sp : sups.GetArray())
        if (std::string(sp["Status"].GetString()) == "ACTIVE") {
            name = sp["Supplier"].GetString();
            site = sp["sites"][0]["SupplierSite"].GetString();
            break;
        }
    auto seg = first_account(s);
    const std::string combo = seg[0] + "-" + seg[1] + "-" + seg[2] + "-" + seg[3] + "-" + seg[4];
    auto body = [&](const std::string& uom_part) {
        return R"({"ProcurementBU":"US1 Business Unit","RequisitioningBU":"US1 Business Unit","Supplier":")"
               + name + R"(","SupplierSite":")" + site
               + R"(","CurrencyCode":"USD","BuyerEmail":"buyer@example.com","Description":"Procore PO 42",)"
               + R"("lines":[{"LineNumber":1,"LineType":"Goods","ItemDescription":"Rebar",)"
               + uom_part
               + R"("Quantity":10,"Price":12.5,"schedules":[{"ShipToLocation":"Austin Yard","NeedByDate":"2026-09-01",)"
               + R"("distributions":[{"Quantity":10,"POChargeAccount":")" + combo + R"("}]}]}]})";
    };
    auto missing = s.post("/draftPurchaseOrders", body(""));
    REQUIRE(missing->status == 400);
    CHECK(missing->body.find("UOM") != std::string::npos);
    auto no_bu = s.post("/draftPurchaseOrders", R"({"RequisitioningBU":"x"})");
    CHECK(no_bu->status == 400);
    CHECK(no_bu->body.find("ProcurementBU") != std::string::npos);

    auto created = s.post("/draftPurchaseOrders", body(R"("UOM":"Each",)"));
    REQUIRE(created->status == 201);
    auto po = parse(created->body);
    CHECK(std::string(po["Status"].GetString()) == "INCOMPLETE");
    CHECK(po["OrderNumber"].IsString());
    CHECK(po["Ordered"].GetDouble() == 125.0);
    const auto id = std::to_string(po["POHeaderId"].GetInt64());
    auto submit = s.post("/draftPurchaseOrders/" + id + "/action/submit", "{}");
    REQUIRE(submit->status == 200);
    auto open = parse(s.get("/purchaseOrders/" + id
                            + "?expand=lines,lines.schedules,lines.schedules.distributions")
                          ->body);
    CHECK(std::string(open["Status"].GetString()) == "OPEN");
    CHECK(std::string(
              open["lines"][0]["schedules"][0]["distributions"][0]["POChargeAccount"].GetString())
          == combo);
    CHECK(s.post("/draftPurchaseOrders/" + id + "/action/submit", "{}")->status == 404);

    auto req =
        s.post("/purchaseRequisitions",
               R"({"RequisitioningBU":"US1 Business Unit","PreparerEmail":"a@example.com",)"
               R"("lines":[{"ItemDescription":"Gravel","Quantity":3,"UOM":"Ton","Price":40}]})");
    CHECK(req->status == 201);
    CHECK(s.post("/purchaseRequisitions", R"({"PreparerEmail":"a@example.com"})")->status == 400);
}

TEST_CASE("oracle importBulkData: matching group imports after the ESS job finishes",
          "[sim][oracle]")
{
    Sim s;
    auto seg = first_account(s);
    std::string csv = gl_line("90219", "PC-90219", "DC-1", seg, "100.50", "")
                      + gl_line("90219", "PC-90219", "DC-1", seg, "", "100.50");
    auto r = s.post("/erpintegrations", import_body(csv, "90219"));
    REQUIRE(r->status == 201);
    auto d = parse(r->body);
    const std::string id = d["ReqstId"].GetString();
    CHECK(id != "-1");
    CHECK(std::string(d["OperationName"].GetString()) == "importBulkData");
    // Not visible until the job finishes.
    CHECK(s.data("journals").Size() == 0);
    auto first = parse(s.get("/erpintegrations?finder=ESSJobStatusRF;requestId=" + id)->body);
    const std::string st1 = first["items"][0]["RequestStatus"].GetString();
    CHECK((st1 == "WAIT" || st1 == "RUNNING"));
    CHECK(run_job_to_end(s, id) == "SUCCEEDED");
    auto batches = parse(s.get("/journalBatches?q=" + enc("BatchName='PC-90219'")
                               + "&expand=journalHeaders,journalHeaders.journalLines")
                             ->body);
    REQUIRE(batches["count"].GetInt() == 1);
    const auto& h = batches["items"][0]["journalHeaders"][0];
    CHECK(std::string(h["JournalName"].GetString()) == "DC-1");
    CHECK(h["journalLines"].Size() == 2);
    auto like = parse(s.get("/journalBatches?q=" + enc("BatchName LIKE '%90219%'"), 2)->body);
    CHECK(like["count"].GetInt() == 1);

    // A resend really duplicates: the simulator does not protect the client.
    auto again = parse(s.post("/erpintegrations", import_body(csv, "90219"))->body);
    CHECK(run_job_to_end(s, again["ReqstId"].GetString()) == "SUCCEEDED");
    CHECK(parse(s.get("/journalBatches?q=" + enc("BatchName='PC-90219'"))->body)["count"].GetInt()
          == 2);
}

TEST_CASE("oracle importBulkData: mismatched group or source imports nothing but succeeds",
          "[sim][oracle]")
{
    Sim s;
    auto seg = first_account(s);
    std::string csv =
        gl_line("111", "B1", "J1", seg, "5", "") + gl_line("111", "B1", "J1", seg, "", "5");
    auto d = parse(s.post("/erpintegrations", import_body(csv, "222"))->body);
    CHECK(run_job_to_end(s, d["ReqstId"].GetString()) == "SUCCEEDED");
    auto d2 = parse(s.post("/erpintegrations", import_body(csv, "111", "Spreadsheet"))->body);
    CHECK(run_job_to_end(s, d2["ReqstId"].GetString()) == "SUCCEEDED");
    CHECK(s.data("journals").Size() == 0);
    auto jobs = s.data("ess_jobs");
    CHECK(jobs[0]["RowsSelected"].GetInt() == 0);
}

TEST_CASE("oracle importBulkData: wrong JobName gives 201 with ReqstId -1", "[sim][oracle]")
{
    Sim s;
    auto r = s.post(
        "/erpintegrations",
        import_body(
            "", "1", "Procore",
            "/oracle/apps/ess/financials/generalLedger/programs/common/JournalImportLauncher"));
    REQUIRE(r->status == 201);
    CHECK(std::string(parse(r->body)["ReqstId"].GetString()) == "-1");
}

TEST_CASE("oracle importBulkData: unbalanced, unknown-account and short rows are rejected",
          "[sim][oracle]")
{
    Sim s;
    auto seg = first_account(s);
    std::string csv =
        gl_line("7", "B", "UNBAL", seg, "10", "") + gl_line("7", "B", "UNBAL", seg, "", "9.99")
        + gl_line("7", "B", "BADSEG", {"999", "9999", "9999", "000", "000"}, "1", "")
        + gl_line("7", "B", "BADSEG", seg, "", "1") + gl_line("7", "B", "OK", seg, "2", "")
        + gl_line("7", "B", "OK", seg, "", "2")
        + gl_line("7", "B", "SHORT", seg, "3", "", "Procore", 95);
    auto d = parse(s.post("/erpintegrations", import_body(csv, "7"))->body);
    CHECK(run_job_to_end(s, d["ReqstId"].GetString()) == "SUCCEEDED");
    auto rejected = s.data("gl_interface_rejected");
    std::map<std::string, std::set<std::string>> codes;
    for (const auto& r : rejected.GetArray())
        codes[r["REFERENCE4"].GetString()].insert(r["STATUS"].GetString());
    CHECK(codes["UNBAL"].count("EU02") == 1);
    CHECK(codes["BADSEG"].count("EF04") == 1);
    CHECK(codes["SHORT"].size() == 1);
    CHECK(codes.count("OK") == 0);
    auto journals = s.data("journals");
    REQUIRE(journals.Size() == 1);
    REQUIRE(journals[0]["journalHeaders"].Size() == 1);
    CHECK(std::string(journals[0]["journalHeaders"][0]["JournalName"].GetString()) == "OK");
}

TEST_CASE("oracle importBulkData: unreadable zip ends in ERROR", "[sim][oracle]")
{
    Sim s;
    auto d = parse(
        s.post(
             "/erpintegrations",
             import_body(
                 "", "1", "Procore",
                 "/oracle/apps/ess/financials/generalLedger/programs/common,JournalImportLauncher",
                 base64_encode("this is not a zip")))
            ->body);
    CHECK(run_job_to_end(s, d["ReqstId"].GetString()) == "ERROR");
    auto wrong_name = parse(
        s.post(
             "/erpintegrations",
             import_body(
                 "", "1", "Procore",
                 "/oracle/apps/ess/financials/generalLedger/programs/common,JournalImportLauncher",
                 base64_encode(zip_single_file("Other.csv", "x"))))
            ->body);
    CHECK(run_job_to_end(s, wrong_name["ReqstId"].GetString()) == "ERROR");
    CHECK(s.get("/erpintegrations?finder=Nope;requestId=1")->status == 400);
    CHECK(
        parse(s.get("/erpintegrations?finder=ESSJobStatusRF;requestId=42")->body)["count"].GetInt()
        == 0);
}

TEST_CASE("oracle samples have the simulator's keys and types", "[sim][oracle]")
{
    Sim s;
    auto read = [](const std::string& name) { return load_sample("oracle", name); };
    {
        auto sample = read("collection_envelope_invoices.json");
        auto sim = parse(
            s.get("/invoices?fields=InvoiceNumber,InvoiceCurrency&onlyData=true&limit=1")->body);
        same_shape(sample, sim, "invoices", true, Numbers::any);
    }
    {
        auto sample = read("invoice_upsert_patch_request_oracle_doc.json");
        auto sim = parse(s.get("/invoices?onlyData=true&limit=1&expand=invoiceLines,invoiceLines."
                               "invoiceDistributions")
                             ->body);
        same_shape(sample, sim["items"][0], "invoice", false, Numbers::any);
    }
    {
        auto sample = read("erpintegrations_importBulkData_request.json");
        auto r = s.post("/erpintegrations", import_body("", "90219"));
        REQUIRE(r->status == 201);
        auto sim = parse(r->body);
        same_shape(sample, sim, "erpintegrations", false, Numbers::any);
        CHECK(sim["ReqstId"].IsString());
    }
}

TEST_CASE("oracle suppliers: full 500-row pages at offset 0 and 99,000 of 100,000 suppliers",
          "[sim][oracle]")
{
    // How long these take is measured by scripts/bench-sim.sh, not asserted here.
    Sim s(Sim::opts(100000));
    const std::string q =
        "/suppliers?limit=500&onlyData=true&orderBy=LastUpdateDate:asc,SupplierId:asc&q="
        + enc("LastUpdateDate>='2000-01-01T00:00:00+00:00'") + "&offset=";
    auto first = s.get(q + "0");
    auto deep = s.get(q + "99000");
    auto sorted = s.get("/suppliers?limit=500&onlyData=true&orderBy=Supplier:asc");
    REQUIRE(first->status == 200);
    REQUIRE(deep->status == 200);
    CHECK(parse(first->body)["count"].GetInt() == 500);
    auto deep_page = parse(deep->body);
    CHECK(deep_page["count"].GetInt() == 500);
    CHECK(deep_page["hasMore"].GetBool());
    CHECK(sorted->status == 200);
    CHECK(parse(sorted->body)["count"].GetInt() == 500);
}

namespace {

struct PurchasingSite {
    std::int64_t supplier_id = 0;
    std::string supplier, site;
};

// The first ACTIVE supplier (with two sites when asked: a purchasing one and a pay-only one).
PurchasingSite active_supplier(const Sim& s, bool two_sites = false)
{
    auto sups = s.data("suppliers");
    for (const auto& sp : sups.GetArray())
        if (std::string(sp["Status"].GetString()) == "ACTIVE" && sp["InactiveDate"].IsNull()
            && (!two_sites || sp["sites"].Size() == 2))
            return {sp["SupplierId"].GetInt64(), sp["Supplier"].GetString(),
                    sp["sites"][0]["SupplierSite"].GetString()};
    FAIL("no active supplier");
    return {};
}

std::string charge_account(const Sim& s)
{
    auto seg = first_account(s);
    return seg[0] + "-" + seg[1] + "-" + seg[2] + "-" + seg[3] + "-" + seg[4];
}

// A draft body with one Goods line and one Fixed Price Services line.
std::string draft_body(const PurchasingSite& sup, const std::string& combo,
                       const std::string& description, const std::string& extra = "")
{
    return R"({"ProcurementBU":"US1 Business Unit","RequisitioningBU":"US1 Business Unit","Supplier":")"
           + sup.supplier + R"(","SupplierSite":")" + sup.site
           + R"(","CurrencyCode":"USD","BuyerEmail":"buyer@example.com","Description":")"
           + description + "\"," + extra
           + R"("lines":[{"LineNumber":1,"LineType":"Goods","ItemDescription":"Rebar","UOM":"Each","Quantity":3,"Price":0.1,)"
           + R"("schedules":[{"ShipToLocation":"Austin Yard","NeedByDate":"2026-09-01","distributions":[{"POChargeAccount":")"
           + combo + R"("}]}]},)"
           + R"({"LineNumber":2,"LineType":"Fixed Price Services","ItemDescription":"Steel erection","Amount":1234.5,"CategoryName":"Construction Services",)"
           + R"("schedules":[{"ShipToLocation":"Austin Yard","NeedByDate":"2026-09-15","distributions":[{"POChargeAccount":")"
           + combo + R"("}]}]}]})";
}

httplib::Result post_v(const Sim& s, const std::string& path, const std::string& body)
{
    return s.client().Post((k_root + path).c_str(), s.auth(), body,
                           "application/vnd.oracle.adf.resourceitem+json");
}

} // namespace

TEST_CASE("oracle draft purchase orders: services lines, exact money, DFF, links", "[sim][oracle]")
{
    Sim s;
    const auto sup = active_supplier(s);
    const auto combo = charge_account(s);
    auto created =
        s.post("/draftPurchaseOrders", draft_body(sup, combo, "Procore PO 4500000001",
                                                  R"("DFF":[{"procoreReference":"4500000001"}],)"));
    REQUIRE(created);
    INFO(created->body);
    REQUIRE(created->status == 201);
    CHECK(created->body.find("0.30000000000000004") == std::string::npos);
    CHECK(created->body.find("\"Ordered\":1234.8") != std::string::npos);
    auto po = parse(created->body);
    CHECK(std::string(po["Status"].GetString()) == "INCOMPLETE");
    CHECK(po["OrderNumber"].IsString());
    const auto id = std::to_string(po["POHeaderId"].GetInt64());
    bool self = false;
    for (const auto& l : po["links"].GetArray())
        self = self
               || (std::string(l["rel"].GetString()) == "self"
                   && std::string(l["href"].GetString()).ends_with("/draftPurchaseOrders/" + id));
    CHECK(self);
    const auto& goods = po["lines"][0];
    CHECK(goods["Amount"].GetDouble() == 0.3);
    const auto& services = po["lines"][1];
    CHECK(std::string(services["LineType"].GetString()) == "Fixed Price Services");
    CHECK(services["Amount"].GetDouble() == 1234.5);
    CHECK(services["Quantity"].IsNull());
    CHECK(services["Price"].IsNull());
    CHECK(std::string(services["CategoryName"].GetString()) == "Construction Services");
    CHECK(services["schedules"][0]["Amount"].GetDouble() == 1234.5);
    CHECK(services["schedules"][0]["distributions"][0]["Amount"].GetDouble() == 1234.5);
    CHECK(services["schedules"][0]["distributions"][0]["Quantity"].IsNull());
    REQUIRE(po["DFF"].IsArray());
    CHECK(std::string(po["DFF"][0]["procoreReference"].GetString()) == "4500000001");

    // DFF only with expand: a bare array before framework 3, a collection object from 3.
    auto plain = parse(s.get("/draftPurchaseOrders/" + id)->body);
    CHECK_FALSE(plain.HasMember("DFF"));
    auto v1 = parse(s.get("/draftPurchaseOrders/" + id + "?expand=DFF")->body);
    REQUIRE(v1["DFF"].IsArray());
    CHECK(std::string(v1["DFF"][0]["procoreReference"].GetString()) == "4500000001");
    auto v3 = parse(s.get("/draftPurchaseOrders/" + id + "?expand=DFF", 3)->body);
    REQUIRE(v3["DFF"].IsObject());
    CHECK(v3["DFF"]["count"].GetInt() == 1);
    auto child = parse(s.get("/draftPurchaseOrders/" + id + "/child/DFF")->body);
    CHECK(child["items"].Size() == 1);
    CHECK(s.get("/draftPurchaseOrders?q=" + enc("procoreReference='4500000001'"))->status == 400);

    auto bad_type =
        s.post("/draftPurchaseOrders",
               draft_body(sup, combo, "x")
                   .replace(draft_body(sup, combo, "x").find("\"Goods\""), 7, "\"Services\""));
    REQUIRE(bad_type->status == 400);
    CHECK(bad_type->body.find("LineType") != std::string::npos);
    CHECK(bad_type->body.find("Services") != std::string::npos);
    std::string no_amount = draft_body(sup, combo, "x");
    no_amount.replace(no_amount.find("\"Amount\":1234.5,"), 16, "");
    auto missing_amount = s.post("/draftPurchaseOrders", no_amount);
    REQUIRE(missing_amount->status == 400);
    CHECK(missing_amount->body.find("Amount") != std::string::npos);
    auto bad_dff = s.post("/draftPurchaseOrders",
                          draft_body(sup, combo, "x", R"("DFF":{"procoreReference":"1"},)"));
    REQUIRE(bad_dff->status == 400);
    CHECK(bad_dff->body.find("DFF") != std::string::npos);
    std::string bad_account = draft_body(sup, "101-9999-5110-000-000", "x");
    auto unknown_account = s.post("/draftPurchaseOrders", bad_account);
    REQUIRE(unknown_account->status == 400);
    CHECK(unknown_account->body.find("POChargeAccount") != std::string::npos);
}

TEST_CASE("oracle draft purchase orders: supplier active, site a purchasing site of the BU",
          "[sim][oracle]")
{
    Sim s;
    auto c = s.client();
    const auto combo = charge_account(s);
    const auto two = active_supplier(s, true);
    auto mutate = [&](const std::string& body) {
        auto r = c.Post("/_sim/mutate", body, "application/json");
        REQUIRE(r);
        INFO(r->body);
        CHECK(r->status == 200);
        return r->status;
    };
    auto post_with_site = [&](const PurchasingSite& sup) {
        return s.post("/draftPurchaseOrders", draft_body(sup, combo, "site check"));
    };

    // The seeded second site is pay-only.
    auto sites = parse(s.get(fmt::format("/suppliers/{}/child/sites", two.supplier_id))->body);
    REQUIRE(sites["items"].Size() == 2);
    PurchasingSite pay = two;
    pay.site = sites["items"][1]["SupplierSite"].GetString();
    CHECK_FALSE(sites["items"][1]["SitePurposePurchasingFlag"].GetBool());
    auto r = post_with_site(pay);
    REQUIRE(r->status == 400);
    CHECK(r->body.find("SupplierSite") != std::string::npos);

    // A purchasing site of another procurement BU, and an inactive one.
    mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"site":{{"SupplierSite":"CA-PUR","ProcurementBU":"CA1 Business Unit","SitePurposePurchasingFlag":true}}}})",
        two.supplier_id));
    PurchasingSite other_bu = two;
    other_bu.site = "CA-PUR";
    r = post_with_site(other_bu);
    REQUIRE(r->status == 400);
    CHECK(r->body.find("SupplierSite") != std::string::npos);
    mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"site":{{"SupplierSite":"OLD-PUR","ProcurementBU":"US1 Business Unit","InactiveDate":"2020-01-01"}}}})",
        two.supplier_id));
    PurchasingSite old_site = two;
    old_site.site = "OLD-PUR";
    r = post_with_site(old_site);
    REQUIRE(r->status == 400);
    CHECK(r->body.find("SupplierSite") != std::string::npos);

    // A second purchasing site in the same BU makes the supplier ambiguous; either site works.
    mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"site":{{"SupplierSite":"YARD-PUR","ProcurementBU":"US1 Business Unit","SitePurposePurchasingFlag":true}}}})",
        two.supplier_id));
    auto purchasing = parse(s.get(fmt::format("/suppliers/{}/child/sites?q={}", two.supplier_id,
                                              enc("ProcurementBU='US1 Business Unit'")))
                                ->body);
    int in_bu = 0;
    for (const auto& site : purchasing["items"].GetArray())
        in_bu +=
            site["SitePurposePurchasingFlag"].GetBool() && site["InactiveDate"].IsNull() ? 1 : 0;
    CHECK(in_bu == 2);
    PurchasingSite yard = two;
    yard.site = "YARD-PUR";
    CHECK(post_with_site(yard)->status == 201);
    CHECK(post_with_site(two)->status == 201);

    // Inactive suppliers: by Status, or by an InactiveDate that has come.
    auto sups = s.data("suppliers");
    for (const auto& sp : sups.GetArray()) {
        if (std::string(sp["Status"].GetString()) != "INACTIVE")
            continue;
        PurchasingSite inactive{sp["SupplierId"].GetInt64(), sp["Supplier"].GetString(),
                                sp["sites"][0]["SupplierSite"].GetString()};
        r = post_with_site(inactive);
        REQUIRE(r->status == 400);
        CHECK(r->body.find("Supplier") != std::string::npos);
        CHECK(r->body.find("inactive") != std::string::npos);
        break;
    }
    mutate(fmt::format(
        R"({{"op":"update","collection":"suppliers","id":{},"InactiveDate":"2021-06-30"}})",
        two.supplier_id));
    r = post_with_site(two);
    REQUIRE(r->status == 400);
    CHECK(r->body.find("attribute Supplier ") != std::string::npos);
}

TEST_CASE("oracle purchase orders: q on Description LIKE and other attributes, expand to "
          "distributions",
          "[sim][oracle]")
{
    Sim s;
    const auto sup = active_supplier(s);
    const auto combo = charge_account(s);
    auto created =
        s.post("/draftPurchaseOrders", draft_body(sup, combo, "Procore PO 4500000777 Rebar"));
    REQUIRE(created->status == 201);
    auto po = parse(created->body);
    const auto id = po["POHeaderId"].GetInt64();
    const std::string number = po["OrderNumber"].GetString();
    const std::string created_at = po["CreationDate"].GetString();
    const auto like = enc("Description LIKE '%4500000777%'");
    for (const auto& q :
         {like,
          enc("SupplierId=" + std::to_string(sup.supplier_id) + ";OrderNumber='" + number + "'"),
          enc("CreationDate>='" + created_at + "'"), enc("LastUpdateDate>='" + created_at + "'")}) {
        auto found = parse(s.get("/draftPurchaseOrders?q=" + q)->body);
        INFO(q);
        REQUIRE(found["count"].GetInt() == 1);
        CHECK(found["items"][0]["POHeaderId"].GetInt64() == id);
    }
    CHECK(parse(s.get("/draftPurchaseOrders?q=" + enc("Description LIKE '%4500000778%'"))
                    ->body)["count"]
              .GetInt()
          == 0);
    REQUIRE(s.post("/draftPurchaseOrders/" + std::to_string(id) + "/action/submit", "{}")->status
            == 200);
    CHECK(parse(s.get("/draftPurchaseOrders?q=" + like)->body)["count"].GetInt() == 0);
    auto open = parse(s.get("/purchaseOrders?q=" + like)->body);
    REQUIRE(open["count"].GetInt() == 1);
    CHECK(std::string(open["items"][0]["Status"].GetString()) == "OPEN");
    CHECK(std::string(open["items"][0]["OrderNumber"].GetString()) == number);
    CHECK(parse(s.get("/purchaseOrders?q=" + enc("OrderNumber='" + number + "'"))->body)["count"]
              .GetInt()
          == 1);

    // Every PO (seeded ones too) expands to distributions with a real charge account.
    std::set<std::string> cost_centers;
    const auto accounts = s.data("account_combinations");
    for (const auto& a : accounts.GetArray())
        cost_centers.insert(a["Segment2"].GetString());
    for (const std::string expand :
         {"lines,lines.schedules,lines.schedules.distributions", "all"}) {
        auto all = parse(
            s.get("/purchaseOrders?limit=100&orderBy=LastUpdateDate:asc,POHeaderId:asc&expand="
                  + enc(expand))
                ->body);
        REQUIRE(all["count"].GetInt() >= 2);
        for (const auto& p : all["items"].GetArray()) {
            REQUIRE(p["lines"].Size() >= 1);
            for (const auto& l : p["lines"].GetArray()) {
                REQUIRE(l["schedules"].Size() >= 1);
                const auto& sch = l["schedules"][0];
                CHECK(sch["ShipToLocation"].IsString());
                CHECK(sch["NeedByDate"].IsString());
                REQUIRE(sch["distributions"].Size() >= 1);
                const auto& d = sch["distributions"][0];
                CHECK(d["DistributionNumber"].GetInt64() == 1);
                CHECK(d["Amount"].IsNumber());
                CHECK(d.HasMember("Quantity"));
                const std::string acct = d["POChargeAccount"].GetString();
                const auto first = acct.find('-');
                const auto second = acct.find('-', first + 1);
                CHECK(cost_centers.count(acct.substr(first + 1, second - first - 1)) == 1);
            }
        }
    }
    auto v3 = parse(s.get("/purchaseOrders/" + std::to_string(id) + "?expand=all", 3)->body);
    CHECK(v3["lines"]["items"][0]["schedules"]["items"][0]["distributions"]["items"].Size() == 1);
}

TEST_CASE("oracle mutate: an Oracle-born purchase order shows in an incremental read",
          "[sim][oracle]")
{
    Sim s;
    auto c = s.client();
    const auto sup = active_supplier(s);
    const auto combo = charge_account(s);
    auto latest =
        parse(s.get("/purchaseOrders?limit=1&orderBy=LastUpdateDate:desc&onlyData=true")->body);
    const std::string watermark = latest["items"][0]["LastUpdateDate"].GetString();
    REQUIRE(c.Post("/_sim/clock", R"({"advance_seconds":60})", "application/json")->status == 200);
    const std::string body = fmt::format(
        R"({{"op":"create","collection":"purchase_orders","SupplierId":{},"Description":"Crane rental, Oracle-born",)"
        R"("lines":[{{"LineType":"Goods","ItemDescription":"Crane","UOM":"Day","Quantity":4,"Price":1250.25,)"
        R"("schedules":[{{"ShipToLocation":"Austin Yard","NeedByDate":"2026-10-01","distributions":[{{"POChargeAccount":"{}"}}]}}]}}]}})",
        sup.supplier_id, combo);
    const auto before = s.sims.clock().now_ms();
    auto made = c.Post("/_sim/mutate", body, "application/json");
    const auto after = s.sims.clock().now_ms();
    REQUIRE(made);
    INFO(made->body);
    REQUIRE(made->status == 201);
    auto po = parse(made->body);
    const auto id = po["POHeaderId"].GetInt64();
    CHECK(std::string(po["Status"].GetString()) == "OPEN");
    CHECK(po["OrderNumber"].IsString());
    CHECK(std::string(po["SupplierSite"].GetString()) == sup.site);

    const std::string incremental = "/purchaseOrders?q=" + enc("LastUpdateDate>'" + watermark + "'")
                                    + "&orderBy=LastUpdateDate:asc,POHeaderId:asc&expand="
                                    + enc("lines,lines.schedules,lines.schedules.distributions");
    auto fresh = parse(s.get(incremental)->body);
    REQUIRE(fresh["count"].GetInt() == 1);
    const auto& item = fresh["items"][0];
    CHECK(item["POHeaderId"].GetInt64() == id);
    std::int64_t stamped = 0;
    REQUIRE(parse_timestamp(item["LastUpdateDate"].GetString(), stamped));
    CHECK(stamped >= before);
    CHECK(stamped <= after); // the virtual clock at the mutation
    CHECK(item["Ordered"].GetDouble() == 5001.0);
    CHECK(std::string(
              item["lines"][0]["schedules"][0]["distributions"][0]["POChargeAccount"].GetString())
          == combo);

    const std::string seen = item["LastUpdateDate"].GetString();
    REQUIRE(c.Post("/_sim/clock", R"({"advance_seconds":60})", "application/json")->status == 200);
    auto up = c.Post(
        "/_sim/mutate",
        fmt::format(
            R"({{"op":"update","collection":"purchase_orders","id":{},"Description":"Changed"}})",
            id),
        "application/json");
    REQUIRE(up->status == 200);
    auto again = parse(s.get("/purchaseOrders?q=" + enc("LastUpdateDate>'" + seen + "'"))->body);
    REQUIRE(again["count"].GetInt() == 1);
    CHECK(std::string(again["items"][0]["Description"].GetString()) == "Changed");

    CHECK(
        c.Post(
             "/_sim/mutate",
             fmt::format(
                 R"({{"op":"create","collection":"purchase_orders","SupplierId":{},"lines":[{{"LineType":"Goods"}}]}})",
                 sup.supplier_id),
             "application/json")
            ->status
        == 400);
    CHECK(c.Post("/_sim/mutate",
                 R"({"op":"create","collection":"purchase_orders","Description":"no supplier"})",
                 "application/json")
              ->status
          == 400);
}

TEST_CASE("oracle drop fault on POST draftPurchaseOrders: the draft exists, the answer is lost",
          "[sim][oracle]")
{
    Sim s;
    auto c = s.client();
    const auto sup = active_supplier(s);
    REQUIRE(c.Post("/_sim/faults", R"({"path":"draftPurchaseOrders$","method":"POST","drop":true})",
                   "application/json")
                ->status
            == 201);
    auto lost = post_v(s, "/draftPurchaseOrders",
                       draft_body(sup, charge_account(s), "Procore PO 4500000999"));
    CHECK((!lost || lost->body.empty()));
    auto found =
        parse(s.get("/draftPurchaseOrders?q=" + enc("Description LIKE '%4500000999%'"))->body);
    CHECK(found["count"].GetInt() == 1);
    // The fault was used once: a retry creates a second draft (the client must look up first).
    CHECK(
        s.post("/draftPurchaseOrders", draft_body(sup, charge_account(s), "Procore PO 4500000999"))
            ->status
        == 201);
}

// ---- post-costs: GL periods, period checks in Journal Import, ESS timing, execution log

namespace {

// A balanced two-line journal dated `date` (YYYY/MM/DD) with PERIOD_NAME `period` (may be empty).
std::string gl_journal_at(const std::string& group, const std::string& batch,
                          const std::string& journal, const std::vector<std::string>& seg,
                          const std::string& date, const std::string& period)
{
    std::string out;
    for (int side = 0; side < 2; ++side) {
        std::map<int, std::string> at{{1, "NEW"},        {2, "300000046975971"},
                                      {3, date},         {4, "Procore"},
                                      {5, "Adjustment"}, {6, "USD"},
                                      {7, date},         {8, "A"},
                                      {43, batch},       {46, journal},
                                      {52, "line"},      {67, group},
                                      {95, period}};
        at[side == 0 ? 39 : 40] = "12.34";
        for (std::size_t i = 0; i < seg.size(); ++i)
            at[static_cast<int>(9 + i)] = seg[i];
        out += gl_row(at);
    }
    return out;
}

// "Jul-26" for the month `offset` months from the wall clock's (the virtual clock starts there).
std::string month_name(int offset)
{
    static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    const int m = (tm.tm_year + 1900) * 12 + tm.tm_mon + offset;
    return fmt::format("{}-{:02}", months[m % 12], (m / 12) % 100);
}

std::string period_status(const Sim& s, const std::string& name, int application = 101)
{
    auto r = s.get("/accountingPeriodStatusLOV?q="
                   + enc(fmt::format("LedgerId=300000046975971;PeriodNameId='{}';ApplicationId={}",
                                     name, application)));
    REQUIRE(r);
    REQUIRE(r->status == 200);
    auto d = parse(r->body);
    REQUIRE(d["count"].GetInt() == 1);
    return d["items"][0]["ClosingStatus"].GetString();
}

std::string execution_log(const Sim& s, const std::string& id)
{
    auto r =
        s.get("/erpintegrations?finder=ESSJobExecutionDetailsRF;requestId=" + id + ",fileType=LOG");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    auto d = parse(r->body);
    REQUIRE(d["count"].GetInt() == 1);
    const auto& item = d["items"][0];
    CHECK(std::string(item["ReqstId"].GetString()) == id);
    CHECK(std::string(item["FileName"].GetString()) == id + ".zip");
    auto log =
        unzip_base64_file(item["DocumentContent"].GetString(), "ImportJournals_" + id + ".log");
    REQUIRE(log);
    return *log;
}

} // namespace

TEST_CASE("oracle accountingPeriodStatusLOV: monthly GL periods of the ledger, by q",
          "[sim][oracle][periods]")
{
    Sim s;
    // The Procore seed starts in Jan-25: open from there to now, closed before, future next month.
    CHECK(period_status(s, "Jan-25") == "O");
    CHECK(period_status(s, "Dec-24") == "C");
    CHECK(period_status(s, month_name(0)) == "O");
    CHECK(period_status(s, month_name(1)) == "F");
    CHECK(period_status(s, month_name(2)) == "N");
    CHECK(period_status(s, "Mar-25", 200) == "O");

    auto d = parse(s.get("/accountingPeriodStatusLOV?q="
                         + enc("LedgerId=300000046975971;PeriodNameId='Feb-28';ApplicationId=101"))
                       ->body);
    CHECK(d["count"].GetInt() == 0); // beyond a year after now: no period
    auto feb = parse(
        s.get("/accountingPeriodStatusLOV?q=" + enc("PeriodNameId='Feb-24';ApplicationId=101"))
            ->body);
    REQUIRE(feb["count"].GetInt() == 1);
    const auto& p = feb["items"][0];
    CHECK(std::string(p["StartDate"].GetString()) == "2024-02-01");
    CHECK(std::string(p["EndDate"].GetString()) == "2024-02-29");
    CHECK(p["PeriodYear"].GetInt() == 2024);
    CHECK(p["PeriodNumber"].GetInt() == 2);
    CHECK(p["LedgerId"].GetInt64() == 300000046975971);

    // Version 2 q, orderBy and paging work as on any collection; unknown attributes are a 400.
    auto page =
        parse(s.get("/accountingPeriodStatusLOV?q=" + enc("ApplicationId=101 and ClosingStatus='O'")
                        + "&orderBy=StartDate:desc&limit=2",
                    2)
                  ->body);
    REQUIRE(page["items"].Size() == 2);
    CHECK(std::string(page["items"][0]["PeriodNameId"].GetString()) == month_name(0));
    CHECK(page["hasMore"].GetBool());
    CHECK(s.get("/accountingPeriodStatusLOV?q=" + enc("Nope=1"))->status == 400);
    CHECK(s.client()
              .Post((k_root + "/accountingPeriodStatusLOV").c_str(), s.auth(), "{}",
                    "application/json")
              ->status
          == 405);
}

TEST_CASE("oracle mutate closes a period, and Journal Import rejects its journals with EP01",
          "[sim][oracle][periods]")
{
    Sim s;
    auto c = s.client();
    auto m = c.Post(
        "/_sim/mutate",
        R"({"op":"update","collection":"accounting_periods","PeriodNameId":"Mar-25","ClosingStatus":"C"})",
        "application/json");
    REQUIRE(m->status == 200);
    CHECK(std::string(parse(m->body)["ClosingStatus"].GetString()) == "C");
    CHECK(period_status(s, "Mar-25") == "C");
    CHECK(period_status(s, "Mar-25", 200) == "O"); // Payables keeps its own status
    bool found = false;
    const auto periods = s.data("accounting_periods");
    for (const auto& p : periods.GetArray())
        if (std::string(p["PeriodNameId"].GetString()) == "Mar-25"
            && p["ApplicationId"].GetInt() == 101)
            found = std::string(p["ClosingStatus"].GetString()) == "C";
    CHECK(found);
    CHECK(
        c.Post(
             "/_sim/mutate",
             R"({"op":"update","collection":"accounting_periods","PeriodNameId":"Mar-25","ClosingStatus":"X"})",
             "application/json")
            ->status
        == 400);
    CHECK(
        c.Post(
             "/_sim/mutate",
             R"({"op":"update","collection":"accounting_periods","PeriodNameId":"Mar-99","ClosingStatus":"C"})",
             "application/json")
            ->status
        == 404);

    auto seg = first_account(s);
    const std::string csv = gl_journal_at("31", "B31", "CLOSED", seg, "2025/03/14", "Mar-25")
                            + gl_journal_at("31", "B31", "OPEN", seg, "2025/04/10", "Apr-25")
                            + gl_journal_at("31", "B31", "NOPERIOD", seg, "2025/04/10", "")
                            + gl_journal_at("31", "B31", "WRONGNAME", seg, "2025/04/10", "May-25")
                            + gl_journal_at("31", "B31", "NEVER", seg, "2099/01/15", "");
    auto d = parse(s.post("/erpintegrations", import_body(csv, "31"))->body);
    const std::string id = d["ReqstId"].GetString();
    // The parent job still says SUCCEEDED: it does not prove rows imported (oracle-fusion.md §5).
    CHECK(run_job_to_end(s, id) == "SUCCEEDED");
    std::map<std::string, std::set<std::string>> codes;
    const auto rejected = s.data("gl_interface_rejected");
    for (const auto& r : rejected.GetArray())
        codes[r["REFERENCE4"].GetString()].insert(r["STATUS"].GetString());
    CHECK(codes["CLOSED"] == std::set<std::string>{"EP01"});
    CHECK(codes["WRONGNAME"] == std::set<std::string>{"EM05"});
    CHECK(codes["NEVER"] == std::set<std::string>{"EP01"});
    CHECK(codes.count("OPEN") == 0);
    CHECK(codes.count("NOPERIOD") == 0);
    auto journals = s.data("journals");
    REQUIRE(journals.Size() == 1);
    std::set<std::string> names;
    for (const auto& h : journals[0]["journalHeaders"].GetArray())
        names.insert(h["JournalName"].GetString());
    CHECK(names == std::set<std::string>{"OPEN", "NOPERIOD"});
    auto jobs = s.data("ess_jobs");
    CHECK(std::string(jobs[0]["ImportStatus"].GetString()) == "WARNING");

    // Everything rejected: the import child ends in ERROR (the parent still SUCCEEDED).
    auto all_bad = parse(
        s.post("/erpintegrations",
               import_body(gl_journal_at("32", "B32", "J", seg, "2025/03/02", "Mar-25"), "32"))
            ->body);
    CHECK(run_job_to_end(s, all_bad["ReqstId"].GetString()) == "SUCCEEDED");
    CHECK(std::string(s.data("ess_jobs")[1]["ImportStatus"].GetString()) == "ERROR");
}

TEST_CASE("oracle ESS jobs finish on the virtual clock without being polled", "[sim][oracle][ess]")
{
    Sim s;
    auto seg = first_account(s);
    auto d = parse(
        s.post("/erpintegrations",
               import_body(gl_journal_at("41", "B41", "J41", seg, "2025/05/05", "May-25"), "41"))
            ->body);
    const std::string id = d["ReqstId"].GetString();
    auto c = s.client();
    auto batches = [&] {
        return parse(s.get("/journalBatches?q=" + enc("BatchName='B41'"))->body)["count"].GetInt();
    };
    REQUIRE(c.Post("/_sim/clock", R"({"advance_seconds":59})", "application/json")->status == 200);
    CHECK(batches() == 0);
    CHECK(s.data("journals").Size() == 0);
    REQUIRE(c.Post("/_sim/clock", R"({"advance_seconds":1})", "application/json")->status == 200);
    CHECK(batches() == 1); // 60 s after submission: done, although nobody polled
    auto status = parse(s.get("/erpintegrations?finder=ESSJobStatusRF;requestId=" + id)->body);
    CHECK(std::string(status["items"][0]["RequestStatus"].GetString()) == "SUCCEEDED");

    // Polls still finish a job early, as before.
    auto d2 = parse(
        s.post("/erpintegrations",
               import_body(gl_journal_at("42", "B42", "J42", seg, "2025/05/05", "May-25"), "42"))
            ->body);
    CHECK(run_job_to_end(s, d2["ReqstId"].GetString()) == "SUCCEEDED");
    CHECK(s.data("journals").Size() == 2);
}

TEST_CASE("oracle ESSJobExecutionDetailsRF: the Import Journals log lists rejected rows",
          "[sim][oracle][ess]")
{
    Sim s;
    auto seg = first_account(s);
    const std::string csv =
        gl_journal_at("51", "B51", "GOOD", seg, "2025/06/03", "Jun-25")
        + gl_line("51", "B51", "BADSEG", {"999", "9999", "9999", "000", "000"}, "1", "")
        + gl_line("51", "B51", "BADSEG", seg, "", "1");
    auto d = parse(s.post("/erpintegrations", import_body(csv, "51"))->body);
    const std::string id = d["ReqstId"].GetString();

    const auto running = execution_log(s, id);
    CHECK(running.find("Journal Import started") != std::string::npos);
    CHECK(running.find("Rejected row") == std::string::npos);

    CHECK(run_job_to_end(s, id) == "SUCCEEDED");
    const auto log = execution_log(s, id);
    CHECK(log.find("Rows selected: 4\n") != std::string::npos);
    CHECK(log.find("Rows imported: 2\n") != std::string::npos);
    CHECK(log.find("Rejected row 3: status EF04; batch B51; journal BADSEG; The account "
                   "999-9999-9999-000-000 is not")
          != std::string::npos);
    CHECK(log.find("Rejected row 4: status EU03; batch B51; journal BADSEG; ")
          != std::string::npos);
    CHECK(log.find("Journal Import completed with status WARNING") != std::string::npos);

    CHECK(parse(s.get("/erpintegrations?finder=ESSJobExecutionDetailsRF;requestId=999,fileType=LOG")
                    ->body)["count"]
              .GetInt()
          == 0);
    CHECK(s.get("/erpintegrations?finder=ESSJobExecutionDetailsRF;requestId=" + id)->status == 400);
}
