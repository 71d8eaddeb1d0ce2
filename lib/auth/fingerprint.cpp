#include "auth/fingerprint.hpp"

#include "auth/sha256.hpp"

#include <algorithm>

namespace mlc {
namespace {

void append_escaped(std::string& out, const std::string& text)
{
    for (const char c : text) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '=':
            out += "\\=";
            break;
        case '\n':
            out += "\\n";
            break;
        default:
            out += c;
        }
    }
}

using Fields = std::vector<std::pair<std::string, std::string>>;

// Sorts pointers rather than the fields themselves: every record is fingerprinted, and copying
// and moving its strings to sort them cost more than the escaping.
std::string canonical_text(const Fields& fields)
{
    std::vector<const Fields::value_type*> order;
    order.reserve(fields.size());
    std::size_t size = 0;
    for (const auto& field : fields) {
        order.push_back(&field);
        size += field.first.size() + field.second.size() + 2;
    }
    std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return *a < *b; });
    std::string out;
    out.reserve(size + size / 8);
    for (const auto* field : order) {
        append_escaped(out, field->first);
        out += '=';
        append_escaped(out, field->second);
        out += '\n';
    }
    return out;
}

} // namespace

std::string canonical_fields(std::vector<std::pair<std::string, std::string>> fields)
{
    return canonical_text(fields);
}

std::string fingerprint(const std::vector<std::pair<std::string, std::string>>& fields)
{
    return sha256_hex(canonical_text(fields));
}

} // namespace mlc
