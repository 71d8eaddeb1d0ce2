// SpoolWriter and SpoolReader against a real temp directory: durability path, names, failures
// that must leave nothing half-written in new/, and the reader's moves, pruning and depth.
#include "core/clock.hpp"
#include "core/error.hpp"
#include "spool/spool.hpp"

#include <catch2/catch.hpp>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace spool_spool_test {

namespace fs = std::filesystem;
using mlc::Clock;
using mlc::spool::SpoolReader;
using mlc::spool::SpoolWriter;

namespace {

struct TempDir {
    fs::path path;
    TempDir()
    {
        std::random_device rd;
        path = fs::temp_directory_path()
               / ("mlc-spool-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~TempDir()
    {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path, ec);
    }
};

std::string slurp(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> names_in(const fs::path& dir)
{
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

unsigned mode_of(const fs::path& p)
{
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

const std::regex k_name_re(R"(\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{16}\.json)");

Clock::time_point at(int year, unsigned month, unsigned day, int hour, int minute, int second,
                     int micro)
{
    using namespace std::chrono;
    return Clock::time_point{
        sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}}
            .time_since_epoch()
        + hours{hour} + minutes{minute} + seconds{second} + microseconds{micro}};
}

} // namespace

TEST_CASE("SpoolWriter: the file lands in new/ with the exact bytes, nothing left in tmp/",
          "[spool]")
{
    TempDir tmp;
    const fs::path dir = tmp.path / "spool";
    SpoolWriter writer(dir);
    for (const char* sub : {"", "tmp", "new", "done", "rejected"}) {
        CHECK(mode_of(dir / sub) == 0700);
    }

    const std::string body =
        std::string(R"({"id":1,"note":"bytes \u00e9 and a NUL-free tail")") + "\xc3\xa9\r\n}";
    const auto received = at(2026, 11, 27, 16, 15, 49, 123456);
    auto name = writer.write(body, received);
    REQUIRE(name.has_value());
    CHECK(std::regex_match(*name, k_name_re));
    CHECK(name->starts_with("20261127T161549.123456Z-"));
    CHECK(slurp(dir / "new" / *name) == body);
    CHECK(mode_of(dir / "new" / *name) == 0600);
    CHECK(names_in(dir / "tmp").empty());
    CHECK(names_in(dir / "new") == std::vector<std::string>{*name});

    // An empty body is still a file (the listener refuses it earlier; the writer does not care).
    auto empty = writer.write("", received);
    REQUIRE(empty.has_value());
    CHECK(slurp(dir / "new" / *empty).empty());
}

TEST_CASE("Spool names: unique, sortable by receive time, never from the payload", "[spool]")
{
    TempDir tmp;
    SpoolWriter writer(tmp.path);
    const auto t = at(2026, 1, 2, 3, 4, 5, 6);

    // The same body at the same microsecond many times: every write gets its own file.
    std::set<std::string> names;
    for (int i = 0; i < 500; ++i) {
        auto n = writer.write(R"({"id":1})", t);
        REQUIRE(n.has_value());
        names.insert(*n);
    }
    CHECK(names.size() == 500);
    CHECK(names_in(tmp.path / "new").size() == 500);

    // Later receive times sort later, whatever the body.
    auto early = writer.write(R"({"z":1})", at(2026, 1, 2, 3, 4, 5, 7));
    auto late = writer.write(R"({"a":1})", at(2026, 1, 2, 3, 4, 6, 0));
    auto later = writer.write(R"({"a":1})", at(2027, 1, 1, 0, 0, 0, 0));
    REQUIRE((early && late && later));
    CHECK(*names.rbegin() < *early);
    CHECK(*early < *late);
    CHECK(*late < *later);

    // Hostile payload content never shapes the name.
    auto hostile =
        writer.write(R"({"id":"../../etc/passwd","ulid":"x/y","resource_name":"..\\a"})", t);
    REQUIRE(hostile.has_value());
    CHECK(std::regex_match(*hostile, k_name_re));
    CHECK(fs::exists(tmp.path / "new" / *hostile));

    // The name's time reads back exactly.
    const auto back = mlc::spool::received_time_of(*late);
    REQUIRE(back.has_value());
    CHECK(*back == at(2026, 1, 2, 3, 4, 6, 0));
    CHECK_FALSE(mlc::spool::received_time_of("notes.txt").has_value());
    CHECK_FALSE(
        mlc::spool::received_time_of("20261399T000000.000000Z-0000000000000000.json").has_value());
}

TEST_CASE("SpoolWriter is safe from many threads", "[spool]")
{
    TempDir tmp;
    SpoolWriter writer(tmp.path);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                const std::string body =
                    "{\"t\":" + std::to_string(t) + ",\"i\":" + std::to_string(i) + "}";
                if (!writer.write(body, mlc::system_clock().now())) {
                    ++failures;
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    CHECK(failures == 0);
    const auto files = names_in(tmp.path / "new");
    REQUIRE(files.size() == 400);
    std::set<std::string> bodies;
    for (const auto& f : files) {
        bodies.insert(slurp(tmp.path / "new" / f));
    }
    CHECK(bodies.size() == 400); // each delivery exactly once
    CHECK(names_in(tmp.path / "tmp").empty());
}

TEST_CASE("SpoolWriter: a write that fails midway is an error and leaves nothing behind", "[spool]")
{
    TempDir tmp;
    SpoolWriter writer(tmp.path);

    SECTION("the file size limit cuts the write short (stands in for ENOSPC)")
    {
        // RLIMIT_FSIZE makes write() fail with EFBIG after a partial write, like a full disk.
        struct rlimit old {};
        REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
        auto* old_handler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 16;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
        auto r = writer.write(std::string(4096, ' ') + "{}", mlc::system_clock().now());
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, old_handler);

        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().starts_with("spool: write tmp/"));
        CHECK(r.error().find("too large") != std::string::npos);
    }
    SECTION("tmp/ cannot take files (broken spool)")
    {
        // Works as root too, unlike a chmod: a file where the directory should be.
        fs::remove(tmp.path / "tmp");
        std::ofstream(tmp.path / "tmp") << "not a directory";
        auto r = writer.write("{}", mlc::system_clock().now());
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().starts_with("spool: create tmp/"));
        fs::remove(tmp.path / "tmp");
        fs::create_directory(tmp.path / "tmp");
    }
    SECTION("tmp/ is read-only (when not root)")
    {
        if (::geteuid() == 0) {
            WARN(
                "running as root: permission bits do not stop root; covered by the other sections");
            return;
        }
        fs::permissions(tmp.path / "tmp", fs::perms::owner_read | fs::perms::owner_exec);
        auto r = writer.write("{}", mlc::system_clock().now());
        fs::permissions(tmp.path / "tmp", fs::perms::owner_all);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().find("ermission") != std::string::npos);
    }
    CHECK(names_in(tmp.path / "new").empty());
    CHECK(names_in(tmp.path / "tmp").empty());

    // The writer recovers once the disk does.
    CHECK(writer.write("{}", mlc::system_clock().now()).has_value());
    CHECK(names_in(tmp.path / "new").size() == 1);
}

