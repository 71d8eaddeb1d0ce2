// GlInterface.csv rows: exactly 150 fields, every value in the column the reference gives it,
// dates as YYYY/MM/DD, amounts as plain decimals, CSV quoting; the row file: written as rows come,
// finished, removed with its owner, and a write error (a full disk, here a file size limit) thrown.
#include "oracle/fbdi/gl_interface.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace oracle_fbdi_gl_interface_test {

using namespace mlc::oracle::fbdi;
using mlc::test::TempDir;

namespace {

GlRow sample_row()
{
    GlRow r;
    r.ledger_id = 300000046975971;
    r.accounting_date = "2026-07-14";
    r.source = "Procore";
    r.category = "Project Costs";
    r.currency = "USD";
    r.date_created = "2026-07-15";
    r.segments = {"101", "2100", "5110", "000", "000"};
    r.entered_dr = "1234.50";
    r.reference1 = "MLC DC 4600000001 v2";
    r.reference2 = "Procore direct cost 4600000001";
    r.reference4 = "DC-4600000001";
    r.reference5 = "Crane rental";
    r.reference6 = "INV-1042";
    r.reference10 = "Crane, 3 days";
    r.reference21 = "4600000001-1";
    r.group_id = 90219;
    r.ledger_name = "US Primary Ledger";
    r.period_name = "Jul-26";
    return r;
}

// Splits one CSV record (quoted fields with doubled quotes), as Journal Import reads it.
std::vector<std::string> split_csv(const std::string& line)
{
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("gl_row_csv writes 150 fields in the reference's positions", "[oracle][fbdi]")
{
    const auto f = split_csv(gl_row_csv(sample_row()));
    REQUIRE(f.size() == k_gl_interface_columns);
    REQUIRE(f.size() == 150);
    auto at = [&f](std::size_t position) {
        return f.at(position - 1);
    }; // 1-based, as the reference
    CHECK(at(1) == "NEW");
    CHECK(at(2) == "300000046975971");
    CHECK(at(3) == "2026/07/14");
    CHECK(at(4) == "Procore");
    CHECK(at(5) == "Project Costs");
    CHECK(at(6) == "USD");
    CHECK(at(7) == "2026/07/15");
    CHECK(at(8) == "A");
    CHECK(at(9) == "101");
    CHECK(at(10) == "2100");
    CHECK(at(11) == "5110");
    CHECK(at(12) == "000");
    CHECK(at(13) == "000");
    CHECK(at(39) == "1234.5"); // plain decimal
    CHECK(at(40).empty());
    CHECK(at(43) == "MLC DC 4600000001 v2");
    CHECK(at(44) == "Procore direct cost 4600000001");
    CHECK(at(46) == "DC-4600000001");
    CHECK(at(47) == "Crane rental");
    CHECK(at(48) == "INV-1042");
    CHECK(at(52) == "Crane, 3 days"); // quoted in the text, whole in the field
    CHECK(at(53) == "4600000001-1");
    CHECK(at(67) == "90219");
    CHECK(at(92) == "US Primary Ledger");
    CHECK(at(95) == "Jul-26");
    // Everything else is empty: the unused segments, ACCOUNTED_DR/CR, REFERENCE3, 7–9, the tail.
    const std::set<std::size_t> set_positions = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                                                 13, 39, 43, 44, 46, 47, 48, 52, 53, 67, 92, 95};
    for (std::size_t p = 1; p <= 150; ++p) {
        if (!set_positions.contains(p)) {
            INFO("position " << p);
            CHECK(at(p).empty());
        }
    }
}

TEST_CASE("gl_row_csv: credit lines, 30 segments, quoting", "[oracle][fbdi]")
{
    GlRow r = sample_row();
    r.entered_dr.clear();
    r.entered_cr = "+.5";
    r.segments.clear();
    for (int i = 1; i <= 30; ++i) {
        r.segments.push_back("S" + std::to_string(i));
    }
    r.reference5 = "He said \"pour\", then left";
    r.reference10 = "line\nbreak";
    const std::string csv = gl_row_csv(r);
    CHECK(csv.find(R"("He said ""pour"", then left")") != std::string::npos);
    CHECK(csv.find("\"line\nbreak\"") != std::string::npos);
    const auto f = split_csv(csv);
    REQUIRE(f.size() == 150);
    CHECK(f[39 - 1].empty());
    CHECK(f[40 - 1] == "0.5");
    CHECK(f[9 - 1] == "S1");
    CHECK(f[38 - 1] == "S30");
    CHECK(f[39 - 1].empty());
    CHECK(f[47 - 1] == "He said \"pour\", then left");
    CHECK(f[52 - 1] == "line\nbreak");

    r.segments.push_back("S31");
    CHECK_THROWS_AS(gl_row_csv(r), std::invalid_argument);
}

TEST_CASE("GlInterfaceFile writes rows to a temporary file it removes", "[oracle][fbdi]")
{
    TempDir dir;
    std::string path;
    {
        GlInterfaceFile file(dir.path().string());
        GlRow debit = sample_row();
        GlRow credit = sample_row();
        credit.entered_dr.clear();
        credit.entered_cr = "1234.50";
        credit.segments[2] = "2100";
        file.add(debit);
        file.add(credit);
        CHECK(file.rows() == 2);
        path = file.finish();
        CHECK(std::filesystem::path(path).parent_path() == dir.path());
        CHECK(file.finish() == path); // twice is harmless
        const std::string text = read_file(path);
        CHECK(text == gl_row_csv(debit) + "\n" + gl_row_csv(credit) + "\n");
        CHECK_THROWS_AS(file.add(debit), std::logic_error);
    }
    CHECK_FALSE(std::filesystem::exists(path));

    CHECK_THROWS_AS(GlInterfaceFile((dir.path() / "missing").string()), std::runtime_error);
}

TEST_CASE("GlInterfaceFile throws on a write error", "[oracle][fbdi]")
{
    // A file size limit stands in for a full disk: the write fails with EFBIG instead of ENOSPC.
    TempDir dir;
    rlimit saved{};
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    auto* const previous = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = saved;
    small.rlim_cur = 64 * 1024;
    REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
    bool thrown = false;
    try {
        GlInterfaceFile file(dir.path().string());
        for (int i = 0; i < 10'000; ++i) {
            file.add(sample_row());
        }
        file.finish();
    } catch (const std::runtime_error& e) {
        thrown = true;
        CHECK(std::string(e.what()).find("GlInterface.csv") != std::string::npos);
    }
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previous);
    CHECK(thrown);
}

} // namespace oracle_fbdi_gl_interface_test
