#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace mlc::test {

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

namespace mlc::test {

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
    ConfigOptions options;
    options.extra_members = extra_members;
    options.procore_company_id = procore_company_id;
    write_config(options);
}

void E2eEnv::write_config(const ConfigOptions& options)
{
    std::ofstream(config_path(), std::ios::trunc) << config_text(options);
}

std::string E2eEnv::config_text(const ConfigOptions& options) const
{
    const auto& o = sims_.options();
    const long long company_id =
        options.procore_company_id != 0 ? options.procore_company_id : o.company_id;
    std::ostringstream out;
    out << "{\n"
        << "  // written by the e2e test for its in-process simulators\n"
        << "  \"oracle\": {\"base_url\": \"" << sims_.oracle_base_url() << "\", \"token_url\": \""
        << sims_.oracle_token_url() << "\", \"client_id\": \"" << o.oracle_client_id << "\"},\n"
        << "  \"procore\": {\"base_url\": \"" << sims_.procore_base_url() << "\", \"token_url\": \""
        << sims_.procore_token_url() << "\", \"client_id\": \"" << o.procore_client_id
        << "\", \"company_id\": " << company_id << "},\n"
        << "  \"http\": {" << options.http << "},\n"
        << "  \"state\": {\"path\": \"state/ml-connector.db\", \"spool_dir\": \"state/spool\", "
           "\"key_file\": \"state/ml-connector.key\"}"
        << (options.extra_members.empty() ? "" : ",\n  ") << options.extra_members << "\n}\n";
    return out.str();
}

std::vector<std::pair<std::string, std::string>> E2eEnv::secret_env() const
{
    const auto& o = sims_.options();
    return {{"ML_CONNECTOR_ORACLE_CLIENT_SECRET", o.oracle_client_secret},
            {"ML_CONNECTOR_PROCORE_CLIENT_SECRET", o.procore_client_secret}};
}

ProcessResult E2eEnv::run(const std::vector<std::string>& args, ProcessOptions options)
{
    std::vector<std::string> argv{MLC_BINARY, "--config", config_path().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto secrets = secret_env();
    options.env.insert(options.env.begin(), secrets.begin(), secrets.end());
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

json::Document E2eEnv::run_json(const std::vector<std::string>& args, int expected_exit,
                                ProcessOptions options)
{
    const auto r = run(args, std::move(options));
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    REQUIRE(r.exit_code == expected_exit);
    return parse_json(r.out);
}

json::Document E2eEnv::oracle_data(const std::string& collection)
{
    const auto text = sims_.oracle().data_json(collection);
    REQUIRE(text.has_value());
    return parse_json(*text);
}

json::Document E2eEnv::procore_data(const std::string& collection)
{
    const auto text = sims_.procore().data_json(collection);
    REQUIRE(text.has_value());
    return parse_json(*text);
}

std::string E2eEnv::oracle_mutate(const std::string& body)
{
    auto [status, text] = sims_.oracle().mutate(body);
    INFO(text);
    REQUIRE(status / 100 == 2);
    return text;
}

std::string E2eEnv::procore_mutate(const std::string& body)
{
    auto [status, text] = sims_.procore().mutate(body);
    INFO(text);
    REQUIRE(status / 100 == 2);
    return text;
}

std::int64_t E2eEnv::oracle_writes()
{
    const auto doc = parse_json(sims_.oracle().stats().to_json());
    std::int64_t n = 0;
    for (const auto& r : doc["requests"].GetArray()) {
        const std::string method = r["method"].GetString();
        const std::string path = r["path"].GetString();
        if (method != "GET" && path.find("/oauth2/") == std::string::npos) {
            n += r["count"].GetInt64();
        }
    }
    return n;
}

std::int64_t E2eEnv::procore_writes()
{
    const auto doc = parse_json(sims_.procore().stats().to_json());
    std::int64_t n = 0;
    for (const auto& r : doc["requests"].GetArray()) {
        const std::string method = r["method"].GetString();
        const std::string path = r["path"].GetString();
        if (method != "GET" && path != "/oauth/token") {
            n += r["count"].GetInt64();
        }
    }
    return n;
}

void E2eEnv::reset_stats()
{
    sims_.oracle().stats().reset();
    sims_.procore().stats().reset();
}

std::string E2eEnv::procore_access_token()
{
    const auto& o = sims_.options();
    httplib::Client procore(sims_.procore_base_url());
    auto token = procore.Post("/oauth/token",
                              "grant_type=client_credentials&client_id=" + o.procore_client_id
                                  + "&client_secret=" + o.procore_client_secret,
                              "application/x-www-form-urlencoded");
    REQUIRE(token);
    REQUIRE(token->status == 200);
    const auto access = json::get_string(parse_json(token->body), "access_token");
    REQUIRE(access);
    return *access;
}

json::Document parse_json(const std::string& text)
{
    auto doc = json::parse(text);
    INFO(text);
    REQUIRE(doc.has_value());
    return std::move(*doc);
}

} // namespace mlc::test
