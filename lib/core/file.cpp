#include "core/file.hpp"

#include "core/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mlc {

namespace {

// Writes all of `content` to `fd`; false with errno set on failure.
bool file_write_all(int fd, std::string_view content)
{
    while (!content.empty()) {
        const ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

} // namespace

std::expected<void, std::string> try_write_file_atomically(const std::filesystem::path& path,
                                                           std::string_view content, unsigned mode)
{
    const std::filesystem::path dir =
        path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const std::filesystem::path tmp =
        dir / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()));
    const auto fail = [&tmp](const char* step, int err) -> std::expected<void, std::string> {
        ::unlink(tmp.c_str());
        return std::unexpected(std::string(step) + ": " + std::strerror(err));
    };
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return std::unexpected(std::string("create ") + tmp.string() + ": " + std::strerror(errno));
    }
    if (!file_write_all(fd, content) || ::fchmod(fd, static_cast<mode_t>(mode)) != 0
        || ::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        return fail("write", err);
    }
    if (::close(fd) != 0) {
        return fail("close", errno);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        return fail("rename", errno);
    }
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content)
{
    if (auto written = try_write_file_atomically(path, content); !written) {
        throw UsageError("cannot write " + path.string() + ": " + written.error());
    }
}

} // namespace mlc
