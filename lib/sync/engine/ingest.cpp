#include "sync/engine/ingest.hpp"

#include "core/crash_point.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "spool/event.hpp"
#include "spool/spool.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/inbox.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <sstream>
#include <utility>

namespace mlc::engine {

namespace {

std::optional<std::string> read_whole(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) {
        return std::nullopt;
    }
    return std::move(s).str();
}

std::optional<std::string> non_empty(const std::string& s)
{
    return s.empty() ? std::nullopt : std::optional(s);
}

// What to do with a file once its transaction committed.
struct Move {
    std::filesystem::path file;
    std::optional<std::string> reject_reason; // nullopt: to done/
};

} // namespace

IngestSummary ingest_spool(const Config& config, store::Database& db, store::AuditLog& audit,
                           const IngestOptions& options, const Clock& clock)
{
    IngestSummary summary;
    spool::SpoolReader reader(config.state.spool_dir);
    store::Inbox inbox(db);
    const auto files = reader.pending();
    summary.files = static_cast<std::int64_t>(files.size());
    const std::size_t batch = options.batch_size == 0 ? 1 : options.batch_size;

    auto audit_row = [&](std::string action, std::optional<std::string> procore_key,
                         std::optional<std::string> event_id, std::string message) {
        store::AuditEntry e;
        e.run_id = options.run_id;
        e.command = options.command;
        e.record_kind = "webhook";
        e.procore_key = std::move(procore_key);
        e.remote_id = std::move(event_id);
        e.action = std::move(action);
        e.message = std::move(message);
        audit.append(std::move(e));
    };

    for (std::size_t start = 0; start < files.size(); start += batch) {
        const std::size_t end = std::min(files.size(), start + batch);
        std::vector<Move> moves;
        store::Transaction tx(db);
        for (std::size_t i = start; i < end; ++i) {
            const auto& file = files[i];
            const std::string name = file.filename().string();
            const auto body = read_whole(file);
            std::expected<spool::WebhookEvent, std::string> event =
                body ? spool::parse_event(*body)
                     : std::expected<spool::WebhookEvent, std::string>(
                         std::unexpected(std::string("cannot read the file")));
            if (!event) {
                const std::string reason = event.error();
                audit_row("rejected", std::nullopt, std::nullopt,
                          fmt::format("spool file {}: {}", name, reason));
                moves.push_back(Move{file, reason});
                ++summary.rejected;
                continue;
            }
            store::InboxEvent row;
            row.event_id = event->event_id;
            row.resource_name = event->resource_name;
            row.event_type = event->event_type;
            row.resource_id = event->resource_id;
            row.project_id = non_empty(event->project_id);
            row.company_id = non_empty(event->company_id);
            const auto received = spool::received_time_of(name);
            row.received_at = format_iso8601(received ? *received : clock.now());
            row.payload = *body;
            const std::string pass = owning_pass(event->resource_name);
            const bool echo = event->source_application_id && !config.procore.client_id.empty()
                              && *event->source_application_id == config.procore.client_id;
            if (echo) {
                row.status = store::inbox_status::echo;
                row.message = "caused by our own write (source_application_id is our client id)";
            } else if (pass.empty()) {
                row.status = store::inbox_status::ignored;
                row.message = "no pass consumes " + event->resource_name;
            }
            const std::string what =
                fmt::format("{} {} {} (event {})", event->resource_name, event->event_type,
                            event->resource_id, event->event_id);
            if (!inbox.insert(row)) {
                ++summary.duplicates;
                audit_row("skipped", event->resource_id, event->event_id,
                          "duplicate delivery of " + what);
            } else {
                ++summary.inserted;
                if (echo) {
                    ++summary.echoes;
                    audit_row("skipped", event->resource_id, event->event_id, "echo: " + what);
                } else if (pass.empty()) {
                    ++summary.ignored;
                    audit_row("skipped", event->resource_id, event->event_id, "ignored: " + what);
                } else {
                    ++summary.by_pass[pass];
                    audit_row("read", event->resource_id, event->event_id,
                              fmt::format("{} for {}", what, pass));
                }
            }
            moves.push_back(Move{file, std::nullopt});
        }
        tx.commit();
        crash_point("ingest.committed");
        // Only now: a crash before this line leaves the files in new/, and taking them in again
        // inserts nothing twice (event_id is unique).
        for (const auto& m : moves) {
            if (m.reject_reason) {
                reader.reject(m.file, *m.reject_reason);
            } else {
                reader.mark_done(m.file);
            }
        }
    }

    const auto now = clock.now();
    summary.pruned += static_cast<std::int64_t>(
        reader.prune_done(now, std::chrono::hours{24} * config.webhooks.spool_retention_days));
    summary.pruned += static_cast<std::int64_t>(reader.prune_tmp(now, std::chrono::minutes{60}));
    if (summary.files > 0 && options.log_summary) {
        log::info("{}", to_text(summary));
    }
    return summary;
}

IngestSummary ingest_spool(const Config& config, PassRun& run, const Clock& clock)
{
    if (run.dry_run()) {
        return {};
    }
    return ingest_spool(config, run.db(), run.audit(),
                        IngestOptions{.command = run.command(),
                                      .run_id = run.run_id(),
                                      .log_summary = run.command() != command::ingest},
                        clock);
}

std::string to_json(const IngestSummary& s)
{
    json::Writer w;
    w.begin_object();
    w.field("files", s.files);
    w.field("inserted", s.inserted);
    w.field("duplicates", s.duplicates);
    w.field("echoes", s.echoes);
    w.field("ignored", s.ignored);
    w.field("rejected", s.rejected);
    w.field("pruned", s.pruned);
    w.key("by_pass").begin_object();
    for (const auto& [pass, n] : s.by_pass) {
        w.field(pass, n);
    }
    w.end_object();
    w.end_object();
    return w.str();
}

std::string to_text(const IngestSummary& s)
{
    std::string passes;
    for (const auto& [pass, n] : s.by_pass) {
        passes += fmt::format("{}{} {}", passes.empty() ? "" : ", ", pass, n);
    }
    const std::int64_t fresh = s.inserted - s.echoes - s.ignored;
    return fmt::format("ingest: {} file{}, {} new{}, {} duplicate{}, {} echo{}, {} ignored, {} "
                       "rejected",
                       s.files, s.files == 1 ? "" : "s", fresh,
                       passes.empty() ? "" : " (" + passes + ")", s.duplicates,
                       s.duplicates == 1 ? "" : "s", s.echoes, s.echoes == 1 ? "" : "es", s.ignored,
                       s.rejected);
}

} // namespace mlc::engine
