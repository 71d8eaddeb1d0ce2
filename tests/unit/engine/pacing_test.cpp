// Write pacing from Procore's rate-limit headers.
#include "sync/engine/pacing.hpp"

#include <catch2/catch.hpp>

using mlc::engine::write_pacing_delay;

TEST_CASE("write_pacing_delay slows down only near the limit", "[engine][pacing]")
{
    using std::chrono::milliseconds;
    CHECK(write_pacing_delay(-1, -1, 1000) == milliseconds{0});       // no headers seen
    CHECK(write_pacing_delay(500, 1010, 1000) == milliseconds{0});    // plenty left
    CHECK(write_pacing_delay(4, 1010, 1000) == milliseconds{2000});   // 10 s spread over 5
    CHECK(write_pacing_delay(0, 1010, 1000) == milliseconds{10'250}); // wait out the window
    CHECK(write_pacing_delay(0, 5000, 1000) == milliseconds{60'000}); // capped
    CHECK(write_pacing_delay(0, 900, 1000) == milliseconds{250});     // reset already passed
}
