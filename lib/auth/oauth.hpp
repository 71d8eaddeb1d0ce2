#pragma once
// OAuth 2.0 client credentials for both systems: Oracle's identity domain (Basic auth, scope in
// the form) and Procore (client id and secret in the form). Tokens are cached until shortly
// before they expire and renewed before use; a refused or unreachable token endpoint stops the
// run with an UnreachableError whose hint names the likely cause, never the secret.
#include "core/clock.hpp"
#include "core/secret.hpp"
#include "http/client.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace mlc::auth {

struct OAuthSettings {
    std::string system; // "oracle" | "procore": picks the request style and the hints
    std::string token_url;
    std::string client_id;
    Secret client_secret;
    std::string scope;                // oracle only
    std::chrono::seconds margin{300}; // renew this long before expiry
    std::int64_t company_id = 0;      // procore only, for hints
    http::RetryPolicy retry{3, std::chrono::milliseconds{1'000}, std::chrono::milliseconds{10'000}};
};

class ClientCredentialsAuth : public http::Authenticator {
public:
    ClientCredentialsAuth(http::Transport& transport, http::CallCounter& counter, Clock& clock,
                          OAuthSettings settings);

    // Sets `Authorization: Bearer <token>`, fetching a token first when none is cached or the
    // cached one is within the margin of its expiry. Throws UnreachableError.
    void apply(http::Request& request) override;
    // Forgets the token: the next apply() fetches a new one.
    void refresh() override;

    // expires_in of the current token (0 before the first fetch); ping prints it.
    std::chrono::seconds lifetime() const;
    int tokens_fetched() const;

private:
    void fetch_locked();

    http::Transport& transport_;
    http::CallCounter& counter_;
    Clock& clock_;
    OAuthSettings settings_;
    mutable std::mutex mutex_;
    std::optional<Secret> token_;
    Clock::time_point renew_at_{};
    std::chrono::seconds lifetime_{0};
    int fetched_ = 0;
};

// The hint for a REST call refused twice with 401 although a token was issued: Oracle, the
// client id must map to a Fusion user with the integration roles; Procore, the app is not
// installed or connected for the company.
std::string auth_failure_hint(const std::string& system);

// RFC 4648 base64 with padding (for HTTP Basic).
std::string base64_encode(std::string_view data);

} // namespace mlc::auth
