// Webhooks end to end: the real ml-connector binary (`listen` as a child process, `webhooks
// install|check`, `ingest`, `status`) against the Procore simulator, which really delivers v2
// webhooks to the listener. No sleeps: the listener's "listening on" line says it accepts, and
// ProcoreSim::wait_idle says every delivery has been attempted.
#include "child_process.hpp"
#include "core/json.hpp"
#include "procore_sim.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/inbox.hpp"
#include "support/e2e_env.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
namespace json = mlc::json;
using mlc::test::ChildProcess;
using mlc::test::E2eEnv;
using mlc::test::parse_json;
using mlc::test::ProcessOptions;
using mlc::test::ProcessResult;
using mlc::test::read_file;

namespace {

constexpr const char* k_secret = "whsec-e2e-3f9a7c1d52";
constexpr auto k_wait = std::chrono::seconds{20};

struct Listening {
    std::unique_ptr<ChildProcess> child;
    int port = 0;
    std::string url; // http://127.0.0.1:<port>/webhooks/procore
};

ProcessOptions with_secret(const std::string& secret)
{
    ProcessOptions o;
    o.env = {{"ML_CONNECTOR_WEBHOOK_SECRET", secret}};
    return o;
}

// Starts `ml-connector listen --addr 127.0.0.1:0` and reads its one line for the real port.
Listening start_listener(E2eEnv& env, const std::string& secret)
{
    Listening l;
    l.child = std::make_unique<ChildProcess>(
        std::vector<std::string>{MLC_BINARY, "--config", env.config_path().string(), "listen",
                                 "--addr", "127.0.0.1:0"},
        with_secret(secret));
    const auto line = l.child->read_line(std::chrono::seconds{20});
    INFO("listener stderr: " << l.child->err());
    REQUIRE(line.has_value());
    std::smatch m;
    REQUIRE(std::regex_match(
        *line, m, std::regex(R"(listening on (http://127\.0\.0\.1:(\d+)(/\S+)) \(spool (.+)\))")));
    l.port = std::stoi(m[2].str());
    l.url = m[1].str();
    CHECK(l.port > 0);
    CHECK(m[3].str() == "/webhooks/procore");
    CHECK(fs::equivalent(m[4].str(), env.dir() / "state" / "spool"));
    return l;
}

ProcessResult run_with_secret(E2eEnv& env, const std::vector<std::string>& args,
                              const std::string& secret = k_secret)
{
    return env.run(args, with_secret(secret));
}

// Runs with the webhook secret, requires `expected_exit` and parses the --json output.
json::Document run_json(E2eEnv& env, const std::vector<std::string>& args, int expected_exit = 0,
                        const std::string& secret = k_secret)
{
    return env.run_json(args, expected_exit, with_secret(secret));
}

std::vector<fs::path> spool_files(E2eEnv& env, const char* sub)
{
    std::vector<fs::path> out;
    const auto dir = env.dir() / "state" / "spool" / sub;
    if (!fs::exists(dir)) {
        return out;
    }
    for (const auto& e : fs::directory_iterator(dir)) {
        if (e.path().extension() == ".json") {
            out.push_back(e.path());
        }
    }
    return out;
}

// The first seeded direct cost: its id and project.
std::pair<std::int64_t, std::int64_t> a_direct_cost(E2eEnv& env, int index = 0)
{
    auto costs = env.procore_data("direct_costs");
    REQUIRE(costs.IsArray());
    REQUIRE(costs.Size() > static_cast<json::SizeType>(index));
    const auto& c = costs[static_cast<json::SizeType>(index)];
    return {*json::get_id(c, "id"), *json::get_id(c, "project_id")};
}

void touch_direct_cost(E2eEnv& env, std::int64_t id, const std::string& description)
{
    const auto answer = env.procore_mutate(R"({"op":"update","collection":"direct_costs","id":)"
                                           + std::to_string(id) + R"(,"fields":{"description":")"
                                           + description + R"("}})");
    INFO(answer);
    REQUIRE(answer.find("\"id\"") != std::string::npos);
}

