#include "oracle_sim.hpp"

namespace mlc::sim {

struct OracleSim::State {};

OracleSim::OracleSim(const SimOptions& options, VirtualClock& clock)
    : options_(options), clock_(clock), state_(std::make_unique<State>()) {}
OracleSim::~OracleSim() = default;

void OracleSim::mount(httplib::Server& server) { mount_admin(server, *this, stats_, faults_, clock_); }

std::optional<std::string> OracleSim::data_json(const std::string&) { return std::nullopt; }
std::pair<int, std::string> OracleSim::mutate(const std::string&) { return {400, "{}"}; }
std::string OracleSim::issue_token() { return {}; }

} // namespace mlc::sim
