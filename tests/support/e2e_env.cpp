#include "support/e2e_env.hpp"

#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>
#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <stdexcept>

namespace mlc::test {

std::size_t g_failed_assertions = 0;

namespace {} // namespace

struct FailureCounter : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;
    bool assertionEnded(const Catch::AssertionStats& stats) override
    {
        if (!stats.assertionResult.isOk()) {
            ++g_failed_assertions;
        }
        return true;
    }
};

namespace {

std::string admin(const std::string& base_url, const std::string& method, const std::string& path,
                  const std::string& body)
{
    httplib::Client client(base_url);
    httplib::Result r = method == "GET"      ? client.Get(path.c_str())
                        : method == "DELETE" ? client.Delete(path.c_str())
                                             : client.Post(path.c_str(), body, "application/json");
    if (!r) {
        throw std::runtime_error("admin call failed: " + method + " " + path);
    }
    return r->body;
}

} // namespace

} // namespace mlc::test

using MlcE2eFailureCounter = mlc::test::FailureCounter;
CATCH_REGISTER_LISTENER(MlcE2eFailureCounter)

namespace mlc::test {

TempDir::TempDir(const std::string& prefix) : failures_at_start_(g_failed_assertions)
{
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path()
            / (prefix + "-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir()
{
    if (g_failed_assertions != failures_at_start_) {
        std::fprintf(stderr, "test failed: its folder is kept at %s\n", path_.c_str());
        return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

sim::SimOptions E2eEnv::default_options()
{
    sim::SimOptions o;
    o.suppliers = 60;
    o.accounts = 30;
    o.projects = 2;
    o.commitments_per_project = 3;
    o.costs_per_project = 4;
    o.procore_hourly_limit = 100000;
    o.procore_spike_limit = 10000;
    return o;
}

E2eEnv::E2eEnv(sim::SimOptions options) : dir_("mlc-e2e"), sims_(std::move(options))
{
    sims_.start();
}

void E2eEnv::write_config(const std::string& extra_members, long long procore_company_id)
{
    const auto& o = sims_.options();
    std::ofstream out(config_path(), std::ios::trunc);
    out << "{\n"
        << "  // written by the e2e test for its in-process simulators\n"
        << "  \"oracle\": {\"base_url\": \"" << sims_.oracle_base_url() << "\", \"token_url\": \""
        << sims_.oracle_token_url() << "\", \"client_id\": \"" << o.oracle_client_id << "\"},\n"
        << "  \"procore\": {\"base_url\": \"" << sims_.procore_base_url() << "\", \"token_url\": \""
        << sims_.procore_token_url() << "\", \"client_id\": \"" << o.procore_client_id
        << "\", \"company_id\": " << (procore_company_id != 0 ? procore_company_id : o.company_id)
        << "},\n"
        << "  \"http\": {\"max_backoff_ms\": 200, \"total_timeout_ms\": 10000},\n"
        << "  \"state\": {\"path\": \"state/ml-connector.db\", \"spool_dir\": \"state/spool\", "
           "\"key_file\": \"state/ml-connector.key\"}"
        << (extra_members.empty() ? "" : ",\n  ") << extra_members << "\n}\n";
}

ProcessResult E2eEnv::run(const std::vector<std::string>& args, ProcessOptions options)
{
    std::vector<std::string> argv{MLC_BINARY, "--config", config_path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto& o = sims_.options();
    options.env.insert(options.env.begin(),
                       {{"ML_CONNECTOR_ORACLE_CLIENT_SECRET", o.oracle_client_secret},
                        {"ML_CONNECTOR_PROCORE_CLIENT_SECRET", o.procore_client_secret}});
    if (options.cwd.empty()) {
        options.cwd = dir();
    }
    return run_process(argv, options);
}

std::string E2eEnv::oracle_admin(const std::string& method, const std::string& path,
                                 const std::string& body)
{
    return admin(sims_.oracle_base_url(), method, path, body);
}

std::string E2eEnv::procore_admin(const std::string& method, const std::string& path,
                                  const std::string& body)
{
    return admin(sims_.procore_base_url(), method, path, body);
}

} // namespace mlc::test
