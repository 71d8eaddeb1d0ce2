#include "sync/engine/names.hpp"

#include <array>

namespace mlc::engine {

namespace {

constexpr std::array<const FlowInfo*, 6> k_flows{&flow::vendors,     &flow::cost_codes,
                                                 &flow::commitments, &flow::invoices,
                                                 &flow::payments,    &flow::costs};

// Commitment change orders have no webhook resource of their own: they arrive as "Change Order
// Packages" (reference: the sandbox's /webhooks/resources listing). A "Direct Cost Line Items"
// event names a line, not its direct cost: it makes post-costs sweep that project.
// "Requisitions" (sub invoices) is in no public listing: `webhooks install` subscribes only to
// what Procore offers, so its pass relies on the sweep; the route stays so that an event, should
// Procore ever send one, waits in the inbox for its pass.
constexpr std::array<WebhookRoute, 7> k_routes{{
    {"Company Vendors", command::sync_suppliers, flow::vendors.name, "vendors changed in Procore"},
    {"Purchase Order Contracts", command::pull_pos, flow::commitments.name,
     "purchase order contracts"},
    {"Work Order Contracts", command::pull_pos, flow::commitments.name, "subcontracts"},
    {"Requisitions", command::pull_pos, "", "sub invoices (requisitions)"},
    {"Direct Costs", command::post_costs, flow::costs.name, "direct costs"},
    {"Direct Cost Line Items", command::post_costs, flow::costs.name, "direct cost lines"},
    {"Change Order Packages", command::post_costs, flow::costs.name, "commitment change orders"},
}};

} // namespace

std::vector<std::string> FlowInfo::posting_kinds() const
{
    std::vector<std::string> out{std::string(link_kind)};
    for (const auto k : {batch_kind, extra_kind}) {
        if (!k.empty()) {
            out.emplace_back(k);
        }
    }
    return out;
}

std::span<const FlowInfo* const> flows()
{
    return k_flows;
}

const FlowInfo* find_flow(std::string_view name)
{
    for (const auto* f : k_flows) {
        if (f->name == name) {
            return f;
        }
    }
    return nullptr;
}

const FlowInfo* flow_of_posting_kind(std::string_view kind)
{
    for (const auto* f : k_flows) {
        if (f->link_kind == kind || (!f->batch_kind.empty() && f->batch_kind == kind)
            || (!f->extra_kind.empty() && f->extra_kind == kind)) {
            return f;
        }
    }
    return nullptr;
}

std::span<const WebhookRoute> webhook_routes()
{
    return k_routes;
}

const WebhookRoute* find_route(std::string_view resource_name)
{
    for (const auto& r : k_routes) {
        if (r.resource == resource_name) {
            return &r;
        }
    }
    return nullptr;
}

std::string owning_pass(std::string_view resource_name)
{
    for (const auto& r : k_routes) {
        if (r.resource == resource_name) {
            return std::string(r.command);
        }
    }
    return {};
}

std::vector<std::string> resources_of_pass(std::string_view pass)
{
    std::vector<std::string> out;
    for (const auto& r : k_routes) {
        if (r.command == pass) {
            out.emplace_back(r.resource);
        }
    }
    return out;
}

std::vector<std::string> consumed_resources()
{
    std::vector<std::string> out;
    for (const auto& r : k_routes) {
        out.emplace_back(r.resource);
    }
    return out;
}

} // namespace mlc::engine
