#pragma once
// What the links table says about one source record, as a flow's pure planning sees it: the
// target's id once known, the fingerprint of the content last applied, and where the record
// was born (a record that came from the target is never sent back: no echo).
#include <optional>
#include <string>

namespace mlc::engine {

struct LinkState {
    std::optional<std::string> target_key; // the target's id, once known
    std::string fingerprint;               // of the content last applied
    std::string origin = "oracle";         // the system the record was born in
};

} // namespace mlc::engine
