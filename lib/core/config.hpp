#pragma once
// The configuration file: one JSON document validated against schemas/config.schema.json
// (embedded in the binary). It holds no secrets; those come from the vault or the environment
// (see auth/credentials.hpp). A config error is a ConfigError naming the JSON pointer.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlc {

struct OracleConfig {
    std::string base_url;  // the pod URL taken whole, e.g. https://acme.fa.us2.oraclecloud.com
    std::string rest_root; // base_url + /fscmRestApi/resources/11.13.18.05, never doubled
    std::string token_url; // identity domain .../oauth2/v1/token
    std::string client_id;
    std::string scope = "urn:opc:resource:consumer::all";
    int poll_overlap_seconds = 300;
    int rest_framework_version = 4; // sent as REST-Framework-Version (q uses and/or from v2)
};

struct ProcoreConfig {
    std::string base_url = "https://api.procore.com";
    std::string token_url = "https://login.procore.com/oauth/token";
    std::string client_id;
    std::int64_t company_id = 0;
    // How old the last sweep (filters[updated_at] per project) may be before a pass sweeps
    // again; webhooks drive the reads in between. procore.sweep_every, "24h" by default.
    std::int64_t sweep_every_seconds = 24 * 3600;
};

struct StateConfig {
    std::filesystem::path path = "ml-connector.db"; // relative paths: to the config file's folder
    std::filesystem::path spool_dir = "spool";
    std::filesystem::path key_file = "ml-connector.key";
};

struct HttpConfig {
    int connect_timeout_ms = 10'000;
    int total_timeout_ms = 120'000;
    int max_attempts = 6; // per request, for retriable failures
    int max_backoff_ms = 60'000;
    std::string ca_bundle; // optional extra CA bundle (corporate proxies)
};

struct WebhookConfig {
    std::string listen_addr = "127.0.0.1:8787";
    std::string path = "/webhooks/procore";
    std::string header = "Authorization";
    std::string destination_url; // public URL Procore delivers to (webhooks install)
    std::string namespace_name = "ml-connector";
    int spool_retention_days = 14;
};

// Oracle account combinations have Segment1..Segment10.
inline constexpr int k_max_account_segments = 10;

// mapping.cost_codes in the config (the GL account -> cost code flow):
//   {"natural_account_segment": 4,          which SegmentN is the natural account (1-based)
//    "code_segments": [4],                  segments joined with "-" into the cost code
//                                           (default: every non-empty segment)
//    "account_types": ["E"],                publish only these AccountTypes (default: all)
//    "account_ranges": [["5000","5999"]],   natural account ranges, inclusive (default: all)
//    "list_name": "ERP Standard Cost Code List"}
struct CostCodeMappingConfig {
    int natural_segment = 0; // 1-based; required
    std::vector<int> code_segments;
    std::vector<std::string> account_types;
    std::vector<std::pair<std::string, std::string>> ranges;
    std::string list_name = "ERP Standard Cost Code List";
};

// mapping.chart: how a concatenated account is split, and which segment is the cost center.
struct ChartConfig {
    char delimiter = '-';
    int cost_center_segment = 2;       // 1-based
    std::vector<std::string> segments; // attribute names in order; empty: Segment1..
    // _CHART_OF_ACCOUNTS_ID: narrows a whole read of accountCombinationsLOV to this chart.
    std::optional<std::int64_t> chart_of_accounts_id;
};

// One project's Oracle side (mapping.projects["<id>"] over mapping.projects.default). A field
// left empty is not configured.
struct ProjectMapping {
    std::string procurement_bu;
    std::string requisitioning_bu;
    std::string business_unit;
    std::string bill_to_bu;
    std::string ship_to_location;
    std::string buyer_email;
    std::string currency;
    std::string cost_center;
};

// mapping.commitments: Procore commitments -> Oracle purchase orders.
struct CommitmentMappingConfig {
    std::vector<std::string> statuses{"Approved"};
    bool purchase_orders = true; // types: purchase_order
    bool work_orders = true;     // types: work_order
    std::optional<std::string> supplier_site;
    std::string category;
    std::string uom = "Each";
    std::string goods_line_type = "Goods";
    std::string services_line_type = "Fixed Price Services";
    std::string reference_dff;
    int need_by_days = 0;
};

