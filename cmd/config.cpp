// `ml-connector config validate`: every error in the config file at once, each with its JSON
// pointer (exit 2), or that it is valid (exit 0). `config show`: the effective configuration,
// secrets shown only by where they come from (admin/config_report.hpp).
#include "admin/config_report.hpp"
#include "commands.hpp"
#include "core/json_writer.hpp"
#include "core/log.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <memory>

namespace mlc::cmd {

void set_config_command(CLI::App& app, Context& ctx)
{
    auto* config = app.add_subcommand("config", "Check the config file, or show the effective one");
    config->require_subcommand(1);
    auto json = std::make_shared<bool>(false);

    auto* validate = config->add_subcommand(
        "validate", "Every error in the config file at once, each with its JSON pointer");
    validate->add_flag("--json", *json, "Machine-readable output");
    validate->callback([&ctx, json] {
        const auto file = ctx.config_file();
        std::vector<std::string> errors;
        std::vector<std::string> notes;
        try {
            const Config loaded = ctx.load_config();
            for (const auto& p : starter_placeholders(loaded)) {
                notes.push_back(p + " still holds the starter config's placeholder");
            }
        } catch (const ConfigErrors& e) {
            errors = e.errors();
        } catch (const ConfigError& e) {
            errors.emplace_back(e.what());
        }
        if (*json) {
            json::Writer w;
            w.begin_object().field("file", file.string()).field("valid", errors.empty());
            w.key("errors").begin_array();
            for (const auto& e : errors) {
                w.string(log::redact(e));
            }
            w.end_array().key("notes").begin_array();
            for (const auto& n : notes) {
                w.string(n);
            }
            w.end_array().end_object();
            fmt::print("{}\n", w.str());
        } else if (errors.empty()) {
            fmt::print("{}: valid\n", file.string());
            for (const auto& n : notes) {
                fmt::print("note: {}\n", n);
            }
        }
        std::fflush(stdout);
        for (const auto& e : errors) {
            std::fputs(log::redact(fmt::format("error: {}\n", e)).c_str(), stderr);
        }
        ctx.exit_code = static_cast<int>(errors.empty() ? ExitCode::ok : ExitCode::usage);
    });

    auto* show = config->add_subcommand(
        "show", "The effective configuration as JSON: defaults filled in, paths resolved, "
                "--state and --metrics-file applied; secrets only by where they come "
                "from");
    show->callback([&ctx] {
        fmt::print("{}\n", admin::effective_config_json(ctx.load_config()));
        std::fflush(stdout);
        ctx.exit_code = 0;
    });
}

} // namespace mlc::cmd
