// read_ahead: pages in order, never more than `depth` waiting, the reader stopped and joined
// when the consumer throws, and the reader's own error or exception handed back.
#include "sync/engine/read_ahead.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <vector>

using mlc::engine::read_ahead;

namespace {

using Sink = std::function<bool(int&)>;
using Read = std::function<std::expected<int, mlc::http::Error>(const Sink&)>;

} // namespace

TEST_CASE("read_ahead hands every page over in order and returns the read's outcome",
          "[engine][read_ahead]")
{
    std::vector<int> consumed;
    const Read read = [&](const Sink& sink) -> std::expected<int, mlc::http::Error> {
        for (int i = 0; i < 50; ++i) {
            int page = i;
            if (!sink(page)) {
                return i;
            }
        }
        return 50;
    };
    const auto result = read_ahead<int, int>(
        read, [&](int& page) { consumed.push_back(page); }, 1);
    REQUIRE(result.has_value());
    CHECK(*result == 50);
    REQUIRE(consumed.size() == 50);
    for (int i = 0; i < 50; ++i) {
        CHECK(consumed[static_cast<std::size_t>(i)] == i);
    }
}

TEST_CASE("read_ahead stops the reader when the consumer throws, and rethrows",
          "[engine][read_ahead]")
{
    std::atomic<int> produced{0};
    std::atomic<bool> told_to_stop{false};
    const Read read = [&](const Sink& sink) -> std::expected<int, mlc::http::Error> {
        for (int i = 0; i < 1000; ++i) {
            int page = i;
            ++produced;
            if (!sink(page)) {
                told_to_stop = true;
                return i;
            }
        }
        return 1000;
    };
    const auto consume = [&](int& page) {
        if (page == 3) {
            throw std::runtime_error("the write stopped the pass");
        }
    };
    const auto run = [&] { return read_ahead<int, int>(read, consume, 1); };
    CHECK_THROWS_AS(run(), std::runtime_error);
    CHECK(told_to_stop);
    // Bounded: the reader never got far beyond the page that failed.
    CHECK(produced <= 6);
}

TEST_CASE("read_ahead returns the reader's error after the pages it read, and its exception",
          "[engine][read_ahead]")
{
    std::vector<int> consumed;
    const Read failing = [&](const Sink& sink) -> std::expected<int, mlc::http::Error> {
        for (int i = 0; i < 3; ++i) {
            int page = i;
            sink(page);
        }
        mlc::http::Error e;
        e.kind = mlc::http::ErrorKind::transport;
        e.message = "dropped";
        return std::unexpected(e);
    };
    const auto result = read_ahead<int, int>(failing, [&](int& page) { consumed.push_back(page); });
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message == "dropped");
    CHECK(consumed == std::vector<int>{0, 1, 2}); // what was read before the error is applied

    const Read throwing = [](const Sink&) -> std::expected<int, mlc::http::Error> {
        throw std::runtime_error("token endpoint unreachable");
    };
    const auto run = [&] { return read_ahead<int, int>(throwing, [](int&) {}); };
    CHECK_THROWS_AS(run(), std::runtime_error);
}
