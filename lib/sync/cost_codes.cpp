#include "sync/cost_codes.hpp"

#include "core/error.hpp"
#include "core/fingerprint.hpp"
#include "core/json.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/watermarks.hpp"
#include "sync/connections.hpp"
#include "sync/pass.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

namespace mlc::sync {

namespace {

constexpr const char* k_link_kind = "cost_code";
constexpr const char* k_audit_kind = "gl_account";

int segment_number(const rapidjson::Value& v, const std::string& pointer)
{
    int n = 0;
    if (v.IsInt()) {
        n = v.GetInt();
    } else if (v.IsString()) {
        std::string s = v.GetString();
        if (s.starts_with("Segment")) {
            s = s.substr(7);
        }
        try {
            n = std::stoi(s);
        } catch (const std::exception&) {
            n = 0;
        }
    }
    if (n < 1 || n > static_cast<int>(oracle::k_max_segments)) {
        throw ConfigError(pointer + ": expected a segment number 1.."
                              + std::to_string(oracle::k_max_segments) + " or \"SegmentN\"",
                          "e.g. \"natural_account_segment\": 4");
    }
    return n;
}

} // namespace

std::optional<CostCodeMapping> parse_cost_code_mapping(const std::string& mapping_json)
{
    auto doc = json::parse(mapping_json);
    if (!doc || !doc->IsObject()) {
        throw ConfigError("/mapping: expected an object");
    }
    const auto* cc = json::find(*doc, "cost_codes");
    if (cc == nullptr) {
        return std::nullopt;
    }
    if (!cc->IsObject()) {
        throw ConfigError("/mapping/cost_codes: expected object, got " + json::type_name(*cc));
    }
    CostCodeMapping m;
    const auto* nat = json::find(*cc, "natural_account_segment");
    if (nat == nullptr) {
        throw ConfigError("/mapping/cost_codes/natural_account_segment: missing",
                          "name the segment that holds the natural account, e.g. 4");
    }
    m.natural_segment = segment_number(*nat, "/mapping/cost_codes/natural_account_segment");
    if (const auto* segs = json::find(*cc, "code_segments")) {
        if (!segs->IsArray()) {
            throw ConfigError("/mapping/cost_codes/code_segments: expected array, got "
                              + json::type_name(*segs));
        }
        for (rapidjson::SizeType i = 0; i < segs->Size(); ++i) {
            m.code_segments.push_back(segment_number(
                (*segs)[i], "/mapping/cost_codes/code_segments/" + std::to_string(i)));
        }
    }
    if (const auto* types = json::find(*cc, "account_types")) {
        if (!types->IsArray()) {
            throw ConfigError("/mapping/cost_codes/account_types: expected array, got "
                              + json::type_name(*types));
        }
        for (rapidjson::SizeType i = 0; i < types->Size(); ++i) {
            if (!(*types)[i].IsString()) {
                throw ConfigError("/mapping/cost_codes/account_types/" + std::to_string(i)
                                  + ": expected string, got " + json::type_name((*types)[i]));
            }
            m.account_types.emplace_back((*types)[i].GetString());
        }
    }
    if (const auto* ranges = json::find(*cc, "account_ranges")) {
        if (!ranges->IsArray()) {
            throw ConfigError("/mapping/cost_codes/account_ranges: expected array, got "
                              + json::type_name(*ranges));
        }
        for (rapidjson::SizeType i = 0; i < ranges->Size(); ++i) {
            const auto& r = (*ranges)[i];
            if (!r.IsArray() || r.Size() != 2 || !r[0].IsString() || !r[1].IsString()) {
                throw ConfigError("/mapping/cost_codes/account_ranges/" + std::to_string(i)
                                      + ": expected [\"from\", \"to\"]",
                                  "e.g. [[\"5000\", \"5999\"]]");
            }
            m.ranges.emplace_back(r[0].GetString(), r[1].GetString());
        }
    }
    if (auto name = json::get_string(*cc, "list_name")) {
        if (name->empty()) {
            throw ConfigError("/mapping/cost_codes/list_name: must not be empty");
        }
        m.list_name = *name;
    }
    return m;
}

std::string cost_code_filter_reason(const oracle::AccountCombination& a, const CostCodeMapping& m,
                                    std::string_view today)
{
    if (!a.enabled) {
        return "not enabled";
    }
    if (!a.detail_posting) {
        return "detail posting not allowed";
    }
    if (!a.end_date.empty() && std::string_view(a.end_date).substr(0, 10) < today) {
        return "ended " + a.end_date;
    }
    if (!m.account_types.empty()
        && std::find(m.account_types.begin(), m.account_types.end(), a.account_type)
               == m.account_types.end()) {
        return "account type " + a.account_type + " not published";
    }
    const auto& natural = a.segments[static_cast<std::size_t>(m.natural_segment - 1)];
    if (!m.ranges.empty()) {
        // Same-length numeric account codes compare correctly as text.
        const bool in_range = std::any_of(m.ranges.begin(), m.ranges.end(), [&](const auto& r) {
            return natural >= r.first && natural <= r.second;
        });
        if (!in_range) {
            return "natural account " + natural + " outside the published ranges";
        }
    }
    return {};
}

CostCodeDecision plan_cost_code(const oracle::AccountCombination& a,
                                const std::optional<VendorLinkState>& link,
                                const CostCodeMapping& mapping, std::string_view today)
{
    CostCodeDecision d;
    d.item.origin_id = std::to_string(a.id);
    d.item.origin_data = "{\"LastUpdateDate\":\"" + a.last_update_date + "\"}";
    std::vector<std::size_t> segs;
    if (mapping.code_segments.empty()) {
        for (std::size_t i = 0; i < oracle::k_max_segments; ++i) {
            if (!a.segments[i].empty()) {
                segs.push_back(i);
            }
        }
    } else {
        for (int n : mapping.code_segments) {
            segs.push_back(static_cast<std::size_t>(n - 1));
        }
    }
    for (const std::size_t i : segs) {
        d.item.code += (d.item.code.empty() ? "" : "-") + a.segments[i];
        if (!a.descriptions[i].empty()) {
            d.item.name += (d.item.name.empty() ? "" : " - ") + a.descriptions[i];
        }
    }
    if (d.item.name.empty()) {
        d.item.name = d.item.code;
    }
    d.fingerprint = fingerprint(
        {{"origin_id", d.item.origin_id}, {"code", d.item.code}, {"name", d.item.name}});
    if (link) {
        d.before_fp = link->fingerprint;
        if (link->procore_key) {
            try {
                d.procore_id = std::stoll(*link->procore_key);
            } catch (const std::exception&) {
                d.procore_id.reset();
            }
        }
    }
    if (auto why = cost_code_filter_reason(a, mapping, today); !why.empty()) {
        d.action = "filtered";
        d.message = why;
        return d;
    }
    if (link && link->origin == "procore") {
        d.action = "echo";
        return d;
    }
    if (link && link->procore_key) {
        d.action = link->fingerprint == d.fingerprint ? "skip" : "update";
        return d;
    }
    d.action = "create";
    return d;
}

namespace {

class CostCodeFlow {
public:
    CostCodeFlow(const Config& config, Connections& connections, store::Database& db,
                 store::AuditLog& audit, std::optional<std::int64_t> run_id, Clock& clock,
                 const SyncPassOptions& options, CostCodeMapping mapping)
        : config_(config), connections_(connections), db_(db), audit_(audit), run_id_(run_id),
          clock_(clock), options_(options), mapping_(std::move(mapping)), links_(db),
          watermarks_(db), postings_(db),
          api_(connections.procore().http(), config.procore.base_url, config.procore.company_id)
    {
        sum_.flow = "cost_codes";
        sum_.stream = k_accounts_stream;
        today_ = format_iso8601(clock.now()).substr(0, 10);
    }

