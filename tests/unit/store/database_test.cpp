// The state database: pragmas, migrations applied once and recorded, a newer schema refused,
// transactions, and storage errors turned into a clear StoreError.
#include "core/embedded.hpp"
#include "store/database.hpp"
#include "store/postings.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace store_database_test {

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "mlc-db-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

int count_rows(mlc::store::Database& db, const std::string& table)
{
    return db.handle().execAndGet("SELECT COUNT(*) FROM " + table).getInt();
}

} // namespace

TEST_CASE("a new state database and its WAL are created 0600", "[store]")
{
    TempDir dir;
    const auto path = dir.path / "state.db";
    mlc::store::Database db(path);
    db.handle().exec("CREATE TABLE t(x); INSERT INTO t VALUES (1)");
    namespace fs = std::filesystem;
    const auto only_owner = fs::perms::owner_read | fs::perms::owner_write;
    CHECK(fs::status(path).permissions() == only_owner);
    REQUIRE(fs::exists(path.string() + "-wal"));
    CHECK(fs::status(path.string() + "-wal").permissions() == only_owner);
    CHECK(fs::file_size(path) > 0); // never left empty once opened
}

TEST_CASE("an empty file where the state database should be is refused, not reused", "[store]")
{
    TempDir dir;
    const auto path = dir.path / "state.db";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fclose(f);
    try {
        mlc::store::Database db(path);
        FAIL("an empty file was opened as a database");
    } catch (const mlc::store::StoreError& e) {
        CHECK(std::string(e.what())
              == "state " + path.string()
                     + ": the file exists but is empty, not an ml-connector "
                       "database");
        CHECK_THAT(e.hint(), Catch::Contains("remove the empty file to start a new database"));
    }
    CHECK(std::filesystem::file_size(path) == 0); // left as it was
}

TEST_CASE("a state database with a second hard link is refused", "[store]")
{
    TempDir dir;
    const auto path = dir.path / "state.db";
    {
        mlc::store::Database db(path);
    }
    std::filesystem::create_hard_link(path, dir.path / "other.db");
    for (const auto& name : {path, dir.path / "other.db"}) {
        try {
            mlc::store::Database db(name);
            FAIL("a hard-linked database was opened");
        } catch (const mlc::store::StoreError& e) {
            CHECK_THAT(e.what(), Catch::EndsWith(": the database file has 2 hard links"));
            CHECK_THAT(e.hint(), Catch::Contains("a symbolic link is fine"));
        }
    }
    std::filesystem::remove(dir.path / "other.db");
    std::filesystem::create_symlink(path, dir.path / "link.db");
    CHECK_NOTHROW(mlc::store::Database(dir.path / "link.db"));
}

TEST_CASE("opening sets WAL, synchronous=FULL, busy timeout and foreign keys", "[store]")
{
    TempDir dir;
    mlc::store::Database db(dir.path / "sub" / "state.db");
    CHECK(std::filesystem::exists(dir.path / "sub" / "state.db"));
    CHECK(db.handle().execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.handle().execAndGet("PRAGMA synchronous").getInt() == 2); // FULL
    CHECK(db.handle().execAndGet("PRAGMA busy_timeout").getInt() == 5000);
    CHECK(db.handle().execAndGet("PRAGMA foreign_keys").getInt() == 1);
}

