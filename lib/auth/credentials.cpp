#include "auth/credentials.hpp"

#include "auth/vault.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>

namespace mlc::auth {
namespace {

// Turns terminal echo off for its lifetime (restored even when reading throws).
class EchoOff {
public:
    EchoOff()
    {
        if (::isatty(STDIN_FILENO) != 0 && ::tcgetattr(STDIN_FILENO, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            active_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    ~EchoOff()
    {
        if (active_) {
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
            std::fputc('\n', stderr); // the Enter the user typed was not echoed
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;
    bool active() const { return active_; }

private:
    termios saved_{};
    bool active_ = false;
};

} // namespace

std::string secret_env_name(const std::string& name)
{
    require_secret_name(name);
    if (name == "webhook") {
        return "ML_CONNECTOR_WEBHOOK_SECRET";
    }
    std::string upper = name;
    std::ranges::transform(upper, upper.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return "ML_CONNECTOR_" + upper + "_CLIENT_SECRET";
}

Secret resolve_secret(const std::string& name, const Config& config)
{
    const std::string env_name = secret_env_name(name);
    if (const char* env = std::getenv(env_name.c_str()); env != nullptr && *env != '\0') {
        Secret secret{std::string(env)};
        log::register_secret(secret.reveal());
        return secret;
    }
    const auto path = vault_path(config);
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
        Vault vault(path, load_vault_key(config));
        if (auto secret = vault.get(name)) {
            log::register_secret(secret->reveal());
            return std::move(*secret);
        }
    }
    throw Fatal(ExitCode::usage, fmt::format("credentials: no secret for {}", name),
                fmt::format("ml-connector creds set {} < secret.txt, or set {}", name, env_name));
}

std::string SecretSource::used() const
{
    if (in_environment) {
        return "environment";
    }
    return vault_opens.value_or(false) ? "vault" : "";
}

std::vector<SecretSource> list_secrets(const Config& config)
{
    std::vector<SecretSource> out;
    const auto path = vault_path(config);
    std::error_code ec;
    std::optional<Vault> vault;
    std::string key_problem;
    if (std::filesystem::exists(path, ec)) {
        try {
            vault.emplace(path, load_vault_key(config));
        } catch (const Fatal& e) {
            key_problem = e.what();
        }
    }
    // Without a key the names are still readable (they are not secret); the values are not.
    const std::vector<std::string> stored =
        std::filesystem::exists(path, ec) ? Vault::names_at(path) : std::vector<std::string>{};
    for (const char* name : k_secret_names) {
        SecretSource s;
        s.name = name;
        s.env_name = secret_env_name(name);
        const char* env = std::getenv(s.env_name.c_str());
        s.in_environment = env != nullptr && *env != '\0';
        s.in_vault = std::ranges::find(stored, s.name) != stored.end();
        if (s.in_vault && vault) {
            s.vault_opens = vault->opens(s.name);
        }
        if (s.in_vault && !vault) {
            s.key_problem = key_problem;
        }
        out.push_back(std::move(s));
    }
    return out;
}

void store_secret(const std::string& name, const Secret& secret, const Config& config)
{
    require_secret_name(name);
    log::register_secret(secret.reveal());
    Vault vault(vault_path(config), load_vault_key(config));
    vault.set(name, secret);
}

Secret read_secret(std::istream& in)
{
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (text.ends_with('\n')) {
        text.pop_back();
        if (text.ends_with('\r')) {
            text.pop_back();
        }
    }
    if (text.empty()) {
        throw UsageError("credentials: the secret read from stdin is empty",
                         "pipe it in: ml-connector creds set NAME < secret.txt");
    }
    Secret secret(std::move(text));
    log::register_secret(secret.reveal());
    return secret;
}

Secret read_secret_from_stdin()
{
    const EchoOff echo_off;
    if (echo_off.active()) {
        std::fputs("secret (not echoed): ", stderr);
        std::fflush(stderr);
        // On a terminal, one line is the secret; reading to EOF would need Ctrl-D.
        std::string line;
        std::getline(std::cin, line);
        std::istringstream one_line(line);
        return read_secret(one_line);
    }
    return read_secret(std::cin);
}

} // namespace mlc::auth
