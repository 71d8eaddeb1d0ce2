#include "http/client.hpp"

#include "core/json.hpp"
#include "core/log.hpp"
#include "core/stop.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

namespace mlc::http {

// ---------------------------------------------------------------------------------------------
// CallCounter

void CallCounter::count(const std::string& method, const std::string& path_template)
{
    std::lock_guard lock(mutex_);
    ++counts_[method + " " + path_template];
}

void CallCounter::count_outcome(const std::string& method, const std::string& path_template,
                                const std::string& outcome)
{
    std::lock_guard lock(mutex_);
    ++outcomes_[{method + " " + path_template, outcome}];
}

std::map<std::pair<std::string, std::string>, std::int64_t> CallCounter::outcomes() const
{
    std::lock_guard lock(mutex_);
    return outcomes_;
}

std::map<std::string, std::int64_t> CallCounter::snapshot() const
{
    std::lock_guard lock(mutex_);
    return counts_;
}

std::int64_t CallCounter::total() const
{
    std::lock_guard lock(mutex_);
    std::int64_t sum = 0;
    for (const auto& [key, n] : counts_) {
        sum += n;
    }
    return sum;
}

// ---------------------------------------------------------------------------------------------
// Helpers

namespace {

bool all_digits(std::string_view s)
{
    return !s.empty()
           && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Oracle addresses some items by a long hexadecimal key ("00020000000EACED0005770800…");
// counted like a numeric id so the summary does not get one line per record.
bool is_item_key(std::string_view s)
{
    return s.size() >= 20
           && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c); });
}

std::optional<std::int64_t> parse_int(std::string_view text)
{
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

// IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (the form RFC 9110 says senders use).
std::optional<Clock::time_point> parse_http_date(const std::string& text)
{
    char weekday[4] = {};
    char month_name[4] = {};
    int day = 0, year = 0, hour = 0, minute = 0, second = 0;
    char zone[4] = {};
    if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", weekday, &day, month_name, &year,
                    &hour, &minute, &second, zone)
        != 8) {
        return std::nullopt;
    }
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    unsigned month = 0;
    for (unsigned i = 0; i < 12; ++i) {
        if (std::string_view(month_name) == months[i]) {
            month = i + 1;
        }
    }
    if (month == 0 || std::string_view(zone) != "GMT" || day < 1 || day > 31 || hour > 23
        || minute > 59 || second > 60) {
        return std::nullopt;
    }
    using namespace std::chrono;
    const year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                             std::chrono::day{static_cast<unsigned>(day)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return time_point_cast<system_clock::duration>(sys_days{ymd} + hours{hour} + minutes{minute}
                                                   + seconds{second});
}

bool is_retriable_status(int status)
{
    // 500 too: Oracle's own guidance retries it, and a GET (or any idempotent request) is
    // safe to repeat; a non-idempotent one is not resent (below) and goes through the outbox's
    // lookup instead.
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::string collapse_whitespace(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    bool space = false;
    for (const char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = !out.empty();
        } else {
            if (space) {
                out += ' ';
                space = false;
            }
            out += c;
        }
    }
    return out;
}

std::string strip_tags(std::string_view html)
{
    std::string out;
    bool in_tag = false;
    for (const char c : html) {
        if (c == '<') {
            in_tag = true;
            out += ' ';
        } else if (c == '>') {
            in_tag = false;
        } else if (!in_tag) {
            out += c;
        }
    }
    return out;
}

std::string truncate_utf8(std::string text, std::size_t max_len)
{
    if (text.size() <= max_len) {
        return text;
    }
    std::size_t cut = max_len;
    // Never split a UTF-8 sequence: back up over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    text.resize(cut);
    return text + "...";
}

// The member's text, or "" when it is absent or not a string.
std::string string_member(const json::Value& object, const char* name)
{
    return json::get_string(object, name).value_or("");
}

std::string describe_value(const json::Value& value);

