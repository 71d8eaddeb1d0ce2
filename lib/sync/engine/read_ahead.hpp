#pragma once
// Reading a paged source ahead of the work done on it: the source's GETs and the parsing of
// each page run on a worker thread, at most `depth` pages ahead, while the calling thread plans
// and writes the pages already read. A pass's time is then about the larger of its reading and
// its writing rather than their sum; memory stays bounded (at most `depth` pages wait).
//
// The two threads share nothing but the channel: the reader uses only the source's client (a
// transport and HTTP client of its own), the consumer everything else. When the consumer throws
// (a write that stops the pass) the reader is told to stop after its current page and joined
// before the exception goes on; an exception or error of the reader comes back to the caller.
#include "http/client.hpp"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <expected>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace mlc::engine {

template <class Page> class PageChannel {
public:
    explicit PageChannel(std::size_t depth) : depth_(depth == 0 ? 1 : depth) {}

    // Reader side: waits for room; false when the consumer has stopped (end the read).
    bool push(Page&& page)
    {
        std::unique_lock lock(mutex_);
        room_.wait(lock, [&] { return stopped_ || pages_.size() < depth_; });
        if (stopped_) {
            return false;
        }
        pages_.push_back(std::move(page));
        ready_.notify_one();
        return true;
    }
    // Reader side: no more pages.
    void close()
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        ready_.notify_one();
    }
    // Consumer side: the next page, or false once the reader closed and all were taken.
    bool pop(Page& out)
    {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return closed_ || !pages_.empty(); });
        if (pages_.empty()) {
            return false;
        }
        out = std::move(pages_.front());
        pages_.pop_front();
        room_.notify_one();
        return true;
    }
    // Consumer side: stop the reader (it sees it at its next push).
    void stop()
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        room_.notify_all();
    }

private:
    std::size_t depth_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable room_;
    std::deque<Page> pages_;
    bool closed_ = false;
    bool stopped_ = false;
};

// Runs `read(sink)` on a worker thread and `consume(page)` on this one for every page the
// sink receives, in order. Returns the read's outcome once every page read was consumed.
template <class Page, class Result>
std::expected<Result, http::Error> read_ahead(
    const std::function<std::expected<Result, http::Error>(const std::function<bool(Page&)>& sink)>&
        read,
    const std::function<void(Page&)>& consume, std::size_t depth = 1)
{
    PageChannel<Page> channel(depth);
    std::expected<Result, http::Error> outcome = std::unexpected(http::Error{});
    std::exception_ptr failure;
    std::thread reader([&] {
        try {
            const std::function<bool(Page&)> sink = [&](Page& page) {
                return channel.push(std::move(page));
            };
            outcome = read(sink);
        } catch (...) {
            failure = std::current_exception();
        }
        channel.close();
    });
    try {
        Page page;
        while (channel.pop(page)) {
            consume(page);
        }
    } catch (...) {
        channel.stop();
        reader.join();
        throw;
    }
    reader.join();
    if (failure) {
        std::rethrow_exception(failure);
    }
    return outcome;
}

} // namespace mlc::engine
