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

} // namespace

std::string canonical_fields(std::vector<std::pair<std::string, std::string>> fields)
{
    std::sort(fields.begin(), fields.end());
    std::string out;
    for (const auto& [key, value] : fields) {
        append_escaped(out, key);
        out += '=';
        append_escaped(out, value);
        out += '\n';
    }
    return out;
}

std::string fingerprint(const std::vector<std::pair<std::string, std::string>>& fields)
{
    return sha256_hex(canonical_fields(fields));
}

} // namespace mlc