// {"name": ["can't be blank"], "code": "taken"} -> "name: can't be blank; code: taken"
std::string describe_errors(const json::Value& errors)
{
    std::vector<std::string> parts;
    if (errors.IsObject()) {
        for (const auto& member : errors.GetObject()) {
            parts.push_back(std::string(member.name.GetString()) + ": "
                            + describe_value(member.value));
        }
    } else if (errors.IsArray()) {
        for (const auto& item : errors.GetArray()) {
            parts.push_back(describe_value(item));
        }
    } else {
        parts.push_back(describe_value(errors));
    }
    std::string out;
    for (const auto& part : parts) {
        if (!part.empty()) {
            out += (out.empty() ? "" : "; ") + part;
        }
    }
    return out;
}

std::string describe_value(const json::Value& value)
{
    if (value.IsString()) {
        return std::string(value.GetString(), value.GetStringLength());
    }
    if (value.IsArray()) {
        std::string out;
        for (const auto& item : value.GetArray()) {
            const std::string text = describe_value(item);
            if (!text.empty()) {
                out += (out.empty() ? "" : ", ") + text;
            }
        }
        return out;
    }
    if (value.IsObject()) {
        for (const char* key : {"message", "detail", "error_description", "error"}) {
            std::string text = string_member(value, key);
            if (!text.empty()) {
                return text;
            }
        }
    }
    return json::to_string(value);
}

std::string summarize_json(const json::Value& doc)
{
    std::vector<std::string> parts;
    auto push = [&](std::string text) {
        text = collapse_whitespace(text);
        if (!text.empty() && std::find(parts.begin(), parts.end(), text) == parts.end()) {
            parts.push_back(std::move(text));
        }
    };
    push(string_member(doc, "message"));
    push(string_member(doc, "title"));
    const std::string error = string_member(doc, "error");
    const std::string description = string_member(doc, "error_description");
    if (!error.empty() && !description.empty()) {
        push(error + ": " + description);
    } else {
        push(error.empty() ? description : error);
    }
    if (const auto* nested = json::find(doc, "error"); nested != nullptr && nested->IsObject()) {
        push(describe_value(*nested));
    }
    if (const auto* errors = json::find(doc, "errors")) {
        push(describe_errors(*errors));
    }
    if (const auto* details = json::find(doc, "o:errorDetails");
        details != nullptr && details->IsArray()) {
        for (const auto& detail : details->GetArray()) {
            if (detail.IsObject()) {
                push(string_member(detail, "detail"));
            }
        }
    }
    push(string_member(doc, "detail"));
    push(string_member(doc, "reason"));
    std::string out;
    for (const auto& part : parts) {
        out += (out.empty() ? "" : ": ") + part;
    }
    return out.empty() ? json::to_string(doc) : out;
}

std::string derive_template_from_path(std::string_view path)
{
    std::string out;
    std::size_t pos = 0;
    while (pos < path.size()) {
        const std::size_t slash = path.find('/', pos);
        const std::string_view segment = path.substr(
            pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
        out += all_digits(segment) || is_item_key(segment) ? std::string("{id}")
                                                           : std::string(segment);
        if (slash == std::string_view::npos) {
            break;
        }
        out += '/';
        pos = slash + 1;
    }
    return out;
}

std::string header_lines_for_log(const Headers& headers)
{
    std::string out;
    for (const auto& [name, value] : headers.items) {
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        // Credentials are never formatted at all; redact() is the second line of defence.
        const bool sensitive = lower == "authorization" || lower == "cookie"
                               || lower == "set-cookie" || lower.find("token") != std::string::npos
                               || lower.find("secret") != std::string::npos;
        out += fmt::format("\n  {}: {}", name, sensitive ? "***" : value);
    }
    return out;
}

} // namespace

std::string derive_path_template(std::string_view url)
{
    std::string_view rest = url;
    if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
        rest.remove_prefix(scheme + 3);
        const auto slash = rest.find('/');
        rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
    }
    if (const auto q = rest.find_first_of("?#"); q != std::string_view::npos) {
        rest = rest.substr(0, q);
    }
    if (rest.empty()) {
        rest = "/";
    }
    return derive_template_from_path(rest);
}

