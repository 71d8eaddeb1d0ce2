#pragma once
// How a Procore cost code leads to an Oracle GL account, shared by every flow that charges
// money to the ledger (commitments -> PO distributions, costs -> journal lines):
//   1. mapping.cost_codes.accounts names the cost code's full code (codes not from Oracle);
//   2. the standard cost code it was copied from is linked (by sync-suppliers) to a GL
//      combination, or the project code carries the combination id as its own origin_id;
// and the combination's segments are read from Oracle once per pass. The project's cost center
// and a line's cost type are applied by the caller's planner, which knows the project.
#include "core/config.hpp"
#include "oracle/client.hpp"
#include "procore/commitments.hpp"
#include "store/links.hpp"

#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <vector>

namespace mlc::engine {

// A project's cost codes by id, read once per project per pass (a failed read stops the pass).
// The most recently used `k_projects` are kept, so memory does not grow with the number of
// projects a sweep walks through (it visits them one after the other). The reference `of`
// returns is valid until the next call.
class ProjectCostCodes {
public:
    static constexpr std::size_t k_projects = 64;
    explicit ProjectCostCodes(procore::CommitmentApi& api) : api_(api) {}
    const std::map<std::int64_t, procore::ProjectCostCode>& of(std::int64_t project);

private:
    procore::CommitmentApi& api_;
    std::map<std::int64_t, std::map<std::int64_t, procore::ProjectCostCode>> cache_;
    std::list<std::int64_t> recent_; // most recent first
};

// A cost code's GL combination as its segments in order, or why there is none.
struct CostCodeAccount {
    std::vector<std::string> segments;
    std::string error; // set when there is no account
    std::string code;  // the cost code's full code, for messages
};

class CostAccounts {
public:
    CostAccounts(const MappingConfig& mapping, store::Links& links, oracle::Client& oracle,
                 procore::CommitmentApi& procore)
        : mapping_(mapping), links_(links), oracle_(oracle), codes_(procore)
    {}
    // Stops the pass (engine::stop) when Oracle or Procore cannot be read.
    CostCodeAccount of(std::int64_t project, std::int64_t cost_code_id);
    // The same from the cost code a line carries inline (full_code, origin_id,
    // standard_cost_code_id), which saves reading the project's cost codes when it is enough
    // to tell the account; otherwise as of().
    CostCodeAccount of(std::int64_t project, const procore::ProjectCostCode& inline_code);
    ProjectCostCodes& codes() { return codes_; }

private:
    CostCodeAccount of_code(const procore::ProjectCostCode& cc);

    const MappingConfig& mapping_;
    store::Links& links_;
    oracle::Client& oracle_;
    ProjectCostCodes codes_;
    std::map<std::int64_t, std::vector<std::string>> combinations_;
};

// "101-2100-5110-000-000" -> {"101", "2100", …} by the chart's delimiter.
std::vector<std::string> split_account(const std::string& account, char delimiter);
std::string join_account(const std::vector<std::string>& segments, char delimiter);

} // namespace mlc::engine
