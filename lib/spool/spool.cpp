#include "spool/spool.hpp"

#include "core/error.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <system_error>

namespace fs = std::filesystem;

namespace mlc::spool {
namespace {

constexpr const char* k_tmp = "tmp";
constexpr const char* k_new = "new";
constexpr const char* k_done = "done";
constexpr const char* k_rejected = "rejected";
constexpr std::string_view k_reason_suffix = ".reason";
// "20261127T161549.123456Z" is 23 characters; a dash and 16 hex digits follow.
constexpr std::size_t k_time_len = 23;

std::string errno_text(int err)
{
    return std::error_code(err, std::generic_category()).message();
}

// Removes each file, skipping those already gone or not removable; how many were removed.
std::size_t remove_each(const std::vector<fs::path>& files)
{
    std::size_t removed = 0;
    std::error_code ec;
    for (const auto& f : files) {
        if (fs::remove(f, ec)) {
            ++removed;
        }
    }
    return removed;
}

// "" when `dir` is (now) a directory, else what went wrong.
std::string make_dir_0700(const fs::path& dir)
{
    if (::mkdir(dir.c_str(), 0700) == 0) {
        return {};
    }
    const int err = errno;
    std::error_code ec;
    if (err == EEXIST && fs::is_directory(dir, ec)) {
        return {};
    }
    return fmt::format("cannot create {}: {}", dir.string(),
                       err == EEXIST ? "a file is in the way" : errno_text(err));
}

// Creates the spool and its four parts, each 0700; "" or what went wrong.
std::string make_layout(const fs::path& dir)
{
    std::error_code ec;
    if (dir.has_parent_path() && !fs::exists(dir.parent_path(), ec)) {
        fs::create_directories(dir.parent_path(), ec);
        if (ec) {
            return fmt::format("cannot create {}: {}", dir.parent_path().string(), ec.message());
        }
    }
    if (auto err = make_dir_0700(dir); !err.empty()) {
        return err;
    }
    for (const char* sub : {k_tmp, k_new, k_done, k_rejected}) {
        if (auto err = make_dir_0700(dir / sub); !err.empty()) {
            return err;
        }
    }
    return {};
}

std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes)
{
    for (const char c : bytes) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

// splitmix64 finaliser: spreads the salt so neighbouring counters give unrelated names.
std::uint64_t mix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

bool write_all(int fd, std::string_view data)
{
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        if (n == 0) {
            errno = EIO;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Moves `from` to `dir_fd`/`name` unless that name exists. renameat2(RENAME_NOREPLACE) where
// the filesystem has it, else link + unlink (same guarantee, one more syscall).
int rename_noreplace(const fs::path& from, int dir_fd, const std::string& name)
{
    if (::renameat2(AT_FDCWD, from.c_str(), dir_fd, name.c_str(), RENAME_NOREPLACE) == 0) {
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS) {
        return -1;
    }
    if (::linkat(AT_FDCWD, from.c_str(), dir_fd, name.c_str(), 0) != 0) {
        return -1;
    }
    ::unlink(from.c_str());
    return 0;
}

bool is_listed(const fs::directory_entry& entry)
{
    const auto name = entry.path().filename().string();
    return !name.empty() && name.front() != '.' && entry.is_regular_file();
}

std::size_t count_files(const fs::path& dir, bool skip_reason_notes)
{
    std::size_t n = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (!is_listed(*it)) {
            continue;
        }
        if (skip_reason_notes && it->path().filename().string().ends_with(k_reason_suffix)) {
            continue;
        }
        ++n;
    }
    return n;
}

std::optional<Clock::time_point> mtime_of(const fs::path& file)
{
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        return std::nullopt;
    }
    return Clock::time_point{std::chrono::seconds{st.st_mtim.tv_sec}
                             + std::chrono::duration_cast<Clock::time_point::duration>(
                                 std::chrono::nanoseconds{st.st_mtim.tv_nsec})};
}

[[noreturn]] void spool_fatal(const std::string& what, const std::error_code& ec)
{
    throw Fatal(ExitCode::usage, fmt::format("spool: {}: {}", what, ec.message()),
                "check the spool directory's permissions and free space");
}

} // namespace

void ensure_layout(const fs::path& dir)
{
    if (auto err = make_layout(dir); !err.empty()) {
        throw Fatal(ExitCode::usage, "spool: " + err,
                    "check the state.spool_dir setting and the directory's permissions");
    }
}

std::string make_file_name(Clock::time_point received, std::string_view body, std::uint64_t salt)
{
    using namespace std::chrono;
    const auto us = duration_cast<microseconds>(received.time_since_epoch()).count();
    const auto clamped = std::max<long long>(us, 0);
    const std::time_t secs = static_cast<std::time_t>(clamped / 1'000'000);
    const long frac = static_cast<long>(clamped % 1'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);

    std::uint64_t h = fnv1a(0xcbf29ce484222325ULL, body);
    h = mix(h ^ mix(salt));
    h = mix(h ^ static_cast<std::uint64_t>(clamped));
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}.{:06}Z-{:016x}.json", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, h);
}

std::optional<Clock::time_point> received_time_of(std::string_view name)
{
    if (name.size() < k_time_len || name[8] != 'T' || name[15] != '.' || name[22] != 'Z') {
        return std::nullopt;
    }
    auto digits = [&](std::size_t pos, std::size_t len) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) {
            if (name[i] < '0' || name[i] > '9') {
                return std::nullopt;
            }
            v = v * 10 + (name[i] - '0');
        }
        return v;
    };
    const auto y = digits(0, 4), mo = digits(4, 2), d = digits(6, 2);
    const auto h = digits(9, 2), mi = digits(11, 2), s = digits(13, 2), us = digits(16, 6);
    if (!y || !mo || !d || !h || !mi || !s || !us || *mo < 1 || *mo > 12 || *d < 1 || *d > 31) {
        return std::nullopt;
    }
    using namespace std::chrono;
    const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)},
                             day{static_cast<unsigned>(*d)}};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return Clock::time_point{sys_days{ymd}.time_since_epoch() + hours{*h} + minutes{*mi}
                             + seconds{*s} + microseconds{*us}};
}

