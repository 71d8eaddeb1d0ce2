#include "store/links.hpp"

#include "store/columns.hpp"
#include "store/database.hpp"

#include <fmt/format.h>

#include <sqlite3.h>

namespace mlc::store {
namespace {

constexpr const char* k_columns = "kind, oracle_key, procore_key, fingerprint, origin, updated_at";

Link read_row(SQLite::Statement& st)
{
    Link l;
    l.kind = st.getColumn(0).getString();
    l.oracle_key = st.getColumn(1).getString();
    l.procore_key = optional_text(st.getColumn(2));
    l.fingerprint = st.getColumn(3).getString();
    l.origin = st.getColumn(4).getString();
    l.updated_at = st.getColumn(5).getString();
    return l;
}

std::optional<Link> find_one(Database& db, const std::string& sql, const std::string& kind,
                             const std::string& key)
{
    SQLite::Statement st(db.handle(), sql);
    st.bind(1, kind);
    st.bind(2, key);
    if (st.executeStep()) {
        return read_row(st);
    }
    return std::nullopt;
}

} // namespace

std::optional<Link> Links::find_by_oracle(const std::string& kind,
                                          const std::string& oracle_key) const
{
    try {
        return find_one(
            db_, fmt::format("SELECT {} FROM links WHERE kind = ? AND oracle_key = ?", k_columns),
            kind, oracle_key);
    } catch (...) {
        rethrow_as_store_error(db_, "reading links");
    }
}

std::optional<Link> Links::find_by_procore(const std::string& kind,
                                           const std::string& procore_key) const
{
    try {
        return find_one(
            db_, fmt::format("SELECT {} FROM links WHERE kind = ? AND procore_key = ?", k_columns),
            kind, procore_key);
    } catch (...) {
        rethrow_as_store_error(db_, "reading links");
    }
}

std::expected<void, LinkConflict> Links::upsert(const Link& link)
{
    try {
        if (link.procore_key) {
            const auto other = find_by_procore(link.kind, *link.procore_key);
            if (other && other->oracle_key != link.oracle_key) {
                return std::unexpected(
                    LinkConflict{fmt::format("{} procore key {} is already linked to oracle key {}",
                                             link.kind, *link.procore_key, other->oracle_key)});
            }
        }
        SQLite::Statement st(
            db_.handle(),
            "INSERT INTO links(kind, oracle_key, procore_key, fingerprint, origin, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(kind, oracle_key) DO UPDATE SET "
            "procore_key = excluded.procore_key, fingerprint = excluded.fingerprint, "
            "origin = excluded.origin, updated_at = excluded.updated_at");
        st.bind(1, link.kind);
        st.bind(2, link.oracle_key);
        bind_optional(st, 3, link.procore_key);
        st.bind(4, link.fingerprint);
        st.bind(5, link.origin);
        st.bind(6, db_.now_text());
        st.exec();
        return {};
    } catch (const SQLite::Exception& e) {
        if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
            return std::unexpected(LinkConflict{fmt::format(
                "{} procore key {} is already linked", link.kind, link.procore_key.value_or(""))});
        }
        rethrow_as_store_error(db_, "writing a link");
    } catch (...) {
        rethrow_as_store_error(db_, "writing a link");
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

} // namespace mlc::store
