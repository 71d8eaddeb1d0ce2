#include "oracle/incremental.hpp"

namespace mlc::oracle {

std::string incremental_query(const IncrementalCursor& cursor, std::string_view key_attribute)
{
    if (cursor.since.empty()) {
        return {};
    }
    std::string q = "LastUpdateDate>='" + cursor.since + "'";
    if (!cursor.after_time.empty() && !cursor.after_key.empty()
        && cursor.after_key.find_first_not_of("0123456789") == std::string::npos) {
        q += " and (LastUpdateDate!='" + cursor.after_time + "' or ";
        q += key_attribute;
        q += ">" + cursor.after_key + ")";
    }
    return q;
}

std::string ids_query(std::string_view key_attribute, const std::vector<std::int64_t>& ids)
{
    std::string q;
    for (const auto id : ids) {
        if (!q.empty()) {
            q += " or ";
        }
        q += key_attribute;
        q += "=" + std::to_string(id);
    }
    return q;
}

std::expected<ReadStats, http::Error> read_collection(Client& client, const CollectionSpec& spec,
                                                      const std::string& q,
                                                      const PageBodyHandler& on_body, int page_size)
{
    Query query;
    query.q = q;
    query.order_by = "LastUpdateDate:asc," + spec.key_attribute + ":asc";
    query.fields = spec.fields;
    query.limit = page_size;
    query.only_data = true;

    ReadStats stats;
    for (;;) {
        auto result = client.get(spec.resource, query, spec.path_template);
        if (!result) {
            return std::unexpected(result.error());
        }
        bool stop = false;
        auto meta = on_body(result->body, stop);
        if (!meta) {
            return std::unexpected(http::Error{.kind = http::ErrorKind::status,
                                               .status = result->status,
                                               .message = "unexpected response: " + meta.error(),
                                               .body = {},
                                               .attempts = 1});
        }
        ++stats.pages;
        stats.records += meta->count;
        // Follow the server's page size, not the one we asked for: a pod capping at 499
        // would otherwise look like a short (last) page.
        const int limit = meta->limit > 0 ? meta->limit : query.limit;
        const bool more = meta->has_more && meta->count >= limit && meta->count > 0;
        if (stop || !more) {
            break;
        }
        query.offset += meta->count;
        query.limit = limit;
    }
    return stats;
}

} // namespace mlc::oracle
