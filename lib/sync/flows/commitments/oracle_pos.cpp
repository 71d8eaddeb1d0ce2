#include "auth/fingerprint.hpp"
#include "core/clock.hpp"
#include "core/decimal.hpp"
#include "oracle/account_combinations.hpp"
#include "oracle/purchase_orders.hpp"
#include "procore/commitments.hpp"
#include "store/links.hpp"
#include "store/postings.hpp"
#include "store/retries.hpp"
#include "store/watermarks.hpp"
#include "sync/engine/connections.hpp"
#include "sync/engine/errors.hpp"
#include "sync/engine/names.hpp"
#include "sync/engine/outbox.hpp"
#include "sync/flows/commitments/commitment_plan.hpp"
#include "sync/flows/commitments/commitments.hpp"
#include "sync/flows/commitments/flow_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace mlc::flows {

namespace {

using engine::flow::oracle_pos;
using procore::CommitmentType;

constexpr std::size_t k_title_max = 255;

// Oracle's PO status -> the Procore purchase order contract status (the reference's enum:
// Draft, Processing, Submitted, Partially Received, Received, Approved, Closed). A PO open for
// receiving or invoicing is an approved commitment; a cancelled one is closed.
std::string procore_status(const std::string& oracle_status)
{
    std::string s = oracle_status;
    std::ranges::transform(s, s.begin(),
                           [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (s == "OPEN" || s == "CLOSED FOR RECEIVING" || s == "CLOSED FOR INVOICING") {
        return "Approved";
    }
    if (s == "CLOSED" || s == "FINALLY CLOSED" || s == "CANCELED" || s == "CANCELLED") {
        return "Closed";
    }
    if (s == "PENDING APPROVAL") {
        return "Submitted";
    }
    return "Draft";
}

std::vector<std::string> split(const std::string& text, char delimiter)
{
    std::vector<std::string> out{""};
    for (const char c : text) {
        if (c == delimiter) {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    return out;
}

std::optional<Decimal> money(const std::string& text)
{
    return text.empty() ? std::optional<Decimal>{} : Decimal::parse(text);
}

// One planned PO.
struct PoPlan {
    std::string skip;  // set: not sent, and why
    std::string error; // set: a per-record failure (data)
    std::int64_t project = 0;
    procore::CommitmentSyncItem header;
    std::vector<procore::CommitmentLineSyncItem> lines;
    std::string status;    // the final status, sent after the lines
    std::string header_fp; // header and status
    std::string lines_fp;  // the lines
    std::string summary;
};

class OraclePoFlow {
public:
    OraclePoFlow(engine::Context& ctx, const engine::PassOptions& options,
                 const engine::FlowScope& scope, const CommitmentScope& projects)
        : ctx_(ctx), options_(options), scope_(scope), projects_(projects), links_(ctx.db()),
          retries_(ctx.db()), watermarks_(ctx.db()), outbox_(ctx.db(), ctx.run.run_id()),
          procore_(ctx.connections.procore().http(), ctx.config.procore.base_url,
                   ctx.config.procore.company_id),
          oracle_(ctx.connections.oracle()), now_(format_iso8601(ctx.clock.now()))
    {
        sum_.flow = std::string(oracle_pos.name);
        sum_.title = std::string(oracle_pos.title);
        sum_.stream = std::string(oracle_pos.stream);
        for (const auto id : ctx.config.mapping.project_ids()) {
            if (const auto pm = ctx.config.mapping.project(id); pm && !pm->cost_center.empty()) {
                project_of_cc_[pm->cost_center].push_back(id);
            }
        }
    }

    engine::FlowSummary run()
    {
        if (project_of_cc_.empty()) {
            sum_.skipped_reason = "no project in mapping.projects names a cost center";
            return sum_;
        }
        if (!options_.dry_run) {
            resolve_unconfirmed();
        }
        oracle::PurchaseOrderApi api(oracle_);
        const auto sink = [this](oracle::PurchaseOrderPage& page) {
            ++sum_.pages;
            for (const auto& po : page.orders) {
                process(po);
                if (po.last_update_date > seen_time_
                    || (po.last_update_date == seen_time_ && po.id > seen_id_)) {
                    seen_time_ = po.last_update_date;
                    seen_id_ = po.id;
                }
            }
            return true;
        };
        // Re-reads by id first (the retry queue, replay), then the incremental read.
        std::vector<std::int64_t> ids;
        for (const auto& k : scope_.keys) {
            if (!k.empty() && k.find_first_not_of("0123456789") == std::string::npos) {
                ids.push_back(std::stoll(k));
            }
        }
        for (const auto& p : scope_.replay) {
            if (const auto id = replay_id(p); id) {
                ids.push_back(*id);
            }
        }
        if (scope_.incremental) {
            for (const auto& r : retries_.due(std::string(oracle_pos.stream), now_)) {
                try {
                    ids.push_back(std::stoll(r.record_key));
                } catch (const std::exception&) {
                }
            }
        }
        if (!ids.empty()) {
            std::ranges::sort(ids);
            ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
            const auto saved_time = seen_time_;
            const auto saved_id = seen_id_;
            if (auto r = api.read_by_ids(ids, sink); !r) {
                engine::stop("oracle", "reading purchase orders by id", r.error());
            }
            seen_time_ = saved_time; // a re-read never moves the cursor
            seen_id_ = saved_id;
        }
        if (scope_.incremental) {
            oracle::IncrementalCursor cursor;
            const auto w = watermarks_.get(std::string(oracle_pos.stream));
            if (w) {
                sum_.watermark_before = w->cursor_time + "|" + w->cursor_key;
            }
            if (!options_.since.empty()) {
                cursor.since = options_.since;
            } else if (w && !options_.full) {
                Clock::time_point t;
                if (parse_iso8601(w->cursor_time, t)) {
                    cursor.since = format_iso8601(
                        t - std::chrono::seconds(ctx_.config.oracle.poll_overlap_seconds));
                    cursor.after_time = w->cursor_time;
                    cursor.after_key = w->cursor_key;
                }
            }
            if (auto r = api.read_changed(cursor, sink); !r) {
                engine::stop("oracle", "reading purchase orders", r.error());
            }
            sum_.watermark_after = sum_.watermark_before;
            // A --project pass skips the POs of other projects, so it must not move the
            // watermark past them.
            if (!options_.dry_run && !seen_time_.empty() && projects_.projects.empty()) {
                const bool newer =
                    !w || seen_time_ > w->cursor_time
                    || (seen_time_ == w->cursor_time && std::to_string(seen_id_) != w->cursor_key);
                if (newer) { // the overlap re-read alone never moves it back
                    watermarks_.set(
                        {std::string(oracle_pos.stream), seen_time_, std::to_string(seen_id_), ""});
                    sum_.watermark_after = seen_time_ + "|" + std::to_string(seen_id_);
                }
            }
        }
        sum_.replayed = replayed_;
        return sum_;
    }

private:
    // --- planning ---------------------------------------------------------------------------

    PoPlan plan(const oracle::PurchaseOrder& po)
    {
        PoPlan p;
        if (const auto ours = links_.find_by_oracle("commitment", std::to_string(po.id)); ours) {
            p.skip = "created by ml-connector from Procore commitment "
                     + ours->procore_key.value_or("?") + ": never sent back";
            return p;
        }
        if (po.description.find("[MLC ") != std::string::npos) {
            p.skip = "carries an ml-connector reference: created from Procore, never sent back";
            return p;
        }
        const auto& m = ctx_.config.mapping;
        const auto cc_index = static_cast<std::size_t>(m.chart.cost_center_segment - 1);
        std::set<std::string> centers;
        for (const auto& l : po.lines) {
            for (const auto& s : l.schedules) {
                for (const auto& d : s.distributions) {
                    const auto segs = split(d.charge_account, m.chart.delimiter);
                    if (cc_index < segs.size()) {
                        centers.insert(segs[cc_index]);
                    }
                }
            }
        }
        std::set<std::int64_t> projects;
        std::string names;
        for (const auto& cc : centers) {
            names += (names.empty() ? "" : ", ") + cc;
            if (const auto it = project_of_cc_.find(cc); it != project_of_cc_.end()) {
                projects.insert(it->second.begin(), it->second.end());
            }
        }
        if (projects.empty()) {
            p.skip = fmt::format("charges no mapped project (cost center {})",
                                 names.empty() ? "none" : names);
            return p;
        }
        if (projects.size() > 1) {
            p.skip =
                fmt::format("charges several mapped projects (cost centers {}): not split", names);
            return p;
        }
        p.project = *projects.begin();
        const auto vendor = links_.find_by_oracle("vendor", std::to_string(po.supplier_id));
        if (!vendor || !vendor->procore_key) {
            p.error = fmt::format("supplier {} ({}) has no Procore vendor: run sync-suppliers",
                                  po.supplier, po.supplier_id);
            return p;
        }
        p.header.origin_id = std::to_string(po.id);
        p.header.origin_code = po.number;
        p.header.number = po.number;
        p.header.title = po.description.empty() ? "Oracle PO " + po.number : po.description;
        if (p.header.title.size() > k_title_max) {
            p.header.title.resize(k_title_max);
        }
        p.header.vendor_id = std::stoll(*vendor->procore_key);
        p.header.origin_data = "ml-connector: Oracle PO " + po.number;
        p.status = procore_status(po.status);

        std::vector<std::pair<std::string, std::string>> lf;
        std::string summary = fmt::format("vendor: {}\nstatus: {}", p.header.vendor_id, p.status);
        for (const auto& l : po.lines) {
            procore::CommitmentLineSyncItem li;
            li.origin_id = fmt::format("{}-{}", po.id, l.number);
            li.description = l.description;
            const auto qty = money(l.quantity);
            const auto price = money(l.price);
            auto amount = money(l.amount);
            if (!amount && qty && price) {
                amount = (*qty * *price).rounded(2);
            }
            if (!amount) {
                p.error = fmt::format("PO {} line {} has no amount", po.number, l.number);
                return p;
            }
            li.amount = amount->fixed(2);
            if (!l.amount_based && qty && price && !l.uom.empty()) {
                li.quantity = qty->str();
                li.unit_cost = price->str();
                li.uom = l.uom;
            }
            std::string charge;
            for (const auto& s : l.schedules) {
                for (const auto& d : s.distributions) {
                    charge = d.charge_account;
                }
            }
            const auto code = cost_code_of(p.project, charge);
            if (!code) {
                p.error = fmt::format("PO {} line {}: charge account {} maps to no cost code of "
                                      "project {} (it must be a GL account sync-suppliers made "
                                      "a cost code of, or named in mapping.cost_codes.accounts)",
                                      po.number, l.number, charge, p.project);
                return p;
            }
            li.cost_code_id = *code;
            lf.emplace_back(li.origin_id,
                            fmt::format("{}|{}|{}|{}|{}|{}", li.description, li.amount, li.quantity,
                                        li.unit_cost, li.uom, li.cost_code_id));
            summary += fmt::format("\nline {}: {} | {} | cost code {}", l.number, li.description,
                                   li.amount, li.cost_code_id);
            p.lines.push_back(std::move(li));
        }
        p.header_fp = fingerprint({{"number", p.header.number},
                                   {"title", p.header.title},
                                   {"vendor", std::to_string(p.header.vendor_id)},
                                   {"status", p.status},
                                   {"project", std::to_string(p.project)}});
        p.lines_fp = fingerprint(lf);
        p.summary = std::move(summary);
        return p;
    }

    // The project cost code a charge account maps back to: the GL combination (looked up by
    // its segments) -> the ERP standard cost code sync-suppliers made of it -> the project's
    // copy of that code; or the accounts mapping's full code.
    std::optional<std::int64_t> cost_code_of(std::int64_t project, const std::string& charge)
    {
        const auto& m = ctx_.config.mapping;
        const auto& codes = codes_.of(project);
        for (const auto& [full_code, account] : m.cost_code_accounts) {
            if (account == charge) {
                for (const auto& [id, cc] : codes) {
                    if (cc.full_code == full_code) {
                        return id;
                    }
                }
            }
        }
        auto combo = combination_of_.find(charge);
        if (combo == combination_of_.end()) {
            auto found = oracle::find_account_by_segments(oracle_, m.chart.segments,
                                                          split(charge, m.chart.delimiter));
            if (!found) {
                engine::stop("oracle", "looking up GL account " + charge, found.error());
            }
            combo = combination_of_.emplace(charge, *found ? (*found)->id : 0).first;
        }
        if (combo->second == 0) {
            return std::nullopt;
        }
        const auto link = links_.find_by_oracle("cost_code", std::to_string(combo->second));
        for (const auto& [id, cc] : codes) {
            if ((link && link->procore_key
                 && std::to_string(cc.standard_cost_code_id) == *link->procore_key)
                || cc.origin_id == std::to_string(combo->second)) {
                return id;
            }
        }
        return std::nullopt;
    }

    // --- one PO -------------------------------------------------------------------------------

    void process(const oracle::PurchaseOrder& po)
    {
        if (!processed_.insert(po.id).second) {
            return;
        }
        ++sum_.read;
        const std::string key = std::to_string(po.id);
        const std::string name = po.number + " " + po.supplier;
        auto p = plan(po);
        if (!p.skip.empty()) {
            const bool ours = p.skip.find("never sent back") != std::string::npos;
            ++sum_.planned[ours ? "echo" : "skip"];
            add_sample(ours ? "echo" : "skip", key, name, p.skip);
            if (!ours) { // a PO someone may want in Procore: listed with its reason
                sum_.attention.push_back({"skip", key, "", name, p.skip});
            }
            if (!options_.dry_run) {
                retries_.clear_all(std::string(oracle_pos.stream), key);
            }
            return;
        }
        if (!projects_.projects.empty()
            && std::ranges::find(projects_.projects, p.project) == projects_.projects.end()) {
            return;
        }
        if (!p.error.empty()) {
            fail(key, name, p.error, "");
            return;
        }
        const std::string fp = p.header_fp + p.lines_fp;
        const auto link = links_.find_by_oracle(std::string(oracle_pos.link_kind), key);
        bool send_lines = true;
        if (link) {
            if (link->fingerprint == fp && !forced(key)) {
                ++sum_.planned["skip"];
                return;
            }
            send_lines = link->fingerprint.substr(64) != p.lines_fp || forced(key);
            if (send_lines && procore_status_was_locked(*link)) {
                hold(key, name, *link, p);
                return;
            }
        }
        const char* action = link ? "update" : "create";
        ++sum_.planned[action];
        add_sample(action, key, name, "");
        if (options_.dry_run) {
            return;
        }
        post(key, name, p, fp, send_lines, !link);
    }

    bool forced(const std::string& key) const
    {
        return std::ranges::find(scope_.keys, key) != scope_.keys.end();
    }

    // The status we last wrote locks the commitment's lines (Approved or Closed).
    static bool procore_status_was_locked(const store::Link& link)
    {
        const auto s = link.summary.value_or("");
        return s.find("status: Approved") != std::string::npos
               || s.find("status: Closed") != std::string::npos;
    }

    void post(const std::string& key, const std::string& name, const PoPlan& p,
              const std::string& fp, bool send_lines, bool is_new)
    {
        const CommitmentType type = CommitmentType::purchase_order;
        std::string request = procore::commitment_sync_item_json(p.header);
        for (const auto& l : p.lines) {
            request += "\n" + procore::commitment_line_sync_item_json(l);
        }
        engine::PostHandlers h;
        h.send = [&]() -> std::expected<std::string, http::Error> {
            // 1. The commitment, unapproved while it is new (an Approved one's lines are locked).
            auto header = p.header;
            header.status = is_new || send_lines ? (is_new ? "Draft" : "") : p.status;
            auto made = procore_.sync(type, p.project, {header});
            if (!made) {
                return std::unexpected(made.error());
            }
            if (made->entities.empty()) {
                return std::unexpected(refusal(made->errors));
            }
            const auto id = made->entities.front().id;
            // 2. Its lines.
            if (send_lines) {
                auto lines = procore_.sync_lines(type, p.project, id, p.lines);
                if (!lines) {
                    return std::unexpected(lines.error());
                }
                if (!lines->errors.empty()) {
                    return std::unexpected(refusal(lines->errors));
                }
            }
            // 3. Its status, last.
            if (header.status != p.status) {
                auto st = p.header;
                st.status = p.status;
                auto done = procore_.sync(type, p.project, {st});
                if (!done) {
                    return std::unexpected(done.error());
                }
                if (done->entities.empty()) {
                    return std::unexpected(refusal(done->errors));
                }
            }
            return std::to_string(id);
        };
        h.lookup = [&]() -> engine::LookupResult {
            // The sync endpoints upsert by origin_id, so a resend cannot make a second
            // commitment; found means it holds the final status with every line.
            auto got = procore_.find_by_origin_ids(type, p.project, {p.header.origin_id});
            if (!got) {
                return std::unexpected(got.error());
            }
            for (const auto& c : *got) {
                if (c.status == p.status) {
                    return std::optional<engine::Found>{engine::Found{std::to_string(c.id)}};
                }
            }
            return std::optional<engine::Found>{};
        };
        h.confirmed = [&](const std::string& remote_id, bool found) {
            procore::Commitment c;
            c.type = type;
            c.project_id = p.project;
            c.id = std::stoll(remote_id);
            store::Link link{.kind = std::string(oracle_pos.link_kind),
                             .oracle_key = key,
                             .procore_key = commitment_key(c),
                             .fingerprint = fp,
                             .origin = "oracle",
                             .drift = std::nullopt,
                             .summary = p.summary,
                             .remote_updated_at = std::nullopt,
                             .updated_at = {}};
            if (auto up = links_.upsert(link); !up) {
                audit(key, commitment_key(c), engine::action::failed, up.error().message);
            }
            audit(key, commitment_key(c),
                  found ? engine::action::confirmed
                        : (is_new ? engine::action::created : engine::action::updated),
                  fmt::format("commitment {} in project {}", remote_id, p.project));
            outbox_.postings().supersede_failed(std::string(oracle_pos.link_kind), key,
                                                "a version of the PO was applied");
            retries_.clear_all(std::string(oracle_pos.stream), key);
        };
        h.failed = [&](const std::string&, const std::string& message) {
            audit(key, std::nullopt, engine::action::failed, message);
            schedule_retry(key, message);
        };
        const engine::PostingSpec spec{.key = fmt::format("{}:{}:{}", oracle_pos.link_kind, key,
                                                          fp.substr(0, 16) + fp.substr(64, 8)),
                                       .kind = std::string(oracle_pos.link_kind),
                                       .target = "procore",
                                       .request = request,
                                       .records = {key + " " + fp}};
        // An earlier version left `sent`: looked up first (found: confirmed; absent: failed,
        // lost), never resent blindly. The same version is looked up by post() itself.
        for (const auto& old : unconfirmed_[key]) {
            if (old.source_key == spec.key) {
                continue;
            }
            const auto resolved = outbox_.resolve(old, h);
            if (resolved.outcome == engine::PostOutcome::unknown) {
                engine::stop("procore", "looking up the commitment of Oracle PO " + key,
                             resolved.error.value_or(http::Error{}));
            }
            ++(resolved.outcome == engine::PostOutcome::found ? sum_.resolved : sum_.lost);
        }
        unconfirmed_.erase(key);
        const auto r = outbox_.post(spec, h);
        ++sum_.write_calls;
        using engine::PostOutcome;
        switch (r.outcome) {
        case PostOutcome::sent:
        case PostOutcome::found:
            if (r.outcome == PostOutcome::found) {
                ++sum_.resolved;
            }
            ++(is_new ? sum_.created : sum_.updated);
            break;
        case PostOutcome::refused:
        case PostOutcome::lost:
            ++sum_.failed;
            sum_.failures.push_back(
                {"failed", key, "", name, r.error ? engine::describe(*r.error) : "refused"});
            break;
        case PostOutcome::unknown:
        case PostOutcome::not_sent:
            engine::stop("procore", "writing the commitment of Oracle PO " + key,
                         r.error.value_or(http::Error{}));
        default:
            break;
        }
    }

    static http::Error refusal(const std::vector<procore::SyncItemError>& errors)
    {
        http::Error e;
        e.kind = http::ErrorKind::status;
        e.status = 422;
        e.message = errors.empty() ? "refused without a message" : errors.front().message;
        return e;
    }

    void hold(const std::string& key, const std::string& name, const store::Link& link,
              const PoPlan& p)
    {
        const std::string diff = summary_diff(link.summary.value_or(""), p.summary);
        const std::string why = fmt::format(
            "changed after its commitment was approved: {} (its lines are locked in Procore: a "
            "commitment change order is needed)",
            diff.empty() ? "lines differ" : diff);
        ++sum_.held;
        sum_.attention.push_back({"held", key, link.procore_key.value_or(""), name, why});
        if (options_.dry_run) {
            return;
        }
        store::Transaction tx(ctx_.db());
        const std::string fp = p.header_fp + p.lines_fp;
        auto posting = outbox_.postings().record_pending(
            fmt::format("{}:{}:{}", oracle_pos.link_kind, key, fp.substr(0, 16) + fp.substr(64, 8)),
            std::string(oracle_pos.link_kind), "procore", "", {key + " " + fp}, ctx_.run.run_id());
        if (posting.status == store::posting_status::pending) {
            outbox_.postings().mark_held(posting.id, why);
            audit(key, link.procore_key, engine::action::held, why);
        }
        tx.commit();
    }

    // --- engine chores ------------------------------------------------------------------------

    // Postings an earlier pass recorded: never sent (pending) are superseded; left `sent` (a
    // crash, a lost answer) stay so until the PO is re-read and planned, and post() looks them up
    // in Procore before anything is sent again. Either way the PO is queued for a re-read now.
    void resolve_unconfirmed()
    {
        auto& postings = outbox_.postings();
        const std::string kind(oracle_pos.link_kind);
        store::PostingFilter f;
        f.kinds = {kind};
        f.statuses = {"pending", "sent"};
        for (const auto& p : postings.list(f)) {
            for (const auto& r : engine::item_refs(p.records)) {
                retries_.schedule(std::string(oracle_pos.stream), r.key, store::retry_reason::lost,
                                  now_);
                if (p.status == store::posting_status::sent) {
                    unconfirmed_[r.key].push_back(p);
                }
            }
        }
        sum_.superseded += postings.supersede_unsent({kind});
    }

    std::optional<std::int64_t> replay_id(const store::Posting& p)
    {
        const auto refs = engine::item_refs(p.records);
        if (refs.empty()) {
            return std::nullopt;
        }
        replayed_[p.id] = "re-read and planned again";
        audit(refs.front().key, p.remote_id, engine::action::replayed,
              fmt::format("posting {} ({}) re-read and planned again", p.id, p.status));
        try {
            return std::stoll(refs.front().key);
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }

    void fail(const std::string& key, const std::string& name, const std::string& message,
              const std::string& fp)
    {
        ++sum_.failed;
        sum_.failures.push_back({"failed", key, "", name, message});
        if (options_.dry_run) {
            return;
        }
        store::Transaction tx(ctx_.db());
        auto p = outbox_.postings().record_pending(
            fmt::format("{}:{}:unmapped", oracle_pos.link_kind, key),
            std::string(oracle_pos.link_kind), "procore", "", {key + " " + fp}, ctx_.run.run_id());
        if (p.status == store::posting_status::pending
            || p.status == store::posting_status::failed) {
            outbox_.postings().mark_failed(p.id, store::error_class::data, message);
        }
        audit(key, std::nullopt, engine::action::failed, message);
        schedule_retry(key, message);
        tx.commit();
    }

    void schedule_retry(const std::string& key, const std::string& message)
    {
        schedule_failed(retries_, ctx_.clock, oracle_pos.stream, key, message);
    }

    void audit(const std::string& key, const std::optional<std::string>& procore_key,
               std::string_view action, const std::string& message)
    {
        audit_record(ctx_, oracle_pos, {key, procore_key, action, message, {}, {}});
    }

    void add_sample(const std::string& action, const std::string& key, const std::string& name,
                    const std::string& message)
    {
        flows::add_sample(sum_, options_.sample_rows, {action, key, "", name, message});
    }

    engine::Context& ctx_;
    const engine::PassOptions& options_;
    const engine::FlowScope& scope_;
    const CommitmentScope& projects_;
    store::Links links_;
    store::Retries retries_;
    store::Watermarks watermarks_;
    engine::Outbox outbox_;
    procore::CommitmentApi procore_;
    oracle::Client& oracle_;
    std::string now_;
    engine::FlowSummary sum_;
    std::map<std::string, std::vector<std::int64_t>> project_of_cc_;
    ProjectCostCodes codes_{procore_};
    std::map<std::string, std::int64_t> combination_of_;
    std::set<std::int64_t> processed_;
    std::map<std::int64_t, std::string> replayed_;
    std::map<std::string, std::vector<store::Posting>> unconfirmed_; // PO key -> left `sent`
    std::string seen_time_;
    std::int64_t seen_id_ = 0;
};

} // namespace

engine::FlowSummary sync_oracle_pos(engine::Context& ctx, const engine::PassOptions& options,
                                    const engine::FlowScope& scope, const CommitmentScope& projects)
{
    OraclePoFlow flow(ctx, options, scope, projects);
    return flow.run();
}

} // namespace mlc::flows
