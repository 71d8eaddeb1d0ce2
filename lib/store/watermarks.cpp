#include "store/watermarks.hpp"

#include "store/database.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

namespace mlc::store {
namespace {

Watermark read_watermark(SQLite::Statement& st)
{
    return Watermark{st.getColumn(0).getString(), st.getColumn(1).getString(),
                     st.getColumn(2).getString(), st.getColumn(3).getString()};
}

} // namespace

std::optional<Watermark> Watermarks::get(const std::string& stream) const
{
    try {
        auto st = db_.prepared(
            "SELECT stream, cursor_time, cursor_key, updated_at FROM watermarks WHERE stream = ?");
        st->bind(1, stream);
        if (st->executeStep()) {
            return read_watermark(*st);
        }
        return std::nullopt;
    } catch (...) {
        rethrow_as_store_error(db_, "reading watermark " + stream);
    }
}

void Watermarks::set(const Watermark& w)
{
    try {
        auto st =
            db_.prepared("INSERT INTO watermarks(stream, cursor_time, cursor_key, updated_at) "
                         "VALUES (?, ?, ?, ?) "
                         "ON CONFLICT(stream) DO UPDATE SET cursor_time = excluded.cursor_time, "
                         "cursor_key = excluded.cursor_key, updated_at = excluded.updated_at");
        st->bind(1, w.stream);
        st->bind(2, w.cursor_time);
        st->bind(3, w.cursor_key);
        st->bind(4, db_.now_text());
        st->exec();
    } catch (...) {
        rethrow_as_store_error(db_, "writing watermark " + w.stream);
    }
}

std::vector<Watermark> Watermarks::list() const
{
    try {
        auto st = db_.prepared(
            "SELECT stream, cursor_time, cursor_key, updated_at FROM watermarks ORDER BY stream");
        std::vector<Watermark> out;
        while (st->executeStep()) {
            out.push_back(read_watermark(*st));
        }
        return out;
    } catch (...) {
        rethrow_as_store_error(db_, "reading watermarks");
    }
}

bool Watermarks::remove(const std::string& stream)
{
    try {
        auto st = db_.prepared("DELETE FROM watermarks WHERE stream = ?");
        st->bind(1, stream);
        return st->exec() > 0;
    } catch (...) {
        rethrow_as_store_error(db_, "removing watermark " + stream);
    }
}

} // namespace mlc::store
