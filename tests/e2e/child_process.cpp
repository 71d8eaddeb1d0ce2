#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>

namespace mlc::test {

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const ProcessOptions& options,
                           Lines lines)
{
    std::random_device rd;
    err_path_ = (std::filesystem::temp_directory_path()
                 / ("mlc-child-" + std::to_string(rd()) + std::to_string(rd()) + ".err"))
                    .string();
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    const PreparedExec prepared(argv, options);
    pid_ = ::fork();
    if (pid_ < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
        const int file = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const bool out_lines = lines == Lines::out;
        prepared.exec(::open("/dev/null", O_RDONLY), out_lines ? fds[1] : file,
                      out_lines ? file : fds[1]);
    }
    ::close(fds[1]);
    out_fd_ = fds[0];
}

ChildProcess::~ChildProcess()
{
    if (pid_ > 0) {
        stop(SIGKILL);
    }
    if (out_fd_ >= 0) {
        ::close(out_fd_);
    }
    std::remove(err_path_.c_str());
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || out_fd_ < 0) {
            return std::nullopt;
        }
        pollfd p{out_fd_, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready <= 0) {
            return std::nullopt;
        }
        char chunk[4096];
        const ssize_t n = ::read(out_fd_, chunk, sizeof chunk);
        if (n <= 0) {
            return std::nullopt;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

int ChildProcess::stop(int sig)
{
    if (pid_ <= 0) {
        return -1;
    }
    ::kill(pid_, sig);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string ChildProcess::err() const
{
    return read_file(err_path_);
}

} // namespace mlc::test