// ---------------------------------------------------------------------------------------------

struct SpoolWriter::NewDir {
    int fd = -1;
    dev_t dev = 0;
    ino_t ino = 0;

    std::mutex mutex;
    std::condition_variable done;
    std::uint64_t renamed = 0; // renames into this directory so far; each gets the next number
    std::uint64_t synced = 0;  // every rename numbered <= this is durable
    bool syncing = false;
    std::uint64_t failed_from = 1, failed_to = 0; // renames the last failed fsync covered
    int failed_errno = 0;

    NewDir() = default;
    NewDir(const NewDir&) = delete;
    NewDir& operator=(const NewDir&) = delete;
    ~NewDir()
    {
        if (fd >= 0) {
            ::close(fd);
        }
    }

    // Whether `path` still names this directory (not deleted, not replaced by another).
    bool is_at(const fs::path& path) const
    {
        struct stat st {};
        return ::stat(path.c_str(), &st) == 0 && st.st_dev == dev && st.st_ino == ino;
    }

    std::uint64_t count_rename()
    {
        std::lock_guard lock(mutex);
        return ++renamed;
    }

    // Returns 0 once the rename numbered `seq` is durable, or the errno of the fsync that
    // covered it and failed.
    int sync(std::uint64_t seq)
    {
        std::unique_lock lock(mutex);
        for (;;) {
            if (synced >= seq) {
                return 0;
            }
            if (seq >= failed_from && seq <= failed_to) {
                return failed_errno;
            }
            if (!syncing) {
                // Lead: this fsync covers every rename numbered up to `target`, ours included.
                syncing = true;
                const std::uint64_t target = renamed;
                lock.unlock();
                const int err = ::fsync(fd) == 0 ? 0 : errno;
                lock.lock();
                syncing = false;
                if (err == 0) {
                    synced = std::max(synced, target);
                } else {
                    failed_from = synced + 1;
                    failed_to = target;
                    failed_errno = err;
                }
                done.notify_all();
                continue;
            }
            done.wait(lock);
        }
    }
};

SpoolWriter::SpoolWriter(fs::path dir) : dir_(std::move(dir))
{
    ensure_layout(dir_);
    std::lock_guard lock(reopen_mutex_);
    auto opened = reopen_new_dir();
    if (!opened) {
        throw Fatal(ExitCode::usage, opened.error(),
                    "check the spool directory's permissions and free space");
    }
}

