#include "auth/oauth.hpp"

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/log.hpp"

#include <cmath>

namespace mlc::auth {
namespace {

std::string invalid_client_hint(const OAuthSettings& s)
{
    if (s.system == "procore") {
        return "check procore.client_id and the secret (ml-connector creds set procore); the app "
               "must "
               "be installed for company "
               + (s.company_id > 0 ? std::to_string(s.company_id)
                                   : std::string("<procore.company_id>"));
    }
    return "check " + s.system + ".client_id and the stored secret (ml-connector creds set "
           + s.system + "); the client id must map to a Fusion user with the integration roles";
}

[[noreturn]] void throw_for_error(const OAuthSettings& s, const http::Error& error)
{
    if (error.kind == http::ErrorKind::transport) {
        const bool tls = error.message.starts_with("tls");
        throw UnreachableError(
            s.system + ": cannot reach " + s.token_url + " (" + error.message + ")",
            tls ? "TLS verification failed: check the system clock, " + s.system
                      + ".token_url and, behind an intercepting proxy, http.ca_bundle"
                : "check " + s.system + ".token_url, DNS, the network and any proxy");
    }
    const auto doc = json::parse(error.body);
    const std::string code = doc ? json::get_string(*doc, "error").value_or("") : std::string{};
    const int status = error.status;
    if (code == "invalid_client" || (code.empty() && (status == 401 || status == 403))) {
        throw UnreachableError(s.system + ": token request refused ("
                                   + (code.empty() ? "HTTP " + std::to_string(status) : code) + ")",
                               invalid_client_hint(s));
    }
    const std::string detail = error.message.empty() ? std::string{} : ": " + error.message;
    if (code == "invalid_scope") {
        throw UnreachableError(s.system + ": token request refused (invalid_scope" + detail + ")",
                               "check " + s.system
                                   + ".scope (usually urn:opc:resource:consumer::all)");
    }
    if (code == "unauthorized_client" || code == "unsupported_grant_type") {
        throw UnreachableError(s.system + ": token request refused (" + code + detail + ")",
                               "the OAuth application must allow the client_credentials grant");
    }
    if (status >= 400 && status < 500 && status != 404 && status != 429) {
        throw UnreachableError(s.system + ": token request refused (HTTP " + std::to_string(status)
                                   + detail + ")",
                               invalid_client_hint(s));
    }
    throw UnreachableError(
        s.system + ": token endpoint " + s.token_url + " answered HTTP " + std::to_string(status)
            + detail,
        status == 404 ? "check " + s.system + ".token_url (it must be the OAuth token endpoint)"
                      : "the identity service is failing or throttling; try again later");
}

} // namespace

std::string base64_encode(std::string_view data)
{
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16)
                       | (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8)
                       | static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 2]));
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += alphabet[n & 63];
    }
    const std::size_t rest = data.size() - i;
    if (rest > 0) {
        std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16;
        if (rest == 2) {
            n |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8;
        }
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += rest == 2 ? alphabet[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

ClientCredentialsAuth::ClientCredentialsAuth(http::Transport& transport, http::CallCounter& counter,
                                             Clock& clock, OAuthSettings settings)
    : transport_(transport), counter_(counter), clock_(clock), settings_(std::move(settings))
{
    // Registered up front: a secret echoed back in an error body is blanked in every log line.
    log::register_secret(settings_.client_secret.reveal());
}

void ClientCredentialsAuth::apply(http::Request& request)
{
    std::lock_guard lock(mutex_);
    if (!token_ || clock_.now() >= renew_at_) {
        fetch_locked();
    }
    request.headers.set("Authorization", "Bearer " + token_->reveal());
}

void ClientCredentialsAuth::refresh()
{
    std::lock_guard lock(mutex_);
    token_.reset();
}

std::chrono::seconds ClientCredentialsAuth::lifetime() const
{
    std::lock_guard lock(mutex_);
    return lifetime_;
}

int ClientCredentialsAuth::tokens_fetched() const
{
    std::lock_guard lock(mutex_);
    return fetched_;
}

void ClientCredentialsAuth::fetch_locked()
{
    const OAuthSettings& s = settings_;
    if (s.client_secret.empty()) {
        throw UnreachableError(
            s.system + ": no client secret",
            "store it with `ml-connector creds set " + s.system + "` or set ML_CONNECTOR_"
                + (s.system == "procore" ? "PROCORE" : "ORACLE") + "_CLIENT_SECRET");
    }
    http::Request request;
    request.method = "POST";
    request.url = s.token_url;
    request.headers.set("Accept", "application/json");
    if (s.system == "oracle") {
        request.headers.set("Authorization",
                            "Basic " + base64_encode(s.client_id + ":" + s.client_secret.reveal()));
        request.headers.set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8");
        request.body =
            http::form_encode({{"grant_type", "client_credentials"}, {"scope", s.scope}});
    } else {
        request.headers.set("Content-Type", "application/x-www-form-urlencoded");
        request.body = http::form_encode({{"grant_type", "client_credentials"},
                                          {"client_id", s.client_id},
                                          {"client_secret", s.client_secret.reveal()}});
    }

    // A token request changes nothing on the server, so it is retried like a GET.
    http::Client client(transport_, nullptr, counter_, clock_, {s.system, {}, s.retry});
    const http::Result result = client.send(std::move(request), {{}, true});
    if (!result) {
        throw_for_error(s, result.error());
    }

    const auto doc = json::parse(result->body);
    if (!doc || !doc->IsObject()) {
        throw UnreachableError(
            s.system + ": the token response from " + s.token_url + " is not JSON",
            "check " + s.system + ".token_url (it must be the OAuth token endpoint)");
    }
    std::string access_token = json::get_string(*doc, "access_token").value_or("");
    if (access_token.empty()) {
        throw UnreachableError(
            s.system + ": the token response from " + s.token_url + " has no access_token",
            "check " + s.system + ".token_url (it must be the OAuth token endpoint)");
    }
    log::register_secret(access_token);

    std::int64_t expires_in = 0;
    if (const auto* v = json::find(*doc, "expires_in")) {
        if (v->IsInt64()) {
            expires_in = v->GetInt64();
        } else if (v->IsNumber()) {
            expires_in = static_cast<std::int64_t>(std::floor(v->GetDouble()));
        } else if (v->IsString()) {
            try {
                expires_in = std::stoll(v->GetString());
            } catch (const std::exception&) {
                expires_in = 0;
            }
        }
    }
    if (expires_in <= 0) {
        expires_in = 3600;
        log::warn("{}: token response has no usable expires_in; assuming {} s", s.system,
                  expires_in);
    }
    const std::chrono::seconds lifetime{expires_in};
    // Renew early, but a margin that eats half a short lifetime would renew on every call.
    std::chrono::seconds margin = std::max(s.margin, std::chrono::seconds{0});
    if (margin * 2 >= lifetime) {
        margin = lifetime / 10;
    }
    token_.emplace(std::move(access_token));
    lifetime_ = lifetime;
    renew_at_ = clock_.now() + lifetime - margin;
    ++fetched_;
    log::debug("{}: new access token, expires in {} s, renewing {} s early", s.system,
               lifetime.count(), margin.count());
}

std::string auth_failure_hint(const std::string& system)
{
    if (system == "procore") {
        return "Procore accepted the token but refused the call: the app is probably not installed "
               "or "
               "no longer connected for this company (Company Admin > App Management), or "
               "procore.company_id is wrong";
    }
    return "Oracle issued a token but Fusion refused it: the client id must map to a Fusion user "
           "(Security Console, user name = client id) with the integration roles";
}

} // namespace mlc::auth
