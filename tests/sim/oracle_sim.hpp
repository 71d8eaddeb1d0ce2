#pragma once
// The Oracle Fusion Cloud simulator: the identity-domain token endpoint and the REST
// resources ml-connector uses (suppliers, accountCombinationsLOV, purchase orders and
// requisitions, invoices, erpintegrations importBulkData + ESS job status, journalBatches),
// with the REST framework's paging, q-filter and error rules. Built from
// reference/oracle-fusion.md, not from our client. Data lives in memory behind one mutex.
#include "sim_core.hpp"

#include <memory>
#include <optional>
#include <string>

namespace mlc::sim {

class OracleSim final : public SimSide {
public:
    OracleSim(const SimOptions& options, VirtualClock& clock);
    ~OracleSim() override;
    OracleSim(const OracleSim&) = delete;
    OracleSim& operator=(const OracleSim&) = delete;

    // Mounts the REST routes, the token endpoint and the admin API on `server`.
    void mount(httplib::Server& server);

    std::optional<std::string> data_json(const std::string& collection) override;
    std::pair<int, std::string> mutate(const std::string& body) override;

    Stats& stats() { return stats_; }
    Faults& faults() { return faults_; }

    // Issues a token directly (for tests that don't exercise the token endpoint).
    std::string issue_token();

    struct State; // the data sets and REST handlers, defined in oracle_sim.cpp

private:
    const SimOptions& options_;
    VirtualClock& clock_;
    Stats stats_;
    Faults faults_;
    std::unique_ptr<State> state_;
};

// Test helpers: a zip holding one file, and base64, to build importBulkData requests.
std::string zip_single_file(const std::string& name, const std::string& content);
std::string base64_encode(const std::string& bytes);
// And the way back, to read an ESS execution log: nullopt if not base64, not a zip, or no `name`.
std::optional<std::string> unzip_base64_file(const std::string& base64_zip,
                                             const std::string& name);

} // namespace mlc::sim
