#pragma once
// Logging to stderr, as text or one JSON object per line. Every line passes through redact(),
// which removes credentials by pattern (Authorization headers, token and secret fields) and
// every secret value registered with register_secret(), so a secret cannot reach a log even
// when it sits inside a response body we chose to log. Under systemd, when stderr is the
// journal ($JOURNAL_STREAM names it), each line starts with its sd-daemon priority (<3> error,
// <4> warn, <6> info, <7> debug and trace), so journald files it at the right level.
#include <fmt/format.h>

#include <string>
#include <string_view>

namespace mlc::log {

enum class Level { trace = 0, debug = 1, info = 2, warn = 3, error = 4, off = 5 };
enum class Format { text, json };

// Also decides, from $JOURNAL_STREAM and stderr, whether lines get the journal priority prefix.
void configure(Level level, Format format);
Level level();
bool enabled(Level level);

// Replaces every occurrence of `value` in future log lines and redacted text with "***".
// Values shorter than 4 characters are ignored (they would blank out ordinary text).
void register_secret(std::string_view value);

// Pattern- and value-based redaction, also used for error messages and audit text.
std::string redact(std::string_view text);

void write(Level level, std::string_view message);

// True when `journal_stream` ("<device>:<inode>", as systemd sets $JOURNAL_STREAM for a service
// whose stderr is connected to the journal) names the file open on `fd`. A null, malformed or
// stale value (stderr redirected since, by a shell or a child's parent) is false.
bool is_journal_stream(const char* journal_stream, int fd);

// The sd-daemon(3) priority prefix of a level: "<3>" error, "<4>" warn, "<6>" info, "<7>"
// debug and trace.
const char* journal_prefix(Level level);

// One log line as written (ending in '\n'): `message` after the time and level (text) or as a
// JSON object; with `journal`, every line of it (a traced body may have several) starts with the
// level's priority prefix.
std::string format_line(Level level, Format format, bool journal, std::string_view when,
                        std::string_view message);

template <typename... Args> void trace(fmt::format_string<Args...> f, Args&&... args)
{
    if (enabled(Level::trace)) {
        write(Level::trace, fmt::format(f, std::forward<Args>(args)...));
    }
}
template <typename... Args> void debug(fmt::format_string<Args...> f, Args&&... args)
{
    if (enabled(Level::debug)) {
        write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
    }
}
template <typename... Args> void info(fmt::format_string<Args...> f, Args&&... args)
{
    if (enabled(Level::info)) {
        write(Level::info, fmt::format(f, std::forward<Args>(args)...));
    }
}
template <typename... Args> void warn(fmt::format_string<Args...> f, Args&&... args)
{
    if (enabled(Level::warn)) {
        write(Level::warn, fmt::format(f, std::forward<Args>(args)...));
    }
}
template <typename... Args> void error(fmt::format_string<Args...> f, Args&&... args)
{
    if (enabled(Level::error)) {
        write(Level::error, fmt::format(f, std::forward<Args>(args)...));
    }
}

} // namespace mlc::log
