#include "procore/payments.hpp"

#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "procore/read_support.hpp"
#include "procore/vendors.hpp"

#include <utility>

namespace mlc::procore {

namespace {

std::expected<ContractPayment, std::string> payment_of(const rapidjson::Value& item)
{
    const auto id = json::get_id(item, "id");
    if (!item.IsObject() || !id) {
        return std::unexpected(std::string("a contract payment without an integer id"));
    }
    ContractPayment p;
    p.id = *id;
    p.contract_id = read::id_flat_or_nested(item, "contract_id", "contract");
    if (p.contract_id == 0) {
        p.contract_id = json::get_id(item, "commitment_id").value_or(0);
    }
    auto amount = read::decimal_of(item, "amount", "contract payment " + std::to_string(p.id));
    if (!amount) {
        return std::unexpected(amount.error());
    }
    p.amount = std::move(*amount);
    p.date = read::date_part(read::text(item, "date"));
    p.origin_id = read::text(item, "origin_id");
    return p;
}

} // namespace

std::string new_contract_payment_json(const NewContractPayment& p)
{
    json::Writer w;
    w.begin_object();
    w.field("project_id", p.project_id);
    w.field("contract_id", p.contract_id);
    w.key("contract_payment").begin_object();
    w.field("amount", p.amount);
    w.field("date", p.date);
    w.field("check_number", p.check_number);
    w.field("invoice_number", p.invoice_number);
    if (p.draw_request_number > 0) {
        w.field("draw_request_number", p.draw_request_number);
    }
    if (!p.payment_method.empty()) {
        w.field("payment_method", p.payment_method);
    }
    w.field("notes", p.notes);
    w.field("origin_id", p.origin_id);
    w.field("origin_data", p.origin_data);
    w.end_object();
    w.end_object();
    return w.str();
}

std::optional<ContractPaymentIdentity> new_contract_payment_identity(const std::string& body)
{
    auto doc = json::parse(body);
    if (!doc || !doc->IsObject()) {
        return std::nullopt;
    }
    ContractPaymentIdentity id;
    id.project_id = json::get_id(*doc, "project_id").value_or(0);
    id.contract_id = json::get_id(*doc, "contract_id").value_or(0);
    if (const auto* p = read::object_member(*doc, "contract_payment"); p != nullptr) {
        id.origin_id = read::text(*p, "origin_id");
    }
    if (id.project_id == 0 || id.contract_id == 0 || id.origin_id.empty()) {
        return std::nullopt;
    }
    return id;
}

std::expected<ContractPayment, std::string> parse_contract_payment(const std::string& body)
{
    auto doc = json::parse(body);
    if (!doc) {
        return std::unexpected(read::parse_error_text(doc.error()));
    }
    return payment_of(*doc);
}

bool is_duplicate_origin(const http::Error& e)
{
    return e.kind == http::ErrorKind::status && e.status == 422
           && e.body.find("origin_id") != std::string::npos
           && e.body.find("taken") != std::string::npos;
}

ContractPaymentApi::ContractPaymentApi(http::Client& http, std::string base_url)
    : http_(http), base_url_(std::move(base_url))
{
    while (!base_url_.empty() && base_url_.back() == '/') {
        base_url_.pop_back();
    }
}

std::expected<ContractPayment, http::Error> ContractPaymentApi::create(const std::string& body)
{
    auto result = send_json(http_, "POST", base_url_ + "/rest/v1.0/contract_payments", body,
                            "/rest/v1.0/contract_payments", /*idempotent=*/false);
    if (!result) {
        return std::unexpected(result.error());
    }
    auto p = parse_contract_payment(result->body);
    if (!p) {
        return std::unexpected(http::shape_error(result->status, p.error()));
    }
    return std::move(*p);
}

std::expected<std::optional<ContractPayment>, http::Error>
ContractPaymentApi::find_by_origin(std::int64_t project_id, std::int64_t contract_id,
                                   const std::string& origin_id)
{
    std::optional<ContractPayment> found;
    const std::string url =
        base_url_ + "/rest/v1.0/contract_payments?project_id=" + std::to_string(project_id)
        + "&contract_id=" + std::to_string(contract_id);
    auto listed = list_pages(
        http_, url, "/rest/v1.0/contract_payments", 100,
        [&found, &origin_id](const std::string& body) -> std::expected<PageCount, std::string> {
            auto doc = json::parse(body);
            if (!doc) {
                return std::unexpected(read::parse_error_text(doc.error()));
            }
            if (!doc->IsArray()) {
                return std::unexpected(std::string("expected an array of contract payments"));
            }
            PageCount count{static_cast<std::int64_t>(doc->Size()), 0};
            for (const auto& item : doc->GetArray()) {
                auto p = payment_of(item);
                if (!p) {
                    return std::unexpected(p.error());
                }
                if (count.first_id == 0) {
                    count.first_id = p->id;
                }
                if (p->origin_id == origin_id) {
                    found = std::move(*p);
                }
            }
            return count;
        });
    if (!listed) {
        return std::unexpected(listed.error());
    }
    return found;
}

} // namespace mlc::procore
