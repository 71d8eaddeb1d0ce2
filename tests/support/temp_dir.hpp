#pragma once
// A temporary folder for one test: removed at the end unless an assertion failed while it
// existed, in which case it is kept and its path printed, so the state can be inspected.
#include <filesystem>
#include <string>

namespace mlc::test {

// A temporary folder removed at the end of the test unless an assertion failed in it.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "mlc-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    std::size_t failures_at_start_;
};

} // namespace mlc::test
