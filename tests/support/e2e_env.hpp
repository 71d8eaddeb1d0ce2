#pragma once
// One end-to-end test's world: the two simulators in-process on port 0, a fresh temporary
// folder (kept, and its path printed, when the test failed), a config pointing at the
// simulators, and a way to run the real ml-connector binary in it with the client secrets in
// its environment.
#include "simulators.hpp"
#include "support/process.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace mlc::test {

// A temporary folder removed at the end of the test unless an assertion failed in it.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "mlc-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::size_t failures_at_start_;
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

    // Runs ml-connector --config <config> <args...> with both client secrets in the environment.
    ProcessResult run(const std::vector<std::string>& args, ProcessOptions options = {});

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
