// What the ledger has: journalBatches pages (journal headers expanded as a bare array or as a
// collection object, totals kept as the exact text Oracle sent, BatchName or Name), the lookup by
// batch name (quoting, paging, a looser server match dropped), and the GL period statuses (all
// pages, sorted by start date, the period a date falls in).
#include "oracle/journals.hpp"
#include "unit/http/fake_transport.hpp"

#include <catch2/catch.hpp>

namespace oracle_journals_test {

using namespace mlc;
using namespace mlc::oracle;
using test::FakeTransport;
using test::response;

namespace {

constexpr const char* k_root = "https://pod.example.com/fscmRestApi/resources/11.13.18.05";

struct Harness {
    FakeTransport transport;
    http::CallCounter counter;
    FakeClock clock;
    http::Client http{transport, nullptr, counter, clock, {"oracle", {}, {}}};
    Client client{http, k_root};
};

// Framework v2 (children as bare arrays).
const char* k_batches = R"({"items":[
  {"JeBatchId":300000123456001,"BatchName":"MLC DC 4600000001 v2","Status":"U",
   "PostingStatus":"Unposted","AccountingPeriodName":"Jul-26","LedgerName":"US Primary Ledger",
   "journalHeaders":[
     {"JeHeaderId":300000123456101,"JournalName":"DC-4600000001","CurrencyCode":"USD",
      "RunningTotalEnteredDr":1234.10,"RunningTotalEnteredCr":1234.10},
     {"JeHeaderId":"300000123456102","JournalName":"DC-4600000001 tax","CurrencyCode":"USD",
      "RunningTotalEnteredDr":"0.1","RunningTotalEnteredCr":null}]}],
  "count":1,"hasMore":false,"limit":100,"offset":0})";

const char* k_periods_page = R"({"items":[
  {"PeriodNameId":"Aug-26","ClosingStatus":"F","StartDate":"2026-08-01","EndDate":"2026-08-31"},
  {"PeriodNameId":"Jul-26","ClosingStatus":"O","StartDate":"2026-07-01","EndDate":"2026-07-31"}],
  "count":2,"hasMore":false,"limit":500,"offset":0})";

} // namespace

TEST_CASE("parse_journal_batch_page reads batches with their journal headers", "[oracle][journals]")
{
    auto journals = parse_journal_batch_page(k_batches);
    REQUIRE(journals.has_value());
    REQUIRE(journals->size() == 2);
    const auto& j = (*journals)[0];
    CHECK(j.batch_id == 300000123456001);
    CHECK(j.batch_name == "MLC DC 4600000001 v2");
    CHECK(j.batch_status == "U");
    CHECK(j.posting_status == "Unposted");
    CHECK(j.period == "Jul-26");
    CHECK(j.header_id == 300000123456101);
    CHECK(j.journal_name == "DC-4600000001");
    CHECK(j.total_dr == "1234.10"); // the text Oracle sent, trailing zero kept
    CHECK(j.total_cr == "1234.10");
    CHECK(j.currency == "USD");
    CHECK((*journals)[1].header_id == 300000123456102);
    CHECK((*journals)[1].batch_id == 300000123456001);
    CHECK((*journals)[1].total_dr == "0.1");
    CHECK((*journals)[1].total_cr.empty());

    // Framework 3+: the child is a collection object; the batch has only Name.
    auto v3 = parse_journal_batch_page(R"({"items":[{"JeBatchId":1,"Name":"B",
        "journalHeaders":{"items":[{"JeHeaderId":2,"JournalName":"J",
        "RunningTotalEnteredDr":5,"RunningTotalEnteredCr":5}],"count":1,"hasMore":false}}]})");
    REQUIRE(v3.has_value());
    REQUIRE(v3->size() == 1);
    CHECK((*v3)[0].batch_name == "B");
    CHECK((*v3)[0].total_dr == "5");
}

