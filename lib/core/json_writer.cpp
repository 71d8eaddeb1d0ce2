#include "core/json_writer.hpp"

#include "core/decimal.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace mlc::json {

std::string quote(std::string_view text)
{
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()), true);
    return std::string(buffer.GetString(), buffer.GetSize());
}

struct Writer::Impl {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
    mutable std::string out;
};

Writer::Writer() : impl_(std::make_unique<Impl>()) {}
Writer::~Writer() = default;

Writer& Writer::begin_object()
{
    impl_->writer.StartObject();
    return *this;
}
Writer& Writer::end_object()
{
    impl_->writer.EndObject();
    return *this;
}
Writer& Writer::begin_array()
{
    impl_->writer.StartArray();
    return *this;
}
Writer& Writer::end_array()
{
    impl_->writer.EndArray();
    return *this;
}
Writer& Writer::key(std::string_view k)
{
    impl_->writer.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()), true);
    return *this;
}
Writer& Writer::string(std::string_view v)
{
    impl_->writer.String(v.data(), static_cast<rapidjson::SizeType>(v.size()), true);
    return *this;
}
Writer& Writer::integer(std::int64_t v)
{
    impl_->writer.Int64(v);
    return *this;
}
Writer& Writer::boolean(bool v)
{
    impl_->writer.Bool(v);
    return *this;
}
Writer& Writer::null()
{
    impl_->writer.Null();
    return *this;
}
Writer& Writer::field_if_set(std::string_view k, std::string_view v)
{
    if (!v.empty()) {
        field(k, v);
    }
    return *this;
}

Writer& Writer::decimal_field(std::string_view k, const std::string& text)
{
    if (const auto d = Decimal::parse(text); d) {
        key(k).raw_number(d->str());
    }
    return *this;
}

Writer& Writer::raw_number(std::string_view v)
{
    impl_->writer.RawValue(v.data(), v.size(), rapidjson::kNumberType);
    return *this;
}
Writer& Writer::raw_json(std::string_view v)
{
    impl_->writer.RawValue(v.data(), v.size(), rapidjson::kObjectType);
    return *this;
}
const std::string& Writer::str() const
{
    impl_->out.assign(impl_->buffer.GetString(), impl_->buffer.GetSize());
    return impl_->out;
}

} // namespace mlc::json
