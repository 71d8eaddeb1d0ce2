#pragma once
// Every flow's entry point, by name, in the order passes run them: how `replay` reaches the
// flow that owns a posting without knowing any flow. A new flow adds one row.
#include "sync/engine/batch_flow.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/pass.hpp"
#include "sync/engine/summary.hpp"

#include <functional>
#include <span>

namespace mlc::passes {

struct FlowEntry {
    const engine::FlowInfo* info;
    std::function<engine::FlowSummary(engine::Context&, const engine::PassOptions&,
                                      const engine::FlowScope&)>
        run;
};

std::span<const FlowEntry> flow_table();
const FlowEntry* flow_entry(std::string_view name);

} // namespace mlc::passes