    FlowSummary run()
    {
        if (auto wm = watermarks_.get(k_accounts_stream)) {
            stored_ = Cursor{wm->cursor_time, wm->cursor_key};
        }
        processed_ = stored_;
        sum_.watermark_before = stored_.empty() ? "" : stored_.time + "|" + stored_.key;
        std::string since;
        if (!options_.since.empty()) {
            Clock::time_point t{};
            if (!parse_iso8601(options_.since, t)) {
                throw UsageError("--since '" + options_.since + "' is not an ISO-8601 time");
            }
            since = format_iso8601(t);
        } else if (!options_.full && !stored_.empty()) {
            since = minus_seconds(stored_.time, config_.oracle.poll_overlap_seconds);
        }
        auto read = oracle::read_account_combinations(
            connections_.oracle(), since,
            [this](oracle::AccountPage& page) {
                ++sum_.pages;
                for (const auto& a : page.accounts) {
                    on_account(a);
                }
                write_deferred_audit();
                return true;
            },
            options_.page_size);
        flush();
        write_deferred_audit();
        if (!options_.dry_run) {
            store::Transaction tx(db_);
            set_watermark(processed_);
            tx.commit();
        }
        if (!read) {
            throw UnreachableError(
                "oracle: reading accountCombinationsLOV failed: " + read.error().message,
                "check `ml-connector ping` and the GL enterprise-structures privilege");
        }
        sum_.watermark_after = stored_.empty() ? "" : stored_.time + "|" + stored_.key;
        return std::move(sum_);
    }

private:
    void on_account(const oracle::AccountCombination& a)
    {
        ++sum_.read;
        const Cursor cursor{a.last_update_date, std::to_string(a.id)};
        if (cursor_less(processed_, cursor)) {
            processed_ = cursor;
        }
        std::optional<VendorLinkState> link;
        if (auto l = links_.find_by_oracle(k_link_kind, std::to_string(a.id))) {
            link = VendorLinkState{l->procore_key, l->fingerprint, l->origin};
        }
        auto d = plan_cost_code(a, link, mapping_, today_);
        ++sum_.planned[d.action];
        auto& rows = sum_.samples[d.action];
        if (static_cast<int>(rows.size()) < options_.sample_rows) {
            rows.push_back(PlanRow{d.action, d.item.origin_id,
                                   d.procore_id ? std::to_string(*d.procore_id) : "",
                                   d.item.code + " " + d.item.name, d.message});
        }
        if (d.action != "create" && d.action != "update") {
            if (!options_.dry_run && d.action != "filtered") {
                deferred_.push_back(entry(d, "skipped", std::nullopt,
                                          d.action == "skip" ? "unchanged" : d.message));
            }
            return;
        }
        if (options_.dry_run) {
            return;
        }
        if (auto it = batch_pos_.find(a.id); it != batch_pos_.end()) {
            batch_[it->second] = std::move(d);
            return;
        }
        batch_pos_[a.id] = batch_.size();
        batch_.push_back(std::move(d));
        if (static_cast<int>(batch_.size()) >= options_.batch_size) {
            flush();
        }
    }

