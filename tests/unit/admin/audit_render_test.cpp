#include "admin/audit_render.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using mlc::admin::csv_field;
using mlc::admin::json_string;
using mlc::store::AuditEntry;

namespace {

std::vector<AuditEntry> sample_rows()
{
    AuditEntry a;
    a.id = 1;
    a.at = "2026-01-02T03:04:05.000+00:00";
    a.run_id = 7;
    a.command = "sync-suppliers";
    a.record_kind = "supplier";
    a.oracle_key = "300000047000123";
    a.action = "read";
    a.prev_hash = std::string(64, '0');
    a.hash = std::string(64, 'a');

    AuditEntry b = a;
    b.id = 2;
    b.record_kind = "vendor";
    b.procore_key = "5501";
    b.action = "failed";
    b.remote_status = 422;
    b.message = "name \"Acme, Inc.\" rejected\nsecond line";
    b.prev_hash = a.hash;
    b.hash = std::string(64, 'b');
    return {a, b};
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

} // namespace

TEST_CASE("audit formats parse by name", "[audit]")
{
    CHECK(mlc::admin::parse_format("table") == mlc::admin::Format::table);
    CHECK(mlc::admin::parse_format("json") == mlc::admin::Format::json);
    CHECK(mlc::admin::parse_format("csv") == mlc::admin::Format::csv);
    CHECK_FALSE(mlc::admin::parse_format("xml").has_value());
    CHECK_FALSE(mlc::admin::parse_format("").has_value());
}

TEST_CASE("audit table is aligned and one line per row", "[audit]")
{
    const std::string out = mlc::admin::render_table(sample_rows());
    const auto l = lines(out);
    REQUIRE(l.size() == 3); // the message's newline does not break the row
    CHECK(l[0].rfind("ID", 0) == 0);
    // Every column starts at the same offset on every line.
    const auto kind_col = l[0].find("KIND");
    CHECK(l[1].substr(kind_col, 8) == "supplier");
    CHECK(l[2].substr(kind_col, 6) == "vendor");
    const auto status_col = l[0].find("STATUS");
    CHECK(l[2].substr(status_col, 3) == "422");
    CHECK(l[1].substr(status_col, 1) == "-");
    CHECK(l[2].find("rejected second line") != std::string::npos);
    CHECK(l[1].find(" 7 ") != std::string::npos);
}

TEST_CASE("audit table cuts long messages", "[audit]")
{
    auto rows = sample_rows();
    rows[1].message = std::string(200, 'x') + "END";
    const auto l = lines(mlc::admin::render_table(rows));
    CHECK(l[2].find("END") == std::string::npos);
    CHECK(l[2].find(std::string(mlc::admin::k_table_message_width - 1, 'x') + "\xE2\x80\xA6")
          != std::string::npos);
    // Multi-byte text is cut at a character boundary, never inside one.
    std::string umlauts;
    for (int i = 0; i < 100; ++i) {
        umlauts += "\xC3\xA4";
    }
    rows[1].message = umlauts;
    const auto cut = lines(mlc::admin::render_table(rows))[2];
    CHECK(cut.find(umlauts.substr(0, 2 * (mlc::admin::k_table_message_width - 1)) + "\xE2\x80\xA6")
          != std::string::npos);
}

TEST_CASE("audit table of no rows says so", "[audit]")
{
    const auto l = lines(mlc::admin::render_table({}));
    REQUIRE(l.size() == 2);
    CHECK(l[1] == "(no audit rows match)");
}

TEST_CASE("audit JSON escapes and keeps nulls", "[audit]")
{
    const std::string out = mlc::admin::render_json(sample_rows());
    CHECK(out.front() == '[');
    CHECK(out.find(R"("message":null)") != std::string::npos);
    CHECK(out.find(R"("procore_key":null)") != std::string::npos);
    CHECK(out.find(R"("remote_status":422)") != std::string::npos);
    CHECK(out.find(R"("run_id":7)") != std::string::npos);
    CHECK(out.find(R"("message":"name \"Acme, Inc.\" rejected\nsecond line")")
          != std::string::npos);
    CHECK(lines(out).size() == 4); // [, two rows, ]
    CHECK(mlc::admin::render_json({}) == "[]\n");

    CHECK(json_string("a\\b") == R"("a\\b")");
    CHECK(json_string(std::string("\x01\t", 2)) == R"("\u0001\t")");
    CHECK(json_string("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
    // Invalid UTF-8 (a lone continuation byte, a truncated sequence) becomes U+FFFD.
    CHECK(json_string("a\x80z") == "\"a\xEF\xBF\xBDz\"");
    CHECK(json_string("a\xE2\x82") == "\"a\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST_CASE("audit CSV quotes per RFC 4180", "[audit]")
{
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("cr\rhere") == "\"cr\rhere\"");
    CHECK(csv_field("") == "");

    const std::string out = mlc::admin::render_csv(sample_rows());
    const std::string header =
        "id,at,run_id,command,record_kind,oracle_key,procore_key,action,"
        "before_fp,after_fp,remote_status,remote_id,message,prev_hash,hash\r\n";
    REQUIRE(out.rfind(header, 0) == 0);
    CHECK(
        out.find(
            "1,2026-01-02T03:04:05.000+00:00,7,sync-suppliers,supplier,300000047000123,,read,,,,,,")
        != std::string::npos);
    CHECK(out.find(",failed,,,422,,\"name \"\"Acme, Inc.\"\" rejected\nsecond line\",")
          != std::string::npos);
    // Three records: header and two rows, each ending in CRLF (the embedded LF is quoted).
    std::size_t crlf = 0;
    for (std::size_t pos = out.find("\r\n"); pos != std::string::npos;
         pos = out.find("\r\n", pos + 2)) {
        ++crlf;
    }
    CHECK(crlf == 3);
    CHECK(mlc::admin::render_csv({}) == header);
}

TEST_CASE("audit render dispatches on format", "[audit]")
{
    const auto rows = sample_rows();
    CHECK(mlc::admin::render(rows, mlc::admin::Format::csv) == mlc::admin::render_csv(rows));
    CHECK(mlc::admin::render(rows, mlc::admin::Format::json) == mlc::admin::render_json(rows));
    CHECK(mlc::admin::render(rows, mlc::admin::Format::table) == mlc::admin::render_table(rows));
}
