// ISO-8601 text in and out: the form every time column and API cursor uses, the ends of the
// clock's range, offsets, fractions and text that is not a time.
#include "core/clock.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>

namespace {

using namespace std::chrono;
using mlc::Clock;

Clock::time_point at_ms(long long ms)
{
    return Clock::time_point{duration_cast<Clock::time_point::duration>(milliseconds{ms})};
}

long long ms_of(const std::string& text)
{
    Clock::time_point t;
    REQUIRE(mlc::parse_iso8601(text, t));
    return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

bool parses(const std::string& text)
{
    Clock::time_point t;
    return mlc::parse_iso8601(text, t);
}

} // namespace

TEST_CASE("format_iso8601 writes UTC with milliseconds", "[core][clock]")
{
    CHECK(mlc::format_iso8601(at_ms(0)) == "1970-01-01T00:00:00.000+00:00");
    CHECK(mlc::format_iso8601(at_ms(951'782'400'007)) == "2000-02-29T00:00:00.007+00:00");
    CHECK(mlc::format_iso8601(at_ms(1'735'689'599'999)) == "2024-12-31T23:59:59.999+00:00");
    CHECK(mlc::format_iso8601(at_ms(-1)) == "1969-12-31T23:59:59.999+00:00");
    // The ends of what a nanosecond system_clock holds.
    CHECK(mlc::format_iso8601(at_ms(9'223'372'036'854)) == "2262-04-11T23:47:16.854+00:00");
    CHECK(mlc::format_iso8601(at_ms(-9'223'372'036'854)) == "1677-09-21T00:12:43.146+00:00");
}

TEST_CASE("parse_iso8601 reads what format_iso8601 writes, and API forms", "[core][clock]")
{
    for (const long long ms : {0LL, 951'782'400'007LL, 1'735'689'599'999LL, -1LL, 86'399'001LL}) {
        CHECK(ms_of(mlc::format_iso8601(at_ms(ms))) == ms);
    }
    CHECK(ms_of("2024-03-01T10:00:00Z") == 1'709'287'200'000);
    CHECK(ms_of("2024-03-01T10:00:00") == 1'709'287'200'000);
    CHECK(ms_of("2024-03-01T15:30:00+05:30") == 1'709'287'200'000);
    CHECK(ms_of("2024-03-01T05:00:00-05:00") == 1'709'287'200'000);
    CHECK(ms_of("2024-03-01T10:00:00.5Z") == 1'709'287'200'500);
    CHECK(ms_of("2024-03-01T10:00:00.123456+00:00") == 1'709'287'200'123);
    // Not the fixed-width form: read as sscanf reads it, as before.
    CHECK(ms_of("2024-3-1T10:00:00Z") == 1'709'287'200'000);
}

TEST_CASE("parse_iso8601 refuses text that is not a time", "[core][clock]")
{
    for (const char* bad :
         {"", "2024", "2024-03-01", "2024-03-01 10:00:00", "2024-13-01T10:00:00",
          "2024-03-32T10:00:00", "2024-03-01T24:00:00", "2024-03-01T10:60:00",
          "2024-03-01T10:00:00.", "2024-03-01T10:00:00+0530", "2024-03-01T10:00:00+05:30x",
          "2024-03-01T10:00:00Zx", "2024-03-01T10:00:00Q", "abcd-03-01T10:00:00Z"}) {
        CAPTURE(bad);
        CHECK_FALSE(parses(bad));
    }
}
