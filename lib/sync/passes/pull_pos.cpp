#include "sync/passes/pull_pos.hpp"

#include "sync/engine/connections.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"
#include "sync/flows/commitments/commitments.hpp"
#include "sync/flows/invoices/invoices.hpp"
#include "sync/flows/payments/payments.hpp"

namespace mlc::passes {

PassResult run_pull_pos(const Config& config, engine::Connections& connections, Clock& clock,
                        const PullPosOptions& options)
{
    engine::PassRun run(config, engine::command::pull_pos, options.pass.dry_run, clock,
                        &connections);
    return run.guard([&] {
        engine::Context ctx{config, connections, clock, run};
        PassResult result;
        result.command = std::string(engine::command::pull_pos);
        result.dry_run = options.pass.dry_run;
        result.run_id = run.run_id();
        result.interrupted_runs = run.interrupted_runs();
        const engine::FlowScope scope;
        flows::InvoiceScope invoices{.projects = options.projects, .commitment_events = {}};
        const flows::CommitmentScope projects{.projects = options.projects,
                                              .event_projects = &invoices.commitment_events};
        result.flows.push_back(flows::sync_commitments(ctx, options.pass, scope, projects));
        result.flows.push_back(flows::sync_oracle_pos(ctx, options.pass, scope, projects));
        // After the commitments: an invoice needs its commitment's purchase order.
        result.flows.push_back(flows::sync_invoices(ctx, options.pass, scope, invoices));
        // After the invoices: a payment comes back only for an invoice we created.
        const flows::PaymentScope paid{.projects = options.projects};
        result.flows.push_back(flows::sync_payments(ctx, options.pass, scope, paid));
        result.api_calls = connections.calls().snapshot();
        result.exit_code = exit_code_of(result.flows);
        run.finish(result.exit_code, to_json(result));
        return result;
    });
}

} // namespace mlc::passes