void install(E2eEnv& env, const Listening& l)
{
    auto r = run_with_secret(env, {"webhooks", "install", "--destination-url", l.url});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
}

void fast_retries(E2eEnv& env)
{
    mlc::sim::ProcoreSim::WebhookPolicy p;
    p.max_attempts = 2;
    p.initial_backoff = std::chrono::milliseconds{1};
    p.max_backoff = std::chrono::milliseconds{2};
    p.timeout = std::chrono::milliseconds{2000};
    env.sims().procore().set_webhook_policy(p);
}

std::int64_t member(const json::Value& v, const char* key)
{
    auto n = json::get_int64(v, key);
    REQUIRE(n.has_value());
    return *n;
}

} // namespace

TEST_CASE("a Procore webhook travels through listen and ingest into the inbox", "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config();
    auto l = start_listener(env, k_secret);

    auto installed = run_json(env, {"webhooks", "install", "--destination-url", l.url, "--json"});
    CHECK(installed["hook_created"].GetBool());
    // 7 resources x create/update/delete, less what Procore's listing does not offer:
    // Requisitions (no webhook at all) and Company Vendors delete.
    CHECK(installed["triggers_created"].Size() == 17);
    CHECK(std::string(installed["resources_source"].GetString()) == "procore");

    const auto [cost_id, project_id] = a_direct_cost(env);
    touch_direct_cost(env, cost_id, "delivered end to end");
    REQUIRE(env.sims().procore().wait_idle(k_wait));

    const auto pending = spool_files(env, "new");
    REQUIRE(pending.size() == 1);
    CHECK(read_file(pending[0]).find(std::to_string(cost_id)) != std::string::npos);

    auto summary = run_json(env, {"ingest", "--json"});
    CHECK(member(summary, "files") == 1);
    CHECK(member(summary, "inserted") == 1);
    CHECK(member(summary["by_pass"], "post-costs") == 1);
    CHECK(spool_files(env, "new").empty());
    CHECK(spool_files(env, "done").size() == 1);

    {
        mlc::store::Database db(env.state_path());
        const auto rows = mlc::store::Inbox(db).list("new", {"Direct Costs"});
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].resource_id == std::to_string(cost_id));
        CHECK(rows[0].project_id == std::optional<std::string>(std::to_string(project_id)));
        CHECK(rows[0].event_type == "update");
        CHECK(rows[0].event_id.size() == 26); // the delivery's ulid
    }

    auto status = run_with_secret(env, {"status", "--json"});
    REQUIRE(status.exit_code == 0);
    auto report = parse_json(status.out);
    CHECK(member(report["spool"], "new") == 0);
    CHECK(member(report["spool"], "done") == 1);
    REQUIRE(report["inbox"].Size() == 1);
    CHECK(std::string(report["inbox"][0]["status"].GetString()) == "new");
    CHECK(std::string(report["inbox"][0]["resource_name"].GetString()) == "Direct Costs");
    CHECK(member(report["inbox"][0], "count") == 1);
    REQUIRE(report["runs"].Size() >= 1);
    CHECK(std::string(report["runs"][0]["command"].GetString()) == "ingest");
    CHECK(member(report["runs"][0], "exit_code") == 0);

    auto text = run_with_secret(env, {"status"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("new Direct Costs: 1") != std::string::npos);

    CHECK(l.child->stop(SIGTERM) == 0);
}

TEST_CASE("duplicate deliveries count once", "[e2e][webhooks]")
{
    auto options = E2eEnv::default_options();
    options.webhook_duplicates = true;
    E2eEnv env(options);
    env.write_config();
    auto l = start_listener(env, k_secret);
    install(env, l);

    const auto [cost_id, project_id] = a_direct_cost(env);
    (void)project_id;
    constexpr int k_changes = 12;
    for (int i = 0; i < k_changes; ++i) {
        touch_direct_cost(env, cost_id, "change " + std::to_string(i));
    }
    REQUIRE(env.sims().procore().wait_idle(k_wait));
    const auto files = static_cast<std::int64_t>(spool_files(env, "new").size());
    CHECK(files > k_changes); // the simulator delivered some twice (fixed seed)

    auto summary = run_json(env, {"ingest", "--json"});
    CHECK(member(summary, "files") == files);
    CHECK(member(summary, "inserted") == k_changes);
    CHECK(member(summary, "duplicates") == files - k_changes);

    mlc::store::Database db(env.state_path());
    CHECK(mlc::store::Inbox(db).list("new", {"Direct Costs"}).size() == k_changes);
    CHECK(l.child->stop(SIGTERM) == 0);
}

