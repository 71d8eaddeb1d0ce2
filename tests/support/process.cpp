#include "support/process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace mlc::test {

std::string read_file(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

PreparedExec::PreparedExec(const std::vector<std::string>& argv, const ProcessOptions& options)
    : args_(argv), cwd_(options.cwd.string())
{
    auto overridden = [&options](std::string_view name) {
        for (const auto& unset : options.unset_env) {
            if (unset == name) {
                return true;
            }
        }
        for (const auto& [set, value] : options.env) {
            if (set == name) {
                return true;
            }
        }
        return false;
    };
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry(*e);
        if (!overridden(entry.substr(0, entry.find('=')))) {
            env_.emplace_back(entry);
        }
    }
    // A later entry for the same name wins, as with successive setenv() calls.
    for (auto it = options.env.rbegin(); it != options.env.rend(); ++it) {
        bool later = false;
        for (auto after = options.env.rbegin(); after != it; ++after) {
            later = later || after->first == it->first;
        }
        if (!later) {
            env_.push_back(it->first + "=" + it->second);
        }
    }
    for (auto& a : args_) {
        argv_.push_back(a.data());
    }
    argv_.push_back(nullptr);
    for (auto& e : env_) {
        envp_.push_back(e.data());
    }
    envp_.push_back(nullptr);
}

void PreparedExec::exec(int in_fd, int out_fd, int err_fd) const noexcept
{
    if (!cwd_.empty() && chdir(cwd_.c_str()) != 0) {
        _exit(127);
    }
    if (in_fd < 0 || out_fd < 0 || err_fd < 0) {
        _exit(127);
    }
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    execve(argv_[0], argv_.data(), envp_.data());
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

    const PreparedExec prepared(argv, options);
    const pid_t pid = fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        prepared.exec(open(in_path.c_str(), O_RDONLY),
                      open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600),
                      open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            throw std::runtime_error("waitpid failed");
        }
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
