#include "sim_core.hpp"

#include "json_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace mlc::sim {

// ---------------------------------------------------------------------------------------
// VirtualClock

std::int64_t VirtualClock::now_ms() const
{
    auto real = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    return static_cast<std::int64_t>(real) + offset_ms_.load();
}

void VirtualClock::advance_seconds(std::int64_t seconds)
{
    offset_ms_ += seconds * 1000;
}

// ---------------------------------------------------------------------------------------
// Stats

namespace {

bool is_id_segment(std::string_view seg)
{
    if (seg.empty())
        return false;
    bool all_digits = std::all_of(seg.begin(), seg.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    if (all_digits)
        return true;
    // Oracle item keys (the invoice hash key in the self link) are long hex strings.
    bool hex = seg.size() >= 16 && std::all_of(seg.begin(), seg.end(), [](char c) {
                   return std::isxdigit(static_cast<unsigned char>(c)) != 0;
               });
    bool has_digit = std::any_of(seg.begin(), seg.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
    return hex && has_digit;
}

} // namespace

std::string path_template(const std::string& path)
{
    std::string out;
    out.reserve(path.size());
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            out.push_back('/');
            ++i;
            continue;
        }
        auto end = path.find('/', i);
        if (end == std::string::npos)
            end = path.size();
        std::string_view seg(path.data() + i, end - i);
        if (is_id_segment(seg))
            out += "{id}";
        else
            out.append(seg);
        i = end;
    }
    return out;
}

void Stats::record(const std::string& method, const std::string& path)
{
    auto tpl = path_template(path);
    std::lock_guard lock(mutex_);
    for (auto& [m, p, n] : rows_) {
        if (m == method && p == tpl) {
            ++n;
            return;
        }
    }
    rows_.emplace_back(method, tpl, 1);
}

