#include "store/runs.hpp"

#include "store/database.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <unistd.h>

namespace mlc::store {

std::int64_t begin_run(Database& db, const std::string& command)
{
    try {
        auto st = db.prepared("INSERT INTO runs(command, started_at, pid) VALUES (?, ?, ?)");
        st->bind(1, command);
        st->bind(2, db.now_text());
        st->bind(3, static_cast<std::int64_t>(::getpid()));
        st->exec();
        return db.handle().getLastInsertRowid();
    } catch (...) {
        rethrow_as_store_error(db, "recording the start of a run");
    }
}

void finish_run(Database& db, std::int64_t id, int exit_code, const std::string& counts_json,
                bool interrupted)
{
    try {
        auto st = db.prepared("UPDATE runs SET finished_at = ?, exit_code = ?, counts = ?, "
                              "interrupted = ? WHERE id = ?");
        st->bind(1, db.now_text());
        st->bind(2, exit_code);
        st->bind(3, counts_json);
        st->bind(4, interrupted ? 1 : 0);
        st->bind(5, id);
        st->exec();
    } catch (...) {
        rethrow_as_store_error(db, "recording the end of a run");
    }
}

std::vector<std::int64_t> mark_interrupted_runs(Database& db, std::int64_t current)
{
    try {
        std::vector<std::int64_t> ids;
        SQLite::Statement find(db.handle(), "SELECT id FROM runs WHERE finished_at IS NULL AND "
                                            "interrupted = 0 AND id <> ? ORDER BY id");
        find.bind(1, current);
        while (find.executeStep()) {
            ids.push_back(find.getColumn(0).getInt64());
        }
        for (const auto id : ids) {
            SQLite::Statement st(db.handle(), "UPDATE runs SET interrupted = 1 WHERE id = ?");
            st.bind(1, id);
            st.exec();
        }
        return ids;
    } catch (...) {
        rethrow_as_store_error(db, "marking interrupted runs");
    }
}

namespace {

RunRow run_row_of(SQLite::Statement& st)
{
    RunRow r;
    r.id = st.getColumn(0).getInt64();
    r.command = st.getColumn(1).getString();
    r.started_at = st.getColumn(2).getString();
    if (!st.getColumn(3).isNull()) {
        r.finished_at = st.getColumn(3).getString();
    }
    if (!st.getColumn(4).isNull()) {
        r.exit_code = st.getColumn(4).getInt();
    }
    r.counts_json = st.getColumn(5).getString();
    r.pid = st.getColumn(6).getInt64();
    r.interrupted = st.getColumn(7).getInt() != 0;
    return r;
}

} // namespace

std::vector<RunRow> last_run_per_command(Database& db)
{
    try {
        auto st = db.prepared("SELECT id, command, started_at, finished_at, exit_code, counts, "
                              "pid, interrupted FROM runs WHERE id IN "
                              "(SELECT MAX(id) FROM runs GROUP BY command) ORDER BY command");
        std::vector<RunRow> out;
        while (st->executeStep()) {
            out.push_back(run_row_of(*st));
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db, "reading the last runs");
    }
}

std::vector<RunRow> recent_runs(Database& db, int limit)
{
    try {
        auto prepared = db.prepared("SELECT id, command, started_at, finished_at, exit_code, "
                                    "counts, pid, interrupted FROM runs ORDER BY id DESC LIMIT ?");
        auto& st = *prepared;
        st.bind(1, limit);
        std::vector<RunRow> out;
        while (st.executeStep()) {
            out.push_back(run_row_of(st));
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db, "reading runs");
    }
}

} // namespace mlc::store
