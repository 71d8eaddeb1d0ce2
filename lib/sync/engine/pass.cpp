#include "sync/engine/pass.hpp"

#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "store/runs.hpp"

#include <unistd.h>

#include <cstdio>

namespace mlc::engine {

PassRun::PassRun(const Config& config, std::string_view command, bool dry_run, Clock& clock)
    : command_(command), dry_run_(dry_run), lock_(config.state.path, command_, clock),
      db_(std::make_unique<store::Database>(config.state.path, clock)),
      audit_(std::make_unique<store::AuditLog>(*db_, clock))
{
    if (dry_run_) {
        return;
    }
    run_id_ = store::begin_run(*db_, command_);
    // The destructor does not run for a constructor that throws: guard the rest by hand.
    guard([&] {
        interrupted_ = store::mark_interrupted_runs(*db_, *run_id_);
        for (const auto id : interrupted_) {
            log::warn("run {} was interrupted (killed before it finished); this pass resolves "
                      "what it left",
                      id);
        }
        ingested_ = ingest_spool(config, *this, clock);
    });
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