std::string Stats::to_json() const
{
    std::lock_guard lock(mutex_);
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    std::int64_t total = 0;
    for (const auto& row : rows_)
        total += std::get<2>(row);
    w.StartObject();
    w.Key("total");
    w.Int64(total);
    w.Key("requests");
    w.StartArray();
    for (const auto& [m, p, n] : rows_) {
        w.StartObject();
        w.Key("method");
        json::write_string(w, m);
        w.Key("path");
        json::write_string(w, p);
        w.Key("count");
        w.Int64(n);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
}

void Stats::reset()
{
    std::lock_guard lock(mutex_);
    rows_.clear();
}

std::int64_t Stats::count(const std::string& method, const std::string& tpl) const
{
    std::lock_guard lock(mutex_);
    for (const auto& [m, p, n] : rows_)
        if (m == method && p == tpl)
            return n;
    return 0;
}

// ---------------------------------------------------------------------------------------
// Faults

std::string Faults::add_json(const std::string& body)
{
    rapidjson::Document doc;
    std::string error;
    if (!json::parse(body, doc, error))
        return error;
    if (!doc.IsObject())
        return "fault must be a JSON object";
    Fault f;
    auto path = json::get_string(doc, "path");
    if (!path)
        return "fault.path (regex string) is required";
    f.path = *path;
    try {
        f.compiled = std::regex(f.path, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        return std::string("fault.path is not a valid regex: ") + e.what();
    }
    f.method = json::get_string(doc, "method").value_or("");
    f.status = static_cast<int>(json::get_int(doc, "status").value_or(0));
    f.count = static_cast<int>(json::get_int(doc, "count").value_or(1));
    f.retry_after = static_cast<int>(json::get_int(doc, "retry_after").value_or(-1));
    f.delay_ms = static_cast<int>(json::get_int(doc, "delay_ms").value_or(0));
    f.drop = json::get_bool(doc, "drop").value_or(false);
    f.truncate = json::get_bool(doc, "truncate").value_or(false);
    if (f.status != 0 && (f.status < 100 || f.status > 599))
        return "fault.status must be 100..599";
    if (f.count == 0)
        return "fault.count must be positive or -1 (forever)";
    if (f.status == 0 && f.delay_ms == 0 && !f.drop && !f.truncate)
        return "fault needs at least one of status, delay_ms, drop, truncate";
    std::lock_guard lock(mutex_);
    faults_.push_back(std::move(f));
    return {};
}

void Faults::clear()
{
    std::lock_guard lock(mutex_);
    faults_.clear();
}

std::optional<Fault> Faults::take(const std::string& method, const std::string& path)
{
    std::lock_guard lock(mutex_);
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
        if (!it->method.empty() && it->method != method)
            continue;
        if (!std::regex_search(path, it->compiled))
            continue;
        Fault taken = *it;
        if (it->count > 0 && --it->count == 0)
            faults_.erase(it);
        return taken;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------
// Admin API

namespace {

constexpr const char* k_fault_header = "X-Sim-Fault";

const char* reason_text(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Simulated fault";
    }
}

void json_reply(httplib::Response& res, int status, const std::string& body)
{
    res.status = status;
    res.set_content(body, "application/json");
}

} // namespace

void mount_admin(httplib::Server& server, SimSide& side, Stats& stats, Faults& faults,
                 VirtualClock& clock)
{
    server.set_pre_routing_handler([&stats, &faults](const httplib::Request& req,
                                                     httplib::Response& res) {
        if (req.path.rfind("/_sim/", 0) == 0)
            return httplib::Server::HandlerResponse::Unhandled;
        stats.record(req.method, req.path);
        auto fault = faults.take(req.method, req.path);
        if (!fault)
            return httplib::Server::HandlerResponse::Unhandled;
        if (fault->delay_ms > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(fault->delay_ms));
        // drop/truncate happen after the handler produced the real body (post-routing).
        if (fault->drop)
            res.set_header(k_fault_header, "drop");
        else if (fault->truncate)
            res.set_header(k_fault_header, "truncate");
        if (fault->status == 0)
            return httplib::Server::HandlerResponse::Unhandled;
        res.status = fault->status;
        if (fault->retry_after >= 0)
            res.set_header("Retry-After", std::to_string(fault->retry_after));
        res.set_content(fmt::format("{} (simulated)", reason_text(fault->status)), "text/plain");
        // httplib runs this hook before it reads the request body: an unread body (a PATCH or
        // POST) would be parsed as the next request on this keep-alive connection. Closing it
        // makes the client reconnect cleanly.
        res.set_header("Connection", "close");
        return httplib::Server::HandlerResponse::Handled;
    });

    server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
        if (!res.has_header(k_fault_header))
            return;
        const bool drop = res.get_header_value(k_fault_header) == "drop";
        res.headers.erase(k_fault_header);
        auto body = std::make_shared<std::string>(std::move(res.body));
        res.body.clear();
        if (body->empty())
            *body = "{\"padding\":\"the connection closes before this body\"}";
        const std::size_t full = body->size();
        const std::size_t send = drop ? 0 : full / 2;
        std::string content_type = res.get_header_value("Content-Type");
        if (content_type.empty())
            content_type = "text/plain";
        res.headers.erase("Content-Type");
        res.headers.erase("Content-Length");
        res.set_header("Content-Length", std::to_string(full));
        // Returning false from the provider makes httplib abort the write and close the
        // socket: the client sees a short body (or none), like a dropped connection.
        res.set_content_provider(
            full, content_type,
            [body, send](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                if (offset < send)
                    sink.write(body->data() + offset, send - offset);
                return false;
            });
    });

    server.Get("/_sim/stats", [&stats](const httplib::Request&, httplib::Response& res) {
        json_reply(res, 200, stats.to_json());
    });
    server.Post("/_sim/stats/reset", [&stats](const httplib::Request&, httplib::Response& res) {
        stats.reset();
        json_reply(res, 200, R"({"reset":true})");
    });
    server.Get(R"(/_sim/data/([A-Za-z0-9_]+))", [&side](const httplib::Request& req,
                                                        httplib::Response& res) {
        auto data = side.data_json(req.matches[1].str());
        if (!data) {
            json_reply(res, 404,
                       json::object1("error", "unknown collection " + req.matches[1].str()));
            return;
        }
        json_reply(res, 200, *data);
    });
    server.Post("/_sim/faults", [&faults](const httplib::Request& req, httplib::Response& res) {
        auto error = faults.add_json(req.body);
        if (!error.empty()) {
            json_reply(res, 400, json::object1("error", error));
            return;
        }
        json_reply(res, 201, R"({"added":true})");
    });
    server.Delete("/_sim/faults", [&faults](const httplib::Request&, httplib::Response& res) {
        faults.clear();
        json_reply(res, 200, R"({"cleared":true})");
    });
    server.Post("/_sim/mutate", [&side](const httplib::Request& req, httplib::Response& res) {
        auto [status, body] = side.mutate(req.body);
        json_reply(res, status, body);
    });
    auto clock_body = [&clock] {
        auto now = clock.now_ms();
        rapidjson::StringBuffer buf;
        json::Writer w(buf);
        w.StartObject();
        w.Key("now_ms");
        w.Int64(now);
        w.Key("oracle");
        json::write_string(w, oracle_timestamp(now));
        w.Key("procore");
        json::write_string(w, procore_timestamp(now));
        w.EndObject();
        return std::string(buf.GetString(), buf.GetSize());
    };
    server.Get("/_sim/clock", [clock_body](const httplib::Request&, httplib::Response& res) {
        json_reply(res, 200, clock_body());
    });
    server.Post(
        "/_sim/clock", [&clock, clock_body](const httplib::Request& req, httplib::Response& res) {
            rapidjson::Document doc;
            std::string error;
            if (!json::parse(req.body, doc, error)) {
                json_reply(res, 400, json::object1("error", error));
                return;
            }
            auto seconds = json::get_int(doc, "advance_seconds");
            if (!seconds || *seconds < 0) {
                json_reply(
                    res, 400,
                    json::object1("error", "advance_seconds (non-negative integer) is required"));
                return;
            }
            clock.advance_seconds(*seconds);
            json_reply(res, 200, clock_body());
        });
}

// ---------------------------------------------------------------------------------------
// Listener