TEST_CASE("parse_journal_batch_page refuses what it cannot read whole", "[oracle][journals]")
{
    CHECK_FALSE(parse_journal_batch_page("{").has_value());
    CHECK_FALSE(parse_journal_batch_page("{}").has_value());
    CHECK_FALSE(parse_journal_batch_page(R"({"items":[{"BatchName":"no id"}]})").has_value());
    // A cut child collection would hide journals Oracle has.
    auto cut = parse_journal_batch_page(R"({"items":[{"JeBatchId":1,"BatchName":"B",
        "journalHeaders":{"items":[{"JeHeaderId":2}],"hasMore":true}}]})");
    REQUIRE_FALSE(cut.has_value());
    CHECK(cut.error().find("hasMore") != std::string::npos);
    // expand ignored: what the batch holds cannot be told.
    CHECK_FALSE(
        parse_journal_batch_page(R"({"items":[{"JeBatchId":1,"BatchName":"B"}]})").has_value());
    CHECK_FALSE(parse_journal_batch_page(
                    R"({"items":[{"JeBatchId":1,"journalHeaders":[{"JournalName":"no id"}]}]})")
                    .has_value());
    CHECK_FALSE(parse_journal_batch_page(R"({"items":[{"JeBatchId":1,"journalHeaders":[
        {"JeHeaderId":2,"RunningTotalEnteredDr":"1,000.00"}]}]})")
                    .has_value());
}

TEST_CASE("find_journals asks by quoted batch name with headers, pages, keeps exact names",
          "[oracle][journals]")
{
    Harness h;
    h.transport.push(response(200, R"({"items":[
        {"JeBatchId":1,"BatchName":"O'Brien's batch","journalHeaders":[{"JeHeaderId":11}]},
        {"JeBatchId":2,"BatchName":"o'brien's batch","journalHeaders":[{"JeHeaderId":12}]}],
        "count":2,"hasMore":true,"limit":2,"offset":0})"));
    h.transport.push(response(200, R"({"items":[
        {"JeBatchId":3,"BatchName":"O'Brien's batch","journalHeaders":[{"JeHeaderId":13}]}],
        "count":1,"hasMore":false,"limit":2,"offset":2})"));
    auto found = find_journals(h.client, "O'Brien's batch");
    REQUIRE(found.has_value());
    REQUIRE(found->size() == 2); // batch 2 matched only loosely
    CHECK((*found)[0].header_id == 11);
    CHECK((*found)[1].header_id == 13);
    REQUIRE(h.transport.requests.size() == 2);
    CHECK(h.transport.requests[0].url
          == std::string(k_root)
                 + "/journalBatches?q=BatchName%3D%27O%27%27Brien%27%27s%20batch%27"
                   "&orderBy=JeBatchId%3Aasc&limit=100&onlyData=true");
    // The echoed limit is followed.
    CHECK(h.transport.requests[1].url.find("&limit=2&offset=2&") != std::string::npos);
    CHECK(h.counter.snapshot().at("GET /journalBatches") == 2);

    Harness none;
    none.transport.push(response(200, R"({"items":[],"count":0,"hasMore":false,"limit":100})"));
    auto empty = find_journals(none.client, "MLC nothing");
    REQUIRE(empty.has_value());
    CHECK(empty->empty());

    Harness failing;
    failing.transport.push(response(400, "bad q"));
    auto refused = find_journals(failing.client, "x");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().status == 400);

    // Journals cut short in the expansion (or not expanded) are read through the child
    // resource, every page.
    Harness cut;
    cut.transport.push(response(200, R"({"items":[{"JeBatchId":7,"BatchName":"x",
        "journalHeaders":{"items":[{"JeHeaderId":70}],"hasMore":true}}],"hasMore":false})"));
    cut.transport.push(response(200, R"({"items":[{"JeHeaderId":70,"JournalName":"a"},
        {"JeHeaderId":71,"JournalName":"b"}],"count":2,"hasMore":true,"limit":2,"offset":0})"));
    cut.transport.push(response(200, R"({"items":[{"JeHeaderId":72,"JournalName":"c"}],
        "count":1,"hasMore":false,"limit":2,"offset":2})"));
    auto whole = find_journals(cut.client, "x");
    REQUIRE(whole.has_value());
    REQUIRE(whole->size() == 3);
    CHECK((*whole)[2].journal_name == "c");
    CHECK((*whole)[2].batch_id == 7);
    REQUIRE(cut.transport.requests.size() == 3);
    CHECK(cut.transport.requests[1].url.find("/journalBatches/7/child/journalHeaders?")
          != std::string::npos);

    Harness shape;
    shape.transport.push(response(200, R"({"items":[{"JeBatchId":1,"BatchName":"x",
        "journalHeaders":[{"JournalName":"no id"}]}]})"));
    auto bad = find_journals(shape.client, "x");
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().kind == http::ErrorKind::shape);
}

