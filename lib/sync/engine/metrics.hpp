#pragma once
// The metrics file: at the end of every pass (PassRun), the state of the connector in the
// Prometheus text exposition format, written where node_exporter's textfile collector reads it
// (temp file in the same folder, fsync, rename, fsync of the folder: a scrape never sees half a
// file). Most of it is read from the state database, so the file is whole whichever pass wrote
// it last: each command's last run (time, duration, exit code, records read, written and
// failed per flow), postings by state, the inbox and the spool and the age of the oldest event
// not yet acted on. What only the process saw — API calls by endpoint and status, Procore's
// rate-limit headers — is that of the pass that wrote the file, labelled with its command;
// calls per endpoint (no status) also come from each command's last run summary.
// Metric names are ml_connector_*; README.md "Operate it" says what each one means.
#include "core/clock.hpp"
#include "http/client.hpp"

#include <cstdint>
#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mlc::store {
class Database;
}

namespace mlc::engine {

struct MetricSample {
    std::vector<std::pair<std::string, std::string>> labels; // name -> value, in this order
    double value = 0;
};

// One metric: its HELP and TYPE lines and its samples.
struct MetricFamily {
    std::string name;
    std::string type; // "gauge"
    std::string help;
    std::vector<MetricSample> samples;
};

// What the process writing the file saw of the remote systems (not kept in the state).
struct ApiObservations {
    // ("GET /suppliers", "200" | "429" | … | "transport") -> calls
    std::map<std::pair<std::string, std::string>, std::int64_t> calls;
    // The last Procore rate-limit headers seen; nullopt when no answer carried them.
    std::optional<http::RateLimit> procore_rate_limit;
};

// Every metric, from the database, the spool folder (read only: a missing spool is empty) and
// what `command`'s process saw.
std::vector<MetricFamily> collect_metrics(store::Database& db,
                                          const std::filesystem::path& spool_dir,
                                          std::string_view command, const ApiObservations& api,
                                          Clock::time_point now);

// The exposition text: per family "# HELP", "# TYPE", then one line per sample; label values
// and help text escaped as the format requires (\\, \", \n).
std::string render_metrics(const std::vector<MetricFamily>& families);
std::string escape_label_value(std::string_view value);

// Replaces `path` atomically with `text` (mode 0644: node_exporter runs as another user; the
// file holds counts and endpoint paths, no record data and no secret). A message naming the
// step and the errno text when it cannot; nothing is left behind then.
std::expected<void, std::string> write_metrics_file(const std::filesystem::path& path,
                                                    const std::string& text);

} // namespace mlc::engine
