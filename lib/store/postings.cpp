#include "store/postings.hpp"

#include "core/log.hpp"
#include "store/columns.hpp"
#include "store/database.hpp"

#include <fmt/format.h>

namespace mlc::store {
namespace {

constexpr const char* k_posting_columns =
    "id, source_key, kind, target, status, attempts, remote_id, "
    "request, last_error, error_class, records, run_id, "
    "created_at, updated_at";
const std::string k_by_key =
    fmt::format("SELECT {} FROM postings WHERE source_key = ?", k_posting_columns);
const std::string k_by_id = fmt::format("SELECT {} FROM postings WHERE id = ?", k_posting_columns);

Posting read_posting(SQLite::Statement& st)
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
    p.error_class = optional_text(st.getColumn(9));
    p.records = split_records(st.getColumn(10).getString());
    if (!st.getColumn(11).isNull()) {
        p.run_id = st.getColumn(11).getInt64();
    }
    p.created_at = st.getColumn(12).getString();
    p.updated_at = st.getColumn(13).getString();
    return p;
}

std::string placeholders(std::size_t n)
{
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += i == 0 ? "?" : ", ?";
    }
    return out;
}

} // namespace

std::string join_records(const std::vector<std::string>& records)
{
    std::string out;
    for (const auto& r : records) {
        if (!out.empty()) {
            out += '\n';
        }
        out += r;
    }
    return out;
}

