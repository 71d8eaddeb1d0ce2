#include "core/log.hpp"

#include "core/clock.hpp"
#include "core/json_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <regex>
#include <vector>

namespace mlc::log {
namespace {

struct State {
    std::mutex mutex;
    Level level = Level::info;
    Format format = Format::text;
    std::vector<std::string> secrets;
};

State& state()
{
    static State s;
    return s;
}

const char* level_name(Level l)
{
    switch (l) {
    case Level::trace:
        return "trace";
    case Level::debug:
        return "debug";
    case Level::info:
        return "info";
    case Level::warn:
        return "warn";
    case Level::error:
        return "error";
    case Level::off:
        break;
    }
    return "off";
}

} // namespace

void configure(Level level, Format format)
{
    std::lock_guard lock(state().mutex);
    state().level = level;
    state().format = format;
}

Level level()
{
    std::lock_guard lock(state().mutex);
    return state().level;
}

bool enabled(Level l)
{
    std::lock_guard lock(state().mutex);
    return l >= state().level && l != Level::off;
}

void register_secret(std::string_view value)
{
    if (value.size() < 4) {
        return;
    }
    std::lock_guard lock(state().mutex);
    auto& secrets = state().secrets;
    if (std::find(secrets.begin(), secrets.end(), value) == secrets.end()) {
        secrets.emplace_back(value);
        // Longest first, so a secret containing another is replaced whole.
        std::sort(secrets.begin(), secrets.end(),
                  [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    }
}

std::string redact(std::string_view text)
{
    static const std::regex patterns[] = {
        // Authorization: Bearer xyz / Basic xyz (headers, curl traces)
        std::regex(R"((authorization\s*[:=]\s*"?)(bearer|basic)?\s*[^\s",;]+)", std::regex::icase),
        // JSON fields: "access_token":"…", "client_secret": "…", "password": "…"
        std::regex(
            R"dl(("(access_token|refresh_token|client_secret|secret|password|token)"\s*:\s*")[^"]*)dl",
            std::regex::icase),
        // form / query fields: client_secret=…&
        std::regex(R"(((access_token|refresh_token|client_secret|password)=)[^&\s"]*)",
                   std::regex::icase),
        // Webhook hooks: Procore echoes destination_headers (the webhook secret, possibly one
        // being rotated away and not registered) when hooks are listed.
        std::regex(R"dl(("destination_headers"\s*:\s*\{)[^}]*)dl", std::regex::icase),
    };
    std::string out(text);
    out = std::regex_replace(out, patterns[0], "$1$2 ***");
    out = std::regex_replace(out, patterns[1], "$1***");
    out = std::regex_replace(out, patterns[2], "$1***");
    out = std::regex_replace(out, patterns[3], "$1***");
    std::vector<std::string> secrets;
    {
        std::lock_guard lock(state().mutex);
        secrets = state().secrets;
    }
    for (const auto& secret : secrets) {
        for (std::size_t pos = out.find(secret); pos != std::string::npos;
             pos = out.find(secret, pos + 3)) {
            out.replace(pos, secret.size(), "***");
        }
    }
    return out;
}

void write(Level l, std::string_view message)
{
    const std::string clean = redact(message);
    const std::string when = format_iso8601(system_clock().now());
    std::string line;
    Format format;
    {
        std::lock_guard lock(state().mutex);
        format = state().format;
    }
    if (format == Format::json) {
        line = fmt::format(R"({{"ts":"{}","level":"{}","msg":{}}})", when, level_name(l),
                           json::quote(clean));
    } else {
        line = fmt::format("{} {:<5} {}", when, level_name(l), clean);
    }
    line += '\n';
    std::lock_guard lock(state().mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace mlc::log
