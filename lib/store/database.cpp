#include "store/database.hpp"

#include "core/embedded.hpp"
#include "core/log.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <sqlite3.h>
#include <unordered_map>
#include <utility>

namespace mlc::store {
namespace {

constexpr int k_busy_timeout_ms = 5000;

// SQLite's memory statistics take a global mutex on every allocation, and SQLite allocates many
// times per statement; nothing here reads them (sqlite3_status, sqlite3_memory_used). The
// setting is process-wide and only takes before SQLite initialises, so it is made once, before
// the first connection opens; if something initialised SQLite earlier it keeps its statistics
// (the call answers SQLITE_MISUSE and nothing else changes).
void turn_off_memory_statistics()
{
    static const int done = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)done;
}

StoreError translate(const std::filesystem::path& path, std::string_view doing, int code,
                     const std::string& detail)
{
    const std::string where = path.string();
    switch (code & 0xff) {
    case SQLITE_FULL:
        return StoreError(
            fmt::format("state {}: disk full while {}", where, doing),
            "free space on the state volume, then run again; nothing half-written was kept");
    case SQLITE_IOERR:
        return StoreError(fmt::format("state {}: I/O error while {} ({})", where, doing, detail),
                          "check the disk and the file system holding the state database");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return StoreError(fmt::format("state {}: not a usable ml-connector database while {} ({})",
                                      where, doing, detail),
                          "point --state at the right file, or restore it from a backup");
    case SQLITE_CANTOPEN:
        return StoreError(fmt::format("state {}: cannot open ({})", where, detail),
                          "check the path and the folder's permissions");
    case SQLITE_READONLY:
    case SQLITE_PERM:
        return StoreError(fmt::format("state {}: read-only while {} ({})", where, doing, detail),
                          "the state database and its folder must be writable by this user");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return StoreError(fmt::format("state {}: busy while {} ({})", where, doing, detail),
                          "another process holds the database; wait for it to finish");
    default:
        return StoreError(
            fmt::format("state {}: database error while {} ({})", where, doing, detail),
            "check the state database");
    }
}

// Before SQLite opens `path`: a file that exists must be a database we may use, and a new one
// is created 0600, for it holds business data (supplier names, amounts, the audit trail).
// SQLite gives its -wal and -shm files the database file's permissions, so they are 0600 too.
void prepare_file(const std::filesystem::path& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (S_ISREG(st.st_mode) && st.st_size == 0) {
            // SQLite would quietly make a new database of it: a `touch`ed path or a failed copy
            // would start every stream over from the beginning and forget every posting.
            throw StoreError(
                fmt::format("state {}: the file exists but is empty, not an ml-connector "
                            "database",
                            path.string()),
                "point --state at the right file or restore it from a backup; remove the empty "
                "file to start a new database there");
        }
        if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
            // SQLite names the -wal file after the path it was opened by: two names of one
            // database would keep two write-ahead logs and corrupt it (sqlite.org, "How To
            // Corrupt An SQLite Database File", 2.4). A run lock per name could not help either.
            throw StoreError(
                fmt::format("state {}: the database file has {} hard links", path.string(),
                            st.st_nlink),
                "SQLite corrupts a database opened by two names; keep one name (a symbolic link "
                "is fine)");
        }
        if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
            log::warn("state {}: readable by others (mode {:o}); it holds business data, "
                      "chmod 600 it",
                      path.string(), st.st_mode & 07777);
        }
        return;
    }
    if (errno != ENOENT) {
        return; // SQLite's open reports it, translated
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
    } else if (errno != EEXIST) {
        throw StoreError(
            fmt::format("state {}: cannot create ({})", path.string(), std::strerror(errno)),
            "check the path and the folder's permissions");
    }
}

} // namespace

std::filesystem::path resolved_state_path(const std::filesystem::path& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path p = fs::absolute(path, ec);
    if (ec) {
        return path;
    }
    // 40: the kernel's own limit on links followed in one lookup (MAXSYMLINKS).
    for (int hops = 0; hops < 40 && fs::is_symlink(p, ec); ++hops) {
        const fs::path target = fs::read_symlink(p, ec);
        if (ec) {
            break;
        }
        p = target.is_absolute() ? target : p.parent_path() / target;
    }
    fs::path resolved = fs::weakly_canonical(p, ec);
    return ec ? p.lexically_normal() : resolved;
}

