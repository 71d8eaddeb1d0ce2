// Procore simulator HTTP surface: /oauth/token, the request gate every /rest call passes
// (bearer token, Procore-Company-Id, rate limits), paged and filtered lists, the resource
// routes, and the admin hooks (/_sim/data, /_sim/mutate, /_sim/webhooks/wait).
#include "procore_internal.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace mlc::sim {

using namespace procore;

namespace procore {

void set_json(httplib::Response& res, int status, const std::string& body)
{
    res.status = status;
    res.set_content(body, "application/json; charset=utf-8");
}

} // namespace procore

namespace {

constexpr const char* k_rate_limited = "You have surpassed the max number of requests for an hour. "
                                       "Please wait until your limit resets.";
constexpr int k_default_per_page = 100;
constexpr int k_max_per_page = 1000;
constexpr std::size_t k_max_sync_items = 1000;

std::string rval_json(const RVal& v)
{
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    v.Accept(w);
    return {buf.GetString(), buf.GetSize()};
}

void text(httplib::Response& res, int status, const std::string& body)
{
    res.status = status;
    res.set_content(body, "text/plain; charset=utf-8");
}

void error_json(httplib::Response& res, int status, const std::string& message)
{
    set_json(res, status, json::object1("errors", message));
}

// Rails renders record validation failures as {"errors": {"field": ["message", ...]}}.
std::string field_errors_json(const FieldErrors& errors)
{
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartObject();
    w.Key("errors");
    w.StartObject();
    std::vector<std::string> seen;
    for (const auto& e : errors) {
        if (std::find(seen.begin(), seen.end(), e.first) != seen.end())
            continue;
        seen.push_back(e.first);
        json::key(w, e.first);
        w.StartArray();
        for (const auto& e2 : errors)
            if (e2.first == e.first)
                json::write_string(w, e2.second);
        w.EndArray();
    }
    w.EndObject();
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
}

std::optional<std::int64_t> to_int(const std::string& s)
{
    if (s.empty() || s.size() > 19)
        return std::nullopt;
    std::int64_t v = 0;
    for (char ch : s) {
        if (std::isdigit(static_cast<unsigned char>(ch)) == 0)
            return std::nullopt;
        v = v * 10 + (ch - '0');
    }
    return v;
}

bool parse_body(const httplib::Request& req, httplib::Response& res, rapidjson::Document& doc)
{
    std::string error;
    if (req.body.empty()) {
        error_json(res, 400, "request body is empty; expected a JSON object");
        return false;
    }
    if (!json::parse(req.body, doc, error)) {
        error_json(res, 400, error);
        return false;
    }
    if (!doc.IsObject()) {
        error_json(res, 400, "request body must be a JSON object");
        return false;
    }
    return true;
}

// An inclusive range "a...b" of ISO timestamps or dates, compared at whole seconds.
bool parse_range(const std::string& v, std::int64_t& lo, std::int64_t& hi)
{
    auto sep = v.find("...");
    if (sep == std::string::npos)
        return false;
    return parse_timestamp(v.substr(0, sep), lo) && parse_timestamp(v.substr(sep + 3), hi);
}

struct ListQuery {
    std::int64_t page = 1;
    std::int64_t per_page = k_default_per_page;
    std::optional<std::pair<std::int64_t, std::int64_t>> updated, created;
    std::set<std::string> origin_ids;
    std::set<std::int64_t> ids;
    std::optional<std::string> search;
    std::optional<std::string> status;
    std::optional<std::int64_t> list_id;
    std::optional<std::int64_t> contract_id; // contract payments: the commitment's
    std::string include_deleted;             // "", "with", "only"
    std::string sort;
    bool active_only =
        false; // the vendors list shows active vendors; inactive ones have their own list
};

std::optional<std::string> param(const httplib::Request& req, const char* name)
{
    if (!req.has_param(name))
        return std::nullopt;
    return req.get_param_value(name);
}

bool parse_list_query(const httplib::Request& req, httplib::Response& res, ListQuery& q)
{
    if (auto p = param(req, "contract_id"))
        q.contract_id = to_int(*p);
    if (auto p = param(req, "page")) {
        auto v = to_int(*p);
        if (!v || *v < 1)
            return error_json(res, 400, "page must be a positive integer"), false;
        q.page = *v;
    }
    if (auto p = param(req, "per_page")) {
        auto v = to_int(*p);
        if (!v || *v < 1)
            return error_json(res, 400, "per_page must be a positive integer"), false;
        q.per_page = std::min<std::int64_t>(*v, k_max_per_page);
    }
    for (const char* f : {"filters[updated_at]", "filters[created_at]"}) {
        if (auto p = param(req, f)) {
            std::int64_t lo = 0, hi = 0;
            if (!parse_range(*p, lo, hi))
                return error_json(
                           res, 400,
                           fmt::format("{} must be a range 'start...end' of ISO-8601 times", f)),
                       false;
            (std::string_view(f) == "filters[updated_at]" ? q.updated : q.created) =
                std::make_pair(lo, hi);
        }
    }
    for (const char* f : {"filters[origin_id]", "filters[origin_id][]"}) {
        auto n = req.get_param_value_count(f);
        for (std::size_t i = 0; i < n; ++i)
            q.origin_ids.insert(req.get_param_value(f, i));
    }
    for (const char* f : {"filters[id]", "filters[id][]"}) {
        auto n = req.get_param_value_count(f);
        for (std::size_t i = 0; i < n; ++i) {
            std::string v = req.get_param_value(f, i);
            std::size_t start = 0;
            while (start <= v.size()) { // also accepts a comma-separated list
                auto end = v.find(',', start);
                auto part =
                    v.substr(start, end == std::string::npos ? std::string::npos : end - start);
                auto id = to_int(part);
                if (!id)
                    return error_json(res, 400, fmt::format("{} must hold integer ids", f)), false;
                q.ids.insert(*id);
                if (end == std::string::npos)
                    break;
                start = end + 1;
            }
        }
    }
    q.search = param(req, "filters[search]");
    q.status = param(req, "filters[status]");
    for (const char* f : {"filters[standard_cost_code_list_id]", "standard_cost_code_list_id"}) {
        if (auto p = param(req, f)) {
            auto v = to_int(*p);
            if (!v)
                return error_json(res, 400, fmt::format("{} must be an integer", f)), false;
            q.list_id = *v;
        }
    }
    if (auto p = param(req, "filters[include_deleted]")) {
        if (*p != "with" && *p != "only")
            return error_json(res, 400, "filters[include_deleted] must be 'with' or 'only'"), false;
        q.include_deleted = *p;
    }
    q.sort = param(req, "sort").value_or("");
    return true;
}

std::string lower(std::string s)
{
    for (auto& ch : s)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

bool contains_ci(const RVal& obj, const char* field, const std::string& needle_lower)
{
    auto it = obj.FindMember(field);
    if (it == obj.MemberEnd() || !it->value.IsString())
        return false;
    return lower(it->value.GetString()).find(needle_lower) != std::string::npos;
}

bool matches(const Record& r, const ListQuery& q)
{
    if (q.include_deleted.empty() && r.deleted)
        return false;
    if (q.include_deleted == "only" && !r.deleted)
        return false;
    if (q.updated) {
        std::int64_t s = r.updated_ms / 1000 * 1000;
        if (s < q.updated->first || s > q.updated->second)
            return false;
    }
    if (q.created) {
        std::int64_t s = r.created_ms / 1000 * 1000;
        if (s < q.created->first || s > q.created->second)
            return false;
    }
    if (!q.origin_ids.empty()) {
        auto it = r.obj.FindMember("origin_id");
        if (it == r.obj.MemberEnd() || !it->value.IsString()
            || q.origin_ids.count(it->value.GetString()) == 0)
            return false;
    }
    if (!q.ids.empty() && q.ids.count(r.obj["id"].GetInt64()) == 0)
        return false;
    if (q.contract_id) {
        auto it = r.obj.FindMember("contract_id");
        if (it == r.obj.MemberEnd() || !it->value.IsInt64()
            || it->value.GetInt64() != *q.contract_id)
            return false;
    }
    if (q.active_only) {
        auto it = r.obj.FindMember("is_active");
        if (it != r.obj.MemberEnd() && it->value.IsFalse())
            return false;
    }
    if (q.status) {
        auto it = r.obj.FindMember("status");
        if (it == r.obj.MemberEnd() || !it->value.IsString() || *q.status != it->value.GetString())
            return false;
    }
    if (q.list_id) {
        auto it = r.obj.FindMember("standard_cost_code_list_id");
        if (it == r.obj.MemberEnd() || !it->value.IsInt64() || it->value.GetInt64() != *q.list_id)
            return false;
    }
    if (q.search) {
        std::string n = lower(*q.search);
        bool hit = contains_ci(r.obj, "name", n) || contains_ci(r.obj, "origin_code", n)
                   || contains_ci(r.obj, "abbreviated_name", n);
        auto br = r.obj.FindMember("business_register");
        if (!hit && br != r.obj.MemberEnd() && br->value.IsObject())
            hit = contains_ci(br->value, "identifier", n);
        if (!hit)
            return false;
    }
    return true;
}

// The Link header of a v1 list: first/prev/next/last, the last page has no next.
std::string link_header(const httplib::Request& req, std::int64_t page, std::int64_t per_page,
                        std::int64_t last)
{
    std::string host = req.get_header_value("Host");
    if (host.empty())
        host = "127.0.0.1";
    auto url = [&](std::int64_t p) {
        std::string q;
        for (const auto& [k, v] : req.params) {
            if (k == "page" || k == "per_page")
                continue;
            q += httplib::detail::encode_query_param(k) + "="
                 + httplib::detail::encode_query_param(v) + "&";
        }
        q += fmt::format("page={}&per_page={}", p, per_page);
        return fmt::format("<http://{}{}?{}>", host, req.path, q);
    };
    std::vector<std::string> parts;
    parts.push_back(url(1) + "; rel=\"first\"");
    if (page > 1)
        parts.push_back(url(std::min(page - 1, last)) + "; rel=\"prev\"");
    if (page < last)
        parts.push_back(url(page + 1) + "; rel=\"next\"");
    parts.push_back(url(last) + "; rel=\"last\"");
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i)
        out += (i ? ", " : "") + parts[i];
    return out;
}

} // namespace

