#include "support/temp_dir.hpp"

#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include <cstdio>
#include <random>

namespace mlc::test {

// Failed assertions so far in this test binary: a TempDir compares it at both ends.
std::size_t g_failed_assertions = 0;

struct FailureCounter : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;
    bool assertionEnded(const Catch::AssertionStats& stats) override
    {
        if (!stats.assertionResult.isOk()) {
            ++g_failed_assertions;
        }
        return true;
    }
};

} // namespace mlc::test

using MlcTempDirFailureCounter = mlc::test::FailureCounter;
CATCH_REGISTER_LISTENER(MlcTempDirFailureCounter)

namespace mlc::test {

TempDir::TempDir(const std::string& prefix) : failures_at_start_(g_failed_assertions)
{
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path()
            / (prefix + "-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir()
{
    if (g_failed_assertions != failures_at_start_) {
        std::fprintf(stderr, "test failed: its folder is kept at %s\n", path_.c_str());
        return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

} // namespace mlc::test
