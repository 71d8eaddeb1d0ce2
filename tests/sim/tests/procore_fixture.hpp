#pragma once
// An in-process Procore simulator on port 0 with a client and a token, for the procore_* tests.
#include "procore_sim.hpp"
#include "sim_core.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <rapidjson/document.h>

#include <memory>
#include <string>

namespace mlc::sim::testing {

inline SimOptions procore_test_options()
{
    SimOptions o;
    o.seed = 42;
    o.projects = 2;
    o.commitments_per_project = 4;
    o.costs_per_project = 5;
    o.procore_hourly_limit = 100000;
    o.procore_spike_limit = 100000;
    return o;
}

struct ProcoreFixture {
    SimOptions opts;
    VirtualClock clock;
    std::unique_ptr<ProcoreSim> sim;
    Listener listener; // declared after sim: stops before the simulator goes away
    std::unique_ptr<httplib::Client> cli;
    std::string token;

    explicit ProcoreFixture(SimOptions o = procore_test_options()) : opts(std::move(o))
    {
        sim = std::make_unique<ProcoreSim>(opts, clock);
        sim->mount(listener.server());
        listener.start("127.0.0.1", 0);
        cli = std::make_unique<httplib::Client>(listener.url());
        cli->set_read_timeout(10, 0);
        cli->set_tcp_nodelay(
            true); // as libcurl does; otherwise Nagle + delayed ACK add ~40 ms to big bodies
        token = fetch_token();
    }

    std::string fetch_token()
    {
        httplib::Params form{{"grant_type", "client_credentials"},
                             {"client_id", opts.procore_client_id},
                             {"client_secret", opts.procore_client_secret}};
        auto res = cli->Post("/oauth/token", form);
        REQUIRE(res);
        REQUIRE(res->status == 200);
        rapidjson::Document d;
        d.Parse(res->body.c_str());
        REQUIRE(d.IsObject());
        return d["access_token"].GetString();
    }

    httplib::Headers headers() const
    {
        return {{"Authorization", "Bearer " + token},
                {"Procore-Company-Id", std::to_string(opts.company_id)}};
    }
    httplib::Result get(const std::string& path) { return cli->Get(path.c_str(), headers()); }
    httplib::Result post(const std::string& path, const std::string& body)
    {
        return cli->Post(path.c_str(), headers(), body, "application/json");
    }
    httplib::Result patch(const std::string& path, const std::string& body)
    {
        return cli->Patch(path.c_str(), headers(), body, "application/json");
    }
    httplib::Result del(const std::string& path) { return cli->Delete(path.c_str(), headers()); }

    std::int64_t project() const { return sim->project_ids().at(0); }
    std::string company() const { return std::to_string(opts.company_id); }
};

inline rapidjson::Document parse_json(const std::string& text)
{
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    INFO(text);
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

} // namespace mlc::sim::testing
