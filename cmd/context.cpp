#include "context.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

namespace mlc::cmd {

std::filesystem::path Context::config_file() const
{
    if (!global.config_path.empty()) {
        return global.config_path;
    }
    if (const char* env = std::getenv("ML_CONNECTOR_CONFIG"); env != nullptr && *env != '\0') {
        return env;
    }
    return "ml-connector.json";
}

Config Context::load_config() const
{
    Config config = mlc::load_config(config_file());
    if (!global.state_path.empty()) {
        config.state.path = global.state_path;
    }
    if (!global.metrics_file.empty()) {
        config.metrics.file = global.metrics_file;
    }
    return config;
}

void Context::report(const std::string& text, bool json) const
{
    if (global.quiet && exit_code == 0 && !json) {
        return;
    }
    fmt::print("{}", text);
    std::fflush(stdout);
}

} // namespace mlc::cmd