TEST_CASE("a change made with our own client id comes back as an echo", "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config();
    auto l = start_listener(env, k_secret);
    install(env, l);

    // A write through the REST API with our app's token, as a pass would make it.
    const auto& o = env.sims().options();
    httplib::Client procore(env.sims().procore_base_url());
    httplib::Headers headers{{"Authorization", "Bearer " + env.procore_access_token()},
                             {"Procore-Company-Id", std::to_string(o.company_id)}};
    auto synced =
        procore.Patch("/rest/v1.0/vendors/sync", headers,
                      R"({"company_id":)" + std::to_string(o.company_id)
                          + R"(,"updates":[{"origin_id":"E2E-ECHO-1","name":"Echo Supply Co"}]})",
                      "application/json");
    REQUIRE(synced);
    INFO(synced->body);
    REQUIRE(synced->status == 200);
    // And a change someone made in the Procore UI.
    const auto [cost_id, project_id] = a_direct_cost(env);
    (void)project_id;
    touch_direct_cost(env, cost_id, "by a person");
    REQUIRE(env.sims().procore().wait_idle(k_wait));

    auto summary = run_json(env, {"ingest", "--json"});
    CHECK(member(summary, "inserted") == 2);
    CHECK(member(summary, "echoes") == 1);

    mlc::store::Database db(env.state_path());
    mlc::store::Inbox inbox(db);
    const auto echoes = inbox.list("echo", {"Company Vendors"});
    REQUIRE(echoes.size() == 1);
    CHECK(echoes[0].event_type == "create");
    CHECK(inbox.list("new", {"Company Vendors"}).empty());
    CHECK(inbox.list("new", {"Direct Costs"}).size() == 1);
    CHECK(l.child->stop(SIGTERM) == 0);
}

TEST_CASE("ids above 2^53 round-trip exactly, corrupt spool files are rejected and audited",
          "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config();
    auto l = start_listener(env, k_secret);

    httplib::Client client("127.0.0.1", l.port);
    const httplib::Headers auth{{"Authorization", k_secret}};
    // v2 without a ulid: the numeric id is the event id.
    auto big =
        client.Post("/webhooks/procore", auth,
                    R"({"id":5982324300946918154,"timestamp":"2025-02-06T23:34:12.246562Z",)"
                    R"("metadata":{"source_application_id":null},"user_id":1,)"
                    R"("company_id":4264807,"project_id":9007199254740995,"api_version":"v2.0",)"
                    R"("event_type":"update","resource_name":"Requisitions",)"
                    R"("resource_id":9007199254740993})",
                    "application/json");
    REQUIRE(big);
    CHECK(big->status == 200);
    // v4: string ids.
    auto v4 =
        client.Post("/webhooks/procore", auth,
                    R"({"id":"01JKB5ZQ3V4W5X6Y7Z8A9B0C1D","timestamp":"2025-02-06T23:34:12Z",)"
                    R"("reason":"update","company_id":"4264807","project_id":"7",)"
                    R"("user_id":"1","resource_type":"Purchase Order Contracts",)"
                    R"("resource_id":"18446744073709551615"})",
                    "application/json");
    REQUIRE(v4);
    CHECK(v4->status == 200);
    // A JSON object the listener accepts but that is no webhook event.
    auto odd = client.Post("/webhooks/procore", auth, R"({"hello":"world"})", "application/json");
    REQUIRE(odd);
    CHECK(odd->status == 200);
    CHECK(l.child->stop(SIGTERM) == 0);
    // And a file damaged on disk.
    std::ofstream(env.dir() / "state" / "spool" / "new"
                  / "20250101T000000.000000Z-00000000deadbeef.json")
        << R"({"id": 12, "resource_na)";

    auto r = run_with_secret(env, {"ingest", "--json"});
    INFO(r.err);
    CHECK(r.exit_code == 1); // something was rejected
    auto summary = parse_json(r.out);
    CHECK(member(summary, "files") == 4);
    CHECK(member(summary, "inserted") == 2);
    CHECK(member(summary, "rejected") == 2);
    CHECK(spool_files(env, "rejected").size() == 2);
    CHECK(fs::exists(env.dir() / "state" / "spool" / "rejected"
                     / "20250101T000000.000000Z-00000000deadbeef.json.reason"));

    mlc::store::Database db(env.state_path());
    mlc::store::Inbox inbox(db);
    const auto e = inbox.find("5982324300946918154");
    REQUIRE(e);
    CHECK(e->resource_id == "9007199254740993");
    CHECK(e->project_id == std::optional<std::string>("9007199254740995"));
    const auto e4 = inbox.find("01JKB5ZQ3V4W5X6Y7Z8A9B0C1D");
    REQUIRE(e4);
    CHECK(e4->resource_id == "18446744073709551615");

    mlc::store::AuditLog audit(db);
    mlc::store::AuditLog::Filter f;
    f.record_kind = "webhook";
    f.action = "rejected";
    const auto rows = audit.query(f);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].command == "ingest");
    CHECK(rows[0].run_id.has_value());

    auto status = run_with_secret(env, {"status", "--json"});
    CHECK(member(parse_json(status.out)["spool"], "rejected") == 2);
}