TEST_CASE("SpoolWriter: a deleted spool is re-created 0700 and written again", "[spool]")
{
    TempDir tmp;
    const fs::path dir = tmp.path / "spool";
    SpoolWriter writer(dir);
    REQUIRE(writer.write("{}", mlc::system_clock().now()).has_value());

    SECTION("the whole folder is deleted")
    {
        fs::remove_all(dir);
        auto name = writer.write(R"({"id":2})", mlc::system_clock().now());
        INFO((name ? *name : name.error()));
        REQUIRE(name.has_value());
        for (const char* sub : {"", "tmp", "new", "done", "rejected"}) {
            CHECK(mode_of(dir / sub) == 0700);
        }
        CHECK(slurp(dir / "new" / *name) == R"({"id":2})");
    }
    SECTION("only new/ is deleted")
    {
        fs::remove_all(dir / "new");
        auto name = writer.write(R"({"id":2})", mlc::system_clock().now());
        REQUIRE(name.has_value());
        CHECK(mode_of(dir / "new") == 0700);
        CHECK(slurp(dir / "new" / *name) == R"({"id":2})");
    }
    SECTION("the folder is moved away and another made in its place")
    {
        // The old new/ still exists elsewhere: a write must not land there, where no reader looks.
        fs::rename(dir, tmp.path / "spool.old");
        fs::create_directories(dir / "tmp");
        auto name = writer.write(R"({"id":2})", mlc::system_clock().now());
        REQUIRE(name.has_value());
        CHECK(slurp(dir / "new" / *name) == R"({"id":2})");
        CHECK(names_in(tmp.path / "spool.old" / "new").size() == 1);
    }
    CHECK(names_in(dir / "new").size() == 1);
    CHECK(names_in(dir / "tmp").empty());
    CHECK(writer.check().has_value());
}

TEST_CASE("SpoolWriter::check says why the spool cannot be written, and recovers", "[spool]")
{
    TempDir tmp;
    const fs::path dir = tmp.path / "spool";
    SpoolWriter writer(dir);
    REQUIRE(writer.check().has_value());
    CHECK(names_in(dir / "tmp").empty()); // the probe is removed

    // A file where the folder should be: it cannot be re-created (as root too).
    fs::remove_all(dir);
    std::ofstream(dir) << "in the way";
    auto broken = writer.check();
    REQUIRE_FALSE(broken.has_value());
    CHECK(broken.error().find("cannot create " + dir.string()) != std::string::npos);
    auto write = writer.write("{}", mlc::system_clock().now());
    REQUIRE_FALSE(write.has_value());
    CHECK(write.error().starts_with("spool: cannot create"));

    fs::remove(dir);
    CHECK(writer.check().has_value());
    CHECK(fs::is_directory(dir / "new"));
    CHECK(writer.write("{}", mlc::system_clock().now()).has_value());
    CHECK(names_in(dir / "new").size() == 1);
}

