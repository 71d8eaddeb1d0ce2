// mlc_sim_bench: how long the simulators take to answer the requests a large sync makes, so the
// figures of scripts/bench-suppliers.sh can be read knowing the simulator's share. Starts both
// simulators in this process on loopback port 0 (Oracle seeded with --suppliers suppliers,
// Procore given as many bulk vendors) and times, over keep-alive clients:
//   - an Oracle 500-row supplier page, incremental order, at offset 0 and at a deep offset;
//   - an Oracle 500-row page in a non-natural order (orderBy=Supplier:asc);
//   - a Procore 1000-item PATCH vendors/sync (a new name for each repetition);
//   - a Procore 1000-row vendors list page in the middle of the list.
// It prints min/median/max milliseconds per request and asserts nothing about time; a request
// that does not answer 200 with the expected number of items is an error (exit 1), since its
// time would mean nothing.
//
//   mlc_sim_bench [--quick] [--suppliers N] [--repeat N]
//     default: 100,000 suppliers and vendors, 7 repetitions; --quick: 20,000 and 3
#include "oracle_sim.hpp"
#include "procore_sim.hpp"
#include "simulators.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

const std::string k_root = "/fscmRestApi/resources/11.13.18.05";

struct Args {
    int suppliers = 100000;
    int repeat = 7;
};

[[noreturn]] void fail(const std::string& why, int code = 1)
{
    fmt::print(stderr, "mlc_sim_bench: {}\n", why);
    std::exit(code);
}

int to_int(const std::string& s, const char* what)
{
    int v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v <= 0) {
        fail(fmt::format("{} must be a positive integer, not \"{}\"", what, s), 2);
    }
    return v;
}

Args parse(int argc, char** argv)
{
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                fail(arg + " needs a value", 2);
            }
            return argv[++i];
        };
        if (arg == "--quick") {
            a.suppliers = 20000;
            a.repeat = 3;
        } else if (arg == "--suppliers") {
            a.suppliers = to_int(value(), "--suppliers");
        } else if (arg == "--repeat") {
            a.repeat = to_int(value(), "--repeat");
        } else {
            fail("unknown option " + arg + " (see the header of tests/bench/sim_bench.cpp)", 2);
        }
    }
    return a;
}

double ms_since(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Times `request` `repeat` times (repetition number as argument) and prints one line.
void measure(const std::string& what, int repeat, const std::function<void(int)>& request)
{
    std::vector<double> ms;
    for (int r = 0; r < repeat; ++r) {
        const auto start = Clock::now();
        request(r);
        ms.push_back(ms_since(start));
    }
    std::sort(ms.begin(), ms.end());
    fmt::print("  {:<58} min {:7.2f}  median {:7.2f}  max {:7.2f} ms\n", what, ms.front(),
               ms[ms.size() / 2], ms.back());
}

// The number of items in a 200 answer (`count` of an Oracle page, the length of a Procore
// array or of its `entities`); fails the bench on anything else.
std::size_t items(const httplib::Result& r, const std::string& what)
{
    if (!r) {
        fail(what + ": no answer (" + httplib::to_string(r.error()) + ")");
    }
    if (r->status != 200) {
        fail(fmt::format("{}: HTTP {}: {}", what, r->status, r->body.substr(0, 200)));
    }
    rapidjson::Document d;
    d.Parse(r->body.c_str());
    if (d.IsArray()) {
        return d.Size();
    }
    if (d.IsObject() && d.HasMember("count") && d["count"].IsInt()) {
        return static_cast<std::size_t>(d["count"].GetInt());
    }
    if (d.IsObject() && d.HasMember("entities") && d["entities"].IsArray()) {
        if (d.HasMember("errors") && d["errors"].IsArray() && d["errors"].Size() > 0) {
            fail(what + ": the sync answered item errors");
        }
        return d["entities"].Size();
    }
    fail(what + ": unexpected body");
}

void expect(std::size_t got, std::size_t want, const std::string& what)
{
    if (got != want) {
        fail(fmt::format("{}: {} items, expected {}", what, got, want));
    }
}

std::string procore_token(httplib::Client& client, const mlc::sim::SimOptions& o)
{
    const httplib::Params form{{"grant_type", "client_credentials"},
                               {"client_id", o.procore_client_id},
                               {"client_secret", o.procore_client_secret}};
    auto r = client.Post("/oauth/token", form);
    if (!r || r->status != 200) {
        fail("procore token request failed");
    }
    rapidjson::Document d;
    d.Parse(r->body.c_str());
    if (!d.IsObject() || !d.HasMember("access_token") || !d["access_token"].IsString()) {
        fail("procore token response has no access_token");
    }
    return d["access_token"].GetString();
}

} // namespace

