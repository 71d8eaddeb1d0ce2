#pragma once
// The GL account -> cost code flow of sync-suppliers: Oracle accountCombinationsLOV (enabled,
// detail-posting combinations, filtered by the `cost_codes` section of the config mapping) into
// the company's ERP standard cost code list, with the same incremental, fingerprint, postings
// and audit rules as the vendor flow. The planning part is pure and unit-tested.
#include "core/config.hpp"
#include "oracle/account_combinations.hpp"
#include "procore/cost_codes.hpp"
#include "sync/engine/batch_flow.hpp"
#include "sync/engine/link_state.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::flows {

// The cost_codes part of the config mapping, parsed and validated with the config
// (Config::mapping.cost_codes).
using CostCodeMapping = CostCodeMappingConfig;

// The name prefix of a published cost code whose combination is no longer published.
inline constexpr const char* k_retired_prefix = "[INACTIVE] ";

struct CostCodeDecision {
    std::string action; // create, update, skip, echo, filtered, retire
    procore::StandardCostCodeItem item;
    std::string fingerprint;
    std::optional<std::string> before_fp;
    std::optional<std::int64_t> procore_id;
    std::string message;
};

// Whether a combination is published: enabled, detail posting allowed, active today, its type
// and natural account within the mapping's filters. Empty string = yes; else why not.
std::string cost_code_filter_reason(const oracle::AccountCombination& a, const CostCodeMapping& m,
                                    std::string_view today);
// A combination that is published creates or updates its code (skip when unchanged). One that
// is not is "filtered", unless its code was published before: then "retire" renames the code
// with k_retired_prefix (never deletes it: Procore codes carry budgets and costs), once; a
// combination enabled again updates the name back.
CostCodeDecision plan_cost_code(const oracle::AccountCombination& a,
                                const std::optional<engine::LinkState>& link,
                                const CostCodeMapping& mapping, std::string_view today);

// The fingerprint of a published cost code (origin_id, code, name): what the link keeps.
std::string cost_code_fingerprint(const procore::StandardCostCodeItem& item);

// Runs the flow in a pass (or, with a scope, for `replay`); a config without a
// `mapping.cost_codes` section skips it (skipped_reason).
engine::FlowSummary sync_cost_codes(engine::Context& ctx, const engine::PassOptions& options,
                                    const engine::FlowScope& scope = {});

} // namespace mlc::flows
