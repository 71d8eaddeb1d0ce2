#pragma once
// The state database: one SQLite file (WAL, synchronous=FULL, foreign keys on) opened through
// SQLiteCpp, with the embedded migrations (schemas/sql/NNN_name.sql) applied in order and
// recorded in schema_migrations. Every table helper in lib/store works on a Database, and gets
// its statements from the Database's cache of prepared statements (prepared()). Only lib/store
// includes SQLiteCpp; this header only forward-declares it.
#include "core/clock.hpp"
#include "core/error.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace SQLite {
class Database;
class Statement;
} // namespace SQLite

namespace mlc::store {

// The store cannot continue: the file is unreadable, not a database, newer than this binary,
// the disk is full or an I/O error occurred. Exit code 2, like any local setup problem.
class StoreError : public Fatal {
public:
    StoreError(const std::string& what, std::string hint = {})
        : Fatal(ExitCode::usage, what, std::move(hint))
    {}
};

class Database;

// A statement from Database::prepared(), for as long as this object lives: reset, with no
// bindings, ready to bind and step. Destroying it resets the statement (so a SELECT that was
// not stepped to the end does not keep a read transaction open, which would hide other
// processes' writes from this connection and hold back WAL checkpoints) and hands it back to
// the cache. Keep it in a local variable of the helper that uses it; never store it.
class PreparedStatement {
public:
    PreparedStatement(PreparedStatement&& other) noexcept;
    PreparedStatement& operator=(PreparedStatement&&) = delete;
    PreparedStatement(const PreparedStatement&) = delete;
    PreparedStatement& operator=(const PreparedStatement&) = delete;
    ~PreparedStatement();

    SQLite::Statement& operator*() const { return *statement_; }
    SQLite::Statement* operator->() const { return statement_; }

private:
    friend class Database;
    PreparedStatement(SQLite::Statement& cached, bool& in_use);
    explicit PreparedStatement(std::unique_ptr<SQLite::Statement> own);

    SQLite::Statement* statement_;
    bool* in_use_ = nullptr;                   // the cache entry's flag; null when not cached
    std::unique_ptr<SQLite::Statement> owned_; // a statement prepared for this use only
};

// One thread at a time: the connection is opened without SQLite's own locking (see
// database.cpp), so a Database must not be used from two threads at once.
class Database {
public:
    // Opens (creating it and its folder if needed) and migrates. Throws StoreError. The clock
    // stamps created_at/updated_at columns written by the table helpers.
    explicit Database(const std::filesystem::path& path, const Clock& clock = system_clock());
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // For store-internal code (table helpers, audit log): the open connection.
    SQLite::Database& handle() { return *db_; }
    // For store-internal code: the statement for `sql`, prepared on first use and kept for the
    // life of the Database (one per distinct SQL text), so a helper called once per record
    // does not run SQLite's parser once per record. The rules that make reuse safe:
    // - a cached statement serves one user at a time. While a PreparedStatement for `sql` is
    //   alive (a helper iterating rows calls another helper with the same SQL), a second call
    //   gets a statement prepared for that use alone, not the one in use;
    // - it always comes reset and with its bindings cleared, even when its last user threw
    //   in the middle of a step;
    // - SQL built from data belongs in bound parameters, never in the text: each distinct
    //   text is kept until the Database closes.
    // Throws SQLite::Exception when the SQL does not prepare, like SQLite::Statement.
    PreparedStatement prepared(std::string_view sql);
    // The highest applied migration number (1 for 001_initial.sql).
    int schema_version() const { return version_; }

    // Copies the write-ahead log back into the database and truncates it to nothing, when no
    // other connection is reading (busy: it is left for the next time, never waited for).
    // SQLite does this by itself only when the last connection closes; a `status` or a
    // `listen`-side script holding the database open would let a pass's WAL grow run after run.
    // Best effort: never throws.
    void checkpoint() noexcept;
    const std::filesystem::path& path() const { return path_; }
    const Clock& clock() const { return *clock_; }
    // Now, as stored in every time column (ISO-8601 UTC).
    std::string now_text() const;

private:
    void configure();
    void migrate();

    struct StatementCache;
    friend class Transaction;

    std::filesystem::path path_;
    const Clock* clock_;
    std::unique_ptr<SQLite::Database> db_;
    // Declared after db_: the statements are finalized before the connection closes.
    std::unique_ptr<StatementCache> statements_;
    int version_ = 0;
    int savepoint_depth_ = 0; // Transactions open as savepoints, for their names
};

// The number a migration file name starts with: "002_audit_index.sql" -> 2; 0 if none.
int migration_number(std::string_view file_name);

// The file a state path names: absolute, every symbolic link followed (a dangling one too: the
// database will be created where it points), as SQLite follows them to name the -wal file. Two
// paths of one database resolve alike, so the run lock goes with the database, not the name.
std::filesystem::path resolved_state_path(const std::filesystem::path& path);

// Rethrows the exception currently being handled as a StoreError that says what we were
// doing: SQLITE_FULL becomes "disk full", SQLITE_IOERR an I/O error, and so on. Used in the
// catch blocks of every table helper.
[[noreturn]] void rethrow_as_store_error(const Database& db, std::string_view doing);

// A transaction on the database: BEGIN IMMEDIATE (so two writers queue on the busy timeout
// instead of failing later on a lock upgrade), or a SAVEPOINT when one is already open, so
// helpers can use a Transaction whether or not their caller did. Rolled back by the destructor
// unless commit() was called.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    void commit();

private:
    void leave();

    Database& db_;
    std::string savepoint_; // empty: a top-level transaction
    bool done_ = false;
};

} // namespace mlc::store
