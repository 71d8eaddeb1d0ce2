#include "sync/engine/procore_sync_target.hpp"

#include "procore/vendors.hpp"
#include "sync/engine/pacing.hpp"

namespace mlc::engine {

ProcoreSyncTarget::ProcoreSyncTarget(http::Client& http, std::string base_url,
                                     std::int64_t company_id, std::string path, Scope scope,
                                     Lister lister, Clock& clock)
    : http_(http), base_url_(std::move(base_url)), company_id_(company_id), path_(std::move(path)),
      scope_(std::move(scope)), lister_(std::move(lister)), clock_(clock)
{
    while (!base_url_.empty() && base_url_.back() == '/') {
        base_url_.pop_back();
    }
}

std::string ProcoreSyncTarget::body(const std::vector<const FlowRecord*>& items)
{
    std::vector<std::string> jsons;
    jsons.reserve(items.size());
    for (const auto* r : items) {
        jsons.push_back(r->item_json);
    }
    std::vector<std::pair<std::string, std::int64_t>> scope;
    if (scope_) {
        scope = scope_();
    }
    return procore::sync_body(company_id_, scope, jsons);
}

std::string ProcoreSyncTarget::scope_text()
{
    std::string out = path_ + " company " + std::to_string(company_id_);
    if (scope_) {
        for (const auto& [name, value] : scope_()) {
            out += " " + name + " " + std::to_string(value);
        }
    }
    return out;
}

std::expected<ItemAnswers, http::Error>
ProcoreSyncTarget::send(const std::vector<const FlowRecord*>& items, const std::string& body)
{
    auto result = procore::send_sync(http_, base_url_, path_, body);
    if (!result) {
        return std::unexpected(result.error());
    }
    ItemAnswers answers;
    for (const auto& e : result->entities) {
        answers.written[e.origin_id] = std::to_string(e.id);
    }
    // Errors echo the item's attributes: origin_id when it was sent, else only the id.
    std::unordered_map<std::int64_t, std::string> key_of_sent_id;
    for (const auto* r : items) {
        if (r->sent_id) {
            key_of_sent_id[*r->sent_id] = r->key;
        }
    }
    for (const auto& e : result->errors) {
        if (!e.origin_id.empty()) {
            answers.refused[e.origin_id] = e.message;
        } else if (e.id) {
            if (const auto it = key_of_sent_id.find(*e.id); it != key_of_sent_id.end()) {
                answers.refused[it->second] = e.message;
            }
        }
    }
    return answers;
}

std::expected<std::map<std::string, std::string>, http::Error>
ProcoreSyncTarget::find(const std::vector<ItemRef>& items)
{
    if (!listing_) {
        auto listed = lister_();
        if (!listed) {
            return std::unexpected(listed.error());
        }
        listing_ = std::move(*listed);
    }
    std::map<std::string, std::string> found;
    for (const auto& item : items) {
        const auto it = listing_->find(item.key);
        if (it == listing_->end()) {
            continue;
        }
        if (item.fingerprint.empty() || it->second.fingerprint == item.fingerprint) {
            found[item.key] = it->second.id;
        }
    }
    return found;
}

void ProcoreSyncTarget::before_write()
{
    pace_writes(http_, clock_);
}

} // namespace mlc::engine
