#include "store/links.hpp"

#include "store/columns.hpp"
#include "store/database.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sqlite3.h>

namespace mlc::store {
namespace {

constexpr const char* k_link_columns =
    "id, kind, oracle_key, procore_key, fingerprint, origin, drift, "
    "updated_at, summary, remote_updated_at";

struct Row {
    std::int64_t id = 0;
    Link link;
};

Row read_link_row(SQLite::Statement& st)
{
    Row r;
    r.id = st.getColumn(0).getInt64();
    r.link.kind = st.getColumn(1).getString();
    r.link.oracle_key = optional_text(st.getColumn(2));
    r.link.procore_key = optional_text(st.getColumn(3));
    r.link.fingerprint = st.getColumn(4).getString();
    r.link.origin = st.getColumn(5).getString();
    r.link.drift = optional_text(st.getColumn(6));
    r.link.updated_at = st.getColumn(7).getString();
    r.link.summary = optional_text(st.getColumn(8));
    r.link.remote_updated_at = optional_text(st.getColumn(9));
    return r;
}

constexpr const char* k_by_oracle =
    "SELECT id, kind, oracle_key, procore_key, fingerprint, origin, drift, updated_at, summary, "
    "remote_updated_at "
    "FROM links "
    "WHERE kind = ? AND oracle_key = ?";
constexpr const char* k_by_procore =
    "SELECT id, kind, oracle_key, procore_key, fingerprint, origin, drift, updated_at, summary, "
    "remote_updated_at "
    "FROM links "
    "WHERE kind = ? AND procore_key = ?";
constexpr const char* k_by_either =
    "SELECT id, kind, oracle_key, procore_key, fingerprint, origin, drift, updated_at, summary, "
    "remote_updated_at "
    "FROM links "
    "WHERE kind = ? AND (oracle_key = ? OR procore_key = ?)";

std::optional<Row> find_row(Database& db, const char* sql, const std::string& kind,
                            const std::string& key)
{
    auto st = db.prepared(sql);
    st->bind(1, kind);
    st->bind(2, key);
    if (st->executeStep()) {
        return read_link_row(*st);
    }
    return std::nullopt;
}

LinkConflict conflict(const Link& link, const char* side, const std::string& key,
                      const char* other_side, const std::optional<std::string>& other)
{
    return LinkConflict{fmt::format("{} {} key {} is already linked to {} key {}", link.kind, side,
                                    key, other_side, other.value_or("(none)"))};
}

} // namespace

std::optional<Link> Links::find_by_oracle(const std::string& kind,
                                          const std::string& oracle_key) const
{
    try {
        auto row = find_row(db_, k_by_oracle, kind, oracle_key);
        return row ? std::optional(std::move(row->link)) : std::nullopt;
    } catch (...) {
        rethrow_as_store_error(db_, "reading links");
    }
}

std::optional<Link> Links::find_by_procore(const std::string& kind,
                                           const std::string& procore_key) const
{
    try {
        auto row = find_row(db_, k_by_procore, kind, procore_key);
        return row ? std::optional(std::move(row->link)) : std::nullopt;
    } catch (...) {
        rethrow_as_store_error(db_, "reading links");
    }
}

std::unordered_map<std::string, Link>
Links::find_many_by_oracle(const std::string& kind, const std::vector<std::string>& keys) const
{
    // 100 keys per statement: a handful of prepared shapes, far below SQLite's variable limit.
    constexpr std::size_t k_chunk = 100;
    std::unordered_map<std::string, Link> out;
    try {
        for (std::size_t at = 0; at < keys.size(); at += k_chunk) {
            const std::size_t n = std::min(k_chunk, keys.size() - at);
            std::string sql = std::string("SELECT ") + k_link_columns
                              + " FROM links WHERE kind = ? AND oracle_key IN (";
            for (std::size_t i = 0; i < n; ++i) {
                sql += i == 0 ? "?" : ", ?";
            }
            sql += ")";
            auto st = db_.prepared(sql);
            st->bind(1, kind);
            for (std::size_t i = 0; i < n; ++i) {
                st->bind(static_cast<int>(i + 2), keys[at + i]);
            }
            while (st->executeStep()) {
                auto row = read_link_row(*st);
                const auto key = *row.link.oracle_key;
                out.emplace(key, std::move(row.link));
            }
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "reading links");
    }
}

std::expected<void, LinkConflict> Links::upsert(const Link& link)
{
    try {
        // The common case first: a new link, one statement. Any existing key (either side)
        // makes the insert a no-op and the full path below decides.
        if (link.oracle_key || link.procore_key) {
            auto insert = db_.prepared(
                "INSERT OR IGNORE INTO links(kind, oracle_key, procore_key, fingerprint, origin, "
                "drift, updated_at, summary, remote_updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                "?)");
            insert->bind(1, link.kind);
            bind_optional(*insert, 2, link.oracle_key);
            bind_optional(*insert, 3, link.procore_key);
            insert->bind(4, link.fingerprint);
            insert->bind(5, link.origin);
            bind_optional(*insert, 6, link.drift);
            insert->bind(7, db_.now_text());
            bind_optional(*insert, 8, link.summary);
            bind_optional(*insert, 9, link.remote_updated_at);
            if (insert->exec() == 1) {
                return {};
            }
        }
        // The rows either key names, in one query when both are given.
        std::optional<Row> by_oracle;
        std::optional<Row> by_procore;
        if (link.oracle_key && link.procore_key) {
            auto st = db_.prepared(k_by_either);
            st->bind(1, link.kind);
            st->bind(2, *link.oracle_key);
            st->bind(3, *link.procore_key);
            while (st->executeStep()) {
                auto row = read_link_row(*st);
                if (row.link.oracle_key == link.oracle_key) {
                    by_oracle = row;
                }
                if (row.link.procore_key == link.procore_key) {
                    by_procore = std::move(row);
                }
            }
        } else if (link.oracle_key) {
            by_oracle = find_row(db_, k_by_oracle, link.kind, *link.oracle_key);
        } else if (link.procore_key) {
            by_procore = find_row(db_, k_by_procore, link.kind, *link.procore_key);
        }
        // Two different links, or one whose other side already names another record.
        if (by_procore && (!by_oracle || by_oracle->id != by_procore->id) && link.oracle_key
            && by_procore->link.oracle_key) {
            return std::unexpected(conflict(link, "procore", *link.procore_key, "oracle",
                                            by_procore->link.oracle_key));
        }
        if (by_oracle && (!by_procore || by_oracle->id != by_procore->id) && link.procore_key
            && by_oracle->link.procore_key) {
            return std::unexpected(
                conflict(link, "oracle", *link.oracle_key, "procore", by_oracle->link.procore_key));
        }
        if (by_oracle && by_procore && by_oracle->id != by_procore->id) {
            return std::unexpected(conflict(link, "procore", *link.procore_key, "oracle",
                                            by_procore->link.oracle_key));
        }
        const auto existing = by_oracle ? by_oracle : by_procore;
        if (existing) {
            auto st = db_.prepared("UPDATE links SET oracle_key = COALESCE(?, oracle_key), "
                                   "procore_key = COALESCE(?, procore_key), fingerprint = ?, "
                                   "origin = ?, drift = ?, updated_at = ?, "
                                   "summary = COALESCE(?, summary), "
                                   "remote_updated_at = COALESCE(?, remote_updated_at) "
                                   "WHERE id = ?");
            bind_optional(*st, 1, link.oracle_key);
            bind_optional(*st, 2, link.procore_key);
            st->bind(3, link.fingerprint);
            st->bind(4, link.origin);
            bind_optional(*st, 5, link.drift);
            st->bind(6, db_.now_text());
            bind_optional(*st, 7, link.summary);
            bind_optional(*st, 8, link.remote_updated_at);
            st->bind(9, existing->id);
            st->exec();
            return {};
        }
        if (!link.oracle_key && !link.procore_key) {
            throw StoreError(fmt::format("state {}: a {} link needs an Oracle or a Procore key",
                                         db_.path().string(), link.kind));
        }
        auto st = db_.prepared("INSERT INTO links(kind, oracle_key, procore_key, fingerprint, "
                               "origin, drift, updated_at, summary, remote_updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        st->bind(1, link.kind);
        bind_optional(*st, 2, link.oracle_key);
        bind_optional(*st, 3, link.procore_key);
        st->bind(4, link.fingerprint);
        st->bind(5, link.origin);
        bind_optional(*st, 6, link.drift);
        st->bind(7, db_.now_text());
        bind_optional(*st, 8, link.summary);
        bind_optional(*st, 9, link.remote_updated_at);
        st->exec();
        return {};
    } catch (const SQLite::Exception& e) {
        if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
            return std::unexpected(LinkConflict{
                fmt::format("{} link {}/{} is already taken", link.kind,
                            link.oracle_key.value_or("-"), link.procore_key.value_or("-"))});
        }
        rethrow_as_store_error(db_, "writing a link");
    } catch (...) {
        rethrow_as_store_error(db_, "writing a link");
    }
}

void Links::set_drift_by_procore(const std::string& kind, const std::string& procore_key,
                                 const std::optional<std::string>& drift)
{
    try {
        SQLite::Statement st(db_.handle(), "UPDATE links SET drift = ?, updated_at = ? "
                                           "WHERE kind = ? AND procore_key = ?");
        bind_optional(st, 1, drift);
        st.bind(2, db_.now_text());
        st.bind(3, kind);
        st.bind(4, procore_key);
        st.exec();
    } catch (...) {
        rethrow_as_store_error(db_, "recording a drift");
    }
}

void Links::rekey_oracle(const std::string& kind, const std::string& procore_key,
                         const std::string& oracle_key)
{
    try {
        SQLite::Statement st(db_.handle(), "UPDATE links SET oracle_key = ?, updated_at = ? "
                                           "WHERE kind = ? AND procore_key = ?");
        st.bind(1, oracle_key);
        st.bind(2, db_.now_text());
        st.bind(3, kind);
        st.bind(4, procore_key);
        st.exec();
    } catch (...) {
        rethrow_as_store_error(db_, "moving a link to a new Oracle key");
    }
}

std::int64_t Links::count(const std::string& kind) const
{
    try {
        SQLite::Statement st(db_.handle(), "SELECT COUNT(*) FROM links WHERE kind = ?");
        st.bind(1, kind);
        st.executeStep();
        return st.getColumn(0).getInt64();
    } catch (...) {
        rethrow_as_store_error(db_, "counting links");
    }
}

std::vector<std::string> Links::written_oracle_keys(const std::string& kind) const
{
    try {
        SQLite::Statement st(db_.handle(),
                             "SELECT oracle_key FROM links WHERE kind = ? AND origin = 'oracle' "
                             "AND oracle_key IS NOT NULL AND procore_key IS NOT NULL "
                             "ORDER BY oracle_key");
        st.bind(1, kind);
        std::vector<std::string> out;
        while (st.executeStep()) {
            out.push_back(st.getColumn(0).getString());
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "listing written links");
    }
}

std::vector<Link> Links::drifted(const std::string& kind) const
{
    try {
        SQLite::Statement st(
            db_.handle(),
            fmt::format("SELECT {} FROM links WHERE drift IS NOT NULL AND (? = '' OR kind = ?) "
                        "ORDER BY kind, oracle_key, procore_key",
                        k_link_columns));
        st.bind(1, kind);
        st.bind(2, kind);
        std::vector<Link> out;
        while (st.executeStep()) {
            out.push_back(read_link_row(st).link);
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "listing drifted links");
    }
}

} // namespace mlc::store
