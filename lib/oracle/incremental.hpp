#pragma once
// The incremental read every polled Oracle collection shares (suppliers, GL account
// combinations): records with LastUpdateDate at or after a point and past a compound
// (LastUpdateDate, id) cursor, in that order, streamed one page at a time, with the collection
// envelope's paging rules in one place. The resource files only parse their own items.
#include "oracle/client.hpp"

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mlc::oracle {

// Where an incremental read starts.
struct IncrementalCursor {
    std::string since; // ISO-8601; empty = from the beginning (full read)
    // The compound watermark (LastUpdateDate, id) of the last applied record. When set, records
    // at exactly that time are read only past that id: thousands of records can share one stamp
    // (a mass update), and re-reading them all on every pass would defeat the incremental read.
    // The overlap (`since` earlier than after_time) still re-reads records committed late with
    // an earlier stamp.
    std::string after_time;
    std::string after_key;
};

// The q expression (framework v2+ syntax): LastUpdateDate>='<since>', and with a cursor
// "and (LastUpdateDate!='<after_time>' or <key_attribute>><after_key>)". A key that is not a
// plain number is never pasted into the expression (the cursor part is then left out).
std::string incremental_query(const IncrementalCursor& cursor, std::string_view key_attribute);

// "<key_attribute>=1 or <key_attribute>=2 …": a handful of records by id in one GET.
std::string ids_query(std::string_view key_attribute, const std::vector<std::int64_t>& ids);

// The collection and how it is ordered and projected.
struct CollectionSpec {
    std::string resource;      // "suppliers"
    std::string path_template; // "/suppliers", the call counter's name
    std::string key_attribute; // "SupplierId": the tie-breaker after LastUpdateDate
    std::string fields;        // projection; empty = every attribute
    // Children to expand ("lines,lines.schedules"); Oracle ignores expand when fields is set,
    // so a spec has one or the other.
    std::string expand;
    // The orderBy; empty = "LastUpdateDate:asc,<key_attribute>:asc". A collection read whole
    // (one without LastUpdateDate) orders by its key alone.
    std::string order_by;
};

// Parses one page body and hands its records on. Returns the page's paging attributes, or why
// the body is not the expected page; sets `stop` to end the read after this page.
using PageBodyHandler =
    std::function<std::expected<PageMeta, std::string>(const std::string& body, bool& stop)>;

// The handler for a resource: `parse` turns a body into an expected page with a `meta` member,
// `sink` takes the page and returns false to stop. `sink` must outlive the read.
template <class Parse, class Sink> PageBodyHandler parsed_pages(Parse parse, const Sink& sink)
{
    return [parse, &sink](const std::string& body,
                          bool& stop) -> std::expected<PageMeta, std::string> {
        auto page = parse(body);
        if (!page) {
            return std::unexpected(page.error());
        }
        const PageMeta meta = page->meta;
        stop = !sink(*page);
        return meta;
    };
}

struct ReadStats {
    int pages = 0;
    std::int64_t records = 0;
};

// GETs the collection with `q`, ordered by spec.order_by (default (LastUpdateDate, key)),
// `page_size` per request (the echoed server limit is followed from the second page on). Stops on
// hasMore=false or a page shorter than the limit. Errors are the HTTP error, or a shape error as
// http::Error{kind=status, message="unexpected response: …"}.
std::expected<ReadStats, http::Error> read_collection(Client& client, const CollectionSpec& spec,
                                                      const std::string& q,
                                                      const PageBodyHandler& on_body,
                                                      int page_size = 500);

// GETs the given records of the collection whatever their LastUpdateDate (a handful: 50 ids per
// GET, so the URL stays well under any proxy's limit): how a pass re-reads records by id.
std::expected<ReadStats, http::Error> read_by_ids(Client& client, const CollectionSpec& spec,
                                                  const std::vector<std::int64_t>& ids,
                                                  const PageBodyHandler& on_body);

} // namespace mlc::oracle
