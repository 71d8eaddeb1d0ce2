#include "core/file.hpp"

#include "core/error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace mlc {

namespace {

std::string file_errno_text(int err)
{
    return std::strerror(err);
}

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

void write_file_atomically(const std::filesystem::path& path, std::string_view content)
{
    const std::filesystem::path dir =
        path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const std::filesystem::path tmp =
        dir / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()));
    const auto fail = [&](const std::string& step, int err) {
        ::unlink(tmp.c_str());
        throw UsageError("cannot write " + path.string() + ": " + step + ": "
                         + file_errno_text(err));
    };
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        fail("create", errno);
    }
    if (!file_write_all(fd, content) || ::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        fail("write", err);
    }
    if (::close(fd) != 0) {
        fail("close", errno);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        fail("rename", errno);
    }
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

} // namespace mlc