    store::AuditEntry entry(const CostCodeDecision& d, const char* action,
                            std::optional<int> status, std::string message) const
    {
        store::AuditEntry e;
        e.run_id = run_id_;
        e.command = k_sync_suppliers_command;
        e.record_kind = k_audit_kind;
        e.oracle_key = d.item.origin_id;
        if (d.procore_id) {
            e.procore_key = std::to_string(*d.procore_id);
            e.remote_id = e.procore_key;
        }
        e.action = action;
        e.before_fp = d.before_fp;
        e.after_fp = d.fingerprint;
        e.remote_status = status;
        if (!message.empty()) {
            e.message = std::move(message);
        }
        return e;
    }

    void write_deferred_audit()
    {
        if (deferred_.empty()) {
            return;
        }
        store::Transaction tx(db_);
        for (auto& e : deferred_) {
            audit_.append(std::move(e));
        }
        tx.commit();
        deferred_.clear();
    }

    void fail_item(const CostCodeDecision& d, std::optional<int> status, const std::string& message)
    {
        const std::string key = "cost_code:" + d.item.origin_id + ":" + d.fingerprint.substr(0, 16);
        auto posting = postings_.record_pending(
            key, "cost_code", "procore", procore::standard_cost_code_item_json(d.item), run_id_);
        postings_.mark_failed(posting.id, message);
        audit_.append(entry(d, "failed", status, message));
        ++sum_.failed;
        sum_.failures.push_back(PlanRow{"failed", d.item.origin_id, "", d.item.code, message});
        log::warn("GL account {} ({}) not synced: {}", d.item.origin_id, d.item.code, message);
    }

    std::int64_t list_id()
    {
        if (list_id_ == 0) {
            auto list = api_.find_or_create_list(mapping_.list_name, true);
            if (!list) {
                throw UnreachableError("procore: standard cost code list: " + list.error().message,
                                       "check `ml-connector ping`");
            }
            list_id_ = list->id;
            if (list->created) {
                log::info("procore: created standard cost code list \"{}\" ({})",
                          mapping_.list_name, list_id_);
                ++sum_.write_calls;
            }
        }
        return list_id_;
    }

