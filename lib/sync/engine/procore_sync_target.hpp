#pragma once
// A BatchTarget for Procore's `…/sync` endpoints (vendors, standard cost codes, commitments):
// the body {"company_id", <scope>, "updates": [items]}, one PATCH, and the {entities, errors}
// answer mapped back to each item by origin_id (or by the `id` sent, which is all some errors
// echo). find() compares a listing the flow provides (what Procore holds, by origin_id, with the
// fingerprint of the content it holds) with what a posting carried, so a batch whose answer was
// lost is confirmed without a second write when Procore has it, and sent again (an upsert by
// origin_id, so harmless) when it does not.
#include "core/clock.hpp"
#include "http/client.hpp"
#include "sync/engine/batch_flow.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mlc::engine {

class ProcoreSyncTarget : public BatchTarget {
public:
    // What Procore holds for one origin_id.
    struct Held {
        std::string id;          // the Procore id
        std::string fingerprint; // of the content it holds, as the flow fingerprints its items
    };
    using Listing = std::unordered_map<std::string, Held>; // origin_id -> held
    using Lister = std::function<std::expected<Listing, http::Error>()>;
    using Scope = std::function<std::vector<std::pair<std::string, std::int64_t>>()>;

    // `path` is the sync endpoint ("/rest/v1.0/vendors/sync"); `scope` gives the body's extra
    // fields (e.g. standard_cost_code_list_id), asked for at each write.
    ProcoreSyncTarget(http::Client& http, std::string base_url, std::int64_t company_id,
                      std::string path, Scope scope, Lister lister, Clock& clock);

    std::string body(const std::vector<const FlowRecord*>& items) override;
    std::string scope_text() override;
    std::expected<ItemAnswers, http::Error> send(const std::vector<const FlowRecord*>& items,
                                                 const std::string& body) override;
    // Lists once (cached until the next write) and matches by origin_id and fingerprint; an item
    // with no fingerprint matches on origin_id alone.
    std::expected<std::map<std::string, std::string>, http::Error>
    find(const std::vector<ItemRef>& items) override;
    void before_write() override;
    void after_write() override { listing_.reset(); }

private:
    http::Client& http_;
    std::string base_url_;
    std::int64_t company_id_;
    std::string path_;
    Scope scope_;
    Lister lister_;
    Clock& clock_;
    std::optional<Listing> listing_;
};

} // namespace mlc::engine
