// The run lock: a second holder is refused with the first one's pid, the lock goes with the
// RunLock and with a killed process (fork + SIGKILL + waitpid, no sleeps).
#include "core/error.hpp"
#include "store/lock.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace store_lock_test {

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir()
    {
        std::string tmpl = (std::filesystem::temp_directory_path() / "mlc-lock-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

std::string locked_message(const std::filesystem::path& state)
{
    try {
        mlc::store::RunLock second(state, "status");
    } catch (const mlc::LockedError& e) {
        CHECK(e.code() == mlc::ExitCode::locked);
        CHECK(e.hint() == "wait for it to finish; a crashed run releases the lock automatically");
        return e.what();
    }
    return "(not locked)";
}

} // namespace

TEST_CASE("the run lock is the database's: a symbolic link to it locks the same file",
          "[store][lock]")
{
    TempDir dir;
    const auto state = dir.path / "state.db";
    std::filesystem::create_directory(dir.path / "elsewhere");
    const auto link = dir.path / "elsewhere" / "link.db";
    std::filesystem::create_symlink(state, link); // dangling until the database exists
    mlc::store::RunLock first(state, "pull-pos");
    CHECK(mlc::store::lock_path_for(link) == first.path());
    CHECK_THAT(locked_message(link),
               Catch::StartsWith("another run holds " + first.path().string()));

    // A relative path names the same database too.
    const auto cwd = std::filesystem::current_path();
    std::filesystem::current_path(dir.path);
    const auto relative = mlc::store::lock_path_for("state.db");
    std::filesystem::current_path(cwd);
    CHECK(relative == first.path());
}

TEST_CASE("a second RunLock on the same state is refused, naming the holder", "[store][lock]")
{
    TempDir dir;
    const auto state = dir.path / "state.db";
    mlc::FakeClock clock;
    {
        mlc::store::RunLock first(state, "sync-suppliers", clock);
        CHECK(first.path() == dir.path / "state.db.lock");
        // flock is per open file description: a second open in this process conflicts too.
        const std::string msg = locked_message(state);
        CHECK(msg
              == "another run holds " + (dir.path / "state.db.lock").string() + " (pid "
                     + std::to_string(getpid()) + ", started " + mlc::format_iso8601(clock.now())
                     + ", sync-suppliers)");
    }
    // Released with the RunLock.
    CHECK_NOTHROW(mlc::store::RunLock(state, "again"));
}

TEST_CASE("the lock is released when the holding process is killed", "[store][lock]")
{
    TempDir dir;
    const auto state = dir.path / "state.db";
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(ready[0]);
        try {
            mlc::store::RunLock held(state, "pull-pos");
            const char byte = 'k';
            if (write(ready[1], &byte, 1) != 1) {
                _exit(3);
            }
            for (;;) {
                pause(); // until SIGKILL
            }
        } catch (...) {
            _exit(2);
        }
    }
    close(ready[1]);
    char byte = 0;
    REQUIRE(read(ready[0], &byte, 1) == 1);
    close(ready[0]);

    const std::string msg = locked_message(state);
    CHECK_THAT(msg, Catch::Contains("(pid " + std::to_string(child) + ", started "));
    CHECK_THAT(msg, Catch::EndsWith(", pull-pos)"));

    REQUIRE(kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK_NOTHROW(mlc::store::RunLock(state, "after-crash"));
}

TEST_CASE("the lock file records the holder while held", "[store][lock]")
{
    TempDir dir;
    const auto state = dir.path / "state.db";
    mlc::store::RunLock lock(state, "post-costs");
    std::ifstream in(lock.path());
    std::stringstream text;
    text << in.rdbuf();
    CHECK_THAT(text.str(), Catch::StartsWith("pid " + std::to_string(getpid()) + " started "));
    CHECK_THAT(text.str(), Catch::EndsWith(" command post-costs\n"));
}

TEST_CASE("a joinable lock lets this process's later locks join it, and no other process in",
          "[store][lock]")
{
    TempDir dir;
    const auto state = dir.path / "state.db";
    // Another open of the lock file, as a second process would make: flock locks belong to
    // the open file description, so this one fails exactly when the lock is held.
    const auto other_can_lock = [&] {
        const int fd = ::open(mlc::store::lock_path_for(state).c_str(), O_RDWR | O_CLOEXEC);
        REQUIRE(fd >= 0);
        const bool got = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
        ::close(fd);
        return got;
    };
    {
        mlc::store::RunLock outer(state, "run", mlc::system_clock(),
                                  mlc::store::RunLock::Nesting::join);
        CHECK_FALSE(outer.joined());
        {
            mlc::store::RunLock pass(state, "sync-suppliers");
            CHECK(pass.joined());
            CHECK_FALSE(other_can_lock());
        }
        // Between two passes: the first one's release gave nothing up.
        CHECK_FALSE(other_can_lock());
        std::ifstream in(outer.path());
        std::stringstream text;
        text << in.rdbuf();
        CHECK_THAT(text.str(), Catch::EndsWith(" command run\n"));
        {
            mlc::store::RunLock pass(state, "pull-pos");
            CHECK(pass.joined());
        }
        CHECK_FALSE(other_can_lock());
    }
    CHECK(other_can_lock());
    // Joining ends with the joinable lock: a plain lock is refused by a second one again.
    mlc::store::RunLock plain(state, "pull-pos");
    CHECK_FALSE(plain.joined());
    CHECK_THAT(locked_message(state), Catch::Contains("pull-pos"));
}

TEST_CASE("a plain lock is not joinable", "[store][lock]")
{
    TempDir dir;
    const auto state = dir.path / "state.db";
    mlc::store::RunLock first(state, "sync-suppliers");
    CHECK_THROWS_AS(
        mlc::store::RunLock(state, "run", mlc::system_clock(), mlc::store::RunLock::Nesting::join),
        mlc::LockedError);
}

} // namespace store_lock_test
