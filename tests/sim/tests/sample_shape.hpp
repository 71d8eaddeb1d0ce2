#pragma once
// The check behind the simulators' sample tests: a published sample payload and the
// simulator's answer have the same keys with the same JSON types, recursively (arrays compare
// their first elements). A null in the sample matches anything; a "_comment" key in a sample
// is ours, not the API's. Numbers: Procore's ids must stay integers (Numbers::kind_matters),
// while Oracle's amounts are numbers whatever the sample's digits (Numbers::any).
#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <fstream>
#include <sstream>
#include <string>

namespace mlc::sim::testing {

enum class Numbers { kind_matters, any };

// A sample from fixtures/reference-samples/<system>/<name>, parsed; fails the test if unreadable.
inline rapidjson::Document load_sample(const std::string& system, const std::string& name)
{
    const std::string path = std::string(MLC_SHARED_SAMPLES_DIR) + "/" + system + "/" + name;
    std::ifstream in(path);
    INFO(path);
    REQUIRE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    rapidjson::Document d;
    d.Parse(ss.str().c_str());
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

inline const char* shape_type_name(const rapidjson::Value& v)
{
    if (v.IsNull()) {
        return "null";
    }
    if (v.IsBool()) {
        return "bool";
    }
    if (v.IsInt64() || v.IsUint64()) {
        return "integer";
    }
    if (v.IsNumber()) {
        return "number";
    }
    if (v.IsString()) {
        return "string";
    }
    if (v.IsArray()) {
        return "array";
    }
    return "object";
}

// Every key of `sample` is in `actual` with the same JSON type; with `exact`, no extra keys.
inline void same_shape(const rapidjson::Value& sample, const rapidjson::Value& actual,
                       const std::string& path, bool exact, Numbers numbers = Numbers::kind_matters)
{
    INFO("at " << path << ": sample " << shape_type_name(sample) << ", simulator "
               << shape_type_name(actual));
    if (sample.IsNull()) {
        return;
    }
    if (sample.IsNumber()
        && (numbers == Numbers::any || !(sample.IsInt64() || sample.IsUint64()))) {
        CHECK(actual.IsNumber());
        return;
    }
    REQUIRE(std::string(shape_type_name(sample)) == shape_type_name(actual));
    if (sample.IsObject()) {
        for (auto m = sample.MemberBegin(); m != sample.MemberEnd(); ++m) {
            const std::string key = m->name.GetString();
            if (key == "_comment") {
                continue;
            }
            INFO("key " << path << "." << key);
            REQUIRE(actual.HasMember(key.c_str()));
            same_shape(m->value, actual[key.c_str()], path + "." + key, exact, numbers);
        }
        if (exact) {
            for (auto m = actual.MemberBegin(); m != actual.MemberEnd(); ++m) {
                INFO("extra key " << path << "." << m->name.GetString());
                CHECK(sample.HasMember(m->name));
            }
        }
    } else if (sample.IsArray() && !sample.Empty() && !actual.Empty()) {
        same_shape(sample[0], actual[0], path + "[0]", exact, numbers);
    }
}

} // namespace mlc::sim::testing
