// `ml-connector ping`: checks both systems; exit 0 when both answer, 3 otherwise.
#include "admin/ping.hpp"

#include "commands.hpp"
#include "core/log.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace mlc::cmd {

namespace {

void print_system(const admin::SystemPing& p)
{
    if (!p.ok) {
        fmt::print("{:<8} FAIL  {}\n", p.system, p.error);
        if (!p.hint.empty()) {
            fmt::print("{:<8}       hint: {}\n", "", p.hint);
        }
        return;
    }
    std::string line = fmt::format("{:<8} ok    latency {} ms, token valid {} s", p.system,
                                   p.latency_ms, p.token_lifetime_s);
    if (p.system == "procore") {
        line += fmt::format(", company \"{}\", {} visible project{}", p.company_name, p.projects,
                            p.projects == 1 ? "" : "s");
        if (p.rate_limit.limit >= 0) {
            line +=
                fmt::format(", rate limit {}/{} left", p.rate_limit.remaining, p.rate_limit.limit);
        }
    }
    fmt::print("{}\n", line);
}

} // namespace

void set_ping_command(CLI::App& app, Context& ctx)
{
    auto* sub = app.add_subcommand("ping", "Check both systems: token, reachability, company and "
                                           "project access");
    auto json = std::make_shared<bool>(false);
    sub->add_flag("--json", *json, "Print a machine-readable report");
    sub->callback([&ctx, json] {
        const Config config = ctx.load_config();
        if (const auto left = starter_placeholders(config); !left.empty()) {
            std::string pointers;
            for (const auto& p : left) {
                pointers += (pointers.empty() ? "" : ", ") + p;
            }
            throw ConfigError(
                fmt::format("{} still hold{} the starter config's placeholder{}", pointers,
                            left.size() == 1 ? "s" : "", left.size() == 1 ? "" : "s"),
                "put your Oracle pod, identity domain, client ids and Procore company id in "
                "the config; nothing was sent");
        }
        engine::Connections connections(config, system_clock());
        const admin::PingReport report = admin::ping(config, connections);
        if (*json) {
            fmt::print("{}\n", admin::to_json(report));
        } else {
            print_system(report.oracle);
            print_system(report.procore);
            std::string calls;
            for (const auto& [endpoint, count] : report.calls) {
                calls += fmt::format("{}{} x{}", calls.empty() ? "" : ", ", endpoint, count);
            }
            fmt::print("API calls: {}\n", calls);
        }
        std::fflush(stdout);
        // The README's error contract: a failure is also one `error:` line on stderr.
        for (const auto* p : {&report.oracle, &report.procore}) {
            if (!p->ok) {
                const std::string line =
                    p->hint.empty()
                        ? fmt::format("error: ping: {}: {}\n", p->system, p->error)
                        : fmt::format("error: ping: {}: {} ({})\n", p->system, p->error, p->hint);
                std::fputs(log::redact(line).c_str(), stderr);
            }
        }
        ctx.exit_code = static_cast<int>(report.ok() ? ExitCode::ok : ExitCode::unreachable);
    });
}

} // namespace mlc::cmd
