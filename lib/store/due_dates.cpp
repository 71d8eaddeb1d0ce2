#include "store/due_dates.hpp"

#include "store/database.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace mlc::store {

namespace {

std::vector<DueDate> select(Database& db, const char* sql, const std::string& kind,
                            const std::string* day)
{
    auto prepared = db.prepared(sql);
    auto& st = *prepared;
    st.bind(1, kind);
    if (day != nullptr) {
        st.bind(2, *day);
    }
    std::vector<DueDate> out;
    while (st.executeStep()) {
        out.push_back(DueDate{.kind = kind,
                              .oracle_key = st.getColumn(0).getString(),
                              .due_on = st.getColumn(1).getString(),
                              .reason = st.getColumn(2).getString()});
    }
    return out;
}

} // namespace

void DueDates::set(const DueDate& due)
{
    try {
        auto st =
            db_.prepared("INSERT INTO due_dates(kind, oracle_key, due_on, reason, updated_at) "
                         "VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind, oracle_key) DO UPDATE SET "
                         "due_on = excluded.due_on, reason = excluded.reason, "
                         "updated_at = excluded.updated_at");
        st->bind(1, due.kind);
        st->bind(2, due.oracle_key);
        st->bind(3, due.due_on);
        st->bind(4, due.reason);
        st->bind(5, db_.now_text());
        st->exec();
    } catch (...) {
        rethrow_as_store_error(db_, "writing a due date");
    }
}

void DueDates::clear(const std::string& kind, const std::string& oracle_key)
{
    try {
        auto st = db_.prepared("DELETE FROM due_dates WHERE kind = ? AND oracle_key = ?");
        st->bind(1, kind);
        st->bind(2, oracle_key);
        st->exec();
    } catch (...) {
        rethrow_as_store_error(db_, "clearing a due date");
    }
}

std::vector<DueDate> DueDates::due(const std::string& kind, const std::string& day) const
{
    try {
        return select(db_,
                      "SELECT oracle_key, due_on, reason FROM due_dates WHERE kind = ? AND "
                      "due_on <= ? ORDER BY due_on, oracle_key",
                      kind, &day);
    } catch (...) {
        rethrow_as_store_error(db_, "reading due dates");
    }
}

std::vector<DueDate> DueDates::all(const std::string& kind) const
{
    try {
        return select(db_,
                      "SELECT oracle_key, due_on, reason FROM due_dates WHERE kind = ? "
                      "ORDER BY due_on, oracle_key",
                      kind, nullptr);
    } catch (...) {
        rethrow_as_store_error(db_, "reading due dates");
    }
}

} // namespace mlc::store
