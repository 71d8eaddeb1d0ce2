#include "core/clock.hpp"

#include "core/stop.hpp"

#include <algorithm>
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
    // In slices, so that a pass asked to stop does not first sit out a 60 s Retry-After.
    constexpr std::chrono::milliseconds k_slice{100};
    const auto until = std::chrono::steady_clock::now() + d;
    for (;;) {
        stop::check();
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            until - std::chrono::steady_clock::now());
        if (left <= std::chrono::milliseconds::zero()) {
            return;
        }
        std::this_thread::sleep_for(std::min(left, k_slice));
    }
}

SystemClock& system_clock()
{
    static SystemClock clock;
    return clock;
}

namespace {

// The digits of `value` (0 <= value < 10^width) at `out`, zero-padded.
void put_digits(char* out, int value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// The value of the `width` ASCII digits at `text`, or -1 if one is not a digit.
int digits_at(const char* text, int width)
{
    int value = 0;
    for (int i = 0; i < width; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return -1;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// format_iso8601 for any year, through gmtime_r and snprintf.
std::string format_iso8601_any_year(std::time_t secs, long frac)
{
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ld+00:00", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    return buf;
}

} // namespace

std::string format_iso8601(Clock::time_point t)
{
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    const long frac = static_cast<long>(ms - static_cast<long long>(secs) * 1000);
    // Every row the store writes is stamped, so the usual years are done with calendar
    // arithmetic and digit writes: gmtime_r and snprintf cost ten times as much.
    const auto day = floor<days>(sys_seconds{seconds{secs}});
    const year_month_day date{day};
    const int y = static_cast<int>(date.year());
    if (y < 0 || y > 9999) {
        return format_iso8601_any_year(secs, frac);
    }
    const hh_mm_ss time{sys_seconds{seconds{secs}} - day};
    std::string out = "0000-00-00T00:00:00.000+00:00";
    put_digits(&out[0], y, 4);
    put_digits(&out[5], static_cast<int>(static_cast<unsigned>(date.month())), 2);
    put_digits(&out[8], static_cast<int>(static_cast<unsigned>(date.day())), 2);
    put_digits(&out[11], static_cast<int>(time.hours().count()), 2);
    put_digits(&out[14], static_cast<int>(time.minutes().count()), 2);
    put_digits(&out[17], static_cast<int>(time.seconds().count()), 2);
    put_digits(&out[20], static_cast<int>(frac), 3);
    return out;
}

bool parse_iso8601(const std::string& text, Clock::time_point& out)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    int consumed = 0;
    const char* c = text.c_str();
    // The form every API and the store write, read without sscanf (a pass compares cursors per
    // record); anything else goes through sscanf, which accepts the same text the same way.
    if (text.size() >= 19 && c[4] == '-' && c[7] == '-' && c[10] == 'T' && c[13] == ':'
        && c[16] == ':' && (y = digits_at(c, 4)) >= 0 && (mo = digits_at(c + 5, 2)) >= 0
        && (d = digits_at(c + 8, 2)) >= 0 && (h = digits_at(c + 11, 2)) >= 0
        && (mi = digits_at(c + 14, 2)) >= 0 && (s = digits_at(c + 17, 2)) >= 0) {
        consumed = 19;
    } else if (std::sscanf(c, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &consumed)
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
            if (text.size() != pos + 6) {
                return false;
            }
            int oh = digits_at(c + pos + 1, 2);
            int om = digits_at(c + pos + 4, 2);
            if ((oh < 0 || om < 0 || c[pos + 3] != ':')
                && std::sscanf(c + pos + 1, "%2d:%2d", &oh, &om) != 2) {
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