ProcoreSim::Impl::Impl(const SimOptions& opts, VirtualClock& clk)
    : options(opts), clock(clk), rng(opts.seed * 7919 + 17), webhook_rng(opts.seed * 104729 + 3)
{
    seed();
}

// Every /rest call: bearer token, rate limit accounting (headers on every response), then the
// Procore-Company-Id header and whether the app is installed in that company.
bool ProcoreSim::Impl::gate(const httplib::Request& req, httplib::Response& res, Ctx& ctx)
{
    std::lock_guard<std::mutex> lock(mu);
    const std::int64_t now = clock.now_s();
    std::string key = "anonymous";
    bool authorized = false;
    std::string auth = req.get_header_value("Authorization");
    if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") {
        auto it = tokens.find(auth.substr(7));
        if (it != tokens.end() && now < it->second.expires_at_s) {
            key = it->second.client_id;
            authorized = true;
        }
    }
    auto& b = buckets[key];
    if (now >= b.hour_start + 3600) {
        b.hour_start = now / 3600 * 3600;
        b.hour_count = 0;
    }
    if (now >= b.spike_start + 10) {
        b.spike_start = now / 10 * 10;
        b.spike_count = 0;
    }
    ++b.hour_count;
    ++b.spike_count;
    const std::int64_t hour_limit = options.procore_hourly_limit;
    const std::int64_t spike_limit = options.procore_spike_limit;
    const std::int64_t hour_left = std::max<std::int64_t>(0, hour_limit - b.hour_count);
    const std::int64_t spike_left = std::max<std::int64_t>(0, spike_limit - b.spike_count);
    // Report the window closer to exhaustion (smaller fraction left).
    const bool spike_closer = spike_left * hour_limit <= hour_left * spike_limit;
    res.set_header("X-Rate-Limit-Limit", std::to_string(spike_closer ? spike_limit : hour_limit));
    res.set_header("X-Rate-Limit-Remaining", std::to_string(spike_closer ? spike_left : hour_left));
    res.set_header("X-Rate-Limit-Reset",
                   std::to_string(spike_closer ? b.spike_start + 10 : b.hour_start + 3600));
    res.set_header("X-Request-Id", fmt::format("{:016x}", rng.next()));
    if (b.hour_count > hour_limit || b.spike_count > spike_limit) {
        text(res, 429, k_rate_limited);
        return false;
    }
    if (!authorized) {
        res.set_header("WWW-Authenticate", "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", "
                                           "error_description=\"The access token is invalid\"");
        text(res, 401, "The access token is invalid");
        return false;
    }
    if (!req.has_header("Procore-Company-Id")) {
        text(res, 400,
             "Missing Procore-Company-Id header! Every request must carry the Procore-Company-Id "
             "header with the "
             "id of the company it acts on (see "
             "https://developers.procore.com/documentation/mpz-headers).");
        return false;
    }
    auto company = to_int(req.get_header_value("Procore-Company-Id"));
    if (!company) {
        text(res, 400, "Invalid Procore-Company-Id header! It must be a company id (an integer).");
        return false;
    }
    if (*company != options.company_id) {
        text(res, 403, "App is not connected to this company");
        return false;
    }
    ctx.client_id = key;
    ctx.company_id = *company;
    return true;
}

ProcoreSim::ProcoreSim(const SimOptions& options, VirtualClock& clock)
    : impl_(std::make_unique<Impl>(options, clock))
{
    impl_->delivery_thread = std::thread([this] { impl_->delivery_loop(); });
}

ProcoreSim::~ProcoreSim()
{
    stop();
}

void ProcoreSim::stop()
{
    {
        std::lock_guard<std::mutex> lock(impl_->wmu);
        impl_->stopping = true;
    }
    impl_->wcv.notify_all();
    if (impl_->delivery_thread.joinable())
        impl_->delivery_thread.join();
    impl_->idle_cv.notify_all();
}

