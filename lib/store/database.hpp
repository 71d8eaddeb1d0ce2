#pragma once
// The state database: one SQLite file (WAL, synchronous=FULL, foreign keys on) opened through
// SQLiteCpp, with the embedded migrations (schemas/sql/NNN_name.sql) applied in order and
// recorded in schema_migrations. Every table helper in lib/store works on a Database. Only
// lib/store includes SQLiteCpp; this header only forward-declares it.
#include "core/clock.hpp"
#include "core/error.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace SQLite {
class Database;
}

namespace mlc::store {

// The store cannot continue: the file is unreadable, not a database, newer than this binary,
// the disk is full or an I/O error occurred. Exit code 2, like any local setup problem.
class StoreError : public Fatal {
public:
    StoreError(const std::string& what, std::string hint = {})
        : Fatal(ExitCode::usage, what, std::move(hint))
    {}
};

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
    // The highest applied migration number (1 for 001_initial.sql).
    int schema_version() const { return version_; }
    const std::filesystem::path& path() const { return path_; }
    const Clock& clock() const { return *clock_; }
    // Now, as stored in every time column (ISO-8601 UTC).
    std::string now_text() const;

private:
    void configure();
    void migrate();

    std::filesystem::path path_;
    const Clock* clock_;
    std::unique_ptr<SQLite::Database> db_;
    int version_ = 0;
};

// The number a migration file name starts with: "002_audit_index.sql" -> 2; 0 if none.
int migration_number(std::string_view file_name);

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
    Database& db_;
    std::string savepoint_; // empty: a top-level transaction
    bool done_ = false;
};

} // namespace mlc::store
