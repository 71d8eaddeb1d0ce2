#pragma once
// A scripted Transport for unit tests: hands out the queued Outcomes in order and records every
// request it was given, so tests assert what the client put on the wire without a socket.
#include "http/client.hpp"
#include "http/transport.hpp"

#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

namespace mlc::test {

inline http::Response response(int status, std::string body = {}, http::Headers headers = {})
{
    http::Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

inline http::TransportError transport_error(http::TransportErrorKind kind,
                                            std::string message = "boom")
{
    return http::TransportError{kind, std::move(message)};
}

class FakeTransport final : public http::Transport {
public:
    void push(http::Outcome outcome) { script.push_back(std::move(outcome)); }

    http::Outcome perform(const http::Request& request) override
    {
        requests.push_back(request);
        if (script.empty()) {
            throw std::logic_error("FakeTransport: no scripted outcome for " + request.method + " "
                                   + request.url);
        }
        http::Outcome next = std::move(script.front());
        script.pop_front();
        return next;
    }

    std::deque<http::Outcome> script;
    std::vector<http::Request> requests;
};

// An Authenticator that hands out "token-1", "token-2", … and counts refreshes.
class FakeAuth final : public http::Authenticator {
public:
    void apply(http::Request& request) override
    {
        ++applied;
        request.headers.set("Authorization", "Bearer token-" + std::to_string(generation));
    }
    void refresh() override
    {
        ++refreshed;
        ++generation;
    }
    int applied = 0;
    int refreshed = 0;
    int generation = 1;
};

} // namespace mlc::test
