#pragma once
// One pass at a time per state database: a non-blocking flock on "<database path>.lock", the
// path with symbolic links resolved, so every name of the database locks the same file. The holder
// writes who it is into the file, so a second run can say whom it is waiting for. The kernel
// drops the lock when the holder's process dies, so a crashed run never wedges cron.
//
// `ml-connector run` holds the lock across all its passes, and each pass takes it as it would
// alone: a lock taken with Nesting::join lets later RunLocks for the same database in this
// process join it (they take nothing and release nothing), so there is no moment between two
// passes when another process could get in. Every other lock refuses a second one, in this
// process or another, as before.
#include "core/clock.hpp"

#include <filesystem>
#include <string>

namespace mlc::store {

class RunLock {
public:
    // What a later RunLock for the same database in this process does while this one is held.
    enum class Nesting {
        refuse, // it is refused (LockedError), as another process's would be
        join,   // it joins this lock: `run` holding the lock for the passes it runs
    };

    // Takes the lock, or joins a Nesting::join lock this process holds on the same database, or
    // throws LockedError("another run holds <lock path> (pid N, started T, <command>)"). Any
    // other failure (cannot create the lock file) is a StoreError.
    RunLock(const std::filesystem::path& state_path, const std::string& command,
            const Clock& clock = system_clock(), Nesting nesting = Nesting::refuse);
    ~RunLock();
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // True when this lock joined one already held by this process (and owns nothing).
    bool joined() const { return joined_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
    bool joined_ = false;
    bool joinable_ = false; // registered for later locks to join
};

// "<state path, symbolic links resolved>.lock".
std::filesystem::path lock_path_for(const std::filesystem::path& state_path);

} // namespace mlc::store
