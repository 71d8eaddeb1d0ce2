#include "core/stop.hpp"

#include <fmt/format.h>

#include <atomic>
#include <csignal>

namespace mlc::stop {
namespace {

// Lock-free, so the handler may store it (async-signal-safe).
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

// Scopes alive now; only the outermost one touches the handlers (constructed on one thread).
int g_scope_depth = 0;

struct sigaction g_old_term {};
struct sigaction g_old_int {};

extern "C" void mlc_on_pass_stop_signal(int sig)
{
    int expected = 0;
    if (!g_signal.compare_exchange_strong(expected, sig)) {
        // The second signal: the operator means it. Default action, at once.
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}

const char* stop_signal_name(int signal)
{
    switch (signal) {
    case SIGTERM:
        return "SIGTERM";
    case SIGINT:
        return "SIGINT";
    default:
        return "a signal";
    }
}

} // namespace

Interrupted::Interrupted(int signal)
    : Fatal(static_cast<ExitCode>(128 + signal),
            fmt::format("stopped by {} before the pass finished", stop_signal_name(signal)),
            "what it had not done is left for the next pass, which resolves it; nothing is sent "
            "twice"),
      signal_(signal)
{}

Scope::Scope()
{
    if (g_scope_depth++ > 0) {
        return; // nested: the outer scope's handlers and recorded signal stay
    }
    g_signal.store(0);
    struct sigaction action {};
    action.sa_handler = &mlc_on_pass_stop_signal;
    sigemptyset(&action.sa_mask);
    // No SA_RESTART: a read of the terminal or a wait is cut short rather than resumed.
    action.sa_flags = 0;
    ::sigaction(SIGTERM, &action, &g_old_term);
    ::sigaction(SIGINT, &action, &g_old_int);
}

Scope::~Scope()
{
    if (--g_scope_depth > 0) {
        return;
    }
    ::sigaction(SIGTERM, &g_old_term, nullptr);
    ::sigaction(SIGINT, &g_old_int, nullptr);
    g_signal.store(0);
}

int requested() noexcept
{
    return g_signal.load();
}

void check()
{
    if (const int sig = g_signal.load(); sig != 0) {
        throw Interrupted(sig);
    }
}

void request(int signal) noexcept
{
    g_signal.store(signal);
}

} // namespace mlc::stop