// mapping.journal: Procore direct costs and change orders -> GL journals (post-costs).
struct JournalMappingConfig {
    bool configured = false; // the section is present (post-costs needs it)
    std::int64_t ledger_id = 0;
    std::string ledger_name;
    std::string data_access_set_id; // empty: #NULL
    std::string source = "Procore";
    std::string category = "Project Costs";
    std::string currency; // empty: the project's mapping currency, else USD
    std::string offset_direct_cost;
    std::string offset_change_order; // empty: offset_direct_cost
    std::vector<std::string> direct_cost_types{"expense", "payroll"};
    std::vector<std::string> statuses{"approved"};
    bool change_orders = true;
    bool next_open = false; // closed_period: "next_open" (true) or "hold"
    bool write_back = true;
};

// mapping.invoices: Procore requisitions (subcontractor invoices) -> Oracle Payables invoices.
struct InvoiceMappingConfig {
    // The section is present and not `"enabled": false`. Writing into Payables is opted into:
    // without the section pull-pos sends no requisitions.
    bool enabled = false;
    std::vector<std::string> statuses{"approved"};
    std::string retainage_account;           // empty: invoices are for the net amount
    std::string payment_terms;               // empty: not sent (Oracle defaults it at creation)
    std::int64_t sweep_every_seconds = 3600; // requisitions have no webhook: swept on this interval
    bool write_back = true;                  // origin_id = InvoiceId on the requisition
    bool payments = true; // Oracle payments of these invoices -> Procore contract payments
};

// The mapping section. Parts a flow owns are parsed into plain structs here, so no flow reads
// JSON; mapping_json keeps the validated text of the whole section for parts not modelled yet.
struct MappingConfig {
    std::optional<CostCodeMappingConfig> cost_codes; // nullopt: no natural_account_segment
    ChartConfig chart;
    // Procore project id (or "default") -> its mapping as written (unmerged).
    std::map<std::string, ProjectMapping> projects;
    CommitmentMappingConfig commitments;
    std::map<std::string, std::string> cost_code_accounts; // full code -> combination
    std::map<std::string, std::string> cost_types;         // type name or code -> natural account
    JournalMappingConfig journal;
    InvoiceMappingConfig invoices;

    // The project's mapping: its own entry over `default`, field by field; nullopt when neither
    // exists (the project is not mapped).
    std::optional<ProjectMapping> project(std::int64_t project_id) const;
    // The projects named explicitly (not `default`).
    std::vector<std::int64_t> project_ids() const;
};

// posting: how long a pass waits on Oracle's asynchronous imports.
struct PostingConfig {
    int wait_seconds = 120;
    int settle_seconds = 86400;
};

// metrics: the Prometheus text file every pass writes at its end (engine/metrics.hpp).
struct MetricsConfig {
    std::filesystem::path file; // empty: no metrics are written
};

struct Config {
    std::filesystem::path file; // where it was loaded from
    OracleConfig oracle;
    ProcoreConfig procore;
    StateConfig state;
    HttpConfig http;
    WebhookConfig webhooks;
    MappingConfig mapping;
    PostingConfig posting;
    MetricsConfig metrics;
    std::string mapping_json = "{}";
};

// Loads, validates against the embedded schema and resolves relative state paths against the
// file's folder. Throws ConfigError("/procore/company_id: expected integer, got string", hint).
Config load_config(const std::filesystem::path& file);
// The same, from text (tests, and `init --check`); `origin` names the source in messages.
Config parse_config(const std::string& json_text, const std::filesystem::path& origin);

// The Oracle REST root for a pod URL: appends /fscmRestApi/resources/11.13.18.05 unless the
// URL already ends with a /fscmRestApi/resources/<version> path; trailing slashes dropped.
std::string oracle_rest_root(const std::string& base_url);

// http:// is allowed only for loopback hosts (the simulators); anything else must be https.
// Throws ConfigError naming `pointer` otherwise.
void require_secure_url(const std::string& url, const std::string& pointer);

// The commented starter config written by `init`: JSON with // comments, which
// load_config accepts (comments are stripped before parsing).
std::string starter_config_text();

// The JSON pointers of the values that still hold the starter config's placeholders (the
// example pod and identity domain, "replace-with-…" client ids, the example company id): a
// config `init` wrote and nobody finished. `ping` refuses it before calling anyone.
std::vector<std::string> starter_placeholders(const Config& config);

} // namespace mlc
