#include "sync/passes/sync_suppliers.hpp"

#include "core/json_writer.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"
#include "sync/flows/cost_codes/cost_codes.hpp"
#include "sync/flows/suppliers/suppliers.hpp"

#include <fmt/format.h>

namespace mlc::passes {

ExitCode exit_code_of(const std::vector<engine::FlowSummary>& flows)
{
    for (const auto& f : flows) {
        if (f.failed > 0 || f.held > 0) {
            return ExitCode::partial;
        }
    }
    return ExitCode::ok;
}

PassResult run_sync_suppliers(const Config& config, engine::Connections& connections, Clock& clock,
                              const SyncSuppliersOptions& options)
{
    const auto& pass = options.pass;
    if (pass.batch_size < 1 || pass.batch_size > 1000) {
        throw UsageError("batch size must be 1..1000 (Procore's sync limit)");
    }
    if (pass.page_size < 1 || pass.page_size > 500) {
        throw UsageError("page size must be 1..500 (Oracle's limit)");
    }
    engine::PassRun run(config, engine::command::sync_suppliers, pass.dry_run, clock, &connections);
    return run.guard([&] {
        engine::Context ctx{config, connections, clock, run};
        PassResult result;
        result.command = std::string(engine::command::sync_suppliers);
        result.dry_run = pass.dry_run;
        result.run_id = run.run_id();
        result.interrupted_runs = run.interrupted_runs();
        if (options.vendors) {
            result.flows.push_back(flows::sync_vendors(ctx, pass));
        }
        if (options.cost_codes) {
            result.flows.push_back(flows::sync_cost_codes(ctx, pass));
        }
        result.api_calls = connections.calls().snapshot();
        result.exit_code = exit_code_of(result.flows);
        run.finish(result.exit_code, to_json(result));
        return result;
    });
}

std::string to_json(const PassResult& result)
{
    json::Writer w;
    w.begin_object();
    w.field("command", result.command);
    w.field("dry_run", result.dry_run);
    if (result.run_id) {
        w.field("run_id", *result.run_id);
    }
    w.field("exit_code", static_cast<int>(result.exit_code));
    if (!result.interrupted_runs.empty()) {
        w.key("interrupted_runs").begin_array();
        for (const auto id : result.interrupted_runs) {
            w.integer(id);
        }
        w.end_array();
    }
    for (const auto& f : result.flows) {
        w.key(f.flow);
        engine::write_json(w, f);
    }
    engine::write_api_calls(w, result.api_calls);
    w.end_object();
    return w.str();
}

std::string to_text(const PassResult& result)
{
    std::string out;
    for (const auto id : result.interrupted_runs) {
        out += fmt::format("run #{} had been interrupted (killed before it finished); resolved "
                           "what it left\n",
                           id);
    }
    for (const auto& f : result.flows) {
        out += engine::to_text(f, result.dry_run);
    }
    out += engine::api_calls_text(result.api_calls);
    return out;
}

} // namespace mlc::passes
