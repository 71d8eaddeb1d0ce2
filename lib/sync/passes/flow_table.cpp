#include "sync/passes/flow_table.hpp"

#include "sync/flows/commitments/commitments.hpp"
#include "sync/flows/cost_codes/cost_codes.hpp"
#include "sync/flows/invoices/invoices.hpp"
#include "sync/flows/journals/journals.hpp"
#include "sync/flows/payments/payments.hpp"
#include "sync/flows/suppliers/suppliers.hpp"

#include <vector>

namespace mlc::passes {

std::span<const FlowEntry> flow_table()
{
    static const std::vector<FlowEntry> table{
        {&engine::flow::vendors, flows::sync_vendors},
        {&engine::flow::cost_codes, flows::sync_cost_codes},
        {&engine::flow::commitments,
         [](engine::Context& ctx, const engine::PassOptions& options,
            const engine::FlowScope& scope) {
             return flows::sync_commitments(ctx, options, scope);
         }},
        {&engine::flow::invoices,
         [](engine::Context& ctx, const engine::PassOptions& options,
            const engine::FlowScope& scope) { return flows::sync_invoices(ctx, options, scope); }},
        {&engine::flow::payments,
         [](engine::Context& ctx, const engine::PassOptions& options,
            const engine::FlowScope& scope) { return flows::sync_payments(ctx, options, scope); }},
        {&engine::flow::costs,
         [](engine::Context& ctx, const engine::PassOptions& options,
            const engine::FlowScope& scope) {
             static const flows::CostScope all;
             return flows::post_cost_journals(ctx, options, scope, all);
         }},
    };
    return table;
}

const FlowEntry* flow_entry(std::string_view name)
{
    for (const auto& e : flow_table()) {
        if (e.info->name == name) {
            return &e;
        }
    }
    return nullptr;
}

} // namespace mlc::passes