int main(int argc, char** argv)
{
    const Args args = parse(argc, argv);
    const int n = args.suppliers;

    mlc::sim::SimOptions o;
    o.seed = 7;
    o.suppliers = n;
    o.accounts = 0;
    o.projects = 1;
    o.commitments_per_project = 0;
    o.costs_per_project = 0;
    o.procore_hourly_limit = 100000000;
    o.procore_spike_limit = 100000000;

    auto start = Clock::now();
    mlc::sim::Simulators sims(o);
    sims.start();
    const double seed_oracle_ms = ms_since(start);
    start = Clock::now();
    sims.procore().add_bulk_vendors(n, true);
    const double seed_procore_ms = ms_since(start);
    fmt::print("simulators: {} suppliers seeded and started in {:.0f} ms, {} Procore vendors "
               "added in {:.0f} ms; {} repetitions each\n",
               n, seed_oracle_ms, n, seed_procore_ms, args.repeat);

    httplib::Client oracle(sims.oracle_base_url());
    oracle.set_read_timeout(30, 0);
    oracle.set_keep_alive(true);
    oracle.set_tcp_nodelay(true); // as libcurl does
    const httplib::Headers oracle_auth{{"Authorization", "Bearer " + sims.oracle().issue_token()},
                                       {"REST-Framework-Version", "4"}};
    const std::string page = k_root
                             + "/suppliers?limit=500&onlyData=true&orderBy=LastUpdateDate:asc,"
                               "SupplierId:asc&q=LastUpdateDate%3E%3D%272000-01-01T00%3A00%3A00"
                               "%2B00%3A00%27&offset=";
    const std::size_t full = static_cast<std::size_t>(std::min(n, 500));
    const int deep = std::max(0, n - 1000);

    fmt::print("oracle:\n");
    measure("500-row supplier page, offset 0", args.repeat, [&](int) {
        expect(items(oracle.Get(page + "0", oracle_auth), "page at offset 0"), full,
               "page at offset 0");
    });
    measure(fmt::format("500-row supplier page, offset {}", deep), args.repeat, [&](int) {
        expect(items(oracle.Get(page + std::to_string(deep), oracle_auth), "deep page"), full,
               "deep page");
    });
    measure("500-row supplier page, orderBy=Supplier:asc", args.repeat, [&](int) {
        expect(items(oracle.Get(k_root + "/suppliers?limit=500&onlyData=true&orderBy=Supplier:asc",
                                oracle_auth),
                     "non-natural order"),
               full, "non-natural order");
    });

    httplib::Client procore(sims.procore_base_url());
    procore.set_read_timeout(30, 0);
    procore.set_keep_alive(true);
    procore.set_tcp_nodelay(true);
    const std::string company = std::to_string(o.company_id);
    const httplib::Headers procore_auth{{"Authorization", "Bearer " + procore_token(procore, o)},
                                        {"Procore-Company-Id", company}};
    const int batch = std::min(n, 1000);

    fmt::print("procore:\n");
    measure(fmt::format("{}-item PATCH vendors/sync (updates)", batch), args.repeat, [&](int r) {
        std::string body = fmt::format(R"({{"company_id":{},"updates":[)", company);
        for (int i = 0; i < batch; ++i) {
            body +=
                fmt::format(R"({}{{"origin_id":"SUP-{}","name":"Renamed {} {}","city":"Reno"}})",
                            i > 0 ? "," : "", (n / 2 + i * 7) % n + 1, r, i);
        }
        body += "]}";
        expect(
            items(procore.Patch("/rest/v1.0/vendors/sync", procore_auth, body, "application/json"),
                  "vendors/sync"),
            static_cast<std::size_t>(batch), "vendors/sync");
    });
    const int middle = std::max(1, n / 2000);
    measure(fmt::format("1000-row vendors page (page {})", middle), args.repeat, [&](int) {
        items(procore.Get(fmt::format("/rest/v1.0/vendors?company_id={}&per_page=1000&page={}",
                                      company, middle),
                          procore_auth),
              "vendors page");
    });
    return 0;
}