Stats& ProcoreSim::stats()
{
    return impl_->stats;
}
Faults& ProcoreSim::faults()
{
    return impl_->faults;
}
std::int64_t ProcoreSim::company_id() const
{
    return impl_->options.company_id;
}

std::vector<std::int64_t> ProcoreSim::project_ids() const
{
    std::lock_guard<std::mutex> lock(impl_->mu);
    std::vector<std::int64_t> out;
    for (const auto& [id, r] : impl_->collections.at("projects").records)
        if (!r.deleted)
            out.push_back(id);
    return out;
}

void ProcoreSim::add_bulk_vendors(int count, bool with_origin_id)
{
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->add_bulk_vendors(count, with_origin_id);
}

void ProcoreSim::set_webhook_policy(const WebhookPolicy& policy)
{
    std::lock_guard<std::mutex> lock(impl_->wmu);
    impl_->policy = policy;
}

bool ProcoreSim::wait_idle(std::chrono::milliseconds timeout)
{
    std::unique_lock<std::mutex> lock(impl_->wmu);
    return impl_->idle_cv.wait_for(lock, timeout, [&] {
        if (impl_->in_flight > 0)
            return false;
        return std::all_of(impl_->queues.begin(), impl_->queues.end(),
                           [](const auto& q) { return q.second.empty(); });
    });
}

