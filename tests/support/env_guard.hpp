#pragma once
// Sets (or, with nullptr, unsets) an environment variable for one scope and restores it after.
#include <cstdlib>
#include <optional>
#include <string>

namespace mlc::test {

struct EnvGuard {
    std::string name;
    std::optional<std::string> saved;
    EnvGuard(std::string n, const char* value) : name(std::move(n))
    {
        if (const char* old = std::getenv(name.c_str())) {
            saved = old;
        }
        if (value != nullptr) {
            setenv(name.c_str(), value, 1);
        } else {
            unsetenv(name.c_str());
        }
    }
    ~EnvGuard()
    {
        if (saved) {
            setenv(name.c_str(), saved->c_str(), 1);
        } else {
            unsetenv(name.c_str());
        }
    }
    EnvGuard(const EnvGuard&) = delete;
    EnvGuard& operator=(const EnvGuard&) = delete;
};

} // namespace mlc::test
