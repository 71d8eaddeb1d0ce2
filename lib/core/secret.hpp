#pragma once
// A secret (client secret, webhook secret, access token) that cannot be printed by accident:
// it has no stream or fmt formatter, and reveal() is the one greppable way to read it.
#include <string>
#include <utility>

namespace mlc {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret&) = default;
    Secret& operator=(const Secret&) = default;
    Secret(Secret&&) noexcept = default;
    Secret& operator=(Secret&&) noexcept = default;
    ~Secret() { wipe(); }

    const std::string& reveal() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }

private:
    void wipe() noexcept
    {
        volatile char* p = value_.data();
        for (std::size_t i = 0; i < value_.size(); ++i) {
            p[i] = 0;
        }
    }
    std::string value_;
};

} // namespace mlc
