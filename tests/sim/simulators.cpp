#include "simulators.hpp"

#include "json_util.hpp"
#include "oracle_sim.hpp"

#if __has_include("procore_sim.hpp")
#include "procore_sim.hpp"
#define MLC_SIM_HAS_PROCORE 1
#else
#define MLC_SIM_HAS_PROCORE 0
namespace mlc::sim {
class ProcoreSim {};
} // namespace mlc::sim
#endif

#include <stdexcept>

namespace mlc::sim {

Simulators::Simulators(SimOptions options) : options_(std::move(options))
{
    oracle_ = std::make_unique<OracleSim>(options_, clock_);
#if MLC_SIM_HAS_PROCORE
    procore_ = std::make_unique<ProcoreSim>(options_, clock_);
#endif
}

Simulators::~Simulators()
{
    stop();
}

void Simulators::start()
{
    if (started_)
        return;
    oracle_->mount(oracle_listener_.server());
    oracle_listener_.start(options_.bind, options_.oracle_port);
#if MLC_SIM_HAS_PROCORE
    procore_->mount(procore_listener_.server());
    procore_listener_.start(options_.bind, options_.procore_port);
#endif
    started_ = true;
}

void Simulators::stop()
{
#if MLC_SIM_HAS_PROCORE
    if (procore_)
        procore_->stop();
#endif
    procore_listener_.stop();
    oracle_listener_.stop();
}

std::string Simulators::oracle_base_url() const
{
    return oracle_listener_.url();
}
std::string Simulators::oracle_token_url() const
{
    return oracle_listener_.url() + "/oauth2/v1/token";
}
std::string Simulators::procore_base_url() const
{
    return procore_listener_.url();
}
std::string Simulators::procore_token_url() const
{
    return procore_listener_.url() + "/oauth/token";
}

ProcoreSim& Simulators::procore()
{
    if (!procore_)
        throw std::logic_error("the Procore simulator is not built in");
    return *procore_;
}

std::string Simulators::ready_json() const
{
    rapidjson::StringBuffer buf;
    json::Writer w(buf);
    w.StartObject();
    w.Key("ready");
    w.Bool(true);
    w.Key("oracle");
    w.StartObject();
    w.Key("base_url");
    json::write_string(w, oracle_base_url());
    w.Key("rest_root");
    json::write_string(w, oracle_base_url() + "/fscmRestApi/resources/11.13.18.05");
    w.Key("token_url");
    json::write_string(w, oracle_token_url());
    w.Key("client_id");
    json::write_string(w, options_.oracle_client_id);
    w.Key("client_secret");
    json::write_string(w, options_.oracle_client_secret);
    w.EndObject();
    w.Key("procore");
    w.StartObject();
    w.Key("base_url");
    json::write_string(w, procore_base_url());
    w.Key("token_url");
    json::write_string(w, procore_token_url());
    w.Key("client_id");
    json::write_string(w, options_.procore_client_id);
    w.Key("client_secret");
    json::write_string(w, options_.procore_client_secret);
    w.Key("company_id");
    w.Int64(options_.company_id);
    w.EndObject();
    w.Key("seed");
    w.Uint64(options_.seed);
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
}

} // namespace mlc::sim
