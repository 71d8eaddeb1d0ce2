#include "support/process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace mlc::test {

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void exec_child(const std::vector<std::string>& argv, const ProcessOptions& options, int in_fd,
                int out_fd, int err_fd)
{
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) {
        _exit(127);
    }
    for (const auto& name : options.unset_env) {
        unsetenv(name.c_str());
    }
    for (const auto& [name, value] : options.env) {
        setenv(name.c_str(), value.c_str(), 1);
    }
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
        _exit(127);
    }
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
}

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options)
{
    std::random_device rd;
    const auto base = std::filesystem::temp_directory_path()
                      / ("mlc-proc-" + std::to_string(rd()) + std::to_string(rd()));
    const auto out_path = base.string() + ".out";
    const auto err_path = base.string() + ".err";
    const auto in_path = base.string() + ".in";
    {
        std::ofstream in(in_path, std::ios::binary);
        in << options.stdin_data;
    }

    const pid_t pid = fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        exec_child(argv, options, open(in_path.c_str(), O_RDONLY),
                   open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600),
                   open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    ProcessResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_file(out_path);
    result.err = read_file(err_path);
    std::remove(out_path.c_str());
    std::remove(err_path.c_str());
    std::remove(in_path.c_str());
    return result;
}

} // namespace mlc::test
