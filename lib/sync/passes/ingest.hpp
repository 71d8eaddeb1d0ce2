#pragma once
// `ml-connector ingest`: taking the webhook spool into the inbox is what every pass does first
// (sync/engine/ingest.hpp), so a pass run alone does the work; its runs row is finished with
// exit 1 when a spool file had to be rejected.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "sync/engine/ingest.hpp"

namespace mlc::passes {

struct IngestOutcome {
    engine::IngestSummary summary;
    ExitCode code = ExitCode::ok; // partial when a spool file had to be rejected
};

IngestOutcome run_ingest(const Config& config, Clock& clock);

} // namespace mlc::passes