TEST_CASE("webhooks install twice leaves one hook and the same triggers, a new secret updates it",
          "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config(R"("webhooks": {"destination_url": "http://127.0.0.1:9/webhooks/procore"})");

    auto missing = run_with_secret(env, {"webhooks", "install", "--json"}, "");
    CHECK(missing.exit_code == 2); // no webhook secret anywhere

    auto first = run_with_secret(env, {"webhooks", "install", "--json"});
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    auto a = parse_json(first.out);
    CHECK(a["hook_created"].GetBool());
    const auto hook_id = member(a, "hook_id");
    const auto triggers_before = env.procore_data("triggers");
    CHECK(triggers_before.Size() == 17);

    auto second = run_with_secret(env, {"webhooks", "install", "--json"});
    REQUIRE(second.exit_code == 0);
    auto b = parse_json(second.out);
    CHECK_FALSE(b["hook_created"].GetBool());
    CHECK_FALSE(b["hook_updated"].GetBool());
    CHECK(member(b, "hook_id") == hook_id);
    CHECK(b["triggers_created"].Size() == 0);
    CHECK(b["triggers_deleted"].Size() == 0);
    CHECK(member(b, "triggers_kept") == 17);
    CHECK(env.procore_data("hooks").Size() == 1);
    const auto triggers_after = env.procore_data("triggers");
    CHECK(json::to_string(triggers_after) == json::to_string(triggers_before));

    // Rotating the secret: the same hook gets the new header; no secret is ever printed.
    const std::string rotated = "whsec-rotated-77c0e2aa91";
    auto third = run_with_secret(env, {"-vv", "webhooks", "install", "--json"}, rotated);
    INFO(third.err);
    REQUIRE(third.exit_code == 0);
    auto c = parse_json(third.out);
    CHECK(c["hook_updated"].GetBool());
    CHECK(member(c, "hook_id") == hook_id);
    CHECK(c["hook_changes"].Size() == 1);
    CHECK(std::string(c["hook_changes"][0].GetString()) == "destination_headers");
    for (const auto& r : {first, second, third}) {
        CHECK(r.out.find(k_secret) == std::string::npos);
        CHECK(r.err.find(k_secret) == std::string::npos);
        CHECK(r.out.find(rotated) == std::string::npos);
        CHECK(r.err.find(rotated) == std::string::npos);
    }
    auto hooks = env.procore_data("hooks");
    REQUIRE(hooks.Size() == 1);
    CHECK(*json::get_string(hooks[0]["destination_headers"], "Authorization") == rotated);

    // The text form of an up-to-date install.
    auto text = run_with_secret(env, {"webhooks", "install"}, rotated);
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("up to date") != std::string::npos);
    CHECK(text.out.find("17 kept, 0 created") != std::string::npos);
}

