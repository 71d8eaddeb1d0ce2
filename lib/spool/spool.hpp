#pragma once
// The webhook spool: a directory where the listener leaves each delivery as one file, durable
// before it is acknowledged, and from which a pass later takes them into the state store. It is
// pure filesystem (Maildir-style tmp/ -> new/ -> done/ | rejected/); it knows no database.
#include "core/clock.hpp"

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::spool {

// Creates <dir> and tmp/, new/, done/, rejected/ beneath it, each 0700 (a delivery may name
// people and projects). Existing directories are left as they are. Throws mlc::Fatal (usage)
// when a directory cannot be created.
void ensure_layout(const std::filesystem::path& dir);

// A spool file name: "<UTC yyyymmddThhmmss.uuuuuuZ>-<16 hex>.json". It sorts by receive time
// and is made by us, never taken from the payload. `salt` separates names made in the same
// microsecond (the writer passes a process-wide counter and the pid).
std::string make_file_name(Clock::time_point received, std::string_view body, std::uint64_t salt);

// The receive time encoded in a spool file name; nullopt for a name we did not make.
std::optional<Clock::time_point> received_time_of(std::string_view file_name);

// Writes deliveries into new/. Safe to call from many threads at once.
//
// The spool outlives any one folder: when the directory (or one of its parts) is deleted or
// replaced while the writer runs, the next write() or check() re-creates the missing folders
// (0700) and follows the new new/, so a listener never needs a restart to write again.
class SpoolWriter {
public:
    // Creates the layout (see ensure_layout) and opens new/ for the directory fsyncs.
    explicit SpoolWriter(std::filesystem::path dir);
    ~SpoolWriter();
    SpoolWriter(const SpoolWriter&) = delete;
    SpoolWriter& operator=(const SpoolWriter&) = delete;

    // Durable before acknowledged: tmp/<name> (O_EXCL, 0600), write all, fsync, rename into
    // new/<name> without replacing anything, fsync new/. Returns the file name. On any failure
    // (ENOSPC, EIO, permissions, a folder that cannot be re-created) returns a message naming
    // the step and the errno text, and leaves nothing behind in tmp/ or new/: the caller
    // answers 503 and Procore retries.
    std::expected<std::string, std::string> write(std::string_view body,
                                                  Clock::time_point received);

    // Whether a write could succeed now, for a health check: re-creates missing folders as
    // write() would, then creates, writes and removes a hidden probe file in tmp/ (no fsync)
    // and checks new/ is writable. Returns a short reason when it cannot.
    std::expected<void, std::string> check();

    const std::filesystem::path& dir() const noexcept { return dir_; }

private:
    // One opened new/ directory and the group commit of its fsyncs: one fsync covers every
    // rename into it done before the fsync started, so concurrent deliveries share it instead
    // of queueing one fsync each. A rename is only ever covered by an fsync of the directory
    // it went into: a replaced new/ gets a fresh NewDir.
    struct NewDir;

    // The new/ to rename into: the current one when the path still names it, else (deleted,
    // replaced) the layout re-created and new/ opened afresh. A message when that fails.
    std::expected<std::shared_ptr<NewDir>, std::string> current_new_dir();
    // Re-creates the layout and reopens new/ (callers hold reopen_mutex_).
    std::expected<std::shared_ptr<NewDir>, std::string> reopen_new_dir();

    std::filesystem::path dir_;
    std::mutex reopen_mutex_;
    std::shared_ptr<NewDir> new_dir_;
};

// How many files sit in each part of the spool, for `status`.
struct SpoolDepth {
    std::size_t pending = 0;  // new/: received, not yet taken into the inbox
    std::size_t rejected = 0; // rejected/ (not counting the .reason notes)
    std::size_t done = 0;     // done/: taken in, kept until pruned
    std::size_t tmp = 0;      // tmp/: a write in progress, or left by a crash (never acknowledged)
    std::optional<Clock::time_point> oldest_pending; // from the oldest name in new/
};

// Takes files out of the spool. Used by one pass at a time (passes hold the run lock).
// Moving a file is "cannot continue" when it fails (the spool is broken): those methods throw
// mlc::Fatal. They do not fsync: a move lost in a crash only means the file is taken in again,
// and the inbox is unique on the event id.
class SpoolReader {
public:
    // Touches nothing: `status` reads a spool (even a missing one, which is empty) without
    // creating it. The moves create the layout when they need it.
    explicit SpoolReader(std::filesystem::path dir);

    // Files in new/, sorted by name, i.e. by receive time. Hidden files are skipped.
    std::vector<std::filesystem::path> pending() const;

    // Moves a file from new/ to done/.
    void mark_done(const std::filesystem::path& file);
    // Moves a file from new/ to rejected/ and writes rejected/<name>.reason with `reason`.
    void reject(const std::filesystem::path& file, const std::string& reason);

    // Deletes files in done/ received more than `retention` before `now` (by the time in their
    // name, or their mtime for a name we did not make). Returns how many were deleted.
    std::size_t prune_done(Clock::time_point now, std::chrono::hours retention);
    // Deletes files in tmp/ older (mtime) than `older_than`: left by a listener that died
    // mid-write, they were never acknowledged, so Procore delivered them again.
    std::size_t prune_tmp(Clock::time_point now, std::chrono::minutes older_than);

    SpoolDepth depth() const;

    const std::filesystem::path& dir() const noexcept { return dir_; }

private:
    std::filesystem::path dir_;
};

} // namespace mlc::spool
