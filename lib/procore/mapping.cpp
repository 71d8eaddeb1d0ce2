#include "procore/mapping.hpp"

#include "core/json.hpp"

#include <utility>

namespace mlc::procore {

namespace {

// json::parse, not RapidJSON's own: it refuses a body nested too deep to parse safely.
std::expected<rapidjson::Document, std::string> parse(const std::string& body)
{
    auto doc = json::parse(body);
    if (!doc) {
        return std::unexpected("malformed JSON: " + doc.error().message);
    }
    return std::move(*doc);
}

} // namespace

std::expected<std::vector<Company>, std::string> parse_companies(const std::string& body)
{
    auto doc = parse(body);
    if (!doc) {
        return std::unexpected(doc.error());
    }
    if (!doc->IsArray()) {
        return std::unexpected(std::string("companies: expected an array"));
    }
    std::vector<Company> out;
    for (const auto& item : doc->GetArray()) {
        if (!item.IsObject() || !item.HasMember("id") || !item["id"].IsInt64()) {
            return std::unexpected(std::string("companies: item without an integer id"));
        }
        Company c;
        c.id = item["id"].GetInt64();
        if (auto it = item.FindMember("name"); it != item.MemberEnd() && it->value.IsString()) {
            c.name = it->value.GetString();
        }
        if (auto it = item.FindMember("is_active"); it != item.MemberEnd() && it->value.IsBool()) {
            c.is_active = it->value.GetBool();
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::expected<std::int64_t, std::string> count_array_items(const std::string& body)
{
    auto doc = parse(body);
    if (!doc) {
        return std::unexpected(doc.error());
    }
    if (!doc->IsArray()) {
        return std::unexpected(std::string("expected an array"));
    }
    return static_cast<std::int64_t>(doc->Size());
}

} // namespace mlc::procore
