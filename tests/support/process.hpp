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

// In a forked child: applies `options` (cwd, unset_env, env; stdin_data is the caller's), makes
// in_fd, out_fd and err_fd its standard streams and executes argv[0]. Exits with 127 when any
// step fails, as a shell does for a command it cannot run.
[[noreturn]] void exec_child(const std::vector<std::string>& argv, const ProcessOptions& options,
                             int in_fd, int out_fd, int err_fd);

// A whole file's bytes; empty when it cannot be read.
std::string read_file(const std::filesystem::path& path);

} // namespace mlc::test