TEST_CASE("SpoolWriter: a spool directory that cannot be created is fatal", "[spool]")
{
    TempDir tmp;
    std::ofstream(tmp.path / "file") << "x";
    CHECK_THROWS_AS(SpoolWriter(tmp.path / "file" / "spool"), mlc::Fatal);
}

TEST_CASE("SpoolReader: a missing spool reads as empty and is not created", "[spool]")
{
    TempDir tmp;
    const fs::path dir = tmp.path / "never-written";
    SpoolReader reader(dir);
    CHECK(reader.pending().empty());
    const auto d = reader.depth();
    CHECK(d.pending == 0);
    CHECK(d.rejected == 0);
    CHECK(d.done == 0);
    CHECK(reader.prune_done(mlc::system_clock().now(), std::chrono::hours(1)) == 0);
    CHECK_FALSE(fs::exists(dir));
}

TEST_CASE("SpoolReader: pending, mark_done, reject, prune and depth", "[spool]")
{
    TempDir tmp;
    SpoolWriter writer(tmp.path);
    SpoolReader reader(tmp.path);
    const auto t0 = at(2026, 3, 1, 12, 0, 0, 0);

    CHECK(reader.pending().empty());
    auto d0 = reader.depth();
    CHECK(d0.pending == 0);
    CHECK_FALSE(d0.oldest_pending.has_value());

    // Written out of order; pending() returns them by receive time.
    auto c = writer.write(R"({"n":"c"})", t0 + std::chrono::hours(2));
    auto a = writer.write(R"({"n":"a"})", t0);
    auto b = writer.write(R"({"n":"b"})", t0 + std::chrono::hours(1));
    REQUIRE((a && b && c));
    std::ofstream(tmp.path / "new" / ".hidden") << "editor junk";

    auto files = reader.pending();
    REQUIRE(files.size() == 3);
    CHECK(files[0].filename() == *a);
    CHECK(files[1].filename() == *b);
    CHECK(files[2].filename() == *c);

    auto d1 = reader.depth();
    CHECK(d1.pending == 3);
    REQUIRE(d1.oldest_pending.has_value());
    CHECK(*d1.oldest_pending == t0);

    reader.mark_done(files[0]);
    reader.reject(files[1], "resource_id: missing");
    CHECK(fs::exists(tmp.path / "done" / *a));
    CHECK(slurp(tmp.path / "done" / *a) == R"({"n":"a"})");
    CHECK(slurp(tmp.path / "rejected" / *b) == R"({"n":"b"})");
    CHECK(slurp(tmp.path / "rejected" / (*b + ".reason")) == "resource_id: missing\n");
    CHECK(reader.pending().size() == 1);

    // A file already moved (by a concurrent pass, or twice): a broken spool, fatal.
    CHECK_THROWS_AS(reader.mark_done(files[0]), mlc::Fatal);

    std::ofstream(tmp.path / "tmp" / "stale.json") << "{";
    auto d2 = reader.depth();
    CHECK(d2.pending == 1);
    CHECK(d2.done == 1);
    CHECK(d2.rejected == 1); // the .reason note is not counted
    CHECK(d2.tmp == 1);
    REQUIRE(d2.oldest_pending.has_value());
    CHECK(*d2.oldest_pending == t0 + std::chrono::hours(2));

    // Retention counts from the receive time in the name.
    reader.mark_done(files[2]);
    mlc::FakeClock clock(t0 + std::chrono::hours(24 * 14) - std::chrono::minutes(30));
    CHECK(reader.prune_done(clock.now(), std::chrono::hours(24 * 14)) == 0);
    clock.advance(std::chrono::hours(1));
    CHECK(reader.prune_done(clock.now(), std::chrono::hours(24 * 14)) == 1); // a, not c
    CHECK_FALSE(fs::exists(tmp.path / "done" / *a));
    CHECK(fs::exists(tmp.path / "done" / *c));
    CHECK(fs::exists(tmp.path / "rejected" / *b)); // rejected files are never pruned

    // Stale tmp/ files (a listener died mid-write) go by mtime.
    const auto real_now = mlc::system_clock().now();
    CHECK(reader.prune_tmp(real_now, std::chrono::minutes(10)) == 0);
    CHECK(reader.prune_tmp(real_now + std::chrono::minutes(11), std::chrono::minutes(10)) == 1);
    CHECK(reader.depth().tmp == 0);
}

} // namespace spool_spool_test
