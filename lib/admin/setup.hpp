#pragma once
// `init`: everything a new installation needs, idempotently: a commented starter config (kept
// if one exists), the state database with its migrations, and the 0600 vault key file (unless
// ML_CONNECTOR_KEY supplies the key).
#include <filesystem>
#include <string>

namespace mlc::admin {

struct InitResult {
    std::filesystem::path config_path;
    bool config_written = false; // false: an existing config was kept
    std::filesystem::path state_path;
    int schema_version = 0;
    std::filesystem::path key_path; // empty when ML_CONNECTOR_KEY is set
    bool key_written = false;
};

// Writes the starter config when `config_path` does not exist (or `force_config`), then loads
// and validates it, creates/migrates the state database and creates the key file if missing.
// Throws ConfigError/Fatal.
InitResult initialize(const std::filesystem::path& config_path, bool force_config,
                      const std::string& state_override);

} // namespace mlc::admin
