#pragma once
// A Procore webhook delivery as plain data: the few fields that say *what* changed (a webhook
// carries no resource data). Both payload formats are read: v2/v3 (numeric ids, resource_name,
// event_type) and v4 (string ids, resource_type, reason). IDs are kept as their exact decimal
// text because some exceed 2^53 and must never pass through a double.
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace mlc::spool {

struct WebhookEvent {
    std::string event_id; // the delivery's identity for deduplication: ulid if present, else id
    std::string id;       // v2/v3: the numeric id as text; v4: the ULID string
    std::string ulid;     // v2/v3 only; empty when absent
    std::string resource_name; // v4: resource_type
    std::string event_type;    // v4: reason (may be more than create/update/delete)
    std::string resource_id;   // decimal text
    std::string project_id;    // decimal text; empty for company-level resources
    std::string company_id;    // decimal text; empty when absent
    std::string user_id;       // decimal text; empty when absent
    std::optional<std::string>
        source_application_id; // metadata.source_application_id; null -> nullopt
    std::string timestamp;     // as sent, e.g. "2025-02-06T23:34:12.246562Z"
    int payload_version = 2;   // 2, 3 or 4
};

// Parses one delivery. Errors are one line naming the field: "resource_id: missing",
// "company_id: expected an integer or a string of digits", "malformed JSON at offset 12: ...".
std::expected<WebhookEvent, std::string> parse_event(std::string_view body);

// True when `body` is well-formed UTF-8 JSON whose top level is an object. The listener's cheap
// check: any object is spooled (parse_event may still reject it at ingest, where it is kept in
// rejected/ rather than lost). Iterative, so deep nesting cannot exhaust the stack.
bool is_json_object(std::string_view body);

} // namespace mlc::spool
