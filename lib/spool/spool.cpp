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

void make_dir_0700(const fs::path& dir)
{
    if (::mkdir(dir.c_str(), 0700) == 0) {
        return;
    }
    const int err = errno;
    std::error_code ec;
    if (err == EEXIST && fs::is_directory(dir, ec)) {
        return;
    }
    throw Fatal(ExitCode::usage,
                fmt::format("spool: cannot create {}: {}", dir.string(), errno_text(err)),
                "check the state.spool_dir setting and the directory's permissions");
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
    std::error_code ec;
    if (dir.has_parent_path() && !fs::exists(dir.parent_path(), ec)) {
        fs::create_directories(dir.parent_path(), ec);
        if (ec) {
            spool_fatal("cannot create " + dir.parent_path().string(), ec);
        }
    }
    make_dir_0700(dir);
    for (const char* sub : {k_tmp, k_new, k_done, k_rejected}) {
        make_dir_0700(dir / sub);
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

SpoolWriter::SpoolWriter(fs::path dir) : dir_(std::move(dir))
{
    ensure_layout(dir_);
    new_dir_fd_ = ::open((dir_ / k_new).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (new_dir_fd_ < 0) {
        spool_fatal("cannot open " + (dir_ / k_new).string(),
                    std::error_code(errno, std::generic_category()));
    }
}

SpoolWriter::~SpoolWriter()
{
    if (new_dir_fd_ >= 0) {
        ::close(new_dir_fd_);
    }
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
    // few times with a fresh counter rather than ever overwriting a delivery.
    for (int attempt = 0; attempt < 8; ++attempt) {
        const std::uint64_t salt = (pid << 40) ^ counter.fetch_add(1, std::memory_order_relaxed);
        const std::string name = make_file_name(received, body, salt);
        const fs::path tmp_path = dir_ / k_tmp / name;

        const int fd = ::open(tmp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (errno == EEXIST) {
                continue;
            }
            return failure("create", "tmp/" + name, errno);
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
        if (rename_noreplace(tmp_path, new_dir_fd_, name) != 0) {
            const int err = errno;
            ::unlink(tmp_path.c_str());
            if (err == EEXIST) {
                continue;
            }
            return failure("rename into", "new/" + name, err);
        }
        std::uint64_t seq = 0;
        {
            std::lock_guard lock(sync_mutex_);
            seq = ++renamed_;
        }
        // Without this the rename may not survive a power cut even though the data would.
        if (const int err = sync_new_dir(seq); err != 0) {
            ::unlinkat(new_dir_fd_, name.c_str(), 0);
            return failure("fsync directory for", "new/" + name, err);
        }
        return name;
    }
    return std::unexpected(std::string("spool: could not find a free file name after 8 attempts"));
}

int SpoolWriter::sync_new_dir(std::uint64_t renamed_seq)
{
    std::unique_lock lock(sync_mutex_);
    for (;;) {
        if (synced_ >= renamed_seq) {
            return 0;
        }
        if (renamed_seq >= failed_from_ && renamed_seq <= failed_to_) {
            return failed_errno_;
        }
        if (!syncing_) {
            // Lead: this fsync covers every rename numbered up to `target`, ours included.
            syncing_ = true;
            const std::uint64_t target = renamed_;
            lock.unlock();
            const int err = ::fsync(new_dir_fd_) == 0 ? 0 : errno;
            lock.lock();
            syncing_ = false;
            if (err == 0) {
                synced_ = std::max(synced_, target);
            } else {
                failed_from_ = synced_ + 1;
                failed_to_ = target;
                failed_errno_ = err;
            }
            sync_done_.notify_all();
            continue;
        }
        sync_done_.wait(lock);
    }
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
