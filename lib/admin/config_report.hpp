#pragma once
// `ml-connector config show`: the configuration a pass would run with, as JSON. Every setting
// with its effective value (defaults filled in, relative paths resolved against the config
// file's folder, --state applied), the mapping section as written, and for each secret only
// where a pass would take it from (the environment, the vault, or nowhere). Never a secret's
// value: the config file cannot hold one (it is refused), and the vault's are not opened.
#include "core/config.hpp"

#include <string>

namespace mlc::admin {

std::string effective_config_json(const Config& config);

} // namespace mlc::admin