SpoolWriter::~SpoolWriter() = default;

std::expected<std::shared_ptr<SpoolWriter::NewDir>, std::string> SpoolWriter::reopen_new_dir()
{
    if (auto err = make_layout(dir_); !err.empty()) {
        return std::unexpected("spool: " + err);
    }
    auto d = std::make_shared<NewDir>();
    const fs::path path = dir_ / k_new;
    d->fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st {};
    if (d->fd < 0 || ::fstat(d->fd, &st) != 0) {
        return std::unexpected(
            fmt::format("spool: cannot open {}: {}", path.string(), errno_text(errno)));
    }
    d->dev = st.st_dev;
    d->ino = st.st_ino;
    new_dir_ = d;
    return d;
}

std::expected<std::shared_ptr<SpoolWriter::NewDir>, std::string> SpoolWriter::current_new_dir()
{
    std::lock_guard lock(reopen_mutex_);
    if (new_dir_ && new_dir_->is_at(dir_ / k_new)) {
        return new_dir_;
    }
    // Deleted or replaced under us: renames into the old descriptor would fail (a deleted
    // directory takes no entries) or, worse, land where no reader looks.
    return reopen_new_dir();
}

std::expected<std::string, std::string> SpoolWriter::write(std::string_view body,
                                                           Clock::time_point received)
{
    static std::atomic<std::uint64_t> counter{0};
    const auto pid = static_cast<std::uint64_t>(::getpid());

    auto failure = [](const std::string& step, const std::string& name, int err) {
        return std::unexpected(fmt::format("spool: {} {}: {}", step, name, errno_text(err)));
    };

    // A clash needs the same microsecond, pid and counter, or a 64-bit hash collision: retry a
    // few times with a fresh counter rather than ever overwriting a delivery. A folder that
    // vanishes mid-write (ENOENT) is re-created once and the write tried again.
    bool recreated = false;
    for (int attempt = 0; attempt < 8; ++attempt) {
        auto new_dir = current_new_dir();
        if (!new_dir) {
            return std::unexpected(new_dir.error());
        }
        NewDir& nd = **new_dir;
        const std::uint64_t salt = (pid << 40) ^ counter.fetch_add(1, std::memory_order_relaxed);
        const std::string name = make_file_name(received, body, salt);
        const fs::path tmp_path = dir_ / k_tmp / name;

        const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            const int err = errno;
            if (err == EEXIST) {
                continue;
            }
            if (err == ENOENT && !recreated) {
                recreated = true;
                std::lock_guard lock(reopen_mutex_);
                if (auto reopened = reopen_new_dir(); !reopened) {
                    return std::unexpected(reopened.error());
                }
                continue;
            }
            return failure("create", "tmp/" + name, err);
        }
        if (!write_all(fd, body)) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp_path.c_str());
            return failure("write", "tmp/" + name, err);
        }
        if (::fsync(fd) != 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp_path.c_str());
            return failure("fsync", "tmp/" + name, err);
        }
        if (::close(fd) != 0) {
            const int err = errno;
            ::unlink(tmp_path.c_str());
            return failure("close", "tmp/" + name, err);
        }
        if (rename_noreplace(tmp_path, nd.fd, name) != 0) {
            const int err = errno;
            ::unlink(tmp_path.c_str());
            if (err == EEXIST) {
                continue;
            }
            if (err == ENOENT && !recreated) {
                recreated = true; // new/ went away between the check and the rename
                continue;
            }
            return failure("rename into", "new/" + name, err);
        }
        // Without this the rename may not survive a power cut even though the data would.
        if (const int err = nd.sync(nd.count_rename()); err != 0) {
            ::unlinkat(nd.fd, name.c_str(), 0);
            return failure("fsync directory for", "new/" + name, err);
        }
        return name;
    }
    return std::unexpected(std::string("spool: could not find a free file name after 8 attempts"));
}

