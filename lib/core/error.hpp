#pragma once
// How a run ends. Expected per-record failures are values (see Failure); a condition that stops
// the whole run is thrown as a Fatal and caught once, in main, which prints
// `error: <what> (<hint>)` and exits with the documented code.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace mlc {

// The exit codes users script against (DESIGN.md, "Subcommands").
enum class ExitCode : int {
    ok = 0,            // all done
    partial = 1,       // some records failed and are queued for replay
    usage = 2,         // usage or configuration error
    unreachable = 3,   // could not reach or authenticate a system
    locked = 4,        // another run holds the lock
    interrupted = 130, // stopped by SIGINT (128 + 2)
    terminated = 143,  // stopped by SIGTERM (128 + 15)
};

// "Cannot continue": bad config, no credentials, a system unreachable, the lock held.
// `what()` names the thing; `hint()` says what to do about it. Neither may contain a secret.
class Fatal : public std::runtime_error {
public:
    Fatal(ExitCode code, const std::string& what, std::string hint = {})
        : std::runtime_error(what), code_(code), hint_(std::move(hint))
    {}
    ExitCode code() const noexcept { return code_; }
    const std::string& hint() const noexcept { return hint_; }

private:
    ExitCode code_;
    std::string hint_;
};

// what() reads "config: <what>", or "config <what>" when `what` starts with a JSON pointer
// ("config /procore/company_id: expected integer, got string"); at() names any location
// ("config ml-connector.json:3:7: Missing a comma ...").
class ConfigError : public Fatal {
public:
    explicit ConfigError(const std::string& what, std::string hint = {})
        : Fatal(ExitCode::usage, (what.starts_with('/') ? "config " : "config: ") + what,
                std::move(hint))
    {}
    static ConfigError at(const std::string& location, const std::string& what,
                          std::string hint = {})
    {
        return ConfigError(located{}, "config " + location + ": " + what, std::move(hint));
    }

private:
    struct located {};
    ConfigError(located, const std::string& full, std::string hint)
        : Fatal(ExitCode::usage, full, std::move(hint))
    {}
};

// Several config errors found at once (every schema violation in the file): what() lists them
// all on one line, separated by "; "; errors() has each as "config <pointer>: <what>", for
// `config validate` to print one per line.
class ConfigErrors : public ConfigError {
public:
    ConfigErrors(const std::vector<std::string>& each, std::string hint)
        : ConfigError(joined(each), std::move(hint))
    {
        for (const auto& e : each) {
            errors_.push_back((e.starts_with('/') ? "config " : "config: ") + e);
        }
    }
    const std::vector<std::string>& errors() const noexcept { return errors_; }

private:
    static std::string joined(const std::vector<std::string>& each)
    {
        std::string all;
        for (const auto& e : each) {
            all += (all.empty() ? "" : "; ") + e;
        }
        return all;
    }
    std::vector<std::string> errors_;
};

class UsageError : public Fatal {
public:
    explicit UsageError(const std::string& what, std::string hint = {})
        : Fatal(ExitCode::usage, what, std::move(hint))
    {}
};

// A remote system could not be reached or refused our credentials.
class UnreachableError : public Fatal {
public:
    UnreachableError(const std::string& what, std::string hint = {})
        : Fatal(ExitCode::unreachable, what, std::move(hint))
    {}
};

class LockedError : public Fatal {
public:
    LockedError(const std::string& what, std::string hint = {})
        : Fatal(ExitCode::locked, what, std::move(hint))
    {}
};

} // namespace mlc
