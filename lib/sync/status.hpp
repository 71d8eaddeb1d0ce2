#pragma once
// `ml-connector status`: what the connector knows without calling anyone: spool depth (new,
// rejected), inbox by status and resource, each stream's watermark, the last runs and postings by
// status. Read-only: it takes no lock, and creates neither a missing state database nor a
// missing spool.
#include "core/config.hpp"
#include "store/inbox.hpp"
#include "store/runs.hpp"
#include "store/watermarks.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlc::sync {

struct StatusReport {
    std::string state_path;
    bool state_exists = false;
    std::string spool_dir;
    bool spool_exists = false;
    std::size_t spool_new = 0;
    std::size_t spool_rejected = 0;
    std::size_t spool_done = 0;
    std::size_t spool_tmp = 0;
    std::optional<std::string> oldest_new; // receive time of the oldest file waiting in new/
    std::vector<store::InboxCount> inbox;
    std::vector<store::Watermark> watermarks;
    std::vector<store::RunRow> runs; // newest first
    std::vector<store::StatusCount> postings;
};

// Reads the report; `run_limit` is how many recent runs to include.
StatusReport read_status(const Config& config, int run_limit = 10);

std::string to_json(const StatusReport& report);
std::string to_text(const StatusReport& report);

} // namespace mlc::sync
