#include "http/transport.hpp"

#include <algorithm>
#include <cctype>

namespace mlc::http {
namespace {

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x))
                      == std::tolower(static_cast<unsigned char>(y));
           });
}

} // namespace

void Headers::set(std::string name, std::string value)
{
    std::erase_if(items, [&](const auto& item) { return iequals(item.first, name); });
    items.emplace_back(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value)
{
    items.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> Headers::get(std::string_view name) const
{
    for (const auto& [key, value] : items) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

std::string_view to_string(TransportErrorKind kind)
{
    switch (kind) {
    case TransportErrorKind::connect:
        return "connect";
    case TransportErrorKind::timeout:
        return "timeout";
    case TransportErrorKind::tls:
        return "tls";
    case TransportErrorKind::dropped:
        return "dropped";
    case TransportErrorKind::other:
        break;
    }
    return "other";
}

} // namespace mlc::http
