#include "oracle/incremental.hpp"

#include <algorithm>

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
    query.order_by =
        spec.order_by.empty() ? "LastUpdateDate:asc," + spec.key_attribute + ":asc" : spec.order_by;
    query.fields = spec.fields;
    query.expand = spec.expand;
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
            return std::unexpected(http::shape_error(result->status, meta.error()));
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

std::expected<ReadStats, http::Error> read_by_ids(Client& client, const CollectionSpec& spec,
                                                  const std::vector<std::int64_t>& ids,
                                                  const PageBodyHandler& on_body)
{
    constexpr std::size_t k_ids_per_get = 50;
    ReadStats total;
    for (std::size_t at = 0; at < ids.size(); at += k_ids_per_get) {
        const std::vector<std::int64_t> chunk(
            ids.begin() + static_cast<std::ptrdiff_t>(at),
            ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), at + k_ids_per_get)));
        auto read = read_collection(client, spec, ids_query(spec.key_attribute, chunk), on_body);
        if (!read) {
            return std::unexpected(read.error());
        }
        total.pages += read->pages;
        total.records += read->records;
    }
    return total;
}

} // namespace mlc::oracle
