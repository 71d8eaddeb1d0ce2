#include "sync/engine/connections.hpp"

#include "auth/credentials.hpp"
#include "core/version.hpp"

namespace mlc::engine {

http::TransportOptions transport_options(const Config& config)
{
    http::TransportOptions options;
    options.connect_timeout = std::chrono::milliseconds(config.http.connect_timeout_ms);
    options.total_timeout = std::chrono::milliseconds(config.http.total_timeout_ms);
    options.ca_bundle = config.http.ca_bundle;
    options.user_agent = std::string("ml-connector/") + k_version;
    return options;
}

Connections::Connections(const Config& config, Clock& clock)
    : Connections(config, clock, http::make_curl_transport(transport_options(config)),
                  http::make_curl_transport(transport_options(config)))
{}

Connections::Connections(const Config& config, Clock& clock,
                         std::unique_ptr<http::Transport> oracle_transport,
                         std::unique_ptr<http::Transport> procore_transport)
    : oracle_transport_(std::move(oracle_transport)),
      procore_transport_(std::move(procore_transport))
{
    build(config, clock);
}

Connections::~Connections() = default;

void Connections::build(const Config& config, Clock& clock)
{
    http::RetryPolicy retry;
    retry.max_attempts = config.http.max_attempts;
    retry.max_delay = std::chrono::milliseconds(config.http.max_backoff_ms);

    auth::OAuthSettings oracle_settings;
    oracle_settings.system = "oracle";
    oracle_settings.token_url = config.oracle.token_url;
    oracle_settings.client_id = config.oracle.client_id;
    oracle_settings.client_secret = auth::resolve_secret("oracle", config);
    oracle_settings.scope = config.oracle.scope;
    oracle_auth_ = std::make_unique<auth::ClientCredentialsAuth>(*oracle_transport_, calls_, clock,
                                                                 std::move(oracle_settings));

    auth::OAuthSettings procore_settings;
    procore_settings.system = "procore";
    procore_settings.token_url = config.procore.token_url;
    procore_settings.client_id = config.procore.client_id;
    procore_settings.client_secret = auth::resolve_secret("procore", config);
    procore_settings.company_id = config.procore.company_id;
    procore_auth_ = std::make_unique<auth::ClientCredentialsAuth>(
        *procore_transport_, calls_, clock, std::move(procore_settings));

    http::ClientOptions oracle_options;
    oracle_options.system = "oracle";
    oracle_options.retry = retry;
    oracle_options.default_headers.set("REST-Framework-Version",
                                       std::to_string(config.oracle.rest_framework_version));
    oracle_http_ = std::make_unique<http::Client>(*oracle_transport_, oracle_auth_.get(), calls_,
                                                  clock, std::move(oracle_options));

    http::ClientOptions procore_options;
    procore_options.system = "procore";
    procore_options.retry = retry;
    procore_options.default_headers.set("Procore-Company-Id",
                                        std::to_string(config.procore.company_id));
    procore_http_ = std::make_unique<http::Client>(*procore_transport_, procore_auth_.get(), calls_,
                                                   clock, std::move(procore_options));

    oracle_ = std::make_unique<oracle::Client>(*oracle_http_, config.oracle.rest_root);
    procore_ = std::make_unique<procore::Client>(*procore_http_, config.procore.base_url,
                                                 config.procore.company_id);
}

} // namespace mlc::engine