std::string summarize_error_body(const std::string& body, std::size_t max_len)
{
    std::string summary;
    const auto doc = json::parse(body);
    if (doc && doc->IsObject()) {
        summary = summarize_json(*doc);
    } else if (doc && doc->IsArray()) {
        summary = collapse_whitespace(describe_errors(*doc));
    } else if (doc && doc->IsString()) {
        summary = collapse_whitespace(std::string(doc->GetString(), doc->GetStringLength()));
    } else {
        const bool looks_html =
            body.find('<') != std::string::npos && body.find('>') != std::string::npos;
        summary = collapse_whitespace(looks_html ? strip_tags(body) : body);
    }
    return truncate_utf8(std::move(summary), max_len);
}

std::string url_encode(std::string_view text)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0x0F];
        }
    }
    return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields)
{
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) {
            out += '&';
        }
        out += url_encode(name);
        out += '=';
        out += url_encode(value);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Client

Client::Client(Transport& transport, Authenticator* auth, CallCounter& counter, Clock& clock,
               ClientOptions options)
    : transport_(transport), auth_(auth), counter_(counter), clock_(clock),
      options_(std::move(options)), rng_(std::random_device{}())
{}

std::chrono::milliseconds Client::backoff(int attempt, const Response* response)
{
    using namespace std::chrono;
    const milliseconds cap = std::max(options_.retry.max_delay, milliseconds{0});
    auto capped = [&](milliseconds wanted, const char* why) {
        if (wanted > cap) {
            log::warn("{}: server asked to wait {} ms ({}), waiting the {} ms cap instead",
                      options_.system, wanted.count(), why, cap.count());
            return cap;
        }
        return std::max(wanted, milliseconds{0});
    };
    if (response != nullptr) {
        if (const auto retry_after = response->headers.get("Retry-After")) {
            if (const auto secs = parse_int(*retry_after); secs && *secs >= 0) {
                return capped(seconds{*secs}, "Retry-After");
            }
            if (const auto when = parse_http_date(*retry_after)) {
                return capped(duration_cast<milliseconds>(*when - clock_.now()),
                              "Retry-After date");
            }
        }
        if (response->status == 429) {
            if (const auto reset = response->headers.get("X-Rate-Limit-Reset")) {
                if (const auto epoch = parse_int(*reset)) {
                    const auto wait = duration_cast<milliseconds>(Clock::time_point{seconds{*epoch}}
                                                                  - clock_.now());
                    if (wait > milliseconds{0}) {
                        return capped(wait, "X-Rate-Limit-Reset");
                    }
                }
            }
        }
    }
    // Full jitter over a capped exponential: random(0, min(cap, base * 2^(attempt-1))).
    const int shift = std::clamp(attempt - 1, 0, 30);
    const auto base = std::max(options_.retry.base_delay, milliseconds{0});
    const std::int64_t exp =
        base.count() > (cap.count() >> shift) ? cap.count() : base.count() << shift;
    const std::int64_t ceiling = std::min<std::int64_t>(cap.count(), exp);
    std::uniform_int_distribution<std::int64_t> dist(0, std::max<std::int64_t>(ceiling, 0));
    return milliseconds{dist(rng_)};
}

namespace {

void record_rate_limit(const Response& response, RateLimit& rate_limit)
{
    if (const auto v = response.headers.get("X-Rate-Limit-Limit")) {
        if (const auto n = parse_int(*v)) {
            rate_limit.limit = *n;
        }
    }
    if (const auto v = response.headers.get("X-Rate-Limit-Remaining")) {
        if (const auto n = parse_int(*v)) {
            rate_limit.remaining = *n;
        }
    }
    if (const auto v = response.headers.get("X-Rate-Limit-Reset")) {
        if (const auto n = parse_int(*v)) {
            rate_limit.reset_epoch = *n;
        }
    }
}

} // namespace

