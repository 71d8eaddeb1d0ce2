#include "admin/webhooks.hpp"

#include "auth/credentials.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"
#include "procore/webhooks.hpp"
#include "spool/event.hpp"
#include "store/database.hpp"
#include "store/inbox.hpp"
#include "store/webhook_coverage.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/errors.hpp"
#include "sync/engine/ingest.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace mlc::admin {

namespace {

constexpr const char* k_api_version = "v2"; // the payload format the sim and our parser share

// Stops the command through the engine's one error policy: a fatal kind is exit 3; a 401/403
// names the permission the app needs; any other refusal is one we cannot fix here (exit 2).
[[noreturn]] void fail(const http::Error& e, const std::string& doing)
{
    const bool permission =
        e.kind == http::ErrorKind::unauthorized
        || (e.kind == http::ErrorKind::status && (e.status == 401 || e.status == 403));
    engine::stop("procore", doing, e,
                 permission ? "give the app the \"Webhooks API\" permission (Standard) in the "
                              "company's App Management"
                            : std::string{});
}

bool same_headers(procore::HeaderList a, procore::HeaderList b)
{
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

// Whether event time `a` is before `b`: by instant when both parse, else as text.
bool event_time_earlier(const std::string& a, const std::string& b)
{
    Clock::time_point ta{};
    Clock::time_point tb{};
    return parse_iso8601(a, ta) && parse_iso8601(b, tb) ? ta < tb : a < b;
}

std::string missed_line(const MissedEvent& m)
{
    return fmt::format("{} {} {}{} event {} at {}{}", m.resource_name, m.event_type, m.resource_id,
                       m.project_id.empty() ? "" : " (project " + m.project_id + ")", m.event_id,
                       m.timestamp, m.pass.empty() ? "" : " -> backfill with " + m.pass);
}

void write_missed(json::Writer& w, const std::vector<MissedEvent>& list)
{
    w.begin_array();
    for (const auto& m : list) {
        w.begin_object();
        w.field("event_id", m.event_id);
        w.field("resource_name", m.resource_name);
        w.field("event_type", m.event_type);
        w.field("resource_id", m.resource_id);
        w.field("project_id", m.project_id);
        w.field("timestamp", m.timestamp);
        w.field("pass", m.pass);
        w.end_object();
    }
    w.end_array();
}

void write_calls(json::Writer& w, const std::map<std::string, std::int64_t>& calls)
{
    w.key("api_calls").begin_object();
    for (const auto& [endpoint, n] : calls) {
        w.field(endpoint, n);
    }
    w.end_object();
}

// Whether a failed GET /webhooks/resources means "this listing is not there" (404, another
// refusal of the request itself, an answer we cannot read) rather than "we may not" (401/403),
// "slow down" (429) or "Procore is down" (5xx, after the client's retries), which stop install.
bool listing_unavailable(const http::Error& e)
{
    if (e.kind == http::ErrorKind::shape) {
        return true; // a 2xx whose body is no resource list
    }
    if (e.kind != http::ErrorKind::status) {
        return false;
    }
    return (e.status >= 400 && e.status < 500 && e.status != 401 && e.status != 403
            && e.status != 429)
           || e.status == 501;
}

// Resource name -> the event types Procore offers on it: GET /webhooks/resources, else (see
// listing_unavailable) the documented public record, said in the result and the log. The
// listing's field names are unconfirmed: procore::parse_webhook_resources reads every shape
// seen (name or friendly_name with an except list; v2.0's data/name/actions).
std::map<std::string, std::set<std::string>> offered_resources(procore::WebhookApi& api,
                                                               InstallResult& r)
{
    auto listed = api.list_resources();
    std::vector<procore::WebhookResource> resources;
    if (listed) {
        r.resources_source = "procore";
        resources = std::move(*listed);
    } else if (listing_unavailable(listed.error())) {
        r.resources_source = "documented";
        r.resources_error = engine::describe(listed.error());
        log::warn("webhooks: GET /rest/v1.0/webhooks/resources failed ({}); subscribing by the "
                  "documented list of webhook resources instead",
                  r.resources_error);
        resources = procore::documented_webhook_resources();
    } else {
        fail(listed.error(), "listing webhook resources");
    }
    std::map<std::string, std::set<std::string>> out;
    for (auto& res : resources) {
        auto& types = out[res.name];
        types.insert(res.event_types.begin(), res.event_types.end());
    }
    return out;
}

// "not offered by Procore: Requisitions (create, update, delete): pull-pos relies on its sweep
// for sub invoices (requisitions)", one line per resource.
std::string not_offered_text(const std::vector<NotOffered>& list)
{
    std::vector<std::pair<const NotOffered*, std::string>> per_resource;
    for (const auto& n : list) {
        auto it = std::find_if(per_resource.begin(), per_resource.end(), [&](const auto& p) {
            return p.first->resource_name == n.resource_name;
        });
        if (it == per_resource.end()) {
            per_resource.emplace_back(&n, n.event_type);
        } else {
            it->second += ", " + n.event_type;
        }
    }
    std::string out;
    for (const auto& [n, types] : per_resource) {
        out += fmt::format("not offered by Procore: {} ({}): {} relies on its sweep for {}\n",
                           n->resource_name, types, n->pass.empty() ? "no pass" : n->pass, n->what);
    }
    return out;
}

} // namespace

const std::vector<std::string>& subscribed_event_types()
{
    static const std::vector<std::string> k_types{"create", "update", "delete"};
    return k_types;
}

InstallResult install_webhooks(const Config& config, http::Client& procore_http,
                               const Secret& webhook_secret, const InstallOptions& options)
{
    InstallResult r;
    r.dry_run = options.dry_run;
    r.namespace_name = config.webhooks.namespace_name;
    r.destination_url =
        options.destination_url.empty() ? config.webhooks.destination_url : options.destination_url;
    if (r.destination_url.empty()) {
        throw ConfigError("/webhooks/destination_url is missing",
                          "set the public URL Procore delivers to, or pass --destination-url");
    }
    if (!options.destination_url.empty()) {
        require_secure_url(r.destination_url, "--destination-url");
    }
    if (webhook_secret.empty()) {
        throw UsageError("credentials: the webhook secret is empty",
                         "ml-connector creds set webhook");
    }
    log::register_secret(webhook_secret.reveal());

    procore::HookSpec spec;
    spec.namespace_name = config.webhooks.namespace_name;
    spec.api_version = k_api_version;
    spec.destination_url = r.destination_url;
    spec.destination_headers = {{config.webhooks.header, webhook_secret.reveal()}};

    procore::WebhookApi api(procore_http, config.procore.base_url, config.procore.company_id);
    const auto offer = offered_resources(api, r);
    auto hooks = api.list_hooks();
    if (!hooks) {
        fail(hooks.error(), "listing webhook hooks");
    }
    // Ours: company-scoped with our namespace; the lowest id when a lost answer made two.
    std::optional<procore::Hook> hook;
    for (const auto& h : *hooks) {
        if (h.namespace_name != spec.namespace_name || h.project_id) {
            continue;
        }
        if (!hook || h.id < hook->id) {
            if (hook) {
                r.other_hooks.push_back(std::to_string(hook->id));
            }
            hook = h;
        } else {
            r.other_hooks.push_back(std::to_string(h.id));
        }
    }

    std::vector<procore::Trigger> triggers;
    if (!hook) {
        r.hook_created = true;
        if (!options.dry_run) {
            auto made = api.create_hook(spec);
            if (!made) {
                fail(made.error(), "creating the webhook hook");
            }
            hook = *made;
        }
    } else {
        if (hook->destination_url != spec.destination_url) {
            r.hook_changes.emplace_back("destination_url");
        }
        if (!same_headers(hook->destination_headers, spec.destination_headers)) {
            r.hook_changes.emplace_back("destination_headers");
        }
        if (procore::normalize_api_version(hook->api_version)
            != procore::normalize_api_version(spec.api_version)) {
            r.hook_changes.emplace_back("api_version");
        }
        r.hook_updated = !r.hook_changes.empty();
        if (r.hook_updated && !options.dry_run) {
            auto updated = api.update_hook(hook->id, spec);
            if (!updated) {
                fail(updated.error(), "updating the webhook hook");
            }
            hook = *updated;
        }
        auto listed = api.list_triggers(hook->id);
        if (!listed) {
            fail(listed.error(), "listing the hook's triggers");
        }
        triggers = std::move(*listed);
    }
    if (hook) {
        r.hook_id = hook->id;
    }

    // A trigger fires only in its hook's scope and payload version; one made elsewhere is kept
    // by Procore but never fires (a documented cause of lost events), so it counts as missing.
    // Only what Procore offers: a trigger on a resource it does not list, or on an event type
    // it excludes, is refused, and the pass consuming it relies on its sweep instead.
    std::set<std::pair<std::string, std::string>> wanted;
    for (const auto& resource : engine::consumed_resources()) {
        const auto offered = offer.find(resource);
        for (const auto& type : subscribed_event_types()) {
            if (offered != offer.end() && offered->second.contains(type)) {
                wanted.emplace(resource, type);
                continue;
            }
            const auto* route = engine::find_route(resource);
            r.not_offered.push_back(
                NotOffered{.resource_name = resource,
                           .event_type = type,
                           .pass = route != nullptr ? std::string(route->command) : "",
                           .what = route != nullptr ? std::string(route->what) : resource});
        }
    }
    std::set<std::pair<std::string, std::string>> have;
    const auto version = procore::normalize_api_version(spec.api_version);
    for (const auto& t : triggers) {
        const std::pair<std::string, std::string> key{t.resource_name, t.event_type};
        // The listing is of our company hook's triggers, so a record that does not say its
        // scope or payload version (the reference confirms only id, resource_name and
        // event_type) is taken as the hook's own; one that says another scope never fires.
        const bool fires =
            !t.project_id && (!t.company_id || *t.company_id == config.procore.company_id)
            && (t.api_version.empty() || procore::normalize_api_version(t.api_version) == version);
        if (wanted.contains(key) && fires && !have.contains(key)) {
            have.insert(key);
            ++r.triggers_kept;
            continue;
        }
        r.triggers_deleted.push_back(TriggerRef{t.resource_name, t.event_type});
        if (!options.dry_run) {
            if (auto d = api.delete_trigger(hook->id, t.id); !d && d.error().status != 404) {
                fail(d.error(), "deleting trigger " + t.resource_name + " " + t.event_type);
            }
        }
    }
    for (const auto& key : wanted) {
        if (have.contains(key)) {
            continue;
        }
        r.triggers_created.push_back(TriggerRef{key.first, key.second});
        if (!options.dry_run) {
            auto made = api.create_trigger(hook->id, spec.api_version, key.first, key.second);
            if (!made) {
                fail(made.error(), "creating trigger " + key.first + " " + key.second);
            }
        }
    }
    return r;
}

CheckResult check_webhooks(const Config& config, http::Client& procore_http, store::Database& db)
{
    procore::WebhookApi api(procore_http, config.procore.base_url, config.procore.company_id);
    auto hooks = api.list_hooks();
    if (!hooks) {
        fail(hooks.error(), "listing webhook hooks");
    }
    std::optional<std::int64_t> hook_id;
    for (const auto& h : *hooks) {
        if (h.namespace_name == config.webhooks.namespace_name && !h.project_id
            && (!hook_id || h.id < *hook_id)) {
            hook_id = h.id;
        }
    }
    if (!hook_id) {
        throw UsageError(fmt::format("webhooks: no hook with namespace \"{}\" in company {}",
                                     config.webhooks.namespace_name, config.procore.company_id),
                         "run ml-connector webhooks install");
    }
    CheckResult r;
    r.hook_id = *hook_id;
    store::Inbox inbox(db);
    std::set<std::string> seen; // event ids already judged (an event has a row per attempt)

    auto judge = [&](std::vector<procore::Delivery>& page, bool discarded) {
        for (const auto& d : page) {
            MissedEvent m;
            std::vector<std::string> ids{d.event_id};
            std::optional<std::string> application; // metadata.source_application_id
            if (auto ev = spool::parse_event(d.event_json)) {
                application = ev->source_application_id;
                m.event_id = ev->event_id;
                m.resource_name = ev->resource_name;
                m.event_type = ev->event_type;
                m.resource_id = ev->resource_id;
                m.project_id = ev->project_id;
                m.timestamp = ev->timestamp;
                ids.push_back(ev->event_id);
                ids.push_back(ev->id);
            } else {
                m.event_id = d.event_id;
                m.timestamp = d.started_at;
                log::warn("webhooks: delivery {} carries an event we cannot read: {}", d.id,
                          ev.error());
            }
            if (m.event_id.empty() || seen.contains(m.event_id)) {
                continue;
            }
            seen.insert(m.event_id);
            if (inbox.contains_any(ids)) {
                continue;
            }
            // Our own writes' echoes: ingest would drop them too, so none is a gap.
            if (application && !config.procore.client_id.empty()
                && *application == config.procore.client_id) {
                ++r.echoes;
                continue;
            }
            m.pass = engine::owning_pass(m.resource_name);
            (discarded ? r.missed : r.retrying).push_back(std::move(m));
        }
    };
    // Discarded first: an event that was retried and then discarded is a gap, not "retrying".
    auto discarded = api.list_deliveries(
        *hook_id, "discarded", [&](std::vector<procore::Delivery>& page) { judge(page, true); });
    if (!discarded) {
        fail(discarded.error(), "reading discarded deliveries");
    }
    auto failing = api.list_deliveries(
        *hook_id, "failing", [&](std::vector<procore::Delivery>& page) { judge(page, false); });
    if (!failing) {
        fail(failing.error(), "reading failing deliveries");
    }
    r.deliveries_read = *discarded + *failing;
    for (const auto& m : r.missed) {
        if (!r.earliest || event_time_earlier(m.timestamp, *r.earliest)) {
            r.earliest = m.timestamp;
        }
    }
    return r;
}

std::string to_json(const InstallResult& r)
{
    json::Writer w;
    w.begin_object();
    w.key("hook_id");
    if (r.hook_id) {
        w.integer(*r.hook_id);
    } else {
        w.null();
    }
    w.field("namespace", r.namespace_name);
    w.field("destination_url", r.destination_url);
    w.field("dry_run", r.dry_run);
    w.field("hook_created", r.hook_created);
    w.field("hook_updated", r.hook_updated);
    w.key("hook_changes").begin_array();
    for (const auto& c : r.hook_changes) {
        w.string(c);
    }
    w.end_array();
    auto refs = [&w](const char* key, const std::vector<TriggerRef>& list) {
        w.key(key).begin_array();
        for (const auto& t : list) {
            w.begin_object();
            w.field("resource_name", t.resource_name);
            w.field("event_type", t.event_type);
            w.end_object();
        }
        w.end_array();
    };
    refs("triggers_created", r.triggers_created);
    refs("triggers_deleted", r.triggers_deleted);
    w.field("triggers_kept", r.triggers_kept);
    w.key("other_hooks").begin_array();
    for (const auto& h : r.other_hooks) {
        w.string(h);
    }
    w.end_array();
    w.field("resources_source", r.resources_source);
    if (!r.resources_error.empty()) {
        w.field("resources_error", r.resources_error);
    }
    w.key("not_offered").begin_array();
    for (const auto& n : r.not_offered) {
        w.begin_object();
        w.field("resource_name", n.resource_name);
        w.field("event_type", n.event_type);
        w.field("pass", n.pass);
        w.field("relies_on", "sweep");
        w.end_object();
    }
    w.end_array();
    write_calls(w, r.calls);
    w.end_object();
    return w.str();
}

std::string to_text(const InstallResult& r)
{
    const std::string would = r.dry_run ? "would be " : "";
    std::string out;
    if (r.hook_created) {
        out += fmt::format("hook {}created: namespace {}, destination {}\n", would,
                           r.namespace_name, r.destination_url);
    } else if (r.hook_updated) {
        std::string changes;
        for (const auto& c : r.hook_changes) {
            changes += (changes.empty() ? "" : ", ") + c;
        }
        out += fmt::format("hook {} {}updated ({}): destination {}\n", r.hook_id.value_or(0), would,
                           changes, r.destination_url);
    } else {
        out += fmt::format("hook {} up to date: namespace {}, destination {}\n",
                           r.hook_id.value_or(0), r.namespace_name, r.destination_url);
    }
    for (const auto& t : r.triggers_created) {
        out += fmt::format("trigger {}created: {} {}\n", would, t.resource_name, t.event_type);
    }
    for (const auto& t : r.triggers_deleted) {
        out += fmt::format("trigger {}deleted: {} {}\n", would, t.resource_name, t.event_type);
    }
    out += fmt::format("triggers: {} kept, {} {}created, {} {}deleted\n", r.triggers_kept,
                       r.triggers_created.size(), would, r.triggers_deleted.size(), would);
    if (r.resources_source == "documented") {
        out += fmt::format("note: Procore's list of webhook resources could not be read ({}); "
                           "subscribed by the documented list\n",
                           r.resources_error);
    }
    out += not_offered_text(r.not_offered);
    for (const auto& h : r.other_hooks) {
        out += fmt::format("note: hook {} also has namespace {}; left alone (delete it in Procore "
                           "if it is a leftover)\n",
                           h, r.namespace_name);
    }
    return out;
}

std::string to_json(const CheckResult& r)
{
    json::Writer w;
    w.begin_object();
    w.field("hook_id", r.hook_id);
    w.field("gap", r.gap());
    w.field("deliveries_read", r.deliveries_read);
    w.field("echoes", r.echoes);
    w.key("missed");
    write_missed(w, r.missed);
    w.key("retrying");
    write_missed(w, r.retrying);
    w.key("earliest");
    if (r.earliest) {
        w.string(*r.earliest);
    } else {
        w.null();
    }
    write_calls(w, r.calls);
    w.end_object();
    return w.str();
}

std::string to_text(const CheckResult& r, bool list)
{
    std::string out;
    if (list) {
        for (const auto& m : r.missed) {
            out += "missed   " + missed_line(m) + "\n";
        }
        for (const auto& m : r.retrying) {
            out += "retrying " + missed_line(m) + "\n";
        }
    }
    // By resource: how many, which event types, the earliest, and the command that reads them
    // again (each pass that consumes a resource takes --since).
    struct Group {
        std::int64_t count = 0;
        std::map<std::string, std::int64_t> types;
        std::string earliest;
        std::string pass;
    };
    const auto summarize = [&out](const char* label, const std::vector<MissedEvent>& events,
                                  bool backfill) {
        std::map<std::string, Group> groups;
        for (const auto& m : events) {
            auto& g = groups[m.resource_name.empty() ? "(unreadable event)" : m.resource_name];
            ++g.count;
            ++g.types[m.event_type.empty() ? "?" : m.event_type];
            if (g.earliest.empty() || event_time_earlier(m.timestamp, g.earliest)) {
                g.earliest = m.timestamp;
            }
            g.pass = m.pass;
        }
        for (const auto& [resource, g] : groups) {
            std::string types;
            for (const auto& [type, n] : g.types) {
                types += fmt::format("{}{} {}", types.empty() ? "" : ", ", n, type);
            }
            out += fmt::format("{:<8} {}: {} event{} ({}), earliest {}", label, resource, g.count,
                               g.count == 1 ? "" : "s", types, g.earliest);
            if (backfill) {
                out += g.pass.empty() ? std::string("; no pass reads this resource")
                                      : fmt::format("; backfill: ml-connector {} --since {}",
                                                    g.pass, g.earliest);
            }
            out += "\n";
        }
    };
    summarize("missed", r.missed, true);
    summarize("retrying", r.retrying, false);
    if (r.echoes > 0) {
        out += fmt::format("left out {} echo{} of our own writes\n", r.echoes,
                           r.echoes == 1 ? "" : "es");
    }
    if (r.gap()) {
        out +=
            fmt::format("gap: {} event{} Procore discarded are not in the inbox; earliest {}{}\n",
                        r.missed.size(), r.missed.size() == 1 ? "" : "s", r.earliest.value_or("?"),
                        list ? "" : " (--list for each event)");
    } else {
        out += fmt::format("no gap: hook {}, {} failing/discarded deliveries read, every event "
                           "Procore gave up on is in the inbox\n",
                           r.hook_id, r.deliveries_read);
    }
    return out;
}

InstallResult run_webhooks_install(const Config& config, Clock& clock,
                                   const InstallOptions& options)
{
    const Secret secret = auth::resolve_secret("webhook", config);
    engine::Connections connections(config, clock);
    auto result = install_webhooks(config, connections.procore().http(), secret, options);
    result.calls = connections.calls().snapshot();
    if (!options.dry_run) {
        std::vector<store::WebhookCoverageRow> rows;
        std::set<std::pair<std::string, std::string>> missing;
        for (const auto& n : result.not_offered) {
            missing.emplace(n.resource_name, n.event_type);
        }
        for (const auto& resource : engine::consumed_resources()) {
            for (const auto& type : subscribed_event_types()) {
                rows.push_back(
                    store::WebhookCoverageRow{.resource_name = resource,
                                              .event_type = type,
                                              .pass = engine::owning_pass(resource),
                                              .subscribed = !missing.contains({resource, type}),
                                              .source = result.resources_source,
                                              .checked_at = {}});
            }
        }
        store::Database db(config.state.path, clock);
        store::WebhookCoverage(db).replace(rows);
    }
    return result;
}

CheckOutcome run_webhooks_check(const Config& config, Clock& clock)
{
    // Procore echoes the hook's destination_headers (our secret) when we list hooks: make sure
    // the redactor knows it before anything is logged. check works without it.
    try {
        auth::resolve_secret("webhook", config);
    } catch (const Fatal&) {
    }
    engine::Connections connections(config, clock);
    engine::PassRun run(config, engine::command::webhooks_check, /*dry_run=*/false, clock,
                        &connections);
    return run.guard([&] {
        CheckOutcome outcome;
        outcome.result = check_webhooks(config, connections.procore().http(), run.db());
        outcome.result.calls = connections.calls().snapshot();
        outcome.code = outcome.result.gap() ? ExitCode::partial : ExitCode::ok;
        run.finish(outcome.code, to_json(outcome.result));
        return outcome;
    });
}

} // namespace mlc::admin
