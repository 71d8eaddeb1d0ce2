#include "core/log.hpp"

#include "core/clock.hpp"
#include "core/json_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <regex>
#include <vector>

namespace mlc::log {
namespace {

struct State {
    std::mutex mutex;
    Level level = Level::info;
    Format format = Format::text;
    bool journal = false; // stderr is the journal: lines carry the sd-daemon priority
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
    const bool journal = is_journal_stream(std::getenv("JOURNAL_STREAM"), STDERR_FILENO);
    std::lock_guard lock(state().mutex);
    state().level = level;
    state().format = format;
    state().journal = journal;
}

bool is_journal_stream(const char* journal_stream, int fd)
{
    if (journal_stream == nullptr) {
        return false;
    }
    const std::string_view text(journal_stream);
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    // Both numbers in decimal, as systemd writes them (exec_context: "%lu:%lu").
    const auto parse = [](std::string_view part, unsigned long long& out) {
        const auto* end = part.data() + part.size();
        const auto [ptr, ec] = std::from_chars(part.data(), end, out);
        return !part.empty() && ec == std::errc{} && ptr == end;
    };
    unsigned long long dev = 0;
    unsigned long long ino = 0;
    if (!parse(text.substr(0, colon), dev) || !parse(text.substr(colon + 1), ino)) {
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return false;
    }
    return static_cast<unsigned long long>(st.st_dev) == dev
           && static_cast<unsigned long long>(st.st_ino) == ino;
}

const char* journal_prefix(Level l)
{
    switch (l) {
    case Level::error:
        return "<3>";
    case Level::warn:
        return "<4>";
    case Level::info:
        return "<6>";
    case Level::trace:
    case Level::debug:
    case Level::off:
        break;
    }
    return "<7>";
}

std::string format_line(Level l, Format format, bool journal, std::string_view when,
                        std::string_view message)
{
    std::string line;
    if (format == Format::json) {
        line = fmt::format(R"({{"ts":"{}","level":"{}","msg":{}}})", when, level_name(l),
                           json::quote(message));
    } else {
        line = fmt::format("{} {:<5} {}", when, level_name(l), message);
    }
    if (journal) {
        // journald reads the stream line by line: every line needs the prefix, or the lines of
        // a traced body after the first would be filed as info.
        const std::string prefix = journal_prefix(l);
        std::string prefixed = prefix;
        for (const char c : line) {
            prefixed += c;
            if (c == '\n') {
                prefixed += prefix;
            }
        }
        line = std::move(prefixed);
    }
    line += '\n';
    return line;
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
    Format format;
    bool journal = false;
    {
        std::lock_guard lock(state().mutex);
        format = state().format;
        journal = state().journal;
    }
    const std::string line = format_line(l, format, journal, when, clean);
    std::lock_guard lock(state().mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace mlc::log
