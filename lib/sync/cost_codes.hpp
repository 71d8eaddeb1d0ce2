#pragma once
// The GL account -> cost code flow of sync-suppliers: Oracle accountCombinationsLOV (enabled,
// detail-posting combinations, filtered by the `cost_codes` section of the config mapping) into
// the company's ERP standard cost code list, with the same incremental, fingerprint, postings
// and audit rules as the vendor flow.
#include "sync/suppliers.hpp"

namespace mlc::sync {

// Runs the flow; a config without a `mapping.cost_codes` section skips it (skipped_reason).
FlowSummary sync_cost_codes(const Config& config, Connections& connections, store::Database& db,
                            store::AuditLog& audit, std::optional<std::int64_t> run_id,
                            Clock& clock, const SyncPassOptions& options);

inline constexpr const char* k_accounts_stream = "oracle.account_combinations";

} // namespace mlc::sync
