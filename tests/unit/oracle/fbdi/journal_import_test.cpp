// Journal Import through erpintegrations: the zip (read back with libzip), the importBulkData body
// (every field the reference gives, DocumentContent decoding to the zip), the submission (ReqstId
// as a string or a number, -1 and none as refusals, never resent), ESS status polling, and the
// rejected rows read from the execution log zip (the simulator's line form; anything else
// passed over).
#include "core/base64.hpp"
#include "core/json.hpp"
#include "oracle/fbdi/gl_interface.hpp"
#include "oracle/fbdi/journal_import.hpp"
#include "support/temp_dir.hpp"
#include "unit/http/fake_transport.hpp"

#include <catch2/catch.hpp>
#include <zip.h>

#include <fstream>
#include <sstream>
#include <utility>

namespace oracle_fbdi_journal_import_test {

using namespace mlc;
using namespace mlc::oracle;
using namespace mlc::oracle::fbdi;
using test::FakeTransport;
using test::response;
using test::TempDir;

namespace {

constexpr const char* k_root = "https://pod.example.com/fscmRestApi/resources/11.13.18.05";

struct Harness {
    FakeTransport transport;
    http::CallCounter counter;
    FakeClock clock;
    http::Client http{transport, nullptr, counter, clock, {"oracle", {}, {}}};
    Client client{http, k_root};
};

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// The entries of a zip file: (name, content).
std::vector<std::pair<std::string, std::string>> unzip(const std::string& path)
{
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &error);
    REQUIRE(archive != nullptr);
    std::vector<std::pair<std::string, std::string>> out;
    const zip_int64_t n = zip_get_num_entries(archive, 0);
    for (zip_int64_t i = 0; i < n; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        zip_stat_t st;
        REQUIRE(zip_stat_index(archive, index, 0, &st) == 0);
        zip_file_t* file = zip_fopen_index(archive, index, 0);
        REQUIRE(file != nullptr);
        std::string content(static_cast<std::size_t>(st.size), '\0');
        CHECK(zip_fread(file, content.data(), st.size) == static_cast<zip_int64_t>(st.size));
        zip_fclose(file);
        out.emplace_back(st.name, std::move(content));
    }
    zip_discard(archive);
    return out;
}

// A zip of log files, as the execution-details finder sends it (before base64).
std::string zip_of(const std::string& dir,
                   const std::vector<std::pair<std::string, std::string>>& files)
{
    const std::string path = dir + "/logs.zip";
    int error = 0;
    zip_t* archive = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    REQUIRE(archive != nullptr);
    for (const auto& [name, text] : files) {
        zip_source_t* source = zip_source_buffer(archive, text.data(), text.size(), 0);
        REQUIRE(source != nullptr);
        REQUIRE(zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE) >= 0);
    }
    REQUIRE(zip_close(archive) == 0);
    return read_file(path);
}

GlRow row()
{
    GlRow r;
    r.ledger_id = 300000046975971;
    r.accounting_date = "2026-07-14";
    r.source = "Procore";
    r.category = "Project Costs";
    r.currency = "USD";
    r.date_created = "2026-07-15";
    r.segments = {"101", "2100", "5110", "000", "000"};
    r.entered_dr = "10";
    r.reference1 = "B";
    r.reference4 = "J";
    r.group_id = 90219;
    return r;
}

} // namespace

TEST_CASE("zip_gl_interface stores the CSV as GlInterface.csv", "[oracle][fbdi]")
{
    TempDir dir;
    GlInterfaceFile csv(dir.path().string());
    for (int i = 0; i < 2000; ++i) { // larger than one read buffer
        csv.add(row());
    }
    const std::string csv_path = csv.finish();
    const std::string zip_path = (dir.path() / "MLC_90219.zip").string();
    auto zipped = zip_gl_interface(csv_path, zip_path);
    REQUIRE(zipped.has_value());
    const auto entries = unzip(zip_path);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].first == "GlInterface.csv");
    CHECK(entries[0].second == read_file(csv_path));
    CHECK(read_file(zip_path).size() < read_file(csv_path).size()); // compressed

    // Zipping again replaces the archive rather than adding to it.
    REQUIRE(zip_gl_interface(csv_path, zip_path).has_value());
    CHECK(unzip(zip_path).size() == 1);

    auto no_csv =
        zip_gl_interface((dir.path() / "missing.csv").string(), (dir.path() / "x.zip").string());
    REQUIRE_FALSE(no_csv.has_value());
    CHECK(no_csv.error().find("missing.csv") != std::string::npos);
    auto no_dir = zip_gl_interface(csv_path, (dir.path() / "missing" / "x.zip").string());
    REQUIRE_FALSE(no_dir.has_value());
}

