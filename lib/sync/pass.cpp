#include "sync/pass.hpp"

#include "core/error.hpp"
#include "core/log.hpp"
#include "store/runs.hpp"
#include "sync/vendor_plan.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <exception>

namespace mlc::sync {

PassRun::PassRun(const Config& config, std::string command, bool dry_run, Clock& clock)
    : command_(std::move(command)), dry_run_(dry_run), lock_(config.state.path, command_, clock),
      db_(std::make_unique<store::Database>(config.state.path, clock)),
      audit_(std::make_unique<store::AuditLog>(*db_, clock))
{
    if (!dry_run_) {
        run_id_ = store::begin_run(*db_, command_);
        try {
            ingested_ = ingest_spool(config, *this, clock);
        } catch (const Fatal& e) {
            // The destructor does not run for a constructor that throws: close the row here.
            store::finish_run(*db_, *run_id_, static_cast<int>(e.code()), "{}");
            throw;
        }
    }
}

PassRun::~PassRun()
{
    if (finished_ || !run_id_) {
        return;
    }
    int code = static_cast<int>(ExitCode::usage);
    if (auto current = std::current_exception()) {
        try {
            std::rethrow_exception(current);
        } catch (const Fatal& e) {
            code = static_cast<int>(e.code());
        } catch (...) {
            code = static_cast<int>(ExitCode::usage);
        }
    }
    try {
        store::finish_run(*db_, *run_id_, code, "{}");
    } catch (const std::exception& e) {
        log::warn("could not close run {}: {}", *run_id_, e.what());
    }
}

void PassRun::finish(int exit_code, const std::string& counts_json)
{
    if (run_id_ && !finished_) {
        store::finish_run(*db_, *run_id_, exit_code, counts_json);
    }
    finished_ = true;
}

bool cursor_less(const Cursor& a, const Cursor& b)
{
    Clock::time_point ta{};
    Clock::time_point tb{};
    if (parse_iso8601(a.time, ta) && parse_iso8601(b.time, tb)) {
        if (ta != tb) {
            return ta < tb;
        }
    } else if (a.time != b.time) {
        return a.time < b.time;
    }
    std::int64_t ka = 0;
    std::int64_t kb = 0;
    const auto ra = std::from_chars(a.key.data(), a.key.data() + a.key.size(), ka);
    const auto rb = std::from_chars(b.key.data(), b.key.data() + b.key.size(), kb);
    if (ra.ec == std::errc{} && rb.ec == std::errc{}) {
        return ka < kb;
    }
    return a.key < b.key;
}

std::string minus_seconds(const std::string& time, int seconds)
{
    Clock::time_point t{};
    if (!parse_iso8601(time, t)) {
        return time;
    }
    return format_iso8601(t - std::chrono::seconds{seconds});
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

void pace_writes(http::Client& http, Clock& clock)
{
    const auto& rl = http.rate_limit();
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
    const auto wait = write_pacing_delay(rl.remaining, rl.reset_epoch, now_s);
    if (wait.count() > 0) {
        log::info("procore: {} calls left in the rate-limit window; pausing {} ms", rl.remaining,
                  wait.count());
        clock.sleep_for(wait);
    }
}

bool is_fatal_write_error(const http::Error& e)
{
    return e.kind != http::ErrorKind::status || e.status >= 500 || e.status == 401
           || e.status == 403 || e.status == 429;
}

} // namespace mlc::sync
