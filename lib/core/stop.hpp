#pragma once
// Stopping a pass on SIGTERM or SIGINT: systemd stopping the timer's service, Ctrl-C, cron's
// or an operator's kill. The handler only records the signal. The pass stops at its next safe
// point, before it puts another HTTP request on the wire or while it waits (a backoff, the
// Procore pacing, a job poll), by throwing stop::Interrupted: its runs row is finished as
// interrupted with exit 128 + the signal (130 for SIGINT, 143 for SIGTERM) and main prints one
// line. A request already on the wire is finished, so its answer is recorded; what the pass
// had not done yet is the next pass's, exactly as after a crash (the outbox never resends
// blindly). A second signal ends the process at once, with the signal's default action.
#include "core/error.hpp"

namespace mlc::stop {

class Interrupted : public Fatal {
public:
    explicit Interrupted(int signal);
    int signal() const noexcept { return signal_; }

private:
    int signal_;
};

// Installs the handlers for SIGTERM and SIGINT for its lifetime and restores the previous ones
// after; a signal recorded while it was in place is forgotten with it. Scopes nest (`run` holds
// one across its passes, each pass its own): only the outermost installs, restores and forgets,
// so a signal received between two passes still stops the next one. One thread only.
class Scope {
public:
    Scope();
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
};

// The signal received since the Scope began, or 0.
int requested() noexcept;

// Throws Interrupted when a signal was received. Call only where stopping is safe.
void check();

// Records `signal` as the handler would (tests).
void request(int signal) noexcept;

} // namespace mlc::stop
