// `ml-connector audit` as users run it: the real binary on a seeded state database, its
// output formats, filters, `audit verify` on an intact and a tampered trail, and exit codes.
#include "store/audit_log.hpp"
#include "store/database.hpp"
#include "support/e2e_env.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Result {
    int code = -1;
    std::string out; // stdout and stderr together
};

// ml-connector --state <db> <args...>
Result run_audit_cli(const fs::path& db, const std::vector<std::string>& args)
{
    std::vector<std::string> argv{MLC_BINARY, "--state", db.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = mlc::test::run_process(argv);
    return {r.exit_code, r.out + r.err};
}

// Eight rows over two runs: odd rows read a supplier, even rows create its vendor (5500 + id).
void seed(const fs::path& file)
{
    mlc::store::Database db(file);
    mlc::store::AuditLog log(db);
    mlc::store::Transaction tx(db);
    for (int i = 1; i <= 8; ++i) {
        mlc::store::AuditEntry e;
        e.command = "sync-suppliers";
        e.run_id = i <= 4 ? 1 : 2;
        e.oracle_key = std::to_string(300000047000120 + (i + 1) / 2);
        if (i % 2 == 0) {
            e.record_kind = "vendor";
            e.procore_key = std::to_string(5500 + i);
            e.action = "created";
            e.remote_status = 200;
            e.message = "vendor \"Acme, Inc.\"\ncreated";
        } else {
            e.record_kind = "supplier";
            e.action = "read";
        }
        log.append(e);
    }
    tx.commit();
}

} // namespace

TEST_CASE("audit lists, filters and exports", "[e2e][audit]")
{
    mlc::test::TempDir dir("mlc-audit-cli");
    const fs::path db = dir.path() / "state.db";
    seed(db);

    const auto table = run_audit_cli(db, {"audit"});
    CHECK(table.code == 0);
    CHECK(table.out.find("ORACLE KEY") != std::string::npos);
    CHECK(table.out.find("vendor \"Acme, Inc.\" created") != std::string::npos);

    const auto csv =
        run_audit_cli(db, {"audit", "--record", "supplier:300000047000122", "--format", "csv"});
    CHECK(csv.code == 0);
    CHECK(csv.out.rfind("id,at,run_id,", 0) == 0);
    CHECK(csv.out.find("\r\n3,") != std::string::npos); // the read
    CHECK(csv.out.find("\r\n4,") != std::string::npos); // and the vendor created for it
    CHECK(csv.out.find("\r\n5,") == std::string::npos);
    CHECK(csv.out.find("\"vendor \"\"Acme, Inc.\"\"\ncreated\"") != std::string::npos);

    const auto json = run_audit_cli(db, {"audit", "--record", "vendor:5508", "--json"});
    CHECK(json.code == 0);
    CHECK(json.out.find(R"("id":8,)") != std::string::npos);
    CHECK(json.out.find(R"("id":7,)") == std::string::npos);

    const auto filtered = run_audit_cli(
        db, {"audit", "--run", "2", "--action", "read", "--limit", "1", "--format", "csv"});
    CHECK(filtered.code == 0);
    CHECK(filtered.out.find("\r\n7,") != std::string::npos);
    CHECK(filtered.out.find("\r\n5,") == std::string::npos);

    const auto bad = run_audit_cli(db, {"audit", "--since", "tomorrow"});
    CHECK(bad.code == 2);
    CHECK(bad.out.find("--since") != std::string::npos);
    CHECK(run_audit_cli(db, {"audit", "--format", "xml"}).code == 2);
    CHECK(run_audit_cli(db, {"audit", "--record", "vendor"}).code == 2);
}

TEST_CASE("audit refuses an unknown --action and says when --limit left rows out", "[e2e][audit]")
{
    mlc::test::TempDir dir("mlc-audit-cli");
    const fs::path db = dir.path() / "state.db";
    seed(db);

    const auto typo = run_audit_cli(db, {"audit", "--action", "create"});
    CHECK(typo.code == 2);
    CHECK_THAT(typo.out, Catch::Contains("error: --action create: no such action (actions in this "
                                         "audit trail: created, read)"));
    // An action ml-connector writes is fine even where this trail has none yet.
    CHECK(run_audit_cli(db, {"audit", "--action", "posted"}).code == 0);

    const auto newest = run_audit_cli(db, {"audit", "--limit", "3"});
    CHECK(newest.code == 0);
    CHECK_THAT(newest.out, Catch::EndsWith("(the newest 3 matching rows; older ones: --limit 0, or "
                                           "narrow with --record, --run, --action, --since)\n"));
    CHECK(newest.out.find("\n6 ") != std::string::npos);
    CHECK(newest.out.find("\n5 ") == std::string::npos);
    // Everything fits: no note.
    const auto all = run_audit_cli(db, {"audit", "--limit", "8"});
    CHECK(all.out.find("the newest") == std::string::npos);
    // JSON stays JSON; the note goes to stderr.
    const auto r = mlc::test::run_process(
        {MLC_BINARY, "--state", db.string(), "audit", "--json", "--limit", "2"});
    CHECK(r.out.starts_with("[\n"));
    CHECK(r.out.find("the newest") == std::string::npos);
    CHECK_THAT(r.err, Catch::StartsWith("note: (the newest 2 matching rows"));
}

TEST_CASE("audit verify passes, then names the tampered row", "[e2e][audit]")
{
    mlc::test::TempDir dir("mlc-audit-cli");
    const fs::path db = dir.path() / "state.db";
    seed(db);

    const auto ok = run_audit_cli(db, {"audit", "verify"});
    CHECK(ok.code == 0);
    CHECK(ok.out == "audit chain ok: 8 rows\n");

    {
        SQLite::Database raw(db.string(), SQLite::OPEN_READWRITE);
        raw.exec("DROP TRIGGER audit_no_update");
        raw.exec("UPDATE audit SET message = 'nothing happened' WHERE id = 6");
    }
    const auto broken = run_audit_cli(db, {"audit", "verify"});
    CHECK(broken.code == 1);
    CHECK(broken.out.rfind("audit chain broken at row 6: ", 0) == 0);

    const auto missing = run_audit_cli(dir.path() / "missing.db", {"audit", "verify"});
    CHECK(missing.code == 2);
    CHECK(missing.out.find("does not exist") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path() / "missing.db"));
}
