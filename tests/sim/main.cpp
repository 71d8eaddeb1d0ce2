// ml-connector-sim: starts the Oracle Fusion and Procore simulators, prints one JSON line
// with their URLs and credentials once both listen, and runs until SIGTERM/SIGINT.
#include "simulators.hpp"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>

int main(int argc, char** argv)
{
    mlc::sim::SimOptions o;
    CLI::App app{"ml-connector-sim: Oracle Fusion and Procore simulators"};
    app.add_option("--seed", o.seed, "data seed (same seed, same data)");
    app.add_option("--suppliers", o.suppliers, "Oracle suppliers to seed")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--accounts", o.accounts, "Oracle GL code combinations to seed")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--projects", o.projects, "Procore projects to seed")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--commitments-per-project", o.commitments_per_project)
        ->check(CLI::NonNegativeNumber);
    app.add_option("--costs-per-project", o.costs_per_project)->check(CLI::NonNegativeNumber);
    app.add_option("--subcontracts-per-project", o.subcontracts_per_project,
                   "Procore work order contracts to seed per project (default 0)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--oracle-port", o.oracle_port, "0 = any free port")
        ->check(CLI::Range(0, 65535));
    app.add_option("--procore-port", o.procore_port, "0 = any free port")
        ->check(CLI::Range(0, 65535));
    app.add_option("--bind", o.bind, "listen address");
    app.add_option("--company-id", o.company_id, "Procore company id");
    app.add_option("--oracle-token-ttl", o.oracle_token_ttl, "seconds")->check(CLI::PositiveNumber);
    app.add_option("--procore-token-ttl", o.procore_token_ttl, "seconds")
        ->check(CLI::PositiveNumber);
    app.add_option("--procore-hourly-limit", o.procore_hourly_limit)->check(CLI::PositiveNumber);
    app.add_option("--procore-spike-limit", o.procore_spike_limit, "per 10 s window")
        ->check(CLI::PositiveNumber);
    app.add_option("--ess-polls", o.ess_polls_to_finish, "ESS status polls before a terminal state")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--ess-seconds", o.ess_seconds,
                   "virtual seconds after which an ESS job finishes even if nobody polls")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--webhook-duplicates", o.webhook_duplicates,
                 "deliver some webhooks twice and out of order");
    app.add_flag("--accounts-pod-shape", o.accounts_pod_shape,
                 "serve accountCombinationsLOV as live pods do: segments named by the chart's "
                 "codes, Y/N flags, no LastUpdateDate");
    app.add_flag("--minimal-trigger-records", o.minimal_trigger_records,
                 "webhook trigger records carry only id, resource_name and event_type");
    CLI11_PARSE(app, argc, argv);

    // Block the stop signals before any thread starts, so only sigwait below sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    try {
        mlc::sim::Simulators sims(o);
        sims.start();
        std::cout << sims.ready_json() << std::endl;
        int received = 0;
        sigwait(&stop_signals, &received);
        sims.stop();
    } catch (const std::exception& e) {
        std::cerr << "error: ml-connector-sim: " << e.what() << "\n";
        return 3;
    }
    return 0;
}