TEST_CASE("migrations are applied once, in order, and recorded", "[store]")
{
    TempDir dir;
    const auto path = dir.path / "state.db";
    const auto& migrations = mlc::embedded::migrations();
    REQUIRE_FALSE(migrations.empty());
    const int latest = mlc::store::migration_number(migrations.back().name);
    {
        mlc::store::Database db(path);
        CHECK(db.schema_version() == latest);
        CHECK(count_rows(db, "schema_migrations") == static_cast<int>(migrations.size()));
        SQLite::Statement st(
            db.handle(),
            "SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
        REQUIRE(st.executeStep());
        CHECK(st.getColumn(0).getInt() == 1);
        CHECK(st.getColumn(1).getString() == "001_initial.sql");
        CHECK_FALSE(st.getColumn(2).getString().empty());
        // The tables of 001 exist.
        for (const char* table : {"watermarks", "links", "inbox", "postings", "audit", "runs"}) {
            CHECK(db.handle().tableExists(table));
        }
        db.handle().exec(
            "INSERT INTO watermarks(stream, cursor_time, updated_at) VALUES ('s', 't', 'u')");
    }
    // Re-opening is a no-op: nothing re-applied (which would fail on CREATE TABLE), data kept.
    mlc::store::Database again(path);
    CHECK(again.schema_version() == latest);
    CHECK(count_rows(again, "schema_migrations") == static_cast<int>(migrations.size()));
    CHECK(count_rows(again, "watermarks") == 1);
}

TEST_CASE("migration numbers come from the file name", "[store]")
{
    CHECK(mlc::store::migration_number("001_initial.sql") == 1);
    CHECK(mlc::store::migration_number("012_more.sql") == 12);
    CHECK(mlc::store::migration_number("readme.sql") == 0);
}

TEST_CASE("a database with newer migrations than the binary knows is refused", "[store]")
{
    TempDir dir;
    const auto path = dir.path / "state.db";
    {
        mlc::store::Database db(path);
        db.handle().exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (999, "
                         "'999_future.sql', 'x')");
    }
    try {
        mlc::store::Database db(path);
        FAIL("opened a newer database");
    } catch (const mlc::Fatal& e) {
        CHECK(e.code() == mlc::ExitCode::usage);
        CHECK_THAT(e.what(),
                   Catch::Contains("schema version 999 is newer than this ml-connector knows"));
    }
}

TEST_CASE("a file that is not a database is a clear StoreError", "[store]")
{
    TempDir dir;
    const auto path = dir.path / "state.db";
    {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        REQUIRE(f != nullptr);
        std::fputs("this is not sqlite, just some text long enough to fill a header page.......",
                   f);
        std::fclose(f);
    }
    CHECK_THROWS_AS(mlc::store::Database(path), mlc::store::StoreError);
}

TEST_CASE("a full disk becomes a StoreError saying so", "[store]")
{
    TempDir dir;
    mlc::store::Database db(dir.path / "state.db");
    // Cap the file at its current size: the next big write hits SQLITE_FULL.
    const int pages = db.handle().execAndGet("PRAGMA page_count").getInt();
    db.handle().exec("PRAGMA max_page_count = " + std::to_string(pages + 1));
    mlc::store::Postings postings(db);
    try {
        (void)postings.record_pending("big:1", "test", "oracle", std::string(200'000, 'x'), {});
        FAIL("no error on a full database");
    } catch (const mlc::store::StoreError& e) {
        CHECK(e.code() == mlc::ExitCode::usage);
        CHECK_THAT(e.what(), Catch::Contains("disk full while recording posting big:1"));
    }
}

TEST_CASE("Transaction commits, rolls back, and nests as a savepoint", "[store]")
{
    TempDir dir;
    mlc::store::Database db(dir.path / "state.db");
    const auto insert = [&](const std::string& stream) {
        db.handle().exec("INSERT INTO watermarks(stream, cursor_time, updated_at) VALUES ('"
                         + stream + "', 't', 'u')");
    };
    {
        mlc::store::Transaction tx(db);
        insert("committed");
        tx.commit();
    }
    {
        mlc::store::Transaction tx(db);
        insert("rolled_back");
    }
    CHECK(count_rows(db, "watermarks") == 1);
    {
        mlc::store::Transaction outer(db);
        insert("outer");
        {
            mlc::store::Transaction inner(db);
            insert("inner_rolled_back");
        }
        {
            mlc::store::Transaction inner(db);
            insert("inner_committed");
            inner.commit();
        }
        outer.commit();
    }
    CHECK(count_rows(db, "watermarks") == 3);
    CHECK(db.handle()
              .execAndGet("SELECT COUNT(*) FROM watermarks WHERE stream = 'inner_rolled_back'")
              .getInt()
          == 0);
}

TEST_CASE("Transactions nest three deep and each level rolls back only its own work", "[store]")
{
    // Savepoints are named by depth: a rollback at one level must not reach the level above,
    // and a level's rollback takes what committed levels below it did.
    TempDir dir;
    mlc::store::Database db(dir.path / "state.db");
    const auto insert = [&](const std::string& stream) {
        db.handle().exec("INSERT INTO watermarks(stream, cursor_time, updated_at) VALUES ('"
                         + stream + "', 't', 'u')");
    };
    {
        mlc::store::Transaction top(db);
        insert("top");
        {
            mlc::store::Transaction middle(db);
            insert("middle_kept");
            {
                mlc::store::Transaction inner(db);
                insert("inner_rolled_back");
            }
            {
                mlc::store::Transaction inner(db);
                insert("inner_kept");
                inner.commit();
            }
            middle.commit();
        }
        {
            mlc::store::Transaction middle(db);
            insert("middle_rolled_back");
            {
                mlc::store::Transaction inner(db);
                insert("inner_of_rolled_back");
                inner.commit();
            }
        }
        top.commit();
    }
    std::vector<std::string> streams;
    SQLite::Statement st(db.handle(), "SELECT stream FROM watermarks ORDER BY stream");
    while (st.executeStep()) {
        streams.push_back(st.getColumn(0).getString());
    }
    CHECK(streams == std::vector<std::string>{"inner_kept", "middle_kept", "top"});
    // Every level was closed: a new Transaction is a top-level one again.
    mlc::store::Transaction again(db);
    CHECK(db.handle().execAndGet("SELECT COUNT(*) FROM watermarks").getInt() == 3);
}

namespace {

// A scratch table with three rows, for the prepared-statement cache tests.
void make_numbers(mlc::store::Database& db)
{
    db.handle().exec("CREATE TABLE numbers (n INTEGER PRIMARY KEY, label TEXT)");
    db.handle().exec("INSERT INTO numbers VALUES (1, 'one'), (2, 'two'), (3, 'three')");
}

} // namespace

TEST_CASE("prepared() keeps one statement per SQL text", "[store]")
{
    TempDir dir;
    mlc::store::Database db(dir.path / "state.db");
    make_numbers(db);
    const char* sql = "SELECT label FROM numbers WHERE n = ?";
    const SQLite::Statement* first = nullptr;
    {
        auto st = db.prepared(sql);
        first = &*st;
        st->bind(1, 2);
        REQUIRE(st->executeStep());
        CHECK(st->getColumn(0).getString() == "two");
    }
    {
        auto st = db.prepared(std::string(sql)); // the same text from another buffer
        CHECK(&*st == first);
    }
    auto other = db.prepared("SELECT COUNT(*) FROM numbers");
    CHECK(&*other != first);
}

TEST_CASE("prepared() hands a statement back reset and with no bindings", "[store]")
{
    TempDir dir;
    mlc::store::Database db(dir.path / "state.db");
    make_numbers(db);
    const char* sql = "SELECT n, ? FROM numbers ORDER BY n";
    {
        auto st = db.prepared(sql);
        st->bind(1, "left over");
        REQUIRE(st->executeStep());
        REQUIRE(st->executeStep()); // stopped at row 2 of 3
    }
    auto st = db.prepared(sql);
    REQUIRE(st->executeStep());
    CHECK(st->getColumn(0).getInt() == 1); // from the start again
    CHECK(st->getColumn(1).isNull());      // the old binding is gone
}

TEST_CASE("prepared() statement that threw mid-step is usable again", "[store]")
{
    TempDir dir;
    mlc::store::Database db(dir.path / "state.db");
    make_numbers(db);
    const char* sql = "INSERT INTO numbers(n, label) VALUES (?, ?)";
    {
        auto st = db.prepared(sql);
        st->bind(1, 1); // already there: the step throws
        st->bind(2, "uno");
        CHECK_THROWS_AS(st->exec(), SQLite::Exception);
    }
    auto st = db.prepared(sql);
    st->bind(1, 4);
    st->bind(2, "four");
    CHECK(st->exec() == 1);
    CHECK(count_rows(db, "numbers") == 4);
}

TEST_CASE("prepared() gives a second user of the same SQL its own statement", "[store]")
{
    TempDir dir;
    mlc::store::Database db(dir.path / "state.db");
    make_numbers(db);
    const char* sql = "SELECT n FROM numbers WHERE n >= ? ORDER BY n";
    auto outer = db.prepared(sql);
    outer->bind(1, 1);
    std::vector<int> seen;
    while (outer->executeStep()) {
        seen.push_back(outer->getColumn(0).getInt());
        // A helper called from inside the loop that runs the same SQL must not reset `outer`.
        auto inner = db.prepared(sql);
        CHECK(&*inner != &*outer);
        inner->bind(1, 3);
        REQUIRE(inner->executeStep());
        CHECK(inner->getColumn(0).getInt() == 3);
    }
    CHECK(seen == std::vector<int>{1, 2, 3});
}

TEST_CASE("a prepared() SELECT not stepped to the end does not hide later writes", "[store]")
{
    // Left unreset, a SELECT that returned a row keeps its read transaction, and the
    // connection goes on reading that snapshot: another process's writes stay invisible.
    TempDir dir;
    mlc::store::Database db(dir.path / "state.db");
    make_numbers(db);
    const char* sql = "SELECT n FROM numbers ORDER BY n";
    {
        auto st = db.prepared(sql);
        REQUIRE(st->executeStep()); // one row of three, then dropped
    }
    mlc::store::Database other(dir.path / "state.db");
    other.handle().exec("INSERT INTO numbers VALUES (4, 'four')");
    auto count = db.prepared("SELECT COUNT(*) FROM numbers");
    REQUIRE(count->executeStep());
    CHECK(count->getColumn(0).getInt() == 4);
}

} // namespace store_database_test
