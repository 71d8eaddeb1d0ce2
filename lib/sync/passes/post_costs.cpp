#include "sync/passes/post_costs.hpp"

#include "sync/engine/connections.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"

namespace mlc::passes {

PostCostsResult run_post_costs(const Config& config, engine::Connections& connections, Clock& clock,
                               const PostCostsOptions& options)
{
    engine::PassRun run(config, engine::command::post_costs, options.pass.dry_run, clock,
                        &connections);
    PostCostsResult out;
    out.pass = run.guard([&] {
        engine::Context ctx{config, connections, clock, run};
        PassResult result;
        result.command = std::string(engine::command::post_costs);
        result.dry_run = options.pass.dry_run;
        result.run_id = run.run_id();
        result.interrupted_runs = run.interrupted_runs();
        const engine::FlowScope scope;
        flows::CostOutput planned;
        result.flows.push_back(
            flows::post_cost_journals(ctx, options.pass, scope, options.scope, &planned));
        out.journals = std::move(planned.journals);
        result.api_calls = connections.calls().snapshot();
        result.exit_code = exit_code_of(result.flows);
        run.finish(result.exit_code, to_json(result));
        return result;
    });
    return out;
}

} // namespace mlc::passes
