#include "store/lock.hpp"

#include "core/error.hpp"
#include "store/database.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <sstream>

namespace mlc::store {
namespace {

// The lock paths this process holds with Nesting::join: a later RunLock for one of them joins.
std::mutex g_joinable_run_locks_mutex;
std::set<std::string> g_joinable_run_locks;

// The holder's line, "pid <pid> started <iso time> command <name>", as "pid N, started T, name".
std::string describe_holder(int fd)
{
    std::string text(512, '\0');
    const ssize_t n = pread(fd, text.data(), text.size(), 0);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    std::istringstream in(text);
    std::string pid_word, pid, started_word, started, command_word, command;
    if (in >> pid_word >> pid >> started_word >> started >> command_word && pid_word == "pid"
        && started_word == "started" && command_word == "command") {
        std::getline(in >> std::ws, command);
        return fmt::format("pid {}, started {}, {}", pid, started, command);
    }
    return "holder not yet recorded";
}

} // namespace

std::filesystem::path lock_path_for(const std::filesystem::path& state_path)
{
    // The database's own name, symbolic links followed: `--state link.db` and `--state real.db`
    // are one database and take one lock. A second hard link is refused when the database opens.
    const auto resolved = resolved_state_path(state_path);
    return std::filesystem::path(resolved.string() + ".lock");
}

RunLock::RunLock(const std::filesystem::path& state_path, const std::string& command,
                 const Clock& clock, Nesting nesting)
    : path_(lock_path_for(state_path))
{
    const std::lock_guard<std::mutex> guard(g_joinable_run_locks_mutex);
    if (g_joinable_run_locks.contains(path_.string())) {
        joined_ = true; // the holder keeps the flock (and its holder line) until it ends
        return;
    }
    if (path_.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path_.parent_path(), ec);
    }
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) {
        throw StoreError(
            fmt::format("cannot open lock file {}: {}", path_.string(), std::strerror(errno)),
            "the state folder must be writable by this user");
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        if (err == EWOULDBLOCK) {
            const std::string holder = describe_holder(fd_);
            ::close(fd_);
            fd_ = -1;
            throw LockedError(
                fmt::format("another run holds {} ({})", path_.string(), holder),
                "wait for it to finish; a crashed run releases the lock automatically");
        }
        ::close(fd_);
        fd_ = -1;
        throw StoreError(fmt::format("cannot lock {}: {}", path_.string(), std::strerror(err)));
    }
    const std::string line = fmt::format("pid {} started {} command {}\n", ::getpid(),
                                         format_iso8601(clock.now()), command);
    // Best effort: the lock itself is what matters; the text only makes the message helpful.
    if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] const ssize_t written = ::pwrite(fd_, line.data(), line.size(), 0);
    }
    if (nesting == Nesting::join) {
        g_joinable_run_locks.insert(path_.string());
        joinable_ = true;
    }
}

RunLock::~RunLock()
{
    if (joinable_) {
        const std::lock_guard<std::mutex> guard(g_joinable_run_locks_mutex);
        g_joinable_run_locks.erase(path_.string());
    }
    if (fd_ >= 0) {
        // Clear the holder line while still holding the lock, then closing releases it. The
        // file itself stays: removing it would let two runs lock two different inodes.
        [[maybe_unused]] const int truncated = ::ftruncate(fd_, 0);
        ::close(fd_);
    }
}

} // namespace mlc::store
