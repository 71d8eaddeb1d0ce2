#include "store/postings.hpp"

#include "core/log.hpp"
#include "store/columns.hpp"
#include "store/database.hpp"

#include <fmt/format.h>

namespace mlc::store {
namespace {

constexpr const char* k_columns = "id, source_key, kind, target, status, attempts, remote_id, "
                                  "request, last_error, run_id, created_at, updated_at";

Posting read_row(SQLite::Statement& st)
{
    Posting p;
    p.id = st.getColumn(0).getInt64();
    p.source_key = st.getColumn(1).getString();
    p.kind = st.getColumn(2).getString();
    p.target = st.getColumn(3).getString();
    p.status = st.getColumn(4).getString();
    p.attempts = st.getColumn(5).getInt();
    p.remote_id = optional_text(st.getColumn(6));
    p.request = st.getColumn(7).getString();
    p.last_error = optional_text(st.getColumn(8));
    if (!st.getColumn(9).isNull()) {
        p.run_id = st.getColumn(9).getInt64();
    }
    p.created_at = st.getColumn(10).getString();
    p.updated_at = st.getColumn(11).getString();
    return p;
}

} // namespace

std::optional<Posting> Postings::find(const std::string& source_key) const
{
    try {
        SQLite::Statement st(
            db_.handle(), fmt::format("SELECT {} FROM postings WHERE source_key = ?", k_columns));
        st.bind(1, source_key);
        if (st.executeStep()) {
            return read_row(st);
        }
        return std::nullopt;
    } catch (...) {
        rethrow_as_store_error(db_, "reading posting " + source_key);
    }
}

std::optional<Posting> Postings::find(std::int64_t id) const
{
    try {
        SQLite::Statement st(db_.handle(),
                             fmt::format("SELECT {} FROM postings WHERE id = ?", k_columns));
        st.bind(1, id);
        if (st.executeStep()) {
            return read_row(st);
        }
        return std::nullopt;
    } catch (...) {
        rethrow_as_store_error(db_, "reading a posting");
    }
}

Posting Postings::record_pending(const std::string& source_key, const std::string& kind,
                                 const std::string& target, const std::string& request,
                                 std::optional<std::int64_t> run_id)
{
    try {
        const std::string now = db_.now_text();
        SQLite::Statement st(
            db_.handle(),
            "INSERT INTO postings(source_key, kind, target, status, request, run_id, created_at, "
            "updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?) "
            "ON CONFLICT(source_key) DO NOTHING");
        st.bind(1, source_key);
        st.bind(2, kind);
        st.bind(3, target);
        st.bind(4, request);
        if (run_id) {
            st.bind(5, *run_id);
        } else {
            st.bind(5);
        }
        st.bind(6, now);
        st.bind(7, now);
        st.exec();
    } catch (...) {
        rethrow_as_store_error(db_, "recording posting " + source_key);
    }
    auto row = find(source_key);
    if (!row) {
        throw StoreError(fmt::format("state {}: posting {} vanished after insert",
                                     db_.path().string(), source_key));
    }
    return *row;
}

void Postings::update_status(std::int64_t id, const char* status, const char* extra_sql,
                             const std::optional<std::string>& extra_value)
{
    try {
        SQLite::Statement st(
            db_.handle(),
            fmt::format("UPDATE postings SET status = ?, updated_at = ?{} WHERE id = ?",
                        extra_sql));
        int index = 1;
        st.bind(index++, status);
        st.bind(index++, db_.now_text());
        if (extra_value) {
            st.bind(index++, *extra_value);
        }
        st.bind(index, id);
        if (st.exec() != 1) {
            throw StoreError(
                fmt::format("state {}: no posting with id {}", db_.path().string(), id));
        }
    } catch (...) {
        rethrow_as_store_error(db_, fmt::format("marking posting {} {}", id, status));
    }
}

void Postings::mark_sent(std::int64_t id)
{
    update_status(id, posting_status::sent, ", attempts = attempts + 1", std::nullopt);
}

void Postings::mark_confirmed(std::int64_t id, const std::string& remote_id)
{
    update_status(id, posting_status::confirmed, ", remote_id = ?", remote_id);
}

void Postings::mark_failed(std::int64_t id, const std::string& error)
{
    update_status(id, posting_status::failed, ", last_error = ?", log::redact(error));
}

void Postings::requeue(std::int64_t id)
{
    update_status(id, posting_status::pending, "", std::nullopt);
}

std::vector<Posting> Postings::list_by_status(const std::string& status) const
{
    try {
        SQLite::Statement st(
            db_.handle(),
            fmt::format("SELECT {} FROM postings WHERE status = ? ORDER BY id", k_columns));
        st.bind(1, status);
        std::vector<Posting> out;
        while (st.executeStep()) {
            out.push_back(read_row(st));
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "listing postings");
    }
}

} // namespace mlc::store
