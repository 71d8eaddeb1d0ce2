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

} // namespace mlc::test