std::vector<std::string> split_records(const std::string& text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        out.push_back(
            text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return out;
}

std::optional<Posting> Postings::find(const std::string& source_key) const
{
    try {
        auto st = db_.prepared(k_by_key);
        st->bind(1, source_key);
        if (st->executeStep()) {
            return read_posting(*st);
        }
        return std::nullopt;
    } catch (...) {
        rethrow_as_store_error(db_, "reading posting " + source_key);
    }
}

std::optional<Posting> Postings::find(std::int64_t id) const
{
    try {
        auto st = db_.prepared(k_by_id);
        st->bind(1, id);
        if (st->executeStep()) {
            return read_posting(*st);
        }
        return std::nullopt;
    } catch (...) {
        rethrow_as_store_error(db_, "reading a posting");
    }
}

Posting Postings::record_pending(const std::string& source_key, const std::string& kind,
                                 const std::string& target, const std::string& request,
                                 const std::vector<std::string>& records,
                                 std::optional<std::int64_t> run_id)
{
    try {
        const std::string now = db_.now_text();
        auto st = db_.prepared(
            "INSERT INTO postings(source_key, kind, target, status, request, records, run_id, "
            "created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?) "
            "ON CONFLICT(source_key) DO UPDATE SET status = 'pending', request = excluded.request, "
            "run_id = excluded.run_id, updated_at = excluded.updated_at "
            "WHERE postings.status = 'superseded' AND postings.attempts = 0");
        st->bind(1, source_key);
        st->bind(2, kind);
        st->bind(3, target);
        st->bind(4, request);
        st->bind(5, join_records(records));
        if (run_id) {
            st->bind(6, *run_id);
        } else {
            st->bind(6);
        }
        st->bind(7, now);
        st->bind(8, now);
        st->exec();
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
                             const std::vector<std::string>& extra_values)
{
    try {
        // extra_sql is one of a handful of constant texts, so each shape is prepared once.
        auto st = db_.prepared(fmt::format(
            "UPDATE postings SET status = ?, updated_at = ?{} WHERE id = ?", extra_sql));
        int index = 1;
        st->bind(index++, status);
        st->bind(index++, db_.now_text());
        for (const auto& v : extra_values) {
            st->bind(index++, v);
        }
        st->bind(index, id);
        if (st->exec() != 1) {
            throw StoreError(
                fmt::format("state {}: no posting with id {}", db_.path().string(), id));
        }
    } catch (...) {
        rethrow_as_store_error(db_, fmt::format("marking posting {} {}", id, status));
    }
}

void Postings::mark_sent(std::int64_t id)
{
    update_status(id, posting_status::sent, ", attempts = attempts + 1", {});
}

void Postings::mark_confirmed(std::int64_t id, const std::string& remote_id)
{
    update_status(id, posting_status::confirmed, ", remote_id = ?, error_class = NULL",
                  {remote_id});
}

void Postings::mark_failed(std::int64_t id, const std::string& cls, const std::string& error)
{
    update_status(id, posting_status::failed, ", error_class = ?, last_error = ?",
                  {cls, log::redact(error)});
}

void Postings::mark_held(std::int64_t id, const std::string& reason)
{
    update_status(id, posting_status::held, ", last_error = ?", {log::redact(reason)});
}

void Postings::mark_superseded(std::int64_t id, const std::string& why)
{
    update_status(id, posting_status::superseded, ", last_error = ?", {log::redact(why)});
}

void Postings::mark_unsent(std::int64_t id, const std::string& error)
{
    update_status(id, posting_status::pending, ", attempts = MAX(attempts - 1, 0), last_error = ?",
                  {log::redact(error)});
}

void Postings::set_request(std::int64_t id, const std::string& request)
{
    try {
        SQLite::Statement st(db_.handle(),
                             "UPDATE postings SET request = ?, updated_at = ? WHERE id = ?");
        st.bind(1, request);
        st.bind(2, db_.now_text());
        st.bind(3, id);
        st.exec();
    } catch (...) {
        rethrow_as_store_error(db_, fmt::format("storing the request of posting {}", id));
    }
}

void Postings::note_error(std::int64_t id, const std::string& error)
{
    try {
        SQLite::Statement st(db_.handle(),
                             "UPDATE postings SET last_error = ?, updated_at = ? WHERE id = ?");
        st.bind(1, log::redact(error));
        st.bind(2, db_.now_text());
        st.bind(3, id);
        st.exec();
    } catch (...) {
        rethrow_as_store_error(db_, fmt::format("noting an error on posting {}", id));
    }
}

std::int64_t Postings::supersede_unsent(const std::vector<std::string>& kinds)
{
    if (kinds.empty()) {
        return 0;
    }
    try {
        SQLite::Statement st(
            db_.handle(),
            fmt::format("UPDATE postings SET status = 'superseded', updated_at = ?, last_error = "
                        "'interrupted before it was sent; its records are planned again' "
                        "WHERE status = 'pending' AND attempts = 0 AND kind IN ({})",
                        placeholders(kinds.size())));
        int index = 1;
        st.bind(index++, db_.now_text());
        for (const auto& k : kinds) {
            st.bind(index++, k);
        }
        return st.exec();
    } catch (...) {
        rethrow_as_store_error(db_, "superseding unsent postings");
    }
}

std::int64_t Postings::supersede_failed(const std::string& kind, const std::string& record_key,
                                        const std::string& why, const std::string& except_key)
{
    try {
        const std::string prefix = kind + ":" + record_key + ":";
        SQLite::Statement st(
            db_.handle(),
            "UPDATE postings SET status = 'superseded', updated_at = ?, last_error = ? "
            "WHERE kind = ? AND status = 'failed' AND substr(source_key, 1, ?) = ? "
            "AND source_key != ?");
        st.bind(1, db_.now_text());
        st.bind(2, why);
        st.bind(3, kind);
        st.bind(4, static_cast<int>(prefix.size()));
        st.bind(5, prefix);
        st.bind(6, except_key);
        return st.exec();
    } catch (...) {
        rethrow_as_store_error(db_, "superseding failed postings");
    }
}

std::vector<Posting> Postings::list(const PostingFilter& filter) const
{
    try {
        std::string where = "1 = 1";
        if (!filter.ids.empty()) {
            where += fmt::format(" AND id IN ({})", placeholders(filter.ids.size()));
        }
        if (!filter.kinds.empty()) {
            where += fmt::format(" AND kind IN ({})", placeholders(filter.kinds.size()));
        }
        if (!filter.statuses.empty()) {
            where += fmt::format(" AND status IN ({})", placeholders(filter.statuses.size()));
        }
        if (!filter.updated_since.empty()) {
            where += " AND updated_at >= ?";
        }
        if (filter.after_id > 0) {
            where += fmt::format(" AND id > {}", filter.after_id);
        }
        SQLite::Statement st(
            db_.handle(),
            fmt::format("SELECT {} FROM postings WHERE {} ORDER BY id{}", k_posting_columns, where,
                        filter.limit > 0 ? fmt::format(" LIMIT {}", filter.limit) : std::string{}));
        int index = 1;
        for (const auto id : filter.ids) {
            st.bind(index++, id);
        }
        for (const auto& k : filter.kinds) {
            st.bind(index++, k);
        }
        for (const auto& s : filter.statuses) {
            st.bind(index++, s);
        }
        if (!filter.updated_since.empty()) {
            st.bind(index++, filter.updated_since);
        }
        std::vector<Posting> out;
        while (st.executeStep()) {
            out.push_back(read_posting(st));
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "listing postings");
    }
}

std::vector<Posting> Postings::list_by_status(const std::string& status) const
{
    return list(PostingFilter{.ids = {},
                              .kinds = {},
                              .statuses = {status},
                              .updated_since = {},
                              .limit = 0,
                              .after_id = 0});
}

std::vector<PostingGroup> Postings::groups() const
{
    try {
        // The oldest row of each group by id (ids grow with time), with its error.
        SQLite::Statement st(db_.handle(),
                             "SELECT g.kind, g.status, g.n, p.id, p.updated_at, p.last_error FROM "
                             "(SELECT kind, status, COUNT(*) AS n, MIN(id) AS first FROM postings "
                             " GROUP BY kind, status) g JOIN postings p ON p.id = g.first ORDER BY "
                             "g.kind, g.status");
        std::vector<PostingGroup> out;
        while (st.executeStep()) {
            PostingGroup g;
            g.kind = st.getColumn(0).getString();
            g.status = st.getColumn(1).getString();
            g.count = st.getColumn(2).getInt64();
            g.oldest_id = st.getColumn(3).getInt64();
            g.oldest_at = st.getColumn(4).getString();
            g.oldest_error = optional_text(st.getColumn(5));
            out.push_back(std::move(g));
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "counting postings");
    }
}

} // namespace mlc::store
