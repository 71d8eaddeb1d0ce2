#include "admin/setup.hpp"

#include "auth/vault.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

#include <cstdlib>
#include <fstream>
#include <system_error>

namespace mlc::admin {

namespace {

void write_starter_config(const std::filesystem::path& path)
{
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
    }
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << starter_config_text();
        out.flush();
        if (!out) {
            throw ConfigError("cannot write " + path.string(), "check the folder's permissions");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        throw ConfigError("cannot write " + path.string() + ": " + ec.message());
    }
}

} // namespace

InitResult initialize(const std::filesystem::path& config_path, bool force_config,
                      const std::string& state_override)
{
    InitResult result;
    result.config_path = config_path;
    if (force_config || !std::filesystem::exists(config_path)) {
        write_starter_config(config_path);
        result.config_written = true;
    }
    Config config = load_config(config_path);
    if (!state_override.empty()) {
        config.state.path = state_override;
    }
    store::Database db(config.state.path);
    result.state_path = config.state.path;
    result.schema_version = db.schema_version();

    const char* env_key = std::getenv("ML_CONNECTOR_KEY");
    if (env_key == nullptr || *env_key == '\0') {
        result.key_path = config.state.key_file;
        if (!std::filesystem::exists(config.state.key_file)) {
            auth::create_key_file(config.state.key_file);
            result.key_written = true;
        }
    }
    return result;
}

} // namespace mlc::admin