TEST_CASE("parse_period_status_page reads periods and refuses incomplete ones",
          "[oracle][journals]")
{
    auto periods = parse_period_status_page(k_periods_page);
    REQUIRE(periods.has_value());
    REQUIRE(periods->size() == 2);
    CHECK((*periods)[1].name == "Jul-26");
    CHECK((*periods)[1].closing_status == "O");
    CHECK((*periods)[1].open());
    CHECK_FALSE((*periods)[0].open()); // F: future-enterable is not open
    CHECK((*periods)[1].start_date == "2026-07-01");
    CHECK((*periods)[1].end_date == "2026-07-31");

    auto stamped = parse_period_status_page(R"({"items":[{"PeriodNameId":"Jul-26",
        "ClosingStatus":"C","StartDate":"2026-07-01T00:00:00+00:00","EndDate":"2026-07-31"}]})");
    REQUIRE(stamped.has_value());
    CHECK((*stamped)[0].start_date == "2026-07-01");

    CHECK_FALSE(parse_period_status_page("[]").has_value());
    CHECK_FALSE(parse_period_status_page(R"({"items":[{"ClosingStatus":"O"}]})").has_value());
    CHECK_FALSE(parse_period_status_page(
                    R"({"items":[{"PeriodNameId":"Jul-26","StartDate":"2026-07-01"}]})")
                    .has_value());
}

TEST_CASE("read_periods reads every page for the ledger's GL and sorts by start date",
          "[oracle][journals]")
{
    Harness h;
    h.transport.push(response(200, R"({"items":[
        {"PeriodNameId":"Sep-26","ClosingStatus":"N","StartDate":"2026-09-01","EndDate":"2026-09-30"}],
        "count":1,"hasMore":true,"limit":1,"offset":0})"));
    h.transport.push(response(200, k_periods_page));
    auto periods = read_periods(h.client, 300000046975971);
    REQUIRE(periods.has_value());
    REQUIRE(periods->size() == 3);
    CHECK((*periods)[0].name == "Jul-26");
    CHECK((*periods)[1].name == "Aug-26");
    CHECK((*periods)[2].name == "Sep-26");
    REQUIRE(h.transport.requests.size() == 2);
    CHECK(h.transport.requests[0].url
          == std::string(k_root)
                 + "/accountingPeriodStatusLOV?q=LedgerId%3D300000046975971%20and%20"
                   "ApplicationId%3D101&orderBy=StartDate%3Aasc&limit=500&onlyData=true");
    CHECK(h.transport.requests[1].url.find("&limit=1&offset=1&") != std::string::npos);
    CHECK(h.counter.snapshot().at("GET /accountingPeriodStatusLOV") == 2);
}

TEST_CASE("period_of finds the period a date falls in", "[oracle][journals]")
{
    const std::vector<PeriodStatus> periods = {
        {"Nov-26", "O", "2026-11-01", "2026-11-30"},
        {"Dec-26", "O", "2026-12-01", "2026-12-31"},
        {"Adj-26", "O", "2026-12-31", "2026-12-31"},
    };
    REQUIRE(period_of(periods, "2026-11-01") != nullptr);
    CHECK(period_of(periods, "2026-11-01")->name == "Nov-26");
    CHECK(period_of(periods, "2026-11-30")->name == "Nov-26");
    CHECK(period_of(periods, "2026-12-15")->name == "Dec-26");
    CHECK(period_of(periods, "2026-12-31")->name == "Dec-26"); // not the adjusting period
    CHECK(period_of(periods, "2026-12-31T23:00:00Z")->name == "Dec-26");
    CHECK(period_of(periods, "2027-01-01") == nullptr);
    CHECK(period_of(periods, "2026-10-31") == nullptr);
    CHECK(period_of(periods, "") == nullptr);
    CHECK(period_of({}, "2026-11-01") == nullptr);
}

} // namespace oracle_journals_test

