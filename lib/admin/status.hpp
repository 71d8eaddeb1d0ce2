#pragma once
// `ml-connector status`: what the connector knows without calling anyone: spool depth (new,
// rejected), inbox by status and resource, the webhook triggers the last install made and the
// passes that rely on their sweep because Procore offers no webhook, each stream's watermark, the
// retry queue, drift waiting to be restored, the last runs, and per flow its postings: the failed
// ones (with the first line of their error), the held ones and those sent but never confirmed, with
// the oldest of each. Read-only: it takes no lock, and creates neither a missing state database nor
// a missing spool.
#include "core/config.hpp"
#include "store/inbox.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/retries.hpp"
#include "store/runs.hpp"
#include "store/watermarks.hpp"
#include "store/webhook_coverage.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mlc::admin {

// One flow's postings that need attention, and the counts of every state.
struct FlowPostings {
    std::string flow;
    std::vector<store::PostingGroup> groups; // per kind and status, with the oldest of each
    std::vector<store::Posting> failed;      // the oldest first, at most `list_limit`
    std::vector<store::Posting> held;
    std::vector<store::Posting> unconfirmed; // sent, outcome unknown
    std::int64_t failed_total = 0, held_total = 0, unconfirmed_total = 0;
};

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
    std::vector<FlowPostings> flows;
    std::vector<store::RetryCount> retries;
    std::vector<store::Link> drift; // links with a hand edit not yet restored
    // What the last `webhooks install` subscribed to; empty when it never ran. A pass whose
    // resource Procore does not offer sees those changes by its sweep only.
    std::vector<store::WebhookCoverageRow> webhooks;
};

// Reads the report; `run_limit` is how many recent runs to include, `list_limit` how many
// postings of each kind of trouble per flow.
StatusReport read_status(const Config& config, int run_limit = 10, int list_limit = 20);

// The first line of an error, for one-line listings.
std::string first_line(const std::string& text);

std::string to_json(const StatusReport& report);
std::string to_text(const StatusReport& report);

} // namespace mlc::admin
