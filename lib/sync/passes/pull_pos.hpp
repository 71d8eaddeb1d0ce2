#pragma once
// The pull-pos pass: under the run lock, Procore commitments -> Oracle purchase orders (and,
// as they are built, Oracle POs -> Procore, sub invoices -> Payables, payments -> Procore),
// with one runs row, one summary and the exit code: 0 all done, 1 some records failed or are
// held and are queued for a re-read or replay.
#include "sync/passes/sync_suppliers.hpp"

namespace mlc::passes {

struct PullPosOptions {
    engine::PassOptions pass;
    std::vector<std::int64_t> projects; // --project: only these Procore projects
};

PassResult run_pull_pos(const Config& config, engine::Connections& connections, Clock& clock,
                        const PullPosOptions& options);

} // namespace mlc::passes
