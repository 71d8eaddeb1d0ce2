// Fuzz target: a webhook delivery's body, as `listen` checks it before spooling it
// (spool::is_json_object) and as `ingest` reads it (spool::parse_event). Any body gives an event
// or an error naming the field, one line of valid UTF-8 (it goes into the audit trail and the
// .reason note of a rejected spool file); what parse_event accepts, the listener spooled; the
// ids of an event are decimal text.
#include "fuzz_target.hpp"
#include "spool/event.hpp"

#include <algorithm>

namespace {

bool decimal_text(const std::string& s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using mlc::fuzz::check;
    const std::string_view body = mlc::fuzz::text_of(data, size);
    const bool spooled = mlc::spool::is_json_object(body);
    const auto event = mlc::spool::parse_event(body);
    if (!event) {
        check(!event.error().empty(), "parse_event: an error says what is wrong");
        check(mlc::fuzz::one_line(event.error()), "parse_event: an error is one line");
        check(mlc::fuzz::valid_utf8(event.error()), "parse_event: an error is valid UTF-8");
        return 0;
    }
    check(spooled, "parse_event accepts only what is_json_object let the listener spool");
    check(!event->event_id.empty() && !event->id.empty(), "an event has an id");
    check(!event->resource_name.empty(), "an event names its resource");
    check(!event->resource_id.empty() && decimal_text(event->resource_id),
          "resource_id is decimal text");
    check(decimal_text(event->project_id) && decimal_text(event->company_id)
              && decimal_text(event->user_id),
          "project_id, company_id and user_id are decimal text or empty");
    check(event->payload_version >= 2 && event->payload_version <= 4,
          "the payload version is 2, 3 or 4");
    return 0;
}