TEST_CASE("import_body carries the zip and the Journal Import parameters", "[oracle][fbdi]")
{
    TempDir dir;
    const std::string zip_path = (dir.path() / "GlInterface.zip").string();
    const std::string bytes("PK\x03\x04 not really a zip \xff\x00", 24);
    write_file(zip_path, bytes);
    ImportParams params;
    params.data_access_set_id = "300000046975980";
    params.source = "Procore";
    params.ledger_id = 300000046975971;
    params.group_id = 90219;
    params.file_name = "MLC_90219.zip";
    auto body = import_body(params, zip_path);
    REQUIRE(body.has_value());
    auto doc = json::parse(*body);
    REQUIRE(doc.has_value());
    auto field = [&doc](const char* key) { return json::get_string(*doc, key).value_or("<none>"); };
    CHECK(field("OperationName") == "importBulkData");
    CHECK(base64_decode(field("DocumentContent")) == bytes);
    CHECK(field("ContentType") == "zip");
    CHECK(field("FileName") == "MLC_90219.zip");
    CHECK(field("DocumentAccount") == "fin$/generalLedger$/import$");
    CHECK(field("JobName")
          == "/oracle/apps/ess/financials/generalLedger/programs/common,JournalImportLauncher");
    CHECK(field("ParameterList") == "300000046975980,Procore,300000046975971,90219,N,N,N");
    CHECK(field("CallbackURL") == "#NULL");
    CHECK(field("NotificationCode") == "10");
    CHECK(field("JobOptions") == "ExtractFileType=ALL");
    CHECK(doc->MemberCount() == 10);

    params.data_access_set_id.clear();
    params.file_name.clear();
    auto defaults = import_body(params, zip_path);
    REQUIRE(defaults.has_value());
    auto d = json::parse(*defaults);
    REQUIRE(d.has_value());
    CHECK(json::get_string(*d, "ParameterList") == "#NULL,Procore,300000046975971,90219,N,N,N");
    CHECK(json::get_string(*d, "FileName") == "MLC_90219.zip");

    params.source = "Procore, Inc";
    CHECK_FALSE(import_body(params, zip_path).has_value()); // would shift ParameterList
    params.source = "";
    CHECK_FALSE(import_body(params, zip_path).has_value());
    params.source = "Procore";
    CHECK_FALSE(import_body(params, (dir.path() / "missing.zip").string()).has_value());
}

TEST_CASE("submit_import POSTs once and reads ReqstId", "[oracle][fbdi]")
{
    Harness h;
    h.transport.push(
        response(201, R"({"OperationName":"importBulkData","DocumentContent":"UEsDBA==",
        "JobName":"x","ReqstId":"4242"})"));
    auto id = submit_import(h.client, R"({"OperationName":"importBulkData"})");
    REQUIRE(id.has_value());
    CHECK(*id == 4242);
    const auto& r = h.transport.requests[0];
    CHECK(r.method == "POST");
    CHECK(r.url == std::string(k_root) + "/erpintegrations");
    CHECK(r.body == R"({"OperationName":"importBulkData"})");
    CHECK(r.headers.get("Content-Type") == "application/vnd.oracle.adf.resourceitem+json");
    CHECK(h.counter.snapshot().at("POST /erpintegrations") == 1);

    h.transport.push(response(200, R"({"ReqstId":4243})"));
    auto number = submit_import(h.client, "{}");
    REQUIRE(number.has_value());
    CHECK(*number == 4243);
}

TEST_CASE("submit_import: ReqstId -1 or none is a refusal, a 502 is not resent", "[oracle][fbdi]")
{
    Harness h;
    h.transport.push(response(201, R"({"OperationName":"importBulkData",
        "DocumentContent":"UEsDBBQAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAA","ReqstId":"-1"})"));
    auto refused = submit_import(h.client, "{}");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == http::ErrorKind::status);
    CHECK(refused.error().status == 201);
    CHECK(refused.error().message.find("ReqstId -1") != std::string::npos);
    CHECK(refused.error().body.find("DocumentContent") == std::string::npos);
    CHECK(refused.error().body.find("importBulkData") != std::string::npos);

    h.transport.push(response(201, R"({"OperationName":"importBulkData"})"));
    auto missing = submit_import(h.client, "{}");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().kind == http::ErrorKind::status);
    CHECK(missing.error().message.find("no ReqstId") != std::string::npos);

    h.transport.push(response(201, "not json"));
    auto garbled = submit_import(h.client, "{}");
    REQUIRE_FALSE(garbled.has_value());
    CHECK(garbled.error().kind == http::ErrorKind::shape);

    Harness failing;
    failing.transport.push(response(502, "bad gateway"));
    auto lost = submit_import(failing.client, "{}");
    REQUIRE_FALSE(lost.has_value());
    CHECK(lost.error().status == 502);
    CHECK(failing.transport.requests.size() == 1); // may have been applied: never resent
}

