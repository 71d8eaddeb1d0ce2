// Procore simulator webhooks: the hooks/triggers/deliveries API, v2 event payloads, and the
// background thread that POSTs them to each hook's destination with retries, backoff and
// discards, recording every attempt as a delivery.
#include "procore_internal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>

namespace mlc::sim {

using namespace procore;

namespace {

// What GET /rest/v1.0/webhooks/resources lists: the public record of that listing on a Procore
// sandbox (reference/procore.md §6; 2026-02, 25 company-level and 88 project-level resources),
// the company level whole and the project level as far as financials and the resources the
// docs name go. Each resource with the event types it does NOT support (`except`). Not listed
// at all: "Commitment Change Orders" (they are Change Order Packages) and "Requisitions" (sub
// invoices have no webhook). A trigger on a name not listed, or on an excluded event type, is
// refused with 422.
struct ResourceOffer {
    const char* name;
    std::vector<std::string> except;
};

const std::vector<ResourceOffer> k_resources = {
    // Company level.
    {"Bids", {"create", "delete"}},
    {"Change Order Change Reasons", {}},
    {"Change Types", {}},
    {"Company File Versions", {}},
    {"Company Files", {}},
    {"Company Folders", {}},
    {"Company Insurances", {}},
    {"Company Users", {"delete"}},
    {"Company Vendors", {"delete"}},
    {"Departments", {}},
    {"ERP Requests", {}},
    {"Form Templates", {}},
    {"Line Item Types", {}},
    {"Offices", {}},
    {"Programs", {}},
    {"Project Bid Types", {}},
    {"Project Owner Types", {}},
    {"Project Regions", {}},
    {"Project Stages", {}},
    {"Project Types", {}},
    {"Projects", {"delete"}},
    {"Standard Cost Code Lists", {"update", "delete"}},
    {"Standard Cost Codes", {}},
    {"Timecard Time Types", {"update"}},
    {"Trades", {"update"}},
    // Project level (part).
    {"Budget Line Items", {}},
    {"Change Events", {}},
    {"Change Event Line Items", {}},
    {"Change Order Packages", {}},
    {"Change Order Requests", {}},
    {"Company Direct Cost Line Items", {}},
    {"Contract Payments", {}},
    {"Cost Codes", {}},
    {"Direct Cost Line Items", {}},
    {"Direct Costs", {}},
    {"Payment Applications", {}},
    {"Potential Change Orders", {}},
    {"Prime Contract Line Items", {}},
    {"Prime Contracts", {}},
    {"Project Users", {}},
    {"Project Vendors", {}},
    {"Purchase Order Contract Line Items", {}},
    {"Purchase Order Contracts", {}},
    {"RFIs", {}},
    {"Work Order Contract Line Items", {}},
    {"Work Order Contracts", {}},
};

const ResourceOffer* find_offer(const std::string& name)
{
    for (const auto& r : k_resources)
        if (name == r.name)
            return &r;
    return nullptr;
}

constexpr std::uint64_t k_first_event_id = 5982324300946918154ULL; // beyond 2^53, as documented

std::string ulid(std::int64_t ms, Rng& rng)
{
    static const char* k_crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::string out(26, '0');
    auto t = static_cast<std::uint64_t>(ms);
    for (int i = 9; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = k_crockford[t & 31U];
        t >>= 5;
    }
    std::uint64_t r1 = rng.next(), r2 = rng.next();
    for (std::size_t i = 10; i < 26; ++i) {
        std::uint64_t& r = i < 22 ? r1 : r2;
        out[i] = k_crockford[r & 31U];
        r >>= 5;
    }
    return out;
}

std::string iso_ms(std::int64_t ms)
{
    std::string base = procore_timestamp(ms); // "…T16:15:49Z"
    return fmt::format("{}.{:03}Z", base.substr(0, base.size() - 1), ms % 1000);
}

std::string normalize_version(const std::string& v)
{
    if (v == "v2" || v == "v2.0")
        return "v2.0";
    return v;
}

void write_hook(json::Writer& w, const Hook& h)
{
    w.StartObject();
    w.Key("id");
    w.Int64(h.id);
    w.Key("owned_by_company_id");
    w.Int64(h.company_id);
    w.Key("owned_by_project_id");
    if (h.project_id)
        w.Int64(*h.project_id);
    else
        w.Null();
    w.Key("api_version");
    json::write_string(w, h.api_version);
    w.Key("namespace");
    json::write_string(w, h.namespace_);
    w.Key("destination_url");
    json::write_string(w, h.destination_url);
    w.Key("destination_headers");
    w.StartObject();
    for (const auto& [k, v] : h.destination_headers) {
        json::key(w, k);
        json::write_string(w, v);
    }
    w.EndObject();
    w.Key("created_at");
    json::write_string(w, procore_timestamp(h.created_ms));
    w.Key("updated_at");
    json::write_string(w, procore_timestamp(h.updated_ms));
    w.EndObject();
}

void write_trigger(json::Writer& w, const Trigger& t, bool minimal)
{
    w.StartObject();
    w.Key("id");
    w.Int64(t.id);
    if (minimal) { // all the reference confirms a trigger record carries
        w.Key("resource_name");
        json::write_string(w, t.resource_name);
        w.Key("event_type");
        json::write_string(w, t.event_type);
        w.EndObject();
        return;
    }
    w.Key("webhook_hook_id");
    w.Int64(t.hook_id);
    w.Key("company_id");
    if (t.company_id)
        w.Int64(*t.company_id);
    else
        w.Null();
    w.Key("project_id");
    if (t.project_id)
        w.Int64(*t.project_id);
    else
        w.Null();
    w.Key("api_version");
    json::write_string(w, t.api_version);
    w.Key("resource_name");
    json::write_string(w, t.resource_name);
    w.Key("event_type");
    json::write_string(w, t.event_type);
    w.Key("created_at");
    json::write_string(w, procore_timestamp(t.created_ms));
    w.EndObject();
}

void write_delivery(json::Writer& w, const Delivery& d, bool with_hook)
{
    w.StartObject();
    w.Key("id");
    w.Int64(d.id);
    if (with_hook) {
        w.Key("hook_id");
        w.Int64(d.hook_id);
    }
    w.Key("event_id");
    w.Uint64(d.event_id);
    w.Key("event");
    w.RawValue(d.event_json.data(), d.event_json.size(), rapidjson::kObjectType);
    w.Key("outcome");
    json::write_string(w, d.outcome);
    w.Key("response_status");
    if (d.response_status)
        w.Int(*d.response_status);
    else
        w.Null();
    w.Key("response_headers");
    w.StartObject();
    w.EndObject();
    w.Key("response_body");
    json::write_string(w, d.response_body);
    w.Key("response_error");
    if (d.response_error)
        json::write_string(w, *d.response_error);
    else
        w.Null();
    w.Key("started_at");
    json::write_string(w, iso_ms(d.started_ms));
    w.Key("completed_at");
    json::write_string(w, iso_ms(d.completed_ms));
    w.EndObject();
}

std::optional<std::int64_t> int_param(const httplib::Request& req, const char* name)
{
    if (!req.has_param(name))
        return std::nullopt;
    std::string s = req.get_param_value(name);
    if (s.empty() || s.size() > 18
        || !std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
        return std::nullopt;
    return std::stoll(s);
}

bool all_idle(const std::map<std::int64_t, std::vector<Pending>>& queues, int in_flight)
{
    return in_flight == 0 && std::all_of(queues.begin(), queues.end(), [](const auto& q) {
               return q.second.empty();
           });
}

} // namespace

std::string ProcoreSim::Impl::hooks_json()
{
    std::lock_guard<std::mutex> lock(wmu);
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartArray();
    for (const auto& [id, h] : hooks)
        write_hook(w, h);
    w.EndArray();
    return {buf.GetString(), buf.GetSize()};
}

std::string ProcoreSim::Impl::triggers_json(std::optional<std::int64_t> hook_id)
{
    std::lock_guard<std::mutex> lock(wmu);
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartArray();
    for (const auto& [id, t] : triggers)
        if (!hook_id || t.hook_id == *hook_id)
            write_trigger(w, t, options.minimal_trigger_records);
    w.EndArray();
    return {buf.GetString(), buf.GetSize()};
}

std::string ProcoreSim::Impl::deliveries_json(std::optional<std::int64_t> hook_id)
{
    std::lock_guard<std::mutex> lock(wmu);
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartArray();
    for (const auto& d : deliveries)
        if (!hook_id || d.hook_id == *hook_id)
            write_delivery(w, d, true);
    w.EndArray();
    return {buf.GetString(), buf.GetSize()};
}

// Called with mu held. A hook receives the event when one of its triggers names this
// resource and event type, and the trigger was created in the hook's scope and API version
// (a mismatch is a documented cause of missed webhooks, so it is reproduced).
void ProcoreSim::Impl::fire(const Collection& c, const std::string& event_type,
                            std::int64_t resource_id, std::int64_t scope,
                            const std::optional<std::string>& app)
{
    if (c.resource_name.empty())
        return;
    const std::int64_t company = company_of_scope(c, scope);
    // (a plain flag and value rather than std::optional: GCC's -O2 maybe-uninitialized misfires on
    // it)
    const bool has_project = c.project_scoped;
    const std::int64_t project_id = has_project ? scope : 0;
    const std::int64_t now = clock.now_ms();
    // The API user behind a change: a service account per OAuth client, or a person in the UI.
    const std::int64_t user =
        app ? 7'000'000'000 + static_cast<std::int64_t>(std::hash<std::string>{}(*app) % 1'000'000)
            : default_user_id;
    std::lock_guard<std::mutex> lock(wmu);
    bool queued = false;
    for (const auto& [hid, h] : hooks) {
        if (h.project_id ? (!has_project || project_id != *h.project_id) : h.company_id != company)
            continue;
        bool wanted = std::any_of(triggers.begin(), triggers.end(), [&](const auto& kv) {
            const Trigger& t = kv.second;
            return t.hook_id == hid && t.resource_name == c.resource_name
                   && t.event_type == event_type
                   && t.company_id
                          == (h.project_id ? std::nullopt
                                           : std::optional<std::int64_t>(h.company_id))
                   && t.project_id == h.project_id
                   && normalize_version(t.api_version) == normalize_version(h.api_version);
        });
        if (!wanted)
            continue;
        auto ev = std::make_shared<Event>();
        ev->id = k_first_event_id + next_event_seq++;
        rapidjson::StringBuffer buf;
        json::Writer w(buf);
        w.StartObject();
        w.Key("id");
        w.Uint64(ev->id); // a JSON integer, never through double
        w.Key("ulid");
        json::write_string(w, ulid(now, webhook_rng));
        w.Key("timestamp");
        json::write_string(w, iso_micro(now, webhook_rng.next() % 1000));
        w.Key("metadata");
        w.StartObject();
        w.Key("source_user_id");
        w.Int64(user);
        w.Key("source_project_id");
        if (has_project)
            w.Int64(project_id);
        else
            w.Null();
        w.Key("source_operation_id");
        w.Null();
        w.Key("source_company_id");
        w.Int64(company);
        w.Key("source_application_id");
        if (app)
            json::write_string(w, *app);
        else
            w.Null();
        w.EndObject();
        w.Key("user_id");
        w.Int64(user);
        w.Key("company_id");
        w.Int64(company);
        w.Key("project_id");
        if (has_project)
            w.Int64(project_id);
        else
            w.Null();
        w.Key("api_version");
        w.String("v2.0");
        w.Key("event_type");
        json::write_string(w, event_type);
        w.Key("resource_name");
        json::write_string(w, c.resource_name);
        w.Key("resource_id");
        w.Int64(resource_id);
        w.EndObject();
        ev->json.assign(buf.GetString(), buf.GetSize());

        auto& q = queues[hid];
        const auto due = std::chrono::steady_clock::now();
        if (options.webhook_duplicates) {
            // At-least-once and unordered: some events twice, each held back a little at random.
            int copies = webhook_rng.between(0, 2) == 0 ? 2 : 1;
            for (int i = 0; i < copies; ++i)
                q.push_back(
                    Pending{ev, 0, due + std::chrono::milliseconds(webhook_rng.between(0, 25))});
        } else {
            q.push_back(Pending{ev, 0, due});
        }
        queued = true;
    }
    if (queued)
        wcv.notify_all();
}

// One thread delivers everything. Per hook the queue is FIFO and a failing head blocks the
// rest (the real service pauses deliveries to a failing endpoint); with webhook_duplicates the
// earliest-due event of a queue goes first, which reorders them.
void ProcoreSim::Impl::delivery_loop()
{
    std::unique_lock<std::mutex> lock(wmu);
    while (!stopping) {
        const auto now = std::chrono::steady_clock::now();
        std::optional<std::chrono::steady_clock::time_point> earliest;
        std::int64_t hook_id = 0;
        std::size_t index = 0;
        for (auto& [hid, q] : queues) {
            const std::size_t limit =
                options.webhook_duplicates ? q.size() : std::min<std::size_t>(1, q.size());
            for (std::size_t i = 0; i < limit; ++i) {
                if (!earliest || q[i].due < *earliest) {
                    earliest = q[i].due;
                    hook_id = hid;
                    index = i;
                }
            }
        }
        if (!earliest) {
            idle_cv.notify_all();
            wcv.wait(lock);
            continue;
        }
        if (*earliest > now) {
            wcv.wait_until(lock, *earliest);
            continue;
        }
        auto& q = queues[hook_id];
        Pending p = q[index];
        q.erase(q.begin() + static_cast<std::ptrdiff_t>(index));
        const Hook hook = hooks.at(hook_id);
        const WebhookPolicy pol = policy;
        ++in_flight;
        lock.unlock();

        Delivery d;
        d.hook_id = hook_id;
        d.event_id = p.event->id;
        d.event_json = p.event->json;
        d.started_ms = clock.now_ms();
        static const std::regex k_url(R"(^(https?://[^/]+)(/.*)?$)");
        std::smatch m;
        bool ok = false;
        if (!std::regex_match(hook.destination_url, m, k_url)) {
            d.response_error = "invalid destination_url";
        } else {
            httplib::Client cli(m[1].str());
            const auto secs = static_cast<time_t>(pol.timeout.count() / 1000);
            const auto usecs = static_cast<time_t>((pol.timeout.count() % 1000) * 1000);
            cli.set_connection_timeout(secs, usecs);
            cli.set_read_timeout(secs, usecs);
            cli.set_write_timeout(secs, usecs);
            httplib::Headers headers;
            for (const auto& [k, v] : hook.destination_headers)
                headers.emplace(k, v);
            headers.emplace("User-Agent", "Procore-Webhooks-Simulator/1.0");
            std::string path = m[2].matched && !m[2].str().empty() ? m[2].str() : "/";
            auto res = cli.Post(path.c_str(), headers, p.event->json, "application/json");
            if (!res) {
                d.response_error = httplib::to_string(res.error());
            } else {
                d.response_status = res->status;
                d.response_body = res->body.substr(0, 1000);
                ok = res->status >= 200 && res->status < 300;
                if (!ok)
                    d.response_error = fmt::format("HTTP {}", res->status);
            }
        }
        d.completed_ms = clock.now_ms();

        lock.lock();
        --in_flight;
        const bool hook_alive = hooks.count(hook_id) > 0;
        ++p.attempts;
        if (ok) {
            d.outcome = "ok";
        } else if (p.attempts < pol.max_attempts && hook_alive) {
            d.outcome = "retried";
            auto backoff = pol.initial_backoff * (1LL << std::min(p.attempts - 1, 20));
            p.due = std::chrono::steady_clock::now()
                    + std::min<std::chrono::milliseconds>(backoff, pol.max_backoff);
            auto& again = queues[hook_id];
            again.insert(again.begin(), p);
        } else {
            d.outcome = "discarded";
        }
        d.id = next_delivery_id++;
        deliveries.push_back(d);
        if (d.outcome == "discarded" && hook_alive) {
            // The endpoint kept failing: the queue is flushed and its events discarded.
            auto& rest = queues[hook_id];
            for (const auto& left : rest) {
                Delivery x;
                x.id = next_delivery_id++;
                x.hook_id = hook_id;
                x.event_id = left.event->id;
                x.event_json = left.event->json;
                x.outcome = "discarded";
                x.response_error = "discarded: the endpoint kept failing and its queue was flushed";
                x.started_ms = x.completed_ms = clock.now_ms();
                deliveries.push_back(x);
            }
            rest.clear();
        }
        for (auto it = queues.begin(); it != queues.end();)
            it = it->second.empty() ? queues.erase(it) : std::next(it);
        if (all_idle(queues, in_flight))
            idle_cv.notify_all();
    }
}

void ProcoreSim::Impl::mount_webhooks(httplib::Server& server)
{
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    auto errors422 = [](Res res, const std::string& field, const std::string& msg) {
        set_json(res, 422, fmt::format(R"({{"errors":{{"{}":["{}"]}}}})", field, msg));
    };
    auto bad = [](Res res, const std::string& msg) {
        set_json(res, 400, json::object1("errors", msg));
    };
    // Hook and trigger scope: company_id or project_id, from the query string or the body.
    struct Scope {
        std::optional<std::int64_t> company, project;
    };
    auto scope_of = [this, bad](Req req, Res res, const rapidjson::Value* body, Scope& s) {
        s.company = int_param(req, "company_id");
        s.project = int_param(req, "project_id");
        if (body != nullptr) {
            if (!s.company)
                s.company = json::get_int(*body, "company_id");
            if (!s.project)
                s.project = json::get_int(*body, "project_id");
        }
        if (s.company.has_value() == s.project.has_value()) {
            bad(res, "exactly one of company_id or project_id is required");
            return false;
        }
        if (s.company && *s.company != options.company_id) {
            set_json(res, 403, json::object1("errors", "App is not connected to this company"));
            return false;
        }
        if (s.project) {
            std::lock_guard<std::mutex> lock(mu);
            if (!project_exists(*s.project)) {
                set_json(res, 404, json::object1("errors", "Project not found"));
                return false;
            }
        }
        return true;
    };
    auto gated = [this](std::function<void(Req, Res)> h) {
        return [this, h](Req req, Res res) {
            Ctx ctx;
            if (gate(req, res, ctx))
                h(req, res);
        };
    };
    auto parse = [bad](Req req, Res res, rapidjson::Document& d) {
        std::string err;
        if (!json::parse(req.body, d, err) || !d.IsObject()) {
            bad(res, err.empty() ? "request body must be a JSON object" : err);
            return false;
        }
        return true;
    };
    // Validates and applies hook attributes; returns false after answering 422.
    auto apply_hook = [errors422](Res res, const rapidjson::Value& in, Hook& h, bool creating) {
        static const std::regex k_namespace("^[a-z0-9-]+$");
        auto ns = json::get_string(in, "namespace");
        if (creating || in.HasMember("namespace")) {
            if (!ns || ns->empty())
                return errors422(res, "namespace", "can't be blank"), false;
            if (!std::regex_match(*ns, k_namespace))
                return errors422(res, "namespace",
                                 "is invalid: use lowercase letters, digits and '-'"),
                       false;
        }
        auto url = json::get_string(in, "destination_url");
        if (creating || in.HasMember("destination_url")) {
            if (!url || !(url->rfind("http://", 0) == 0 || url->rfind("https://", 0) == 0))
                return errors422(res, "destination_url", "is invalid"), false;
        }
        auto version = json::get_string(in, "api_version");
        if (version && normalize_version(*version) != "v2.0")
            return errors422(res, "api_version", "is not supported by the simulator (only v2)"),
                   false;
        if (in.HasMember("destination_headers") && !in["destination_headers"].IsObject()
            && !in["destination_headers"].IsNull())
            return errors422(res, "destination_headers", "is invalid"), false;
        if (ns)
            h.namespace_ = *ns;
        if (url)
            h.destination_url = *url;
        if (version)
            h.api_version = *version;
        else if (creating)
            h.api_version = "v2";
        if (in.HasMember("destination_headers")) {
            h.destination_headers.clear();
            if (in["destination_headers"].IsObject())
                for (auto m = in["destination_headers"].MemberBegin();
                     m != in["destination_headers"].MemberEnd(); ++m)
                    if (m->value.IsString())
                        h.destination_headers.emplace_back(m->name.GetString(),
                                                           m->value.GetString());
        }
        return true;
    };

    server.Post("/rest/v1.0/webhooks/hooks",
                gated([this, parse, scope_of, apply_hook, bad](Req req, Res res) {
                    rapidjson::Document body;
                    Scope s;
                    if (!parse(req, res, body) || !scope_of(req, res, &body, s))
                        return;
                    if (!body.HasMember("hook") || !body["hook"].IsObject())
                        return bad(res, "param is missing or the value is empty: hook");
                    Hook h;
                    if (!apply_hook(res, body["hook"], h, true))
                        return;
                    std::lock_guard<std::mutex> lock(wmu);
                    h.id = next_hook_id++;
                    h.company_id = options.company_id;
                    h.project_id = s.project;
                    h.created_ms = h.updated_ms = clock.now_ms();
                    hooks[h.id] = h;
                    rapidjson::StringBuffer buf;
                    json::Writer w(buf);
                    write_hook(w, h);
                    set_json(res, 201, {buf.GetString(), buf.GetSize()});
                }));
    server.Get("/rest/v1.0/webhooks/hooks", gated([this, scope_of](Req req, Res res) {
                   Scope s;
                   if (!scope_of(req, res, nullptr, s))
                       return;
                   std::lock_guard<std::mutex> lock(wmu);
                   rapidjson::StringBuffer buf;
                   json::Writer w(buf);
                   w.StartArray();
                   for (const auto& [id, h] : hooks)
                       if (h.project_id == s.project)
                           write_hook(w, h);
                   w.EndArray();
                   set_json(res, 200, {buf.GetString(), buf.GetSize()});
               }));
    server.Patch(R"(/rest/v1\.0/webhooks/hooks/(\d+))",
                 gated([this, parse, apply_hook, bad](Req req, Res res) {
                     rapidjson::Document body;
                     if (!parse(req, res, body))
                         return;
                     if (!body.HasMember("hook") || !body["hook"].IsObject())
                         return bad(res, "param is missing or the value is empty: hook");
                     std::lock_guard<std::mutex> lock(wmu);
                     auto it = hooks.find(std::stoll(req.matches[1].str()));
                     if (it == hooks.end())
                         return set_json(res, 404, json::object1("errors", "Hook not found"));
                     Hook h = it->second;
                     if (!apply_hook(res, body["hook"], h, false))
                         return;
                     h.updated_ms = clock.now_ms();
                     it->second = h;
                     rapidjson::StringBuffer buf;
                     json::Writer w(buf);
                     write_hook(w, h);
                     set_json(res, 200, {buf.GetString(), buf.GetSize()});
                 }));
    server.Delete(R"(/rest/v1\.0/webhooks/hooks/(\d+))", gated([this](Req req, Res res) {
                      std::lock_guard<std::mutex> lock(wmu);
                      const std::int64_t id = std::stoll(req.matches[1].str());
                      if (hooks.erase(id) == 0)
                          return set_json(res, 404, json::object1("errors", "Hook not found"));
                      for (auto it = triggers.begin(); it != triggers.end();)
                          it = it->second.hook_id == id ? triggers.erase(it) : std::next(it);
                      queues.erase(id);
                      if (all_idle(queues, in_flight))
                          idle_cv.notify_all();
                      res.status = 204;
                  }));
    server.Post(
        R"(/rest/v1\.0/webhooks/hooks/(\d+)/triggers)",
        gated([this, parse, scope_of, errors422, bad](Req req, Res res) {
            rapidjson::Document body;
            Scope s;
            if (!parse(req, res, body) || !scope_of(req, res, &body, s))
                return;
            if (!body.HasMember("trigger") || !body["trigger"].IsObject())
                return bad(res, "param is missing or the value is empty: trigger");
            const auto& in = body["trigger"];
            auto resource = json::get_string(in, "resource_name");
            auto event = json::get_string(in, "event_type");
            const ResourceOffer* offer = resource ? find_offer(*resource) : nullptr;
            if (!offer)
                return errors422(res, "resource_name",
                                 "is not a valid resource (see GET /rest/v1.0/webhooks/resources)");
            if (!event || (*event != "create" && *event != "update" && *event != "delete"))
                return errors422(res, "event_type", "is not included in the list");
            if (std::find(offer->except.begin(), offer->except.end(), *event)
                != offer->except.end())
                return errors422(res, "event_type",
                                 "is not supported for " + *resource
                                     + " (see GET /rest/v1.0/webhooks/resources)");
            std::lock_guard<std::mutex> lock(wmu);
            const std::int64_t hook_id = std::stoll(req.matches[1].str());
            auto hit = hooks.find(hook_id);
            if (hit == hooks.end())
                return set_json(res, 404, json::object1("errors", "Hook not found"));
            for (const auto& [tid, t] : triggers)
                if (t.hook_id == hook_id && t.resource_name == *resource && t.event_type == *event
                    && t.company_id == s.company && t.project_id == s.project)
                    return errors422(res, "event_type", "has already been taken");
            Trigger t;
            t.id = next_trigger_id++;
            t.hook_id = hook_id;
            t.company_id = s.company;
            t.project_id = s.project;
            t.api_version = json::get_string(body, "api_version").value_or(hit->second.api_version);
            t.resource_name = *resource;
            t.event_type = *event;
            t.created_ms = clock.now_ms();
            triggers[t.id] = t;
            rapidjson::StringBuffer buf;
            json::Writer w(buf);
            write_trigger(w, t, options.minimal_trigger_records);
            set_json(res, 201, {buf.GetString(), buf.GetSize()});
        }));
    server.Get(R"(/rest/v1\.0/webhooks/hooks/(\d+)/triggers)", gated([this](Req req, Res res) {
                   const std::int64_t hook_id = std::stoll(req.matches[1].str());
                   {
                       std::lock_guard<std::mutex> lock(wmu);
                       if (hooks.count(hook_id) == 0)
                           return set_json(res, 404, json::object1("errors", "Hook not found"));
                   }
                   set_json(res, 200, triggers_json(hook_id));
               }));
    server.Delete(
        R"(/rest/v1\.0/webhooks/hooks/(\d+)/triggers/(\d+))", gated([this](Req req, Res res) {
            std::lock_guard<std::mutex> lock(wmu);
            auto it = triggers.find(std::stoll(req.matches[2].str()));
            if (it == triggers.end() || it->second.hook_id != std::stoll(req.matches[1].str()))
                return set_json(res, 404, json::object1("errors", "Trigger not found"));
            triggers.erase(it);
            res.status = 204;
        }));
    // Deliveries: filters[status] (the docs also write filter[status]) and cursor paging with
    // page_size and page_start (the id of the last delivery of the previous page), oldest first.
    server.Get(
        R"(/rest/v1\.0/webhooks/hooks/(\d+)/deliveries)", gated([this, bad](Req req, Res res) {
            std::string status = "any";
            if (req.has_param("filters[status]"))
                status = req.get_param_value("filters[status]");
            else if (req.has_param("filter[status]"))
                status = req.get_param_value("filter[status]");
            if (status != "any" && status != "successful" && status != "failing"
                && status != "discarded")
                return bad(res, "filters[status] must be any, successful, failing or discarded");
            std::int64_t page_size = 100;
            if (req.has_param("page_size")) {
                auto v = int_param(req, "page_size");
                if (!v || *v < 1)
                    return bad(res, "page_size must be a positive integer");
                page_size = std::min<std::int64_t>(*v, 1000);
            }
            std::int64_t start = 0;
            if (req.has_param("page_start")) {
                auto v = int_param(req, "page_start");
                if (!v)
                    return bad(res, "page_start must be a delivery id");
                start = *v;
            }
            std::lock_guard<std::mutex> lock(wmu);
            const std::int64_t hook_id = std::stoll(req.matches[1].str());
            if (hooks.count(hook_id) == 0)
                return set_json(res, 404, json::object1("errors", "Hook not found"));
            rapidjson::StringBuffer buf;
            json::Writer w(buf);
            w.StartArray();
            std::int64_t n = 0;
            for (const auto& d : deliveries) {
                if (d.hook_id != hook_id || d.id <= start)
                    continue;
                if (status == "successful" && d.outcome != "ok")
                    continue;
                if (status == "failing" && d.outcome != "retried" && d.outcome != "failed")
                    continue;
                if (status == "discarded" && d.outcome != "discarded")
                    continue;
                if (n++ == page_size)
                    break;
                write_delivery(w, d, false);
            }
            w.EndArray();
            set_json(res, 200, {buf.GetString(), buf.GetSize()});
        }));
    // The listing's field names are unconfirmed (reference/procore.md §6): the simulator uses
    // friendly_name and except, one of the shapes the reference names (the connector reads the
    // others too).
    server.Get("/rest/v1.0/webhooks/resources", gated([](Req, Res res) {
                   rapidjson::StringBuffer buf;
                   json::Writer w(buf);
                   w.StartArray();
                   for (const auto& r : k_resources) {
                       w.StartObject();
                       w.Key("friendly_name");
                       w.String(r.name);
                       w.Key("except");
                       w.StartArray();
                       for (const auto& e : r.except)
                           json::write_string(w, e);
                       w.EndArray();
                       w.EndObject();
                   }
                   w.EndArray();
                   set_json(res, 200, {buf.GetString(), buf.GetSize()});
               }));
}

namespace procore {

std::string iso_micro(std::int64_t epoch_ms, std::uint64_t micro_extra)
{
    std::string base = procore_timestamp(epoch_ms);
    return fmt::format("{}.{:03}{:03}Z", base.substr(0, base.size() - 1), epoch_ms % 1000,
                       micro_extra % 1000);
}

} // namespace procore

} // namespace mlc::sim
