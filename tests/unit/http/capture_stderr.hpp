#pragma once
// Redirects file descriptor 2 to a temp file for the lifetime of the object, so a test can read
// back every log line the library wrote, and turns on trace logging meanwhile.
#include "core/log.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace mlc::test {

class CaptureStderr {
public:
    explicit CaptureStderr(log::Level level = log::Level::trace) : previous_level_(log::level())
    {
        char path[] = "/tmp/mlc-stderr-XXXXXX";
        fd_ = ::mkstemp(path);
        if (fd_ < 0) {
            throw std::runtime_error("mkstemp failed");
        }
        path_ = path;
        std::fflush(stderr);
        saved_ = ::dup(2);
        ::dup2(fd_, 2);
        log::configure(level, log::Format::text);
    }
    ~CaptureStderr()
    {
        restore();
        ::close(fd_);
        ::unlink(path_.c_str());
    }
    CaptureStderr(const CaptureStderr&) = delete;
    CaptureStderr& operator=(const CaptureStderr&) = delete;

    // Everything written so far (stays captured).
    std::string text() const
    {
        std::fflush(stderr);
        std::ifstream in(path_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

private:
    void restore()
    {
        if (saved_ >= 0) {
            std::fflush(stderr);
            ::dup2(saved_, 2);
            ::close(saved_);
            saved_ = -1;
            log::configure(previous_level_, log::Format::text);
        }
    }
    log::Level previous_level_;
    int fd_ = -1;
    int saved_ = -1;
    std::string path_;
};

} // namespace mlc::test
