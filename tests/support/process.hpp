#pragma once
// Runs a program as a user would (argv, extra environment, stdin, working folder) and returns
// its exit code, stdout and stderr separately. For end-to-end tests of the real binary.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace mlc::test {

struct ProcessResult {
    int exit_code = -1; // -1: killed by a signal
    std::string out;
    std::string err;
};

struct ProcessOptions {
    std::vector<std::pair<std::string, std::string>> env; // added to (or replacing in) ours
    std::vector<std::string> unset_env;                   // removed from ours
    std::string stdin_data;
    std::filesystem::path cwd;
};

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Everything a forked child needs to run a program, built in the parent. A test process has
// threads (the simulators), and after fork() only async-signal-safe calls are allowed: a child
// that called setenv() or malloc() could wait forever on a lock another thread held at the
// moment of the fork. So the argument and environment arrays are made here, and exec() only
// calls chdir, dup2, execve and _exit.
class PreparedExec {
public:
    PreparedExec(const std::vector<std::string>& argv, const ProcessOptions& options);
    // In the forked child: in_fd, out_fd and err_fd become its standard streams and argv[0]
    // replaces it. Exits with 127 when any step fails, as a shell does for a command it cannot run.
    [[noreturn]] void exec(int in_fd, int out_fd, int err_fd) const noexcept;

private:
    std::vector<std::string> args_;
    std::vector<std::string> env_;
    std::vector<char*> argv_;
    std::vector<char*> envp_;
    std::string cwd_;
};

// A whole file's bytes; empty when it cannot be read.
std::string read_file(const std::filesystem::path& path);

} // namespace mlc::test
