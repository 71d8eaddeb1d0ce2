#pragma once
// The post-costs pass: under the run lock, Procore direct costs and approved commitment change
// orders -> Oracle GL journals through Journal Import, with one runs row, one summary and the
// exit code: 0 all done, 1 some documents failed or are held (queued for a re-read or replay).
// --plan writes the journals to a file and posts nothing; --apply posts exactly such a file.
#include "sync/flows/journals/journals.hpp"
#include "sync/passes/sync_suppliers.hpp"

namespace mlc::passes {

struct PostCostsOptions {
    engine::PassOptions pass;
    flows::CostScope scope;
};

struct PostCostsResult {
    PassResult pass;
    std::vector<flows::Journal> journals; // planned (dry run, --plan) or sent this pass
};

PostCostsResult run_post_costs(const Config& config, engine::Connections& connections, Clock& clock,
                               const PostCostsOptions& options);

} // namespace mlc::passes
