#include "sync/cost_codes.hpp"

namespace mlc::sync {

FlowSummary sync_cost_codes(const Config&, Connections&, store::Database&, store::AuditLog&,
                            std::optional<std::int64_t>, Clock&, const SyncPassOptions&)
{
    FlowSummary sum;
    sum.flow = "cost_codes";
    sum.stream = k_accounts_stream;
    sum.skipped_reason = "not implemented yet";
    return sum;
}

} // namespace mlc::sync
