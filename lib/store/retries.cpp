#include "store/retries.hpp"

#include "core/log.hpp"
#include "store/columns.hpp"
#include "store/database.hpp"

namespace mlc::store {
namespace {

constexpr const char* k_select =
    "SELECT stream, record_key, reason, due_at, attempts, last_error FROM retries ";

Retry read_retry(SQLite::Statement& st)
{
    Retry r;
    r.stream = st.getColumn(0).getString();
    r.record_key = st.getColumn(1).getString();
    r.reason = st.getColumn(2).getString();
    r.due_at = st.getColumn(3).getString();
    r.attempts = st.getColumn(4).getInt();
    r.last_error = optional_text(st.getColumn(5));
    return r;
}

} // namespace

void Retries::schedule(const std::string& stream, const std::string& record_key,
                       const std::string& reason, const std::string& due_at,
                       const std::optional<std::string>& error, bool count_attempt)
{
    try {
        auto st = db_.prepared(
            "INSERT INTO retries(stream, record_key, reason, due_at, attempts, last_error, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(stream, record_key, reason) "
            "DO UPDATE SET due_at = excluded.due_at, last_error = excluded.last_error, "
            "attempts = retries.attempts + excluded.attempts, updated_at = excluded.updated_at");
        st->bind(1, stream);
        st->bind(2, record_key);
        st->bind(3, reason);
        st->bind(4, due_at);
        st->bind(5, count_attempt ? 1 : 0);
        bind_optional(*st, 6, error ? std::optional(log::redact(*error)) : std::nullopt);
        st->bind(7, db_.now_text());
        st->exec();
    } catch (...) {
        rethrow_as_store_error(db_, "queueing a re-read");
    }
}

void Retries::clear(const std::string& stream, const std::string& record_key,
                    const std::string& reason)
{
    try {
        SQLite::Statement st(
            db_.handle(), "DELETE FROM retries WHERE stream = ? AND record_key = ? AND reason = ?");
        st.bind(1, stream);
        st.bind(2, record_key);
        st.bind(3, reason);
        st.exec();
    } catch (...) {
        rethrow_as_store_error(db_, "clearing a re-read");
    }
}

void Retries::clear_all(const std::string& stream, const std::string& record_key)
{
    try {
        SQLite::Statement st(db_.handle(),
                             "DELETE FROM retries WHERE stream = ? AND record_key = ?");
        st.bind(1, stream);
        st.bind(2, record_key);
        st.exec();
    } catch (...) {
        rethrow_as_store_error(db_, "clearing a re-read");
    }
}

std::optional<Retry> Retries::find(const std::string& stream, const std::string& record_key,
                                   const std::string& reason) const
{
    try {
        SQLite::Statement st(db_.handle(), std::string(k_select)
                                               + "WHERE stream = ? AND record_key = ? AND "
                                                 "reason = ?");
        st.bind(1, stream);
        st.bind(2, record_key);
        st.bind(3, reason);
        if (st.executeStep()) {
            return read_retry(st);
        }
        return std::nullopt;
    } catch (...) {
        rethrow_as_store_error(db_, "reading the retry queue");
    }
}

std::vector<Retry> Retries::due(const std::string& stream, const std::string& now) const
{
    try {
        SQLite::Statement st(db_.handle(), std::string(k_select)
                                               + "WHERE stream = ? AND due_at <= ? "
                                                 "ORDER BY due_at, record_key, reason");
        st.bind(1, stream);
        st.bind(2, now);
        std::vector<Retry> out;
        while (st.executeStep()) {
            out.push_back(read_retry(st));
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "reading the retry queue");
    }
}

std::vector<Retry> Retries::all(const std::string& stream, const std::string& reason) const
{
    try {
        SQLite::Statement st(db_.handle(), std::string(k_select)
                                               + "WHERE stream = ? AND (? = '' OR reason = ?) "
                                                 "ORDER BY due_at, record_key, reason");
        st.bind(1, stream);
        st.bind(2, reason);
        st.bind(3, reason);
        std::vector<Retry> out;
        while (st.executeStep()) {
            out.push_back(read_retry(st));
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "reading the retry queue");
    }
}

std::vector<RetryCount> Retries::counts() const
{
    try {
        SQLite::Statement st(db_.handle(),
                             "SELECT stream, reason, COUNT(*), MIN(due_at) FROM retries "
                             "GROUP BY stream, reason ORDER BY stream, reason");
        std::vector<RetryCount> out;
        while (st.executeStep()) {
            out.push_back(RetryCount{.stream = st.getColumn(0).getString(),
                                     .reason = st.getColumn(1).getString(),
                                     .count = st.getColumn(2).getInt64(),
                                     .earliest_due = st.getColumn(3).getString()});
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "counting the retry queue");
    }
}

} // namespace mlc::store
