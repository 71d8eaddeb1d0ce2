#pragma once
// An in-process cpp-httplib server on a free loopback port, started in the constructor and
// stopped and joined in the destructor (the cpp-httplib test habit). Handlers that must hang
// (slow responses) wait on `release`, which teardown opens before stopping the server.
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace mlc::test {

// A one-way gate: wait() blocks until open() is called (or returns at once afterwards).
class Gate {
public:
    void open()
    {
        {
            std::lock_guard lock(mutex_);
            open_ = true;
        }
        cv_.notify_all();
    }
    void wait()
    {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return open_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool open_ = false;
};

class TestServer {
public:
    // Register routes on `server` before calling start().
    httplib::Server server;
    Gate release;

    TestServer() { server.set_keep_alive_timeout(1); }

    void start()
    {
        port_ = server.bind_to_any_port("127.0.0.1");
        if (port_ <= 0) {
            throw std::runtime_error("TestServer: cannot bind a loopback port");
        }
        thread_ = std::thread([this] { server.listen_after_bind(); });
        // The socket already listens after bind, so clients could connect now; waiting for
        // the accept loop makes stop() in the destructor reliable (it is a no-op before).
        while (!server.is_running()) {
            std::this_thread::yield();
        }
    }

    ~TestServer()
    {
        release.open();
        server.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    int port() const { return port_; }
    std::string url(const std::string& path) const
    {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

private:
    int port_ = 0;
    std::thread thread_;
};

} // namespace mlc::test
