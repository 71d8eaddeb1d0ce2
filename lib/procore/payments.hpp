#pragma once
// Procore contract payments: a payment recorded on a commitment (purchase order or subcontract),
// which is how Oracle's payment of a subcontractor invoice comes back to the project team.
// Field names follow Procore's SDK (Create Contract Payment: top-level project_id and
// contract_id, the attributes under "contract_payment"). A payment with an origin_id is
// immutable in Procore, so it is written once, complete.
#include "http/client.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

namespace mlc::procore {

struct NewContractPayment {
    std::int64_t project_id = 0;
    std::int64_t contract_id = 0;         // the commitment
    std::string amount;                   // decimal text
    std::string date;                     // YYYY-MM-DD, the payment date
    std::string check_number;             // the Oracle payment number
    std::string invoice_number;           // the Oracle invoice number it pays
    std::int64_t draw_request_number = 0; // the requisition's number (0: not sent)
    std::string payment_method;           // ("": not sent)
    std::string notes;
    std::string origin_id;   // the Oracle invoice payment's id
    std::string origin_data; // what the id means, for people
};

std::string new_contract_payment_json(const NewContractPayment& p);

// Where a body new_contract_payment_json wrote goes, and its origin_id (what a lookup needs to
// resolve a posting from its stored request); nullopt when the body does not hold them.
struct ContractPaymentIdentity {
    std::int64_t project_id = 0;
    std::int64_t contract_id = 0;
    std::string origin_id;
};
std::optional<ContractPaymentIdentity> new_contract_payment_identity(const std::string& body);

struct ContractPayment {
    std::int64_t id = 0;
    std::int64_t contract_id = 0;
    std::string amount;
    std::string date;
    std::string origin_id;
};

std::expected<ContractPayment, std::string> parse_contract_payment(const std::string& body);

// Procore's answer to a second payment with the same origin_id (422 "has already been taken").
bool is_duplicate_origin(const http::Error& e);

class ContractPaymentApi {
public:
    ContractPaymentApi(http::Client& http, std::string base_url);

    // POST /rest/v1.0/contract_payments. Not idempotent: the HTTP client resends it only when
    // the server refused it before acting; after any other failure the outbox looks it up.
    std::expected<ContractPayment, http::Error> create(const std::string& body);
    // The commitment's payment carrying `origin_id`: GET /rest/v1.0/contract_payments?project_id=
    // &contract_id=, page by page (a commitment has a payment or two a month). nullopt when none.
    std::expected<std::optional<ContractPayment>, http::Error>
    find_by_origin(std::int64_t project_id, std::int64_t contract_id, const std::string& origin_id);

private:
    http::Client& http_;
    std::string base_url_;
};

} // namespace mlc::procore