std::expected<void, std::string> SpoolWriter::check()
{
    auto new_dir = current_new_dir();
    if (!new_dir) {
        return std::unexpected(new_dir.error());
    }
    static std::atomic<std::uint64_t> counter{0};
    // Hidden: readers and tmp/ pruning skip names that start with a dot.
    const fs::path probe =
        dir_ / k_tmp
        / fmt::format(".probe-{}-{}", ::getpid(), counter.fetch_add(1, std::memory_order_relaxed));
    const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return std::unexpected(fmt::format("spool: cannot create a file in {}: {}",
                                           (dir_ / k_tmp).string(), errno_text(errno)));
    }
    const bool wrote = write_all(fd, "{}");
    const int err = errno;
    ::close(fd);
    ::unlink(probe.c_str());
    if (!wrote) {
        return std::unexpected(fmt::format("spool: cannot write a file in {}: {}",
                                           (dir_ / k_tmp).string(), errno_text(err)));
    }
    if (::faccessat((*new_dir)->fd, ".", W_OK | X_OK, AT_EACCESS) != 0) {
        return std::unexpected(fmt::format("spool: cannot write into {}: {}",
                                           (dir_ / k_new).string(), errno_text(errno)));
    }
    return {};
}

// ---------------------------------------------------------------------------------------------

SpoolReader::SpoolReader(fs::path dir) : dir_(std::move(dir)) {}

std::vector<fs::path> SpoolReader::pending() const
{
    std::vector<fs::path> files;
    std::error_code ec;
    for (fs::directory_iterator it(dir_ / k_new, ec), end; !ec && it != end; it.increment(ec)) {
        if (is_listed(*it)) {
            files.push_back(it->path());
        }
    }
    if (ec && ec != std::errc::no_such_file_or_directory) {
        spool_fatal("cannot list " + (dir_ / k_new).string(), ec);
    }
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    return files;
}

void SpoolReader::mark_done(const fs::path& file)
{
    ensure_layout(dir_);
    const auto name = file.filename();
    std::error_code ec;
    fs::rename(dir_ / k_new / name, dir_ / k_done / name, ec);
    if (ec) {
        spool_fatal("cannot move new/" + name.string() + " to done/", ec);
    }
}

void SpoolReader::reject(const fs::path& file, const std::string& reason)
{
    ensure_layout(dir_);
    const auto name = file.filename();
    std::error_code ec;
    fs::rename(dir_ / k_new / name, dir_ / k_rejected / name, ec);
    if (ec) {
        spool_fatal("cannot move new/" + name.string() + " to rejected/", ec);
    }
    const fs::path note = dir_ / k_rejected / (name.string() + std::string(k_reason_suffix));
    const int fd = ::open(note.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        spool_fatal("cannot write " + note.string(),
                    std::error_code(errno, std::generic_category()));
    }
    const bool ok = write_all(fd, reason) && write_all(fd, "\n");
    const int err = errno;
    ::close(fd);
    if (!ok) {
        spool_fatal("cannot write " + note.string(), std::error_code(err, std::generic_category()));
    }
}

std::size_t SpoolReader::prune_done(Clock::time_point now, std::chrono::hours retention)
{
    std::vector<fs::path> old;
    std::error_code ec;
    for (fs::directory_iterator it(dir_ / k_done, ec), end; !ec && it != end; it.increment(ec)) {
        if (!is_listed(*it)) {
            continue;
        }
        auto when = received_time_of(it->path().filename().string());
        if (!when) {
            when = mtime_of(it->path());
        }
        if (when && *when + retention < now) {
            old.push_back(it->path());
        }
    }
    return remove_each(old);
}

std::size_t SpoolReader::prune_tmp(Clock::time_point now, std::chrono::minutes older_than)
{
    std::vector<fs::path> old;
    std::error_code ec;
    for (fs::directory_iterator it(dir_ / k_tmp, ec), end; !ec && it != end; it.increment(ec)) {
        const auto when = is_listed(*it) ? mtime_of(it->path()) : std::nullopt;
        if (when && *when + older_than < now) {
            old.push_back(it->path());
        }
    }
    return remove_each(old);
}

SpoolDepth SpoolReader::depth() const
{
    SpoolDepth d;
    const auto files = pending();
    d.pending = files.size();
    if (!files.empty()) {
        d.oldest_pending = received_time_of(files.front().filename().string());
    }
    d.rejected = count_files(dir_ / k_rejected, true);
    d.done = count_files(dir_ / k_done, false);
    d.tmp = count_files(dir_ / k_tmp, false);
    return d;
}

} // namespace mlc::spool
