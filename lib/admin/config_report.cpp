#include "admin/config_report.hpp"

#include "auth/credentials.hpp"
#include "auth/vault.hpp"
#include "core/json_writer.hpp"

#include <cstdlib>

namespace mlc::admin {

std::string effective_config_json(const Config& c)
{
    json::Writer w;
    w.begin_object();
    w.field("file", c.file.string());
    w.key("oracle")
        .begin_object()
        .field("base_url", c.oracle.base_url)
        .field("rest_root", c.oracle.rest_root)
        .field("token_url", c.oracle.token_url)
        .field("client_id", c.oracle.client_id)
        .field("scope", c.oracle.scope)
        .field("poll_overlap_seconds", std::int64_t{c.oracle.poll_overlap_seconds})
        .field("rest_framework_version", std::int64_t{c.oracle.rest_framework_version})
        .end_object();
    w.key("procore")
        .begin_object()
        .field("base_url", c.procore.base_url)
        .field("token_url", c.procore.token_url)
        .field("client_id", c.procore.client_id)
        .field("company_id", c.procore.company_id)
        .field("sweep_every_seconds", c.procore.sweep_every_seconds)
        .end_object();
    w.key("state")
        .begin_object()
        .field("path", c.state.path.string())
        .field("spool_dir", c.state.spool_dir.string())
        .field("key_file", c.state.key_file.string())
        .field("vault", auth::vault_path(c).string())
        .end_object();
    w.key("http")
        .begin_object()
        .field("connect_timeout_ms", std::int64_t{c.http.connect_timeout_ms})
        .field("total_timeout_ms", std::int64_t{c.http.total_timeout_ms})
        .field("max_attempts", std::int64_t{c.http.max_attempts})
        .field("max_backoff_ms", std::int64_t{c.http.max_backoff_ms})
        .field("ca_bundle", c.http.ca_bundle)
        .end_object();
    w.key("webhooks")
        .begin_object()
        .field("listen_addr", c.webhooks.listen_addr)
        .field("path", c.webhooks.path)
        .field("header", c.webhooks.header)
        .field("destination_url", c.webhooks.destination_url)
        .field("namespace", c.webhooks.namespace_name)
        .field("spool_retention_days", std::int64_t{c.webhooks.spool_retention_days})
        .end_object();
    w.key("posting")
        .begin_object()
        .field("wait_seconds", std::int64_t{c.posting.wait_seconds})
        .field("settle_seconds", std::int64_t{c.posting.settle_seconds})
        .end_object();
    w.key("metrics").begin_object();
    w.key("file");
    if (c.metrics.file.empty()) {
        w.null();
    } else {
        w.string(c.metrics.file.string());
    }
    w.end_object();
    w.key("mapping").raw_json(c.mapping_json);
    // Where each secret comes from; never what it is.
    w.key("secrets").begin_object();
    for (const auto& s : auth::list_secrets(c)) {
        const std::string from = s.used();
        w.field(s.name, from.empty() ? std::string("not set") : from);
    }
    w.end_object();
    const char* key_env = std::getenv("ML_CONNECTOR_KEY");
    const auto credential = auth::systemd_credential_key_file();
    w.field("vault_key", key_env != nullptr && *key_env != '\0'
                             ? std::string("environment (ML_CONNECTOR_KEY)")
                         : credential ? "systemd credential " + credential->string()
                                      : "key file " + c.state.key_file.string());
    w.end_object();
    return w.str();
}

} // namespace mlc::admin
