#pragma once
// One pass at a time per state database: a non-blocking flock on "<database path>.lock", the
// path with symbolic links resolved, so every name of the database locks the same file. The holder
// writes who it is into the file, so a second run can say whom it is waiting for. The kernel
// drops the lock when the holder's process dies, so a crashed run never wedges cron.
#include "core/clock.hpp"

#include <filesystem>
#include <string>

namespace mlc::store {

class RunLock {
public:
    // Takes the lock or throws LockedError("another run holds <lock path> (pid N, started T,
    // <command>)"). Any other failure (cannot create the lock file) is a StoreError.
    RunLock(const std::filesystem::path& state_path, const std::string& command,
            const Clock& clock = system_clock());
    ~RunLock();
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

// "<state path, symbolic links resolved>.lock".
std::filesystem::path lock_path_for(const std::filesystem::path& state_path);

} // namespace mlc::store