void ProcoreSim::mount(httplib::Server& server)
{
    Impl& im = *impl_;
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    using Handler = std::function<void(Req, Res, const Ctx&)>;
    // Wraps a /rest handler: the gate first, then the handler under the data lock.
    auto rest = [&im](Handler h) {
        return [&im, h](Req req, Res res) {
            Ctx ctx;
            if (!im.gate(req, res, ctx))
                return;
            try {
                std::lock_guard<std::mutex> lock(im.mu);
                h(req, res, ctx);
            } catch (const std::exception& e) {
                error_json(res, 500, std::string("simulator error: ") + e.what());
            }
        };
    };

    // ---- OAuth ----
    server.Post("/oauth/token", [&im](Req req, Res res) {
        std::string grant, id, secret;
        auto ct = req.get_header_value("Content-Type");
        if (ct.find("application/json") != std::string::npos) {
            rapidjson::Document d;
            std::string err;
            if (!json::parse(req.body, d, err) || !d.IsObject()) {
                set_json(
                    res, 400,
                    R"({"error":"invalid_request","error_description":"The request body is not valid JSON."})");
                return;
            }
            grant = json::get_string(d, "grant_type").value_or("");
            id = json::get_string(d, "client_id").value_or("");
            secret = json::get_string(d, "client_secret").value_or("");
        } else {
            auto field = [&](const char* n) {
                if (req.has_param(n))
                    return req.get_param_value(n);
                if (req.has_file(n))
                    return req.get_file_value(n).content;
                return std::string();
            };
            grant = field("grant_type");
            id = field("client_id");
            secret = field("client_secret");
        }
        if (id.empty()) { // client_secret_basic
            auto auth = req.get_header_value("Authorization");
            if (auth.size() > 6 && lower(auth.substr(0, 6)) == "basic ") {
                std::string decoded;
                static const std::string b64 =
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                unsigned int acc = 0;
                int bits = 0;
                for (char ch : auth.substr(6)) {
                    auto pos = b64.find(ch);
                    if (pos == std::string::npos)
                        break;
                    acc = (acc << 6) | static_cast<unsigned int>(pos);
                    bits += 6;
                    if (bits >= 8) {
                        bits -= 8;
                        decoded += static_cast<char>((acc >> bits) & 0xFF);
                    }
                }
                auto colon = decoded.find(':');
                if (colon != std::string::npos) {
                    id = decoded.substr(0, colon);
                    secret = decoded.substr(colon + 1);
                }
            }
        }
        if (grant.empty()) {
            set_json(
                res, 400,
                R"({"error":"invalid_request","error_description":"The request is missing a required parameter: grant_type."})");
            return;
        }
        if (grant != "client_credentials") {
            set_json(
                res, 400,
                R"({"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported by the authorization server."})");
            return;
        }
        if (id != im.options.procore_client_id || secret != im.options.procore_client_secret) {
            set_json(
                res, 401,
                R"({"error":"invalid_client","error_description":"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."})");
            return;
        }
        std::lock_guard<std::mutex> lock(im.mu);
        const std::int64_t now = im.clock.now_s();
        std::string token =
            fmt::format("pcsim{:016x}{:016x}{:016x}", im.rng.next(), im.rng.next(), im.rng.next());
        im.tokens[token] = Token{id, now + im.options.procore_token_ttl};
        set_json(
            res, 200,
            fmt::format(
                R"({{"access_token":"{}","token_type":"bearer","expires_in":{},"created_at":{}}})",
                token, im.options.procore_token_ttl, now));
    });

    // ---- helpers bound to this simulator ----
    // A paged, filtered list of a collection's records in `scope` (nullopt = every scope).
    auto list = [&im](Req req, Res res, Collection& c, std::optional<std::int64_t> scope,
                      bool compact) {
        ListQuery q;
        if (!parse_list_query(req, res, q))
            return;
        q.active_only = c.name == "vendors";
        std::vector<const Record*> hits;
        for (const auto& [id, r] : c.records)
            if ((!scope || r.scope == *scope) && matches(r, q))
                hits.push_back(&r);
        if (q.sort == "updated_at" || q.sort == "-updated_at") {
            bool desc = q.sort[0] == '-';
            std::stable_sort(hits.begin(), hits.end(), [desc](const Record* a, const Record* b) {
                return desc ? a->updated_ms > b->updated_ms : a->updated_ms < b->updated_ms;
            });
        } else if (q.sort == "-id") {
            std::reverse(hits.begin(), hits.end());
        }
        const auto total = static_cast<std::int64_t>(hits.size());
        const std::int64_t last = std::max<std::int64_t>(1, (total + q.per_page - 1) / q.per_page);
        rapidjson::StringBuffer buf;
        json::Writer w(buf);
        w.StartArray();
        const std::int64_t begin = (q.page - 1) * q.per_page;
        for (std::int64_t i = begin; i < std::min(total, begin + q.per_page); ++i)
            im.write_record(c, *hits[static_cast<std::size_t>(i)], w, compact);
        w.EndArray();
        res.set_header("Total", std::to_string(total));
        res.set_header("Per-Page", std::to_string(q.per_page));
        res.set_header("Link", link_header(req, q.page, q.per_page, last));
        set_json(res, 200, {buf.GetString(), buf.GetSize()});
    };
    // A required project id from the query string (or nullopt after answering 400/404).
    auto project_param = [&im](Req req, Res res,
                               const rapidjson::Value* body) -> std::optional<std::int64_t> {
        std::optional<std::int64_t> pid;
        if (req.has_param("project_id"))
            pid = to_int(req.get_param_value("project_id"));
        else if (body != nullptr)
            pid = json::get_int(*body, "project_id");
        if (!pid) {
            error_json(res, 400, "param is missing or the value is empty: project_id");
            return std::nullopt;
        }
        if (!im.project_exists(*pid)) {
            error_json(res, 404, fmt::format("Project {} not found", *pid));
            return std::nullopt;
        }
        return pid;
    };
    auto company_param = [&im](Req req, Res res, const rapidjson::Value* body, bool required) {
        std::optional<std::int64_t> cid;
        bool given =
            req.has_param("company_id") || (body != nullptr && body->HasMember("company_id"));
        if (req.has_param("company_id"))
            cid = to_int(req.get_param_value("company_id"));
        else if (body != nullptr)
            cid = json::get_int(*body, "company_id");
        if (!given && !required)
            return true;
        if (!cid) {
            error_json(res, 400, "param is missing or the value is empty: company_id");
            return false;
        }
        if (*cid != im.options.company_id) {
            text(res, 403, "App is not connected to this company");
            return false;
        }
        return true;
    };
    auto show = [&im](Res res, Collection& c, std::int64_t id, std::optional<std::int64_t> scope) {
        auto* r = im.find(c, id);
        if (r == nullptr || (scope && r->scope != *scope)) {
            error_json(res, 404, "Resource not found");
            return;
        }
        set_json(res, 200, im.record_json(c, *r));
    };
    // POST: {"<wrapper>": {attrs}} (the Procore convention), scope already resolved.
    auto create = [&im](Req, Res res, Collection& c, std::int64_t scope,
                        const rapidjson::Document& body, const char* wrapper, const Ctx& ctx) {
        auto it = body.FindMember(wrapper);
        if (it == body.MemberEnd() || !it->value.IsObject()) {
            error_json(res, 400, std::string("param is missing or the value is empty: ") + wrapper);
            return;
        }
        FieldErrors errors;
        if (auto oid = json::get_string(it->value, "origin_id");
            oid && im.find_by_origin(c, scope, *oid)) {
            set_json(res, 422, field_errors_json({{"origin_id", "has already been taken"}}));
            return;
        }
        std::int64_t id = im.create(c, scope, it->value, errors);
        if (id == 0) {
            set_json(res, 422, field_errors_json(errors));
            return;
        }
        im.fire(c, "create", id, scope, ctx.client_id);
        set_json(res, 201, im.record_json(c, c.records.at(id)));
    };
    auto patch = [&im](Req, Res res, Collection& c, std::int64_t id,
                       std::optional<std::int64_t> scope, const rapidjson::Document& body,
                       const char* wrapper, const Ctx& ctx) {
        auto* r = im.find(c, id);
        if (r == nullptr || (scope && r->scope != *scope)) {
            error_json(res, 404, "Resource not found");
            return;
        }
        auto it = body.FindMember(wrapper);
        if (it == body.MemberEnd() || !it->value.IsObject()) {
            error_json(res, 400, std::string("param is missing or the value is empty: ") + wrapper);
            return;
        }
        FieldErrors errors;
        if (!im.update(c, *r, it->value, errors)) {
            set_json(res, 422, field_errors_json(errors));
            return;
        }
        im.fire(c, "update", id, r->scope, ctx.client_id);
        set_json(res, 200, im.record_json(c, *r));
    };
    auto sync = [&im](Res res, Collection& c, std::int64_t scope, const rapidjson::Document& body,
                      const rapidjson::Value* extra, const Ctx& ctx) {
        auto it = body.FindMember("updates");
        if (it == body.MemberEnd() || !it->value.IsArray()) {
            error_json(res, 400, "param is missing or the value is empty: updates");
            return;
        }
        if (it->value.Size() > k_max_sync_items) {
            error_json(res, 400,
                       fmt::format("updates holds {} items; a sync request takes at most {}",
                                   it->value.Size(), k_max_sync_items));
            return;
        }
        set_json(res, 200, im.sync(c, scope, it->value, ctx.client_id, extra));
    };
    auto id_of = [](Req req, int n) {
        return to_int(req.matches[static_cast<std::size_t>(n)].str()).value_or(-1);
    };

    // ---- companies and projects ----
    server.Get("/rest/v1.0/companies", rest([&im](Req, Res res, const Ctx&) {
                   set_json(
                       res, 200,
                       fmt::format(R"([{{"id":{},"name":"{}","is_active":true,"logo_url":null}}])",
                                   im.options.company_id, im.company_name));
               }));
    server.Get("/rest/v1.0/projects",
               rest([&im, list, company_param](Req req, Res res, const Ctx&) {
                   if (!company_param(req, res, nullptr, true))
                       return;
                   list(req, res, im.coll("projects"), std::nullopt, false);
               }));
    server.Get(R"(/rest/v1\.0/companies/(\d+)/projects)",
               rest([&im, list, id_of](Req req, Res res, const Ctx&) {
                   if (id_of(req, 1) != im.options.company_id)
                       return text(res, 403, "App is not connected to this company");
                   list(req, res, im.coll("projects"), std::nullopt, false);
               }));
    server.Get(R"(/rest/v1\.0/projects/(\d+))",
               rest([&im, show, id_of](Req req, Res res, const Ctx&) {
                   show(res, im.coll("projects"), id_of(req, 1), std::nullopt);
               }));

    // ---- vendors ----
    server.Get("/rest/v1.0/vendors", rest([&im, list, company_param](Req req, Res res, const Ctx&) {
                   if (!company_param(req, res, nullptr, true))
                       return;
                   list(req, res, im.coll("vendors"), im.options.company_id, false);
               }));
    server.Patch("/rest/v1.0/vendors/sync",
                 rest([&im, sync, company_param](Req req, Res res, const Ctx& ctx) {
                     rapidjson::Document body;
                     if (!parse_body(req, res, body) || !company_param(req, res, &body, true))
                         return;
                     sync(res, im.coll("vendors"), im.options.company_id, body, nullptr, ctx);
                 }));
    server.Get(R"(/rest/v1\.0/vendors/(\d+))",
               rest([&im, show, id_of](Req req, Res res, const Ctx&) {
                   show(res, im.coll("vendors"), id_of(req, 1), std::nullopt);
               }));
    server.Post(
        "/rest/v1.0/vendors", rest([&im, create, company_param](Req req, Res res, const Ctx& ctx) {
            rapidjson::Document body;
            if (!parse_body(req, res, body) || !company_param(req, res, &body, true))
                return;
            create(req, res, im.coll("vendors"), im.options.company_id, body, "vendor", ctx);
        }));
    server.Patch(R"(/rest/v1\.0/vendors/(\d+))",
                 rest([&im, patch, id_of, company_param](Req req, Res res, const Ctx& ctx) {
                     rapidjson::Document body;
                     if (!parse_body(req, res, body) || !company_param(req, res, &body, false))
                         return;
                     patch(req, res, im.coll("vendors"), id_of(req, 1), std::nullopt, body,
                           "vendor", ctx);
                 }));
    server.Get(R"(/rest/v1\.0/companies/(\d+)/vendors/inactive)",
               rest([&im, id_of](Req req, Res res, const Ctx&) {
                   if (id_of(req, 1) != im.options.company_id)
                       return text(res, 403, "App is not connected to this company");
                   rapidjson::StringBuffer buf;
                   json::Writer w(buf);
                   w.StartArray();
                   auto& c = im.coll("vendors");
                   for (const auto& [id, r] : c.records) {
                       auto it = r.obj.FindMember("is_active");
                       if (!r.deleted && it != r.obj.MemberEnd() && it->value.IsFalse())
                           im.write_record(c, r, w, false);
                   }
                   w.EndArray();
                   set_json(res, 200, {buf.GetString(), buf.GetSize()});
               }));
    // Business register (ABN/EIN): {"business_register": {"type": "EIN", "identifier": "…"}}.
    auto business_register = [&im, id_of](Req req, Res res, const Ctx& ctx) {
        rapidjson::Document body;
        if (!parse_body(req, res, body))
            return;
        auto& c = im.coll("vendors");
        auto* r = im.find(c, id_of(req, 1));
        if (r == nullptr)
            return error_json(res, 404, "Resource not found");
        const rapidjson::Value* br = &body;
        if (body.HasMember("business_register") && body["business_register"].IsObject())
            br = &body["business_register"];
        auto type = json::get_string(*br, "type");
        auto ident = json::get_string(*br, "identifier");
        if (!type || (*type != "ABN" && *type != "EIN"))
            return set_json(res, 422, field_errors_json({{"type", "is not included in the list"}}));
        if (!ident || ident->empty())
            return set_json(res, 422, field_errors_json({{"identifier", "can't be blank"}}));
        for (const auto& [oid, other] : c.records) {
            if (&other == r || other.deleted)
                continue;
            auto ob = other.obj.FindMember("business_register");
            if (ob != other.obj.MemberEnd() && ob->value.IsObject()
                && ob->value.HasMember("identifier") && ob->value["identifier"].IsString()
                && *ident == ob->value["identifier"].GetString()) {
                set_json(res, 409,
                         json::object1(
                             "message",
                             "Business register identifier is already in use by another vendor"));
                return;
            }
        }
        RVal v(rapidjson::kObjectType);
        v.AddMember("type", RVal(type->c_str(), g_alloc), g_alloc);
        v.AddMember("identifier", RVal(ident->c_str(), g_alloc), g_alloc);
        v.AddMember("verification_status", RVal("unverified", g_alloc), g_alloc);
        r->obj["business_register"] = v;
        r->updated_ms = im.clock.now_ms();
        r->obj["updated_at"] = RVal(procore_timestamp(r->updated_ms).c_str(), g_alloc);
        im.fire(c, "update", id_of(req, 1), r->scope, ctx.client_id);
        set_json(res, req.method == "POST" ? 201 : 200, rval_json(r->obj["business_register"]));
    };
    server.Post(R"(/rest/v1\.0/vendors/(\d+)/business_register)", rest(business_register));
    server.Patch(R"(/rest/v1\.0/vendors/(\d+)/business_register)", rest(business_register));

    // ---- cost codes ----
    server.Get("/rest/v1.0/standard_cost_code_lists",
               rest([&im, list, company_param](Req req, Res res, const Ctx&) {
                   if (!company_param(req, res, nullptr, true))
                       return;
                   list(req, res, im.coll("standard_cost_code_lists"), im.options.company_id,
                        false);
               }));
    server.Post("/rest/v1.0/standard_cost_code_lists",
                rest([&im, create, company_param](Req req, Res res, const Ctx& ctx) {
                    rapidjson::Document body;
                    if (!parse_body(req, res, body) || !company_param(req, res, &body, true))
                        return;
                    create(req, res, im.coll("standard_cost_code_lists"), im.options.company_id,
                           body, "standard_cost_code_list", ctx);
                }));
    server.Get("/rest/v1.0/standard_cost_codes",
               rest([&im, list, company_param](Req req, Res res, const Ctx&) {
                   if (!company_param(req, res, nullptr, false))
                       return;
                   list(req, res, im.coll("standard_cost_codes"), im.options.company_id, false);
               }));
    server.Patch(
        "/rest/v1.0/standard_cost_codes/sync",
        rest([&im, sync, company_param](Req req, Res res, const Ctx& ctx) {
            rapidjson::Document body;
            if (!parse_body(req, res, body) || !company_param(req, res, &body, true))
                return;
            auto list_id = json::get_int(body, "standard_cost_code_list_id");
            if (!list_id)
                return error_json(
                    res, 400, "param is missing or the value is empty: standard_cost_code_list_id");
            if (im.find(im.coll("standard_cost_code_lists"), *list_id) == nullptr)
                return error_json(res, 404,
                                  fmt::format("Standard cost code list {} not found", *list_id));
            rapidjson::Document extra(rapidjson::kObjectType);
            extra.AddMember("standard_cost_code_list_id", *list_id, extra.GetAllocator());
            sync(res, im.coll("standard_cost_codes"), im.options.company_id, body, &extra, ctx);
        }));
    server.Get(R"(/rest/v1\.0/standard_cost_codes/(\d+))",
               rest([&im, show, id_of](Req req, Res res, const Ctx&) {
                   show(res, im.coll("standard_cost_codes"), id_of(req, 1), std::nullopt);
               }));
    server.Post("/rest/v1.0/standard_cost_codes",
                rest([&im, create, company_param](Req req, Res res, const Ctx& ctx) {
                    rapidjson::Document body;
                    if (!parse_body(req, res, body) || !company_param(req, res, &body, true))
                        return;
                    create(req, res, im.coll("standard_cost_codes"), im.options.company_id, body,
                           "standard_cost_code", ctx);
                }));
    server.Get("/rest/v1.0/cost_codes",
               rest([&im, list, project_param](Req req, Res res, const Ctx&) {
                   auto pid = project_param(req, res, nullptr);
                   if (pid)
                       list(req, res, im.coll("cost_codes"), *pid, false);
               }));

    // ---- commitments: purchase order contracts and work order contracts (subcontracts) ----
    struct CommitmentKind {
        const char* collection; // "purchase_order_contracts", also the path segment
        const char* wrapper;    // "purchase_order_contract", the body's object
    };
    for (const CommitmentKind kind :
         {CommitmentKind{"purchase_order_contracts", "purchase_order_contract"},
          CommitmentKind{"work_order_contracts", "work_order_contract"}}) {
        const std::string path = std::string("/rest/v1.0/") + kind.collection;
        const std::string item = std::string(R"(/rest/v1\.0/)") + kind.collection + R"(/(\d+))";
        server.Get(path, rest([&im, list, project_param, kind](Req req, Res res, const Ctx&) {
                       auto pid = project_param(req, res, nullptr);
                       if (pid)
                           list(req, res, im.coll(kind.collection), *pid, true);
                   }));
        server.Patch(path + "/sync",
                     rest([&im, sync, project_param, kind](Req req, Res res, const Ctx& ctx) {
                         rapidjson::Document body;
                         if (!parse_body(req, res, body))
                             return;
                         auto pid = project_param(req, res, &body);
                         if (pid)
                             sync(res, im.coll(kind.collection), *pid, body, nullptr, ctx);
                     }));
        server.Post(
            path, rest([&im, create, project_param, kind](Req req, Res res, const Ctx& ctx) {
                rapidjson::Document body;
                if (!parse_body(req, res, body))
                    return;
                auto pid = project_param(req, res, &body);
                if (pid)
                    create(req, res, im.coll(kind.collection), *pid, body, kind.wrapper, ctx);
            }));
        server.Get(item,
                   rest([&im, show, id_of, project_param, kind](Req req, Res res, const Ctx&) {
                       auto pid = project_param(req, res, nullptr);
                       if (pid)
                           show(res, im.coll(kind.collection), id_of(req, 1), *pid);
                   }));
        // PATCH takes {"<wrapper>": {…}} or the bare attributes (the ERP write-back of
        // origin_id/origin_code is often sent bare).
        server.Patch(
            item, rest([&im, patch, id_of, project_param, kind](Req req, Res res, const Ctx& ctx) {
                rapidjson::Document body;
                if (!parse_body(req, res, body))
                    return;
                auto pid = project_param(req, res, &body);
                if (!pid)
                    return;
                if (!body.HasMember(kind.wrapper)) {
                    rapidjson::Document wrapped(rapidjson::kObjectType);
                    rapidjson::Value attrs(body, wrapped.GetAllocator());
                    attrs.RemoveMember("project_id");
                    wrapped.AddMember(rapidjson::StringRef(kind.wrapper), attrs,
                                      wrapped.GetAllocator());
                    body.Swap(wrapped);
                }
                patch(req, res, im.coll(kind.collection), id_of(req, 1), *pid, body, kind.wrapper,
                      ctx);
            }));
        server.Get(item + "/line_items",
                   rest([&im, id_of, project_param, kind](Req req, Res res, const Ctx&) {
                       auto pid = project_param(req, res, nullptr);
                       if (!pid)
                           return;
                       auto& c = im.coll(kind.collection);
                       auto* r = im.find(c, id_of(req, 1));
                       if (r == nullptr || r->scope != *pid)
                           return error_json(res, 404, "Resource not found");
                       rapidjson::StringBuffer buf;
                       json::Writer w(buf);
                       im.write_line_items(c, *r, w);
                       set_json(res, 200, {buf.GetString(), buf.GetSize()});
                   }));
        server.Patch(
            item + "/line_items/sync",
            rest([&im, id_of, project_param, kind](Req req, Res res, const Ctx& ctx) {
                rapidjson::Document body;
                if (!parse_body(req, res, body))
                    return;
                auto pid = project_param(req, res, &body);
                if (!pid)
                    return;
                auto& c = im.coll(kind.collection);
                auto* r = im.find(c, id_of(req, 1));
                if (r == nullptr || r->scope != *pid)
                    return error_json(res, 404, "Resource not found");
                auto it = body.FindMember("updates");
                if (it == body.MemberEnd() || !it->value.IsArray())
                    return error_json(res, 400, "param is missing or the value is empty: updates");
                if (it->value.Size() > k_max_sync_items)
                    return error_json(
                        res, 400,
                        fmt::format("updates holds {} items; a sync request takes at most {}",
                                    it->value.Size(), k_max_sync_items));
                set_json(res, 200, im.line_items_sync(c, *r, it->value, ctx.client_id));
            }));
    }

    // ---- requisitions (subcontractor invoices) ----
    server.Get("/rest/v1.0/requisitions",
               rest([&im, list, project_param](Req req, Res res, const Ctx&) {
                   auto pid = project_param(req, res, nullptr);
                   if (pid)
                       list(req, res, im.coll("requisitions"), *pid, true);
               }));
    server.Get(R"(/rest/v1\.0/requisitions/(\d+))",
               rest([&im, show, id_of, project_param](Req req, Res res, const Ctx&) {
                   auto pid = project_param(req, res, nullptr);
                   if (pid)
                       show(res, im.coll("requisitions"), id_of(req, 1), *pid);
               }));

    server.Get(R"(/rest/v1\.0/requisitions/(\d+)/detail)",
               rest([&im, id_of, project_param](Req req, Res res, const Ctx&) {
                   auto pid = project_param(req, res, nullptr);
                   if (!pid)
                       return;
                   auto* r = im.find(im.coll("requisitions"), id_of(req, 1));
                   if (r == nullptr || r->scope != *pid) {
                       error_json(res, 404, "Resource not found");
                       return;
                   }
                   set_json(res, 200, im.requisition_detail_json(*r));
               }));
    server.Patch(R"(/rest/v1\.0/requisitions/(\d+))",
                 rest([&im, patch, id_of, project_param](Req req, Res res, const Ctx& ctx) {
                     rapidjson::Document body;
                     if (!parse_body(req, res, body))
                         return;
                     auto pid = project_param(req, res, &body);
                     if (pid)
                         patch(req, res, im.coll("requisitions"), id_of(req, 1), *pid, body,
                               "requisition", ctx);
                 }));

    // ---- direct costs ----
    auto project_in_path = [&im, id_of](Req req, Res res) -> std::optional<std::int64_t> {
        std::int64_t pid = id_of(req, 1);
        if (!im.project_exists(pid)) {
            error_json(res, 404, fmt::format("Project {} not found", pid));
            return std::nullopt;
        }
        return pid;
    };
    server.Get(R"(/rest/v1\.0/projects/(\d+)/direct_costs)",
               rest([&im, list, project_in_path](Req req, Res res, const Ctx&) {
                   if (auto pid = project_in_path(req, res))
                       list(req, res, im.coll("direct_costs"), *pid, true);
               }));
    server.Patch(R"(/rest/v1\.0/projects/(\d+)/direct_costs/sync)",
                 rest([&im, sync, project_in_path](Req req, Res res, const Ctx& ctx) {
                     rapidjson::Document body;
                     auto pid = project_in_path(req, res);
                     if (pid && parse_body(req, res, body))
                         sync(res, im.coll("direct_costs"), *pid, body, nullptr, ctx);
                 }));
    server.Post(R"(/rest/v1\.0/projects/(\d+)/direct_costs)",
                rest([&im, create, project_in_path](Req req, Res res, const Ctx& ctx) {
                    rapidjson::Document body;
                    auto pid = project_in_path(req, res);
                    if (pid && parse_body(req, res, body))
                        create(req, res, im.coll("direct_costs"), *pid, body, "direct_cost", ctx);
                }));
    server.Get(R"(/rest/v1\.0/projects/(\d+)/direct_costs/(\d+))",
               rest([&im, show, id_of, project_in_path](Req req, Res res, const Ctx&) {
                   if (auto pid = project_in_path(req, res))
                       show(res, im.coll("direct_costs"), id_of(req, 2), *pid);
               }));
    server.Get(R"(/rest/v1\.0/projects/(\d+)/direct_costs/(\d+)/line_items)",
               rest([&im, id_of, project_in_path](Req req, Res res, const Ctx&) {
                   auto pid = project_in_path(req, res);
                   if (!pid)
                       return;
                   auto& c = im.coll("direct_costs");
                   auto* r = im.find(c, id_of(req, 2));
                   if (r == nullptr || r->scope != *pid)
                       return error_json(res, 404, "Resource not found");
                   rapidjson::StringBuffer buf;
                   json::Writer w(buf);
                   im.write_line_items(c, *r, w);
                   set_json(res, 200, {buf.GetString(), buf.GetSize()});
               }));
    // Every line of the project's direct costs, paged like a list; filters[updated_at] applies
    // to the line's own updated_at, filters[include_deleted] to its direct cost.
    server.Get(R"(/rest/v1\.0/projects/(\d+)/direct_costs/line_items)",
               rest([&im, project_in_path](Req req, Res res, const Ctx&) {
                   auto pid = project_in_path(req, res);
                   if (!pid)
                       return;
                   ListQuery q;
                   if (!parse_list_query(req, res, q))
                       return;
                   auto& c = im.coll("direct_costs");
                   std::vector<std::pair<const Record*, const RVal*>> hits;
                   for (const auto& [id, r] : c.records) {
                       if (r.scope != *pid || (q.include_deleted.empty() && r.deleted)
                           || (q.include_deleted == "only" && !r.deleted))
                           continue;
                       auto lines = r.obj.FindMember("line_items");
                       if (lines == r.obj.MemberEnd() || !lines->value.IsArray())
                           continue;
                       for (const auto& li : lines->value.GetArray()) {
                           std::int64_t ms = 0;
                           auto at = li.FindMember("updated_at");
                           if (q.updated
                               && (at == li.MemberEnd() || !at->value.IsString()
                                   || !parse_timestamp(at->value.GetString(), ms)
                                   || ms / 1000 * 1000 < q.updated->first
                                   || ms / 1000 * 1000 > q.updated->second))
                               continue;
                           if (!q.ids.empty() && q.ids.count(li["id"].GetInt64()) == 0)
                               continue;
                           hits.emplace_back(&r, &li);
                       }
                   }
                   const auto total = static_cast<std::int64_t>(hits.size());
                   const std::int64_t last =
                       std::max<std::int64_t>(1, (total + q.per_page - 1) / q.per_page);
                   rapidjson::StringBuffer buf;
                   json::Writer w(buf);
                   w.StartArray();
                   const std::int64_t begin = (q.page - 1) * q.per_page;
                   for (std::int64_t i = begin; i < std::min(total, begin + q.per_page); ++i) {
                       const auto& [holder, line] = hits[static_cast<std::size_t>(i)];
                       im.write_line_item(c, *holder, *line, w);
                   }
                   w.EndArray();
                   res.set_header("Total", std::to_string(total));
                   res.set_header("Per-Page", std::to_string(q.per_page));
                   res.set_header("Link", link_header(req, q.page, q.per_page, last));
                   set_json(res, 200, {buf.GetString(), buf.GetSize()});
               }));
    // DELETE: a soft delete; a direct cost synced with an ERP (origin_id) cannot be deleted.
    server.Delete(R"(/rest/v1\.0/projects/(\d+)/direct_costs/(\d+))",
                  rest([&im, id_of, project_in_path](Req req, Res res, const Ctx& ctx) {
                      auto pid = project_in_path(req, res);
                      if (!pid)
                          return;
                      auto& c = im.coll("direct_costs");
                      auto* r = im.find(c, id_of(req, 2));
                      if (r == nullptr || r->scope != *pid)
                          return error_json(res, 404, "Resource not found");
                      auto oid = r->obj.FindMember("origin_id");
                      if (oid != r->obj.MemberEnd() && oid->value.IsString())
                          return set_json(res, 422, field_errors_json({{"base", k_origin_locked}}));
                      im.soft_delete(c, *r, ctx.client_id);
                      res.status = 204;
                  }));
    server.Patch(R"(/rest/v1\.0/projects/(\d+)/direct_costs/(\d+))",
                 rest([&im, patch, id_of, project_in_path](Req req, Res res, const Ctx& ctx) {
                     rapidjson::Document body;
                     auto pid = project_in_path(req, res);
                     if (pid && parse_body(req, res, body))
                         patch(req, res, im.coll("direct_costs"), id_of(req, 2), *pid, body,
                               "direct_cost", ctx);
                 }));

    // ---- commitment change orders ----
    server.Get(R"(/rest/v1\.0/projects/(\d+)/commitment_change_orders)",
               rest([&im, list, project_in_path](Req req, Res res, const Ctx&) {
                   if (auto pid = project_in_path(req, res))
                       list(req, res, im.coll("commitment_change_orders"), *pid, true);
               }));
    server.Get(R"(/rest/v1\.0/projects/(\d+)/commitment_change_orders/(\d+))",
               rest([&im, show, id_of, project_in_path](Req req, Res res, const Ctx&) {
                   if (auto pid = project_in_path(req, res))
                       show(res, im.coll("commitment_change_orders"), id_of(req, 2), *pid);
               }));

    // ---- cost types ----
    server.Get("/rest/v1.0/line_item_types",
               rest([&im, list, company_param](Req req, Res res, const Ctx&) {
                   if (!company_param(req, res, nullptr, true))
                       return;
                   list(req, res, im.coll("line_item_types"), im.options.company_id, false);
               }));

    // ---- contract payments ----
    // As the SDK documents them: project_id and contract_id (the commitment) are required on
    // the list and the create; the create's attributes go under "contract_payment".
    auto contract_of = [&im](Req req, Res res, const rapidjson::Value* body,
                             std::int64_t pid) -> std::optional<std::int64_t> {
        std::optional<std::int64_t> cid;
        if (req.has_param("contract_id"))
            cid = to_int(req.get_param_value("contract_id"));
        else if (body != nullptr)
            cid = json::get_int(*body, "contract_id");
        if (!cid) {
            error_json(res, 400, "param is missing or the value is empty: contract_id");
            return std::nullopt;
        }
        for (const char* kind : {"purchase_order_contracts", "work_order_contracts"})
            if (auto* r = im.find(im.coll(kind), *cid); r != nullptr && r->scope == pid)
                return cid;
        error_json(res, 404, fmt::format("Contract {} not found", *cid));
        return std::nullopt;
    };
    server.Get("/rest/v1.0/contract_payments",
               rest([&im, list, project_param, contract_of](Req req, Res res, const Ctx&) {
                   auto pid = project_param(req, res, nullptr);
                   if (pid && contract_of(req, res, nullptr, *pid))
                       list(req, res, im.coll("contract_payments"), *pid, false);
               }));
    server.Post("/rest/v1.0/contract_payments",
                rest([&im, create, project_param, contract_of](Req req, Res res, const Ctx& ctx) {
                    rapidjson::Document body;
                    if (!parse_body(req, res, body))
                        return;
                    auto pid = project_param(req, res, &body);
                    if (!pid)
                        return;
                    auto cid = contract_of(req, res, &body, *pid);
                    if (!cid)
                        return;
                    if (auto it = body.FindMember("contract_payment");
                        it != body.MemberEnd() && it->value.IsObject()) {
                        it->value.RemoveMember("contract_id");
                        it->value.AddMember("contract_id", *cid, body.GetAllocator());
                    }
                    create(req, res, im.coll("contract_payments"), *pid, body, "contract_payment",
                           ctx);
                }));
    server.Get(R"(/rest/v1\.0/contract_payments/(\d+))",
               rest([&im, show, id_of, project_param](Req req, Res res, const Ctx&) {
                   auto pid = project_param(req, res, nullptr);
                   if (pid)
                       show(res, im.coll("contract_payments"), id_of(req, 1), *pid);
               }));
    server.Patch(R"(/rest/v1\.0/contract_payments/(\d+))",
                 rest([&im, patch, id_of, project_param](Req req, Res res, const Ctx& ctx) {
                     rapidjson::Document body;
                     if (!parse_body(req, res, body))
                         return;
                     auto pid = project_param(req, res, &body);
                     if (pid)
                         patch(req, res, im.coll("contract_payments"), id_of(req, 1), *pid, body,
                               "contract_payment", ctx);
                 }));

    im.mount_webhooks(server);

    // ---- test support ----
    server.Get("/_sim/webhooks/wait", [this](Req req, Res res) {
        std::int64_t ms = 5000;
        if (req.has_param("timeout_ms"))
            ms = to_int(req.get_param_value("timeout_ms")).value_or(5000);
        bool idle = wait_idle(std::chrono::milliseconds(ms));
        set_json(res, idle ? 200 : 504, idle ? R"({"idle":true})" : R"({"idle":false})");
    });

    // The rest of /_sim/ (stats, faults, data, mutate, clock) and the stats/faults hook. Mounting
    // it twice (if Simulators also does) is harmless: the hook is replaced, first routes win.
    mount_admin(server, *this, im.stats, im.faults, im.clock);
}

