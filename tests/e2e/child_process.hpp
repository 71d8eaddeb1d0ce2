#pragma once
// A long-running child (ml-connector listen) for end-to-end tests: started like run_process
// (support/process.hpp) but with stdin from /dev/null, its stdout read line by line with a deadline
// (no sleeps: poll on the pipe), stopped with a signal and its exit code collected. The destructor
// kills a child still running.
#include "support/process.hpp"

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mlc::test {

class ChildProcess {
public:
    // Which stream read_line() reads; the other goes to a file err() returns.
    enum class Lines { out, err };

    explicit ChildProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {},
                          Lines lines = Lines::out);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // The next stdout line (without '\n'), or nullopt when the child closed stdout or the
    // deadline passed.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    // Sends `sig` and waits for the exit; the exit code, or -1 when killed by a signal.
    int stop(int sig);
    // Everything the child wrote to the stream not read by lines so far, stderr unless
    // Lines::err was asked for (a file; read after stop()).
    std::string err() const;

private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    std::string err_path_;
    std::string buffer_;
};

} // namespace mlc::test