TEST_CASE("webhooks install subscribes only to what Procore lists and status names the passes "
          "that rely on the sweep",
          "[e2e][webhooks][status]")
{
    E2eEnv env;
    env.write_config(R"("webhooks": {"destination_url": "http://127.0.0.1:9/webhooks/procore"})");
    auto installed = run_json(env, {"webhooks", "install", "--json"});
    // Procore refuses a trigger on a resource it does not list (Requisitions) or on an event
    // type it excludes (Company Vendors delete): none was asked for.
    std::set<std::string> created;
    for (const auto& t : installed["triggers_created"].GetArray()) {
        created.insert(std::string(t["resource_name"].GetString()) + " "
                       + t["event_type"].GetString());
    }
    CHECK(created.size() == 17);
    CHECK(created.count("Company Vendors create") == 1);
    CHECK(created.count("Company Vendors update") == 1);
    CHECK(created.count("Company Vendors delete") == 0);
    CHECK(created.count("Change Order Packages update") == 1);
    for (const char* type : {"create", "update", "delete"}) {
        CHECK(created.count(std::string("Requisitions ") + type) == 0);
    }
    std::set<std::string> sweep_only;
    for (const auto& n : installed["not_offered"].GetArray()) {
        sweep_only.insert(std::string(n["resource_name"].GetString()) + " "
                          + n["event_type"].GetString() + " " + n["pass"].GetString());
    }
    CHECK(sweep_only
          == std::set<std::string>{"Company Vendors delete sync-suppliers",
                                   "Requisitions create pull-pos", "Requisitions delete pull-pos",
                                   "Requisitions update pull-pos"});
    CHECK(env.procore_data("triggers").Size() == 17);

    // The text form says it too, and so does status.
    auto text = run_with_secret(env, {"webhooks", "install"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("not offered by Procore: Requisitions (create, update, delete): "
                        "pull-pos relies on its sweep for sub invoices (requisitions)")
          != std::string::npos);
    auto status = run_with_secret(env, {"status"});
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("webhooks  17 triggers") != std::string::npos);
    CHECK(status.out.find("no webhook: Requisitions (create, update, delete): pull-pos relies on "
                          "its sweep for sub invoices (requisitions)")
          != std::string::npos);
    CHECK(
        status.out.find("no webhook: Company Vendors (delete): sync-suppliers relies on its sweep")
        != std::string::npos);
    auto report = parse_json(run_with_secret(env, {"status", "--json"}).out);
    CHECK(report["webhooks"]["installed"].GetBool());
    CHECK(report["webhooks"]["subscribed"].Size() == 17);
    CHECK(report["webhooks"]["sweep_only"].Size() == 4);
}

TEST_CASE("a second install changes nothing when Procore's trigger records carry only id "
          "resource_name and event_type",
          "[e2e][webhooks]")
{
    auto o = E2eEnv::default_options();
    o.minimal_trigger_records = true;
    E2eEnv env(o);
    env.write_config(R"("webhooks": {"destination_url": "http://127.0.0.1:9/webhooks/procore"})");
    run_json(env, {"webhooks", "install", "--json"});
    const auto before = env.procore_data("triggers");
    REQUIRE(before.Size() == 17);
    REQUIRE_FALSE(before[0].HasMember("company_id")); // the shape under test

    env.reset_stats();
    auto again = run_json(env, {"webhooks", "install", "--json"});
    CHECK(again["triggers_created"].Size() == 0);
    CHECK(again["triggers_deleted"].Size() == 0);
    CHECK(member(again, "triggers_kept") == 17);
    CHECK(env.procore_writes() == 0);
    CHECK(json::to_string(env.procore_data("triggers")) == json::to_string(before));
}

TEST_CASE("when Procore's list of webhook resources cannot be read install falls back on the "
          "documented list and says so",
          "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config(R"("webhooks": {"destination_url": "http://127.0.0.1:9/webhooks/procore"})");
    env.procore_admin("POST", "/_sim/faults",
                      R"({"path": "^/rest/v1.0/webhooks/resources", "status": 404, "count": -1})");
    auto installed = run_json(env, {"webhooks", "install", "--json"});
    CHECK(std::string(installed["resources_source"].GetString()) == "documented");
    CHECK(installed["triggers_created"].Size() == 17); // every one accepted by the simulator
    CHECK(installed["not_offered"].Size() == 4);
    auto text = run_with_secret(env, {"webhooks", "install"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("could not be read") != std::string::npos);
    CHECK(text.out.find("17 kept, 0 created") != std::string::npos);

    // A refusal that says we may not (403) is not papered over: install stops (exit 3).
    env.procore_admin("DELETE", "/_sim/faults");
    env.procore_admin("POST", "/_sim/faults",
                      R"({"path": "^/rest/v1.0/webhooks/resources", "status": 403, "count": -1})");
    auto refused = run_with_secret(env, {"webhooks", "install"});
    CHECK(refused.exit_code == 3);
    CHECK(refused.err.find("Webhooks API") != std::string::npos);
}

TEST_CASE("webhooks install without a destination URL is a config error", "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config();
    auto r = run_with_secret(env, {"webhooks", "install"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("/webhooks/destination_url") != std::string::npos);
    auto check = run_with_secret(env, {"webhooks", "check"});
    CHECK(check.exit_code == 2); // no hook yet
    CHECK(check.err.find("webhooks install") != std::string::npos);
}

TEST_CASE("webhooks check finds the events Procore discarded while the listener was down",
          "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config();
    auto l = start_listener(env, k_secret);
    install(env, l);
    fast_retries(env);

    // Everything delivered: no gap.
    const auto [first_id, first_project] = a_direct_cost(env, 0);
    (void)first_project;
    touch_direct_cost(env, first_id, "delivered");
    REQUIRE(env.sims().procore().wait_idle(k_wait));
    auto ok = run_with_secret(env, {"webhooks", "check"});
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find("no gap") != std::string::npos);

    // The listener goes away; Procore retries, then discards.
    CHECK(l.child->stop(SIGTERM) == 0);
    const auto [lost_id, lost_project] = a_direct_cost(env, 1);
    touch_direct_cost(env, lost_id, "lost");
    REQUIRE(env.sims().procore().wait_idle(k_wait));
    bool discarded = false;
    auto deliveries = env.procore_data("deliveries");
    for (const auto& d : deliveries.GetArray()) {
        discarded = discarded || std::string(d["outcome"].GetString()) == "discarded";
    }
    REQUIRE(discarded);

    // Our own writes while the listener is down (vendors created by sync-suppliers) are
    // discarded too, but they are echoes: never a gap.
    REQUIRE(run_with_secret(env, {"sync-suppliers", "--vendors-only"}).exit_code == 0);
    REQUIRE(env.sims().procore().wait_idle(k_wait));

    auto gap = run_with_secret(env, {"webhooks", "check", "--json"});
    INFO(gap.err);
    CHECK(gap.exit_code == 1);
    auto report = parse_json(gap.out);
    CHECK(report["gap"].GetBool());
    CHECK(report["echoes"].GetInt64() > 0);
    REQUIRE(report["missed"].Size() == 1);
    const auto& m = report["missed"][0];
    CHECK(std::string(m["resource_name"].GetString()) == "Direct Costs");
    CHECK(std::string(m["resource_id"].GetString()) == std::to_string(lost_id));
    CHECK(std::string(m["project_id"].GetString()) == std::to_string(lost_project));
    CHECK(std::string(m["pass"].GetString()) == "post-costs");
    REQUIRE(report["earliest"].IsString());
    CHECK(std::string(report["earliest"].GetString()) == m["timestamp"].GetString());

    // By resource, with the command that backfills it; each event only with --list.
    auto text = run_with_secret(env, {"-vv", "webhooks", "check"});
    CHECK(text.exit_code == 1);
    CHECK(text.err.find(k_secret) == std::string::npos); // the hook list echoes the header
    const std::string earliest = report["earliest"].GetString();
    CHECK_THAT(text.out,
               Catch::Contains("missed   Direct Costs: 1 event (1 update), earliest " + earliest
                               + "; backfill: ml-connector post-costs --since " + earliest + "\n"));
    CHECK_THAT(text.out, Catch::Contains("left out ") && Catch::Contains(" of our own writes\n"));
    CHECK(text.out.find(std::to_string(lost_id)) == std::string::npos);
    auto listed = run_with_secret(env, {"webhooks", "check", "--list"});
    CHECK(listed.out.find(std::to_string(lost_id)) != std::string::npos);
}

TEST_CASE("a spool folder deleted under listen does not wedge it: healthz tells and it recovers",
          "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config();
    auto l = start_listener(env, k_secret);
    install(env, l);
    fast_retries(env);
    const auto spool = env.dir() / "state" / "spool";
    httplib::Client listener("127.0.0.1", l.port);

    // Deleted, with a file in its way: it cannot be re-created, and /healthz says so.
    fs::remove_all(spool);
    std::ofstream(spool) << "not a directory";
    auto sick = listener.Get("/healthz");
    REQUIRE(sick);
    CHECK(sick->status == 503);
    CHECK(sick->body.starts_with("spool unavailable: "));
    const auto [first_id, first_project] = a_direct_cost(env, 0);
    (void)first_project;
    touch_direct_cost(env, first_id, "while the spool is broken");
    REQUIRE(env.sims().procore().wait_idle(k_wait));
    auto deliveries = env.procore_data("deliveries");
    REQUIRE(deliveries.Size() >= 1);
    CHECK(deliveries[deliveries.Size() - 1]["response_status"].GetInt() == 503);

    // Out of the way: the listener re-creates the spool by itself, no restart.
    fs::remove(spool);
    auto healthy = listener.Get("/healthz");
    REQUIRE(healthy);
    CHECK(healthy->status == 200);
    const auto [cost_id, project_id] = a_direct_cost(env, 1);
    (void)project_id;
    touch_direct_cost(env, cost_id, "after the spool came back");
    REQUIRE(env.sims().procore().wait_idle(k_wait));
    const auto pending = spool_files(env, "new");
    REQUIRE(pending.size() == 1);
    CHECK(read_file(pending[0]).find(std::to_string(cost_id)) != std::string::npos);

    // Deleted outright while running: the next delivery lands in a re-created spool.
    fs::remove_all(spool);
    touch_direct_cost(env, cost_id, "after the spool was deleted");
    REQUIRE(env.sims().procore().wait_idle(k_wait));
    REQUIRE(spool_files(env, "new").size() == 1);
    auto summary = run_json(env, {"ingest", "--json"});
    CHECK(member(summary, "inserted") == 1);
    CHECK(l.child->stop(SIGTERM) == 0);
}

TEST_CASE("a delivery with the wrong secret header is refused and not spooled", "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config();
    auto l = start_listener(env, "whsec-the-listener-knows-this");
    install(env, l); // the hook sends k_secret
    fast_retries(env);

    const auto [cost_id, project_id] = a_direct_cost(env);
    (void)project_id;
    touch_direct_cost(env, cost_id, "wrong header");
    REQUIRE(env.sims().procore().wait_idle(k_wait));
    CHECK(spool_files(env, "new").empty());
    CHECK(spool_files(env, "tmp").empty());
    auto deliveries = env.procore_data("deliveries");
    REQUIRE(deliveries.Size() >= 1);
    for (const auto& d : deliveries.GetArray()) {
        CHECK(d["response_status"].GetInt() == 401);
    }
    CHECK(l.child->stop(SIGTERM) == 0);
}

TEST_CASE("status is read-only, listen needs the webhook secret and a valid address",
          "[e2e][webhooks][status]")
{
    E2eEnv env;
    env.write_config();
    auto status = run_with_secret(env, {"status"});
    CHECK(status.exit_code == 0);
    CHECK(status.out.find("not created yet") != std::string::npos);
    auto as_json = run_with_secret(env, {"status", "--json"});
    CHECK(as_json.exit_code == 0);
    CHECK_FALSE(parse_json(as_json.out)["state"]["exists"].GetBool());
    CHECK_FALSE(fs::exists(env.state_path()));              // neither the database
    CHECK_FALSE(fs::exists(env.dir() / "state" / "spool")); // nor the spool was created

    auto no_secret = run_with_secret(env, {"listen", "--addr", "127.0.0.1:0"}, "");
    CHECK(no_secret.exit_code == 2);
    CHECK(no_secret.err.find("no secret for webhook") != std::string::npos);
    auto bad_addr = run_with_secret(env, {"listen", "--addr", "127.0.0.1:http"});
    CHECK(bad_addr.exit_code == 2);
    CHECK(bad_addr.err.find("--addr") != std::string::npos);
    CHECK_FALSE(fs::exists(env.state_path())); // listen never opens the database
}

TEST_CASE("webhooks install removes triggers we do not consume and keeps ours", "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config(R"("webhooks": {"destination_url": "http://127.0.0.1:9/webhooks/procore"})");
    auto first = run_with_secret(env, {"webhooks", "install", "--json"});
    REQUIRE(first.exit_code == 0);
    const auto hook_id = member(parse_json(first.out), "hook_id");

    // Someone added an RFIs trigger to our hook by hand.
    const auto& o = env.sims().options();
    httplib::Client procore(env.sims().procore_base_url());
    auto made = procore.Post(
        "/rest/v1.0/webhooks/hooks/" + std::to_string(hook_id) + "/triggers",
        httplib::Headers{{"Authorization", "Bearer " + env.procore_access_token()},
                         {"Procore-Company-Id", std::to_string(o.company_id)}},
        R"({"company_id":)" + std::to_string(o.company_id)
            + R"(,"api_version":"v2","trigger":{"resource_name":"RFIs","event_type":"create"}})",
        "application/json");
    REQUIRE(made);
    REQUIRE(made->status == 201);
    CHECK(env.procore_data("triggers").Size() == 18);

    auto dry = run_with_secret(env, {"webhooks", "install", "--dry-run", "--json"});
    REQUIRE(dry.exit_code == 0);
    CHECK(parse_json(dry.out)["triggers_deleted"].Size() == 1);
    CHECK(env.procore_data("triggers").Size() == 18); // a dry run changes nothing

    auto again = run_with_secret(env, {"webhooks", "install", "--json"});
    REQUIRE(again.exit_code == 0);
    auto r = parse_json(again.out);
    REQUIRE(r["triggers_deleted"].Size() == 1);
    CHECK(std::string(r["triggers_deleted"][0]["resource_name"].GetString()) == "RFIs");
    CHECK(member(r, "triggers_kept") == 17);
    CHECK(r["triggers_created"].Size() == 0);
    CHECK(env.procore_data("triggers").Size() == 17);
}

TEST_CASE("listen removes unfinished spool files older than a few minutes when it starts",
          "[e2e][webhooks]")
{
    E2eEnv env;
    env.write_config();
    const auto tmp = env.dir() / "state" / "spool" / "tmp";
    fs::create_directories(tmp);
    std::ofstream(tmp / "old.json") << "{\"half\":";
    std::ofstream(tmp / "fresh.json") << "{\"half\":";
    fs::last_write_time(tmp / "old.json",
                        fs::file_time_type::clock::now() - std::chrono::minutes{10});
    auto l = start_listener(env, k_secret);
    CHECK_FALSE(fs::exists(tmp / "old.json"));
    CHECK(fs::exists(tmp / "fresh.json")); // a writer may still be on it
    CHECK(l.child->stop(SIGTERM) == 0);
}
