#pragma once
// One end-to-end test's world: the two simulators in-process on port 0, a fresh temporary
// folder (kept, and its path printed, when the test failed), a config pointing at the
// simulators, and a way to run the real ml-connector binary in it with the client secrets in
// its environment. Test assertions (REQUIRE) fail the test when a helper's precondition does.
#include "core/json.hpp"
#include "oracle_sim.hpp" // so that sims().oracle() and sims().procore() can be used
#include "procore_sim.hpp"
#include "simulators.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace mlc::test {

// Parses `text` as JSON; the test fails (showing the text) when it is not.
json::Document parse_json(const std::string& text);

// What write_config puts in the config beyond the simulators' endpoints and the state paths.
struct ConfigOptions {
    std::string extra_members;      // spliced into the top-level object
    long long procore_company_id{}; // 0: the simulator's company
    // The members of the "http" object: short backoffs, so that retries do not slow tests.
    std::string http = R"("max_backoff_ms": 200, "total_timeout_ms": 10000)";
};

class E2eEnv {
public:
    explicit E2eEnv(sim::SimOptions options = default_options());
    static sim::SimOptions default_options();

    sim::Simulators& sims() { return sims_; }
    const std::filesystem::path& dir() const { return dir_.path(); }
    std::filesystem::path config_path() const { return dir() / "ml-connector.json"; }
    std::filesystem::path state_path() const { return dir() / "state" / "ml-connector.db"; }

    // Writes the config for the simulators; `extra_members` is spliced into the top-level
    // object (e.g. R"("mapping": {...})"), and `procore_company_id` can be overridden.
    void write_config(const std::string& extra_members = "", long long procore_company_id = 0);
    void write_config(const ConfigOptions& options);
    // The text write_config writes.
    std::string config_text(const ConfigOptions& options = {}) const;

    // The client secrets of both simulators, as environment variables the binary reads.
    std::vector<std::pair<std::string, std::string>> secret_env() const;

    // Runs ml-connector --config <config> <args...> with both client secrets in the environment.
    ProcessResult run(const std::vector<std::string>& args, ProcessOptions options = {});
    // Runs it (args should ask for --json), requires `expected_exit` and parses stdout.
    json::Document run_json(const std::vector<std::string>& args, int expected_exit = 0,
                            ProcessOptions options = {});

    // A simulator collection as the simulator holds it (GET /_sim/data/<collection>).
    json::Document oracle_data(const std::string& collection);
    json::Document procore_data(const std::string& collection);
    // Changes simulator data behind the connector's back (POST /_sim/mutate); requires a 2xx
    // answer and returns its body.
    std::string oracle_mutate(const std::string& body);
    std::string procore_mutate(const std::string& body);

    // Every Procore call counted since the last reset that is not a read or a token request.
    std::int64_t procore_writes();
    // Every Oracle request that is not a GET, the token requests apart.
    std::int64_t oracle_writes();
    // Clears both simulators' call counts.
    void reset_stats();
    // An access token for our app from the Procore simulator, for calls made as a pass would.
    std::string procore_access_token();

    // The simulators' admin API.
    std::string oracle_admin(const std::string& method, const std::string& path,
                             const std::string& body = "");
    std::string procore_admin(const std::string& method, const std::string& path,
                              const std::string& body = "");

private:
    TempDir dir_;
    sim::Simulators sims_;
};

} // namespace mlc::test