Listener::Listener() : server_(std::make_unique<httplib::Server>())
{
    // Keep-alive clients each hold a worker; give both sides room for several at once.
    server_->new_task_queue = [] { return new httplib::ThreadPool(16); };
    // Without TCP_NODELAY every small response waits ~40 ms for the client's delayed ACK
    // (Nagle), which would make the simulator, not the client, the bottleneck.
    server_->set_tcp_nodelay(true);
}

Listener::~Listener()
{
    stop();
}

void Listener::start(const std::string& bind, int port)
{
    bind_ = bind;
    if (port == 0) {
        port_ = server_->bind_to_any_port(bind);
    } else {
        port_ = server_->bind_to_port(bind, port) ? port : -1;
    }
    if (port_ <= 0)
        throw std::runtime_error(fmt::format("cannot listen on {}:{}", bind, port));
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    // The socket already listens (connections queue in the backlog); wait for the accept loop
    // so that stop() is effective from here on.
    while (!server_->is_running())
        std::this_thread::yield();
}

void Listener::stop()
{
    if (!thread_.joinable())
        return;
    server_->stop();
    thread_.join();
}

std::string Listener::url() const
{
    std::string host = (bind_.empty() || bind_ == "0.0.0.0") ? "127.0.0.1" : bind_;
    return fmt::format("http://{}:{}", host, port_);
}

// ---------------------------------------------------------------------------------------
// Rng

std::uint64_t Rng::next()
{
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::int64_t Rng::between(std::int64_t lo, std::int64_t hi)
{
    if (hi <= lo)
        return lo;
    auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(next() % span);
}

// ---------------------------------------------------------------------------------------
// Timestamps (civil-from-days after H. Hinnant, proleptic Gregorian, UTC)

namespace {

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t y;
    unsigned m, d;
};

Civil civil_from_days(std::int64_t z)
{
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

struct Split {
    Civil date;
    int h, mi, s, ms;
};

Split split_epoch_ms(std::int64_t epoch_ms)
{
    std::int64_t days = epoch_ms / 86400000;
    std::int64_t rem = epoch_ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        --days;
    }
    return {civil_from_days(days), static_cast<int>(rem / 3600000),
            static_cast<int>(rem / 60000 % 60), static_cast<int>(rem / 1000 % 60),
            static_cast<int>(rem % 1000)};
}

bool read_int(const std::string& t, std::size_t& i, std::size_t digits, int& out)
{
    if (i + digits > t.size())
        return false;
    int v = 0;
    for (std::size_t k = 0; k < digits; ++k) {
        char c = t[i + k];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    i += digits;
    out = v;
    return true;
}

} // namespace

std::string oracle_timestamp(std::int64_t epoch_ms)
{
    auto p = split_epoch_ms(epoch_ms);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}+00:00", p.date.y, p.date.m,
                       p.date.d, p.h, p.mi, p.s, p.ms);
}

std::string procore_timestamp(std::int64_t epoch_ms)
{
    auto p = split_epoch_ms(epoch_ms);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", p.date.y, p.date.m, p.date.d, p.h,
                       p.mi, p.s);
}

bool parse_timestamp(const std::string& t, std::int64_t& epoch_ms)
{
    std::size_t i = 0;
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
    if (!read_int(t, i, 4, y) || i >= t.size() || (t[i] != '-' && t[i] != '/'))
        return false;
    const char sep = t[i++];
    if (!read_int(t, i, 2, mo) || i >= t.size() || t[i++] != sep || !read_int(t, i, 2, d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return false;
    std::int64_t offset_min = 0;
    if (i < t.size()) {
        if (t[i] != 'T' && t[i] != ' ')
            return false;
        ++i;
        if (!read_int(t, i, 2, h) || i >= t.size() || t[i++] != ':' || !read_int(t, i, 2, mi))
            return false;
        if (i < t.size() && t[i] == ':') {
            ++i;
            if (!read_int(t, i, 2, s))
                return false;
            if (i < t.size() && t[i] == '.') {
                ++i;
                std::size_t start = i;
                int frac = 0;
                int scale = 1;
                while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) {
                    if (i - start < 3) {
                        frac = frac * 10 + (t[i] - '0');
                        scale *= 10;
                    }
                    ++i;
                }
                if (i == start)
                    return false;
                ms = frac * (1000 / scale);
            }
        }
        if (h > 23 || mi > 59 || s > 60)
            return false;
        if (i < t.size()) {
            if (t[i] == 'Z') {
                ++i;
            } else if (t[i] == '+' || t[i] == '-') {
                const int sign = t[i] == '-' ? -1 : 1;
                ++i;
                int oh = 0, om = 0;
                if (!read_int(t, i, 2, oh))
                    return false;
                if (i < t.size() && t[i] == ':')
                    ++i;
                if (!read_int(t, i, 2, om))
                    return false;
                offset_min = sign * (oh * 60 + om);
            } else {
                return false;
            }
        }
        if (i != t.size())
            return false;
    }
    const auto days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    epoch_ms =
        days * 86400000 + (h * 3600000LL) + (mi * 60000LL) + s * 1000LL + ms - offset_min * 60000;
    return true;
}

} // namespace mlc::sim
