#pragma once
// Write pacing from Procore's rate-limit headers: a large first sync slows down before the
// window is spent instead of meeting a storm of 429s (Procore: 3,600 calls an hour per app, and
// a 10 s spike window).
#include "core/clock.hpp"
#include "http/client.hpp"

#include <chrono>
#include <cstdint>

namespace mlc::engine {

// How long to wait before the next write given the last rate-limit headers: nothing while
// plenty remains; spread the rest of the window over the remaining calls when few are left;
// wait for the reset when none are. Never more than `max_wait`.
std::chrono::milliseconds
write_pacing_delay(std::int64_t remaining, std::int64_t reset_epoch, std::int64_t now_epoch,
                   std::chrono::milliseconds max_wait = std::chrono::milliseconds{60'000});

// Sleeps (on `clock`) for write_pacing_delay of the client's last rate-limit headers.
void pace_writes(http::Client& http, Clock& clock);

} // namespace mlc::engine
