#pragma once
// Named crash points, FoundationDB-style: places in the engine where a crash is the worst it
// can be (a posting recorded but not sent, a request sent but its answer not stored, …). A
// build with MLC_CRASH_POINTS (the default developer and test build; release packages turn it
// off) honours ML_CONNECTOR_CRASH_AT=<name>[:<n>]: the process kills itself with SIGKILL the
// n-th time (default the first) it passes <name>, exactly as the kernel or an operator would,
// so the end-to-end tests prove that a rerun after a crash at each point creates nothing twice.
// Without MLC_CRASH_POINTS the call compiles to nothing and the variable is ignored.
#include <string_view>

namespace mlc {

#ifdef MLC_CRASH_POINTS
void crash_point(std::string_view name);
#else
inline void crash_point(std::string_view /*name*/) {}
#endif

// Every point the engine defines, for the tests that visit each one and for --help texts.
inline constexpr std::string_view k_crash_points[] = {
    "ingest.committed",   // spool events are in the inbox, their files not yet moved
    "outbox.recorded",    // a posting is recorded as pending, not yet marked sent
    "outbox.marked_sent", // marked sent, the request not yet made
    "outbox.answered",    // the remote has answered, the answer is not yet stored
    "outbox.confirmed",   // the answer is stored (links, audit), the watermark not yet moved
    "flow.watermark",     // the watermark has moved past the applied records
    "flow.resolved",      // a posting left sent by an earlier pass was resolved by lookup
    "import.requested",   // post-costs: the Journal Import request id is stored, not confirmed
};

} // namespace mlc
