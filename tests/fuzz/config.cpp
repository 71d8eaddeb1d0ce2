// Fuzz target: a config file's text through parse_config, as every command loads it (the //
// comments stripped, the JSON parse, the refusal of secret-looking keys, the JSON Schema
// validation, the mapping), then the accessors the passes call on the result. Any text gives a
// Config or a ConfigError (exit 2) with a message; nothing else may escape.
#include "core/config.hpp"

#include "core/error.hpp"
#include "fuzz_target.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using mlc::fuzz::check;
    const std::string text(mlc::fuzz::text_of(data, size));
    try {
        const mlc::Config cfg = mlc::parse_config(text, "fuzz.json");
        check(!cfg.oracle.rest_root.empty(), "a loaded config has the Oracle REST root");
        for (const std::int64_t project_id : cfg.mapping.project_ids()) {
            check(cfg.mapping.project(project_id).has_value(), "a listed project has a mapping");
        }
        (void)cfg.mapping.project(0);
    } catch (const mlc::ConfigError& e) {
        check(std::string_view(e.what()).size() > std::string_view("config: ").size(),
              "a config error says what is wrong");
    }
    return 0;
}
