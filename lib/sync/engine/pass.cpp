#include "sync/engine/pass.hpp"

#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "store/runs.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/metrics.hpp"

#include <unistd.h>

#include <cstdio>

namespace mlc::engine {

PassRun::PassRun(const Config& config, std::string_view command, bool dry_run, Clock& clock,
                 const Connections* connections)
    : command_(command), dry_run_(dry_run), lock_(config.state.path, command_, clock),
      db_(std::make_unique<store::Database>(config.state.path, clock)),
      audit_(std::make_unique<store::AuditLog>(*db_, clock)), clock_(clock),
      connections_(connections), metrics_file_(config.metrics.file),
      spool_dir_(config.state.spool_dir)
{
    if (dry_run_) {
        return;
    }
    run_id_ = store::begin_run(*db_, command_);
    // The destructor does not run for a constructor that throws: guard the rest by hand, and
    // write the metrics of a pass that ends here.
    try {
        guard([&] {
            interrupted_ = store::mark_interrupted_runs(*db_, *run_id_);
            for (const auto id : interrupted_) {
                log::warn("run {} was interrupted (killed before it finished); this pass "
                          "resolves what it left",
                          id);
            }
            ingested_ = ingest_spool(config, *this, clock);
        });
    } catch (...) {
        write_metrics();
        throw;
    }
}

PassRun::~PassRun()
{
    if (!finished_ && run_id_) {
        try {
            store::mark_interrupted_runs(*db_, 0);
        } catch (const std::exception& e) {
            log::warn("could not close run {}: {}", *run_id_, e.what());
        }
    }
    write_metrics();
    // Every pass, failed or not, leaves an empty WAL behind when nobody else is reading: cron
    // repeating a failing pass every 15 minutes must not grow it.
    db_->checkpoint();
}

void PassRun::finish(ExitCode code, const std::string& counts_json)
{
    if (run_id_ && !finished_) {
        store::finish_run(*db_, *run_id_, static_cast<int>(code), counts_json);
    }
    finished_ = true;
}

void PassRun::abort(ExitCode code, const std::string& message, bool interrupted) noexcept
{
    if (finished_ || !run_id_) {
        return;
    }
    try {
        json::Writer w;
        w.begin_object();
        w.field("error", log::redact(message));
        w.end_object();
        store::finish_run(*db_, *run_id_, static_cast<int>(code), w.str(), interrupted);
        finished_ = true;
    } catch (const std::exception& e) {
        log::warn("could not record the end of run {}: {}", *run_id_, e.what());
    }
}

void PassRun::write_metrics() noexcept
{
    if (dry_run_ || metrics_file_.empty()) {
        return;
    }
    try {
        ApiObservations api;
        if (connections_ != nullptr) {
            api.calls = connections_->calls().outcomes();
            const auto& rl = connections_->procore_rate_limit();
            if (rl.limit >= 0 || rl.remaining >= 0 || rl.reset_epoch >= 0) {
                api.procore_rate_limit = rl;
            }
        }
        const auto text =
            render_metrics(collect_metrics(*db_, spool_dir_, command_, api, clock_.now()));
        if (const auto written = write_metrics_file(metrics_file_, text); !written) {
            log::warn("metrics: {} (the pass itself is not affected)", written.error());
        }
    } catch (const std::exception& e) {
        log::warn("metrics: could not write {}: {} (the pass itself is not affected)",
                  metrics_file_.string(), e.what());
    }
}

void Progress::update(const std::string& line)
{
    if (!enabled_) {
        return;
    }
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
    shown_ = true;
}

void Progress::done()
{
    if (enabled_ && shown_) {
        std::fputs("\n", stderr);
        std::fflush(stderr);
        shown_ = false;
    }
}

bool stderr_is_tty()
{
    return ::isatty(STDERR_FILENO) == 1;
}

} // namespace mlc::engine