int migration_number(std::string_view file_name)
{
    int n = 0;
    const auto [ptr, ec] =
        std::from_chars(file_name.data(), file_name.data() + file_name.size(), n);
    if (ec != std::errc{} || ptr == file_name.data()) {
        return 0;
    }
    return n;
}

void rethrow_as_store_error(const Database& db, std::string_view doing)
{
    try {
        throw;
    } catch (const StoreError&) {
        throw;
    } catch (const SQLite::Exception& e) {
        throw translate(db.path(), doing, e.getExtendedErrorCode(), e.getErrorStr());
    } catch (const std::exception& e) {
        throw StoreError(
            fmt::format("state {}: {} failed: {}", db.path().string(), doing, e.what()));
    }
}

// Keyed by the SQL text; looked up with a string_view, so a hit allocates nothing.
struct Database::StatementCache {
    struct Entry {
        std::unique_ptr<SQLite::Statement> statement;
        bool in_use = false;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const
        {
            return std::hash<std::string_view>{}(text);
        }
    };
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries;
};

PreparedStatement::PreparedStatement(SQLite::Statement& cached, bool& in_use)
    : statement_(&cached), in_use_(&in_use)
{
    // The last user may have thrown mid-step; its destructor reset the statement, and this
    // does it again so nothing depends on that: a reset statement with no bindings.
    statement_->reset();
    statement_->clearBindings();
    *in_use_ = true;
}

PreparedStatement::PreparedStatement(std::unique_ptr<SQLite::Statement> own)
    : statement_(own.get()), owned_(std::move(own))
{}

PreparedStatement::PreparedStatement(PreparedStatement&& other) noexcept
    : statement_(other.statement_), in_use_(std::exchange(other.in_use_, nullptr)),
      owned_(std::move(other.owned_))
{
    other.statement_ = nullptr;
}

PreparedStatement::~PreparedStatement()
{
    if (statement_ == nullptr) {
        return; // moved from
    }
    // tryReset: a destructor must not throw, and the step's error was already reported.
    statement_->tryReset();
    if (in_use_ != nullptr) {
        *in_use_ = false;
    }
}

PreparedStatement Database::prepared(std::string_view sql)
{
    auto found = statements_->entries.find(sql);
    if (found == statements_->entries.end()) {
        auto statement = std::make_unique<SQLite::Statement>(*db_, std::string(sql));
        found = statements_->entries.emplace(std::string(sql), StatementCache::Entry{}).first;
        found->second.statement = std::move(statement);
    }
    auto& entry = found->second;
    if (entry.in_use) {
        return PreparedStatement(std::make_unique<SQLite::Statement>(*db_, std::string(sql)));
    }
    return PreparedStatement(*entry.statement, entry.in_use);
}

Database::Database(const std::filesystem::path& path, const Clock& clock)
    : path_(path), clock_(&clock), statements_(std::make_unique<StatementCache>())
{
    try {
        if (path_.has_parent_path()) {
            std::error_code ec;
            std::filesystem::create_directories(path_.parent_path(), ec);
        }
        prepare_file(resolved_state_path(path_));
        turn_off_memory_statistics();
        // NOMUTEX: a Database is used by one thread at a time (a pass, a command), never shared,
        // so SQLite's per-connection mutex, taken and released on every API call, buys nothing.
        db_ = std::make_unique<SQLite::Database>(
            path_.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
        configure();
        migrate();
    } catch (...) {
        rethrow_as_store_error(*this, "opening");
    }
}

void Database::checkpoint() noexcept
{
    try {
        // No busy handler here: a reader that holds the WAL makes TRUNCATE wait for it, and a
        // pass must not hang at its end for a `status` someone left open.
        sqlite3* handle = db_->getHandle();
        sqlite3_busy_timeout(handle, 0);
        const int rc = sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                                 nullptr, nullptr);
        sqlite3_busy_timeout(handle, k_busy_timeout_ms);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
            log::debug("state {}: checkpoint: {}", path_.string(), sqlite3_errstr(rc));
        }
    } catch (const std::exception& e) {
        log::debug("state {}: checkpoint: {}", path_.string(), e.what());
    }
}

