#include "sync/passes/ingest.hpp"

#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"

namespace mlc::passes {

IngestOutcome run_ingest(const Config& config, Clock& clock)
{
    engine::PassRun run(config, engine::command::ingest, /*dry_run=*/false, clock);
    return run.guard([&] {
        IngestOutcome outcome{.summary = run.ingested(),
                              .code =
                                  run.ingested().rejected > 0 ? ExitCode::partial : ExitCode::ok};
        run.finish(outcome.code, engine::to_json(outcome.summary));
        return outcome;
    });
}

} // namespace mlc::passes
