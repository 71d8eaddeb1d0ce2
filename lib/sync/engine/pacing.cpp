#include "sync/engine/pacing.hpp"

#include "core/log.hpp"

#include <algorithm>

namespace mlc::engine {

std::chrono::milliseconds write_pacing_delay(std::int64_t remaining, std::int64_t reset_epoch,
                                             std::int64_t now_epoch,
                                             std::chrono::milliseconds max_wait)
{
    // Below this many calls left in the window, spread the rest over the time to the reset.
    constexpr std::int64_t k_low_water = 10;
    if (remaining < 0 || reset_epoch < 0 || remaining >= k_low_water) {
        return std::chrono::milliseconds{0};
    }
    const std::int64_t window_ms = std::max<std::int64_t>(reset_epoch - now_epoch, 0) * 1000;
    std::chrono::milliseconds wait{0};
    if (remaining == 0) {
        wait = std::chrono::milliseconds{window_ms + 250}; // just past the reset
    } else {
        wait = std::chrono::milliseconds{window_ms / (remaining + 1)};
    }
    return std::min(wait, max_wait);
}

void pace_writes(http::Client& http, Clock& clock)
{
    const auto& rl = http.rate_limit();
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
    const auto wait = write_pacing_delay(rl.remaining, rl.reset_epoch, now_s);
    if (wait.count() > 0) {
        log::info("procore: {} calls left in the rate-limit window; pausing {} ms", rl.remaining,
                  wait.count());
        clock.sleep_for(wait);
    }
}

} // namespace mlc::engine
