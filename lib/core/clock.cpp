#include "core/clock.hpp"

#include <cstdio>
#include <ctime>
#include <thread>

namespace mlc {

Clock::time_point SystemClock::now() const
{
    return std::chrono::system_clock::now();
}

void SystemClock::sleep_for(std::chrono::milliseconds d)
{
    std::this_thread::sleep_for(d);
}

SystemClock& system_clock()
{
    static SystemClock clock;
    return clock;
}

std::string format_iso8601(Clock::time_point t)
{
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    const long frac = static_cast<long>(ms - static_cast<long long>(secs) * 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ld+00:00", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    return buf;
}

bool parse_iso8601(const std::string& text, Clock::time_point& out)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed)
        != 6) {
        return false;
    }
    std::size_t pos = static_cast<std::size_t>(consumed);
    long long millis = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 3) {
                millis = millis * 10 + (text[pos] - '0');
            }
            ++digits;
            ++pos;
        }
        if (digits == 0) {
            return false;
        }
        for (int i = digits; i < 3; ++i) {
            millis *= 10;
        }
    }
    long offset_seconds = 0;
    if (pos < text.size()) {
        const char sign = text[pos];
        if (sign == 'Z' && pos + 1 == text.size()) {
            offset_seconds = 0;
        } else if (sign == '+' || sign == '-') {
            int oh = 0, om = 0;
            if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &oh, &om) != 2
                || text.size() != pos + 6) {
                return false;
            }
            offset_seconds = (sign == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
        } else {
            return false;
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
        return false;
    }
    using namespace std::chrono;
    const auto days =
        sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}};
    out = time_point_cast<system_clock::duration>(days + hours{h} + minutes{mi} + seconds{s}
                                                  + milliseconds{millis} - seconds{offset_seconds});
    return true;
}

} // namespace mlc
