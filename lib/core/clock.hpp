#pragma once
// Time as a dependency: production code asks a Clock, tests hand in a FakeClock, so token
// expiry, backoff and watermarks are tested without sleeping.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace mlc {

class Clock {
public:
    using time_point = std::chrono::system_clock::time_point;
    virtual ~Clock() = default;
    virtual time_point now() const = 0;
    // Block the calling thread; a FakeClock only advances its time. The SystemClock's sleep
    // throws stop::Interrupted as soon as a pass is asked to stop (core/stop.hpp).
    virtual void sleep_for(std::chrono::milliseconds d) = 0;
};

class SystemClock final : public Clock {
public:
    time_point now() const override;
    void sleep_for(std::chrono::milliseconds d) override;
};

// Thread-safe: a pass reads a source on a worker thread (engine/read_ahead.hpp), and both
// threads ask the clock.
class FakeClock final : public Clock {
public:
    explicit FakeClock(time_point start = time_point{std::chrono::seconds{1'800'000'000}})
        : now_(start)
    {}
    time_point now() const override
    {
        std::lock_guard lock(mutex_);
        return now_;
    }
    void sleep_for(std::chrono::milliseconds d) override
    {
        std::lock_guard lock(mutex_);
        slept_ += d;
        now_ += d;
    }
    void advance(std::chrono::milliseconds d)
    {
        std::lock_guard lock(mutex_);
        now_ += d;
    }
    std::chrono::milliseconds total_slept() const
    {
        std::lock_guard lock(mutex_);
        return slept_;
    }

private:
    mutable std::mutex mutex_;
    time_point now_;
    std::chrono::milliseconds slept_{0};
};

SystemClock& system_clock();

// ISO-8601 UTC with milliseconds, "2026-11-27T16:15:49.123+00:00" (Oracle's own form).
std::string format_iso8601(Clock::time_point t);
// Parses ISO-8601 with an optional fraction and a Z or ±hh:mm offset; false if malformed.
bool parse_iso8601(const std::string& text, Clock::time_point& out);

} // namespace mlc
