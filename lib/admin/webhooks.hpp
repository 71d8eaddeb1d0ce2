#pragma once
// The Procore side of our webhooks. `webhooks install` makes the company hook of our namespace
// point at our destination with our secret header, and gives it exactly the triggers for the
// resources our passes consume (create, update, delete) that Procore offers: it asks
// GET /webhooks/resources first, and a resource or event type Procore does not list is not
// subscribed (a trigger on it would be refused); the pass consuming it relies on its sweep,
// which install's output and `status` say. Running it again changes nothing.
// `webhooks check` reads the hook's failing and discarded deliveries and names every event
// Procore gave up on that is not in our inbox, with the earliest timestamp, so an updated_at
// backfill can cover the gap.
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"
#include "http/client.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlc::store {
class Database;
}

namespace mlc::admin {

struct InstallOptions {
    std::string destination_url; // overrides config.webhooks.destination_url when not empty
    bool dry_run = false;        // plan only: read the hook and triggers, change nothing
};

struct TriggerRef {
    std::string resource_name;
    std::string event_type;
};

// A resource and event type a pass would like that Procore does not offer.
struct NotOffered {
    std::string resource_name;
    std::string event_type;
    std::string pass; // the pass that then relies on its sweep
    std::string what; // what that pass misses the events of ("sub invoices (requisitions)")
};

struct InstallResult {
    std::optional<std::int64_t> hook_id; // nullopt only in a dry run that would create it
    std::string namespace_name;
    std::string destination_url;
    bool hook_created = false;
    bool hook_updated = false; // destination, headers or api_version changed
    std::vector<std::string>
        hook_changes; // "destination_url", "destination_headers", "api_version"
    std::vector<TriggerRef> triggers_created;
    std::vector<TriggerRef> triggers_deleted; // on our hook, not wanted (or in the wrong scope)
    std::int64_t triggers_kept = 0;
    std::vector<std::string> other_hooks; // further hooks with our namespace, left alone
    // Where the offer came from: "procore" (GET /webhooks/resources) or "documented" (that
    // listing failed, e.g. 404: the public record in the reference was used instead).
    std::string resources_source;
    std::string resources_error; // why the listing failed, when resources_source is documented
    std::vector<NotOffered> not_offered;
    bool dry_run = false;
    std::map<std::string, std::int64_t> calls;
};

// The event types install subscribes to for every consumed resource.
const std::vector<std::string>& subscribed_event_types();

// Throws ConfigError when no destination URL is known, UnreachableError when Procore cannot be
// reached or refuses us, Fatal (usage) on any other refusal (e.g. 422 on a trigger).
// Records nothing locally (run_webhooks_install records what was subscribed for `status`).
InstallResult install_webhooks(const Config& config, http::Client& procore_http,
                               const Secret& webhook_secret, const InstallOptions& options);

struct MissedEvent {
    std::string event_id; // as our inbox keys it (ulid, else id)
    std::string resource_name;
    std::string event_type;
    std::string resource_id;
    std::string project_id; // empty for company resources
    std::string timestamp;  // the event's own timestamp
    std::string pass;       // the pass whose backfill covers it ("" when none consumes it)
};

struct CheckResult {
    std::int64_t hook_id = 0;
    std::int64_t deliveries_read = 0;
    std::vector<MissedEvent> missed;     // discarded, not in the inbox: a gap
    std::vector<MissedEvent> retrying;   // failing, not (yet) discarded, not in the inbox
    std::optional<std::string> earliest; // earliest timestamp among `missed`
    std::int64_t echoes = 0; // left out: caused by our own writes (source_application_id)
    std::map<std::string, std::int64_t> calls;
    bool gap() const { return !missed.empty(); }
};

// Throws UsageError when no hook has our namespace (run `webhooks install`), UnreachableError
// when Procore cannot be reached.
CheckResult check_webhooks(const Config& config, http::Client& procore_http, store::Database& db);

// `webhooks install` whole: resolves the webhook secret (the header Procore will send us),
// connects to Procore and installs; the result carries the API calls made. Unless a dry run,
// what was subscribed and what Procore does not offer is recorded in the state database
// (store::WebhookCoverage) for `status`. Throws as
// install_webhooks, and auth's Fatal when the secret is unknown.
InstallResult run_webhooks_install(const Config& config, Clock& clock,
                                   const InstallOptions& options);

struct CheckOutcome {
    CheckResult result;
    ExitCode code = ExitCode::ok; // partial when there is a gap
};

// `webhooks check` whole, as a pass like the others: the spool is taken in first (by the pass
// run), so a delivery that reached us but was not ingested yet is not reported as lost; the run
// is finished with the outcome's code. Throws as check_webhooks.
CheckOutcome run_webhooks_check(const Config& config, Clock& clock);

std::string to_json(const InstallResult& r);
std::string to_text(const InstallResult& r);
std::string to_json(const CheckResult& r);
// By resource, with the command that backfills each; `list` adds one line per event.
std::string to_text(const CheckResult& r, bool list = false);

} // namespace mlc::admin