Result Client::send(Request request, const CallOptions& options)
{
    const std::string path_template =
        options.path_template.empty() ? derive_path_template(request.url) : options.path_template;
    const bool idempotent =
        request.method == "GET" || request.method == "HEAD" || options.idempotent;
    for (const auto& [name, value] : options_.default_headers.items) {
        if (!request.headers.get(name)) {
            request.headers.add(name, value);
        }
    }
    const int max_attempts = std::max(1, options_.retry.max_attempts);
    bool refreshed = false;
    int attempts = 0; // every request put on the wire
    int retries = 0;  // retries for transport errors / retriable statuses (401 not included)
    for (;;) {
        // A pass asked to stop puts nothing more on the wire (core/stop.hpp).
        stop::check();
        ++attempts;
        if (auth_ != nullptr) {
            auth_->apply(request);
        }
        counter_.count(request.method, path_template);
        if (log::enabled(log::Level::trace)) {
            log::trace("{} > {} {}{}\n{}", options_.system, request.method, request.url,
                       header_lines_for_log(request.headers), request.body);
        }
        const auto started = std::chrono::steady_clock::now();
        Outcome outcome = transport_.perform(request);
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();

        if (auto* failure = std::get_if<TransportError>(&outcome)) {
            counter_.count_outcome(request.method, path_template, "transport");
            log::debug("{} {} {} -> {} error: {} ({} ms, attempt {})", options_.system,
                       request.method, request.url, to_string(failure->kind), failure->message, ms,
                       attempts);
            // A non-idempotent write may have reached the server before the connection broke:
            // resending could apply it twice, so the caller gets the error and decides.
            if (idempotent && retries + 1 < max_attempts) {
                ++retries;
                const auto delay = backoff(retries, nullptr);
                log::debug("{}: retrying {} {} in {} ms", options_.system, request.method,
                           path_template, delay.count());
                clock_.sleep_for(delay);
                continue;
            }
            return std::unexpected(
                Error{ErrorKind::transport,
                      0,
                      log::redact(std::string(to_string(failure->kind)) + ": " + failure->message),
                      {},
                      attempts,
                      failure->kind});
        }

        Response& response = std::get<Response>(outcome);
        record_rate_limit(response, rate_limit_);
        counter_.count_outcome(request.method, path_template, std::to_string(response.status));
        log::debug("{} {} {} -> {} ({} ms, attempt {})", options_.system, request.method,
                   request.url, response.status, ms, attempts);
        if (log::enabled(log::Level::trace)) {
            log::trace("{} < {}{}\n{}", options_.system, response.status,
                       header_lines_for_log(response.headers), response.body);
        }

        if (response.status >= 200 && response.status < 300) {
            return std::move(response);
        }
        if (response.status == 401) {
            // A 401 means the request was not applied, so even a POST may be resent once.
            if (auth_ != nullptr && !refreshed) {
                refreshed = true;
                log::debug("{}: 401 on {} {}, refreshing the token and retrying once",
                           options_.system, request.method, path_template);
                auth_->refresh();
                continue;
            }
            return std::unexpected(Error{ErrorKind::unauthorized, 401,
                                         log::redact(summarize_error_body(response.body)),
                                         log::redact(response.body), attempts});
        }
        // 429 and 503 mean the server refused before doing anything (throttled, overloaded or
        // in maintenance: Procore answers 503 with Retry-After under load), so they are safe
        // for any method; another 5xx may have been applied, so only idempotent requests are
        // resent.
        const bool may_retry = response.status == 429 || response.status == 503 || idempotent;
        if (is_retriable_status(response.status) && may_retry && retries + 1 < max_attempts) {
            ++retries;
            const auto delay = backoff(retries, &response);
            log::debug("{}: HTTP {} on {} {}, retrying in {} ms", options_.system, response.status,
                       request.method, path_template, delay.count());
            clock_.sleep_for(delay);
            continue;
        }
        return std::unexpected(Error{ErrorKind::status, response.status,
                                     log::redact(summarize_error_body(response.body)),
                                     log::redact(response.body), attempts});
    }
}

Error shape_error(int status, const std::string& what)
{
    return Error{.kind = ErrorKind::shape,
                 .status = status,
                 .message = "unexpected response: " + what,
                 .body = {},
                 .attempts = 1,
                 .transport = TransportErrorKind::other};
}

} // namespace mlc::http