// ---- admin API (SimSide) ----

std::optional<std::string> ProcoreSim::data_json(const std::string& collection)
{
    if (collection == "hooks")
        return impl_->hooks_json();
    if (collection == "triggers")
        return impl_->triggers_json(std::nullopt);
    if (collection == "deliveries")
        return impl_->deliveries_json(std::nullopt);
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (collection == "companies")
        return fmt::format(R"([{{"id":{},"name":"{}","is_active":true}}])",
                           impl_->options.company_id, impl_->company_name);
    auto it = impl_->collections.find(collection);
    if (it == impl_->collections.end() || collection == "line_items")
        return std::nullopt;
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartArray();
    for (const auto& [id, r] : it->second.records)
        impl_->write_record(it->second, r, w, false);
    w.EndArray();
    return std::string(buf.GetString(), buf.GetSize());
}

// POST /_sim/mutate changes records as a Procore user would in the web UI, so the change
// carries no source_application_id in its webhook. Body:
//   {"op": "create",     "collection": C, "project_id": P (project resources), "fields": {…}}
//   {"op": "update",     "collection": C, "id": N, "fields": {…}}
//   {"op": "delete",     "collection": C, "id": N}   (soft delete: deleted_at, hidden from lists)
//   {"op": "deactivate", "collection": "vendors"|"projects", "id": N}
// (fields may also sit at the top level). C is one of vendors, projects,
// standard_cost_code_lists, standard_cost_codes, cost_codes (full_code, standard_cost_code_id
// and origin_id as given), purchase_order_contracts, work_order_contracts, requisitions,
// direct_costs, commitment_change_orders, contract_payments. Fields are written as given (read-only
// and locked fields too; money is normalized to decimal strings, vendor_id and line_items are
// resolved as on the API). Every op bumps updated_at to the virtual clock and fires the matching
// webhooks. Answers 201/200 {"id": N, "record": {…}}, 400 for a bad body, 404 for an unknown id,
// 422 {"errors": {…}} when the fields fail validation.
std::pair<int, std::string> ProcoreSim::mutate(const std::string& body)
{
    rapidjson::Document d;
    std::string error;
    if (!json::parse(body, d, error) || !d.IsObject())
        return {400, json::object1("error", error.empty() ? "body must be a JSON object" : error)};
    auto op = json::get_string(d, "op").value_or("");
    auto name = json::get_string(d, "collection").value_or("");
    Impl& im = *impl_;
    std::lock_guard<std::mutex> lock(im.mu);
    auto it = im.collections.find(name);
    if (it == im.collections.end() || name == "line_items")
        return {400, json::object1("error", "unknown collection '" + name + "'")};
    Collection& c = it->second;
    // Fields under "fields", or at the top level (minus op, collection, id, project_id).
    rapidjson::Document top(rapidjson::kObjectType);
    for (auto m = d.MemberBegin(); m != d.MemberEnd(); ++m) {
        const std::string_view n(m->name.GetString(), m->name.GetStringLength());
        if (n != "op" && n != "collection" && n != "id" && n != "project_id" && n != "fields")
            top.AddMember(rapidjson::Value(m->name, top.GetAllocator()),
                          rapidjson::Value(m->value, top.GetAllocator()), top.GetAllocator());
    }
    const rapidjson::Value* fields = &top;
    if (d.HasMember("fields")) {
        if (!d["fields"].IsObject())
            return {400, json::object1("error", "fields must be an object")};
        fields = &d["fields"];
    }
    auto answer = [&](int status, std::int64_t id) {
        return std::make_pair(status, fmt::format(R"({{"id":{},"record":{}}})", id,
                                                  im.record_json(c, c.records.at(id))));
    };
    if (op == "create") {
        std::int64_t scope = im.options.company_id;
        if (c.project_scoped) {
            auto pid = json::get_int(d, "project_id");
            if (!pid || !im.project_exists(*pid))
                return {400, json::object1("error", "project_id must name an existing project")};
            scope = *pid;
        }
        FieldErrors errors;
        std::int64_t id = im.create(c, scope, *fields, errors, true);
        if (id == 0)
            return {422, field_errors_json(errors)};
        im.fire(c, "create", id, scope, std::nullopt);
        return answer(201, id);
    }
    auto id = json::get_int(d, "id");
    if (!id)
        return {400, json::object1("error", "id is required for op '" + op + "'")};
    Record* r = im.find(c, *id);
    if (r == nullptr)
        return {404, json::object1("error", fmt::format("{} {} not found", name, *id))};
    if (op == "update" || op == "deactivate") {
        rapidjson::Document attrs(rapidjson::kObjectType);
        if (op == "deactivate") {
            const char* flag = name == "vendors"    ? "is_active"
                               : name == "projects" ? "active"
                                                    : nullptr;
            if (flag == nullptr)
                return {400, json::object1("error", "deactivate applies to vendors and projects")};
            attrs.AddMember(rapidjson::StringRef(flag), false, attrs.GetAllocator());
            fields = &attrs;
        }
        FieldErrors errors;
        if (!im.update(c, *r, *fields, errors, true))
            return {422, field_errors_json(errors)};
        im.fire(c, "update", *id, r->scope, std::nullopt);
        return answer(200, *id);
    }
    if (op == "delete") {
        im.soft_delete(c, *r, std::nullopt);
        return answer(200, *id);
    }
    return {400, json::object1("error", "op must be create, update, delete or deactivate")};
}

} // namespace mlc::sim