Database::~Database()
{
    statements_.reset(); // finalize every statement while the connection is still open
}

std::string Database::now_text() const
{
    return format_iso8601(clock_->now());
}

void Database::configure()
{
    db_->setBusyTimeout(k_busy_timeout_ms);
    // journal_mode answers with the mode in force; a file system without shared memory
    // support (some network mounts) silently stays in "delete" mode, which we report.
    const std::string mode = db_->execAndGet("PRAGMA journal_mode=WAL").getString();
    if (mode != "wal") {
        log::warn("state {}: journal_mode is {}, not wal", path_.string(), mode);
    }
    db_->exec("PRAGMA synchronous=FULL");
    db_->exec("PRAGMA foreign_keys=ON");
}

void Database::migrate()
{
    db_->exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
              " version INTEGER PRIMARY KEY,"
              " name TEXT NOT NULL,"
              " applied_at TEXT NOT NULL)");
    const auto& migrations = embedded::migrations();
    int known = 0;
    for (const auto& m : migrations) {
        known = std::max(known, migration_number(m.name));
    }
    const int recorded =
        db_->execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
    if (recorded > known) {
        throw StoreError(
            fmt::format("state {}: schema version {} is newer than this ml-connector knows ({})",
                        path_.string(), recorded, known),
            "run the newer ml-connector that wrote it, or point --state at another file");
    }
    for (const auto& m : migrations) {
        const int number = migration_number(m.name);
        if (number <= 0) {
            continue; // not a NNN_name.sql file
        }
        SQLite::Statement seen(*db_, "SELECT 1 FROM schema_migrations WHERE version = ?");
        seen.bind(1, number);
        if (seen.executeStep()) {
            continue;
        }
        Transaction tx(*this);
        db_->exec(m.content);
        SQLite::Statement record(
            *db_, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)");
        record.bind(1, number);
        record.bind(2, m.name);
        record.bind(3, now_text());
        record.exec();
        tx.commit();
        log::debug("state {}: applied migration {}", path_.string(), m.name);
    }
    version_ = db_->execAndGet("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").getInt();
}

// Savepoints are named by their depth (mlc_sp_1 inside the top-level transaction, mlc_sp_2
// inside that...), not by a counter, so the handful of texts involved stay in the statement
// cache instead of every BEGIN, SAVEPOINT and RELEASE being parsed again: an audit append opens
// one. Releasing or rolling back to a name acts on the most recent savepoint with that name,
// which for nested Transactions is this one.
Transaction::Transaction(Database& db) : db_(db)
{
    try {
        if (sqlite3_get_autocommit(db_.handle().getHandle()) != 0) {
            db_.prepared("BEGIN IMMEDIATE")->exec();
        } else {
            savepoint_ = fmt::format("mlc_sp_{}", db_.savepoint_depth_ + 1);
            db_.prepared("SAVEPOINT " + savepoint_)->exec();
            ++db_.savepoint_depth_;
        }
    } catch (...) {
        rethrow_as_store_error(db_, "starting a transaction");
    }
}

void Transaction::commit()
{
    try {
        db_.prepared(savepoint_.empty() ? std::string("COMMIT") : "RELEASE " + savepoint_)->exec();
        done_ = true;
    } catch (...) {
        rethrow_as_store_error(db_, "committing");
    }
    leave();
}

void Transaction::leave()
{
    if (!savepoint_.empty()) {
        --db_.savepoint_depth_;
    }
}

Transaction::~Transaction()
{
    if (done_) {
        return;
    }
    try {
        if (savepoint_.empty()) {
            db_.prepared("ROLLBACK")->exec();
        } else {
            db_.prepared("ROLLBACK TO " + savepoint_)->exec();
            db_.prepared("RELEASE " + savepoint_)->exec();
        }
    } catch (const std::exception& e) {
        // A failed rollback leaves SQLite to roll back when the connection closes.
        log::warn("state {}: rollback failed: {}", db_.path().string(), e.what());
    }
    leave();
}

} // namespace mlc::store