namespace oracle_journals_test {

TEST_CASE("read_period_lines lists the period's batches, then reads the wanted ones' journals "
          "with lines",
          "[oracle][journals]")
{
    Harness h;
    // The batch list: ours (JournalSource), a Payables one (not wanted), a manual one whose
    // source only its header names.
    h.transport.push(response(200, R"({"items":[
        {"JeBatchId":1,"BatchName":"MLC Procore 1 Jul-26","JournalSource":"Procore",
         "AccountingPeriodName":"Jul-26"},
        {"JeBatchId":2,"BatchName":"AP 7","Source":"Payables","AccountingPeriodName":"Jul-26"},
        {"JeBatchId":3,"Name":"Accrual","AccountingPeriodName":"Jul-26"},
        {"JeBatchId":4,"BatchName":"late","Source":"Procore","AccountingPeriodName":"Aug-26"}],
        "count":4,"hasMore":false,"limit":100,"offset":0})"));
    h.transport.push(response(200, R"({"items":[{"JeHeaderId":11,"JournalName":"MLC DC-5 abcd1234",
        "AccountingDate":"2026-07-14","journalLines":[
          {"JeLineNumber":1,"AccountCombination":"101-1000-5110-000-000","EnteredDebitAmount":1500.10},
          {"JeLineNumber":2,"AccountCombination":"101-1000-2100-000-000","EnteredCreditAmount":"1500.1"}]}],
        "hasMore":false})"));
    // Framework 3+: children as collection objects; amounts under the other spelling.
    h.transport.push(response(200, R"({"items":[{"JeHeaderId":31,"JournalName":"Accrued",
        "UserJeSourceName":"Manual","AccountingDate":"2026-07-30T00:00:00+00:00",
        "journalLines":{"items":[
          {"JeLineNumber":1,"AccountCombination":"101-1000-5120-000-000","EnteredDr":500,
           "EnteredCr":null}],"hasMore":false}}],"hasMore":false})"));
    std::vector<std::string> asked;
    std::vector<LedgerLine> lines;
    auto read = read_period_lines(
        h.client, "Jul-26", "US Primary Ledger",
        [&](const std::string& source) {
            asked.push_back(source);
            return source != "Payables";
        },
        [&](LedgerLine&& l) { lines.push_back(std::move(l)); });
    REQUIRE(read.has_value());
    CHECK(asked == std::vector<std::string>{"Procore", "Payables", ""}); // Aug-26 never asked
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].batch_name == "MLC Procore 1 Jul-26");
    CHECK(lines[0].source == "Procore");
    CHECK(lines[0].journal_name == "MLC DC-5 abcd1234");
    CHECK(lines[0].account == "101-1000-5110-000-000");
    CHECK(lines[0].debit == "1500.10");
    CHECK(lines[0].credit.empty());
    CHECK(lines[1].credit == "1500.1");
    CHECK(lines[2].batch_name == "Accrual");
    CHECK(lines[2].source == "Manual"); // from the header
    CHECK(lines[2].accounting_date == "2026-07-30");
    CHECK(lines[2].debit == "500");
    CHECK(lines[2].credit.empty());
    REQUIRE(h.transport.requests.size() == 3);
    CHECK(h.transport.requests[0].url.find("q=AccountingPeriodName%3D%27Jul-26%27%20and%"
                                           "20LedgerName%3D%27US%20Primary%20Ledger%27")
          != std::string::npos);
    CHECK(h.transport.requests[1].url.find("/journalBatches/1/child/journalHeaders?")
          != std::string::npos);
    CHECK(h.transport.requests[1].url.find("expand=journalLines") != std::string::npos);
    CHECK(h.transport.requests[2].url.find("/journalBatches/3/child/journalHeaders?")
          != std::string::npos);

    // A line list cut short, or lines not expanded, is an error, not a short journal.
    Harness cut;
    cut.transport.push(response(200, R"({"items":[{"JeBatchId":1,"Source":"Procore"}]})"));
    cut.transport.push(response(200, R"({"items":[{"JeHeaderId":11,"journalLines":{"items":[],
        "hasMore":true}}]})"));
    auto refused = read_period_lines(
        cut.client, "Jul-26", "", [](const std::string&) { return true; }, [](LedgerLine&&) {});
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == http::ErrorKind::shape);
}

} // namespace oracle_journals_test