TEST_CASE("job_status reads RequestStatus through ESSJobStatusRF", "[oracle][fbdi]")
{
    Harness h;
    h.transport.push(response(200, R"({"items":[{"ReqstId":"4242","RequestStatus":"RUNNING"}],
        "count":1,"hasMore":false})"));
    auto status = job_status(h.client, 4242);
    REQUIRE(status.has_value());
    CHECK(*status == "RUNNING");
    CHECK(h.transport.requests[0].url
          == std::string(k_root)
                 + "/erpintegrations?finder=ESSJobStatusRF;requestId=4242&limit=1&onlyData=true");
    CHECK(h.counter.snapshot().at("GET /erpintegrations") == 1);

    h.transport.push(response(200, R"({"items":[],"count":0,"hasMore":false})"));
    auto unknown = job_status(h.client, 1);
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().kind == http::ErrorKind::shape);
    CHECK(unknown.error().message.find("1") != std::string::npos);

    h.transport.push(response(200, R"({"items":[{"ReqstId":"1"}]})"));
    CHECK_FALSE(job_status(h.client, 1).has_value());

    h.transport.push(response(404, "no"));
    auto missing = job_status(h.client, 1);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().status == 404);
}

TEST_CASE("job_finished and job_succeeded", "[oracle][fbdi]")
{
    for (const char* s : {"SUCCEEDED", "WARNING", "ERROR", "CANCELED", "ERROR MANUAL RECOVERY"}) {
        INFO(s);
        CHECK(job_finished(s));
    }
    for (const char* s : {"RUNNING", "WAIT", "PAUSED", "READY", "BLOCKED", ""}) {
        INFO(s);
        CHECK_FALSE(job_finished(s));
        CHECK_FALSE(job_succeeded(s));
    }
    CHECK(job_succeeded("SUCCEEDED"));
    CHECK(job_succeeded("WARNING"));
    CHECK_FALSE(job_succeeded("ERROR"));
    CHECK_FALSE(job_succeeded("CANCELED"));
}

TEST_CASE("parse_rejected_log reads the simulator's lines and passes over the rest",
          "[oracle][fbdi]")
{
    const auto lines = parse_rejected_log(
        "Journal Import started\n"
        "Rejected row 3: status EF04; batch MLC DC 4600000001 v2; journal DC-4600000001; "
        "The account 101-2100-9999-000-000 is not valid; check segments\r\n"
        "Rejected row 4: status EU03; batch MLC DC 4600000001 v2; journal DC-4600000001\n"
        "Rejected row x: status EF04; batch B; journal J; not a row number\n"
        "Rejected row 5: batch B; journal J; no status\n"
        "  Rejected row 6: status EU02; batch B2; journal J2; unbalanced  \n"
        "Rows imported: 0");
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].code == "EF04");
    CHECK(lines[0].batch_name == "MLC DC 4600000001 v2");
    CHECK(lines[0].journal_name == "DC-4600000001");
    CHECK(lines[0].reason == "The account 101-2100-9999-000-000 is not valid; check segments");
    CHECK(lines[1].code == "EU03");
    CHECK(lines[1].journal_name == "DC-4600000001");
    CHECK(lines[1].reason.empty());
    CHECK(lines[2].code == "EU02");
    CHECK(lines[2].batch_name == "B2");
    CHECK(lines[2].reason == "unbalanced");
    CHECK(parse_rejected_log("").empty());
}

TEST_CASE("rejected_lines reads every log in the execution details zip", "[oracle][fbdi]")
{
    TempDir dir;
    const std::string zip = zip_of(
        dir.path().string(),
        {{"4242.log", "Load started\n"},
         {"4244.log", "Rejected row 1: status EF04; batch B; journal J; bad account\n"
                      "Rejected row 2: status EU03; batch B; journal J; journal rejected\n"}});
    Harness h;
    h.transport.push(response(200, R"({"items":[{"ReqstId":"4242","DocumentContent":")"
                                       + base64_encode(zip) + R"("}]})"));
    auto rejected = rejected_lines(h.client, 4242);
    REQUIRE(rejected.has_value());
    REQUIRE(rejected->size() == 2);
    CHECK((*rejected)[0].code == "EF04");
    CHECK((*rejected)[1].reason == "journal rejected");
    CHECK(h.transport.requests[0].url
          == std::string(k_root)
                 + "/erpintegrations?finder=ESSJobExecutionDetailsRF;requestId=4242,fileType=LOG"
                   "&limit=1&onlyData=true");

    // Best effort: what cannot be read names no rows.
    h.transport.push(response(200, R"({"items":[{"DocumentContent":"not base64!"}]})"));
    auto garbled = rejected_lines(h.client, 4242);
    REQUIRE(garbled.has_value());
    CHECK(garbled->empty());
    h.transport.push(response(200, R"({"items":[{"DocumentContent":")" + base64_encode("not a zip")
                                       + R"("}]})"));
    auto not_zip = rejected_lines(h.client, 4242);
    REQUIRE(not_zip.has_value());
    CHECK(not_zip->empty());
    h.transport.push(response(200, R"({"items":[]})"));
    auto none = rejected_lines(h.client, 4242);
    REQUIRE(none.has_value());
    CHECK(none->empty());
    CHECK(parse_rejected_logs_zip("").empty());

    // An HTTP failure is an error, not "no rows".
    h.transport.push(response(400, "bad finder"));
    auto failed = rejected_lines(h.client, 4242);
    REQUIRE_FALSE(failed.has_value());
    CHECK(failed.error().status == 400);
}

} // namespace oracle_fbdi_journal_import_test
