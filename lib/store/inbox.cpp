#include "store/inbox.hpp"

#include "core/log.hpp"
#include "store/columns.hpp"
#include "store/database.hpp"

#include <fmt/format.h>

namespace mlc::store {
namespace {

constexpr const char* k_inbox_columns =
    "id, event_id, resource_name, event_type, resource_id, project_id, "
    "company_id, received_at, payload, status, processed_at, message";

// The SQL texts built from k_inbox_columns, once: Database::prepared() keys its cache by the text.
const std::string& select_by_event_id_sql()
{
    static const std::string sql =
        fmt::format("SELECT {} FROM inbox WHERE event_id = ?", k_inbox_columns);
    return sql;
}

InboxEvent read_inbox_event(SQLite::Statement& st)
{
    InboxEvent e;
    e.id = st.getColumn(0).getInt64();
    e.event_id = st.getColumn(1).getString();
    e.resource_name = st.getColumn(2).getString();
    e.event_type = st.getColumn(3).getString();
    e.resource_id = st.getColumn(4).getString();
    e.project_id = optional_text(st.getColumn(5));
    e.company_id = optional_text(st.getColumn(6));
    e.received_at = st.getColumn(7).getString();
    e.payload = st.getColumn(8).getString();
    e.status = st.getColumn(9).getString();
    e.processed_at = optional_text(st.getColumn(10));
    e.message = optional_text(st.getColumn(11));
    return e;
}

} // namespace

bool Inbox::insert(const InboxEvent& event)
{
    try {
        auto prepared =
            db_.prepared("INSERT OR IGNORE INTO inbox(event_id, resource_name, event_type, "
                         "resource_id, project_id, company_id, received_at, payload, status, "
                         "processed_at, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        auto& st = *prepared;
        st.bind(1, event.event_id);
        st.bind(2, event.resource_name);
        st.bind(3, event.event_type);
        st.bind(4, event.resource_id);
        bind_optional(st, 5, event.project_id);
        bind_optional(st, 6, event.company_id);
        st.bind(7, event.received_at);
        st.bind(8, event.payload);
        st.bind(9, event.status);
        bind_optional(st, 10, event.processed_at);
        bind_optional(st, 11,
                      event.message ? std::optional(log::redact(*event.message)) : std::nullopt);
        return st.exec() == 1;
    } catch (...) {
        rethrow_as_store_error(db_, "inserting webhook event " + event.event_id);
    }
}

std::optional<InboxEvent> Inbox::find(const std::string& event_id) const
{
    try {
        auto st = db_.prepared(select_by_event_id_sql());
        st->bind(1, event_id);
        if (st->executeStep()) {
            return read_inbox_event(*st);
        }
        return std::nullopt;
    } catch (...) {
        rethrow_as_store_error(db_, "reading webhook event " + event_id);
    }
}

bool Inbox::contains_any(const std::vector<std::string>& event_ids) const
{
    try {
        auto st = db_.prepared("SELECT 1 FROM inbox WHERE event_id = ?");
        for (const auto& id : event_ids) {
            if (id.empty()) {
                continue;
            }
            st->reset();
            st->bind(1, id);
            if (st->executeStep()) {
                return true;
            }
        }
        return false;
    } catch (...) {
        rethrow_as_store_error(db_, "reading the inbox");
    }
}

std::vector<InboxEvent> Inbox::list(const std::string& status,
                                    const std::vector<std::string>& resource_names) const
{
    try {
        std::string placeholders;
        for (std::size_t i = 0; i < resource_names.size(); ++i) {
            placeholders += i == 0 ? "?" : ", ?";
        }
        const std::string where =
            resource_names.empty()
                ? "status = ?"
                : fmt::format("status = ? AND resource_name IN ({})", placeholders);
        // One text per number of resource names: a handful, so caching each is fine.
        auto prepared = db_.prepared(
            fmt::format("SELECT {} FROM inbox WHERE {} ORDER BY id", k_inbox_columns, where));
        auto& st = *prepared;
        st.bind(1, status);
        int index = 2;
        for (const auto& name : resource_names) {
            st.bind(index++, name);
        }
        std::vector<InboxEvent> out;
        while (st.executeStep()) {
            out.push_back(read_inbox_event(st));
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "reading the inbox");
    }
}

void Inbox::set_status(std::int64_t id, const std::string& status,
                       const std::optional<std::string>& message)
{
    try {
        auto st =
            db_.prepared("UPDATE inbox SET status = ?, processed_at = ?, message = ? WHERE id = ?");
        st->bind(1, status);
        st->bind(2, db_.now_text());
        bind_optional(*st, 3, message ? std::optional(log::redact(*message)) : std::nullopt);
        st->bind(4, id);
        st->exec();
    } catch (...) {
        rethrow_as_store_error(db_, "updating a webhook event");
    }
}

std::vector<InboxCount> Inbox::counts() const
{
    try {
        auto st = db_.prepared("SELECT status, resource_name, COUNT(*) FROM inbox "
                               "GROUP BY status, resource_name ORDER BY status, resource_name");
        std::vector<InboxCount> out;
        while (st->executeStep()) {
            out.push_back(InboxCount{st->getColumn(0).getString(), st->getColumn(1).getString(),
                                     st->getColumn(2).getInt64()});
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "counting the inbox");
    }
}

std::optional<std::string> Inbox::oldest_fresh_received_at() const
{
    try {
        auto st = db_.prepared("SELECT MIN(received_at) FROM inbox WHERE status = ?");
        st->bind(1, inbox_status::fresh);
        if (st->executeStep() && !st->getColumn(0).isNull()) {
            return st->getColumn(0).getString();
        }
        return std::nullopt;
    } catch (...) {
        rethrow_as_store_error(db_, "reading the inbox");
    }
}

std::vector<StatusCount> count_postings_by_status(Database& db)
{
    try {
        auto st =
            db.prepared("SELECT status, COUNT(*) FROM postings GROUP BY status ORDER BY status");
        std::vector<StatusCount> out;
        while (st->executeStep()) {
            out.push_back(StatusCount{st->getColumn(0).getString(), st->getColumn(1).getInt64()});
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db, "counting postings");
    }
}

} // namespace mlc::store
