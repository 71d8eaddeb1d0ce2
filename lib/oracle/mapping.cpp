#include "oracle/mapping.hpp"

#include "core/json.hpp"

namespace mlc::oracle {

std::expected<PageMeta, std::string> parse_page_meta(const std::string& body)
{
    // json::parse, not RapidJSON's own: it refuses a body nested too deep to parse safely.
    auto parsed = json::parse(body);
    if (!parsed) {
        return std::unexpected("malformed JSON: " + parsed.error().message);
    }
    const rapidjson::Document& doc = *parsed;
    if (!doc.IsObject() || !doc.HasMember("items") || !doc["items"].IsArray()) {
        return std::unexpected(std::string("not a collection (no items array)"));
    }
    PageMeta meta;
    meta.count = static_cast<int>(doc["items"].Size());
    if (auto it = doc.FindMember("hasMore"); it != doc.MemberEnd() && it->value.IsBool()) {
        meta.has_more = it->value.GetBool();
    }
    if (auto it = doc.FindMember("limit"); it != doc.MemberEnd() && it->value.IsInt()) {
        meta.limit = it->value.GetInt();
    }
    if (auto it = doc.FindMember("offset"); it != doc.MemberEnd() && it->value.IsInt()) {
        meta.offset = it->value.GetInt();
    }
    return meta;
}

PageMeta page_meta_of(const rapidjson::Value& doc, const rapidjson::Value& items)
{
    const auto small = [&doc](const char* key) {
        const auto v = json::get_id(doc, key);
        return v && *v >= 0 && *v <= 1'000'000'000 ? static_cast<int>(*v) : 0;
    };
    PageMeta meta;
    meta.count = static_cast<int>(items.Size());
    meta.has_more = json::get_bool(doc, "hasMore").value_or(false);
    meta.limit = small("limit");
    meta.offset = small("offset");
    return meta;
}

std::string self_href_of(const rapidjson::Value& item)
{
    const auto* links = json::find(item, "links");
    if (links == nullptr || !links->IsArray()) {
        return {};
    }
    for (const auto& link : links->GetArray()) {
        if (json::get_string(link, "rel").value_or("") == "self") {
            return json::get_string(link, "href").value_or("");
        }
    }
    return {};
}

} // namespace mlc::oracle
