#include "sync/engine/cursor.hpp"

#include "core/clock.hpp"

#include <charconv>
#include <chrono>

namespace mlc::engine {

bool cursor_less(const Cursor& a, const Cursor& b)
{
    Clock::time_point ta{};
    Clock::time_point tb{};
    if (parse_iso8601(a.time, ta) && parse_iso8601(b.time, tb)) {
        if (ta != tb) {
            return ta < tb;
        }
    } else if (a.time != b.time) {
        return a.time < b.time;
    }
    std::int64_t ka = 0;
    std::int64_t kb = 0;
    const auto ra = std::from_chars(a.key.data(), a.key.data() + a.key.size(), ka);
    const auto rb = std::from_chars(b.key.data(), b.key.data() + b.key.size(), kb);
    if (ra.ec == std::errc{} && rb.ec == std::errc{}) {
        return ka < kb;
    }
    return a.key < b.key;
}

std::string cursor_text(const Cursor& c)
{
    return c.empty() ? std::string{} : c.time + "|" + c.key;
}

std::string minus_seconds(const std::string& time, int seconds)
{
    Clock::time_point t{};
    if (!parse_iso8601(time, t)) {
        return time;
    }
    return format_iso8601(t - std::chrono::seconds{seconds});
}

} // namespace mlc::engine
