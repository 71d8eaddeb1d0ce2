#include "core/crash_point.hpp"

#ifdef MLC_CRASH_POINTS

#include <unistd.h>

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <optional>
#include <string>

namespace mlc {

namespace {

struct Target {
    std::string name;
    long nth = 1;
};

const Target* target()
{
    static const std::optional<Target> t = []() -> std::optional<Target> {
        const char* env = std::getenv("ML_CONNECTOR_CRASH_AT");
        if (env == nullptr || *env == '\0') {
            return std::nullopt;
        }
        std::optional<Target> out{Target{}};
        std::string_view text(env);
        if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
            long n = 0;
            const auto tail = text.substr(colon + 1);
            if (std::from_chars(tail.data(), tail.data() + tail.size(), n).ec == std::errc{}
                && n > 0) {
                out->nth = n;
                text = text.substr(0, colon);
            }
        }
        out->name = std::string(text);
        return out;
    }();
    return t ? &*t : nullptr;
}

std::atomic<long> g_hits{0};

} // namespace

void crash_point(std::string_view name)
{
    const Target* t = target();
    if (t == nullptr || t->name != name) {
        return;
    }
    if (++g_hits < t->nth) {
        return;
    }
    static constexpr char msg[] = "ml-connector: crash point reached, killing myself (SIGKILL)\n";
    (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::kill(::getpid(), SIGKILL);
    std::abort(); // not reached
}

} // namespace mlc

#endif