    void flush()
    {
        if (batch_.empty() || options_.dry_run) {
            return;
        }
        write_deferred_audit();
        const std::int64_t list = list_id();
        std::vector<procore::StandardCostCodeItem> items;
        std::string key_material;
        for (const auto& d : batch_) {
            items.push_back(d.item);
            key_material += d.before_fp.value_or("-") + "\n";
        }
        const std::string body =
            procore::standard_cost_code_sync_body(config_.procore.company_id, list, items);
        key_material += body;
        const auto posting = postings_.record_pending("cost_code_batch:" + sha256_hex(key_material),
                                                      "cost_code_batch", "procore", body, run_id_);
        pace_writes(connections_.procore().http(), clock_);
        postings_.mark_sent(posting.id);
        auto result = api_.sync(list, items);
        ++sum_.write_calls;
        store::Transaction tx(db_);
        if (!result) {
            const auto& err = result.error();
            postings_.mark_failed(posting.id, err.message);
            if (is_fatal_write_error(err)) {
                for (const auto& d : batch_) {
                    audit_.append(entry(d, "failed",
                                        err.status == 0 ? std::nullopt : std::optional(err.status),
                                        "standard_cost_codes/sync failed: " + err.message));
                }
                tx.commit();
                batch_.clear();
                batch_pos_.clear();
                throw UnreachableError("procore: standard_cost_codes/sync failed: " + err.message,
                                       "a rerun resends from the last applied batch");
            }
            for (const auto& d : batch_) {
                fail_item(d, err.status,
                          "standard_cost_codes/sync refused the batch: " + err.message);
            }
        } else {
            std::unordered_map<std::string, std::int64_t> ids;
            for (const auto& e : result->entities) {
                ids[e.origin_id] = e.id;
            }
            std::unordered_map<std::string, std::string> errors;
            for (const auto& e : result->errors) {
                errors[e.origin_id] = e.message;
            }
            for (auto& d : batch_) {
                if (auto it = ids.find(d.item.origin_id); it != ids.end()) {
                    d.procore_id = it->second;
                    auto up = links_.upsert(store::Link{.kind = k_link_kind,
                                                        .oracle_key = d.item.origin_id,
                                                        .procore_key = std::to_string(it->second),
                                                        .fingerprint = d.fingerprint,
                                                        .origin = "oracle",
                                                        .updated_at = {}});
                    if (!up) {
                        fail_item(d, 200, up.error().message);
                        continue;
                    }
                    audit_.append(entry(d, d.action == "create" ? "created" : "updated", 200, ""));
                    ++(d.action == "create" ? sum_.created : sum_.updated);
                    continue;
                }
                const auto e = errors.find(d.item.origin_id);
                fail_item(d, 200,
                          e != errors.end() ? e->second
                                            : std::string("no entity and no error returned"));
            }
            postings_.mark_confirmed(posting.id,
                                     fmt::format("{} entities, {} errors", result->entities.size(),
                                                 result->errors.size()));
        }
        set_watermark(processed_);
        tx.commit();
        batch_.clear();
        batch_pos_.clear();
    }

    void set_watermark(const Cursor& c)
    {
        if (c.empty() || !cursor_less(stored_, c)) {
            return; // never moves back
        }
        watermarks_.set(store::Watermark{.stream = k_accounts_stream,
                                         .cursor_time = c.time,
                                         .cursor_key = c.key,
                                         .updated_at = {}});
        stored_ = c;
    }

    const Config& config_;
    Connections& connections_;
    store::Database& db_;
    store::AuditLog& audit_;
    std::optional<std::int64_t> run_id_;
    Clock& clock_;
    const SyncPassOptions& options_;
    CostCodeMapping mapping_;
    store::Links links_;
    store::Watermarks watermarks_;
    store::Postings postings_;
    procore::CostCodeApi api_;
    FlowSummary sum_;
    std::string today_;
    Cursor stored_;
    Cursor processed_;
    std::int64_t list_id_ = 0;
    std::vector<CostCodeDecision> batch_;
    std::unordered_map<std::int64_t, std::size_t> batch_pos_;
    std::vector<store::AuditEntry> deferred_;
};

} // namespace

FlowSummary sync_cost_codes(const Config& config, Connections& connections, store::Database& db,
                            store::AuditLog& audit, std::optional<std::int64_t> run_id,
                            Clock& clock, const SyncPassOptions& options)
{
    auto mapping = parse_cost_code_mapping(config.mapping_json);
    if (!mapping) {
        FlowSummary sum;
        sum.flow = "cost_codes";
        sum.stream = k_accounts_stream;
        sum.skipped_reason = "no mapping.cost_codes section in the config";
        return sum;
    }
    CostCodeFlow flow(config, connections, db, audit, run_id, clock, options, std::move(*mapping));
    return flow.run();
}

} // namespace mlc::sync
