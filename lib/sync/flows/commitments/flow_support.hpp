#pragma once
// What the two commitment flows (Procore -> Oracle and Oracle -> Procore) share: the engine's
// project cost code cache and per-record helpers, under the names the flows use.
#include "sync/engine/cost_accounts.hpp"
#include "sync/engine/record_support.hpp"

namespace mlc::flows {

using engine::add_sample;
using engine::audit_record;
using engine::AuditRecord;
using engine::ProjectCostCodes;
using engine::schedule_failed;

} // namespace mlc::flows
