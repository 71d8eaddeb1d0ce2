#include "admin/ping.hpp"

#include "core/error.hpp"
#include "core/json_writer.hpp"

#include <fmt/format.h>

#include <chrono>

namespace mlc::admin {

namespace {

void record_http_error(SystemPing& ping, const http::Error& error)
{
    ping.ok = false;
    if (error.kind == http::ErrorKind::transport) {
        ping.error = fmt::format("{}: cannot reach the API ({})", ping.system, error.message);
        ping.hint = "check the base_url and the network";
    } else if (error.kind == http::ErrorKind::unauthorized) {
        ping.error = fmt::format("{}: the API refused the token (401)", ping.system);
        ping.hint = auth::auth_failure_hint(ping.system);
    } else if (error.status == 403) {
        ping.error = fmt::format("{}: access denied (403): {}", ping.system, error.message);
        ping.hint = ping.system == "oracle"
                        ? "the Fusion user mapped to the client id lacks a role or privilege"
                        : "the app is not connected to this company, or lacks permission";
    } else {
        ping.error = fmt::format("{}: HTTP {}: {}", ping.system, error.status, error.message);
    }
}

// Runs `body`, turning a Fatal from the token endpoint into a failed SystemPing.
template <typename Body> void guarded(SystemPing& ping, Body&& body)
{
    try {
        body();
    } catch (const Fatal& e) {
        ping.ok = false;
        ping.error = e.what();
        ping.hint = e.hint();
    }
}

void ping_oracle(SystemPing& ping, engine::Connections& connections)
{
    guarded(ping, [&] {
        auto probe = connections.oracle().probe();
        if (!probe) {
            record_http_error(ping, probe.error());
            return;
        }
        ping.ok = true;
        ping.latency_ms = probe->latency.count();
        ping.token_lifetime_s = connections.oracle_auth().lifetime().count();
    });
}

void ping_procore(SystemPing& ping, const Config& config, engine::Connections& connections)
{
    guarded(ping, [&] {
        const auto started = std::chrono::steady_clock::now();
        auto companies = connections.procore().companies();
        if (!companies) {
            record_http_error(ping, companies.error());
            if (companies.error().status == 403) {
                // Procore answers 403 for a Procore-Company-Id the app is not installed in.
                ping.error += fmt::format(" (Procore-Company-Id {})", config.procore.company_id);
                ping.hint = "check procore.company_id; the company admin must install the app";
            }
            return;
        }
        ping.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
        ping.token_lifetime_s = connections.procore_auth().lifetime().count();
        const procore::Company* company = nullptr;
        for (const auto& c : *companies) {
            if (c.id == config.procore.company_id) {
                company = &c;
            }
        }
        if (company == nullptr) {
            ping.ok = false;
            ping.error = fmt::format("procore: company {} is not among the {} companies this app "
                                     "can see",
                                     config.procore.company_id, companies->size());
            ping.hint = "check procore.company_id; the company admin must install the app";
            return;
        }
        ping.company_name = company->name;
        auto projects = connections.procore().count_projects();
        if (!projects) {
            record_http_error(ping, projects.error());
            return;
        }
        ping.projects = *projects;
        ping.rate_limit = connections.procore().http().rate_limit();
        ping.ok = true;
    });
}

} // namespace

PingReport ping(const Config& config, engine::Connections& connections)
{
    PingReport report;
    report.oracle.system = "oracle";
    report.procore.system = "procore";
    ping_oracle(report.oracle, connections);
    ping_procore(report.procore, config, connections);
    report.calls = connections.calls().snapshot();
    return report;
}

std::string to_json(const PingReport& report)
{
    json::Writer w;
    auto system = [&w](const SystemPing& p) {
        w.begin_object().field("ok", p.ok);
        if (!p.ok) {
            w.field("error", p.error).field("hint", p.hint);
        }
        w.field("latency_ms", p.latency_ms).field("token_lifetime_s", p.token_lifetime_s);
        if (p.system == "procore") {
            w.field("company", p.company_name).field("projects", p.projects);
            w.key("rate_limit")
                .begin_object()
                .field("limit", p.rate_limit.limit)
                .field("remaining", p.rate_limit.remaining)
                .field("reset", p.rate_limit.reset_epoch)
                .end_object();
        }
        w.end_object();
    };
    w.begin_object().field("ok", report.ok());
    w.key("oracle");
    system(report.oracle);
    w.key("procore");
    system(report.procore);
    w.key("calls").begin_object();
    for (const auto& [endpoint, count] : report.calls) {
        w.field(endpoint, count);
    }
    w.end_object().end_object();
    return w.str();
}

} // namespace mlc::admin
